//! Portals: the payer and patient websites a front desk signs in to, and what Keydesk knows
//! about each — where it lives, which origins may receive its credentials, how its second step
//! works, how long its codes and remembered devices last, and the office identifiers its support
//! line asks for. Never patient data: there is no field for it, and no free-text notes field
//! where it could drift in.
//!
//! [`PortalFields`] is what a person edits and what an export file carries; [`PortalFields::validate`]
//! is the single gate every add, edit and import goes through. [`Portal`] is a stored portal
//! with its id and timestamps. Secrets (password, recovery codes) are not here: they live only in
//! the keychain, reached through [`PortalBook`].

mod age;
pub(crate) mod book;
pub mod change;
pub mod code_shapes;
mod presets;
pub mod rules;
pub mod taught;
mod transfer;
mod validate;

use serde::{Deserialize, Serialize};

pub use age::{PasswordAge, PasswordState, WARN_AHEAD_DAYS};
pub use book::{PortalBook, PortalSummary, RecoveryCode, RecoveryCodeState};
pub use presets::{PRESETS, Preset};
pub use transfer::{ExportFile, FORMAT, ImportReport, Rejected, TransferError, VERSION};
pub use validate::{is_loopback_host, npi_is_valid};

use crate::error::{ErrorCode, Field};
use crate::keychain::KeychainError;
use crate::store::StoreError;

/// How a portal checks it is really you after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SecondStep {
    /// A one-time code sent by e-mail.
    EmailCode,
    /// A one-time code sent by text message (often forwarded to the office mailbox).
    SmsCode,
    /// A code from an authenticator app (TOTP).
    Authenticator,
    /// No second step, or single sign-on through the organization.
    #[default]
    None,
}

impl SecondStep {
    /// All methods, in the order a picker shows them.
    pub const ALL: [SecondStep; 4] = [
        Self::EmailCode,
        Self::SmsCode,
        Self::Authenticator,
        Self::None,
    ];

    /// The stable identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailCode => "email_code",
            Self::SmsCode => "sms_code",
            Self::Authenticator => "authenticator",
            Self::None => "none",
        }
    }

    /// Parses [`SecondStep::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::EmailCode => "e-mail code",
            Self::SmsCode => "text message code",
            Self::Authenticator => "authenticator app",
            Self::None => "none / single sign-on",
        }
    }
}

/// The identifiers a payer's support line asks the office for. Office data only.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct OfficeIds {
    /// The payer's own provider or account number for the office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// National Provider Identifier: 10 digits with a Luhn check digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npi: Option<String>,
    /// Tax Identification Number (EIN) of the practice: 9 digits, stored without the dash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tin: Option<String>,
}

/// Everything about a portal that a person edits and an export file carries. No secrets.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PortalFields {
    /// Display name, unique per desk ignoring case.
    pub name: String,
    /// The preset these defaults came from, if any (e.g. `availity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The page where the sign-in starts. `https://`, or `http://` to this computer only.
    pub login_url: String,
    /// The exact origins (scheme, host, port) allowed to receive this portal's credentials.
    /// Empty means "the login URL's origin"; the login URL's origin is always included.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// The sign-in name at the portal.
    #[serde(default)]
    pub username: String,
    /// The second step after the password.
    #[serde(default)]
    pub second_step: SecondStep,
    /// Addresses the portal's codes come from: `name@domain`, or `@domain` for any sender there.
    #[serde(default)]
    pub code_senders: Vec<String>,
    /// How long a code stays valid, in seconds.
    #[serde(default)]
    pub code_lifetime_secs: Option<u32>,
    /// How long "remember this device" lasts, in days.
    #[serde(default)]
    pub remember_device_days: Option<u32>,
    /// How often the portal makes you change the password, in days.
    #[serde(default)]
    pub password_change_days: Option<u32>,
    /// Wrong tries before the account locks.
    #[serde(default)]
    pub lockout_threshold: Option<u32>,
    /// The support line's phone number.
    #[serde(default)]
    pub support_phone: Option<String>,
    /// Identifiers the support line asks for.
    #[serde(default)]
    pub office: OfficeIds,
}

/// True when `address` matches a code-sender entry: the exact address, or any address at the
/// domain of an `@domain` entry (that domain only, not its subdomains: `mail.evil.example` must
/// not pass for `evil.example`'s portal, nor the other way round). Case is ignored.
pub fn sender_matches(sender: &str, address: &str) -> bool {
    let (sender, address) = (
        sender.trim().to_ascii_lowercase(),
        address.trim().to_ascii_lowercase(),
    );
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    sender == address || sender.strip_prefix('@').is_some_and(|d| d == domain)
}

/// A stored portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Portal {
    /// Database id; never reused after a portal is deleted.
    pub id: i64,
    /// What the person entered, validated and normalized.
    pub fields: PortalFields,
    /// When it was added (UNIX seconds).
    pub created_at: i64,
    /// When Keydesk last stored its password (UNIX seconds); `None` when no password is saved.
    pub password_changed_at: Option<i64>,
    /// When someone last signed in through Keydesk (UNIX seconds).
    pub last_sign_in_at: Option<i64>,
}

impl Portal {
    /// True when `origin` (e.g. `https://apps.availity.com`) may receive this portal's
    /// credentials: an exact match, never a look-alike or a subdomain.
    pub fn accepts_origin(&self, origin: &str) -> bool {
        match validate::origin(origin, Field::AllowedOrigins) {
            Ok(normalized) => self.fields.allowed_origins.contains(&normalized),
            Err(_) => false,
        }
    }

    /// True when a message from `address` may carry this portal's codes: the exact address, or
    /// any address at a domain listed as `@domain` (that domain only, not its subdomains).
    pub fn accepts_sender(&self, address: &str) -> bool {
        self.fields
            .code_senders
            .iter()
            .any(|sender| sender_matches(sender, address))
    }

    /// The password's age and any warning, as of `now` (UNIX seconds).
    pub fn password_age(&self, now: i64) -> PasswordAge {
        PasswordAge::at(
            self.password_changed_at,
            self.fields.password_change_days,
            now,
        )
    }
}

/// Why a portal operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// A field is missing or malformed; nothing was saved.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which field.
        field: Field,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Another portal already has this name (names are compared ignoring case).
    #[error("a portal named \"{0}\" already exists; choose another name or edit that portal")]
    DuplicateName(String),
    /// No portal has this id or name.
    #[error("there is no portal \"{0}\"")]
    NotFound(String),
    /// No preset has this id.
    #[error("no preset \"{0}\"; the presets are: {list}", list = presets::ids().join(", "))]
    UnknownPreset(String),
    /// There is no recovery code with this number for the portal.
    #[error("the portal has no recovery code number {0}")]
    NoSuchRecoveryCode(usize),
    /// A recovery code is empty or spans lines.
    #[error("recovery code number {0} is empty or has a line break; enter one code per line")]
    BadRecoveryCode(usize),
    /// The portal was kept because its keychain items could not be deleted.
    #[error(
        "the portal was not removed, because its password could not be deleted from the \
         keychain ({0}); unlock the keychain and try again"
    )]
    RemoveBlocked(KeychainError),
    /// The portal was kept because its browser profile (its cookies, a live session) could not
    /// be deleted.
    #[error(
        "the portal was not removed, because its browser profile could not be deleted ({0}); \
         close its window and try again"
    )]
    ProfileKept(String),
    /// The keychain could not be used; nothing that needs it was changed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored portal could not be read back.
    #[error("the stored settings of portal {0} are damaged; edit the portal and save it again")]
    Damaged(i64),
}

impl PortalError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid { .. } => ErrorCode::PortalInvalid,
            Self::DuplicateName(_) => ErrorCode::PortalDuplicateName,
            Self::NotFound(_) => ErrorCode::PortalNotFound,
            Self::UnknownPreset(_) => ErrorCode::PortalUnknownPreset,
            Self::NoSuchRecoveryCode(_) => ErrorCode::PortalNoSuchRecoveryCode,
            Self::BadRecoveryCode(_) => ErrorCode::PortalBadRecoveryCode,
            Self::RemoveBlocked(_) => ErrorCode::PortalRemoveBlocked,
            Self::ProfileKept(_) => ErrorCode::PortalProfileKept,
            Self::Keychain(e) => e.code(),
            Self::Store(_) => ErrorCode::Database,
            Self::Damaged(_) => ErrorCode::PortalDamaged,
        }
    }
}

impl PortalError {
    /// The form field it is about, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Invalid { field, .. } => Some(*field),
            Self::DuplicateName(_) => Some(Field::Name),
            _ => None,
        }
    }

    /// The keychain failure behind this error, if there is one.
    pub fn keychain_error(&self) -> Option<&KeychainError> {
        match self {
            Self::Keychain(e) | Self::RemoveBlocked(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for PortalError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(fields: PortalFields) -> Portal {
        Portal {
            id: 1,
            fields: fields.validate().unwrap(),
            created_at: 0,
            password_changed_at: None,
            last_sign_in_at: None,
        }
    }

    #[test]
    fn origins_match_exactly_never_a_look_alike() {
        let p = portal(PortalFields {
            name: "Availity".into(),
            login_url: "https://apps.availity.com/availity/web/public.elegant.login".into(),
            ..Default::default()
        });
        assert!(p.accepts_origin("https://apps.availity.com"));
        assert!(
            p.accepts_origin("https://APPS.availity.com:443/"),
            "same origin, other spelling"
        );
        assert!(!p.accepts_origin("https://apps.availity.com.evil.example"));
        assert!(!p.accepts_origin("https://evil-apps.availity.com"));
        assert!(
            !p.accepts_origin("http://apps.availity.com"),
            "scheme is part of the origin"
        );
        assert!(
            !p.accepts_origin("https://apps.availity.com:8443"),
            "port is part of the origin"
        );
    }

    #[test]
    fn senders_match_by_address_or_exact_domain() {
        let p = portal(PortalFields {
            name: "Cigna".into(),
            login_url: "https://cignaforhcp.cigna.com/app/login".into(),
            code_senders: vec!["@cigna.com".into(), "Codes@Example.org".into()],
            ..Default::default()
        });
        assert!(p.accepts_sender("noreply@cigna.com"));
        assert!(p.accepts_sender("codes@example.org"));
        assert!(!p.accepts_sender("other@example.org"));
        assert!(!p.accepts_sender("x@evil-cigna.com"));
        assert!(
            !p.accepts_sender("x@mail.cigna.com"),
            "subdomains are not the domain"
        );
        assert!(!p.accepts_sender("not-an-address"));
    }

    #[test]
    fn second_step_identifiers_round_trip() {
        for method in SecondStep::ALL {
            assert_eq!(SecondStep::parse(method.as_str()), Some(method));
            let json = serde_json::to_string(&method).unwrap();
            assert_eq!(json, format!("\"{}\"", method.as_str()));
        }
        assert_eq!(SecondStep::parse("carrier pigeon"), None);
    }
}
