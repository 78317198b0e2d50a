//! The encrypted backup file: the entries as `otpauth://` lines, sealed with XChaCha20-Poly1305
//! under a key derived from a password with Argon2id.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "KDOTPBK\0"
//! 8       1     format version (1)
//! 9       4     Argon2id memory, KiB (little-endian)
//! 13      4     Argon2id passes
//! 17      4     Argon2id lanes
//! 21      16    salt
//! 37      24    nonce
//! 61      16    password check (Argon2 output bytes 32..48)
//! 77      ...   ciphertext + 16-byte tag; the 77 header bytes are the associated data
//! ```
//!
//! The password check lets Keydesk say "wrong password" rather than "damaged" (the AEAD tag
//! alone cannot tell them apart); it gives an attacker nothing the tag does not.

use argon2::{Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use super::import::{Candidate, Format, read};
use super::{NewEntry, OtpError, uri};
use crate::secret::Secret;

const MAGIC: &[u8; 8] = b"KDOTPBK\0";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 77;

/// Argon2id cost of a backup's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub passes: u32,
    /// Lanes.
    pub lanes: u32,
}

impl KdfParams {
    /// What Keydesk writes: 64 MiB, 3 passes, 1 lane (about half a second on a desk PC).
    pub const DEFAULT: Self = Self {
        memory_kib: 64 * 1024,
        passes: 3,
        lanes: 1,
    };
    /// Argon2's minimum, for tests only; the header records it, so such files still open.
    pub const TEST_ONLY_WEAK: Self = Self {
        memory_kib: 8,
        passes: 1,
        lanes: 1,
    };

    /// Refuses costs a damaged or hostile header could use to exhaust the desk (over 1 GiB).
    fn check(self) -> Result<(), OtpError> {
        let ok = (8 * self.lanes..=1024 * 1024).contains(&self.memory_kib)
            && (1..=16).contains(&self.passes)
            && (1..=8).contains(&self.lanes);
        if ok {
            Ok(())
        } else {
            Err(OtpError::DamagedBackup(
                "its key settings are out of range".into(),
            ))
        }
    }
}

/// Random bytes for one backup: salt and nonce. Passed in so tests are repeatable.
#[derive(Debug, Clone, Copy)]
pub struct Randomness {
    /// Argon2 salt.
    pub salt: [u8; 16],
    /// XChaCha20 nonce.
    pub nonce: [u8; 24],
}

impl Randomness {
    /// Fresh bytes from the operating system.
    pub fn from_os() -> Self {
        let mut r = Self {
            salt: [0; 16],
            nonce: [0; 24],
        };
        getrandom::fill(&mut r.salt).expect("the operating system provides randomness");
        getrandom::fill(&mut r.nonce).expect("the operating system provides randomness");
        r
    }
}

fn derive(
    password: &Secret,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 64]>, OtpError> {
    let argon_params = Params::new(params.memory_kib, params.passes, params.lanes, Some(64))
        .map_err(|_| OtpError::DamagedBackup("its key settings are invalid".into()))?;
    let mut out = Zeroizing::new([0u8; 64]);
    Argon2::new(argon2::Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(password.expose().as_bytes(), salt, out.as_mut())
        .map_err(|_| OtpError::DamagedBackup("its key could not be derived".into()))?;
    Ok(out)
}

/// Seals `entries` into backup bytes.
pub fn seal(
    entries: &[NewEntry],
    password: &Secret,
    params: KdfParams,
    random: Randomness,
) -> Result<Vec<u8>, OtpError> {
    params.check()?;
    let mut plain = Zeroizing::new(String::new());
    for entry in entries {
        plain.push_str(uri::format(entry).expose());
        plain.push('\n');
    }
    let key = derive(password, &random.salt, params)?;
    let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + 16);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    for n in [params.memory_kib, params.passes, params.lanes] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&random.salt);
    out.extend_from_slice(&random.nonce);
    out.extend_from_slice(&key[32..48]);
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..32]).expect("32-byte key");
    let sealed = cipher
        .encrypt(
            &XNonce::from(random.nonce),
            Payload {
                msg: plain.as_bytes(),
                aad: &out,
            },
        )
        .map_err(|_| OtpError::DamagedBackup("encryption failed".into()))?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens backup bytes; every entry must be valid or nothing is returned.
pub fn open(bytes: &[u8], password: &Secret) -> Result<Vec<NewEntry>, OtpError> {
    let damaged = |why: &str| OtpError::DamagedBackup(why.to_owned());
    if bytes.len() < HEADER_LEN + 16 || &bytes[..8] != MAGIC {
        return Err(damaged("it is not a Keydesk backup, or it is cut short"));
    }
    if bytes[8] != VERSION {
        return Err(damaged("it was made by a newer Keydesk; update Keydesk"));
    }
    let number = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let params = KdfParams {
        memory_kib: number(9),
        passes: number(13),
        lanes: number(17),
    };
    params.check()?;
    let (header, sealed) = bytes.split_at(HEADER_LEN);
    let key = derive(password, &header[21..37], params)?;
    if key[32..48] != header[61..77] {
        return Err(OtpError::WrongPassword);
    }
    let cipher = XChaCha20Poly1305::new_from_slice(&key[..32]).expect("32-byte key");
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                &XNonce::try_from(&header[37..61]).expect("24 bytes"),
                Payload {
                    msg: sealed,
                    aad: header,
                },
            )
            .map_err(|_| damaged("its contents do not match their seal"))?,
    );
    let text = std::str::from_utf8(&plain).map_err(|_| damaged("its contents are not text"))?;
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut entries = Vec::new();
    for candidate in read(text, Some(Format::Ente))? {
        match candidate {
            Candidate::Take(entry) => entries.push(entry),
            Candidate::Skip(_) | Candidate::Invalid(..) => {
                return Err(damaged("an entry in it is not valid"));
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<NewEntry> {
        [
            "otpauth://totp/Availity:desk?secret=KDSECRETAVALLITYFRONTDESK2345672&issuer=Availity",
            "otpauth://hotp/Bank:desk?secret=KDSECRETBANKHOTPSEED234567ABCDEF&counter=41&digits=8&algorithm=SHA512",
        ]
        .iter()
        .map(|t| uri::parse(t).unwrap())
        .collect()
    }

    fn fixed() -> Randomness {
        Randomness {
            salt: [7; 16],
            nonce: [9; 24],
        }
    }

    #[test]
    fn round_trip_and_no_seed_in_the_clear() {
        let password = Secret::from("kdS3cr3t-backup-password");
        let bytes = seal(&sample(), &password, KdfParams::TEST_ONLY_WEAK, fixed()).unwrap();
        for needle in [&b"KDSECRET"[..], b"otpauth", b"Availity", b"kdS3cr3t-"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "backup shows {:?}",
                String::from_utf8_lossy(needle)
            );
        }
        assert_eq!(open(&bytes, &password).unwrap(), sample());
    }

    #[test]
    fn wrong_password_and_damage_are_told_apart() {
        let password = Secret::from("kdS3cr3t-backup-password");
        let bytes = seal(&sample(), &password, KdfParams::TEST_ONLY_WEAK, fixed()).unwrap();
        let err = open(&bytes, &Secret::from("kdS3cr3t-other")).unwrap_err();
        assert_eq!(err.code(), "otp_wrong_password", "{err}");

        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(
            open(&flipped, &password).unwrap_err().code(),
            "otp_damaged_backup"
        );
        let mut header = bytes.clone();
        header[40] ^= 1; // in the nonce: authenticated as associated data
        assert_eq!(
            open(&header, &password).unwrap_err().code(),
            "otp_damaged_backup"
        );
        assert_eq!(
            open(&bytes[..60], &password).unwrap_err().code(),
            "otp_damaged_backup"
        );
        let mut huge = bytes.clone();
        huge[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            open(&huge, &password).unwrap_err().code(),
            "otp_damaged_backup",
            "hostile cost refused"
        );
    }
}
