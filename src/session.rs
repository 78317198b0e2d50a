//! Whether the desk is locked, who is signed in, and when it locks by itself.
//!
//! The core owns the idle deadline: the window reports input (throttled) with [`Session::touch`],
//! and whatever asks for a secret first checks [`Session::expire`]. A desk without people is
//! never locked, as before people existed. Time here is monotonic ([`Instant`]), passed in.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::people::{Person, Role};

/// Lock after this long without input unless the desk chose otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
/// The choices offered in Settings.
pub const IDLE_MINUTES: std::ops::RangeInclusive<u32> = 1..=30;

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SignedIn {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: Role,
}

impl From<&Person> for SignedIn {
    fn from(p: &Person) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            role: p.role,
        }
    }
}

/// The lock state of a running desk.
#[derive(Debug)]
pub struct Session {
    has_people: bool,
    locked: bool,
    person: Option<SignedIn>,
    idle: Duration,
    deadline: Instant,
}

impl Session {
    /// A desk that starts locked when it has people.
    pub fn new(has_people: bool, idle: Duration, now: Instant) -> Self {
        Self {
            has_people,
            locked: has_people,
            person: None,
            idle,
            deadline: now + idle,
        }
    }

    /// Whether the desk has people (and so can lock).
    pub fn has_people(&self) -> bool {
        self.has_people
    }

    /// The first person was added or the last removed.
    pub fn set_has_people(&mut self, has: bool, now: Instant) {
        if has == self.has_people {
            return;
        }
        self.has_people = has;
        if !has {
            self.locked = false;
            self.person = None;
        }
        self.deadline = now + self.idle;
    }

    /// Locks when the idle deadline passed; true when it locked just now.
    pub fn expire(&mut self, now: Instant) -> bool {
        if self.has_people && !self.locked && now >= self.deadline {
            self.locked = true;
            return true;
        }
        false
    }

    /// True when locked at `now` (after [`Session::expire`]).
    pub fn is_locked(&self) -> bool {
        self.has_people && self.locked
    }

    /// Someone used the window: the idle deadline moves on.
    pub fn touch(&mut self, now: Instant) {
        if !self.locked {
            self.deadline = now + self.idle;
        }
    }

    /// Locks now; true when it was unlocked.
    pub fn lock(&mut self) -> bool {
        let was = self.has_people && !self.locked;
        self.locked = self.has_people;
        was
    }

    /// `person` (whose PIN was checked) is signed in and the desk unlocked.
    pub fn unlock(&mut self, person: SignedIn, now: Instant) {
        self.person = Some(person);
        self.locked = false;
        self.deadline = now + self.idle;
    }

    /// Who is signed in (kept while locked: the lock screen offers them first).
    pub fn person(&self) -> Option<&SignedIn> {
        self.person.as_ref()
    }

    /// The idle time in force.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// A new idle time, from now on.
    pub fn set_idle(&mut self, idle: Duration, now: Instant) {
        self.idle = idle;
        if !self.locked {
            self.deadline = now + idle;
        }
    }

    /// Seconds until the idle lock, while unlocked.
    pub fn seconds_left(&self, now: Instant) -> Option<u64> {
        (self.has_people && !self.locked)
            .then(|| self.deadline.saturating_duration_since(now).as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maria() -> SignedIn {
        SignedIn {
            id: 1,
            name: "Maria".into(),
            role: Role::Admin,
        }
    }

    #[test]
    fn a_desk_without_people_never_locks() {
        let t0 = Instant::now();
        let mut s = Session::new(false, Duration::from_secs(60), t0);
        assert!(!s.is_locked());
        assert!(!s.expire(t0 + Duration::from_secs(3600)));
        assert!(!s.lock());
        assert!(!s.is_locked());
    }

    #[test]
    fn idle_time_locks_and_input_postpones_it() {
        let t0 = Instant::now();
        let mut s = Session::new(true, Duration::from_secs(60), t0);
        assert!(s.is_locked(), "a desk with people starts locked");
        s.unlock(maria(), t0);
        assert!(!s.expire(t0 + Duration::from_secs(59)));
        s.touch(t0 + Duration::from_secs(50));
        assert!(
            !s.expire(t0 + Duration::from_secs(100)),
            "input moved the deadline"
        );
        assert_eq!(s.seconds_left(t0 + Duration::from_secs(100)), Some(10));
        assert!(s.expire(t0 + Duration::from_secs(110)));
        assert!(s.is_locked());
        assert!(!s.expire(t0 + Duration::from_secs(120)), "reported once");
        s.touch(t0 + Duration::from_secs(130));
        assert!(s.is_locked(), "input does not unlock");
        assert_eq!(s.person().map(|p| p.name.as_str()), Some("Maria"));
    }
}
