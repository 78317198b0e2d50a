//! Remembered devices: which portals remember this desk and until when, forgetting one (its
//! cookies first), records kept by hand for outside browsers, and the reminder before one
//! lapses.

use std::time::Duration;

use serde::Deserialize;

use super::{Area, Error, Keydesk, Now};
use crate::browser_profile::{PortalCookies, ProfileFolder};
use crate::calendar;
use crate::devices::{DeviceBook, DeviceError, DeviceSource, Forgotten, RememberedDevice};
use crate::error::Field;
use crate::portal::PortalBook;

/// How often lapsing devices are looked for (also once shortly after start).
const REMINDER_EVERY: Duration = Duration::from_secs(3600);
/// The first look, once the desk has settled after start.
const FIRST_REMINDER_AFTER: Duration = Duration::from_secs(5);

/// A record for a desk remembered in another browser, as the person typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct OutsideRecord {
    /// Which browser ("Chrome on the front desk PC"); may be empty.
    #[serde(default)]
    pub browser: String,
    /// Remembered since, `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub since: Option<String>,
    /// Remembered until, `YYYY-MM-DD`; unknown when empty (unless `days` gives it).
    #[serde(default)]
    pub until: Option<String>,
    /// Remembered for this many days from `since`, instead of `until`.
    #[serde(default)]
    pub days: Option<u32>,
}

/// Every remembered device with its days left at `now`.
pub fn list(kd: &Keydesk, now: Now) -> Result<Vec<RememberedDevice>, Error> {
    Ok(DeviceBook::new(kd.desk().store()).list(now.secs())?)
}

fn date(text: Option<&str>, field: Field) -> Result<Option<i64>, Error> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    calendar::parse_date(text).map(Some).ok_or_else(|| {
        DeviceError::Invalid {
            field,
            reason: format!("\"{text}\" is not a date like 2026-03-31"),
        }
        .into()
    })
}

/// Keeps, by hand, a record for a desk remembered in another browser.
pub fn add(kd: &Keydesk, portal_id: i64, record: &OutsideRecord, now: Now) -> Result<(), Error> {
    let since = date(record.since.as_deref(), Field::Since)?.unwrap_or(now.secs());
    let until = match (date(record.until.as_deref(), Field::Until)?, record.days) {
        (Some(_), Some(_)) => {
            return Err(DeviceError::Invalid {
                field: Field::Until,
                reason: "give an end date or a number of days, not both".into(),
            }
            .into());
        }
        (until, None) => until,
        (None, Some(days)) => Some(since + i64::from(days) * 86_400),
    };
    {
        let mut desk = kd.desk();
        let portal = PortalBook::new(desk.store()).get(portal_id)?;
        DeviceBook::new(desk.store()).add_by_hand(&portal, &record.browser, since, until)?;
    }
    kd.changed(Area::Devices);
    Ok(())
}

/// Forgets a remembered device. For the Keydesk window the portal's own cookies go first,
/// through `cookies` (the window's web engine), or with no window running by deleting the
/// portal's browser profile; the record is kept if they could not all be deleted, so the list
/// stays true.
pub fn forget(
    kd: &Keydesk,
    portal_id: i64,
    source: DeviceSource,
    cookies: Option<&dyn PortalCookies>,
) -> Result<Forgotten, Error> {
    kd.unlocked()?;
    super::portals::visible(kd, portal_id)?;
    let forgotten = {
        let mut desk = kd.desk();
        let portal = PortalBook::new(desk.store()).get(portal_id)?;
        let data_dir = desk.data_dir().to_owned();
        let folder = ProfileFolder {
            data_dir: &data_dir,
        };
        let cookies = cookies.unwrap_or(&folder);
        DeviceBook::new(desk.store()).forget(&portal, source, cookies)?
    };
    tracing::info!(
        portal = portal_id,
        source = source.as_str(),
        "forgot a remembered device"
    );
    kd.audit(
        crate::audit::Action::DeviceForgotten,
        kd.portal_name(portal_id),
        source.as_str(),
    );
    kd.changed(Area::Devices);
    Ok(forgotten)
}

/// Reminds the desk with a notification a few days before a device lapses: shortly after start
/// and then every hour. A reminder that cannot be shown is tried again next time.
pub(crate) fn start_reminders(kd: &Keydesk) {
    let Some(notifier) = kd.notifier.clone() else {
        return;
    };
    let desk = kd.desk.clone();
    let locale = kd.shared_locale();
    kd.tasks.spawn(async move {
        tokio::time::sleep(FIRST_REMINDER_AFTER).await;
        loop {
            remind(&desk, &notifier, locale.get(), Now::system()).await;
            tokio::time::sleep(REMINDER_EVERY).await;
        }
    });
}

async fn remind(
    desk: &std::sync::Mutex<crate::desk::Desk>,
    notifier: &std::sync::Arc<dyn crate::notification::Notifier>,
    locale: crate::i18n::Locale,
    now: Now,
) {
    let lock = || desk.lock().unwrap_or_else(|e| e.into_inner());
    let due = match DeviceBook::new(lock().store()).due_reminders(now.secs()) {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not look for lapsing devices");
            return;
        }
    };
    for device in due {
        let notification = device.reminder(locale);
        let notifier = notifier.clone();
        // notify-rust talks D-Bus synchronously: off the runtime's threads.
        let shown = tokio::task::spawn_blocking(move || notifier.show(&notification))
            .await
            .map_err(|e| e.to_string())
            .and_then(|shown| shown);
        match shown {
            Ok(()) => {
                if let Err(e) = DeviceBook::new(lock().store()).mark_reminded(
                    device.portal_id,
                    device.source,
                    now.secs(),
                ) {
                    tracing::warn!(error = %e, "could not note the reminder");
                }
                tracing::info!(
                    portal = device.portal_id,
                    "reminded that a remembered device lapses soon"
                );
            }
            Err(e) => tracing::warn!(error = %e, "could not show the lapse reminder"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::error::ErrorCode;
    use crate::portal::PortalFields;

    fn desk_with_portal(dir: &std::path::Path) -> (Keydesk, i64) {
        let kd = Keydesk::for_tests(dir, Platform::default());
        let portal = crate::api::portals::add(
            &kd,
            PortalFields {
                name: "Delta Dental".into(),
                login_url: "https://www.deltadentalins.com/ciam/login".into(),
                ..Default::default()
            },
            None,
            Now::from_secs(0),
        )
        .unwrap();
        (kd, portal.id)
    }

    #[test]
    fn dates_are_read_in_the_core_and_a_day_the_month_lacks_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk_with_portal(dir.path());
        let bad = OutsideRecord {
            since: Some("2026-02-30".into()),
            ..Default::default()
        };
        let err = add(&kd, id, &bad, Now::from_secs(0)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::DeviceInvalid);
        assert_eq!(err.field(), Some(Field::Since));
        let good = OutsideRecord {
            browser: "Chrome at the front desk".into(),
            since: Some("2026-03-01".into()),
            days: Some(30),
            ..Default::default()
        };
        let now = Now::from_secs(calendar::parse_date("2026-03-02").unwrap());
        add(&kd, id, &good, now).unwrap();
        let listed = list(&kd, now).unwrap();
        assert_eq!(listed[0].until, calendar::parse_date("2026-03-31"));
        assert_eq!(listed[0].days_left, Some(29));
    }

    #[test]
    fn an_end_date_and_a_number_of_days_together_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk_with_portal(dir.path());
        let both = OutsideRecord {
            until: Some("2026-04-01".into()),
            days: Some(30),
            ..Default::default()
        };
        let err = add(&kd, id, &both, Now::from_secs(0)).unwrap_err();
        assert_eq!(err.field(), Some(Field::Until));
    }

    #[test]
    fn an_outside_record_is_forgotten_and_a_second_forget_says_there_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk_with_portal(dir.path());
        add(&kd, id, &OutsideRecord::default(), Now::from_secs(0)).unwrap();
        let forgotten = forget(&kd, id, DeviceSource::OutsideBrowser, None).unwrap();
        assert!(forgotten.record_removed);
        let err = forget(&kd, id, DeviceSource::OutsideBrowser, None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::DeviceNotFound);
    }
}
