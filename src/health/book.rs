//! The health checks kept per portal: 30 days of them, the latest first, and the rule that a
//! portal is asked at most once in [`MIN_INTERVAL_SECS`].

use rusqlite::{OptionalExtension, params};

use super::{Checkup, HealthState};
use crate::store::{Store, StoreError};

/// The schema step for `desk::SCHEMA`.
pub const MIGRATION: &str = "CREATE TABLE portal_health (
    id INTEGER PRIMARY KEY,
    portal_id INTEGER NOT NULL REFERENCES portal (id) ON DELETE CASCADE,
    checked_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    checkup TEXT NOT NULL
) STRICT;
CREATE INDEX portal_health_portal ON portal_health (portal_id, checked_at);";

/// How long checks are kept.
pub const KEEP_SECS: i64 = 30 * 86_400;
/// A portal is asked at most once in this long.
pub const MIN_INTERVAL_SECS: i64 = 5 * 60;
/// How often every portal is checked while Keydesk runs.
pub const EVERY_SECS: u64 = 15 * 60;

/// The health checks of one desk, over its database.
#[derive(Debug)]
pub struct HealthBook<'s> {
    store: &'s mut Store,
}

impl<'s> HealthBook<'s> {
    /// The book in `store`.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    /// Keeps a check of `portal_id`, and forgets those past [`KEEP_SECS`]. A portal removed
    /// meanwhile is left alone.
    pub fn keep(&mut self, portal_id: i64, checkup: &Checkup) -> Result<(), StoreError> {
        let json = serde_json::to_string(checkup)
            .map_err(|_| StoreError::Damaged("portal_health".into()))?;
        let conn = self.store.conn();
        conn.execute(
            "INSERT INTO portal_health (portal_id, checked_at, state, checkup)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM portal WHERE id = ?1)",
            params![portal_id, checkup.checked_at, checkup.state.code(), json],
        )?;
        conn.execute(
            "DELETE FROM portal_health WHERE checked_at < ?1",
            [checkup.checked_at - KEEP_SECS],
        )?;
        Ok(())
    }

    /// The latest check of `portal_id`.
    pub fn latest(&mut self, portal_id: i64) -> Result<Option<Checkup>, StoreError> {
        let json: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT checkup FROM portal_health WHERE portal_id = ?1
                 ORDER BY checked_at DESC, id DESC LIMIT 1",
                [portal_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// The latest check of `portal_id` if it is recent enough to stand for a new one at `now`.
    pub fn fresh(&mut self, portal_id: i64, now: i64) -> Result<Option<Checkup>, StoreError> {
        Ok(self
            .latest(portal_id)?
            .filter(|c| now - c.checked_at < MIN_INTERVAL_SECS && c.checked_at <= now))
    }

    /// The states of the checks of `portal_id` since `since`, oldest first (for a history line).
    pub fn states_since(
        &mut self,
        portal_id: i64,
        since: i64,
    ) -> Result<Vec<(i64, HealthState)>, StoreError> {
        let conn = self.store.conn();
        let mut stmt = conn.prepare(
            "SELECT checked_at, state FROM portal_health WHERE portal_id = ?1 AND checked_at >= ?2
             ORDER BY checked_at, id",
        )?;
        let rows = stmt.query_map(params![portal_id, since], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, state) = row?;
            if let Some(state) = HealthState::from_code(&state) {
                out.push((at, state));
            }
        }
        Ok(out)
    }
}
