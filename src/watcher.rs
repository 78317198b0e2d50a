//! The mailbox watcher: one task per watched folder that keeps a signed-in IMAP session, waits
//! for new mail with IDLE (renewed before the server's timeout) or by polling where IDLE is not
//! offered, and hands every new message to the caller exactly once.
//!
//! Exactly once, across reconnects: each folder keeps a [`Cursor`] (the server's UIDVALIDITY and
//! the highest UID handed out). After every reconnect the folder is resynced from that cursor, so
//! a message delivered during an outage still arrives, and none arrives twice. A changed
//! UIDVALIDITY means the server renumbered the folder; the watcher then resyncs recent mail as on
//! a first start (the pending-codes state dedups by message identity too).
//!
//! Bounded work: the first sync asks only for mail younger than the longest code lifetime
//! (`UID SEARCH YOUNGER`, or `SINCE` where the server lacks WITHIN), never the whole mailbox; each
//! message is fetched up to [`MAX_MESSAGE_BYTES`], so a 50 MB message costs at most that.
//!
//! Several desks, one mailbox: a [`FolderCommand::MarkUsed`] stores [`USED_KEYWORD`] on a
//! message. The command interrupts IDLE at once (DONE, STORE, IDLE again), so a mark never waits
//! behind a 25-minute IDLE. Marks set by other desks are noticed on every wake by re-reading the
//! flags of the recent messages this watch handed out, and reported as [`WatchEvent::Used`]; the
//! first sync reads the keyword too ([`Fetched::used`]), so a code used before a restart stays
//! used.
//!
//! Failures back off exponentially with jitter ([`Backoff`]); a refused password backs off for
//! minutes, so a wrong mailbox password never becomes a retry storm that locks the account.

mod backoff;
mod marks;
mod query;
mod sync;
mod unasked;

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, watch};

pub use self::backoff::{Backoff, RetryTimings};
use self::marks::Tracked;
pub use self::marks::USED_KEYWORD;
use self::unasked::Unasked;
use crate::mailbox::{self, MailboxError, MailboxSettings, Session};
use crate::secret::Secret;

/// The most of one message that is fetched; codes sit in the first few kilobytes.
pub const MAX_MESSAGE_BYTES: u32 = 1024 * 1024;
/// IDLE is reissued this often (servers drop it after 30 minutes; RFC 2177 says 29).
pub const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// Poll interval where the server offers no IDLE.
pub const POLL_INTERVAL: Duration = Duration::from_secs(20);
/// Messages fetched per UID FETCH command.
const FETCH_BATCH: usize = 200;

/// Where a watched folder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The folder's UIDVALIDITY when the UIDs below were seen.
    pub uid_validity: u32,
    /// The highest UID already handed out.
    pub last_uid: u32,
}

/// A message from a watched folder.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The folder it is in.
    pub folder: String,
    /// The folder's UIDVALIDITY.
    pub uid_validity: u32,
    /// Its UID.
    pub uid: u32,
    /// When the server received it (INTERNALDATE), UNIX seconds.
    pub delivered_at: i64,
    /// The message, or its first [`MAX_MESSAGE_BYTES`] bytes.
    pub raw: Vec<u8>,
    /// True when the message was longer than what was fetched.
    pub truncated: bool,
    /// True when it already carries [`USED_KEYWORD`] (its code was used, here or elsewhere).
    pub used: bool,
}

/// What a folder watch reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchEvent {
    /// Signed in and the folder is open; `idle` says whether new mail is pushed or polled.
    Connected {
        /// The folder.
        folder: String,
        /// Push (IDLE) or polling.
        idle: bool,
    },
    /// A new message.
    Message(Fetched),
    /// The connection's first sync is done: everything already in the folder (within the
    /// lookback) has been handed out.
    Synced {
        /// The folder.
        folder: String,
        /// How many messages that sync handed out.
        messages: usize,
    },
    /// A message handed out earlier now carries [`USED_KEYWORD`], stored by another desk.
    Used {
        /// The folder.
        folder: String,
        /// The folder's UIDVALIDITY.
        uid_validity: u32,
        /// The message's UID.
        uid: u32,
    },
    /// The connection failed; the watch retries after `retry_in`.
    Failed {
        /// The folder.
        folder: String,
        /// What went wrong, in plain words.
        error: MailboxError,
        /// When the next attempt is made.
        retry_in: Duration,
    },
}

/// What the owner of a folder watch can ask of it while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FolderCommand {
    /// Store [`USED_KEYWORD`] on a message, so every desk shows its code as used. Kept until
    /// the watch is connected; dropped if the folder was renumbered meanwhile.
    MarkUsed {
        /// The folder's UIDVALIDITY the UID belongs to.
        uid_validity: u32,
        /// The message's UID.
        uid: u32,
    },
}

/// One watched folder.
#[derive(Debug, Clone)]
pub struct FolderWatch {
    /// The mailbox.
    pub settings: MailboxSettings,
    /// The mailbox password (from the keychain).
    pub password: Secret,
    /// The folder to watch.
    pub folder: String,
    /// How far back the first sync looks (the longest code lifetime).
    pub lookback: Duration,
    /// Reissue IDLE this often.
    pub idle_renew: Duration,
    /// Poll this often without IDLE.
    pub poll_interval: Duration,
    /// Delays between reconnect attempts.
    pub retry: RetryTimings,
}

/// Why a connection's life ended.
enum Halt {
    /// It failed; retry after a delay.
    Failed(MailboxError),
    /// Shutdown was asked for, or nobody listens to the events any more.
    Stopped,
}

impl From<MailboxError> for Halt {
    fn from(error: MailboxError) -> Self {
        Self::Failed(error)
    }
}

/// What a watch keeps across reconnects.
struct State {
    cursor: Option<Cursor>,
    tracked: Tracked,
    /// Marks to store: (UIDVALIDITY, UID).
    to_mark: BTreeSet<(u32, u32)>,
    /// `None` once the owner dropped its command sender.
    commands: Option<mpsc::UnboundedReceiver<FolderCommand>>,
    /// Whether the missing-keyword-permission warning was logged already.
    warned_no_keywords: bool,
    /// Messages handed out above the cursor (small ones fetched before larger ones below
    /// them), as (UIDVALIDITY, UID): a resync after a break skips them.
    ahead: BTreeSet<(u32, u32)>,
}

impl State {
    fn new(commands: Option<mpsc::UnboundedReceiver<FolderCommand>>) -> Self {
        Self {
            cursor: None,
            tracked: Tracked::default(),
            to_mark: BTreeSet::new(),
            commands,
            warned_no_keywords: false,
            ahead: BTreeSet::new(),
        }
    }

    fn take_command(&mut self, command: FolderCommand) {
        match command {
            FolderCommand::MarkUsed { uid_validity, uid } => {
                self.to_mark.insert((uid_validity, uid));
            }
        }
    }

    /// Takes every command already queued, without waiting.
    fn drain_commands(&mut self) {
        while let Some(rx) = self.commands.as_mut() {
            match rx.try_recv() {
                Ok(command) => self.take_command(command),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => self.commands = None,
            }
        }
    }
}

/// The next command; never resolves once the sender is gone.
async fn next_command(
    commands: &mut Option<mpsc::UnboundedReceiver<FolderCommand>>,
) -> FolderCommand {
    if let Some(rx) = commands.as_mut() {
        if let Some(command) = rx.recv().await {
            return command;
        }
        *commands = None;
    }
    std::future::pending().await
}

/// Why a wait for new mail ended.
enum Woke {
    /// The server said something (new mail, a flag change) or the renewal time came.
    Server,
    /// The owner sent a command.
    Command,
    /// Shutdown was asked for.
    Shutdown,
}

impl FolderWatch {
    /// A watch with the default timings.
    pub fn new(
        settings: MailboxSettings,
        password: Secret,
        folder: String,
        lookback: Duration,
    ) -> Self {
        Self {
            settings,
            password,
            folder,
            lookback,
            idle_renew: IDLE_RENEW,
            poll_interval: POLL_INTERVAL,
            retry: RetryTimings::default(),
        }
    }

    /// Runs until `shutdown` turns true (or its sender is dropped), reconnecting as needed.
    /// `jitter` supplies values in `[0, 1)` for the backoff.
    pub async fn run(
        self,
        events: mpsc::Sender<WatchEvent>,
        shutdown: watch::Receiver<bool>,
        jitter: impl FnMut() -> f64 + Send,
    ) {
        self.run_with(events, None, shutdown, jitter).await;
    }

    /// [`FolderWatch::run`], also taking [`FolderCommand`]s while it runs.
    pub async fn run_with(
        self,
        events: mpsc::Sender<WatchEvent>,
        commands: Option<mpsc::UnboundedReceiver<FolderCommand>>,
        shutdown: watch::Receiver<bool>,
        jitter: impl FnMut() -> f64 + Send,
    ) {
        let mut state = State::new(commands);
        self.run_on(&mut state, events, shutdown, jitter).await;
    }

    /// [`FolderWatch::run_with`] on a state its caller keeps, so a test can see what the watch
    /// kept for its next connection.
    async fn run_on(
        &self,
        state: &mut State,
        events: mpsc::Sender<WatchEvent>,
        mut shutdown: watch::Receiver<bool>,
        mut jitter: impl FnMut() -> f64 + Send,
    ) {
        let mut backoff = Backoff::with_timings(self.retry);
        while !*shutdown.borrow() {
            let error = match self
                .session(state, &mut backoff, &events, &mut shutdown)
                .await
            {
                Ok(()) | Err(Halt::Stopped) => return,
                Err(Halt::Failed(error)) => error,
            };
            let retry_in = backoff.next(&error, jitter());
            tracing::warn!(folder = %self.folder, error = %error, retry_in = ?retry_in, "mailbox watch failed");
            let failed = WatchEvent::Failed {
                folder: self.folder.clone(),
                error,
                retry_in,
            };
            if events.send(failed).await.is_err() {
                return;
            }
            // Commands that come in while waiting are kept for the next connection.
            let sleep = tokio::time::sleep(retry_in);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    () = &mut sleep => break,
                    _ = shutdown.changed() => return,
                    command = next_command(&mut state.commands) => state.take_command(command),
                }
            }
        }
    }

    /// One connection's life: sign in, resync, then wait for mail until it fails or shutdown.
    async fn session(
        &self,
        state: &mut State,
        backoff: &mut Backoff,
        events: &mpsc::Sender<WatchEvent>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), Halt> {
        let began = std::time::Instant::now();
        let session = mailbox::sign_in(&self.settings, &self.password).await?;
        tracing::debug!(folder = %self.folder, took = ?began.elapsed(), "signed in");
        self.serve(session, began, state, backoff, events, shutdown)
            .await
    }

    /// A signed-in connection's life: open the folder, resync, then wait for mail until it
    /// fails or shutdown.
    async fn serve(
        &self,
        mut session: Session,
        began: std::time::Instant,
        state: &mut State,
        backoff: &mut Backoff,
        events: &mpsc::Sender<WatchEvent>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), Halt> {
        let capabilities = session.capabilities().await.map_err(protocol)?;
        let (idle, within) = (capabilities.has_str("IDLE"), capabilities.has_str("WITHIN"));
        let selected = match session.select(&self.folder).await {
            Ok(selected) => selected,
            Err(async_imap::error::Error::No(_)) => {
                return Err(MailboxError::NoSuchFolder(self.folder.clone()).into());
            }
            Err(e) => return Err(protocol(e).into()),
        };
        tracing::debug!(folder = %self.folder, took = ?began.elapsed(), "selected");
        let uid_validity = selected.uid_validity.unwrap_or(0);
        let mut unasked = Unasked::new(selected.exists);
        // A second handle on the session's queue of untagged responses nobody asked for, to
        // read it while IDLE holds the session.
        let queued = session.unsolicited_responses.clone();
        let marks_allowed = marks::keyword_allowed(&selected.permanent_flags);
        state.tracked.check_validity(uid_validity);
        backoff.reset();
        let connected = WatchEvent::Connected {
            folder: self.folder.clone(),
            idle,
        };
        send(events, connected).await?;
        let mut first = true;
        loop {
            // The wall clock is read once per wake, here; what runs below takes it as `now`.
            let now = unix_now();
            state.drain_commands();
            self.store_marks(&mut session, uid_validity, marks_allowed, state)
                .await?;
            // What came unasked so far is covered by the sync below; only the count is kept.
            unasked.take(|| queued.try_recv().ok());
            let handed_out = self
                .sync(&mut session, uid_validity, within, state, events, now)
                .await?;
            if first {
                tracing::debug!(folder = %self.folder, took = ?began.elapsed(), "fetched");
            }
            self.refresh_flags(&mut session, uid_validity, state, events, now)
                .await?;
            if first {
                first = false;
                tracing::info!(folder = %self.folder, messages = handed_out, took = ?began.elapsed(), "first sync done");
                let synced = WatchEvent::Synced {
                    folder: self.folder.clone(),
                    messages: handed_out,
                };
                send(events, synced).await?;
            }
            // New mail that landed during the sync's own commands was announced in their
            // answers, not to IDLE: sync again at once rather than after the IDLE renewal.
            if unasked.take(|| queued.try_recv().ok()) {
                tracing::debug!(folder = %self.folder, "news during the sync; syncing again");
                continue;
            }
            let (s, woke) = if idle {
                let mut queued = || queued.try_recv().ok();
                self.wait_idle(session.idle(), &mut unasked, &mut queued, state, shutdown)
                    .await?
            } else {
                let woke = tokio::select! {
                    () = tokio::time::sleep(self.poll_interval) => Woke::Server,
                    _ = shutdown.changed() => Woke::Shutdown,
                    command = next_command(&mut state.commands) => {
                        state.take_command(command);
                        Woke::Command
                    }
                };
                if !matches!(woke, Woke::Shutdown) {
                    session.noop().await.map_err(protocol)?;
                }
                (session, woke)
            };
            session = s;
            match woke {
                Woke::Server | Woke::Command => {}
                Woke::Shutdown => {
                    let _ = session.logout().await;
                    return Err(Halt::Stopped);
                }
            }
        }
    }

    /// Waits in IDLE for new data, a command, the renewal time or shutdown. News the server
    /// sent before its "+ idling" (which IDLE's wait never sees) ends the wait at once.
    async fn wait_idle(
        &self,
        mut handle: async_imap::extensions::idle::Handle<Box<dyn mailbox::ImapTransport>>,
        unasked: &mut Unasked,
        queued: &mut impl FnMut() -> Option<async_imap::types::UnsolicitedResponse>,
        state: &mut State,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(Session, Woke), MailboxError> {
        handle.init().await.map_err(protocol)?;
        let woke = if unasked.take(queued) {
            tracing::debug!(folder = %self.folder, "news before IDLE began; syncing again");
            Woke::Server
        } else {
            let (wait, _interrupt) = handle.wait_with_timeout(self.idle_renew);
            tokio::select! {
                result = wait => {
                    if let async_imap::extensions::idle::IdleResponse::NewData(data) =
                        result.map_err(protocol)?
                    {
                        unasked.note(data.parsed());
                    }
                    Woke::Server
                }
                () = tokio::time::sleep(self.idle_renew) => Woke::Server,
                _ = shutdown.changed() => Woke::Shutdown,
                command = next_command(&mut state.commands) => {
                    state.take_command(command);
                    Woke::Command
                }
            }
        };
        let session = handle.done().await.map_err(protocol)?;
        Ok((session, woke))
    }
}

async fn send(events: &mpsc::Sender<WatchEvent>, event: WatchEvent) -> Result<(), Halt> {
    events.send(event).await.map_err(|_| Halt::Stopped)
}

/// The wall clock, UNIX seconds. A watch reads it once per wake and passes it down as `now`.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn protocol(error: async_imap::error::Error) -> MailboxError {
    match error {
        async_imap::error::Error::Io(e) => {
            MailboxError::Protocol(format!("the connection broke ({e})"))
        }
        async_imap::error::Error::ConnectionLost => {
            MailboxError::Protocol("the connection was lost".into())
        }
        async_imap::error::Error::No(text) | async_imap::error::Error::Bad(text) => {
            MailboxError::Protocol(format!(
                "the server said: {}",
                text.chars().take(120).collect::<String>()
            ))
        }
        _ => MailboxError::Protocol("the server sent a response Keydesk could not read".into()),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod unasked_tests;
