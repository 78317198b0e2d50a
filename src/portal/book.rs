//! [`PortalBook`]: the desk's portals — their settings in SQLite, their secrets in the keychain.
//!
//! Each change is one database transaction. Where a change touches both stores it is ordered so
//! that a failure part-way never leaves a secret that no portal refers to: adding writes the
//! password inside the still-open transaction (and takes it back if the commit fails); removing
//! deletes the keychain items first and keeps the portal if that fails. Operations that need no
//! secret (list, show, edit, export) never open the keychain, so they keep working when it is
//! locked or missing.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{PasswordAge, Portal, PortalError, PortalFields, SecondStep};
use crate::error::Field;
use crate::keychain::{ItemKey, Keychain};
use crate::secret::Secret;
use crate::store::Store;

/// The portal tables (settings as JSON, no secrets), and which recovery codes are used; the
/// passwords and the codes themselves are in the keychain. AUTOINCREMENT: an id is never reused,
/// so a keychain item can never be picked up by a later portal.
pub const MIGRATION: &str = "CREATE TABLE portal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        details TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER,
        last_sign_in_at INTEGER
     ) STRICT;
     CREATE TABLE portal_recovery_code (
        portal_id INTEGER NOT NULL REFERENCES portal (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (portal_id, number)
     ) STRICT;";

/// The portals of one desk.
#[derive(Debug)]
pub struct PortalBook<'s> {
    pub(super) store: &'s mut Store,
}

/// One line of the portal list: what the list shows, computed at some `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PortalSummary {
    /// Database id.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Preset the portal was made from.
    pub preset: Option<String>,
    /// Second-step method.
    pub second_step: SecondStep,
    /// The method in words.
    pub second_step_label: &'static str,
    /// Sign-in name.
    pub username: String,
    /// The sign-in page.
    pub login_url: String,
    /// Last sign-in through Keydesk (UNIX seconds).
    pub last_sign_in_at: Option<i64>,
    /// Password age and warning.
    pub password: PasswordAge,
    /// Recovery codes saved.
    pub recovery_codes_total: usize,
    /// Recovery codes not yet marked used.
    pub recovery_codes_unused: usize,
    /// With someone signed in on a desk with people: whether it is their own (only they see
    /// it) or the desk's. `None` on a desk without people.
    pub own: Option<bool>,
}

/// Whether one recovery code was used (no code text: that stays in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RecoveryCodeState {
    /// 1-based, in the order the codes were saved.
    pub number: usize,
    /// When it was marked used (UNIX seconds).
    pub used_at: Option<i64>,
}

/// A recovery code with its text, read from the keychain. Not serializable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCode {
    /// 1-based, in the order the codes were saved.
    pub number: usize,
    /// When it was marked used (UNIX seconds).
    pub used_at: Option<i64>,
    /// The code.
    pub code: Secret,
}

const SELECT: &str =
    "SELECT id, details, created_at, password_changed_at, last_sign_in_at FROM portal";

impl<'s> PortalBook<'s> {
    /// The portals in `store`.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    fn conn(&mut self) -> &mut Connection {
        self.store.conn()
    }

    /// All portals, by name.
    pub fn list(&mut self) -> Result<Vec<Portal>, PortalError> {
        let conn = self.conn();
        let mut statement = conn.prepare(&format!("{SELECT} ORDER BY name_key"))?;
        let rows = statement.query_map([], row)?;
        rows.map(|r| r.map_err(PortalError::from).and_then(decode))
            .collect()
    }

    /// The portal list as the main window shows it, as of `now` (UNIX seconds).
    pub fn summaries(&mut self, now: i64) -> Result<Vec<PortalSummary>, PortalError> {
        let portals = self.list()?;
        let mut counts = self.conn().prepare(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE used_at IS NULL)
             FROM portal_recovery_code WHERE portal_id = ?1",
        )?;
        portals
            .into_iter()
            .map(|p| {
                let (total, unused): (i64, i64) =
                    counts.query_row([p.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(PortalSummary {
                    id: p.id,
                    password: p.password_age(now),
                    name: p.fields.name,
                    preset: p.fields.preset,
                    second_step: p.fields.second_step,
                    second_step_label: p.fields.second_step.label(),
                    username: p.fields.username,
                    login_url: p.fields.login_url,
                    last_sign_in_at: p.last_sign_in_at,
                    recovery_codes_total: total as usize,
                    recovery_codes_unused: unused as usize,
                    own: None,
                })
            })
            .collect()
    }

    /// The portal with this id.
    pub fn get(&mut self, id: i64) -> Result<Portal, PortalError> {
        self.conn()
            .query_row(&format!("{SELECT} WHERE id = ?1"), [id], row)
            .optional()?
            .ok_or_else(|| PortalError::NotFound(id.to_string()))
            .and_then(decode)
    }

    /// The portal with this name (ignoring case), else with this id.
    pub fn find(&mut self, name_or_id: &str) -> Result<Portal, PortalError> {
        let key = name_or_id.trim().to_lowercase();
        let by_name = self
            .conn()
            .query_row(&format!("{SELECT} WHERE name_key = ?1"), [&key], row)
            .optional()?;
        match (by_name, name_or_id.trim().parse::<i64>()) {
            (Some(found), _) => decode(found),
            (None, Ok(id)) => self.get(id),
            (None, Err(_)) => Err(PortalError::NotFound(name_or_id.trim().to_owned())),
        }
    }

    /// Adds a portal without a password (e.g. set up before the password is known).
    pub fn add(&mut self, fields: PortalFields, now: i64) -> Result<Portal, PortalError> {
        let fields = fields.validate()?;
        let tx = self.conn().transaction()?;
        let id = insert(&tx, &fields, now)?;
        tx.commit()?;
        self.get(id)
    }

    /// Adds a portal and stores its password. Nothing is saved if either store fails.
    pub fn add_with_password(
        &mut self,
        fields: PortalFields,
        keychain: &dyn Keychain,
        password: &Secret,
        now: i64,
    ) -> Result<Portal, PortalError> {
        let fields = fields.validate()?;
        check_password(password)?;
        let tx = self.conn().transaction()?;
        let id = insert(&tx, &fields, now)?;
        tx.execute(
            "UPDATE portal SET password_changed_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        let key = ItemKey::portal_password(id);
        // Dropping `tx` on this error rolls the row back.
        keychain.set(&key, password)?;
        if let Err(e) = tx.commit() {
            if let Err(cleanup) = keychain.delete(&key) {
                tracing::error!(item = key.as_str(), error = %cleanup, "could not take back the password of a portal that was not saved");
            }
            return Err(e.into());
        }
        self.get(id)
    }

    /// Replaces a portal's settings (not its secrets or timestamps).
    pub fn update(&mut self, id: i64, fields: PortalFields) -> Result<Portal, PortalError> {
        let fields = fields.validate()?;
        let tx = self.conn().transaction()?;
        ensure_name_free(&tx, &fields, Some(id))?;
        let changed = tx.execute(
            "UPDATE portal SET name = ?2, name_key = ?3, details = ?4 WHERE id = ?1",
            params![id, fields.name, fields.name_key(), encode(&fields)],
        )?;
        if changed == 0 {
            return Err(PortalError::NotFound(id.to_string()));
        }
        tx.commit()?;
        self.get(id)
    }

    /// Stores a new password and records `now` as its change time.
    pub fn set_password(
        &mut self,
        id: i64,
        keychain: &dyn Keychain,
        password: &Secret,
        now: i64,
    ) -> Result<(), PortalError> {
        check_password(password)?;
        self.get(id)?;
        keychain.set(&ItemKey::portal_password(id), password)?;
        self.conn().execute(
            "UPDATE portal SET password_changed_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// The stored password; `None` when none was saved.
    pub fn password(
        &mut self,
        id: i64,
        keychain: &dyn Keychain,
    ) -> Result<Option<Secret>, PortalError> {
        self.get(id)?;
        Ok(keychain.get(&ItemKey::portal_password(id))?)
    }

    /// Removes a portal and its keychain items. The keychain goes first: if it cannot be
    /// reached the portal is kept, so no secret is left behind that nothing refers to.
    pub fn remove(&mut self, id: i64, keychain: &dyn Keychain) -> Result<(), PortalError> {
        self.get(id)?;
        for key in [
            ItemKey::portal_password(id),
            ItemKey::portal_recovery_codes(id),
            ItemKey::portal_pending_password(id),
        ] {
            keychain.delete(&key).map_err(PortalError::RemoveBlocked)?;
        }
        let tx = self.conn().transaction()?;
        tx.execute(
            "DELETE FROM portal_recovery_code WHERE portal_id = ?1",
            [id],
        )?;
        // The authenticator entry stays (its seed may still be needed elsewhere); it is only
        // no longer this portal's second step.
        tx.execute(
            "UPDATE otp_entry SET portal_id = NULL WHERE portal_id = ?1",
            [id],
        )?;
        // What it was taught goes with it: a portal added later may get the same id.
        crate::portal::taught::forget(&tx, id)?;
        crate::portal::rules::forget(&tx, id)?;
        crate::portal::change::forget(&tx, id)?;
        tx.execute("DELETE FROM portal WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// Records a successful sign-in at `now`.
    pub fn record_sign_in(&mut self, id: i64, now: i64) -> Result<(), PortalError> {
        let changed = self.conn().execute(
            "UPDATE portal SET last_sign_in_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        if changed == 0 {
            return Err(PortalError::NotFound(id.to_string()));
        }
        Ok(())
    }

    /// Replaces the portal's recovery codes (all marked unused); an empty list removes them.
    pub fn set_recovery_codes(
        &mut self,
        id: i64,
        keychain: &dyn Keychain,
        codes: &[Secret],
    ) -> Result<(), PortalError> {
        self.get(id)?;
        for (index, code) in codes.iter().enumerate() {
            let text = code.expose().trim();
            if text.is_empty() || text.contains(['\n', '\r']) {
                return Err(PortalError::BadRecoveryCode(index + 1));
            }
        }
        let key = ItemKey::portal_recovery_codes(id);
        if codes.is_empty() {
            keychain.delete(&key)?;
        } else {
            // Sized up front so the buffer never reallocates and leaves an unwiped copy behind.
            let size = codes.iter().map(|c| c.expose().trim().len() + 1).sum();
            let mut joined = String::with_capacity(size);
            for code in codes {
                if !joined.is_empty() {
                    joined.push('\n');
                }
                joined.push_str(code.expose().trim());
            }
            keychain.set(&key, &Secret::new(joined))?;
        }
        let tx = self.conn().transaction()?;
        tx.execute(
            "DELETE FROM portal_recovery_code WHERE portal_id = ?1",
            [id],
        )?;
        for number in 1..=codes.len() {
            tx.execute(
                "INSERT INTO portal_recovery_code (portal_id, number) VALUES (?1, ?2)",
                params![id, number as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Which recovery codes are used, without reading the codes (works with no keychain).
    pub fn recovery_code_states(&mut self, id: i64) -> Result<Vec<RecoveryCodeState>, PortalError> {
        self.get(id)?;
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT number, used_at FROM portal_recovery_code WHERE portal_id = ?1 ORDER BY number",
        )?;
        let rows = statement.query_map([id], |r| {
            Ok(RecoveryCodeState {
                number: r.get::<_, i64>(0)? as usize,
                used_at: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The recovery codes with their text, from the keychain.
    pub fn recovery_codes(
        &mut self,
        id: i64,
        keychain: &dyn Keychain,
    ) -> Result<Vec<RecoveryCode>, PortalError> {
        let states = self.recovery_code_states(id)?;
        let Some(stored) = keychain.get(&ItemKey::portal_recovery_codes(id))? else {
            return Ok(Vec::new());
        };
        Ok(stored
            .expose()
            .split('\n')
            .enumerate()
            .map(|(index, code)| RecoveryCode {
                number: index + 1,
                // A code without a row (a write interrupted between the stores) counts as unused.
                used_at: states
                    .iter()
                    .find(|s| s.number == index + 1)
                    .and_then(|s| s.used_at),
                code: Secret::from(code),
            })
            .collect())
    }

    /// Recovery code `number` (1-based) with its text, to copy it.
    pub fn recovery_code(
        &mut self,
        id: i64,
        number: usize,
        keychain: &dyn Keychain,
    ) -> Result<RecoveryCode, PortalError> {
        self.recovery_codes(id, keychain)?
            .into_iter()
            .find(|c| c.number == number)
            .ok_or(PortalError::NoSuchRecoveryCode(number))
    }

    /// Marks recovery code `number` (1-based) used at `now`; marking it again keeps the first time.
    pub fn mark_recovery_code_used(
        &mut self,
        id: i64,
        number: usize,
        now: i64,
    ) -> Result<(), PortalError> {
        self.get(id)?;
        let exists = self
            .conn()
            .query_row(
                "SELECT 1 FROM portal_recovery_code WHERE portal_id = ?1 AND number = ?2",
                params![id, number as i64],
                |_| Ok(()),
            )
            .optional()?;
        if exists.is_none() {
            return Err(PortalError::NoSuchRecoveryCode(number));
        }
        self.conn().execute(
            "UPDATE portal_recovery_code SET used_at = ?3
             WHERE portal_id = ?1 AND number = ?2 AND used_at IS NULL",
            params![id, number as i64, now],
        )?;
        Ok(())
    }

    /// Adds several portals in one transaction (for import); each must already be validated.
    pub(super) fn add_validated(
        &mut self,
        portals: &[PortalFields],
        now: i64,
    ) -> Result<(), PortalError> {
        let tx = self.conn().transaction()?;
        for fields in portals {
            insert(&tx, fields, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The names already taken, as keys (lower-cased), for import's duplicate check.
    pub(super) fn name_keys(&mut self) -> Result<Vec<String>, PortalError> {
        let conn = self.conn();
        let mut statement = conn.prepare("SELECT name_key FROM portal")?;
        let keys = statement.query_map([], |r| r.get(0))?;
        Ok(keys.collect::<Result<_, _>>()?)
    }
}

type Row = (i64, String, i64, Option<i64>, Option<i64>);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn decode(
    (id, details, created_at, password_changed_at, last_sign_in_at): Row,
) -> Result<Portal, PortalError> {
    let fields = serde_json::from_str(&details).map_err(|_| PortalError::Damaged(id))?;
    Ok(Portal {
        id,
        fields,
        created_at,
        password_changed_at,
        last_sign_in_at,
    })
}

fn encode(fields: &PortalFields) -> String {
    serde_json::to_string(fields).expect("portal fields serialize to JSON")
}

fn check_password(password: &Secret) -> Result<(), PortalError> {
    if password.is_empty() {
        return Err(PortalError::Invalid {
            field: Field::Password,
            reason: "is empty".into(),
        });
    }
    Ok(())
}

fn ensure_name_free(
    conn: &Connection,
    fields: &PortalFields,
    except: Option<i64>,
) -> Result<(), PortalError> {
    let other: Option<i64> = conn
        .query_row(
            "SELECT id FROM portal WHERE name_key = ?1",
            [fields.name_key()],
            |r| r.get(0),
        )
        .optional()?;
    match other {
        Some(id) if Some(id) != except => Err(PortalError::DuplicateName(fields.name.clone())),
        _ => Ok(()),
    }
}

fn insert(conn: &Connection, fields: &PortalFields, now: i64) -> Result<i64, PortalError> {
    ensure_name_free(conn, fields, None)?;
    conn.execute(
        "INSERT INTO portal (name, name_key, details, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![fields.name, fields.name_key(), encode(fields), now],
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests;
