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
//! Failures back off exponentially with jitter; a refused password backs off for minutes, so a
//! wrong mailbox password never becomes a retry storm that locks the office's mail account.

use std::time::Duration;

use futures::TryStreamExt;
use tokio::sync::{mpsc, watch};

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

/// Delays between reconnect attempts.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The delay after another failure. `jitter` in `[0, 1)` spreads desks that failed together.
    pub fn next(&mut self, error: &MailboxError, jitter: f64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let (base, cap) = match error {
            // A refused password will not fix itself in seconds; retrying fast could lock the
            // account. Start at five minutes, at most one attempt an hour.
            MailboxError::SignInFailed | MailboxError::NoPassword | MailboxError::Invalid(_) => {
                (300.0, 3600.0)
            }
            MailboxError::Untrusted(_) | MailboxError::NoSuchFolder(_) => (60.0, 3600.0),
            _ => (1.0, 300.0),
        };
        let exponent = (self.failures - 1).min(16) as i32;
        let delay: f64 = (base * 2f64.powi(exponent)).min(cap);
        Duration::from_secs_f64(delay * (1.0 + 0.25 * jitter.clamp(0.0, 1.0)))
    }

    /// Forgets past failures after a good connection.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
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
        }
    }

    /// Runs until `shutdown` turns true (or its sender is dropped), reconnecting as needed.
    /// `jitter` supplies values in `[0, 1)` for the backoff.
    pub async fn run(
        self,
        events: mpsc::Sender<WatchEvent>,
        mut shutdown: watch::Receiver<bool>,
        mut jitter: impl FnMut() -> f64 + Send,
    ) {
        let mut cursor: Option<Cursor> = None;
        let mut backoff = Backoff::default();
        while !*shutdown.borrow() {
            let error = match self
                .session(&mut cursor, &mut backoff, &events, &mut shutdown)
                .await
            {
                Ok(()) => return,
                Err(error) => error,
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
            tokio::select! {
                () = tokio::time::sleep(retry_in) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// One connection's life: sign in, resync, then wait for mail until it fails or shutdown.
    async fn session(
        &self,
        cursor: &mut Option<Cursor>,
        backoff: &mut Backoff,
        events: &mpsc::Sender<WatchEvent>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), MailboxError> {
        let mut session = mailbox::sign_in(&self.settings, &self.password).await?;
        let capabilities = session.capabilities().await.map_err(protocol)?;
        let (idle, within) = (capabilities.has_str("IDLE"), capabilities.has_str("WITHIN"));
        let selected = match session.select(&self.folder).await {
            Ok(selected) => selected,
            Err(async_imap::error::Error::No(_)) => {
                return Err(MailboxError::NoSuchFolder(self.folder.clone()));
            }
            Err(e) => return Err(protocol(e)),
        };
        let uid_validity = selected.uid_validity.unwrap_or(0);
        backoff.reset();
        let connected = WatchEvent::Connected {
            folder: self.folder.clone(),
            idle,
        };
        if events.send(connected).await.is_err() {
            return Ok(());
        }
        loop {
            self.sync(&mut session, uid_validity, within, cursor, events)
                .await?;
            if idle {
                let handle = session.idle();
                match self.wait_idle(handle, shutdown).await? {
                    (s, false) => session = s,
                    (s, true) => {
                        let mut s = s;
                        let _ = s.logout().await;
                        return Ok(());
                    }
                }
            } else {
                tokio::select! {
                    () = tokio::time::sleep(self.poll_interval) => {}
                    _ = shutdown.changed() => {
                        let _ = session.logout().await;
                        return Ok(());
                    }
                }
                session.noop().await.map_err(protocol)?;
            }
        }
    }

    /// Waits in IDLE for new data, the renewal time or shutdown; returns the session and
    /// whether shutdown was asked for.
    async fn wait_idle(
        &self,
        mut handle: async_imap::extensions::idle::Handle<Box<dyn mailbox::ImapTransport>>,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(Session, bool), MailboxError> {
        handle.init().await.map_err(protocol)?;
        let stop = {
            let (wait, _interrupt) = handle.wait_with_timeout(self.idle_renew);
            tokio::select! {
                result = wait => { result.map_err(protocol)?; false }
                () = tokio::time::sleep(self.idle_renew) => false,
                _ = shutdown.changed() => true,
            }
        };
        let session = handle.done().await.map_err(protocol)?;
        Ok((session, stop))
    }

    /// Fetches what arrived since `cursor` (or recent mail on a first or renumbered sync).
    async fn sync(
        &self,
        session: &mut Session,
        uid_validity: u32,
        within: bool,
        cursor: &mut Option<Cursor>,
        events: &mpsc::Sender<WatchEvent>,
    ) -> Result<(), MailboxError> {
        let mut uids: Vec<u32> = match cursor {
            Some(c) if c.uid_validity == uid_validity => {
                let last = c.last_uid;
                // "n:*" always matches the newest message even when its UID is below n.
                let found = session
                    .uid_search(format!("UID {}:*", last + 1))
                    .await
                    .map_err(protocol)?;
                found.into_iter().filter(|&uid| uid > last).collect()
            }
            _ => {
                let query = recent_query(self.lookback, within, std::time::SystemTime::now());
                session
                    .uid_search(query)
                    .await
                    .map_err(protocol)?
                    .into_iter()
                    .collect()
            }
        };
        uids.sort_unstable();
        let mut last_uid = match cursor {
            Some(c) if c.uid_validity == uid_validity => c.last_uid,
            _ => 0,
        };
        for batch in uids.chunks(FETCH_BATCH) {
            let set = batch
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let query =
                format!("(UID INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)");
            let fetched: Vec<_> = session
                .uid_fetch(&set, &query)
                .await
                .map_err(protocol)?
                .try_collect()
                .await
                .map_err(protocol)?;
            let mut messages: Vec<Fetched> = fetched
                .iter()
                .filter_map(|f| {
                    let uid = f.uid?;
                    let raw = f.body().unwrap_or_default().to_vec();
                    Some(Fetched {
                        folder: self.folder.clone(),
                        uid_validity,
                        uid,
                        delivered_at: f.internal_date().map(|d| d.timestamp()).unwrap_or(0),
                        truncated: f.size.is_some_and(|size| size as usize > raw.len()),
                        raw,
                    })
                })
                .collect();
            messages.sort_by_key(|m| m.uid);
            for message in messages {
                let uid = message.uid;
                if events.send(WatchEvent::Message(message)).await.is_err() {
                    return Ok(());
                }
                last_uid = last_uid.max(uid);
                *cursor = Some(Cursor {
                    uid_validity,
                    last_uid,
                });
            }
        }
        if cursor.is_none_or(|c| c.uid_validity != uid_validity) {
            *cursor = Some(Cursor {
                uid_validity,
                last_uid,
            });
        }
        Ok(())
    }
}

/// The search for mail younger than `lookback`: exact with WITHIN (RFC 5032), else by whole
/// days with SINCE (the caller filters by delivery time).
fn recent_query(lookback: Duration, within: bool, now: std::time::SystemTime) -> String {
    if within {
        return format!("YOUNGER {}", lookback.as_secs().max(1));
    }
    let since = now.checked_sub(lookback).unwrap_or(std::time::UNIX_EPOCH);
    let days = since
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    format!("SINCE {}", imap_date(days as i64))
}

/// `DD-Mon-YYYY` for a day number since 1970-01-01 (civil-from-days, Howard Hinnant).
fn imap_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{day:02}-{}-{year}", MONTHS[(month - 1) as usize])
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
    fn recent_mail_query_is_exact_with_within_and_by_day_without() {
        assert_eq!(
            recent_query(Duration::from_secs(86_400), true, std::time::UNIX_EPOCH),
            "YOUNGER 86400"
        );
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_763_800_000); // 2025-11-22
        assert_eq!(
            recent_query(Duration::from_secs(86_400), false, now),
            "SINCE 21-Nov-2025"
        );
    }

    #[test]
    fn imap_dates_follow_the_calendar() {
        assert_eq!(imap_date(0), "01-Jan-1970");
        assert_eq!(imap_date(11_016), "29-Feb-2000");
        assert_eq!(imap_date(20_780), "23-Nov-2026");
    }
}
