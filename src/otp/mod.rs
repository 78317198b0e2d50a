//! The authenticator: TOTP and HOTP entries (RFC 6238 / RFC 4226), how they are added (an
//! `otpauth://` URI, a QR image, a Google Authenticator export, other apps' exports), kept
//! (seeds in the keychain, the rest in SQLite), backed up (encrypted) and checked against the
//! clock.
//!
//! | file | what it owns |
//! |---|---|
//! | `mod.rs` | the model: [`Algorithm`], [`Kind`], [`Seed`], [`NewEntry`], [`OtpError`] |
//! | [`code`] | the RFC algorithms and their published test vectors |
//! | [`uri`] | `otpauth://` parse and format |
//! | [`migration`] | Google Authenticator's `otpauth-migration://` protobuf |
//! | [`import`] | Aegis, 2FAS, Ente Auth and Bitwarden exports, and the [`ImportReport`] |
//! | [`backup`] | the encrypted backup file (Argon2id + XChaCha20-Poly1305) |
//! | [`qr`] | QR codes from image files |
//! | [`entries`] | the `otp_entry` table, the keychain items, and codes for the UI |
//! | [`clock`] | the desk clock compared with servers' `Date` headers |

pub mod backup;
pub mod clock;
pub mod code;
pub mod entries;
pub mod import;
pub mod migration;
pub mod qr;
pub mod uri;

pub use entries::{Entry, EntryCodes};
pub use import::{ImportReport, Skipped};

use serde::Serialize;

use crate::error::ErrorCode;
use crate::secret::Secret;

/// The smallest seed accepted: RFC 4226 requires at least 128 bits and recommends 160, but
/// real services hand out 80-bit seeds, so 80 is the floor.
pub const MIN_SEED_BITS: usize = 80;

/// The HMAC hash of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "UPPERCASE")]
#[ts(rename = "OtpAlgorithm")]
pub enum Algorithm {
    /// HMAC-SHA-1, the default nearly every service uses.
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// Parses the names the exports use (`SHA1`, `sha-256`, ...).
    pub fn parse(text: &str) -> Result<Self, OtpError> {
        match text.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Self::Sha1),
            "SHA256" => Ok(Self::Sha256),
            "SHA512" => Ok(Self::Sha512),
            _ => Err(OtpError::UnknownAlgorithm(text.chars().take(20).collect())),
        }
    }

    /// The canonical name, as in an `otpauth://` URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

/// Time-based or counter-based, with the parameter that moves the code on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "lowercase")]
#[ts(rename = "OtpKind")]
pub enum Kind {
    /// A new code every `period` seconds (RFC 6238).
    Totp {
        /// Seconds per code; 30 almost everywhere.
        period: u32,
    },
    /// A new code each time one is used (RFC 4226); `counter` is the next one to use.
    Hotp {
        /// The counter value of the next code.
        counter: u64,
    },
}

/// A validated seed: base32 text (upper case, no padding, no spaces) of at least 80 bits.
#[derive(Clone, PartialEq, Eq)]
pub struct Seed(Secret);

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(<redacted>)")
    }
}

impl Seed {
    /// Checks and normalizes base32 text as apps show it (spaces, dashes, lower case, padding).
    pub fn from_base32(text: &str) -> Result<Self, OtpError> {
        let normal: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '=' | '\t'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = zeroize::Zeroizing::new(
            base32()
                .decode(normal.as_bytes())
                .map_err(|_| OtpError::BadBase32)?,
        );
        Self::check_len(bytes.len())?;
        Ok(Self(Secret::new(normal)))
    }

    /// Wraps raw key bytes (as Google's export carries them).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, OtpError> {
        Self::check_len(bytes.len())?;
        Ok(Self(Secret::new(base32().encode(bytes))))
    }

    fn check_len(len: usize) -> Result<(), OtpError> {
        if len * 8 < MIN_SEED_BITS {
            return Err(OtpError::SeedTooShort { bits: len * 8 });
        }
        Ok(())
    }

    /// The base32 text, as kept in the keychain.
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The key bytes, wiped when dropped.
    pub fn key(&self) -> zeroize::Zeroizing<Vec<u8>> {
        // Checked in the constructors; a failure here would be a bug, so fail closed to empty.
        zeroize::Zeroizing::new(
            base32()
                .decode(self.0.expose().as_bytes())
                .unwrap_or_default(),
        )
    }
}

/// Base32 without padding, tolerant of non-zero trailing bits (some services' seeds have them).
fn base32() -> data_encoding::Encoding {
    let mut spec = data_encoding::BASE32_NOPAD.specification();
    spec.check_trailing_bits = false;
    spec.encoding().expect("a valid base32 specification")
}

/// An entry ready to be stored: validated, seed included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// The account, e.g. `frontdesk@clinic.example`.
    pub name: String,
    /// The service, e.g. `Availity`; may be empty.
    pub issuer: String,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// 6, 7 or 8.
    pub digits: u8,
    /// TOTP period or HOTP counter.
    pub kind: Kind,
    /// The seed.
    pub seed: Seed,
}

impl NewEntry {
    /// Checks the parameters that every source must respect.
    pub fn validate(&self) -> Result<(), OtpError> {
        if !(6..=8).contains(&self.digits) {
            return Err(OtpError::BadDigits(u32::from(self.digits)));
        }
        if let Kind::Totp { period } = self.kind
            && !(1..=86_400).contains(&period)
        {
            return Err(OtpError::BadPeriod(period));
        }
        if self.name.trim().is_empty() && self.issuer.trim().is_empty() {
            return Err(OtpError::NoName);
        }
        Ok(())
    }

    /// How the entry is shown: `Issuer (name)` or just the name.
    pub fn label(&self) -> String {
        label(&self.issuer, &self.name)
    }
}

/// How an entry is shown to people and named on the command line.
pub fn label(issuer: &str, name: &str) -> String {
    match (issuer.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (false, true) => issuer.to_owned(),
        (false, false) => format!("{issuer} ({name})"),
    }
}

/// Adds one pasted link: `otpauth://` or Google's `otpauth-migration://`.
pub fn add_link(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    link: &str,
    now: u64,
) -> Result<ImportReport, OtpError> {
    let candidates = if link.trim_start().starts_with("otpauth-migration:") {
        migration::parse(link)?
    } else {
        vec![import::Candidate::Take(uri::parse(link)?)]
    };
    let (take, skipped) = import::validate_all(candidates)?;
    entries::add(conn, keychain, take, skipped, &mut entries::random_id, now)
}

/// Adds the entries of a whole export file of `format` (detected when `None`). All or nothing.
pub fn add_text(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    text: &str,
    format: Option<import::Format>,
    now: u64,
) -> Result<ImportReport, OtpError> {
    let (take, skipped) = import::validate_all(import::read(text, format)?)?;
    entries::add(conn, keychain, take, skipped, &mut entries::random_id, now)
}

/// Adds the entries of every QR code in an image file.
pub fn add_qr_file(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    path: &std::path::Path,
    now: u64,
) -> Result<ImportReport, OtpError> {
    add_qr_texts(conn, keychain, qr::decode_file(path)?, now)
}

/// Adds the entries of every QR code in an image already in memory (the clipboard's).
pub fn add_qr_image(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    image: &image::DynamicImage,
    now: u64,
) -> Result<ImportReport, OtpError> {
    add_qr_texts(conn, keychain, qr::decode_image(image)?, now)
}

fn add_qr_texts(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    texts: Vec<zeroize::Zeroizing<String>>,
    now: u64,
) -> Result<ImportReport, OtpError> {
    let joined = zeroize::Zeroizing::new(
        texts
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    if !joined.starts_with("otpauth") {
        return Err(OtpError::BadUri(
            "the QR code holds something else than an authenticator link".into(),
        ));
    }
    add_text(conn, keychain, &joined, None, now)
}

/// The shortest backup password accepted: the file may travel, and Argon2 only slows guessing.
pub const MIN_BACKUP_PASSWORD_CHARS: usize = 10;

/// Writes every entry into an encrypted backup.
pub fn export_backup(
    conn: &rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    password: &Secret,
    params: backup::KdfParams,
    random: backup::Randomness,
) -> Result<Vec<u8>, OtpError> {
    if password.expose().chars().count() < MIN_BACKUP_PASSWORD_CHARS {
        return Err(OtpError::WeakBackupPassword);
    }
    backup::seal(
        &entries::with_seeds(conn, keychain)?,
        password,
        params,
        random,
    )
}

/// Every entry as a plain `otpauth://` list: the seeds readable by anyone with the file.
pub fn export_plain(
    conn: &rusqlite::Connection,
    keychain: &dyn crate::Keychain,
) -> Result<Secret, OtpError> {
    let mut text = String::new();
    for entry in entries::with_seeds(conn, keychain)? {
        text.push_str(uri::format(&entry).expose());
        text.push('\n');
    }
    Ok(Secret::new(text))
}

/// Adds the entries of an encrypted backup; entries already present are skipped.
pub fn import_backup(
    conn: &mut rusqlite::Connection,
    keychain: &dyn crate::Keychain,
    bytes: &[u8],
    password: &Secret,
    now: u64,
) -> Result<ImportReport, OtpError> {
    let entries = backup::open(bytes, password)?;
    entries::add(
        conn,
        keychain,
        entries,
        Vec::new(),
        &mut entries::random_id,
        now,
    )
}

/// Why an authenticator operation failed. Messages never contain a seed or a code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OtpError {
    /// The text is not an `otpauth://` URI Keydesk can read.
    #[error(
        "this is not a valid authenticator link: {0}. Copy the whole link (it starts with otpauth://) or scan the QR code instead."
    )]
    BadUri(String),
    /// The secret key is not base32.
    #[error(
        "the secret key is not valid: it may only contain the letters A–Z and the digits 2–7. Check for typos (0, 1, 8 and 9 never appear)."
    )]
    BadBase32,
    /// The secret key is shorter than 80 bits.
    #[error(
        "the secret key is too short ({bits} bits; at least 80 are needed, i.e. 16 characters). Check that it was copied completely."
    )]
    SeedTooShort {
        /// Its length in bits.
        bits: usize,
    },
    /// The hash algorithm is not SHA-1, SHA-256 or SHA-512.
    #[error(
        "the algorithm \"{0}\" is not supported (only SHA1, SHA256 and SHA512 are). Ask the service for a standard authenticator setup."
    )]
    UnknownAlgorithm(String),
    /// The number of digits is not 6 to 8.
    #[error("codes of {0} digits are not supported (6 to 8 are)")]
    BadDigits(u32),
    /// The TOTP period is 0 or longer than a day.
    #[error("a code period of {0} seconds is not supported (1 to 86400 are)")]
    BadPeriod(u32),
    /// Neither a name nor an issuer.
    #[error("the entry has no name and no issuer; give it a name")]
    NoName,
    /// An export file could not be read as the format it claims.
    #[error("{format} file could not be read: {reason}. Nothing was imported.")]
    BadExport {
        /// The format, e.g. "Aegis".
        format: &'static str,
        /// What was wrong (never secret values).
        reason: String,
    },
    /// One entry of an export is unusable, so nothing was imported.
    #[error("entry \"{entry}\" of the file cannot be used: {source} Nothing was imported.")]
    BadEntry {
        /// The entry's label (never its seed).
        entry: String,
        /// Why.
        source: Box<OtpError>,
    },
    /// An encrypted export from another app; Keydesk reads the plain ones.
    #[error(
        "this {0} export is encrypted. Export it again from {0} as a plain (unencrypted) file, import it, then delete that file."
    )]
    EncryptedExport(&'static str),
    /// The image could not be opened.
    #[error("the image could not be opened: {0}")]
    BadImage(String),
    /// The image holds no readable QR code.
    #[error(
        "no QR code was found in the image. Take a sharper screenshot showing the whole QR code."
    )]
    NoQrCode,
    /// The backup file is damaged or not a Keydesk backup.
    #[error(
        "the backup file is damaged or not a Keydesk authenticator backup ({0}). Nothing was imported."
    )]
    DamagedBackup(String),
    /// The password chosen for a new backup is too short.
    #[error(
        "the backup password must be at least 10 characters long; choose a longer one (a few \
         words work well) and keep it apart from the file"
    )]
    WeakBackupPassword,
    /// The backup password is wrong.
    #[error("the backup password is wrong. Nothing was imported; try again.")]
    WrongPassword,
    /// No entry has that name.
    #[error("there is no authenticator entry \"{0}\"")]
    NotFound(String),
    /// Several entries match the name.
    #[error("\"{0}\" matches several authenticator entries; use the whole label")]
    Ambiguous(String),
    /// The entry's seed is missing from the keychain.
    #[error(
        "the secret key of \"{0}\" is missing from the keychain; remove the entry and add it again"
    )]
    SeedMissing(String),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] crate::keychain::KeychainError),
    /// The database failed.
    #[error("the local database failed: {0}")]
    Database(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl OtpError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadUri(_) => ErrorCode::OtpBadUri,
            Self::BadBase32 => ErrorCode::OtpBadBase32,
            Self::SeedTooShort { .. } => ErrorCode::OtpSeedTooShort,
            Self::UnknownAlgorithm(_) => ErrorCode::OtpUnknownAlgorithm,
            Self::BadDigits(_) => ErrorCode::OtpBadDigits,
            Self::BadPeriod(_) => ErrorCode::OtpBadPeriod,
            Self::NoName => ErrorCode::OtpNoName,
            Self::BadExport { .. } => ErrorCode::OtpBadExport,
            Self::BadEntry { .. } => ErrorCode::OtpBadEntry,
            Self::EncryptedExport(_) => ErrorCode::OtpEncryptedExport,
            Self::BadImage(_) => ErrorCode::OtpBadImage,
            Self::NoQrCode => ErrorCode::OtpNoQrCode,
            Self::DamagedBackup(_) => ErrorCode::OtpDamagedBackup,
            Self::WeakBackupPassword => ErrorCode::OtpWeakBackupPassword,
            Self::WrongPassword => ErrorCode::OtpWrongPassword,
            Self::NotFound(_) => ErrorCode::OtpNotFound,
            Self::Ambiguous(_) => ErrorCode::OtpAmbiguous,
            Self::SeedMissing(_) => ErrorCode::OtpSeedMissing,
            Self::Keychain(e) => e.code(),
            Self::Database(_) => ErrorCode::Database,
            Self::Io(_) => ErrorCode::File,
        }
    }

    /// Wraps an error with the entry it came from.
    pub(crate) fn in_entry(self, entry: &str) -> Self {
        Self::BadEntry {
            entry: entry.to_owned(),
            source: Box::new(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_accepts_spaces_lower_case_and_padding() {
        let a = Seed::from_base32("kdse cret aval lity fron tdes k234 5672").unwrap();
        let b = Seed::from_base32("KDSECRETAVALLITYFRONTDESK2345672====").unwrap();
        assert_eq!(a, b, "formatting must not change the seed");
        assert_eq!(a.key().len(), 20);
    }

    #[test]
    fn seed_rejects_bad_base32_and_short_keys() {
        let err = Seed::from_base32("KDSECRET01890189").unwrap_err();
        assert_eq!(err.code(), "otp_bad_base32", "{err}");
        let err = Seed::from_base32("KDSECRETAAAAAAA").unwrap_err(); // 15 chars = 72 bits
        assert!(matches!(err, OtpError::SeedTooShort { bits: 72 }), "{err}");
        assert!(
            Seed::from_base32("KDSECRETAAAAAAAA").is_ok(),
            "16 chars = 80 bits is enough"
        );
    }

    #[test]
    fn seed_debug_is_redacted() {
        let seed = Seed::from_base32("KDSECRETAVALLITYFRONTDESK2345672").unwrap();
        assert!(!format!("{seed:?}").contains("KDSECRET"));
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::parse("sha-256").unwrap(), Algorithm::Sha256);
        assert_eq!(Algorithm::parse("SHA512").unwrap(), Algorithm::Sha512);
        let err = Algorithm::parse("MD5").unwrap_err();
        assert_eq!(err.code(), "otp_unknown_algorithm");
        assert!(err.to_string().contains("MD5"), "{err}");
    }
}
