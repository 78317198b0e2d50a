//! Whether the keychain and the mailbox work: the status screen and `keydesk-cli status`.

use serde::Serialize;

use super::Keydesk;
use crate::error::ErrorCode;
use crate::i18n::{Locale, error_in, msg, text};
use crate::keychain::{ItemKey, KeychainStatus};
use crate::mailbox::{self, MailboxError, MailboxStatus};

/// What the status screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeskStatus {
    /// Whether secrets can be read and written.
    pub keychain: KeychainStatus,
    /// Whether the code mailbox is set up and reachable.
    pub mailbox: MailboxStatus,
    /// Things the desk should know about, in plain words (a damaged database moved aside).
    pub notices: Vec<String>,
}

/// Whether the keychain can be used now (no network), in the desk's language.
pub fn keychain(kd: &Keydesk) -> KeychainStatus {
    keychain_in(kd.desk().keychain().status(), kd.locale())
}

fn keychain_in(status: KeychainStatus, locale: Locale) -> KeychainStatus {
    match status {
        KeychainStatus::Unavailable { code, reason } => KeychainStatus::Unavailable {
            code,
            reason: error_in(locale, code, reason),
        },
        available => available,
    }
}

/// The mailbox status with its message in `locale`.
pub(crate) fn mailbox_in(status: MailboxStatus, locale: Locale) -> MailboxStatus {
    match status {
        MailboxStatus::Error { code, message } => MailboxStatus::Error {
            code,
            message: error_in(locale, code, message),
        },
        other => other,
    }
}

/// The state of both connections, in the desk's language. The local part (keychain, settings) is read now; the
/// returned future checks the mailbox over the network and holds no lock, so nothing else of
/// the desk waits for the server.
pub fn check(kd: &Keydesk) -> impl Future<Output = DeskStatus> + Send + 'static {
    let locale = kd.locale();
    let desk = kd.desk();
    let keychain = keychain_in(desk.keychain().status(), locale);
    let mailbox_check = match mailbox::saved_settings(desk.store_ref()) {
        Ok(None) => Err(MailboxStatus::NotSetUp),
        Ok(Some(settings)) => match desk.keychain().get(&ItemKey::mailbox_password()) {
            Ok(Some(password)) => Ok((settings, password)),
            Ok(None) => Err(MailboxStatus::from_error(&MailboxError::NoPassword)),
            Err(e) => Err(MailboxStatus::Error {
                code: e.code(),
                message: format!("the mailbox password cannot be read: {e}"),
            }),
        },
        Err(e) => Err(MailboxStatus::Error {
            code: ErrorCode::Database,
            message: e.to_string(),
        }),
    };
    let mut notices = desk.notices(locale);
    if let Ok(Some(settings)) = mailbox::saved_settings(desk.store_ref())
        && settings.authserv_id.is_none()
    {
        notices.push(text(locale, msg::STATUS_NO_SENDER_CHECKS, &[]));
    }
    drop(desk);
    if let Some(problem) = &kd.policy().problem {
        notices.push(problem.clone());
    }
    if kd.policy().policy.pin_required == Some(true) && !kd.session().has_people() {
        notices.push(text(locale, msg::STATUS_PIN_REQUIRED, &[]));
    }
    async move {
        let mailbox = match mailbox_check {
            Ok((settings, password)) => mailbox::check(&settings, &password).await,
            Err(status) => status,
        };
        let mailbox = mailbox_in(mailbox, locale);
        DeskStatus {
            keychain,
            mailbox,
            notices,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;

    #[tokio::test]
    async fn a_new_profile_has_no_mailbox_and_a_working_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let status = check(&kd).await;
        assert_eq!(status.mailbox, MailboxStatus::NotSetUp);
        assert!(matches!(status.keychain, KeychainStatus::Available { .. }));
        assert!(status.notices.is_empty());
    }

    #[tokio::test]
    async fn a_spanish_desk_reads_its_status_in_spanish() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default()).with_policy(
            crate::policy::Policy {
                pin_required: Some(true),
                ..Default::default()
            },
        );
        let english = check(&kd).await.notices;
        assert_eq!(
            english,
            [
                "Your office requires everyone to sign in with a PIN: add the people of this desk \
              in Settings."
            ]
        );
        crate::api::settings::set_language(&kd, crate::api::settings::LanguageSetting::Es).unwrap();
        let spanish = check(&kd).await.notices;
        assert_eq!(spanish, [text(Locale::Es, msg::STATUS_PIN_REQUIRED, &[])]);
        assert_ne!(spanish, english);
        let failed = mailbox_in(
            MailboxStatus::Error {
                code: ErrorCode::MailboxUnreachable,
                message: "imap.example.org:993 does not answer".into(),
            },
            Locale::Es,
        );
        assert_eq!(
            failed,
            MailboxStatus::Error {
                code: ErrorCode::MailboxUnreachable,
                message: crate::i18n::error_text(Locale::Es, ErrorCode::MailboxUnreachable),
            }
        );
    }
}
