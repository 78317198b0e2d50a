//! When to clear a copied password or code from the clipboard: after a delay (20 seconds unless
//! the person chose otherwise), and only if the clipboard still holds what Keydesk put there —
//! if the person copied something else meanwhile, that is theirs and is left alone.
//!
//! [`ClipboardWatch`] is the policy, with `now` passed in. [`ClipboardKeeper`] runs it: it copies
//! to the system clipboard the shell provides ([`Clipboard`]), clears it from a timer task owned
//! by the desk's [`Tasks`], and clears a copy it still owns when Keydesk quits. The chosen delay
//! is a setting of the profile ([`saved_clear_after`], [`save_clear_after`]).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::ErrorCode;
use crate::secret::Secret;
use crate::store::{Store, StoreError};
use crate::tasks::Tasks;

/// How long a copied secret stays on the clipboard unless configured otherwise.
pub const DEFAULT_CLEAR_AFTER: Duration = Duration::from_secs(20);
/// The longest delay that can be configured: a secret must not linger indefinitely.
pub const MAX_CLEAR_AFTER: Duration = Duration::from_secs(600);
/// The shortest delay that can be configured: less would clear before a paste.
pub const MIN_CLEAR_AFTER: Duration = Duration::from_secs(1);

/// The `setting` key of the delay, in whole seconds.
const SETTING: &str = "clipboard_clear_after_secs";

/// The profile's chosen delay, or [`DEFAULT_CLEAR_AFTER`] when none was chosen. A stored value
/// out of bounds (edited by hand) falls back to the default rather than keeping a secret longer.
pub fn saved_clear_after(store: &Store) -> Result<Duration, StoreError> {
    let secs: Option<u64> = store.setting(SETTING)?;
    Ok(secs
        .map(Duration::from_secs)
        .filter(|d| check_delay(*d).is_ok())
        .unwrap_or(DEFAULT_CLEAR_AFTER))
}

/// Saves the delay after checking its bounds; nothing is saved when it is out of them.
pub fn save_clear_after(store: &mut Store, delay: Duration) -> Result<(), ClipboardError> {
    check_delay(delay)?;
    store.set_setting(SETTING, &delay.as_secs())?;
    Ok(())
}

fn check_delay(delay: Duration) -> Result<(), ClipboardError> {
    if delay < MIN_CLEAR_AFTER || delay > MAX_CLEAR_AFTER || delay.subsec_nanos() != 0 {
        return Err(ClipboardError::InvalidDelay);
    }
    Ok(())
}

/// The system clipboard, as the shell provides it.
pub trait Clipboard: Send + Sync {
    /// The clipboard's text, if it holds text.
    fn read_text(&self) -> Result<Option<Secret>, ClipboardError>;
    /// Replaces the clipboard's content with `text`.
    fn write_text(&self, text: &Secret) -> Result<(), ClipboardError>;
    /// Empties the clipboard.
    fn clear(&self) -> Result<(), ClipboardError>;
}

/// Why the clipboard could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClipboardError {
    /// The system clipboard did not answer.
    #[error("the clipboard is not available ({0}); copy the value by hand")]
    Unavailable(String),
    /// The configured delay is out of range.
    #[error(
        "the clipboard clearing delay must be a whole number of seconds from 1 to 600 \
         (10 minutes)"
    )]
    InvalidDelay,
    /// The delay could not be saved or read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ClipboardError {
    /// A stable code for the UI.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable(_) => ErrorCode::ClipboardUnavailable,
            Self::InvalidDelay => ErrorCode::ClipboardInvalidDelay,
            Self::Store(_) => ErrorCode::Database,
        }
    }
}

/// What a [`ClipboardWatch::tick`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Nothing Keydesk copied is waiting to be cleared.
    Idle,
    /// The delay has not passed yet; tick again at this time.
    Waiting(Instant),
    /// The clipboard still held Keydesk's copy and was cleared.
    Cleared,
    /// The clipboard held something else by then; it was left alone.
    LeftAlone,
}

/// Remembers what Keydesk last copied and when to clear it.
#[derive(Debug)]
pub struct ClipboardWatch {
    clear_after: Duration,
    pending: Option<(Secret, Instant)>,
}

impl Default for ClipboardWatch {
    fn default() -> Self {
        Self {
            clear_after: DEFAULT_CLEAR_AFTER,
            pending: None,
        }
    }
}

impl ClipboardWatch {
    /// A watch that clears `clear_after` a copy (1 second to 10 minutes).
    pub fn new(clear_after: Duration) -> Result<Self, ClipboardError> {
        check_delay(clear_after)?;
        Ok(Self {
            clear_after,
            pending: None,
        })
    }

    /// Changes the delay for later copies; a copy already on the clipboard keeps its deadline.
    pub fn set_clear_after(&mut self, clear_after: Duration) -> Result<(), ClipboardError> {
        check_delay(clear_after)?;
        self.clear_after = clear_after;
        Ok(())
    }

    /// The configured delay.
    pub fn clear_after(&self) -> Duration {
        self.clear_after
    }

    /// Copies `value` at `now`; returns when it will be cleared. A new copy replaces the
    /// pending one and restarts the delay.
    pub fn copy(
        &mut self,
        clipboard: &dyn Clipboard,
        value: &Secret,
        now: Instant,
    ) -> Result<Instant, ClipboardError> {
        clipboard.write_text(value)?;
        let clear_at = now + self.clear_after;
        self.pending = Some((value.clone(), clear_at));
        Ok(clear_at)
    }

    /// When the next [`ClipboardWatch::tick`] has something to do.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending.as_ref().map(|(_, at)| *at)
    }

    /// Clears the clipboard if the delay has passed and it still holds Keydesk's copy.
    /// On a clipboard error the copy stays pending, so the next tick tries again.
    pub fn tick(
        &mut self,
        clipboard: &dyn Clipboard,
        now: Instant,
    ) -> Result<Tick, ClipboardError> {
        let Some((_, clear_at)) = &self.pending else {
            return Ok(Tick::Idle);
        };
        if now < *clear_at {
            return Ok(Tick::Waiting(*clear_at));
        }
        self.release(clipboard)
    }

    /// Clears the clipboard now, whatever the deadline, if it still holds Keydesk's copy (when
    /// Keydesk quits).
    pub fn release(&mut self, clipboard: &dyn Clipboard) -> Result<Tick, ClipboardError> {
        let Some((value, _)) = &self.pending else {
            return Ok(Tick::Idle);
        };
        let still_ours = clipboard.read_text()?.as_ref() == Some(value);
        if still_ours {
            clipboard.clear()?;
        }
        self.pending = None;
        Ok(if still_ours {
            Tick::Cleared
        } else {
            Tick::LeftAlone
        })
    }
}

/// Copies secrets to the system clipboard and clears them again: after the delay, from a timer
/// task of the desk's [`Tasks`], and at once when Keydesk quits ([`ClipboardKeeper::release`]).
/// Clones share the same watch.
#[derive(Clone)]
pub struct ClipboardKeeper {
    system: Option<Arc<dyn Clipboard>>,
    watch: Arc<Mutex<ClipboardWatch>>,
}

impl std::fmt::Debug for ClipboardKeeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClipboardKeeper")
            .field("system", &self.system.is_some())
            .finish_non_exhaustive()
    }
}

fn lock(watch: &Mutex<ClipboardWatch>) -> MutexGuard<'_, ClipboardWatch> {
    watch.lock().unwrap_or_else(|e| e.into_inner())
}

impl ClipboardKeeper {
    /// A keeper over `system` (none where there is no clipboard: the CLI) that clears after
    /// `clear_after`.
    pub fn new(system: Option<Arc<dyn Clipboard>>, clear_after: Duration) -> Self {
        Self {
            system,
            watch: Arc::new(Mutex::new(
                ClipboardWatch::new(clear_after).unwrap_or_default(),
            )),
        }
    }

    /// Copies `secret` and schedules its clearing; returns the delay, for the window to say
    /// when it is cleared.
    pub fn copy(&self, tasks: &Tasks, secret: &Secret) -> Result<Duration, ClipboardError> {
        let system = self
            .system
            .clone()
            .ok_or_else(|| ClipboardError::Unavailable("there is no clipboard here".into()))?;
        let (clear_at, delay) = {
            let mut watch = lock(&self.watch);
            let at = watch.copy(system.as_ref(), secret, Instant::now())?;
            (at, watch.clear_after())
        };
        let watch = self.watch.clone();
        tasks.spawn(async move {
            tokio::time::sleep_until(clear_at).await;
            let mut watch = lock(&watch);
            // A later copy moved the deadline: that copy's own timer clears it.
            if watch.deadline().is_some_and(|d| d > Instant::now()) {
                return;
            }
            match watch.tick(system.as_ref(), Instant::now()) {
                Ok(Tick::Cleared) => tracing::info!("cleared a copied secret from the clipboard"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not clear the clipboard"),
            }
        });
        Ok(delay)
    }

    /// Clears a copy still waiting to be cleared, if the clipboard still holds it.
    pub fn release(&self) {
        let Some(system) = &self.system else { return };
        match lock(&self.watch).release(system.as_ref()) {
            Ok(Tick::Cleared) => tracing::info!("cleared a copied secret from the clipboard"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not clear the clipboard"),
        }
    }

    /// The delay in force.
    pub fn clear_after(&self) -> Duration {
        lock(&self.watch).clear_after()
    }

    /// Uses `clear_after` for the next copies.
    pub fn set_clear_after(&self, clear_after: Duration) -> Result<(), ClipboardError> {
        lock(&self.watch).set_clear_after(clear_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system clipboard in memory.
    #[derive(Default)]
    pub(crate) struct FakeClipboard {
        pub(crate) text: Mutex<Option<String>>,
        pub(crate) clears: Mutex<usize>,
        pub(crate) broken: bool,
    }

    impl FakeClipboard {
        pub(crate) fn holds(&self) -> Option<String> {
            self.text.lock().unwrap().clone()
        }

        pub(crate) fn person_copies(&self, text: &str) {
            *self.text.lock().unwrap() = Some(text.to_owned());
        }
    }

    impl Clipboard for FakeClipboard {
        fn read_text(&self) -> Result<Option<Secret>, ClipboardError> {
            if self.broken {
                return Err(ClipboardError::Unavailable("no display".into()));
            }
            Ok(self.text.lock().unwrap().as_deref().map(Secret::from))
        }
        fn write_text(&self, text: &Secret) -> Result<(), ClipboardError> {
            *self.text.lock().unwrap() = Some(text.expose().to_owned());
            Ok(())
        }
        fn clear(&self) -> Result<(), ClipboardError> {
            *self.text.lock().unwrap() = None;
            *self.clears.lock().unwrap() += 1;
            Ok(())
        }
    }

    fn keeper(clear_after: u64) -> (Arc<FakeClipboard>, ClipboardKeeper) {
        let clipboard = Arc::new(FakeClipboard::default());
        let system: Arc<dyn Clipboard> = clipboard.clone();
        let keeper = ClipboardKeeper::new(Some(system), Duration::from_secs(clear_after));
        (clipboard, keeper)
    }

    #[tokio::test(start_paused = true)]
    async fn the_timer_clears_a_copy_when_its_delay_has_passed_not_before() {
        let (clipboard, keeper) = keeper(20);
        let tasks = Tasks::new();
        let delay = keeper.copy(&tasks, &Secret::from("kdS3cr3t-pw")).unwrap();
        assert_eq!(delay, Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(19_900)).await;
        assert_eq!(
            clipboard.holds().as_deref(),
            Some("kdS3cr3t-pw"),
            "not early"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(clipboard.holds(), None, "cleared once the delay passed");
        assert!(tasks.is_empty(), "the timer task ended");
    }

    #[tokio::test(start_paused = true)]
    async fn a_second_copy_keeps_its_own_full_delay() {
        let (clipboard, keeper) = keeper(20);
        let tasks = Tasks::new();
        keeper.copy(&tasks, &Secret::from("kdS3cr3t-a")).unwrap();
        tokio::time::sleep(Duration::from_secs(15)).await;
        keeper.copy(&tasks, &Secret::from("kdS3cr3t-b")).unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(
            clipboard.holds().as_deref(),
            Some("kdS3cr3t-b"),
            "the first copy's timer must not clear the second copy early"
        );
        tokio::time::sleep(Duration::from_secs(11)).await;
        assert_eq!(clipboard.holds(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn the_timer_leaves_alone_what_the_person_copied_since() {
        let (clipboard, keeper) = keeper(5);
        let tasks = Tasks::new();
        keeper.copy(&tasks, &Secret::from("kdS3cr3t-pw")).unwrap();
        clipboard.person_copies("claim 12345 notes");
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert_eq!(clipboard.holds().as_deref(), Some("claim 12345 notes"));
        assert_eq!(*clipboard.clears.lock().unwrap(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn quitting_clears_a_copy_still_ours_at_once() {
        let (clipboard, keeper) = keeper(600);
        let tasks = Tasks::new();
        keeper.copy(&tasks, &Secret::from("kdS3cr3t-pw")).unwrap();
        keeper.release();
        assert!(tasks.shutdown(Duration::from_secs(1)).await);
        assert_eq!(
            clipboard.holds(),
            None,
            "not left for ten minutes after quitting"
        );
        keeper.release();
        assert_eq!(*clipboard.clears.lock().unwrap(), 1, "released once");
    }

    #[test]
    fn without_a_clipboard_a_copy_says_so() {
        let keeper = ClipboardKeeper::new(None, DEFAULT_CLEAR_AFTER);
        let err = keeper
            .copy(&Tasks::new(), &Secret::from("kdS3cr3t-pw"))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::ClipboardUnavailable);
    }

    #[test]
    fn clears_after_twenty_seconds_by_default() {
        let clipboard = FakeClipboard::default();
        let mut watch = ClipboardWatch::default();
        let start = Instant::now();
        let at = watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-pw"), start)
            .unwrap();
        assert_eq!(at, start + Duration::from_secs(20));
        assert_eq!(watch.deadline(), Some(at));
        assert_eq!(
            watch
                .tick(&clipboard, start + Duration::from_secs(19))
                .unwrap(),
            Tick::Waiting(at),
            "must not clear early"
        );
        assert_eq!(clipboard.holds().as_deref(), Some("kdS3cr3t-pw"));
        assert_eq!(watch.tick(&clipboard, at).unwrap(), Tick::Cleared);
        assert_eq!(clipboard.holds(), None);
        assert_eq!(watch.tick(&clipboard, at).unwrap(), Tick::Idle);
        assert_eq!(watch.deadline(), None);
    }

    #[test]
    fn leaves_alone_what_the_person_copied_since() {
        let clipboard = FakeClipboard::default();
        let mut watch = ClipboardWatch::new(Duration::from_secs(5)).unwrap();
        let start = Instant::now();
        watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-pw"), start)
            .unwrap();
        clipboard.person_copies("claim 12345 notes");
        let outcome = watch
            .tick(&clipboard, start + Duration::from_secs(5))
            .unwrap();
        assert_eq!(outcome, Tick::LeftAlone);
        assert_eq!(clipboard.holds().as_deref(), Some("claim 12345 notes"));
        assert_eq!(*clipboard.clears.lock().unwrap(), 0);
    }

    #[test]
    fn a_new_copy_restarts_the_delay() {
        let clipboard = FakeClipboard::default();
        let mut watch = ClipboardWatch::default();
        let start = Instant::now();
        watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-a"), start)
            .unwrap();
        let later = start + Duration::from_secs(15);
        watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-b"), later)
            .unwrap();
        let first_deadline = start + Duration::from_secs(20);
        assert!(matches!(
            watch.tick(&clipboard, first_deadline).unwrap(),
            Tick::Waiting(_)
        ));
        assert_eq!(
            watch
                .tick(&clipboard, later + Duration::from_secs(20))
                .unwrap(),
            Tick::Cleared
        );
    }

    #[test]
    fn a_failing_clipboard_keeps_the_copy_pending() {
        let clipboard = FakeClipboard {
            broken: true,
            ..Default::default()
        };
        let mut watch = ClipboardWatch::default();
        let start = Instant::now();
        watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-pw"), start)
            .unwrap();
        let err = watch
            .tick(&clipboard, start + DEFAULT_CLEAR_AFTER)
            .unwrap_err();
        assert_eq!(err.code(), "clipboard_unavailable");
        assert!(watch.deadline().is_some(), "must retry on the next tick");
    }

    #[test]
    fn the_chosen_delay_is_kept_in_the_profile_within_bounds() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        assert_eq!(saved_clear_after(&store).unwrap(), DEFAULT_CLEAR_AFTER);
        save_clear_after(&mut store, Duration::from_secs(45)).unwrap();
        assert_eq!(saved_clear_after(&store).unwrap(), Duration::from_secs(45));
        for bad in [0, 601, 3600] {
            let err = save_clear_after(&mut store, Duration::from_secs(bad)).unwrap_err();
            assert_eq!(err.code(), "clipboard_invalid_delay", "{bad} s");
        }
        assert_eq!(
            saved_clear_after(&store).unwrap(),
            Duration::from_secs(45),
            "a refused value must not replace the saved one"
        );
        // A value out of bounds written behind Keydesk's back must not keep secrets longer.
        store.set_setting(SETTING, &86_400u64).unwrap();
        assert_eq!(saved_clear_after(&store).unwrap(), DEFAULT_CLEAR_AFTER);
    }

    #[test]
    fn a_changed_delay_applies_to_the_next_copy() {
        let clipboard = FakeClipboard::default();
        let mut watch = ClipboardWatch::default();
        let start = Instant::now();
        watch.set_clear_after(Duration::from_secs(5)).unwrap();
        let at = watch
            .copy(&clipboard, &Secret::from("kdS3cr3t-pw"), start)
            .unwrap();
        assert_eq!(at, start + Duration::from_secs(5));
        assert!(watch.set_clear_after(Duration::from_millis(1500)).is_err());
        assert_eq!(watch.clear_after(), Duration::from_secs(5));
    }

    #[test]
    fn delay_is_bounded() {
        assert!(ClipboardWatch::new(Duration::ZERO).is_err());
        assert!(ClipboardWatch::new(Duration::from_secs(3600)).is_err());
        assert_eq!(
            ClipboardWatch::new(Duration::from_secs(45))
                .unwrap()
                .clear_after(),
            Duration::from_secs(45)
        );
    }
}
