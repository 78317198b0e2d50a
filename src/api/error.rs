//! [`Error`]: what every use-case returns.

use crate::clipboard::ClipboardError;
use crate::desk::DeskError;
use crate::devices::DeviceError;
use crate::error::{ErrorCode, Field};
use crate::keychain::KeychainError;
use crate::mailbox::MailboxError;
use crate::otp::OtpError;
use crate::otp::clock::ClockError;
use crate::people::PeopleError;
use crate::portal::{PortalError, TransferError};
use crate::signin::{RecipeError, StartError};
use crate::store::StoreError;

/// What a use-case reports when it fails: the area's own error, with its
/// [`ErrorCode`], its plain-words message ([`Error::desk_message`]) and, for a form, its
/// [`Field`]. `Display` is the whole message, field name first, for the CLI and logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The profile could not be opened.
    #[error(transparent)]
    Profile(DeskError),
    /// The local database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The keychain.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The mailbox.
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
    /// Portals.
    #[error(transparent)]
    Portal(#[from] PortalError),
    /// The portal list file.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    /// The authenticator.
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// The clock check.
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// The clipboard.
    #[error(transparent)]
    Clipboard(#[from] ClipboardError),
    /// Remembered devices.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// Starting a sign-in.
    #[error(transparent)]
    SignIn(#[from] StartError),
    /// The sign-in recipes.
    #[error(transparent)]
    Recipe(#[from] RecipeError),
    /// The people of the desk.
    #[error(transparent)]
    People(#[from] PeopleError),
    /// A file the person named.
    #[error("Could not {action} {}: {why}. Check the file name and folder.", path.display(), why = file_reason(source))]
    File {
        /// What Keydesk tried ("read", "write").
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// Anything else, already in plain words.
    #[error("{message}")]
    Other {
        /// Its code.
        code: ErrorCode,
        /// What happened and what to do.
        message: String,
    },
}

fn file_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "there is no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "Keydesk is not allowed to use it".to_owned(),
        _ => error.to_string(),
    }
}

impl Error {
    /// An error already in plain words.
    pub fn other(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Other {
            code,
            message: message.into(),
        }
    }

    /// Its code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Profile(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::Keychain(e) => e.code(),
            Self::Mailbox(e) => e.code(),
            Self::Portal(e) => e.code(),
            Self::Transfer(e) => e.code(),
            Self::Otp(e) => e.code(),
            Self::Clock(e) => e.code(),
            Self::Clipboard(e) => e.code(),
            Self::Device(e) => e.code(),
            Self::SignIn(e) => e.code(),
            Self::Recipe(e) => e.code(),
            Self::People(e) => e.code(),
            Self::File { .. } => ErrorCode::File,
            Self::Other { code, .. } => *code,
        }
    }

    /// The form field it belongs to, if it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::Portal(e) => e.field(),
            Self::Transfer(TransferError::Portal(e)) => e.field(),
            Self::Device(DeviceError::Invalid { field, .. }) => Some(*field),
            _ => None,
        }
    }

    /// The message for the window in `locale`. English is the detailed message
    /// ([`Error::desk_message`]); Spanish is the code's plain words from the catalogue
    /// (`error_<code>`), which say what happened and what to do without the details.
    pub fn desk_message_in(&self, locale: crate::i18n::Locale) -> String {
        match locale {
            crate::i18n::Locale::En => self.desk_message(),
            locale => crate::i18n::error_text(locale, self.code()),
        }
    }

    /// The message for the window: next to its field it does not repeat the field's name.
    pub fn desk_message(&self) -> String {
        let reason = match self {
            Self::Portal(PortalError::Invalid { reason, .. })
            | Self::Transfer(TransferError::Portal(PortalError::Invalid { reason, .. }))
            | Self::Device(DeviceError::Invalid { reason, .. }) => reason.clone(),
            other => return other.to_string(),
        };
        let mut chars = reason.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_names_its_field_in_the_cli_but_not_next_to_the_field() {
        let error = Error::from(PortalError::Invalid {
            field: Field::LoginUrl,
            reason: "the address must start with https://".into(),
        });
        assert_eq!(error.code(), ErrorCode::PortalInvalid);
        assert_eq!(error.field(), Some(Field::LoginUrl));
        assert_eq!(
            error.to_string(),
            "login URL: the address must start with https://"
        );
        assert_eq!(error.desk_message(), "The address must start with https://");
    }

    #[test]
    fn file_errors_say_which_file_and_why_in_plain_words() {
        let error = Error::File {
            action: "read",
            path: "/nowhere/portals.json".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(error.code(), ErrorCode::File);
        assert_eq!(
            error.to_string(),
            "Could not read /nowhere/portals.json: there is no such file or folder. Check the \
             file name and folder."
        );
    }

    #[test]
    fn a_spanish_desk_reads_the_codes_plain_words_and_english_keeps_the_details() {
        use crate::i18n::Locale;
        let error = Error::File {
            action: "read",
            path: "/nowhere/portals.json".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(error.desk_message_in(Locale::En), error.desk_message());
        let spanish = error.desk_message_in(Locale::Es);
        assert_eq!(spanish, crate::i18n::raw(Locale::Es, "error_file"));
        assert_ne!(spanish, crate::i18n::raw(Locale::En, "error_file"));
        assert_ne!(spanish, "error_file", "the catalogue holds it");
    }

    #[test]
    fn every_database_failure_has_the_same_code() {
        let sqlite = || rusqlite::Error::InvalidQuery;
        let codes = [
            Error::from(StoreError::Sqlite(sqlite())).code(),
            Error::from(PortalError::Store(StoreError::Sqlite(sqlite()))).code(),
            Error::from(DeviceError::Store(StoreError::Sqlite(sqlite()))).code(),
            Error::from(OtpError::Database(sqlite())).code(),
            Error::from(ClipboardError::Store(StoreError::Sqlite(sqlite()))).code(),
            Error::Profile(DeskError::Store(StoreError::Sqlite(sqlite()))).code(),
        ];
        assert!(codes.iter().all(|c| *c == ErrorCode::Database), "{codes:?}");
    }
}
