//! The local database: everything Keydesk keeps that is not a secret.
//!
//! One SQLite file in the profile's data directory, in WAL mode. The schema version is SQLite's
//! `user_version`; the [`Schema`] the caller passes brings any older file up to date, each step
//! in one transaction, so a crash leaves either the old or the new schema, never half of one.
//! This module is the lowest layer: it knows no domain module. Each table's migration lives
//! beside the code that owns the table, and the list of them is assembled where every owner is
//! known ([`crate::desk::SCHEMA`]).
//!
//! A file that is not a readable database is moved aside (never deleted) and a fresh one is
//! started; the keychain is not touched, so secrets survive and can be re-linked.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::ErrorCode;

/// A database's schema: one SQL step per version, oldest first. Append only: a released step
/// never changes.
pub type Schema = [&'static str];

/// The store's own table: settings, as JSON values under a key that each area owns.
pub const SETTINGS_MIGRATION: &str =
    "CREATE TABLE setting (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;";

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("the local database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer Keydesk.
    #[error(
        "the local database was made by a newer Keydesk (schema {found}, this one knows {known}); update Keydesk"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// A damaged file could not be moved aside.
    #[error("the local database is damaged and could not be moved aside: {0}")]
    MoveAside(std::io::Error),
    /// A stored value could not be read back.
    #[error("a stored setting ({0}) is damaged; set it again")]
    Damaged(String),
}

impl StoreError {
    /// Its code: whatever failed, the desk is told the same thing.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Sqlite(_) | Self::TooNew { .. } | Self::MoveAside(_) | Self::Damaged(_) => {
                ErrorCode::Database
            }
        }
    }
}

/// The open database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Set when a damaged file was moved aside while opening.
    recovered_from: Option<PathBuf>,
}

impl Store {
    /// Opens (or creates) the database at `path`, migrating it to `schema`; moves a damaged
    /// file aside.
    pub fn open(path: &Path, schema: &Schema) -> Result<Self, StoreError> {
        match Self::open_checked(path, schema) {
            Ok(conn) => Ok(Self {
                conn,
                recovered_from: None,
            }),
            Err(StoreError::Sqlite(e)) if is_damage(&e) => {
                let aside = move_aside(path).map_err(StoreError::MoveAside)?;
                tracing::warn!(moved_to = %aside.display(), "local database was damaged; started a new one");
                let conn = Self::open_checked(path, schema)?;
                Ok(Self {
                    conn,
                    recovered_from: Some(aside),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// An in-memory database, for tests.
    pub fn open_in_memory(schema: &Schema) -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        // As for a file: removing a portal must take its dependent rows with it in tests too.
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn, schema)?;
        Ok(Self {
            conn,
            recovered_from: None,
        })
    }

    fn open_checked(path: &Path, schema: &Schema) -> Result<Connection, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(check),
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn, schema)?;
        restrict_to_owner(path);
        Ok(conn)
    }

    /// Where a damaged database was moved when this one was opened, if that happened.
    pub fn recovered_from(&self) -> Option<&Path> {
        self.recovered_from.as_deref()
    }

    /// The connection, for the modules that own tables.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The profile's id, made (randomly) the first time it is asked for.
    pub fn profile_id(&mut self) -> Result<String, StoreError> {
        if let Some(id) = self.setting::<String>("profile_id")? {
            return Ok(id);
        }
        let id = format!("{:032x}", rand::random::<u128>());
        self.set_setting("profile_id", &id)?;
        Ok(id)
    }

    /// A setting stored as JSON under `key` (each area owns its keys).
    pub(crate) fn setting<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let raw: Option<String> = self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        raw.map(|text| serde_json::from_str(&text).map_err(|_| StoreError::Damaged(key.to_owned())))
            .transpose()
    }

    /// Forgets the setting under `key`.
    #[cfg(test)]
    pub(crate) fn remove_setting(&mut self, key: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", [key])?;
        Ok(())
    }

    /// Stores a setting as JSON under `key`.
    pub(crate) fn set_setting<T: serde::Serialize>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(value).map_err(|_| StoreError::Damaged(key.to_owned()))?;
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, text],
        )?;
        Ok(())
    }
}

fn migrate(conn: &mut Connection, schema: &Schema) -> Result<(), StoreError> {
    let known = schema.len() as i64;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (index, step) in schema.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The database and its WAL and shared-memory files are readable by their owner only: even
/// without secrets they name the office's accounts. (The data folder is owner-only too; this
/// also holds where an older Keydesk made them with the default mode.)
#[cfg(unix)]
fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists()
            && let Err(e) = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
        {
            tracing::warn!(error = %e, file = %file.display(), "could not restrict a database file to its owner");
        }
    }
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) {}

fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let aside = path.with_extension(format!("db.damaged-{stamp}"));
    std::fs::rename(path, &aside)?;
    // The WAL and shared-memory files belong to the damaged database; keep them beside it.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &Schema = &[
        SETTINGS_MIGRATION,
        "CREATE TABLE thing (id INTEGER PRIMARY KEY) STRICT;",
    ];

    #[test]
    fn fresh_database_is_at_the_newest_schema() {
        let store = Store::open_in_memory(SCHEMA).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA.len() as i64);
    }

    #[test]
    fn an_older_file_gets_only_the_steps_it_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keydesk.db");
        Store::open(&path, &SCHEMA[..1]).unwrap();
        let store = Store::open(&path, SCHEMA).expect("step 1 must not run twice");
        assert_eq!(store.schema_version().unwrap(), 2);
    }

    #[test]
    fn profile_id_is_made_once_and_kept() {
        let mut store = Store::open_in_memory(SCHEMA).unwrap();
        let id = store.profile_id().unwrap();
        assert_eq!(id.len(), 32);
        assert_eq!(store.profile_id().unwrap(), id);
        assert_ne!(
            Store::open_in_memory(SCHEMA).unwrap().profile_id().unwrap(),
            id,
            "random per profile"
        );
    }

    #[test]
    fn settings_round_trip_as_json() {
        let mut store = Store::open_in_memory(SCHEMA).unwrap();
        assert_eq!(store.setting::<Vec<String>>("k").unwrap(), None);
        store.set_setting("k", &vec!["a".to_owned()]).unwrap();
        assert_eq!(store.setting("k").unwrap(), Some(vec!["a".to_owned()]));
        store.remove_setting("k").unwrap();
        assert_eq!(store.setting::<Vec<String>>("k").unwrap(), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_database_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keydesk.db");
        Store::open(&path, SCHEMA).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn the_store_imports_no_domain_module() {
        // The lowest layer: a `crate::` import here would bring back the cycle through the
        // migration list (store → owner → store).
        let source = include_str!("store.rs");
        let imports: Vec<&str> = source
            .lines()
            .filter(|l| l.trim_start().starts_with("use crate::"))
            .collect();
        assert_eq!(imports, ["use crate::error::ErrorCode;"], "{imports:?}");
    }

    #[test]
    fn damaged_file_is_moved_aside_and_a_new_one_started() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keydesk.db");
        std::fs::write(&path, b"this is not a database, just some bytes........................................................................").unwrap();
        let store = Store::open(&path, SCHEMA).unwrap();
        let aside = store
            .recovered_from()
            .expect("damage must be reported")
            .to_owned();
        assert!(aside.exists(), "the damaged file must be kept");
        assert!(
            std::fs::read(&aside)
                .unwrap()
                .starts_with(b"this is not a database")
        );
        assert_eq!(store.schema_version().unwrap(), SCHEMA.len() as i64);
    }

    #[test]
    fn newer_schema_is_refused_not_downgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keydesk.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 999).unwrap();
        }
        let err = Store::open(&path, SCHEMA).unwrap_err();
        assert!(
            matches!(err, StoreError::TooNew { found: 999, .. }),
            "{err}"
        );
    }
}
