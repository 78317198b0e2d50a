//! The people of a desk: who may unlock it, with what role, and how many wrong PINs they typed.
//!
//! A PIN or passphrase is kept only as an Argon2id hash (with its own salt and cost) in the
//! database; the PIN itself is never stored. Wrong tries are counted in the database, so a
//! restart does not reset them: three are free, then each wrong try makes the person wait, 30
//! seconds doubling up to 30 minutes. The last office admin cannot be removed, so a desk with
//! people always has someone who can manage it. A desk with no people works as before: one
//! implicit person, never locked.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::secret::Secret;
use crate::store::{Store, StoreError};

/// The people table; portals gain an owner (NULL: the desk's, shared by everyone).
pub const MIGRATION: &str = "CREATE TABLE person (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
        pin_hash TEXT NOT NULL,
        failed INTEGER NOT NULL DEFAULT 0,
        wait_until INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
     ) STRICT;
     ALTER TABLE portal ADD COLUMN owner INTEGER REFERENCES person (id);";

/// Wrong tries that cost nothing.
pub const FREE_TRIES: i64 = 3;
/// The first wait after the free tries; it doubles with each wrong try.
pub const FIRST_WAIT_SECS: i64 = 30;
/// The longest wait.
pub const LONGEST_WAIT_SECS: i64 = 30 * 60;
/// The shortest PIN.
pub const MIN_PIN_CHARS: usize = 4;

/// What a person may do beyond using the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Uses the desk.
    Staff,
    /// Also manages the people, reads the audit log.
    Admin,
}

impl Role {
    /// As stored and typed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    /// From its stored or typed name.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "staff" => Some(Self::Staff),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// A person as the window shows them (no hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Person {
    /// Database id.
    pub id: i64,
    /// The name shown ("Maria").
    pub name: String,
    /// Staff or admin.
    pub role: Role,
    /// Wrong PINs typed since the last right one.
    pub failed: i64,
    /// Until when (UNIX seconds) no PIN is tried, after too many wrong ones; 0 when none.
    pub wait_until: i64,
}

/// What went wrong with the people of a desk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PeopleError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such person.
    #[error("There is no person called {0} at this desk.")]
    NotFound(String),
    /// A name taken or empty.
    #[error("{0}")]
    BadName(String),
    /// A PIN too short.
    #[error("A PIN needs at least {MIN_PIN_CHARS} characters.")]
    WeakPin,
    /// The PIN was wrong.
    #[error("That PIN is not right.{}", match tries_left { Some(0) | None => String::new(), Some(n) => format!(" {n} more tries before a wait.") })]
    WrongPin {
        /// Free tries left.
        tries_left: Option<i64>,
    },
    /// Too many wrong PINs: wait.
    #[error("Too many wrong PINs. Try again in {}.", wait_words(*wait_secs))]
    Waiting {
        /// Seconds left.
        wait_secs: i64,
    },
    /// The last admin stays.
    #[error(
        "{0} is the desk's last office admin and cannot be removed; make someone else an admin first."
    )]
    LastAdmin(String),
    /// A hash could not be made.
    #[error("the PIN could not be protected: {0}")]
    Hash(String),
}

impl PeopleError {
    /// Its code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Store(e) => e.code(),
            Self::NotFound(_) => ErrorCode::PersonNotFound,
            Self::BadName(_) => ErrorCode::PersonInvalid,
            Self::WeakPin => ErrorCode::PinTooShort,
            Self::WrongPin { .. } => ErrorCode::PinWrong,
            Self::Waiting { .. } => ErrorCode::PinWait,
            Self::LastAdmin(_) => ErrorCode::PersonLastAdmin,
            Self::Hash(_) => ErrorCode::Internal,
        }
    }
}

fn wait_words(secs: i64) -> String {
    if secs >= 90 {
        format!("{} minutes", (secs + 59) / 60)
    } else {
        format!("{secs} seconds")
    }
}

/// The wait after `failed` wrong tries in a row: none for the free ones, then 30 s doubling.
pub fn wait_after(failed: i64) -> i64 {
    if failed < FREE_TRIES {
        return 0;
    }
    let doublings = (failed - FREE_TRIES).min(16) as u32;
    (FIRST_WAIT_SECS << doublings).min(LONGEST_WAIT_SECS)
}

/// The people of one desk.
pub struct People<'s> {
    store: &'s mut Store,
}

impl<'s> People<'s> {
    /// Over the desk's database.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    /// Everyone, by name.
    pub fn list(&mut self) -> Result<Vec<Person>, PeopleError> {
        let conn = self.store.conn();
        let mut stmt = conn
            .prepare("SELECT id, name, role, failed, wait_until FROM person ORDER BY name_key, id")
            .map_err(StoreError::from)?;
        let rows = stmt
            .query_map([], row_person)
            .map_err(StoreError::from)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::from)?;
        Ok(rows)
    }

    /// True when the desk has people (and so can lock).
    pub fn any(&mut self) -> Result<bool, PeopleError> {
        let n: i64 = self
            .store
            .conn()
            .query_row("SELECT count(*) FROM person", [], |r| r.get(0))
            .map_err(StoreError::from)?;
        Ok(n > 0)
    }

    /// The person called `name` (ignoring case), or with that id.
    pub fn find(&mut self, name: &str) -> Result<Person, PeopleError> {
        let key = name_key(name);
        let found = self
            .store
            .conn()
            .query_row(
                "SELECT id, name, role, failed, wait_until FROM person
                 WHERE name_key = ?1 OR CAST(id AS TEXT) = ?2",
                params![key, name.trim()],
                row_person,
            )
            .optional()
            .map_err(StoreError::from)?;
        found.ok_or_else(|| PeopleError::NotFound(name.trim().to_owned()))
    }

    /// Adds a person with a PIN (hashed here). The first person of a desk is always an admin.
    pub fn add(
        &mut self,
        name: &str,
        role: Role,
        pin: &Secret,
        now: i64,
    ) -> Result<Person, PeopleError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(PeopleError::BadName(
                "A name needs 1 to 60 characters on one line.".into(),
            ));
        }
        let role = if self.any()? { role } else { Role::Admin };
        let hash = hash_pin(pin)?;
        let conn = self.store.conn();
        let inserted = conn.execute(
            "INSERT INTO person (name, name_key, role, pin_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, name_key(name), role.as_str(), hash, now],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(PeopleError::BadName(format!(
                    "There is already a person called {name}."
                )));
            }
            other => other.map_err(StoreError::from)?,
        };
        let id = conn.last_insert_rowid();
        self.find(&id.to_string())
    }

    /// The person called `name`, if they may be removed (not the last admin).
    pub fn removable(&mut self, name: &str) -> Result<Person, PeopleError> {
        let person = self.find(name)?;
        if person.role == Role::Admin && self.admins()? <= 1 {
            return Err(PeopleError::LastAdmin(person.name));
        }
        Ok(person)
    }

    /// Removes a person; their own portals must be gone first (the use-case removes them).
    /// The last admin stays.
    pub fn remove(&mut self, id: i64) -> Result<Person, PeopleError> {
        let person = self.find(&id.to_string())?;
        if person.role == Role::Admin && self.admins()? <= 1 {
            return Err(PeopleError::LastAdmin(person.name));
        }
        self.store
            .conn()
            .execute("DELETE FROM person WHERE id = ?1", [id])
            .map_err(StoreError::from)?;
        Ok(person)
    }

    fn admins(&mut self) -> Result<i64, PeopleError> {
        Ok(self
            .store
            .conn()
            .query_row(
                "SELECT count(*) FROM person WHERE role = 'admin'",
                [],
                |r| r.get(0),
            )
            .map_err(StoreError::from)?)
    }

    /// Replaces a person's PIN, and forgets their wrong tries.
    pub fn set_pin(&mut self, id: i64, pin: &Secret) -> Result<(), PeopleError> {
        let hash = hash_pin(pin)?;
        let changed = self
            .store
            .conn()
            .execute(
                "UPDATE person SET pin_hash = ?1, failed = 0, wait_until = 0 WHERE id = ?2",
                params![hash, id],
            )
            .map_err(StoreError::from)?;
        if changed == 0 {
            return Err(PeopleError::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Checks `pin` for the person at `now`. A right PIN clears the wrong tries; a wrong one
    /// counts, and past the free ones makes the person wait. While they wait, nothing is tried.
    pub fn check_pin(&mut self, id: i64, pin: &Secret, now: i64) -> Result<Person, PeopleError> {
        let conn = self.store.conn();
        let row: Option<(String, i64, i64)> = conn
            .query_row(
                "SELECT pin_hash, failed, wait_until FROM person WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(StoreError::from)?;
        let Some((hash, failed, wait_until)) = row else {
            return Err(PeopleError::NotFound(id.to_string()));
        };
        if wait_until > now {
            return Err(PeopleError::Waiting {
                wait_secs: wait_until - now,
            });
        }
        if verify_pin(&hash, pin) {
            conn.execute(
                "UPDATE person SET failed = 0, wait_until = 0 WHERE id = ?1",
                [id],
            )
            .map_err(StoreError::from)?;
            return self.find(&id.to_string());
        }
        let failed = failed + 1;
        let wait = wait_after(failed);
        conn.execute(
            "UPDATE person SET failed = ?1, wait_until = ?2 WHERE id = ?3",
            params![failed, if wait > 0 { now + wait } else { 0 }, id],
        )
        .map_err(StoreError::from)?;
        if wait > 0 {
            return Err(PeopleError::Waiting { wait_secs: wait });
        }
        Err(PeopleError::WrongPin {
            tries_left: Some(FREE_TRIES - failed),
        })
    }
}

fn row_person(r: &rusqlite::Row<'_>) -> rusqlite::Result<Person> {
    let role: String = r.get(2)?;
    Ok(Person {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Staff),
        failed: r.get(3)?,
        wait_until: r.get(4)?,
    })
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Argon2id cost for PINs: the OWASP minimum (19 MiB, 2 passes), a few tens of milliseconds.
const PIN_MEMORY_KIB: u32 = 19 * 1024;
const PIN_PASSES: u32 = 2;

/// `argon2id$<memory KiB>$<passes>$<salt hex>$<hash hex>`.
fn hash_pin(pin: &Secret) -> Result<String, PeopleError> {
    if pin.expose().chars().count() < MIN_PIN_CHARS {
        return Err(PeopleError::WeakPin);
    }
    let salt: [u8; 16] = rand::random();
    let hash = derive(pin, &salt, PIN_MEMORY_KIB, PIN_PASSES)?;
    Ok(format!(
        "argon2id${PIN_MEMORY_KIB}${PIN_PASSES}${}${}",
        data_encoding::HEXLOWER.encode(&salt),
        data_encoding::HEXLOWER.encode(&hash)
    ))
}

fn derive(pin: &Secret, salt: &[u8], memory: u32, passes: u32) -> Result<[u8; 32], PeopleError> {
    let params = argon2::Params::new(memory, passes, 1, Some(32))
        .map_err(|e| PeopleError::Hash(e.to_string()))?;
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(pin.expose().as_bytes(), salt, &mut out)
        .map_err(|e| PeopleError::Hash(e.to_string()))?;
    Ok(out)
}

fn verify_pin(stored: &str, pin: &Secret) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let ["argon2id", memory, passes, salt, hash] = parts.as_slice() else {
        return false;
    };
    let (Ok(memory), Ok(passes)) = (memory.parse(), passes.parse()) else {
        return false;
    };
    let (Ok(salt), Ok(expected)) = (
        data_encoding::HEXLOWER.decode(salt.as_bytes()),
        data_encoding::HEXLOWER.decode(hash.as_bytes()),
    ) else {
        return false;
    };
    let Ok(got) = derive(pin, &salt, memory, passes) else {
        return false;
    };
    // Same time whatever byte differs.
    expected.len() == got.len() && expected.iter().zip(got).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::open_in_memory(crate::desk::SCHEMA).unwrap()
    }

    #[test]
    fn a_pin_is_stored_only_as_a_hash_and_checked() {
        let mut store = store();
        let mut people = People::new(&mut store);
        let maria = people
            .add("Maria", Role::Staff, &Secret::from("kdS3cr3t-1234"), 0)
            .unwrap();
        assert_eq!(maria.role, Role::Admin, "the first person manages the desk");
        let stored: String = store
            .conn()
            .query_row("SELECT pin_hash FROM person", [], |r| r.get(0))
            .unwrap();
        assert!(!stored.contains("kdS3cr3t"), "never the PIN itself");
        assert!(stored.starts_with("argon2id$"));
        let mut people = People::new(&mut store);
        people
            .check_pin(maria.id, &Secret::from("kdS3cr3t-1234"), 1)
            .unwrap();
        let err = people
            .check_pin(maria.id, &Secret::from("kdS3cr3t-9999"), 1)
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::PinWrong);
        assert_eq!(
            people
                .add("maria", Role::Staff, &Secret::from("kdS3cr3t-x"), 0)
                .unwrap_err()
                .code(),
            ErrorCode::PersonInvalid,
            "names are unique ignoring case"
        );
        assert_eq!(
            people
                .add("Ana", Role::Staff, &Secret::from("123"), 0)
                .unwrap_err()
                .code(),
            ErrorCode::PinTooShort
        );
    }

    #[test]
    fn wrong_pins_back_off_and_the_wait_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.db");
        let id = {
            let mut store = Store::open(&path, crate::desk::SCHEMA).unwrap();
            let mut people = People::new(&mut store);
            let id = people
                .add("Maria", Role::Admin, &Secret::from("kdS3cr3t-1234"), 0)
                .unwrap()
                .id;
            let wrong = Secret::from("kdS3cr3t-0000");
            for _ in 0..2 {
                assert_eq!(
                    people.check_pin(id, &wrong, 10).unwrap_err().code(),
                    ErrorCode::PinWrong
                );
            }
            let err = people.check_pin(id, &wrong, 10).unwrap_err();
            assert!(
                matches!(err, PeopleError::Waiting { wait_secs: 30 }),
                "{err:?}"
            );
            id
        };
        let mut store = Store::open(&path, crate::desk::SCHEMA).unwrap();
        let mut people = People::new(&mut store);
        let right = Secret::from("kdS3cr3t-1234");
        let err = people.check_pin(id, &right, 20).unwrap_err();
        assert!(
            matches!(err, PeopleError::Waiting { wait_secs: 20 }),
            "even the right PIN waits, after a restart too: {err:?}"
        );
        let wrong = Secret::from("kdS3cr3t-0000");
        let err = people.check_pin(id, &wrong, 41).unwrap_err();
        assert!(
            matches!(err, PeopleError::Waiting { wait_secs: 60 }),
            "doubled: {err:?}"
        );
        people.check_pin(id, &right, 101).unwrap();
        assert_eq!(
            people.find("maria").unwrap().failed,
            0,
            "a right PIN forgives"
        );
    }

    #[test]
    fn waits_double_up_to_half_an_hour() {
        assert_eq!(wait_after(2), 0);
        assert_eq!(wait_after(3), 30);
        assert_eq!(wait_after(4), 60);
        assert_eq!(wait_after(9), 1800);
        assert_eq!(wait_after(500), LONGEST_WAIT_SECS);
    }

    #[test]
    fn the_last_admin_stays() {
        let mut store = store();
        let mut people = People::new(&mut store);
        let pin = Secret::from("kdS3cr3t-1234");
        let maria = people.add("Maria", Role::Admin, &pin, 0).unwrap();
        let ana = people.add("Ana", Role::Staff, &pin, 0).unwrap();
        assert_eq!(ana.role, Role::Staff);
        assert_eq!(
            people.remove(maria.id).unwrap_err().code(),
            ErrorCode::PersonLastAdmin
        );
        people.remove(ana.id).unwrap();
        assert_eq!(people.list().unwrap().len(), 1);
    }
}
