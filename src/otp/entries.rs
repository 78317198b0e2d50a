//! Stored authenticator entries: parameters in the `otp_entry` table, the seed in the keychain
//! under [`ItemKey::otp_seed`], and the codes the UI shows.
//!
//! Entry ids are random 53-bit integers rather than 1, 2, 3: keychain item keys are not scoped to
//! a profile, so two profiles on one machine (or a restore into a fresh profile) must not reuse
//! each other's `otp/<id>/seed` items.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::code::{hotp, seconds_left, totp};
use super::import::{ImportReport, Skipped};
use super::{Algorithm, Kind, NewEntry, OtpError, Seed};
use crate::keychain::{ItemKey, Keychain};
use crate::secret::Secret;

/// The schema step for `store::MIGRATIONS`.
pub const MIGRATION: &str = "CREATE TABLE otp_entry (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    issuer TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('totp', 'hotp')),
    algorithm TEXT NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits INTEGER NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period INTEGER CHECK (period BETWEEN 1 AND 86400),
    counter INTEGER CHECK (counter >= 0),
    portal_id INTEGER,
    created_at INTEGER NOT NULL
) STRICT;";

/// A stored entry, without its seed: what lists and the UI show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "OtpEntry")]
pub struct Entry {
    /// Stable id (also names the keychain item).
    pub id: i64,
    /// The account.
    pub name: String,
    /// The service; may be empty.
    pub issuer: String,
    /// `Issuer (name)`.
    pub label: String,
    /// TOTP period or HOTP counter (the next one to use).
    pub kind: Kind,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// Number of digits.
    pub digits: u8,
    /// The portal whose second step uses this entry, if linked.
    pub portal_id: Option<i64>,
}

/// An entry with its codes at a given moment, for the authenticator view.
#[derive(Debug, Clone)]
pub struct EntryCodes {
    /// The entry.
    pub entry: Entry,
    /// The code valid now (TOTP only; an HOTP code is only made when asked for, as that uses it).
    pub current: Option<Secret>,
    /// The code of the next period (TOTP only).
    pub next: Option<Secret>,
    /// Seconds until `current` changes (TOTP only).
    pub seconds_left: Option<u32>,
    /// Why there are no codes, in plain words: the seed is missing or the keychain is closed.
    pub problem: Option<String>,
}

/// [`EntryCodes`] as the authenticator view shows them. Building it is where the codes leave the
/// core, so it is built only for the window that displays them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct EntryCodesView {
    /// The entry.
    pub entry: Entry,
    /// The code valid now (TOTP).
    pub current: Option<String>,
    /// The next period's code (TOTP).
    pub next: Option<String>,
    /// Seconds until `current` changes (TOTP).
    pub seconds_left: Option<u32>,
    /// The TOTP period in seconds, for the countdown ring.
    pub period: Option<u32>,
    /// Why there are no codes, if there are none.
    pub problem: Option<String>,
}

impl EntryCodes {
    /// The view for the window that shows codes.
    pub fn view(&self) -> EntryCodesView {
        EntryCodesView {
            entry: self.entry.clone(),
            current: self.current.as_ref().map(|c| c.expose().to_owned()),
            next: self.next.as_ref().map(|c| c.expose().to_owned()),
            seconds_left: self.seconds_left,
            period: match self.entry.kind {
                Kind::Totp { period } => Some(period),
                Kind::Hotp { .. } => None,
            },
            problem: self.problem.clone(),
        }
    }
}

const COLUMNS: &str = "id, name, issuer, kind, algorithm, digits, period, counter, portal_id";

fn row_to_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let (name, issuer): (String, String) = (row.get(1)?, row.get(2)?);
    let kind: String = row.get(3)?;
    let kind = if kind == "hotp" {
        Kind::Hotp {
            counter: row.get::<_, i64>(7)?.max(0) as u64,
        }
    } else {
        Kind::Totp {
            period: row.get(6)?,
        }
    };
    let algorithm: String = row.get(4)?;
    Ok(Entry {
        id: row.get(0)?,
        label: super::label(&issuer, &name),
        name,
        issuer,
        kind,
        // The CHECK constraint keeps this to the three names.
        algorithm: Algorithm::parse(&algorithm).unwrap_or(Algorithm::Sha1),
        digits: row.get(5)?,
        portal_id: row.get(8)?,
    })
}

/// All entries, sorted by label.
pub fn list(conn: &Connection) -> Result<Vec<Entry>, OtpError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM otp_entry ORDER BY lower(issuer), lower(name), id"
    ))?;
    let entries = statement
        .query_map([], row_to_entry)?
        .collect::<Result<_, _>>()?;
    Ok(entries)
}

/// The entry named `query`: its id, its full label, or a name or issuer that only it has
/// (case-insensitive).
pub fn find(conn: &Connection, query: &str) -> Result<Entry, OtpError> {
    let all = list(conn)?;
    if let Ok(id) = query.parse::<i64>()
        && let Some(entry) = all.iter().find(|e| e.id == id)
    {
        return Ok(entry.clone());
    }
    let q = query.trim().to_lowercase();
    for matches in [
        &(|e: &Entry| e.label.to_lowercase() == q) as &dyn Fn(&Entry) -> bool,
        &|e: &Entry| e.name.to_lowercase() == q || e.issuer.to_lowercase() == q,
    ] {
        let found: Vec<&Entry> = all.iter().filter(|e| matches(e)).collect();
        match found.as_slice() {
            [one] => return Ok((*one).clone()),
            [] => {}
            _ => return Err(OtpError::Ambiguous(query.to_owned())),
        }
    }
    Err(OtpError::NotFound(query.to_owned()))
}

/// A fresh random entry id (53 bits, so it survives JSON numbers in the UI).
pub fn random_id() -> i64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    (u64::from_le_bytes(bytes) >> 11).max(1) as i64
}

/// Stores `entries` (already validated), skipping any whose issuer and name are already there.
/// All or nothing: seeds go into the keychain before the database commits, and are removed again
/// if anything fails.
pub fn add(
    conn: &mut Connection,
    keychain: &dyn Keychain,
    entries: Vec<NewEntry>,
    skipped: Vec<Skipped>,
    new_id: &mut dyn FnMut() -> i64,
    now: u64,
) -> Result<ImportReport, OtpError> {
    let mut report = ImportReport {
        taken: Vec::new(),
        skipped,
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut written: Vec<(i64, NewEntry)> = Vec::new();
    for entry in entries {
        entry.validate().map_err(|e| e.in_entry(&entry.label()))?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM otp_entry WHERE lower(issuer) = lower(?1) AND lower(name) = lower(?2))",
            params![entry.issuer, entry.name],
            |r| r.get(0),
        )?;
        if exists {
            report.skipped.push(Skipped {
                label: entry.label(),
                reason: "an entry with this issuer and name is already in Keydesk".into(),
            });
            continue;
        }
        let id = new_id();
        let (kind, period, counter) = match entry.kind {
            Kind::Totp { period } => ("totp", Some(period), None),
            Kind::Hotp { counter } => ("hotp", None, Some(counter.min(i64::MAX as u64) as i64)),
        };
        tx.execute(
            "INSERT INTO otp_entry (id, name, issuer, kind, algorithm, digits, period, counter, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, entry.name, entry.issuer, kind, entry.algorithm.as_str(), entry.digits, period, counter, now as i64],
        )?;
        report.taken.push(entry.label());
        written.push((id, entry));
    }
    let mut stored = Vec::new();
    let result = written.iter().try_for_each(|(id, entry)| {
        keychain.set(&ItemKey::otp_seed(*id), entry.seed.secret())?;
        stored.push(*id);
        Ok::<_, OtpError>(())
    });
    let result = result.and_then(|()| tx.commit().map_err(OtpError::from));
    if let Err(e) = result {
        for id in stored {
            if let Err(cleanup) = keychain.delete(&ItemKey::otp_seed(id)) {
                tracing::warn!(error = %cleanup, "could not remove a seed after a failed import");
            }
        }
        return Err(e);
    }
    Ok(report)
}

fn seed_of(keychain: &dyn Keychain, entry: &Entry) -> Result<Seed, OtpError> {
    let secret = keychain
        .get(&ItemKey::otp_seed(entry.id))?
        .ok_or_else(|| OtpError::SeedMissing(entry.label.clone()))?;
    Seed::from_base32(secret.expose()).map_err(|_| OtpError::SeedMissing(entry.label.clone()))
}

/// Every entry with its current and next code at `now` (Unix seconds). An entry whose seed is
/// missing is listed with its problem, so one broken entry does not hide the others' codes; a
/// keychain that cannot be used fails the whole call (see [`without_codes`]).
pub fn codes(
    conn: &Connection,
    keychain: &dyn Keychain,
    now: u64,
) -> Result<Vec<EntryCodes>, OtpError> {
    list(conn)?
        .into_iter()
        .map(|entry| {
            let Kind::Totp { period } = entry.kind else {
                return Ok(EntryCodes {
                    entry,
                    current: None,
                    next: None,
                    seconds_left: None,
                    problem: None,
                });
            };
            let key = match seed_of(keychain, &entry) {
                Ok(seed) => seed.key(),
                Err(e @ OtpError::SeedMissing(_)) => {
                    return Ok(EntryCodes {
                        entry,
                        current: None,
                        next: None,
                        seconds_left: None,
                        problem: Some(e.to_string()),
                    });
                }
                Err(e) => return Err(e),
            };
            Ok(EntryCodes {
                current: Some(totp(&key, now, period, entry.algorithm, entry.digits)),
                next: Some(totp(
                    &key,
                    now + u64::from(period),
                    period,
                    entry.algorithm,
                    entry.digits,
                )),
                seconds_left: Some(seconds_left(now, period)),
                problem: None,
                entry,
            })
        })
        .collect()
}

/// Every entry without codes, each carrying `problem` (e.g. "keychain unavailable: …"): the
/// list, search and linking keep working while the keychain cannot be read.
pub fn without_codes(conn: &Connection, problem: &str) -> Result<Vec<EntryCodes>, OtpError> {
    Ok(list(conn)?
        .into_iter()
        .map(|entry| EntryCodes {
            entry,
            current: None,
            next: None,
            seconds_left: None,
            problem: Some(problem.to_owned()),
        })
        .collect())
}

/// The code to type now: TOTP at `now`; for HOTP the next counter's code, moving the stored
/// counter on in the same transaction so a code is never handed out twice.
pub fn use_code(
    conn: &mut Connection,
    keychain: &dyn Keychain,
    id: i64,
    now: u64,
) -> Result<Secret, OtpError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let entry = tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM otp_entry WHERE id = ?1"),
            [id],
            row_to_entry,
        )
        .optional()?
        .ok_or_else(|| OtpError::NotFound(id.to_string()))?;
    let key = seed_of(keychain, &entry)?.key();
    let code = match entry.kind {
        Kind::Totp { period } => totp(&key, now, period, entry.algorithm, entry.digits),
        Kind::Hotp { counter } => {
            tx.execute(
                "UPDATE otp_entry SET counter = counter + 1 WHERE id = ?1",
                [id],
            )?;
            hotp(&key, counter, entry.algorithm, entry.digits)
        }
    };
    tx.commit()?;
    Ok(code)
}

/// Links an entry to a portal (or unlinks it with `None`).
pub fn set_portal(conn: &Connection, id: i64, portal_id: Option<i64>) -> Result<(), OtpError> {
    match conn.execute(
        "UPDATE otp_entry SET portal_id = ?2 WHERE id = ?1",
        params![id, portal_id],
    )? {
        0 => Err(OtpError::NotFound(id.to_string())),
        _ => Ok(()),
    }
}

/// The entry linked to a portal (the one with the lowest id, should several be).
pub fn for_portal(conn: &Connection, portal_id: i64) -> Result<Option<Entry>, OtpError> {
    Ok(list(conn)?
        .into_iter()
        .filter(|e| e.portal_id == Some(portal_id))
        .min_by_key(|e| e.id))
}

/// Removes an entry and its seed.
pub fn remove(conn: &Connection, keychain: &dyn Keychain, id: i64) -> Result<(), OtpError> {
    if conn.execute("DELETE FROM otp_entry WHERE id = ?1", [id])? == 0 {
        return Err(OtpError::NotFound(id.to_string()));
    }
    keychain.delete(&ItemKey::otp_seed(id))?;
    Ok(())
}

/// Every entry with its seed, for a backup.
pub fn with_seeds(conn: &Connection, keychain: &dyn Keychain) -> Result<Vec<NewEntry>, OtpError> {
    list(conn)?
        .into_iter()
        .map(|e| {
            Ok(NewEntry {
                seed: seed_of(keychain, &e)?,
                name: e.name,
                issuer: e.issuer,
                algorithm: e.algorithm,
                digits: e.digits,
                kind: e.kind,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
