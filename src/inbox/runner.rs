//! The inbox of a running desk: one task that starts the [`Inbox`] from the saved mailbox and
//! portals, and starts it again whenever they change. Restarts are serialized by construction:
//! the task is the only one that stops and starts the inbox, each restart reads the settings
//! after the change that asked for it, and asks that come while one is under way fold into one
//! more restart, so an inbox built from older rules can never win.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::{Inbox, InboxConnection, InboxEvent, InboxRules, lock};
use crate::error::ErrorCode;
use crate::mailbox::MailboxSettings;
use crate::secret::Secret;

/// How long a stopping inbox may take to sign out of the server.
pub(crate) const STOP_WITHIN: Duration = Duration::from_secs(3);

/// What the runner needs to start an inbox: the mailbox, its password and the rules, or why
/// there is none (`Ok(None)`: no mailbox is set up).
pub(crate) type Prepared =
    Result<Option<(MailboxSettings, Secret, InboxRules)>, (ErrorCode, String)>;

/// The running inbox, if any, and why not.
#[derive(Debug)]
pub(crate) struct InboxRunner {
    current: Mutex<Option<Inbox>>,
    /// Why the inbox is not running although a mailbox is set up (no password in the
    /// keychain, a locked keychain…).
    not_running: Mutex<Option<(ErrorCode, String)>>,
    /// Bumped for every restart asked for; the task restarts when it changes.
    pub(crate) restarts: watch::Sender<u64>,
}

impl Default for InboxRunner {
    fn default() -> Self {
        Self {
            current: Mutex::new(None),
            not_running: Mutex::new(None),
            restarts: watch::channel(0).0,
        }
    }
}

impl InboxRunner {
    /// Asks the task to stop the inbox and start it again from the saved settings.
    pub(crate) fn restart(&self) {
        self.restarts.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// `f` of the running inbox, if there is one.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Inbox) -> T) -> Option<T> {
        lock(&self.current).as_ref().map(f)
    }

    /// The connection, as the Codes view shows it.
    pub(crate) fn connection(&self) -> InboxConnection {
        if let Some(connection) = self.with(Inbox::connection) {
            return connection;
        }
        match lock(&self.not_running).clone() {
            Some((code, message)) => InboxConnection::Stopped { code, message },
            None => InboxConnection::NotSetUp,
        }
    }

    /// Runs until `cancel`: starts the inbox with what `prepare` reads, restarts it on every
    /// [`InboxRunner::restart`], hands its events to `on_event`, and on cancellation stops it
    /// and waits (bounded) until its watches have signed out.
    pub(crate) async fn run(
        self: Arc<Self>,
        prepare: impl Fn() -> Prepared + Send,
        on_event: impl Fn(InboxEvent) + Send,
        cancel: CancellationToken,
    ) {
        let mut restarts = self.restarts.subscribe();
        loop {
            restarts.mark_unchanged();
            let mut events = self.start(&prepare);
            on_event(InboxEvent::Restarted);
            loop {
                tokio::select! {
                    () = cancel.cancelled() => {
                        self.stop().await;
                        return;
                    }
                    changed = restarts.changed() => {
                        if changed.is_err() {
                            self.stop().await;
                            return;
                        }
                        break;
                    }
                    event = recv(&mut events) => on_event(event),
                }
            }
            self.stop().await;
        }
    }

    /// Starts an inbox from the saved settings; its events, or none when it could not start.
    fn start(&self, prepare: &impl Fn() -> Prepared) -> Option<mpsc::Receiver<InboxEvent>> {
        let (settings, password, rules) = match prepare() {
            Ok(Some(found)) => found,
            Ok(None) => {
                *lock(&self.not_running) = None;
                return None;
            }
            Err((code, message)) => {
                tracing::warn!(code = %code, "the inbox cannot start");
                *lock(&self.not_running) = Some((code, message));
                return None;
            }
        };
        *lock(&self.not_running) = None;
        let (events_tx, events) = mpsc::channel(64);
        let inbox = Inbox::start(&settings, &password, rules, events_tx);
        *lock(&self.current) = Some(inbox);
        Some(events)
    }

    /// Stops the running inbox, if any, and waits until its watches have signed out.
    pub(crate) async fn stop(&self) {
        let old = lock(&self.current).take();
        if let Some(old) = old
            && !old.shutdown(STOP_WITHIN).await
        {
            tracing::warn!("the mailbox watch did not stop in time; it was cut off");
        }
    }
}

/// The next event of a running inbox; never resolves without one.
async fn recv(events: &mut Option<mpsc::Receiver<InboxEvent>>) -> InboxEvent {
    if let Some(rx) = events.as_mut()
        && let Some(event) = rx.recv().await
    {
        return event;
    }
    *events = None;
    std::future::pending().await
}
