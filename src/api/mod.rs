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
//! | [`settings`] | chooses how long a copy stays on the clipboard, and the language |
//! | [`people`] | locks and unlocks the desk, signs in as a person, switches person; manages the people |
//! | [`audit`] | reads, filters, verifies and exports the audit log |
//! | [`health`] | sees whether each portal answers: now, every 15 minutes, 30 days back |
//! | [`troubleshoot`] | after a failed sign-in: its history, the guided fix and what each step found, a support request |
//! | [`support`] | keeps the practice facts a support call needs; prepares a support request (summary and zip) |
//! | [`desktop`] | sees the codes in the tray; starts Keydesk at login; chooses the shortcut that brings it forward |
//!
//! A use-case that changes something says so with an [`Event::Changed`] for its [`Area`]; the
//! window refreshes that area, and the inbox follows changes of the portals and the mailbox by
//! itself. Secrets stay inside: a use-case returns a [`Secret`](crate::Secret) only where the
//! person asked to see it.

pub mod audit;
pub mod authenticator;
pub mod codes;
pub mod desktop;
pub mod devices;
mod error;
pub mod health;
pub mod mailbox;
pub mod password;
pub mod people;
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
    /// Locked or not, who is signed in, the people of the desk.
    Session,
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
    changes: password::Changes,
    recipes: Recipes,
    tasks: Tasks,
    events: broadcast::Sender<Event>,
    session: Arc<Mutex<crate::session::Session>>,
    policy: crate::policy::OfficePolicy,
    desk_name: String,
    locale: crate::i18n::SharedLocale,
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
        let policy = crate::policy::load();
        let clear_after = policy.policy.clipboard(clear_after);
        let mut desk = desk;
        let has_people = crate::people::People::new(desk.store()).any()?;
        let idle = people::idle_in_force(desk.store_ref(), &policy.policy);
        let desk_name = people::desk_name(desk.profile_id());
        let session = crate::session::Session::new(has_people, idle, std::time::Instant::now());
        let locale = crate::i18n::SharedLocale::new(settings::locale_in_force(desk.store_ref()));
        Ok(Self {
            locale,
            session: Arc::new(Mutex::new(session)),
            policy,
            desk_name,
            data_dir: desk.data_dir().to_owned(),
            profile_id: desk.profile_id().to_owned(),
            desk: Arc::new(Mutex::new(desk)),
            inbox: Arc::new(InboxRunner::default()),
            clipboard: ClipboardKeeper::new(parts.clipboard, clear_after),
            notifier: parts.notifier,
            sign_ins: SignIns::default(),
            changes: password::Changes::default(),
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

    /// The same desk under the office policy `policy`, as a test sets it.
    #[cfg(test)]
    pub(crate) fn with_policy(mut self, policy: crate::policy::Policy) -> Self {
        self.policy.policy = policy;
        self
    }

    /// Starts the background work: the inbox (and its restarts when the mailbox or the portals
    /// change) and the reminders before remembered devices lapse. Must be called inside a Tokio
    /// runtime.
    pub fn start(&self) {
        codes::start_inbox(self);
        devices::start_reminders(self);
        health::start_checks(self);
        self.start_idle_lock();
        password::at_start(self, Now::system());
        if !self.policy.policy.is_empty() || self.policy.problem.is_some() {
            let detail = match &self.policy.problem {
                Some(problem) => format!("strictest settings: {problem}"),
                None => format!("from {}", self.policy.sources.join(", ")),
            };
            self.audit(crate::audit::Action::PolicyApplied, None, detail);
        }
        match audit::prune(self, Now::system()) {
            Ok(0) => {}
            Ok(n) => tracing::info!(records = n, "audit records past their retention removed"),
            Err(e) => tracing::warn!(error = %e, "could not prune the audit log"),
        }
    }

    /// Locks when the idle time passes, even with nobody asking: the window hides the portal
    /// windows as soon as it hears.
    fn start_idle_lock(&self) {
        let session = self.session.clone();
        let events = self.events.clone();
        let audit = AuditSink {
            desk: self.desk.clone(),
            desk_name: self.desk_name.clone(),
        };
        self.tasks.spawn_with(move |cancel| async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tick.tick() => {}
                }
                let expired = {
                    let mut s = session.lock().unwrap_or_else(|e| e.into_inner());
                    let expired = s.expire(std::time::Instant::now());
                    expired.then(|| s.person().map(|p| p.name.clone()).unwrap_or_default())
                };
                if let Some(person) = expired {
                    audit.record(
                        &person,
                        crate::audit::Action::Locked,
                        "no input for the idle time",
                    );
                    let _ = events.send(Event::Changed(Area::Session));
                    let _ = events.send(Event::Changed(Area::Codes));
                }
            }
        });
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

/// Writes audit records from a background task (no [`Keydesk`] there).
struct AuditSink {
    desk: Arc<Mutex<Desk>>,
    desk_name: String,
}

impl AuditSink {
    fn record(&self, person: &str, action: crate::audit::Action, detail: &str) {
        let entry = crate::audit::Entry {
            at: Now::system().secs(),
            desk: self.desk_name.clone(),
            person: person.to_owned(),
            action,
            portal: None,
            detail: detail.to_owned(),
        };
        let mut desk = self.desk.lock().unwrap_or_else(|e| e.into_inner());
        match crate::audit::append(desk.store(), &entry) {
            Ok(record) => crate::audit::system_log::send(&record),
            Err(e) => tracing::error!(error = %e, "could not write an audit record"),
        }
    }
}

/// The person acting in a use-case that is allowed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who is signed in; `None` on a desk without people.
    pub person: Option<crate::session::SignedIn>,
}

impl Actor {
    /// The name in audit records: the person's, or "desk" on a desk without people.
    pub fn name(&self) -> String {
        self.person
            .as_ref()
            .map_or_else(|| "desk".to_owned(), |p| p.name.clone())
    }

    /// True for an office admin, and on a desk without people (whoever uses it manages it).
    pub fn is_admin(&self) -> bool {
        self.person
            .as_ref()
            .is_none_or(|p| p.role == crate::people::Role::Admin)
    }
}

impl Keydesk {
    /// The session, for one use-case. A plain mutex, never held across an await.
    pub(crate) fn session(&self) -> MutexGuard<'_, crate::session::Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The language Keydesk speaks to people now: the person's setting, else the system's.
    pub fn locale(&self) -> crate::i18n::Locale {
        self.locale.get()
    }

    /// The language as it changes, for what reports to people outside a use-case (the
    /// window's errors, notifications from the background).
    pub fn shared_locale(&self) -> crate::i18n::SharedLocale {
        self.locale.clone()
    }

    /// The office's policy in force.
    pub fn policy(&self) -> &crate::policy::OfficePolicy {
        &self.policy
    }

    /// Locks when the idle time passed (recording it); true when the desk is locked.
    pub(crate) fn check_idle(&self) -> bool {
        let (expired, locked) = {
            let mut session = self.session();
            let expired = session.expire(std::time::Instant::now());
            (expired, session.is_locked())
        };
        if expired {
            self.audit(
                crate::audit::Action::Locked,
                None,
                "no input for the idle time",
            );
            self.changed(Area::Session);
        }
        locked
    }

    /// Who acts now, or [`ErrorCode::Locked`](crate::error::ErrorCode::Locked) while Keydesk is
    /// locked: every use-case that shows, copies or exports a secret asks first.
    pub(crate) fn unlocked(&self) -> Result<Actor, Error> {
        if self.check_idle() {
            return Err(Error::other(
                crate::error::ErrorCode::Locked,
                "Keydesk is locked. Sign in with your PIN first.",
            ));
        }
        Ok(Actor {
            person: self.session().person().cloned(),
        })
    }

    /// Like [`Keydesk::unlocked`], for an office admin only.
    pub(crate) fn admin(&self) -> Result<Actor, Error> {
        let actor = self.unlocked()?;
        if !actor.is_admin() {
            return Err(Error::other(
                crate::error::ErrorCode::AdminOnly,
                "Only an office admin can do this.",
            ));
        }
        Ok(actor)
    }

    /// The person signed in now (kept while locked), if the desk has people.
    pub(crate) fn person_id(&self) -> Option<i64> {
        let session = self.session();
        session
            .has_people()
            .then(|| session.person().map(|p| p.id))
            .flatten()
    }

    /// Appends an audit record by whoever is signed in and sends it to the system log. A
    /// failure to record is logged; the record never holds a secret (callers pass names and
    /// counts only).
    pub(crate) fn audit(
        &self,
        action: crate::audit::Action,
        portal: Option<String>,
        detail: impl Into<String>,
    ) {
        let person = self
            .session()
            .person()
            .map_or_else(|| "desk".to_owned(), |p| p.name.clone());
        self.audit_as(&person, action, portal, detail);
    }

    /// [`Keydesk::audit`] for a named person (a failed unlock names who was tried).
    pub(crate) fn audit_as(
        &self,
        person: &str,
        action: crate::audit::Action,
        portal: Option<String>,
        detail: impl Into<String>,
    ) {
        let entry = crate::audit::Entry {
            at: Now::system().secs(),
            desk: self.desk_name.clone(),
            person: person.to_owned(),
            action,
            portal,
            detail: detail.into(),
        };
        match crate::audit::append(self.desk().store(), &entry) {
            Ok(record) => crate::audit::system_log::send(&record),
            Err(e) => tracing::error!(error = %e, "could not write an audit record"),
        }
    }

    /// The name of a portal for an audit record (its id when it cannot be read).
    pub(crate) fn portal_name(&self, id: i64) -> Option<String> {
        Some(
            crate::portal::PortalBook::new(self.desk().store())
                .get(id)
                .map_or_else(|_| format!("portal {id}"), |p| p.fields.name),
        )
    }
}
