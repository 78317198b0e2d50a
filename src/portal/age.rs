//! Password age: when the password was last changed and whether the portal's change interval is
//! near. A pure function of `now`, so the list, the tray and the health check agree.

use serde::Serialize;

/// How many days before the portal's change interval ends the warning starts (Availity expires
/// passwords every 60 days and warns 5 days ahead).
pub const WARN_AHEAD_DAYS: i64 = 5;

const DAY: i64 = 86_400;

/// Where a password stands against its portal's change interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PasswordState {
    /// Keydesk holds no password for this portal.
    NotSaved,
    /// Saved; the portal has no change interval, or the end is not near.
    Current,
    /// The change interval ends within [`WARN_AHEAD_DAYS`].
    DueSoon,
    /// The interval has ended: the portal will ask for a new password.
    Overdue,
}

/// A password's age as of some `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PasswordAge {
    /// Where it stands.
    pub state: PasswordState,
    /// When it was last changed (UNIX seconds).
    pub changed_at: Option<i64>,
    /// Whole days since then.
    pub age_days: Option<i64>,
    /// When the portal's interval ends (UNIX seconds), if it has one.
    pub due_at: Option<i64>,
    /// A warning in plain words when the state is [`PasswordState::DueSoon`] or
    /// [`PasswordState::Overdue`].
    pub warning: Option<String>,
}

impl PasswordAge {
    /// The age at `now` of a password changed at `changed_at`, for a portal that wants a new
    /// one every `interval_days`.
    pub fn at(changed_at: Option<i64>, interval_days: Option<u32>, now: i64) -> Self {
        let Some(changed) = changed_at else {
            return Self {
                state: PasswordState::NotSaved,
                changed_at: None,
                age_days: None,
                due_at: None,
                warning: None,
            };
        };
        // A clock set back must not produce a negative age.
        let age_days = (now - changed).max(0) / DAY;
        let due_at = interval_days.map(|days| changed + i64::from(days) * DAY);
        let (state, warning) = match due_at {
            Some(due) if now >= due => (
                PasswordState::Overdue,
                Some(format!(
                    "The password is {age_days} days old and has expired at the portal; \
                     change it there, then save the new one in Keydesk."
                )),
            ),
            Some(due) if now >= due - WARN_AHEAD_DAYS * DAY => {
                // Rounded up: 1 hour left reads as "1 day", not "0 days".
                let left = (due - now + DAY - 1) / DAY;
                let plural = if left == 1 { "" } else { "s" };
                (
                    PasswordState::DueSoon,
                    Some(format!(
                        "The password expires in {left} day{plural}; change it at the portal \
                         before then, then save the new one in Keydesk."
                    )),
                )
            }
            _ => (PasswordState::Current, None),
        };
        Self {
            state,
            changed_at: Some(changed),
            age_days: Some(age_days),
            due_at,
            warning,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGED: i64 = 1_700_000_000;

    fn state_on_day(day: i64) -> PasswordAge {
        PasswordAge::at(Some(CHANGED), Some(60), CHANGED + day * DAY)
    }

    #[test]
    fn availity_warns_five_days_before_sixty() {
        assert_eq!(state_on_day(54).state, PasswordState::Current);
        let warned = state_on_day(55);
        assert_eq!(warned.state, PasswordState::DueSoon);
        assert!(
            warned.warning.as_deref().unwrap().contains("5 days"),
            "{warned:?}"
        );
        assert_eq!(state_on_day(59).state, PasswordState::DueSoon);
        let overdue = state_on_day(60);
        assert_eq!(overdue.state, PasswordState::Overdue);
        assert_eq!(overdue.age_days, Some(60));
        assert_eq!(overdue.due_at, Some(CHANGED + 60 * DAY));
    }

    #[test]
    fn last_hours_count_as_one_day() {
        let age = PasswordAge::at(Some(CHANGED), Some(60), CHANGED + 60 * DAY - 3600);
        assert_eq!(age.state, PasswordState::DueSoon);
        assert!(age.warning.unwrap().contains("in 1 day;"));
    }

    #[test]
    fn no_interval_never_warns_and_no_password_is_not_saved() {
        let old = PasswordAge::at(Some(CHANGED), None, CHANGED + 900 * DAY);
        assert_eq!(old.state, PasswordState::Current);
        assert_eq!(old.age_days, Some(900));
        assert_eq!(old.warning, None);
        assert_eq!(
            PasswordAge::at(None, Some(60), CHANGED).state,
            PasswordState::NotSaved
        );
    }

    #[test]
    fn clock_set_back_gives_age_zero() {
        let age = PasswordAge::at(Some(CHANGED), Some(60), CHANGED - 10 * DAY);
        assert_eq!(age.age_days, Some(0));
        assert_eq!(age.state, PasswordState::Current);
    }
}
