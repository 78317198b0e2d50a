//! [`Desk`]: one desk's profile — its data folder, its database and its keychain items. The
//! use-cases of [`crate::api`] work on it; nothing else reaches its database or keychain.

use std::path::{Path, PathBuf};

use crate::error::ErrorCode;
use crate::keychain::{Keychain, OsKeychain};
use crate::store::{Schema, Store, StoreError};

/// Environment variable that overrides the data directory (tests, several desks on one machine).
pub const DATA_DIR_ENV: &str = "KEYDESK_DATA_DIR";

/// The database's schema, one step per version, each kept beside the code that owns its table;
/// listed here, where every owner is known, so the store itself depends on none of them.
/// Append only: a released step never changes.
pub const SCHEMA: &Schema = &[
    // 1: settings, as JSON values under a key each area owns.
    crate::store::SETTINGS_MIGRATION,
    // 2: portals and which of their recovery codes are used.
    crate::portal::book::MIGRATION,
    // 3: authenticator entries; seeds stay in the keychain.
    crate::otp::entries::MIGRATION,
    // 4: remembered devices per portal and source.
    crate::devices::MIGRATION,
    // 5: the sign-in retry guard per portal, so a restart does not forget it.
    crate::signin::guard::MIGRATION,
    // 6: the people of the desk; portals gain an owner (NULL: the desk's).
    crate::people::MIGRATION,
    // 7: the audit log (its anchor is a setting).
    crate::audit::MIGRATION,
    // 8: the sign-in history per portal, with the fix steps tried after each failure.
    crate::troubleshoot::history::MIGRATION,
    // 9: portal health checks, 30 days of them.
    crate::health::book::MIGRATION,
    // 10: where a sign-in was handed outside the portal (its identity host), for the fix.
    crate::troubleshoot::history::HANDED_TO_MIGRATION,
    // 11: the shapes of each portal's codes, learned from its verified codes.
    crate::portal::code_shapes::MIGRATION,
];

/// One desk's profile.
pub struct Desk {
    data_dir: PathBuf,
    store: Store,
    profile_id: String,
    keychain: Box<dyn Keychain>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("data_dir", &self.data_dir)
            .field("keychain", &self.keychain.backend())
            .finish_non_exhaustive()
    }
}

/// Why the profile could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeskError {
    /// The data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The data folder is not safe to use (others can write it).
    #[error("{0}")]
    Unsafe(String),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DeskError {
    /// Its code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::DataDir { .. } | Self::Unsafe(_) => ErrorCode::DataFolder,
            Self::Store(e) => e.code(),
        }
    }
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

    /// Opens the profile in `data_dir`, creating it if needed; its secrets are in the OS
    /// keychain.
    pub fn open(data_dir: &Path) -> Result<Self, DeskError> {
        Self::open_with(data_dir, |profile_id| Box::new(OsKeychain::new(profile_id)))
    }

    /// Opens the profile with the keychain `keychain` makes for the profile's id (unit tests
    /// pass an in-memory one).
    pub fn open_with(
        data_dir: &Path,
        keychain: impl FnOnce(&str) -> Box<dyn Keychain>,
    ) -> Result<Self, DeskError> {
        // A folder Keydesk did not just make must be its owner's alone; one it made is
        // restricted below.
        if data_dir.exists()
            && let Some(why) = crate::hardening::unsafe_data_dir(data_dir)
        {
            return Err(DeskError::Unsafe(why));
        }
        std::fs::create_dir_all(data_dir).map_err(|source| DeskError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        restrict_to_owner(data_dir);
        let mut store = Store::open(&data_dir.join("keydesk.db"), SCHEMA)?;
        let profile_id = store.profile_id()?;
        Ok(Self {
            data_dir: data_dir.to_owned(),
            keychain: keychain(&profile_id),
            store,
            profile_id,
        })
    }

    /// A profile in `data_dir` whose keychain lives in memory, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(data_dir: &Path) -> Self {
        Self::open_with(data_dir, |_| {
            Box::new(crate::keychain::MemoryKeychain::default())
        })
        .expect("a profile in a temporary folder")
    }

    /// The profile's folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The folder for log files.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// This profile's id: random, made when the profile was created; it keeps this profile's
    /// keychain items apart from every other profile's.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// The database, for the use-cases.
    pub(crate) fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    /// The database, read-only.
    pub(crate) fn store_ref(&self) -> &Store {
        &self.store
    }

    /// The keychain. Each call reaches the platform store anew, so one that was locked is used
    /// as soon as it is unlocked.
    pub(crate) fn keychain(&self) -> &dyn Keychain {
        self.keychain.as_ref()
    }

    /// The database and the keychain at once (a book borrows the database mutably).
    pub(crate) fn parts(&mut self) -> (&mut Store, &dyn Keychain) {
        (&mut self.store, self.keychain.as_ref())
    }

    /// Things the desk should know about the profile, in plain words (a damaged database that
    /// was moved aside), in `locale`.
    pub fn notices(&self, locale: crate::i18n::Locale) -> Vec<String> {
        self.store
            .recovered_from()
            .map(|aside| {
                crate::i18n::text(
                    locale,
                    crate::i18n::msg::STATUS_DATABASE_MOVED,
                    &[("path", &aside.display())],
                )
            })
            .into_iter()
            .collect()
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

    #[test]
    fn the_schema_opens_a_new_profile_and_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let id = Desk::for_tests(dir.path()).profile_id().to_owned();
        let again = Desk::for_tests(dir.path());
        assert_eq!(again.profile_id(), id, "the id is kept across opens");
        assert_eq!(
            again.store_ref().schema_version().unwrap(),
            SCHEMA.len() as i64
        );
        assert!(again.notices(crate::i18n::Locale::En).is_empty());
    }
}
