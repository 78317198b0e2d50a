//! When to clear a copied password or code from the clipboard: after a delay (20 seconds unless
//! the person chose otherwise), and only if the clipboard still holds what Keydesk put there —
//! if the person copied something else meanwhile, that is theirs and is left alone.
//!
//! This is policy only. The shell implements [`Clipboard`] over the real clipboard and calls
//! [`ClipboardWatch::tick`] from a timer at [`ClipboardWatch::deadline`]; `now` is passed in, so
//! the policy is tested without waiting. The chosen delay is a setting of the profile
//! ([`saved_clear_after`], [`save_clear_after`]).

use std::time::{Duration, Instant};

use crate::secret::Secret;
use crate::store::{Store, StoreError};

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
pub trait Clipboard {
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "clipboard_unavailable",
            Self::InvalidDelay => "clipboard_invalid_delay",
            Self::Store(_) => "database",
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
        let Some((value, clear_at)) = &self.pending else {
            return Ok(Tick::Idle);
        };
        if now < *clear_at {
            return Ok(Tick::Waiting(*clear_at));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct FakeClipboard {
        text: RefCell<Option<String>>,
        clears: RefCell<usize>,
        broken: bool,
    }

    impl Clipboard for FakeClipboard {
        fn read_text(&self) -> Result<Option<Secret>, ClipboardError> {
            if self.broken {
                return Err(ClipboardError::Unavailable("no display".into()));
            }
            Ok(self.text.borrow().as_deref().map(Secret::from))
        }
        fn write_text(&self, text: &Secret) -> Result<(), ClipboardError> {
            *self.text.borrow_mut() = Some(text.expose().to_owned());
            Ok(())
        }
        fn clear(&self) -> Result<(), ClipboardError> {
            *self.text.borrow_mut() = None;
            *self.clears.borrow_mut() += 1;
            Ok(())
        }
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
        assert_eq!(clipboard.text.borrow().as_deref(), Some("kdS3cr3t-pw"));
        assert_eq!(watch.tick(&clipboard, at).unwrap(), Tick::Cleared);
        assert_eq!(*clipboard.text.borrow(), None);
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
        *clipboard.text.borrow_mut() = Some("claim 12345 notes".into());
        let outcome = watch
            .tick(&clipboard, start + Duration::from_secs(5))
            .unwrap();
        assert_eq!(outcome, Tick::LeftAlone);
        assert_eq!(
            clipboard.text.borrow().as_deref(),
            Some("claim 12345 notes")
        );
        assert_eq!(*clipboard.clears.borrow(), 0);
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
        let mut store = Store::open_in_memory().unwrap();
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
