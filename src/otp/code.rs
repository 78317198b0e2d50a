//! The one-time-password algorithms: HOTP (RFC 4226) and TOTP (RFC 6238), written out from the
//! RFCs with `hmac` + `sha1`/`sha2` because they are a dozen lines and the published test
//! vectors below pin them.

use hmac::{Hmac, KeyInit, Mac};

use super::Algorithm;
use crate::secret::Secret;

/// The HOTP value for `counter`, as `digits` decimal digits (leading zeros kept).
pub fn hotp(key: &[u8], counter: u64, algorithm: Algorithm, digits: u8) -> Secret {
    let message = counter.to_be_bytes();
    // One arm per hash: `Hmac<D>` carries bounds that make a generic helper noisier than this.
    let mac: zeroize::Zeroizing<Vec<u8>> = zeroize::Zeroizing::new(match algorithm {
        Algorithm::Sha1 => {
            let mut mac =
                Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(&message);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::Sha256 => {
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(&message);
            mac.finalize().into_bytes().to_vec()
        }
        Algorithm::Sha512 => {
            let mut mac =
                Hmac::<sha2::Sha512>::new_from_slice(key).expect("HMAC takes any key length");
            mac.update(&message);
            mac.finalize().into_bytes().to_vec()
        }
    });
    // Dynamic truncation, RFC 4226 section 5.3.
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    let value = binary % 10u32.pow(u32::from(digits));
    Secret::new(format!("{value:0width$}", width = usize::from(digits)))
}

/// The TOTP value at `unix_time` (seconds) for a `period`-second step.
pub fn totp(key: &[u8], unix_time: u64, period: u32, algorithm: Algorithm, digits: u8) -> Secret {
    hotp(key, unix_time / u64::from(period.max(1)), algorithm, digits)
}

/// Seconds until the TOTP code shown at `unix_time` changes.
pub fn seconds_left(unix_time: u64, period: u32) -> u32 {
    let period = u64::from(period.max(1));
    (period - unix_time % period) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4226 Appendix D: key "12345678901234567890", counters 0..9.
    #[test]
    fn rfc4226_appendix_d() {
        let key = b"12345678901234567890";
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, want) in expected.iter().enumerate() {
            let got = hotp(key, counter as u64, Algorithm::Sha1, 6);
            assert_eq!(got.expose(), *want, "RFC 4226 HOTP for counter {counter}");
        }
    }

    /// RFC 6238 Appendix B: 8 digits, 30 s, one seed per hash (20, 32 and 64 bytes).
    #[test]
    fn rfc6238_appendix_b_all_three_hashes() {
        let sha1_key = b"12345678901234567890";
        let sha256_key = b"12345678901234567890123456789012";
        let sha512_key = b"1234567890123456789012345678901234567890123456789012345678901234";
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in table {
            let got = totp(sha1_key, time, 30, Algorithm::Sha1, 8);
            assert_eq!(got.expose(), sha1, "SHA-1 at T={time}");
            let got = totp(sha256_key, time, 30, Algorithm::Sha256, 8);
            assert_eq!(got.expose(), sha256, "SHA-256 at T={time}");
            let got = totp(sha512_key, time, 30, Algorithm::Sha512, 8);
            assert_eq!(got.expose(), sha512, "SHA-512 at T={time}");
        }
    }

    #[test]
    fn six_and_seven_digits_are_the_low_digits_and_keep_leading_zeros() {
        let key = b"12345678901234567890";
        // 07081804 at T=1111111109: 7 digits keep the leading zero.
        assert_eq!(
            totp(key, 1_111_111_109, 30, Algorithm::Sha1, 7).expose(),
            "7081804"
        );
        assert_eq!(
            totp(key, 1_111_111_109, 30, Algorithm::Sha1, 6).expose(),
            "081804"
        );
    }

    #[test]
    fn other_periods_step_at_their_boundary() {
        let key = b"12345678901234567890";
        // With a 60 s period, T=59 and T=0 share a step; T=60 is the next one.
        let a = totp(key, 0, 60, Algorithm::Sha1, 6);
        let b = totp(key, 59, 60, Algorithm::Sha1, 6);
        let c = totp(key, 60, 60, Algorithm::Sha1, 6);
        assert_eq!(a, b);
        assert_ne!(b, c);
        assert_eq!(c.expose(), "287082", "step 1 is RFC 4226's counter 1");
        assert_eq!(seconds_left(59, 60), 1);
        assert_eq!(seconds_left(60, 60), 60);
    }
}
