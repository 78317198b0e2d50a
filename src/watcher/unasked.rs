//! What the server says without being asked, between IDLEs.
//!
//! async-imap hands every untagged response that does not answer the running command — an
//! `* N EXISTS` for mail that landed during the sync's own SEARCH or FETCH, or one sent just
//! before IDLE's "+ idling" — to the session's `unsolicited_responses` channel, and an IDLE wait
//! wakes only on what comes after "+ idling". Unread, that news would wait for the next IDLE
//! renewal (minutes), long enough for a one-time code to expire. So the watch reads the channel
//! after each sync and again once IDLE has started, and resyncs at once when it held news.

use async_imap::imap_proto::{AttributeValue, MailboxDatum, Response};
use async_imap::types::UnsolicitedResponse;

/// What the watch knows of the selected folder from the server's untagged responses.
#[derive(Debug)]
pub(super) struct Unasked {
    /// The message count last reported (SELECT, EXISTS), less the expunges since.
    exists: u32,
}

impl Unasked {
    /// Starts from the message count SELECT reported.
    pub(super) fn new(exists: u32) -> Self {
        Self { exists }
    }

    /// Takes everything queued (`next` returns `None` once empty, without waiting); true when
    /// any of it means the folder must be synced again: a changed message count (new mail) or
    /// a message's new flags (a mark stored by another desk).
    pub(super) fn take(&mut self, mut next: impl FnMut() -> Option<UnsolicitedResponse>) -> bool {
        let mut news = false;
        while let Some(response) = next() {
            news |= match response {
                UnsolicitedResponse::Exists(n) => self.exists(n),
                UnsolicitedResponse::Expunge(_) => {
                    // UIDs are never reused: nothing to fetch, only the count to keep.
                    self.exists = self.exists.saturating_sub(1);
                    false
                }
                UnsolicitedResponse::Other(data) => self.note(data.parsed()),
                // RECENT always comes with its EXISTS; STATUS is about other folders.
                _ => false,
            };
        }
        news
    }

    /// Notes a response IDLE woke on (so its count is not news again later); true when it is
    /// news by the same rule as [`Unasked::take`].
    pub(super) fn note(&mut self, response: &Response<'_>) -> bool {
        match response {
            Response::MailboxData(MailboxDatum::Exists(n)) => self.exists(*n),
            Response::Expunge(_) => {
                self.exists = self.exists.saturating_sub(1);
                false
            }
            Response::Fetch(_, attributes) => attributes
                .iter()
                .any(|a| matches!(a, AttributeValue::Flags(_))),
            _ => false,
        }
    }

    /// A reported message count; news when it differs from the one known (a server that repeats
    /// an unchanged count never makes the watch sync in a loop).
    fn exists(&mut self, n: u32) -> bool {
        let changed = n != self.exists;
        self.exists = n;
        changed
    }
}
