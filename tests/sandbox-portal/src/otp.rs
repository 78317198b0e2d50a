//! Codes: authenticator codes (RFC 6238 TOTP, SHA-1, 6 digits, 30 s), random one-time codes and
//! random tokens for cookies.

use crate::config::CodeFormat;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

/// TOTP time step, seconds.
pub const STEP: u64 = 30;

/// Decodes RFC 4648 base32 (upper or lower case, padding and spaces ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '=' | '-')) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The HOTP value (RFC 4226) for a counter, with `digits` digits.
fn hotp(key: &[u8], counter: u64, digits: u32) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!(
        "{:0width$}",
        bin % 10u32.pow(digits),
        width = digits as usize
    )
}

/// The 6-digit TOTP code at unix time `now`.
pub fn totp(key: &[u8], now: u64) -> String {
    hotp(key, now / STEP, 6)
}

/// The time step a code belongs to, if it matches the current step or one either side.
pub fn totp_step_matching(key: &[u8], code: &str, now: u64) -> Option<u64> {
    let step = now / STEP;
    [step, step.saturating_sub(1), step + 1]
        .into_iter()
        .find(|s| hotp(key, *s, 6) == code)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the OS random source works");
    b
}

/// Picks an index below `n` without modulo bias.
fn random_below(n: u8) -> usize {
    let limit = 256 - (256 % n as u16);
    loop {
        let [b] = random_bytes::<1>();
        if (b as u16) < limit {
            return (b % n) as usize;
        }
    }
}

/// A fresh one-time code in the portal's format.
pub fn random_code(format: CodeFormat) -> String {
    let alphabet: &[u8] = match format {
        CodeFormat::Digits6 => b"0123456789",
        CodeFormat::Alnum6 => b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789",
    };
    loop {
        let code: String = (0..6)
            .map(|_| alphabet[random_below(alphabet.len() as u8)] as char)
            .collect();
        // Real alphanumeric codes always mix letters and digits; so do ours, which also keeps
        // them from looking like the 6-digit numbers a code extractor is tested on separately.
        let mixed = code.bytes().any(|b| b.is_ascii_digit())
            && code.bytes().any(|b| b.is_ascii_alphabetic());
        if format == CodeFormat::Digits6 || mixed {
            return code;
        }
    }
}

/// A random token for cookies (128 bits, hex).
pub fn random_token() -> String {
    random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors_truncated_to_six_digits() {
        // RFC 6238 appendix B, SHA-1 seed; the RFC's 8-digit values end in these 6 digits.
        let key = b"12345678901234567890";
        assert_eq!(totp(key, 59), "287082");
        assert_eq!(totp(key, 1111111109), "081804");
        assert_eq!(totp(key, 1234567890), "005924");
        assert_eq!(totp(key, 20000000000), "353130");
    }

    #[test]
    fn base32_round_trip_of_rfc_seed() {
        assert_eq!(
            base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").as_deref(),
            Some(&b"12345678901234567890"[..])
        );
        assert_eq!(base32_decode("not base32!"), None);
    }

    #[test]
    fn totp_accepts_one_step_either_side_only() {
        let key = b"12345678901234567890";
        let now = 1_000_000_000;
        assert!(totp_step_matching(key, &totp(key, now - STEP), now).is_some());
        assert!(totp_step_matching(key, &totp(key, now + STEP), now).is_some());
        assert!(totp_step_matching(key, &totp(key, now - 2 * STEP), now).is_none());
    }

    #[test]
    fn alnum_codes_mix_letters_and_digits_without_look_alikes() {
        for _ in 0..50 {
            let c = random_code(CodeFormat::Alnum6);
            assert_eq!(c.len(), 6);
            assert!(!c.contains(['0', 'O', '1', 'I']), "{c}");
            assert!(c.bytes().any(|b| b.is_ascii_digit()), "{c}");
        }
        assert!(
            random_code(CodeFormat::Digits6)
                .bytes()
                .all(|b| b.is_ascii_digit())
        );
    }
}
