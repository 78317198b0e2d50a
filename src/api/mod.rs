//! # The use-case layer
//!
//! Each thing a person can do with Keydesk is one function here, in one module per area; the
//! window's commands (`src-tauri/`) and the CLI's subcommands are each one call to it, so the two
//! can never assemble an operation differently. A use-case takes the running desk, [`Keydesk`],
//! and [`Now`] where time matters, and returns a typed result or an [`Error`] with its
//! [`ErrorCode`](crate::error::ErrorCode).
//!
//! | module | what a person does |
//! |---|---|
//! | [`status`] | sees whether the keychain and the mailbox work |
//! | [`mailbox`] | sets up the mailbox the codes arrive in, and how new codes are announced |
//! | [`codes`] | sees the pending codes, copies one, sees the mailbox connection |
//! | [`portals`] | keeps portals: adds, edits, removes, copies or shows a credential, recovery codes, the portal list file |
//! | [`authenticator`] | keeps authenticator entries: adds, imports, copies codes, links, backs up |
//! | [`signin`] | signs in with one click: starts, finds the code, records the end |
//! | [`devices`] | sees and forgets remembered devices, keeps records for outside browsers |
//! | [`settings`] | chooses how long a copy stays on the clipboard |
//! | [`health`] | sees whether each portal answers: now, every 15 minutes, 30 days back |
//! | [`troubleshoot`] | after a failed sign-in: its history, the guided fix and what each step found, a support request |
//! | [`support`] | keeps the practice facts a support call needs; prepares a support request (summary and zip) |
//! | [`desktop`] | sees the codes in the tray; starts Keydesk at login; chooses the shortcut that brings it forward |
//!
//! A use-case that changes something says so with an [`Event::Changed`] for its [`Area`]; the
//! window refreshes that area, and the inbox follows changes of the portals and the mailbox by
//! itself. Secrets stay inside: a use-case returns a [`Secret`](crate::Secret) only where the
//! person asked to see it.

pub mod authenticator;
pub mod codes;
pub mod desktop;
pub mod devices;
mod error;
pub mod health;
pub mod mailbox;
pub mod portals;
pub mod settings;
pub mod signin;
pub mod status;
pub mod support;
pub mod troubleshoot;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

pub use self::error::Error;
pub use crate::calendar::Now;
use crate::clipboard::{Clipboard, ClipboardKeeper};
use crate::desk::Desk;
use crate::inbox::InboxRunner;
use crate::notification::Notifier;
use crate::signin::{Recipes, SignInView, SignIns};
use crate::tasks::Tasks;

/// Writes a file the person named: whole or not at all, readable by its owner only. Files leave
/// the machine only through here.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::file::write_whole(path, bytes).map_err(|source| Error::File {
        action: "write",
        path: path.to_owned(),
        source,
    })
}

/// Reads a file the person picked to import, refusing what is far too big to be one.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    crate::file::read_import(path).map_err(|e| match e {
        crate::file::ReadError::Io(source) => Error::File {
            action: "read",
            path: path.to_owned(),
            source,
        },
        crate::file::ReadError::TooBig => Error::other(
            crate::error::ErrorCode::FileTooBig,
            format!(
                "{} is bigger than any export ({} MB at most); check that you picked the right \
                 file.",
                path.display(),
                crate::file::MAX_IMPORT_BYTES / 1_000_000
            ),
        ),
    })
}

/// A part of what the window shows, named when it changed so the window refreshes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The pending codes and the mailbox connection.
    Codes,
    /// The portal list.
    Portals,
    /// The authenticator entries.
    Authenticator,
    /// The remembered devices.
    Devices,
    /// The mailbox settings and the notification preference.
    Mailbox,
    /// The desk's settings.
    Settings,
}

/// What a running desk tells its adapter. No event carries a secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// Something the window shows changed.
    Changed(Area),
    /// A sign-in moved on.
    SignIn(SignInView),
    /// What the inbox reported (no code in it), for an adapter that follows the mailbox
    /// closely (`keydesk-cli watch`).
    Inbox(crate::inbox::InboxEvent),
}

/// The platform's parts the adapter provides: a real clipboard and notifications in the window;
/// neither in the CLI.
#[derive(Default, Clone)]
pub struct Platform {
    /// The system clipboard.
    pub clipboard: Option<Arc<dyn Clipboard>>,
    /// The desktop's notifications.
    pub notifier: Option<Arc<dyn Notifier>>,
}

/// A desk at work: its profile, the inbox that watches its mailbox, the clipboard it copies to,
/// its sign-ins, and the tasks that serve them. Every use-case takes it.
pub struct Keydesk {
    desk: Arc<Mutex<Desk>>,
    data_dir: PathBuf,
    profile_id: String,
    inbox: Arc<InboxRunner>,
    clipboard: ClipboardKeeper,
    notifier: Option<Arc<dyn Notifier>>,
    sign_ins: SignIns,
    recipes: Recipes,
    tasks: Tasks,
    events: broadcast::Sender<Event>,
}

impl std::fmt::Debug for Keydesk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keydesk")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// How long [`Keydesk::shutdown`] waits for the tasks by default.
pub const SHUTDOWN_WITHIN: Duration = Duration::from_secs(4);

impl Keydesk {
    /// The profile in `data_dir` with nothing of the platform: what the CLI uses.
    pub fn open(data_dir: &Path) -> Result<Self, Error> {
        let desk = Desk::open(data_dir).map_err(Error::Profile)?;
        Self::new(desk, Platform::default())
    }

    /// A desk at work over `desk`, with the platform's `parts`. Nothing runs in the background
    /// until [`Keydesk::start`].
    pub fn new(desk: Desk, parts: Platform) -> Result<Self, Error> {
        let clear_after =
            crate::clipboard::saved_clear_after(desk.store_ref()).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the clipboard delay; using the default");
                crate::clipboard::DEFAULT_CLEAR_AFTER
            });
        // The sign-in recipes are data: checked here, so a bad one stops the start plainly.
        let recipes = Recipes::shipped()?;
        Ok(Self {
            data_dir: desk.data_dir().to_owned(),
            profile_id: desk.profile_id().to_owned(),
            desk: Arc::new(Mutex::new(desk)),
            inbox: Arc::new(InboxRunner::default()),
            clipboard: ClipboardKeeper::new(parts.clipboard, clear_after),
            notifier: parts.notifier,
            sign_ins: SignIns::default(),
            recipes,
            tasks: Tasks::new(),
            events: broadcast::channel(256).0,
        })
    }

    /// A desk in `data_dir` whose keychain is in memory, with the given platform parts.
    #[cfg(test)]
    pub(crate) fn for_tests(data_dir: &Path, parts: Platform) -> Self {
        Self::new(Desk::for_tests(data_dir), parts).expect("a desk for tests")
    }

    /// Starts the background work: the inbox (and its restarts when the mailbox or the portals
    /// change) and the reminders before remembered devices lapse. Must be called inside a Tokio
    /// runtime.
    pub fn start(&self) {
        codes::start_inbox(self);
        devices::start_reminders(self);
        health::start_checks(self);
    }

    /// Stops everything: clears a copied secret the clipboard still holds, cancels every task
    /// and waits until they have ended (each inbox watch signs out of the server), for at most
    /// `within`. True when all ended in time.
    pub async fn shutdown(&self, within: Duration) -> bool {
        // The clipboard may block briefly (X11): off the runtime's threads.
        let clipboard = self.clipboard.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || clipboard.release()).await {
            tracing::warn!(error = %e, "could not clear the clipboard on the way out");
        }
        let ended = self.tasks.shutdown(within).await;
        self.inbox.stop().await;
        ended
    }

    /// Runs `task` in the background, owned by the desk: it is cancelled and waited for when
    /// the desk shuts down (a sign-in's driver, the window's event forwarding).
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.tasks.spawn(task);
    }

    /// What the desk reports as it works.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The profile's folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The profile's id (it names the macOS data stores of the portal windows).
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// The profile, locked for one use-case. A plain mutex: never held across an await.
    pub(crate) fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells the adapter that `area` changed; the inbox restarts when its rules did.
    pub(crate) fn changed(&self, area: Area) {
        if matches!(area, Area::Portals | Area::Mailbox) {
            self.inbox.restart();
        }
        // Nobody listening (the CLI) is fine.
        let _ = self.events.send(Event::Changed(area));
    }

    /// Tells the window that what it shows of `area` changed, without touching the inbox's
    /// rules (a health check, the sign-in history, the practice facts).
    pub(crate) fn shown_changed(&self, area: Area) {
        let _ = self.events.send(Event::Changed(area));
    }

    /// Tells the adapter that a sign-in moved on.
    pub(crate) fn publish_sign_in(&self, view: SignInView) {
        self.sign_ins.set_view(view.clone());
        let _ = self.events.send(Event::SignIn(view));
    }
}
