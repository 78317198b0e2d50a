//! The IMAP keyword that tells every desk a code was used, and what one folder watch knows of
//! it: which recent messages carry it, and which marks this desk still has to store.
//!
//! The server is the shared state between desks (DESIGN.md: no server of our own). A desk that
//! copies or fills a code stores [`USED_KEYWORD`] on its message; every other desk watching the
//! folder learns of it when its IDLE wakes (Dovecot pushes flag changes to idling sessions) and
//! re-reads the flags of the recent messages it handed out. Only recent messages are tracked —
//! a code older than the longest lifetime has expired anyway — so the re-read stays one short
//! command however large the folder is.

use std::collections::BTreeMap;
use std::time::Duration;

use async_imap::types::Flag;
use futures::TryStreamExt;
use tokio::sync::mpsc;

use super::{Halt, State, WatchEvent, protocol, send};
use crate::mailbox::{MailboxError, Session};

/// The keyword set on a code's message once the code was copied or used, at any desk.
pub const USED_KEYWORD: &str = "$KeydeskUsed";

/// Most messages whose flags are re-read on each wake; the newest are kept.
const MAX_TRACKED: usize = 1000;

/// How long past the lookback a message stays tracked: the server stamps delivery by its own
/// clock, which may run behind the desk's.
const TRACKED_MARGIN: Duration = Duration::from_secs(3600);

/// The oldest delivery time (UNIX seconds) whose message is still tracked at `now`.
pub(super) fn tracked_since(lookback: Duration, now: i64) -> i64 {
    now - (lookback + TRACKED_MARGIN).as_secs() as i64
}

/// True when the flags include [`USED_KEYWORD`] (keywords are case-insensitive).
pub(super) fn has_used_keyword<'a>(flags: impl IntoIterator<Item = Flag<'a>>) -> bool {
    flags
        .into_iter()
        .any(|f| matches!(f, Flag::Custom(k) if k.eq_ignore_ascii_case(USED_KEYWORD)))
}

/// True when the folder's PERMANENTFLAGS let a client store the keyword: it is listed, or
/// `\*` (new keywords may be created) is.
pub(super) fn keyword_allowed(permanent_flags: &[Flag<'_>]) -> bool {
    permanent_flags.iter().any(|f| match f {
        Flag::MayCreate => true,
        Flag::Custom(k) => k.eq_ignore_ascii_case(USED_KEYWORD),
        _ => false,
    })
}

/// The recent messages of one folder and whether each carries the keyword.
#[derive(Debug, Default)]
pub(super) struct Tracked {
    uid_validity: u32,
    /// UID → (delivery time, keyword seen).
    messages: BTreeMap<u32, (i64, bool)>,
}

impl Tracked {
    /// Forgets everything when the folder was renumbered.
    pub(super) fn check_validity(&mut self, uid_validity: u32) {
        if self.uid_validity != uid_validity {
            self.uid_validity = uid_validity;
            self.messages.clear();
        }
    }

    /// A message handed out, with the keyword state it had then.
    pub(super) fn record(&mut self, uid: u32, delivered_at: i64, used: bool) {
        self.messages.insert(uid, (delivered_at, used));
        while self.messages.len() > MAX_TRACKED {
            self.messages.pop_first();
        }
    }

    /// Notes a fresh flags reading; true when the keyword is new on a tracked message (so it was
    /// set elsewhere: this desk's own marks are noted with [`Tracked::set_used`] first).
    pub(super) fn observe(&mut self, uid: u32, used: bool) -> bool {
        match self.messages.get_mut(&uid) {
            Some((_, seen)) if used && !*seen => {
                *seen = true;
                true
            }
            _ => false,
        }
    }

    /// Notes that this desk stored the keyword itself.
    pub(super) fn set_used(&mut self, uid: u32) {
        if let Some((_, seen)) = self.messages.get_mut(&uid) {
            *seen = true;
        }
    }

    /// Drops messages delivered before `oldest` (their codes have expired).
    pub(super) fn prune(&mut self, oldest: i64) {
        self.messages.retain(|_, (at, _)| *at >= oldest);
    }

    /// The tracked messages not yet seen with the keyword, as an IMAP UID set.
    pub(super) fn unmarked_set(&self) -> Option<String> {
        uid_set(
            self.messages
                .iter()
                .filter(|(_, (_, used))| !used)
                .map(|(uid, _)| *uid),
        )
    }
}

/// UIDs (ascending) as a compact IMAP set: `3:5,9`.
pub(super) fn uid_set(uids: impl IntoIterator<Item = u32>) -> Option<String> {
    let mut out = String::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |out: &mut String, (a, b): (u32, u32)| {
        if !out.is_empty() {
            out.push(',');
        }
        if a == b {
            out.push_str(&a.to_string());
        } else {
            out.push_str(&format!("{a}:{b}"));
        }
    };
    for uid in uids {
        run = match run {
            Some((a, b)) if uid == b + 1 => Some((a, uid)),
            Some(r) => {
                flush(&mut out, r);
                Some((uid, uid))
            }
            None => Some((uid, uid)),
        };
    }
    if let Some(r) = run {
        flush(&mut out, r);
    }
    (!out.is_empty()).then_some(out)
}

/// Storing this desk's marks and noticing other desks' ones, on a folder watch's session.
impl super::FolderWatch {
    /// Stores the keyword on the messages this desk marked used.
    pub(super) async fn store_marks(
        &self,
        session: &mut Session,
        uid_validity: u32,
        allowed: bool,
        state: &mut State,
    ) -> Result<(), MailboxError> {
        let before = state.to_mark.len();
        state.to_mark.retain(|(v, _)| *v == uid_validity);
        if state.to_mark.len() < before {
            tracing::warn!(folder = %self.folder, "the folder was renumbered; some used marks could not be shared");
        }
        if state.to_mark.is_empty() {
            return Ok(());
        }
        if !allowed {
            if !state.warned_no_keywords {
                state.warned_no_keywords = true;
                tracing::warn!(folder = %self.folder, "the server does not allow keywords here; other desks will not see codes used");
            }
            state.to_mark.clear();
            return Ok(());
        }
        let uids: Vec<u32> = state.to_mark.iter().map(|(_, uid)| *uid).collect();
        let set = uid_set(uids.iter().copied()).unwrap_or_default();
        let stored = session
            .uid_store(&set, format!("+FLAGS.SILENT ({USED_KEYWORD})"))
            .await;
        let result = match stored {
            Ok(stream) => stream.try_collect::<Vec<_>>().await.map(|_| ()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {}
            // The server refused (a read-only folder…): retrying will not help.
            Err(async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)) => {
                tracing::warn!(folder = %self.folder, "the server refused to store the used mark");
            }
            Err(e) => return Err(protocol(e)),
        }
        for uid in uids {
            state.tracked.set_used(uid);
        }
        state.to_mark.clear();
        Ok(())
    }

    /// Re-reads the flags of the messages still recent at `now` (UNIX seconds) and reports
    /// those another desk marked used.
    pub(super) async fn refresh_flags(
        &self,
        session: &mut Session,
        uid_validity: u32,
        state: &mut State,
        events: &mpsc::Sender<WatchEvent>,
        now: i64,
    ) -> Result<(), Halt> {
        state.tracked.prune(tracked_since(self.lookback, now));
        let Some(set) = state.tracked.unmarked_set() else {
            return Ok(());
        };
        let fetched: Vec<_> = session
            .uid_fetch(&set, "(UID FLAGS)")
            .await
            .map_err(protocol)?
            .try_collect()
            .await
            .map_err(protocol)?;
        for f in &fetched {
            let Some(uid) = f.uid else { continue };
            if state.tracked.observe(uid, has_used_keyword(f.flags())) {
                let used = WatchEvent::Used {
                    folder: self.folder.clone(),
                    uid_validity,
                    uid,
                };
                send(events, used).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn uid_sets_are_compact_ranges() {
        assert_eq!(uid_set([]), None);
        assert_eq!(uid_set([7]).as_deref(), Some("7"));
        assert_eq!(
            uid_set([3, 4, 5, 9, 11, 12]).as_deref(),
            Some("3:5,9,11:12")
        );
    }

    #[test]
    fn the_keyword_is_found_whatever_its_case() {
        let flags = [Flag::Seen, Flag::Custom(Cow::Borrowed("$keydeskused"))];
        assert!(has_used_keyword(flags));
        assert!(!has_used_keyword([Flag::Seen, Flag::Flagged]));
    }

    #[test]
    fn storing_needs_the_keyword_or_backslash_star_in_permanentflags() {
        assert!(keyword_allowed(&[Flag::Seen, Flag::MayCreate]));
        assert!(keyword_allowed(&[Flag::Custom(Cow::Borrowed(
            USED_KEYWORD
        ))]));
        assert!(!keyword_allowed(&[Flag::Seen, Flag::Deleted]));
    }

    #[test]
    fn only_a_new_keyword_on_a_tracked_message_counts_as_used_elsewhere() {
        let mut tracked = Tracked::default();
        tracked.check_validity(1);
        tracked.record(10, 1000, false);
        tracked.record(11, 1000, true);
        tracked.record(12, 1000, false);
        tracked.set_used(12); // this desk's own mark
        assert!(!tracked.observe(11, true), "already used when fetched");
        assert!(!tracked.observe(12, true), "marked here");
        assert!(!tracked.observe(99, true), "not tracked");
        assert!(!tracked.observe(10, false));
        assert_eq!(tracked.unmarked_set().as_deref(), Some("10"));
        assert!(tracked.observe(10, true), "set at another desk");
        assert!(!tracked.observe(10, true), "reported once");
        assert_eq!(tracked.unmarked_set(), None);
    }

    #[test]
    fn old_messages_and_a_renumbered_folder_are_forgotten() {
        let mut tracked = Tracked::default();
        tracked.check_validity(1);
        tracked.record(1, 100, false);
        tracked.record(2, 200, false);
        tracked.prune(150);
        assert_eq!(tracked.unmarked_set().as_deref(), Some("2"));
        tracked.check_validity(2);
        assert_eq!(tracked.unmarked_set(), None);
    }
}
