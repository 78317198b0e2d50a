//! [`Desk`]: one desk's profile — its data directory, its database and its keychain — and the
//! status of its two connections (keychain and mailbox) that the main window shows.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::keychain::{ItemKey, Keychain, KeychainError, KeychainStatus, OsKeychain};
use crate::mailbox::{self, MailboxError, MailboxSettings, MailboxStatus};
use crate::store::{Store, StoreError};

/// Environment variable that overrides the data directory (tests, several desks on one machine).
pub const DATA_DIR_ENV: &str = "KEYDESK_DATA_DIR";

/// The setting that holds [`crate::notification::NotificationSettings`].
const NOTIFICATIONS_KEY: &str = "notifications";

/// One desk's profile.
#[derive(Debug)]
pub struct Desk {
    data_dir: PathBuf,
    store: Store,
    profile_id: String,
}

/// What the status screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskStatus {
    /// Whether secrets can be read and written.
    pub keychain: KeychainStatus,
    /// Whether the code mailbox is set up and reachable.
    pub mailbox: MailboxStatus,
    /// Things the user should know about, in plain words (e.g. a damaged database moved aside).
    pub notices: Vec<String>,
}

/// The mailbox as a settings form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxSetup {
    /// The saved settings, if a mailbox is set up.
    pub settings: Option<MailboxSettings>,
    /// Whether the keychain holds its password (the password itself never leaves the core).
    pub password_saved: bool,
}

/// Why the profile could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The data directory could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The keychain failed.
    #[error(transparent)]
    Keychain(#[from] KeychainError),
    /// The mailbox failed.
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
    /// The portal list could not be read.
    #[error(transparent)]
    Portal(Box<crate::portal::PortalError>),
}

impl Desk {
    /// The data directory: `$KEYDESK_DATA_DIR`, else the platform's per-user data folder.
    pub fn default_data_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        directories::ProjectDirs::from("org", "Keydesk", "Keydesk")
            .map(|dirs| dirs.data_dir().to_owned())
            .unwrap_or_else(|| PathBuf::from(".keydesk"))
    }

    /// Opens the profile in `data_dir`, creating it if needed.
    pub fn open(data_dir: &Path) -> Result<Self, DeskError> {
        std::fs::create_dir_all(data_dir).map_err(|source| DeskError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        restrict_to_owner(data_dir);
        let mut store = Store::open(&data_dir.join("keydesk.db"))?;
        let profile_id = store.profile_id()?;
        Ok(Self {
            data_dir: data_dir.to_owned(),
            store,
            profile_id,
        })
    }

    /// The profile's folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The folder for log files.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The database.
    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The keychain, connected afresh each time so that a keychain that appears (or unlocks)
    /// after start is picked up without a restart.
    pub fn keychain(&self) -> Result<OsKeychain, KeychainError> {
        OsKeychain::open(&self.profile_id)
    }

    /// This profile's id: random, made when the profile was created; it keeps this profile's
    /// keychain items apart from every other profile's.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Removes a portal with everything that belongs to it: its keychain items, its records
    /// (recovery codes, remembered devices, retry guard) and its browser profile, whose cookies
    /// may hold a live session. The keychain must answer first, or nothing is removed; the
    /// profile goes before the records, so one that cannot be deleted keeps the portal and the
    /// desk can try again. The app closes the portal's window before calling this.
    pub fn remove_portal(&mut self, id: i64) -> Result<(), crate::portal::PortalError> {
        use crate::portal::{PortalBook, PortalError};
        let keychain = self.keychain().map_err(PortalError::RemoveBlocked)?;
        PortalBook::new(&mut self.store).get(id)?;
        crate::browser_profile::remove(&self.data_dir, id).map_err(|e| {
            PortalError::ProfileKept(format!(
                "{}: {e}",
                crate::browser_profile::dir(&self.data_dir, id).display()
            ))
        })?;
        PortalBook::new(&mut self.store).remove(id, &keychain)
    }

    /// Saves mailbox settings and its password (into the keychain) after checking the settings.
    pub fn set_mailbox(
        &mut self,
        settings: &MailboxSettings,
        password: &crate::Secret,
    ) -> Result<(), DeskError> {
        settings.validate()?;
        self.keychain()?
            .set(&ItemKey::mailbox_password(), password)?;
        self.store.set_mailbox_settings(settings)?;
        Ok(())
    }

    /// How new codes are announced.
    pub fn notification_settings(
        &self,
    ) -> Result<crate::notification::NotificationSettings, DeskError> {
        Ok(self.store.setting(NOTIFICATIONS_KEY)?.unwrap_or_default())
    }

    /// Saves how new codes are announced.
    pub fn set_notification_settings(
        &mut self,
        settings: &crate::notification::NotificationSettings,
    ) -> Result<(), DeskError> {
        Ok(self.store.set_setting(NOTIFICATIONS_KEY, settings)?)
    }

    /// The mailbox settings for a settings form: never the password, only whether one is
    /// stored.
    pub fn mailbox_setup(&self) -> Result<MailboxSetup, DeskError> {
        let settings = self.store.mailbox_settings()?;
        let password_saved = settings.is_some()
            && self
                .keychain()
                .and_then(|k| k.get(&ItemKey::mailbox_password()))
                .is_ok_and(|p| p.is_some());
        Ok(MailboxSetup {
            settings,
            password_saved,
        })
    }

    /// Saves mailbox settings from a form. `password` replaces the stored one; `None` keeps it
    /// (and fails when none is stored). Everything is checked before anything is written.
    pub fn save_mailbox(
        &mut self,
        settings: &MailboxSettings,
        password: Option<&crate::Secret>,
    ) -> Result<(), DeskError> {
        settings.validate()?;
        if let Some(path) = &settings.trusted_certificate {
            mailbox::check_certificate_file(path)?;
        }
        match password {
            Some(password) if password.expose().is_empty() => Err(MailboxError::Invalid(
                "the password is empty; type it, or leave the field untouched to keep the saved one"
                    .into(),
            )
            .into()),
            Some(password) => self.set_mailbox(settings, password),
            None => {
                if self.keychain()?.get(&ItemKey::mailbox_password())?.is_none() {
                    return Err(MailboxError::NoPassword.into());
                }
                self.store.set_mailbox_settings(settings)?;
                Ok(())
            }
        }
    }

    /// The mailbox settings and its password, when a mailbox is set up.
    pub fn mailbox_credentials(
        &self,
    ) -> Result<Option<(MailboxSettings, crate::Secret)>, DeskError> {
        let Some(settings) = self.store.mailbox_settings()? else {
            return Ok(None);
        };
        let password = self
            .keychain()?
            .get(&ItemKey::mailbox_password())?
            .ok_or(MailboxError::NoPassword)?;
        Ok(Some((settings, password)))
    }

    /// What the inbox matches codes against: every portal's senders and lifetime, and the
    /// mailbox's SMS forwarders.
    pub fn inbox_rules(&mut self) -> Result<crate::inbox::InboxRules, DeskError> {
        let sms_forwarders = self
            .store
            .mailbox_settings()?
            .map(|m| m.sms_forwarders)
            .unwrap_or_default();
        let portals = crate::portal::PortalBook::new(&mut self.store)
            .list()
            .map_err(|e| DeskError::Portal(Box::new(e)))?;
        Ok(crate::inbox::InboxRules {
            portals: portals
                .iter()
                .map(crate::inbox::PortalSender::from_portal)
                .collect(),
            sms_forwarders,
        })
    }

    /// The state of both connections. The local part (keychain, settings) is read now; the
    /// returned future checks the mailbox over the network and borrows nothing, so callers can
    /// release the profile before awaiting it.
    pub fn status(&self) -> impl Future<Output = DeskStatus> + Send + 'static {
        let keychain = OsKeychain::status();
        let mailbox_check = match self.store.mailbox_settings() {
            Ok(None) => Err(MailboxStatus::NotSetUp),
            Ok(Some(settings)) => {
                match self
                    .keychain()
                    .and_then(|k| k.get(&ItemKey::mailbox_password()))
                {
                    Ok(Some(password)) => Ok((settings, password)),
                    Ok(None) => Err(MailboxStatus::from_error(&MailboxError::NoPassword)),
                    Err(e) => Err(MailboxStatus::Error {
                        code: e.code().to_owned(),
                        message: format!("the mailbox password cannot be read: {e}"),
                    }),
                }
            }
            Err(e) => Err(MailboxStatus::Error {
                code: "database".to_owned(),
                message: e.to_string(),
            }),
        };
        let notices = self
            .store
            .recovered_from()
            .map(|aside| {
                format!(
                    "The local database was damaged. It was moved to {} and a new one was \
                     started; passwords in the keychain were kept.",
                    aside.display()
                )
            })
            .into_iter()
            .collect();
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
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
        tracing::warn!(error = %e, "could not restrict the data folder to its owner");
    }
}

#[cfg(not(unix))]
fn restrict_to_owner(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::NotificationSettings;

    #[test]
    fn notification_settings_default_to_hiding_the_code_and_persist() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut desk = Desk::open(dir.path()).unwrap();
            assert!(
                !desk.notification_settings().unwrap().show_code,
                "off by default"
            );
            desk.set_notification_settings(&NotificationSettings { show_code: true })
                .unwrap();
        }
        let desk = Desk::open(dir.path()).unwrap();
        assert!(
            desk.notification_settings().unwrap().show_code,
            "kept across opens"
        );
    }
}
