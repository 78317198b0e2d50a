//! Remembered devices: which portals remember this desk, since when and until when, so the desk
//! is warned before a portal starts asking for codes again.
//!
//! A record is made when a sign-in through Keydesk's portal window ticked "Remember this device"
//! ([`DeviceSource::KeydeskWindow`]); its end comes from the portal's remember cookie when that
//! is readable, else from the portal's `remember_device_days` policy, else it is unknown.
//! Records for a desk remembered in another browser are kept by hand
//! ([`DeviceSource::OutsideBrowser`]). Forgetting a Keydesk-window device clears the portal's
//! cookies first — through the app's web view, or the profile folder when no Keydesk window
//! runs ([`crate::browser_profile`]) — and its record only then. One record per portal and
//! source.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::browser_profile::PortalCookies;
use crate::error::{ErrorCode, Field};
use crate::i18n::{Locale, msg, text};
use crate::portal::Portal;
use crate::store::{Store, StoreError};

/// The schema step for `store::MIGRATIONS` (migration 4).
pub const MIGRATION: &str = "CREATE TABLE remembered_device (
    portal_id INTEGER NOT NULL REFERENCES portal (id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('keydesk_window', 'outside_browser')),
    since INTEGER NOT NULL,
    until INTEGER,
    until_from TEXT NOT NULL CHECK (until_from IN ('cookie', 'policy', 'by_hand', 'unknown')),
    browser TEXT NOT NULL DEFAULT '',
    reminded_at INTEGER,
    PRIMARY KEY (portal_id, source)
) STRICT;";

/// The setting that keeps when a sign-in through the Keydesk window last sent a code.
fn code_sign_in_key(portal_id: i64) -> String {
    format!("devices.code_sign_in.{portal_id}")
}

/// How many days before a device lapses the desk is warned.
pub const LAPSE_WARNING_DAYS: i64 = 3;

const DAY: i64 = 86_400;

/// Where the desk is remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceSource {
    /// This desk's Keydesk portal window (its own browser profile).
    KeydeskWindow,
    /// Another browser on this desk, recorded by hand.
    OutsideBrowser,
}

impl DeviceSource {
    /// The stable identifier used in the database, files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeydeskWindow => "keydesk_window",
            Self::OutsideBrowser => "outside_browser",
        }
    }

    /// Parses [`DeviceSource::as_str`] (also `keydesk` and `browser`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "keydesk_window" | "keydesk" => Some(Self::KeydeskWindow),
            "outside_browser" | "browser" => Some(Self::OutsideBrowser),
            _ => None,
        }
    }
}

/// Where a record's end date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum UntilFrom {
    /// The portal's remember cookie's expiry.
    Cookie,
    /// The portal's remember-device policy (days).
    Policy,
    /// Entered by hand.
    ByHand,
    /// Not known.
    Unknown,
}

impl UntilFrom {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::Policy => "policy",
            Self::ByHand => "by_hand",
            Self::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "cookie" => Self::Cookie,
            "policy" => Self::Policy,
            "by_hand" => Self::ByHand,
            _ => Self::Unknown,
        }
    }
}

/// One remembered device, as the Devices view and `keydesk-cli device list` show it at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RememberedDevice {
    /// The portal.
    pub portal_id: i64,
    /// Its name.
    pub portal: String,
    /// Where the desk is remembered.
    pub source: DeviceSource,
    /// The other browser's name, for outside-browser records.
    pub browser: String,
    /// Where the desk is remembered, in words: "Keydesk window", the other browser's name, or
    /// "Outside browser". The one wording the app, its reminders and the CLI all show.
    pub place: String,
    /// Remembered since (UNIX seconds).
    pub since: i64,
    /// Remembered until (UNIX seconds), when known.
    pub until: Option<i64>,
    /// Where `until` came from.
    pub until_from: UntilFrom,
    /// Days left, rounded up (1 on the last day), when the end is known and not passed.
    pub days_left: Option<i64>,
    /// It lapses within [`LAPSE_WARNING_DAYS`].
    pub lapses_soon: bool,
    /// It has lapsed: the portal will ask for a code again.
    pub lapsed: bool,
    /// When the desk was last reminded that it lapses (UNIX seconds).
    pub reminded_at: Option<i64>,
}

/// What forgetting a device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// The portal's cookies were there and were cleared.
    pub cookies_cleared: bool,
    /// The record was there and was removed.
    pub record_removed: bool,
}

/// Why a device operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeviceError {
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such record.
    #[error("{portal} has no remembered-device record for {place}")]
    NotFound {
        /// The portal's name.
        portal: String,
        /// Where the record was for, in words.
        place: &'static str,
    },
    /// The portal's cookies could not all be cleared; the record was kept, so the list stays
    /// true.
    #[error("{portal}: {reason}. The record was kept; close the portal window and try again.")]
    Cookies {
        /// The portal's name.
        portal: String,
        /// What could not be cleared.
        reason: String,
    },
    /// A value given is not usable; nothing was saved.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which value.
        field: Field,
        /// What is wrong, in plain words.
        reason: String,
    },
}

impl DeviceError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Store(_) => ErrorCode::Database,
            Self::NotFound { .. } => ErrorCode::DeviceNotFound,
            Self::Cookies { .. } => ErrorCode::DeviceCookies,
            Self::Invalid { .. } => ErrorCode::DeviceInvalid,
        }
    }
}

impl From<rusqlite::Error> for DeviceError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(error))
    }
}

/// The end of a Keydesk-window record: the cookie's expiry when readable, else the policy.
pub fn until_for(
    portal: &Portal,
    cookie_expiry: Option<i64>,
    now: i64,
) -> (Option<i64>, UntilFrom) {
    match (cookie_expiry, portal.fields.remember_device_days) {
        (Some(at), _) if at > now => (Some(at), UntilFrom::Cookie),
        (_, Some(days)) => (Some(now + i64::from(days) * DAY), UntilFrom::Policy),
        _ => (None, UntilFrom::Unknown),
    }
}

fn place(source: DeviceSource, browser: &str) -> String {
    match source {
        DeviceSource::KeydeskWindow => "Keydesk window".to_owned(),
        DeviceSource::OutsideBrowser if browser.is_empty() => "Outside browser".to_owned(),
        DeviceSource::OutsideBrowser => browser.to_owned(),
    }
}

impl RememberedDevice {
    /// The reminder shown a few days before the device lapses, in `locale`: a summary and a
    /// body that says what to do.
    pub fn reminder(&self, locale: Locale) -> crate::notification::Notification {
        let when = match self.days_left.unwrap_or(0) {
            ..=1 => text(locale, msg::NOTE_DEVICE_WITHIN_A_DAY, &[]),
            days => text(locale, msg::NOTE_DEVICE_IN_DAYS, &[("days", &days)]),
        };
        let place = match self.source {
            DeviceSource::KeydeskWindow => text(locale, msg::NOTE_DEVICE_THIS_WINDOW, &[]),
            DeviceSource::OutsideBrowser => self.place.clone(),
        };
        crate::notification::Notification {
            summary: text(locale, msg::NOTE_DEVICE_LAPSES, &[]),
            body: text(
                locale,
                msg::NOTE_DEVICE_LAPSES_BODY,
                &[("portal", &self.portal), ("place", &place), ("when", &when)],
            ),
            opens: None,
            open_label: text(locale, msg::NOTE_SHOW_IN_KEYDESK, &[]),
        }
    }
}

fn source_words(source: DeviceSource) -> &'static str {
    match source {
        DeviceSource::KeydeskWindow => "the Keydesk window",
        DeviceSource::OutsideBrowser => "an outside browser",
    }
}

/// The remembered devices of one desk.
#[derive(Debug)]
pub struct DeviceBook<'s> {
    store: &'s mut Store,
}

impl<'s> DeviceBook<'s> {
    /// The records in `store`.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    /// Every record as of `now`, by portal name.
    pub fn list(&mut self, now: i64) -> Result<Vec<RememberedDevice>, DeviceError> {
        let conn = self.store.conn();
        let mut statement = conn.prepare(
            "SELECT d.portal_id, p.name, d.source, d.browser, d.since, d.until, d.until_from,
                    d.reminded_at
             FROM remembered_device d JOIN portal p ON p.id = d.portal_id
             ORDER BY p.name_key, d.source",
        )?;
        let rows = statement.query_map([], |r| {
            let until: Option<i64> = r.get(5)?;
            let source: String = r.get(2)?;
            let from: String = r.get(6)?;
            let source = DeviceSource::parse(&source).unwrap_or(DeviceSource::OutsideBrowser);
            let browser: String = r.get(3)?;
            Ok(RememberedDevice {
                portal_id: r.get(0)?,
                portal: r.get(1)?,
                place: place(source, &browser),
                source,
                browser,
                since: r.get(4)?,
                until,
                until_from: UntilFrom::parse(&from),
                days_left: until
                    .filter(|u| *u > now)
                    .map(|u| (u - now + DAY - 1) / DAY),
                lapses_soon: until.is_some_and(|u| u > now && u - now <= LAPSE_WARNING_DAYS * DAY),
                lapsed: until.is_some_and(|u| u <= now),
                reminded_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records that a sign-in through the Keydesk window ticked "Remember this device" at `now`.
    /// A record already there keeps its start unless it had lapsed.
    pub fn remembered(
        &mut self,
        portal: &Portal,
        cookie_expiry: Option<i64>,
        now: i64,
    ) -> Result<(), DeviceError> {
        let (until, from) = until_for(portal, cookie_expiry, now);
        self.store.conn().execute(
            "INSERT INTO remembered_device (portal_id, source, since, until, until_from)
             VALUES (?1, 'keydesk_window', ?2, ?3, ?4)
             ON CONFLICT (portal_id, source) DO UPDATE SET
                since = CASE WHEN until IS NOT NULL AND until <= ?2 THEN ?2 ELSE since END,
                until = excluded.until, until_from = excluded.until_from, reminded_at = NULL",
            params![portal.id, now, until, from.as_str()],
        )?;
        Ok(())
    }

    /// Records what a finished sign-in through the Keydesk window says about this desk: a
    /// ticked "Remember this device" makes (or renews) the record; a code the portal did not ask
    /// for, on a portal that has a second step, means the desk was remembered: the cookie's end
    /// is taken if it moved, and where there was no record (the remember control was of a kind
    /// not seen, or the portal remembers by a cookie not recognised) one is made, since the last
    /// sign-in that sent a code — if one ever did. `cookie_expiry` is the remember cookie's end,
    /// when read.
    pub fn after_sign_in(
        &mut self,
        portal: &Portal,
        remember_ticked: bool,
        skipped_code: bool,
        cookie_expiry: Option<i64>,
        now: i64,
    ) -> Result<(), DeviceError> {
        let has_step = portal.fields.second_step != crate::portal::SecondStep::None;
        if has_step && !skipped_code {
            self.store.conn().execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![code_sign_in_key(portal.id), now.to_string()],
            )?;
        }
        if remember_ticked {
            return self.remembered(portal, cookie_expiry, now);
        }
        if !(skipped_code && has_step) {
            return Ok(());
        }
        let current: Option<Option<i64>> = self
            .store
            .conn()
            .query_row(
                "SELECT until FROM remembered_device
                 WHERE portal_id = ?1 AND source = 'keydesk_window'",
                [portal.id],
                |r| r.get(0),
            )
            .optional()?;
        let lapsed = match current {
            None => true,
            Some(until) => until.is_some_and(|u| u <= now),
        };
        if !lapsed {
            return self.refresh(portal, cookie_expiry, now);
        }
        let asked: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT value FROM setting WHERE key = ?1",
                [code_sign_in_key(portal.id)],
                |r| r.get(0),
            )
            .optional()?;
        let Some(since) = asked.and_then(|v| v.parse::<i64>().ok()) else {
            // It never asked this desk for a code: nothing says it remembers the desk.
            return Ok(());
        };
        let (until, from) = until_for(portal, cookie_expiry, now);
        self.store.conn().execute(
            "INSERT INTO remembered_device (portal_id, source, since, until, until_from)
             VALUES (?1, 'keydesk_window', ?2, ?3, ?4)
             ON CONFLICT (portal_id, source) DO UPDATE SET
                since = excluded.since, until = excluded.until,
                until_from = excluded.until_from, reminded_at = NULL",
            params![portal.id, since, until, from.as_str()],
        )?;
        Ok(())
    }

    /// After a sign-in that the remembered device let skip the code: takes the cookie's new
    /// expiry, if the portal moved it. Makes no record where there was none.
    pub fn refresh(
        &mut self,
        portal: &Portal,
        cookie_expiry: Option<i64>,
        now: i64,
    ) -> Result<(), DeviceError> {
        let Some(at) = cookie_expiry.filter(|at| *at > now) else {
            return Ok(());
        };
        self.store.conn().execute(
            "UPDATE remembered_device SET until = ?2, until_from = 'cookie',
                reminded_at = CASE WHEN until = ?2 THEN reminded_at ELSE NULL END
             WHERE portal_id = ?1 AND source = 'keydesk_window'",
            params![portal.id, at],
        )?;
        Ok(())
    }

    /// Keeps, by hand, a record for a desk remembered in another browser. `until` may be left
    /// out (unknown); `days` gives it from `since` instead.
    pub fn add_by_hand(
        &mut self,
        portal: &Portal,
        browser: &str,
        since: i64,
        until: Option<i64>,
    ) -> Result<(), DeviceError> {
        let browser = browser.trim();
        if browser.chars().count() > 60 || browser.chars().any(char::is_control) {
            return Err(DeviceError::Invalid {
                field: Field::Browser,
                reason: "give a short name such as \"Chrome on the front desk PC\"".into(),
            });
        }
        if let Some(u) = until.filter(|u| *u <= since) {
            return Err(DeviceError::Invalid {
                field: Field::Until,
                reason: format!("ends ({u}) before it starts ({since}); check the dates"),
            });
        }
        let from = if until.is_some() {
            UntilFrom::ByHand
        } else {
            UntilFrom::Unknown
        };
        self.store.conn().execute(
            "INSERT INTO remembered_device (portal_id, source, since, until, until_from, browser)
             VALUES (?1, 'outside_browser', ?2, ?3, ?4, ?5)
             ON CONFLICT (portal_id, source) DO UPDATE SET since = excluded.since,
                until = excluded.until, until_from = excluded.until_from,
                browser = excluded.browser, reminded_at = NULL",
            params![portal.id, since, until, from.as_str(), browser],
        )?;
        Ok(())
    }

    /// Forgets a remembered device, for the app and the command-line tool alike. For the
    /// Keydesk window the portal's cookies go first, through `cookies`, and the record only once
    /// that worked: the list never says "forgotten" while the portal still remembers the desk.
    /// Cookies cleared without a record (it was never made, or lost) still count as forgotten.
    /// An outside browser's record just goes (its cookies are that browser's).
    pub fn forget(
        &mut self,
        portal: &Portal,
        source: DeviceSource,
        cookies: &dyn PortalCookies,
    ) -> Result<Forgotten, DeviceError> {
        let cookies_cleared = match source {
            DeviceSource::KeydeskWindow => {
                cookies
                    .clear(portal)
                    .map_err(|reason| DeviceError::Cookies {
                        portal: portal.fields.name.clone(),
                        reason,
                    })?
            }
            DeviceSource::OutsideBrowser => false,
        };
        let record_removed = self.store.conn().execute(
            "DELETE FROM remembered_device WHERE portal_id = ?1 AND source = ?2",
            params![portal.id, source.as_str()],
        )? > 0;
        if !record_removed && !cookies_cleared {
            return Err(DeviceError::NotFound {
                portal: portal.fields.name.clone(),
                place: source_words(source),
            });
        }
        Ok(Forgotten {
            cookies_cleared,
            record_removed,
        })
    }

    /// The records that lapse soon and whose reminder has not been given yet.
    pub fn due_reminders(&mut self, now: i64) -> Result<Vec<RememberedDevice>, DeviceError> {
        Ok(self
            .list(now)?
            .into_iter()
            .filter(|d| d.lapses_soon && d.reminded_at.is_none())
            .collect())
    }

    /// Notes that the desk was reminded about a record at `now`.
    pub fn mark_reminded(
        &mut self,
        portal_id: i64,
        source: DeviceSource,
        now: i64,
    ) -> Result<(), DeviceError> {
        self.store.conn().execute(
            "UPDATE remembered_device SET reminded_at = ?3 WHERE portal_id = ?1 AND source = ?2",
            params![portal_id, source.as_str(), now],
        )?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "devices_tests.rs"]
mod tests;
