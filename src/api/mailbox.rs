//! The mailbox the portals send their codes to: its settings (the password goes to the keychain
//! and never comes back), and how a new code is announced.

use serde::Serialize;

use super::{Area, Error, Keydesk};
use crate::keychain::ItemKey;
use crate::mailbox::{self, MailboxError, MailboxSettings};
use crate::notification::{self, NotificationSettings};
use crate::secret::Secret;

/// The mailbox as its settings form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MailboxSetup {
    /// The saved settings, if a mailbox is set up.
    pub settings: Option<MailboxSettings>,
    /// Whether the keychain holds its password (the password itself never leaves the core).
    pub password_saved: bool,
}

/// The saved settings and whether a password is stored; never the password.
pub fn setup(kd: &Keydesk) -> Result<MailboxSetup, Error> {
    let desk = kd.desk();
    let settings = mailbox::saved_settings(desk.store_ref())?;
    let password_saved = settings.is_some()
        && desk
            .keychain()
            .get(&ItemKey::mailbox_password())
            .is_ok_and(|p| p.is_some());
    Ok(MailboxSetup {
        settings,
        password_saved,
    })
}

/// Saves the mailbox settings; `password` replaces the stored one, `None` keeps it (and fails
/// when none is stored). Everything is checked before anything is written; the inbox then
/// starts again with the new settings.
pub fn save(
    kd: &Keydesk,
    settings: &MailboxSettings,
    password: Option<&Secret>,
) -> Result<(), Error> {
    settings.validate()?;
    if let Some(path) = &settings.trusted_certificate {
        mailbox::check_certificate_file(path)?;
    }
    {
        let mut desk = kd.desk();
        match password {
            Some(password) if password.expose().is_empty() => {
                return Err(MailboxError::Invalid(
                    "the password is empty; type it, or leave the field untouched to keep the \
                     saved one"
                        .into(),
                )
                .into());
            }
            Some(password) => desk
                .keychain()
                .set(&ItemKey::mailbox_password(), password)?,
            None => {
                if desk.keychain().get(&ItemKey::mailbox_password())?.is_none() {
                    return Err(MailboxError::NoPassword.into());
                }
            }
        }
        mailbox::save_settings(desk.store(), settings)?;
    }
    tracing::info!(host = %settings.host, "mailbox settings saved; the inbox starts again");
    kd.changed(Area::Mailbox);
    Ok(())
}

/// The authserv-ids the saved mailbox's server stamps on recent mail, most frequent first: the
/// form proposes the first for the person to confirm. The returned future holds no lock.
pub fn seen_authserv_ids(
    kd: &Keydesk,
) -> impl Future<Output = Result<Vec<mailbox::SeenAuthservId>, Error>> + Send + 'static {
    let prepared = (|| {
        let desk = kd.desk();
        let settings = mailbox::saved_settings(desk.store_ref())?.ok_or_else(|| {
            MailboxError::Invalid("no mailbox is set up yet; save its settings first".into())
        })?;
        let password = desk
            .keychain()
            .get(&ItemKey::mailbox_password())?
            .ok_or(MailboxError::NoPassword)?;
        Ok::<_, Error>((settings, password))
    })();
    async move {
        let (settings, password) = prepared?;
        Ok(mailbox::seen_authserv_ids(&settings, &password).await?)
    }
}

/// How new codes are announced.
pub fn notification_settings(kd: &Keydesk) -> Result<NotificationSettings, Error> {
    Ok(notification::saved_settings(kd.desk().store_ref())?)
}

/// Changes how new codes are announced.
pub fn set_notification_settings(
    kd: &Keydesk,
    settings: &NotificationSettings,
) -> Result<(), Error> {
    notification::save_settings(kd.desk().store(), settings)?;
    kd.changed(Area::Mailbox);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::error::ErrorCode;
    use crate::mailbox::Security;

    fn settings() -> MailboxSettings {
        MailboxSettings {
            host: "imap.example.org".into(),
            port: 993,
            security: Security::Tls,
            username: "frontdesk@example.org".into(),
            folders: vec!["INBOX".into(), "Junk".into()],
            trusted_certificate: None,
            sms_forwarders: vec!["15551234567@txt.example".into()],
            authserv_id: Some("mx.example.org".into()),
        }
    }

    #[test]
    fn the_password_is_kept_when_the_field_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let err = save(&kd, &settings(), None).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::MailboxNoPassword,
            "nothing to keep yet"
        );
        assert_eq!(setup(&kd).unwrap().settings, None, "nothing saved");
        save(&kd, &settings(), Some(&Secret::from("kdS3cr3t-mail"))).unwrap();
        let mut changed = settings();
        changed.port = 1993;
        save(&kd, &changed, None).unwrap();
        let shown = setup(&kd).unwrap();
        assert_eq!(shown.settings, Some(changed));
        assert!(shown.password_saved);
    }

    #[test]
    fn an_empty_password_and_bad_settings_save_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let err = save(&kd, &settings(), Some(&Secret::from(""))).unwrap_err();
        assert_eq!(err.code(), ErrorCode::MailboxInvalidSettings);
        let mut bad = settings();
        bad.host = " ".into();
        assert!(save(&kd, &bad, Some(&Secret::from("kdS3cr3t-mail"))).is_err());
        assert_eq!(setup(&kd).unwrap().settings, None);
    }

    #[test]
    fn notification_settings_default_to_hiding_the_code_and_persist() {
        let dir = tempfile::tempdir().unwrap();
        {
            let kd = Keydesk::for_tests(dir.path(), Platform::default());
            assert!(
                !notification_settings(&kd).unwrap().show_code,
                "off by default"
            );
            set_notification_settings(&kd, &NotificationSettings { show_code: true }).unwrap();
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert!(notification_settings(&kd).unwrap().show_code, "kept");
    }
}
