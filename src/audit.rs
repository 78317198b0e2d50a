//! The audit log: who did what with which portal, when, at which desk; never a secret or a code.
//!
//! Records are appended to the `audit` table and chained: each carries the SHA-256 of its own
//! canonical text and of the record before it, so a record edited, deleted or moved in the
//! database breaks the chain at that record, and [`verify`] names its sequence number. The
//! chain's head (sequence number and hash of the newest record) is kept apart from the table,
//! in the `setting` row `audit_anchor`, so deleting the newest records, or all of them, is found
//! too. Records older than the retention (six years unless the office's policy says otherwise)
//! are pruned from the oldest end; the anchor remembers the last pruned record's hash, so the
//! chain still verifies from there.
//!
//! What it cannot detect: someone who can write the database and recomputes every hash after
//! their change, anchor included (the hash has no key). Against that, each record also goes to
//! the system log ([`system_log`]: journald on Linux, the Windows Event Log, the macOS unified
//! log), which the office's log collection keeps away from the desk.

pub mod system_log;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{Store, StoreError};

/// The audit table.
pub const MIGRATION: &str = "CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        desk TEXT NOT NULL,
        person TEXT NOT NULL,
        action TEXT NOT NULL,
        portal TEXT,
        detail TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
     ) STRICT;";

const ANCHOR: &str = "audit_anchor";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A portal's password was shown.
    PasswordShown,
    /// A portal's password (or username) was copied.
    PasswordCopied,
    /// A recovery code was shown or copied.
    RecoveryCodeUsed,
    /// A one-time code was copied (mailbox or authenticator).
    CodeCopied,
    /// A one-time code was filled into a portal by a sign-in.
    CodeFilled,
    /// A one-click sign-in started.
    SignInStarted,
    /// A sign-in ended (its outcome in the detail).
    SignInEnded,
    /// A portal was added.
    PortalAdded,
    /// A portal's settings or password changed.
    PortalChanged,
    /// A portal was removed.
    PortalRemoved,
    /// A file with credentials or the portal list was written.
    ExportWritten,
    /// An encrypted authenticator backup was written.
    BackupWritten,
    /// A portal's remembered device was forgotten.
    DeviceForgotten,
    /// The desk locked (the detail says why).
    Locked,
    /// The desk was unlocked.
    Unlocked,
    /// A wrong PIN (or a PIN tried while waiting).
    UnlockFailed,
    /// A person was added.
    PersonAdded,
    /// A person was removed.
    PersonRemoved,
    /// A person's PIN was changed.
    PinChanged,
    /// The office's policy was applied at start.
    PolicyApplied,
    /// A desk setting changed.
    SettingChanged,
}

impl Action {
    /// Its wire name.
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// What a use-case records: everything but the sequence number and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// UNIX seconds.
    pub at: i64,
    /// The desk (host name and profile).
    pub desk: String,
    /// Who: the person signed in, or "desk" on a desk without people.
    pub person: String,
    /// What.
    pub action: Action,
    /// Which portal, by name.
    pub portal: Option<String>,
    /// More, in words; never a secret.
    pub detail: String,
}

/// One record of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Record {
    /// Its place in the chain, from 1.
    pub seq: i64,
    /// UNIX seconds.
    pub at: i64,
    /// The desk.
    pub desk: String,
    /// Who.
    pub person: String,
    /// What (wire name of [`Action`]).
    pub action: String,
    /// Which portal.
    pub portal: Option<String>,
    /// More, in words.
    pub detail: String,
    /// The hash of the record before.
    pub prev: String,
    /// This record's hash.
    pub hash: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Anchor {
    head_seq: i64,
    head_hash: String,
    base_seq: i64,
    base_hash: String,
}

impl Anchor {
    fn fresh() -> Self {
        Self {
            head_seq: 0,
            head_hash: GENESIS.into(),
            base_seq: 0,
            base_hash: GENESIS.into(),
        }
    }
}

impl Record {
    /// SHA-256 over the previous hash and the record's canonical JSON (every field but the
    /// hashes, in a fixed order).
    fn computed_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.desk,
            self.person,
            self.action,
            self.portal,
            self.detail
        ])
        .to_string();
        let mut h = Sha256::new();
        h.update(self.prev.as_bytes());
        h.update(b"\n");
        h.update(canonical.as_bytes());
        data_encoding::HEXLOWER.encode(&h.finalize())
    }
}

fn anchor(store: &Store) -> Result<Option<Anchor>, StoreError> {
    store.setting(ANCHOR)
}

/// Appends `entry` in one transaction with the anchor; returns the record written.
pub fn append(store: &mut Store, entry: &Entry) -> Result<Record, StoreError> {
    let start = anchor(store)?.unwrap_or_else(Anchor::fresh);
    let mut record = Record {
        seq: start.head_seq + 1,
        at: entry.at,
        desk: entry.desk.clone(),
        person: entry.person.clone(),
        action: entry.action.as_str(),
        portal: entry.portal.clone(),
        detail: entry.detail.clone(),
        prev: start.head_hash.clone(),
        hash: String::new(),
    };
    record.hash = record.computed_hash();
    let anchor = Anchor {
        head_seq: record.seq,
        head_hash: record.hash.clone(),
        ..start
    };
    let text = serde_json::to_string(&anchor).map_err(|_| StoreError::Damaged(ANCHOR.into()))?;
    let tx = store.conn().transaction()?;
    tx.execute(
        "INSERT INTO audit (seq, at, desk, person, action, portal, detail, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            record.seq,
            record.at,
            record.desk,
            record.person,
            record.action,
            record.portal,
            record.detail,
            record.prev,
            record.hash
        ],
    )?;
    tx.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![ANCHOR, text],
    )?;
    tx.commit()?;
    Ok(record)
}

/// Which records to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct Filter {
    /// Only this person's.
    pub person: Option<String>,
    /// Only this action (wire name).
    pub action: Option<String>,
    /// Only records about this portal.
    pub portal: Option<String>,
    /// From this time on (UNIX seconds).
    pub since: Option<i64>,
    /// Up to this time (UNIX seconds).
    pub until: Option<i64>,
}

/// The records, oldest first, that pass `filter`.
pub fn list(store: &mut Store, filter: &Filter) -> Result<Vec<Record>, StoreError> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT seq, at, desk, person, action, portal, detail, prev, hash FROM audit
         WHERE (?1 IS NULL OR person = ?1) AND (?2 IS NULL OR action = ?2)
           AND (?3 IS NULL OR portal = ?3) AND (?4 IS NULL OR at >= ?4)
           AND (?5 IS NULL OR at <= ?5)
         ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(
            params![
                filter.person,
                filter.action,
                filter.portal,
                filter.since,
                filter.until
            ],
            row_record,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn row_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        seq: r.get(0)?,
        at: r.get(1)?,
        desk: r.get(2)?,
        person: r.get(3)?,
        action: r.get(4)?,
        portal: r.get(5)?,
        detail: r.get(6)?,
        prev: r.get(7)?,
        hash: r.get(8)?,
    })
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Every record is as written.
    Intact {
        /// How many records were checked.
        records: i64,
    },
    /// The first record that was changed, removed or moved.
    Broken {
        /// Its sequence number.
        seq: i64,
        /// What is wrong, in words.
        why: String,
    },
}

/// Checks the chain from the oldest kept record to the anchor's head.
pub fn verify(store: &mut Store) -> Result<Verdict, StoreError> {
    let records = list(store, &Filter::default())?;
    let Some(anchor) = anchor(store)? else {
        return Ok(match records.first() {
            None => Verdict::Intact { records: 0 },
            Some(first) => Verdict::Broken {
                seq: first.seq,
                why: "the log's anchor was removed".into(),
            },
        });
    };
    let mut expect_seq = anchor.base_seq + 1;
    let mut prev = anchor.base_hash.clone();
    for record in &records {
        if record.seq != expect_seq {
            return Ok(Verdict::Broken {
                seq: expect_seq.min(record.seq),
                why: if record.seq > expect_seq {
                    format!("record {expect_seq} is missing")
                } else {
                    format!("record {} is out of place", record.seq)
                },
            });
        }
        if record.prev != prev || record.computed_hash() != record.hash {
            return Ok(Verdict::Broken {
                seq: record.seq,
                why: format!("record {} was changed or moved", record.seq),
            });
        }
        prev = record.hash.clone();
        expect_seq += 1;
    }
    if expect_seq - 1 != anchor.head_seq || prev != anchor.head_hash {
        return Ok(Verdict::Broken {
            seq: expect_seq,
            why: format!(
                "the log ends at record {} but record {} was written",
                expect_seq - 1,
                anchor.head_seq
            ),
        });
    }
    Ok(Verdict::Intact {
        records: records.len() as i64,
    })
}

/// Removes records older than `before` (UNIX seconds) from the oldest end; the anchor keeps
/// the last removed record's hash so the rest still verifies. How many were removed.
pub fn prune(store: &mut Store, before: i64) -> Result<usize, StoreError> {
    let Some(mut anchor) = anchor(store)? else {
        return Ok(0);
    };
    let last: Option<(i64, String)> = store
        .conn()
        .query_row(
            "SELECT seq, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit WHERE at < ?1)",
            [before],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((seq, hash)) = last else {
        return Ok(0);
    };
    anchor.base_seq = seq;
    anchor.base_hash = hash;
    let text = serde_json::to_string(&anchor).map_err(|_| StoreError::Damaged(ANCHOR.into()))?;
    let tx = store.conn().transaction()?;
    let removed = tx.execute("DELETE FROM audit WHERE seq <= ?1", [seq])?;
    tx.execute(
        "UPDATE setting SET value = ?2 WHERE key = ?1",
        params![ANCHOR, text],
    )?;
    tx.commit()?;
    Ok(removed)
}

/// The records as CSV, with a header line.
pub fn to_csv(records: &[Record]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        w.serialize(r).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// The records as JSON lines.
pub fn to_jsonl(records: &[Record]) -> String {
    records
        .iter()
        .filter_map(|r| serde_json::to_string(r).ok())
        .map(|line| line + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(n: i64) -> Store {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        for i in 0..n {
            append(
                &mut store,
                &Entry {
                    at: 1_000 + i,
                    desk: "desk-1".into(),
                    person: "Maria".into(),
                    action: Action::PasswordCopied,
                    portal: Some("Cigna".into()),
                    detail: format!("copy {i}"),
                },
            )
            .unwrap();
        }
        store
    }

    fn broken_at(store: &mut Store) -> Option<i64> {
        match verify(store).unwrap() {
            Verdict::Intact { .. } => None,
            Verdict::Broken { seq, .. } => Some(seq),
        }
    }

    #[test]
    fn an_untouched_log_verifies() {
        let mut store = store_with(5);
        assert_eq!(verify(&mut store).unwrap(), Verdict::Intact { records: 5 });
        let empty = &mut Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        assert_eq!(verify(empty).unwrap(), Verdict::Intact { records: 0 });
    }

    #[test]
    fn an_edited_record_is_named() {
        let mut store = store_with(5);
        store
            .conn()
            .execute("UPDATE audit SET person = 'Ana' WHERE seq = 3", [])
            .unwrap();
        assert_eq!(broken_at(&mut store), Some(3));
    }

    #[test]
    fn a_deleted_record_is_named_in_the_middle_and_at_the_end() {
        let mut store = store_with(5);
        store
            .conn()
            .execute("DELETE FROM audit WHERE seq = 2", [])
            .unwrap();
        assert_eq!(broken_at(&mut store), Some(2));
        let mut store = store_with(5);
        store
            .conn()
            .execute("DELETE FROM audit WHERE seq = 5", [])
            .unwrap();
        assert_eq!(
            broken_at(&mut store),
            Some(5),
            "the anchor remembers the head"
        );
        let mut store = store_with(5);
        store.conn().execute("DELETE FROM audit", []).unwrap();
        assert_eq!(broken_at(&mut store), Some(1), "truncation");
    }

    #[test]
    fn swapped_records_are_named_at_the_first() {
        let mut store = store_with(5);
        let conn = store.conn();
        conn.execute("UPDATE audit SET seq = -2 WHERE seq = 2", [])
            .unwrap();
        conn.execute("UPDATE audit SET seq = 2 WHERE seq = 4", [])
            .unwrap();
        conn.execute("UPDATE audit SET seq = 4 WHERE seq = -2", [])
            .unwrap();
        assert_eq!(broken_at(&mut store), Some(2));
    }

    #[test]
    fn pruning_keeps_the_rest_verifiable() {
        let mut store = store_with(5);
        assert_eq!(prune(&mut store, 1_002).unwrap(), 2);
        assert_eq!(verify(&mut store).unwrap(), Verdict::Intact { records: 3 });
        store
            .conn()
            .execute("DELETE FROM audit WHERE seq = 3", [])
            .unwrap();
        assert_eq!(
            broken_at(&mut store),
            Some(3),
            "the oldest kept one is checked too"
        );
    }

    #[test]
    fn exports_hold_every_field() {
        let mut store = store_with(2);
        let records = list(&mut store, &Filter::default()).unwrap();
        let csv = to_csv(&records).unwrap();
        assert!(
            csv.starts_with("seq,at,desk,person,action,portal,detail,prev,hash\n"),
            "{csv}"
        );
        assert_eq!(csv.lines().count(), 3);
        assert_eq!(to_jsonl(&records).lines().count(), 2);
        let only = list(
            &mut store,
            &Filter {
                since: Some(1_001),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(only.len(), 1);
    }
}
