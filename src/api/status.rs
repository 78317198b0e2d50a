//! Whether the keychain and the mailbox work: the status screen and `keydesk-cli status`.

use serde::Serialize;

use super::Keydesk;
use crate::error::ErrorCode;
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

/// Whether the keychain can be used now (no network).
pub fn keychain(kd: &Keydesk) -> KeychainStatus {
    kd.desk().keychain().status()
}

/// The state of both connections. The local part (keychain, settings) is read now; the
/// returned future checks the mailbox over the network and holds no lock, so nothing else of
/// the desk waits for the server.
pub fn check(kd: &Keydesk) -> impl Future<Output = DeskStatus> + Send + 'static {
    let desk = kd.desk();
    let keychain = desk.keychain().status();
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
    let mut notices = desk.notices();
    if let Ok(Some(settings)) = mailbox::saved_settings(desk.store_ref())
        && settings.authserv_id.is_none()
    {
        notices.push(format!("{}.", capitalized(crate::inbox::trust::NO_CHECKS)));
    }
    drop(desk);
    if let Some(problem) = &kd.policy().problem {
        notices.push(problem.clone());
    }
    if kd.policy().policy.pin_required == Some(true) && !kd.session().has_people() {
        notices.push(
            "Your office requires everyone to sign in with a PIN: add the people of this desk \
             in Settings."
                .to_owned(),
        );
    }
    async move {
        let mailbox = match mailbox_check {
            Ok((settings, password)) => mailbox::check(&settings, &password).await,
            Err(status) => status,
        };
        DeskStatus {
            keychain,
            mailbox,
            notices,
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
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
}
