//! A folder's resync: what arrived since the cursor, or recent mail on a first or renumbered
//! sync, handed out in UID order with the cursor advanced message by message — so a connection
//! that breaks halfway resumes where it broke, and nothing is handed out twice.

use std::time::Duration;

use futures::TryStreamExt;
use tokio::sync::mpsc;

use super::{
    Cursor, FETCH_BATCH, Fetched, FolderWatch, Halt, MAX_MESSAGE_BYTES, State, WatchEvent, marks,
    protocol, query, send,
};
use crate::mailbox::Session;

impl FolderWatch {
    /// Fetches what arrived since the cursor (or recent mail on a first or renumbered sync, as
    /// of `now`, UNIX seconds); returns how many messages were handed out.
    pub(super) async fn sync(
        &self,
        session: &mut Session,
        uid_validity: u32,
        within: bool,
        state: &mut State,
        events: &mpsc::Sender<WatchEvent>,
        now: i64,
    ) -> Result<usize, Halt> {
        let resuming = state.cursor.filter(|c| c.uid_validity == uid_validity);
        let mut uids: Vec<u32> = match resuming {
            Some(c) => {
                let last = c.last_uid;
                // "n:*" always matches the newest message even when its UID is below n.
                let found = session
                    .uid_search(format!("UID {}:*", last + 1))
                    .await
                    .map_err(protocol)?;
                found.into_iter().filter(|&uid| uid > last).collect()
            }
            None => {
                let query = query::recent_query(self.lookback, within, now);
                session
                    .uid_search(query)
                    .await
                    .map_err(protocol)?
                    .into_iter()
                    .collect()
            }
        };
        uids.sort_unstable();
        let oldest = oldest_handed_out(self.lookback, within, resuming.is_some(), now);
        let mut last_uid = resuming.map_or(0, |c| c.last_uid);
        let mut handed_out = 0;
        for batch in uids.chunks(FETCH_BATCH) {
            let set = marks::uid_set(batch.iter().copied()).unwrap_or_default();
            let query =
                format!("(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)");
            let fetched: Vec<_> = session
                .uid_fetch(&set, &query)
                .await
                .map_err(protocol)?
                .try_collect()
                .await
                .map_err(protocol)?;
            let mut messages: Vec<Fetched> = fetched
                .iter()
                .filter_map(|f| {
                    let uid = f.uid?;
                    // An unsolicited FETCH (another message's new flags) carries no body.
                    let raw = f.body()?.to_vec();
                    Some(Fetched {
                        folder: self.folder.clone(),
                        uid_validity,
                        uid,
                        delivered_at: f.internal_date().map(|d| d.timestamp()).unwrap_or(0),
                        truncated: f.size.is_some_and(|size| size as usize > raw.len()),
                        used: marks::has_used_keyword(f.flags()),
                        raw,
                    })
                })
                .filter(|m| batch.contains(&m.uid))
                .collect();
            messages.sort_by_key(|m| m.uid);
            messages.dedup_by_key(|m| m.uid);
            for message in messages {
                let uid = message.uid;
                if message.delivered_at >= oldest {
                    state
                        .tracked
                        .record(uid, message.delivered_at, message.used);
                    send(events, WatchEvent::Message(message)).await?;
                    handed_out += 1;
                }
                last_uid = last_uid.max(uid);
                state.cursor = Some(Cursor {
                    uid_validity,
                    last_uid,
                });
            }
        }
        if state.cursor.is_none_or(|c| c.uid_validity != uid_validity) {
            state.cursor = Some(Cursor {
                uid_validity,
                last_uid,
            });
        }
        Ok(handed_out)
    }
}

/// The oldest delivery time (UNIX seconds) a sync at `now` hands out. SINCE matches whole days,
/// so a first sync without WITHIN hands out only what is within the lookback; with WITHIN the
/// server's own clock decides, which is what the lookback means, and a resync hands out
/// everything after the cursor, however old (it arrived during an outage).
pub(super) fn oldest_handed_out(lookback: Duration, within: bool, resuming: bool, now: i64) -> i64 {
    if resuming || within {
        i64::MIN
    } else {
        now - lookback.as_secs() as i64
    }
}
