//! The sign-in history per portal: each attempt's start, end, outcome, failure class, the
//! portal's exact alert text, the step it reached and the time it took, and the fix steps tried
//! after it with what each found. Never a secret or a code: the machine keeps neither in what it
//! reports, and the alert text is the portal's own words.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::FailureClass;
use crate::signin::{SignIn, State};
use crate::store::{Store, StoreError};

/// The schema step for `desk::SCHEMA`: the attempts, newest kept ([`KEEP_PER_PORTAL`]).
pub const MIGRATION: &str = "CREATE TABLE signin_history (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portal (id) ON DELETE CASCADE,
    started_ms INTEGER NOT NULL,
    ended_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    failure_code TEXT,
    class TEXT,
    alert_text TEXT,
    step TEXT NOT NULL,
    tried TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX signin_history_portal ON signin_history (portal_id, started_ms);";

/// The schema step that keeps where an attempt was handed outside the portal's own addresses
/// (its organization's identity host, say), so a fix's health check can look at that host too.
pub const HANDED_TO_MIGRATION: &str = "ALTER TABLE signin_history ADD COLUMN handed_to TEXT;";

/// How many attempts are kept per portal.
pub const KEEP_PER_PORTAL: i64 = 200;

/// A fix step tried after a failed attempt, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Tried {
    /// The action's code ([`super::FixAction::code`]).
    pub action: String,
    /// When (UNIX milliseconds).
    pub at_ms: i64,
    /// What it found, in plain words.
    pub found: String,
}

/// One sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Attempt {
    /// Its id.
    pub id: i64,
    /// The portal.
    pub portal_id: i64,
    /// Started (UNIX milliseconds).
    pub started_ms: i64,
    /// Ended (UNIX milliseconds).
    pub ended_ms: i64,
    /// How long it took.
    pub duration_ms: i64,
    /// `signed_in` or `failed`.
    pub outcome: String,
    /// The failure's stable code ([`crate::signin::Failure::code`]).
    pub failure_code: Option<String>,
    /// Its class.
    pub class: Option<FailureClass>,
    /// The portal's alert text, exactly as shown.
    pub alert_text: Option<String>,
    /// The step it reached.
    pub step: String,
    /// The fix steps tried after it.
    pub tried: Vec<Tried>,
    /// Where the portal handed the sign-in outside its own addresses (without the query), if
    /// it did: the organization's identity host, say.
    pub handed_to: Option<String>,
}

/// The history of one desk, over its database.
#[derive(Debug)]
pub struct History<'s> {
    store: &'s mut Store,
}

impl<'s> History<'s> {
    /// The history in `store`.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    /// Records a sign-in that has ended, with its `class` when it failed; its id. A sign-in
    /// still running, or one whose portal was removed meanwhile, is not recorded (`None`).
    pub fn record(
        &mut self,
        sign_in: &SignIn,
        class: Option<FailureClass>,
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let (outcome, failure_code) = match sign_in.state() {
            State::SignedIn { .. } => ("signed_in", None),
            State::Failed { failure } => ("failed", Some(failure.code())),
            _ => return Ok(None),
        };
        let portal_id = sign_in.portal().id;
        let ended = sign_in.ended_ms().unwrap_or(now_ms);
        let conn = self.store.conn();
        let n = conn.execute(
            "INSERT INTO signin_history
                (portal_id, started_ms, ended_ms, outcome, failure_code, class, alert_text, step,
                 handed_to)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
             WHERE EXISTS (SELECT 1 FROM portal WHERE id = ?1)",
            params![
                portal_id,
                sign_in.started_ms(),
                ended,
                outcome,
                failure_code,
                class.map(FailureClass::code),
                sign_in.alert_text(),
                sign_in.step_reached(),
                sign_in.outside_url(),
            ],
        )?;
        if n == 0 {
            return Ok(None);
        }
        let id = conn.last_insert_rowid();
        conn.execute(
            "DELETE FROM signin_history WHERE portal_id = ?1 AND id NOT IN
               (SELECT id FROM signin_history WHERE portal_id = ?1 ORDER BY id DESC LIMIT ?2)",
            params![portal_id, KEEP_PER_PORTAL],
        )?;
        Ok(Some(id))
    }

    /// Sets an attempt's class (once the health check has explained it).
    pub fn set_class(&mut self, id: i64, class: FailureClass) -> Result<(), StoreError> {
        self.store.conn().execute(
            "UPDATE signin_history SET class = ?2 WHERE id = ?1",
            params![id, class.code()],
        )?;
        Ok(())
    }

    /// Notes a fix step tried after attempt `id` and what it found.
    pub fn note_tried(&mut self, id: i64, tried: Tried) -> Result<(), StoreError> {
        let Some(mut attempt) = self.get(id)? else {
            return Ok(());
        };
        attempt.tried.push(tried);
        let json = serde_json::to_string(&attempt.tried).unwrap_or_else(|_| "[]".into());
        self.store.conn().execute(
            "UPDATE signin_history SET tried = ?2 WHERE id = ?1",
            params![id, json],
        )?;
        Ok(())
    }

    /// One attempt.
    pub fn get(&mut self, id: i64) -> Result<Option<Attempt>, StoreError> {
        Ok(self
            .store
            .conn()
            .query_row(&format!("{SELECT} WHERE id = ?1"), [id], attempt)
            .optional()?)
    }

    /// The portal's attempts, newest first, at most `limit`.
    pub fn of_portal(&mut self, portal_id: i64, limit: i64) -> Result<Vec<Attempt>, StoreError> {
        let conn = self.store.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE portal_id = ?1 ORDER BY started_ms DESC, id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![portal_id, limit], attempt)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The portal's latest attempt, if it failed.
    pub fn last_failed(&mut self, portal_id: i64) -> Result<Option<Attempt>, StoreError> {
        Ok(self
            .of_portal(portal_id, 1)?
            .into_iter()
            .next()
            .filter(|a| a.outcome == "failed"))
    }
}

const SELECT: &str = "SELECT id, portal_id, started_ms, ended_ms, outcome, failure_code, class,
    alert_text, step, tried, handed_to FROM signin_history";

fn attempt(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attempt> {
    let started_ms: i64 = r.get(2)?;
    let ended_ms: i64 = r.get(3)?;
    let class: Option<String> = r.get(6)?;
    let tried: String = r.get(9)?;
    Ok(Attempt {
        id: r.get(0)?,
        portal_id: r.get(1)?,
        started_ms,
        ended_ms,
        duration_ms: ended_ms - started_ms,
        outcome: r.get(4)?,
        failure_code: r.get(5)?,
        class: class.as_deref().and_then(FailureClass::from_code),
        alert_text: r.get(7)?,
        step: r.get(8)?,
        tried: serde_json::from_str(&tried).unwrap_or_default(),
        handed_to: r.get(10)?,
    })
}
