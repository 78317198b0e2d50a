//! The running inbox's one consumer of its folder watches: every watch event becomes a change
//! of the pending codes or the connection states, and an [`InboxEvent`] for the owner.
//!
//! Messages are read off the async runtime ([`tokio::task::spawn_blocking`]), up to
//! [`READ_AHEAD`] at once, and their results applied in the order the watches sent them: a
//! slow message never holds up a folder watch's IMAP session, and a first sync's "done" still
//! follows every message of it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use tokio::sync::mpsc;

use super::{InboxEvent, InboxRules, Reading};
use crate::extract::CodeShape;
use crate::mailbox::MailboxStatus;
use crate::pending::{MessageKey, Origin, PendingCodes, UsedWhere};
use crate::watcher::{Fetched, WatchEvent};

/// What the feed updates.
pub(super) struct Feed {
    pub(super) pending: Arc<Mutex<PendingCodes>>,
    pub(super) connections: Arc<Mutex<BTreeMap<String, MailboxStatus>>>,
    pub(super) rules: InboxRules,
    /// `user@host:port`, for the connection state.
    pub(super) account: String,
    /// Code shapes learned from the portals' verified codes since the feed started, read with
    /// the next messages; the owner keeps them for later runs.
    pub(super) learned: Mutex<Vec<(i64, CodeShape)>>,
}

/// Messages read at once, off the runtime.
const READ_AHEAD: usize = 4;

/// A watch event ready to apply: a message comes with its reading.
enum Ready {
    Event(WatchEvent),
    Read(Fetched, Reading),
}

/// Reads a message on the blocking pool; returns it (without its bytes, which are dropped
/// there) with its reading and how many bytes were read.
async fn read_off_runtime(
    mut fetched: Fetched,
    rules: Arc<InboxRules>,
    learned: Vec<(i64, CodeShape)>,
) -> (Ready, usize) {
    let raw = std::mem::take(&mut fetched.raw);
    let read_bytes = raw.len();
    let meta = fetched.clone();
    let reading = tokio::task::spawn_blocking(move || {
        fetched.raw = raw;
        if learned.is_empty() {
            super::read(&fetched, &rules)
        } else {
            super::read(&fetched, &rules.with_learned(&learned))
        }
    })
    .await
    .unwrap_or(Reading::Unreadable(
        crate::message::MessageError::Unreadable,
    ));
    (Ready::Read(meta, reading), read_bytes)
}

impl Feed {
    /// Runs until every watch has stopped or the owner stops listening.
    pub(super) async fn run(
        self,
        watch_events: mpsc::Receiver<WatchEvent>,
        events: mpsc::Sender<InboxEvent>,
    ) {
        let rules = Arc::new(self.rules.clone());
        let ready = futures::stream::unfold(watch_events, |mut rx| async move {
            rx.recv().await.map(|event| (event, rx))
        })
        .map(|event| {
            let rules = rules.clone();
            let learned = super::lock(&self.learned).clone();
            async move {
                match event {
                    WatchEvent::Message(fetched) => read_off_runtime(fetched, rules, learned).await,
                    other => (Ready::Event(other), 0),
                }
            }
        })
        .buffered(READ_AHEAD);
        let mut ready = std::pin::pin!(ready);
        // Folders whose first sync is done: codes after that are announced.
        let mut synced = BTreeSet::new();
        while let Some((item, read_bytes)) = ready.next().await {
            let event = match item {
                Ready::Event(event) => event,
                Ready::Read(fetched, reading) => {
                    let live = synced.contains(&fetched.folder);
                    if let Some(out) = self.message(fetched, reading, read_bytes, live)
                        && events.send(out).await.is_err()
                    {
                        break;
                    }
                    continue;
                }
            };
            let out = match event {
                WatchEvent::Connected { folder, .. } => {
                    let status = MailboxStatus::Connected {
                        account: self.account.clone(),
                        folders: vec![folder.clone()],
                    };
                    self.set_connection(&folder, &status);
                    Some(InboxEvent::Connection { folder, status })
                }
                WatchEvent::Failed {
                    folder,
                    error,
                    retry_in,
                } => {
                    let said = error.to_string();
                    let stop = if said.ends_with('.') { " " } else { ". " };
                    let status = MailboxStatus::Error {
                        code: error.code(),
                        message: format!(
                            "{said}{stop}Keydesk tries again in {}.",
                            in_words(retry_in)
                        ),
                    };
                    self.set_connection(&folder, &status);
                    Some(InboxEvent::Connection { folder, status })
                }
                WatchEvent::Synced { folder, .. } => {
                    synced.insert(folder.clone());
                    Some(InboxEvent::Synced { folder })
                }
                WatchEvent::Used {
                    folder,
                    uid_validity,
                    uid,
                } => {
                    let key = MessageKey {
                        folder,
                        uid_validity,
                        uid,
                    };
                    let newly =
                        super::lock(&self.pending).mark_used_at(&key, UsedWhere::AnotherDesk);
                    newly.then_some(InboxEvent::Used { key })
                }
                // Read above, off the runtime.
                WatchEvent::Message(_) => None,
            };
            if let Some(out) = out
                && events.send(out).await.is_err()
            {
                break;
            }
        }
    }

    fn set_connection(&self, folder: &str, status: &MailboxStatus) {
        super::lock(&self.connections).insert(folder.to_owned(), status.clone());
    }

    /// A read message to a pending code; `live` when the folder's first sync is done.
    fn message(
        &self,
        fetched: Fetched,
        reading: Reading,
        read_bytes: usize,
        live: bool,
    ) -> Option<InboxEvent> {
        let key = MessageKey {
            folder: fetched.folder.clone(),
            uid_validity: fetched.uid_validity,
            uid: fetched.uid,
        };
        if fetched.truncated {
            // Never the content: where it is and how much was read.
            tracing::info!(folder = %key.folder, uid = key.uid, read_bytes, "a large message was read only in part");
        }
        match reading {
            Reading::Code(code) => {
                let from = match &code.origin {
                    Origin::Portal { name, .. } | Origin::Unverified { name, .. } => name.clone(),
                    Origin::Unmatched { sender } => sender.clone(),
                };
                let expires_at = code.expires_at;
                if let Origin::Portal { portal_id, .. } = code.origin
                    && let Some(shape) = CodeShape::of(code.code.expose())
                {
                    let mut learned = super::lock(&self.learned);
                    if !learned.contains(&(portal_id, shape)) {
                        learned.push((portal_id, shape));
                    }
                }
                // Only a portal's code with the server's own delivery time tells its clock.
                let clock_sample = (live
                    && fetched.delivered_at > 0
                    && matches!(code.origin, Origin::Portal { .. }))
                .then_some(fetched.delivered_at);
                let mut pending = super::lock(&self.pending);
                if !pending.insert(code) {
                    return None;
                }
                if let Some(delivered_at) = clock_sample {
                    pending.note_live_delivery(delivered_at, crate::watcher::unix_now());
                }
                if fetched.used {
                    pending.mark_used_at(&key, UsedWhere::Unknown);
                }
                Some(InboxEvent::NewCode {
                    key,
                    from,
                    expires_at,
                    announce: live && !fetched.used,
                })
            }
            Reading::NoCode => None,
            Reading::Unreadable(e) => {
                tracing::warn!(folder = %key.folder, uid = key.uid, reason = %e, "skipped a message");
                Some(InboxEvent::Skipped {
                    key,
                    reason: e.to_string(),
                })
            }
        }
    }
}

/// "30 seconds", "5 minutes", "1 hour": when the next attempt is, for the status line.
fn in_words(delay: std::time::Duration) -> String {
    let secs = delay.as_secs();
    match secs {
        0..=1 => "a second".into(),
        2..=119 => format!("{secs} seconds"),
        120..=7199 => format!("{} minutes", secs / 60),
        _ => format!("{} hours", secs / 3600),
    }
}

#[cfg(test)]
mod tests;
