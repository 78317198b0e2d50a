//! What a failed command sends to the window: the core's closed [`ErrorCode`], a message in
//! plain words in the desk's language, and the form [`Field`] it belongs to. Its TypeScript
//! type is generated (ui/src/lib/bindings.ts); the snapshot test below pins the JSON the window
//! reads.

use std::sync::OnceLock;

use keydesk::api::Error;
use keydesk::i18n::{Locale, SharedLocale};
use keydesk::{ErrorCode, Field};
use serde::Serialize;

/// A command's failure as the window receives it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CommandError {
    /// The core's code.
    pub code: ErrorCode,
    /// What happened and what to do, in plain words; next to its field it does not repeat the
    /// field's name. Never a secret.
    pub message: String,
    /// The form field at fault, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<Field>,
}

/// The language of the desk this window shows, set once it opened (English until then).
static LOCALE: OnceLock<SharedLocale> = OnceLock::new();

/// Writes every later error message in the desk's language, as it changes.
pub fn speak(locale: SharedLocale) {
    let _ = LOCALE.set(locale);
}

impl CommandError {
    /// `error` as the window reads it, its message in `locale`.
    pub fn in_locale(error: &Error, locale: Locale) -> Self {
        Self {
            code: error.code(),
            message: error.desk_message_in(locale),
            field: error.field(),
        }
    }
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        let locale = LOCALE.get().map_or(Locale::En, SharedLocale::get);
        Self::in_locale(&error, locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keydesk::api::Error;

    fn json(error: Error) -> String {
        serde_json::to_string(&CommandError::from(error)).unwrap()
    }

    /// One error of each kind, as the window reads it: a change here is a change of the
    /// window's contract (ui/src/lib/bindings.ts and the code that reads `field`).
    #[test]
    fn error_json_snapshots() {
        let invalid = keydesk::api::portals::preset_fields("mychart", None).unwrap_err();
        assert_eq!(
            json(invalid),
            r#"{"code":"portal_invalid","message":"Epic MyChart has a different address for each organization; enter your organization's sign-in address (https://…)","field":"organization_url"}"#
        );
        assert_eq!(
            json(Error::from(keydesk::KeychainError::Locked(
                "the collection is locked".into()
            ))),
            r#"{"code":"keychain_locked","message":"keychain locked: the collection is locked. Unlock it (sign in to the desktop again) and retry."}"#
        );
        assert_eq!(
            json(Error::other(
                ErrorCode::CodeGone,
                "That code is no longer pending."
            )),
            r#"{"code":"code_gone","message":"That code is no longer pending."}"#
        );
        assert_eq!(
            json(Error::File {
                action: "write",
                path: "/nowhere/list.json".into(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            }),
            r#"{"code":"file","message":"Could not write /nowhere/list.json: Keydesk is not allowed to use it. Check the file name and folder."}"#
        );
    }

    #[test]
    fn a_spanish_window_reads_the_codes_plain_words_with_the_same_code_and_field() {
        let invalid = keydesk::api::portals::preset_fields("mychart", None).unwrap_err();
        let spanish = CommandError::in_locale(&invalid, Locale::Es);
        assert_eq!(spanish.code, ErrorCode::PortalInvalid);
        assert_eq!(
            spanish.field,
            Some(Field::OrganizationUrl),
            "shown by its field"
        );
        assert_eq!(
            spanish.message,
            keydesk::i18n::error_text(Locale::Es, ErrorCode::PortalInvalid)
        );
        assert!(spanish.message.contains("Revise"), "{}", spanish.message);
    }
}
