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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// [`EntryCodes`] as the authenticator view shows them. Building it is where the codes leave the
/// core, so it is built only for the window that displays them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Every entry with its current and next code at `now` (Unix seconds).
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
                });
            };
            let key = seed_of(keychain, &entry)?.key();
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
                entry,
            })
        })
        .collect()
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
mod tests {
    use super::*;
    use crate::keychain::{KeychainError, MemoryKeychain};
    use crate::otp::uri;
    use crate::store::Store;

    fn ids() -> impl FnMut() -> i64 {
        let mut next = 100;
        move || {
            next += 1;
            next
        }
    }

    fn entry(text: &str) -> NewEntry {
        uri::parse(text).unwrap()
    }

    #[test]
    fn add_list_code_and_skip_duplicates() {
        let mut store = Store::open_in_memory().unwrap();
        let keychain = MemoryKeychain::default();
        let a =
            entry("otpauth://totp/Availity:desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8");
        let report = add(
            store.conn(),
            &keychain,
            vec![a.clone()],
            vec![],
            &mut ids(),
            0,
        )
        .unwrap();
        assert_eq!(report.taken, ["Availity (desk)"]);
        let report = add(store.conn(), &keychain, vec![a], vec![], &mut ids(), 0).unwrap();
        assert!(
            report.taken.is_empty(),
            "a duplicate must not be added twice"
        );
        assert_eq!(report.skipped.len(), 1);

        let found = find(store.conn(), "availity").unwrap();
        // RFC 6238 SHA-1 seed: T=59 gives 94287082; the next period 37359152 (counter 2: 359152 in RFC 4226).
        let view = codes(store.conn(), &keychain, 59).unwrap();
        assert_eq!(view[0].current.as_ref().unwrap().expose(), "94287082");
        assert_eq!(view[0].seconds_left, Some(1));
        assert_eq!(view[0].next.as_ref().unwrap().expose(), "37359152");
        assert_eq!(
            use_code(store.conn(), &keychain, found.id, 59)
                .unwrap()
                .expose(),
            "94287082"
        );
    }

    #[test]
    fn hotp_counter_moves_on_with_each_use() {
        let mut store = Store::open_in_memory().unwrap();
        let keychain = MemoryKeychain::default();
        let e = entry("otpauth://hotp/desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0");
        add(store.conn(), &keychain, vec![e], vec![], &mut ids(), 0).unwrap();
        let id = find(store.conn(), "desk").unwrap().id;
        let got: Vec<String> = (0..3)
            .map(|_| {
                use_code(store.conn(), &keychain, id, 0)
                    .unwrap()
                    .expose()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            got,
            ["755224", "287082", "359152"],
            "RFC 4226 counters 0, 1, 2"
        );
        assert_eq!(
            find(store.conn(), "desk").unwrap().kind,
            Kind::Hotp { counter: 3 }
        );
    }

    /// A keychain that fails on its second write, to prove the import is all or nothing.
    struct FailingSecondWrite(MemoryKeychain, std::sync::atomic::AtomicUsize);
    impl Keychain for FailingSecondWrite {
        fn get(&self, key: &ItemKey) -> Result<Option<Secret>, KeychainError> {
            self.0.get(key)
        }
        fn set(&self, key: &ItemKey, value: &Secret) -> Result<(), KeychainError> {
            if self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                return Err(KeychainError::Locked("test".into()));
            }
            self.0.set(key, value)
        }
        fn delete(&self, key: &ItemKey) -> Result<(), KeychainError> {
            self.0.delete(key)
        }
    }

    #[test]
    fn keychain_failure_leaves_nothing_behind() {
        let mut store = Store::open_in_memory().unwrap();
        let keychain = FailingSecondWrite(MemoryKeychain::default(), Default::default());
        let two = vec![
            entry("otpauth://totp/A:a?secret=KDSECRETAAAAAAAA"),
            entry("otpauth://totp/B:b?secret=KDSECRETBBBBBBBB"),
        ];
        let err = add(store.conn(), &keychain, two, vec![], &mut ids(), 0).unwrap_err();
        assert_eq!(err.code(), "keychain_locked");
        assert!(list(store.conn()).unwrap().is_empty(), "no row may remain");
        assert!(
            keychain.0.get(&ItemKey::otp_seed(101)).unwrap().is_none(),
            "first seed must be rolled back"
        );
    }

    #[test]
    fn remove_deletes_row_and_seed_and_portal_link_is_kept() {
        let mut store = Store::open_in_memory().unwrap();
        let keychain = MemoryKeychain::default();
        add(
            store.conn(),
            &keychain,
            vec![entry("otpauth://totp/A:a?secret=KDSECRETAAAAAAAA")],
            vec![],
            &mut ids(),
            0,
        )
        .unwrap();
        set_portal(store.conn(), 101, Some(7)).unwrap();
        assert_eq!(find(store.conn(), "101").unwrap().portal_id, Some(7));
        assert_eq!(
            for_portal(store.conn(), 7).unwrap().map(|e| e.id),
            Some(101)
        );
        assert!(for_portal(store.conn(), 8).unwrap().is_none());
        remove(store.conn(), &keychain, 101).unwrap();
        assert!(keychain.get(&ItemKey::otp_seed(101)).unwrap().is_none());
        assert_eq!(find(store.conn(), "a").unwrap_err().code(), "otp_not_found");
    }
}
