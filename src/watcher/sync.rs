//! A folder's resync: what arrived since the cursor, or recent mail on a first or renumbered
//! sync, handed out with the cursor advanced as far as everything below it has been handed
//! out — so a connection that breaks halfway resumes where it broke, and nothing is handed
//! out twice.
//!
//! When several messages wait, their sizes are asked first and the small ones are fetched and
//! handed out before the large ones: code mail is short, so a run of large messages that
//! landed with a code (a newsletter, or mail sent to bury the code) is read after it, not
//! before. A single new message, the usual case, is fetched at once.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use tokio::sync::mpsc;

use super::{
    Cursor, FETCH_BATCH, Fetched, FolderWatch, Halt, MAX_MESSAGE_BYTES, State, WatchEvent, marks,
    protocol, query, send,
};
use crate::mailbox::Session;

/// Messages up to this size are fetched and handed out before larger ones that arrived with
/// them. Portals' code mail, HTML and all, stays well under it.
pub(super) const SMALL_MESSAGE_BYTES: u32 = 48 * 1024;

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
        uids.dedup();
        state.ahead.retain(|&(v, _)| v == uid_validity);
        let ahead: BTreeSet<u32> = state.ahead.iter().map(|&(_, uid)| uid).collect();
        let mut progress = Progress::new(&uids, &ahead, resuming.map_or(0, |c| c.last_uid));
        let to_fetch: Vec<u32> = uids
            .iter()
            .copied()
            .filter(|u| !ahead.contains(u))
            .collect();
        let groups = if to_fetch.len() > 1 {
            small_first(session, &to_fetch).await?
        } else {
            [to_fetch, Vec::new()]
        };
        let oldest = oldest_handed_out(self.lookback, within, resuming.is_some(), now);
        let mut handed_out = 0;
        for batch in groups.iter().flat_map(|group| group.chunks(FETCH_BATCH)) {
            let messages = self.fetch(session, uid_validity, batch).await?;
            let returned: Vec<u32> = messages.iter().map(|m| m.uid).collect();
            for message in messages {
                let uid = message.uid;
                if message.delivered_at >= oldest {
                    state
                        .tracked
                        .record(uid, message.delivered_at, message.used);
                    send(events, WatchEvent::Message(message)).await?;
                    handed_out += 1;
                }
                progress.done(uid, uid_validity, state);
            }
            for uid in passed_over(batch, &returned) {
                progress.done(uid, uid_validity, state);
            }
        }
        if state.cursor.is_none_or(|c| c.uid_validity != uid_validity) {
            state.cursor = Some(Cursor {
                uid_validity,
                last_uid: progress.last_uid,
            });
        }
        Ok(handed_out)
    }

    /// The messages of `batch` (sorted UIDs), each once, in UID order.
    async fn fetch(
        &self,
        session: &mut Session,
        uid_validity: u32,
        batch: &[u32],
    ) -> Result<Vec<Fetched>, Halt> {
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
            .filter(|m| batch.binary_search(&m.uid).is_ok())
            .collect();
        messages.sort_by_key(|m| m.uid);
        messages.dedup_by_key(|m| m.uid);
        Ok(messages)
    }
}

/// The UIDs of `batch` the server did not return that the cursor may pass: those below one it
/// returned are gone (expunged meanwhile); one above them all may only have been cut off (a
/// connection that ended mid-answer), so the next sync asks for it again.
fn passed_over<'a>(batch: &'a [u32], returned: &[u32]) -> impl Iterator<Item = u32> + 'a {
    let highest = returned.iter().copied().max().unwrap_or(0);
    batch.iter().copied().filter(move |&uid| uid < highest)
}

/// `uids` (sorted) split by their sizes: those up to [`SMALL_MESSAGE_BYTES`], then the rest
/// (and any whose size the server did not say), each in UID order.
async fn small_first(session: &mut Session, uids: &[u32]) -> Result<[Vec<u32>; 2], Halt> {
    let set = marks::uid_set(uids.iter().copied()).unwrap_or_default();
    let sized: Vec<_> = session
        .uid_fetch(&set, "(UID RFC822.SIZE)")
        .await
        .map_err(protocol)?
        .try_collect()
        .await
        .map_err(protocol)?;
    let small: BTreeSet<u32> = sized
        .iter()
        .filter(|f| f.size.is_some_and(|size| size <= SMALL_MESSAGE_BYTES))
        .filter_map(|f| f.uid)
        .collect();
    Ok(split_small_first(uids, &small))
}

/// `uids` (sorted) as the small ones, then the others, each in UID order.
fn split_small_first(uids: &[u32], small: &BTreeSet<u32>) -> [Vec<u32>; 2] {
    let (first, then) = uids.iter().partition(|uid| small.contains(uid));
    [first, then]
}

/// Which of a sync's UIDs are handed out, and so how far the cursor may go: up to the highest
/// UID below which everything is done. UIDs done above it are kept in `State::ahead`, so a
/// resync after a break does not hand them out again.
struct Progress {
    /// The sync's UIDs, sorted.
    uids: Vec<u32>,
    /// Those done so far.
    done: BTreeSet<u32>,
    /// How many of `uids` (from the lowest) are all done.
    next: usize,
    /// The cursor's UID.
    last_uid: u32,
}

impl Progress {
    fn new(uids: &[u32], ahead: &BTreeSet<u32>, last_uid: u32) -> Self {
        let mut progress = Self {
            uids: uids.to_vec(),
            done: BTreeSet::new(),
            next: 0,
            last_uid,
        };
        progress
            .done
            .extend(uids.iter().filter(|u| ahead.contains(u)));
        progress
    }

    /// Marks `uid` done (again is harmless) and moves the cursor in `state` as far as it may go.
    fn done(&mut self, uid: u32, uid_validity: u32, state: &mut State) {
        self.done.insert(uid);
        let before = self.next;
        while self.next < self.uids.len() && self.done.contains(&self.uids[self.next]) {
            self.last_uid = self.last_uid.max(self.uids[self.next]);
            self.next += 1;
        }
        if self.next > before || state.cursor.is_none_or(|c| c.uid_validity != uid_validity) {
            state.cursor = Some(Cursor {
                uid_validity,
                last_uid: self.last_uid,
            });
            state.ahead = state
                .ahead
                .split_off(&(uid_validity, self.last_uid.saturating_add(1)));
        }
        if uid > self.last_uid {
            state.ahead.insert((uid_validity, uid));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State::new(None)
    }

    #[test]
    fn uids_missing_from_an_answer_are_passed_over_only_below_one_it_returned() {
        // 5 expunged meanwhile; 8 and 9 cut off with the connection: asked again next time.
        let passed: Vec<u32> = passed_over(&[4, 5, 6, 7, 8, 9], &[4, 6, 7]).collect();
        assert_eq!(passed, [4, 5, 6]);
        assert_eq!(
            passed_over(&[4, 5], &[]).count(),
            0,
            "nothing returned: nothing passed"
        );
    }

    #[test]
    fn small_messages_come_first_each_group_in_uid_order() {
        let small = BTreeSet::from([4, 9]);
        let [first, then] = split_small_first(&[2, 4, 7, 9, 11], &small);
        assert_eq!(first, [4, 9]);
        assert_eq!(then, [2, 7, 11]);
    }

    #[test]
    fn the_cursor_moves_only_past_uids_below_which_everything_is_done() {
        let mut state = state();
        let mut progress = Progress::new(&[5, 6, 7, 8], &BTreeSet::new(), 4);
        // The small ones first: 6 and 8 are handed out, the cursor stays below 5.
        progress.done(6, 1, &mut state);
        progress.done(8, 1, &mut state);
        assert_eq!(state.cursor.map(|c| c.last_uid), Some(4));
        assert_eq!(state.ahead, BTreeSet::from([(1, 6), (1, 8)]));
        // 5 done: the cursor passes 5 and 6.
        progress.done(5, 1, &mut state);
        assert_eq!(state.cursor.map(|c| c.last_uid), Some(6));
        assert_eq!(state.ahead, BTreeSet::from([(1, 8)]));
        // Marking again changes nothing; 7 done takes the cursor to the end.
        progress.done(5, 1, &mut state);
        progress.done(7, 1, &mut state);
        assert_eq!(state.cursor.map(|c| c.last_uid), Some(8));
        assert!(state.ahead.is_empty());
    }

    #[test]
    fn after_a_break_the_uids_already_handed_out_count_as_done() {
        // A break after the small message 8 was handed out: the resync finds 5, 6, 7, 8 again
        // and is given 8 as already done, so finishing 5 to 7 takes the cursor to 8.
        let mut state = state();
        state.cursor = Some(Cursor {
            uid_validity: 1,
            last_uid: 4,
        });
        state.ahead.insert((1, 8));
        let ahead = BTreeSet::from([8]);
        let mut progress = Progress::new(&[5, 6, 7, 8], &ahead, 4);
        for uid in [5, 6, 7] {
            progress.done(uid, 1, &mut state);
        }
        assert_eq!(state.cursor.map(|c| c.last_uid), Some(8));
        assert!(state.ahead.is_empty());
    }
}
