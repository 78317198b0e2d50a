//! The code inbox: turns a fetched message into a pending code, matched to its portal.
//!
//! A message names a portal by its From address (one of the portal's senders), or, for a text
//! forwarded to the mailbox by a forwarder the office configured, by the portal's name in the
//! text. It is that portal's verified code ([`Origin::Portal`]) only when the office's own
//! receiving server verified its From domain ([`trust`]): DMARC pass, or an aligned DKIM pass.
//! Anything else that names a portal is [`Origin::Unverified`]: shown and marked, never filled
//! by a sign-in, never superseding a verified code. A sender no portal lists gives
//! [`Origin::Unmatched`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::extract;
use crate::mailbox::{MailboxSettings, MailboxStatus};
use crate::message;
use crate::pending::{Channel, CodeRoom, MessageKey, Origin, PendingCode};
use crate::pending::{PendingCodeView, PendingCodes};
use crate::secret::Secret;
use crate::watcher::Fetched;
use crate::watcher::{FolderCommand, FolderWatch, RetryTimings, WatchEvent};

mod connection;
mod feed;
mod runner;
pub mod trust;

pub use self::connection::InboxConnection;
pub(crate) use self::runner::{InboxRunner, Prepared};

/// The lifetime assumed when neither the message nor the portal says.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// No code is believed to live longer than this, whatever a message claims.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A portal as the inbox sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSender {
    /// The portal's id.
    pub portal_id: i64,
    /// Its name, also looked for in forwarded texts.
    pub name: String,
    /// Sender addresses its codes come from: `no-reply@portal.example`, or `@portal.example` for
    /// any address of that domain (see [`crate::portal::sender_matches`]).
    pub addresses: Vec<String>,
    /// Its code lifetime, when known.
    pub code_lifetime: Option<Duration>,
    /// The shapes its codes take, from its preset and learned from its verified codes
    /// ([`crate::portal::code_shapes`]); empty when none is known.
    pub code_shapes: Vec<extract::CodeShape>,
}

impl PortalSender {
    /// The inbox's view of a stored portal; `learned`: the desk's learned code shapes.
    pub fn from_portal(
        portal: &crate::portal::Portal,
        learned: &[(i64, extract::CodeShape)],
    ) -> Self {
        Self {
            code_shapes: crate::portal::code_shapes::expected(portal, learned),
            portal_id: portal.id,
            name: portal.fields.name.clone(),
            addresses: portal.fields.code_senders.clone(),
            code_lifetime: portal
                .fields
                .code_lifetime_secs
                .map(|s| Duration::from_secs(s.into())),
        }
    }
}

/// What the inbox needs to know to read messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxRules {
    /// The office's portals.
    pub portals: Vec<PortalSender>,
    /// Addresses that forward the office phone's texts into the mailbox.
    pub sms_forwarders: Vec<String>,
    /// The authserv-id of the office's receiving server: only its `Authentication-Results`
    /// count ([`trust`]). `None`: the server checks nothing, and no code is verified.
    pub authserv_id: Option<String>,
}

impl InboxRules {
    /// These rules with code shapes learned since they were made (`(portal id, shape)`).
    pub fn with_learned(&self, learned: &[(i64, extract::CodeShape)]) -> Self {
        let mut rules = self.clone();
        for portal in &mut rules.portals {
            for (_, shape) in learned.iter().filter(|(id, _)| *id == portal.portal_id) {
                if !portal.code_shapes.contains(shape) {
                    portal.code_shapes.push(*shape);
                }
            }
        }
        rules
    }
}

/// What a message turned out to be.
#[derive(Debug)]
pub enum Reading {
    /// It carries a code.
    Code(PendingCode),
    /// It carries no code (a newsletter, a claim notice…).
    NoCode,
    /// It could not be read; the reason is safe to log (it never quotes the message).
    Unreadable(message::MessageError),
}

/// Reads one fetched message. A message that makes the parser or the extractor panic (a bug,
/// such as the one the fuzz targets found) is skipped like an unreadable one, so one bad
/// message never stops the watch.
pub fn read(fetched: &Fetched, rules: &InboxRules) -> Reading {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_unguarded(fetched, rules)
    }))
    .unwrap_or(Reading::Unreadable(message::MessageError::Unreadable))
}

fn read_unguarded(fetched: &Fetched, rules: &InboxRules) -> Reading {
    let parsed = match message::parse(&fetched.raw) {
        Ok(parsed) => parsed,
        Err(e) => return Reading::Unreadable(e),
    };
    let sender = parsed
        .from
        .as_deref()
        .or(parsed.return_path.as_deref())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_text = rules
        .sms_forwarders
        .iter()
        .any(|f| f.eq_ignore_ascii_case(&sender));
    let named = if is_text {
        portal_named_in(&rules.portals, &parsed.subject, &parsed.text)
    } else {
        rules.portals.iter().find(|p| {
            p.addresses
                .iter()
                .any(|a| crate::portal::sender_matches(a, &sender))
        })
    };
    // Verified only for the From: domain (a forwarded text's: the forwarder's), never the
    // Return-Path's, which the person never sees.
    let from_domain = parsed.from.as_deref().and_then(trust::domain_of);
    let (origin, portal) = match named {
        Some(p) => match trust::check(
            &parsed.authentication_results,
            rules.authserv_id.as_deref(),
            from_domain.as_deref(),
        ) {
            Ok(()) => (
                Origin::Portal {
                    portal_id: p.portal_id,
                    name: p.name.clone(),
                },
                Some(p),
            ),
            Err(reason) => (
                Origin::Unverified {
                    portal_id: p.portal_id,
                    name: p.name.clone(),
                    sender: sender.clone(),
                    reason,
                    // Only where no check was possible may the person vouch for it.
                    confirmable: !trust::checks_senders(rules.authserv_id.as_deref()),
                },
                None,
            ),
        },
        None => (
            Origin::Unmatched {
                sender: sender.clone(),
            },
            None,
        ),
    };
    // A verified message of a portal holds a code of that portal's shape, where one is known.
    let expected = portal.map_or(&[][..], |p| &p.code_shapes[..]);
    let Some(found) = extract::extract_expecting(&parsed.subject, &parsed.text, expected) else {
        return Reading::NoCode;
    };
    let lifetime = found
        .lifetime
        .or_else(|| portal.and_then(|p| p.code_lifetime))
        .unwrap_or(DEFAULT_LIFETIME)
        .min(MAX_LIFETIME);
    let delivered_at = if fetched.delivered_at > 0 {
        fetched.delivered_at
    } else {
        parsed.date.unwrap_or(0)
    };
    Reading::Code(PendingCode {
        key: MessageKey {
            folder: fetched.folder.clone(),
            uid_validity: fetched.uid_validity,
            uid: fetched.uid,
        },
        code: found.code,
        origin,
        channel: if is_text {
            Channel::Sms
        } else {
            Channel::Email
        },
        delivered_at,
        expires_at: delivered_at + lifetime.as_secs() as i64,
    })
}

/// What the running inbox tells its owner. Events carry no code: the owner asks
/// [`Inbox::view`] (or [`Inbox::code`]) when it has a window that shows codes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InboxEvent {
    /// A folder's connection changed state.
    Connection {
        /// The folder.
        folder: String,
        /// Its state.
        status: MailboxStatus,
    },
    /// A new code arrived.
    NewCode {
        /// Where it is.
        key: MessageKey,
        /// The portal's name, or the sender for an unmatched code.
        from: String,
        /// When it expires, UNIX seconds.
        expires_at: i64,
        /// True when the desk should be told (a notification): the code arrived while the
        /// inbox watched, or during an outage, and nobody has used it. Codes that a first sync
        /// brings back after a start are shown, not announced.
        announce: bool,
    },
    /// A code was used at another desk (its message got the used keyword).
    Used {
        /// Where it is.
        key: MessageKey,
    },
    /// A folder's first sync is done: every code already in it is pending.
    Synced {
        /// The folder.
        folder: String,
    },
    /// The inbox was started again from the saved settings, or could not start (see
    /// [`InboxConnection`]).
    Restarted,
    /// A message could not be read and was skipped.
    Skipped {
        /// Where it is.
        key: MessageKey,
        /// Why, in plain words (never quoting the message).
        reason: String,
    },
}

/// The running inbox: one watch per folder feeding the pending codes.
#[derive(Debug)]
pub struct Inbox {
    pending: Arc<Mutex<PendingCodes>>,
    connections: Arc<Mutex<BTreeMap<String, MailboxStatus>>>,
    /// Each folder watch's command channel, to share used marks.
    commands: BTreeMap<String, mpsc::UnboundedSender<FolderCommand>>,
    /// `user@host:port` and the watched folders, for [`Inbox::connection`].
    account: String,
    folders: Vec<String>,
    stop: watch::Sender<bool>,
    /// The folder watches and the feed, waited for by [`Inbox::shutdown`].
    tasks: Vec<JoinHandle<()>>,
}

impl Inbox {
    /// Starts watching every folder of `settings`. Must be called inside a Tokio runtime. The
    /// first sync of each folder looks back over the longest code lifetime, so codes still valid
    /// after a restart come back.
    pub fn start(
        settings: &MailboxSettings,
        password: &Secret,
        rules: InboxRules,
        events: mpsc::Sender<InboxEvent>,
    ) -> Self {
        Self::start_with(settings, password, rules, events, RetryTimings::default())
    }

    /// [`Inbox::start`] with other reconnect timings (tests that restart their server).
    pub fn start_with(
        settings: &MailboxSettings,
        password: &Secret,
        rules: InboxRules,
        events: mpsc::Sender<InboxEvent>,
        retry: RetryTimings,
    ) -> Self {
        let pending = Arc::new(Mutex::new(PendingCodes::default()));
        let connections = Arc::new(Mutex::new(BTreeMap::new()));
        let (stop, stop_rx) = watch::channel(false);
        let lookback = rules
            .portals
            .iter()
            .filter_map(|p| p.code_lifetime)
            .chain([DEFAULT_LIFETIME, Duration::from_secs(3600)])
            .max()
            .unwrap_or(DEFAULT_LIFETIME)
            .min(MAX_LIFETIME);
        let (watch_tx, watch_rx) = mpsc::channel::<WatchEvent>(256);
        let mut commands = BTreeMap::new();
        let mut tasks = Vec::new();
        for folder in &settings.folders {
            let mut watch =
                FolderWatch::new(settings.clone(), password.clone(), folder.clone(), lookback);
            watch.retry = retry;
            let (command_tx, command_rx) = mpsc::unbounded_channel();
            commands.insert(folder.clone(), command_tx);
            tasks.push(tokio::spawn(watch.run_with(
                watch_tx.clone(),
                Some(command_rx),
                stop_rx.clone(),
                rand::random::<f64>,
            )));
        }
        drop(watch_tx);
        let account = format!("{}@{}:{}", settings.username, settings.host, settings.port);
        let feed = feed::Feed {
            pending: pending.clone(),
            connections: connections.clone(),
            rules,
            account: account.clone(),
            learned: Default::default(),
        };
        tasks.push(tokio::spawn(feed.run(watch_rx, events)));
        Self {
            pending,
            connections,
            commands,
            account,
            folders: settings.folders.clone(),
            stop,
            tasks,
        }
    }

    /// The codes to show at `now`, newest first; long-expired ones are dropped first.
    pub fn view(&self, now: i64) -> Vec<PendingCodeView> {
        let mut pending = lock(&self.pending);
        pending.prune(now);
        pending.view(now)
    }

    /// One code, for the clipboard or a portal page of a matching origin.
    pub fn code(&self, key: &MessageKey) -> Option<PendingCode> {
        lock(&self.pending).get(key).cloned()
    }

    /// The messages of a portal's codes known now (see [`PendingCodes::keys_of_portal`]).
    pub fn keys_of_portal(&self, portal_id: i64) -> Vec<MessageKey> {
        lock(&self.pending).keys_of_portal(portal_id)
    }

    /// The code a sign-in may offer for one click of confirmation (see
    /// [`PendingCodes::to_confirm_for_sign_in`]).
    pub fn code_to_confirm_for_sign_in(
        &self,
        portal_id: i64,
        channel: Channel,
        since: i64,
        known_before: &[MessageKey],
        now: i64,
        room: CodeRoom,
    ) -> Option<PendingCode> {
        lock(&self.pending)
            .to_confirm_for_sign_in(portal_id, channel, since, known_before, now, room)
            .cloned()
    }

    /// The code a sign-in may fill (see [`PendingCodes::for_sign_in`]).
    pub fn code_for_sign_in(
        &self,
        portal_id: i64,
        channel: Channel,
        since: i64,
        known_before: &[MessageKey],
        now: i64,
        room: CodeRoom,
    ) -> Option<PendingCode> {
        lock(&self.pending)
            .for_sign_in(portal_id, channel, since, known_before, now, room)
            .cloned()
    }

    /// Marks a code used at this desk and stores the used keyword on its message, so every
    /// other desk watching the mailbox shows it used too. False when the code is unknown or was
    /// used already.
    pub fn mark_used(&self, key: &MessageKey) -> bool {
        let newly = lock(&self.pending).mark_used(key);
        if newly && let Some(commands) = self.commands.get(&key.folder) {
            let mark = FolderCommand::MarkUsed {
                uid_validity: key.uid_validity,
                uid: key.uid,
            };
            // The watch ends only when the inbox stops; then nobody needs the mark.
            let _ = commands.send(mark);
        }
        newly
    }

    /// Each folder's connection state.
    pub fn connections(&self) -> BTreeMap<String, MailboxStatus> {
        lock(&self.connections).clone()
    }

    /// The connection state of all folders together, with the last error in plain words.
    pub fn connection(&self) -> InboxConnection {
        connection::summarize(&self.account, &self.folders, &lock(&self.connections))
    }

    /// Stops every watch (also done on drop).
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops every watch and waits until each has signed out of the server, or `within` has
    /// passed (then the rest are aborted). True when all ended in time.
    pub async fn shutdown(mut self, within: std::time::Duration) -> bool {
        self.stop();
        let tasks = std::mem::take(&mut self.tasks);
        let aborts: Vec<_> = tasks.iter().map(JoinHandle::abort_handle).collect();
        let ended = tokio::time::timeout(within, futures::future::join_all(tasks))
            .await
            .is_ok();
        if !ended {
            aborts.iter().for_each(tokio::task::AbortHandle::abort);
        }
        ended
    }
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A lock that survives a panic elsewhere: the inbox's state is plain data, still usable, and
/// one bad message must not stop the watch.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The portal whose name a forwarded text mentions (the longest name wins: "Availity Essentials"
/// over "Availity").
fn portal_named_in<'p>(
    portals: &'p [PortalSender],
    subject: &str,
    text: &str,
) -> Option<&'p PortalSender> {
    let haystack = format!("{subject}\n{text}").to_lowercase();
    portals
        .iter()
        .filter(|p| !p.name.trim().is_empty() && haystack.contains(&p.name.trim().to_lowercase()))
        .max_by_key(|p| p.name.len())
}

#[cfg(test)]
mod tests;
