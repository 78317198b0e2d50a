//! Delays between reconnect attempts: exponential, capped, with jitter, and slow for failures
//! that waiting a few seconds cannot fix (a refused password), so a wrong mailbox password never
//! becomes a retry storm that locks the office's mail account.

use std::time::Duration;

use crate::mailbox::MailboxError;

/// The first delay and the longest delay for each kind of failure. The defaults suit a desk;
/// tests that restart their server shorten the network ones so they finish in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryTimings {
    /// After a network or protocol failure (server down, connection cut): first delay.
    pub network_first: Duration,
    /// … and the longest.
    pub network_cap: Duration,
    /// After the server refused the password (or none is stored): first delay.
    pub refused_first: Duration,
    /// … and the longest.
    pub refused_cap: Duration,
    /// After a setup problem (untrusted certificate, missing folder): first delay.
    pub setup_first: Duration,
    /// … and the longest.
    pub setup_cap: Duration,
}

impl Default for RetryTimings {
    fn default() -> Self {
        Self {
            network_first: Duration::from_secs(1),
            network_cap: Duration::from_secs(300),
            // A refused password will not fix itself in seconds; retrying fast could lock the
            // account. Start at five minutes, at most one attempt an hour.
            refused_first: Duration::from_secs(300),
            refused_cap: Duration::from_secs(3600),
            setup_first: Duration::from_secs(60),
            setup_cap: Duration::from_secs(3600),
        }
    }
}

/// Delays between reconnect attempts.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    timings: RetryTimings,
    failures: u32,
}

impl Backoff {
    /// A backoff with other timings than the defaults.
    pub fn with_timings(timings: RetryTimings) -> Self {
        Self {
            timings,
            failures: 0,
        }
    }

    /// The delay after another failure. `jitter` in `[0, 1)` spreads desks that failed together.
    pub fn next(&mut self, error: &MailboxError, jitter: f64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let t = &self.timings;
        let (first, cap) = match error {
            MailboxError::SignInFailed | MailboxError::NoPassword | MailboxError::Invalid(_) => {
                (t.refused_first, t.refused_cap)
            }
            MailboxError::Untrusted(_) | MailboxError::NoSuchFolder(_) => {
                (t.setup_first, t.setup_cap)
            }
            _ => (t.network_first, t.network_cap),
        };
        let exponent = (self.failures - 1).min(16) as i32;
        let delay = (first.as_secs_f64() * 2f64.powi(exponent)).min(cap.as_secs_f64());
        Duration::from_secs_f64(delay * (1.0 + 0.25 * jitter.clamp(0.0, 1.0)))
    }

    /// Forgets past failures after a good connection.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_failures_back_off_exponentially_with_a_cap() {
        let mut backoff = Backoff::default();
        let error = MailboxError::Protocol("x".into());
        let delays: Vec<u64> = (0..12)
            .map(|_| backoff.next(&error, 0.0).as_secs())
            .collect();
        assert_eq!(&delays[..5], &[1, 2, 4, 8, 16]);
        assert_eq!(*delays.last().unwrap(), 300, "capped at five minutes");
        backoff.reset();
        assert_eq!(
            backoff.next(&error, 0.0).as_secs(),
            1,
            "a good connection resets the backoff"
        );
    }

    #[test]
    fn a_refused_password_is_retried_rarely_so_the_account_never_locks() {
        let mut backoff = Backoff::default();
        let first = backoff.next(&MailboxError::SignInFailed, 0.0);
        assert!(
            first >= Duration::from_secs(300),
            "first retry after {first:?}"
        );
        let attempts_in_a_day = {
            let mut b = Backoff::default();
            let mut elapsed = Duration::ZERO;
            let mut n = 0;
            while elapsed < Duration::from_secs(86_400) {
                elapsed += b.next(&MailboxError::SignInFailed, 0.0);
                n += 1;
            }
            n
        };
        assert!(
            attempts_in_a_day <= 30,
            "{attempts_in_a_day} sign-in attempts a day is a storm"
        );
    }

    #[test]
    fn jitter_spreads_retries_by_at_most_a_quarter() {
        let error = MailboxError::Protocol("x".into());
        let low = Backoff::default().next(&error, 0.0);
        let high = Backoff::default().next(&error, 0.999);
        assert!(
            high > low && high <= low.mul_f64(1.25),
            "{low:?} .. {high:?}"
        );
    }

    #[test]
    fn shortened_timings_apply_to_network_failures_only() {
        let timings = RetryTimings {
            network_first: Duration::from_millis(50),
            network_cap: Duration::from_millis(200),
            ..RetryTimings::default()
        };
        let mut backoff = Backoff::with_timings(timings);
        let error = MailboxError::Protocol("x".into());
        let delays: Vec<u128> = (0..4)
            .map(|_| backoff.next(&error, 0.0).as_millis())
            .collect();
        assert_eq!(delays, vec![50, 100, 200, 200]);
        assert_eq!(
            Backoff::with_timings(timings)
                .next(&MailboxError::SignInFailed, 0.0)
                .as_secs(),
            300,
            "a refused password still waits minutes"
        );
    }
}
