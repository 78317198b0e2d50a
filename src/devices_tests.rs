//! Remembered devices: records, days left, reminders, forgetting.

use std::cell::Cell;

use super::*;
use crate::browser_profile::PortalCookies;
use crate::portal::{PortalBook, PortalFields};

/// A web view's cookie jar, as the app's or the profile folder would clear it.
struct FakeCookies {
    there: Cell<bool>,
    fails: bool,
}

impl PortalCookies for FakeCookies {
    fn clear(&self, _portal: &Portal) -> Result<bool, String> {
        if self.fails {
            return Err("2 cookies of the portal could not be deleted".into());
        }
        Ok(self.there.replace(false))
    }
}

/// For an outside browser, whose cookies are not Keydesk's to clear.
struct NoCookies;

impl PortalCookies for NoCookies {
    fn clear(&self, _portal: &Portal) -> Result<bool, String> {
        panic!("an outside browser's cookies are never touched")
    }
}

fn setup(remember_days: Option<u32>) -> (Store, Portal) {
    let mut store = Store::open_in_memory().unwrap();
    let portal = PortalBook::new(&mut store)
        .add(
            PortalFields {
                name: "Cigna".into(),
                login_url: "https://cignaforhcp.cigna.com/app/login".into(),
                remember_device_days: remember_days,
                ..Default::default()
            },
            0,
        )
        .unwrap();
    (store, portal)
}

#[test]
fn the_cookie_expiry_beats_the_policy_and_days_left_count_down() {
    let (mut store, portal) = setup(Some(30));
    let now = 1_000_000;
    DeviceBook::new(&mut store)
        .remembered(&portal, Some(now + 10 * DAY), now)
        .unwrap();
    let list = DeviceBook::new(&mut store).list(now).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].until, list[0].until_from),
        (Some(now + 10 * DAY), UntilFrom::Cookie)
    );
    assert_eq!(list[0].days_left, Some(10));
    assert!(!list[0].lapses_soon);
    let later = DeviceBook::new(&mut store).list(now + 8 * DAY).unwrap();
    assert!(later[0].lapses_soon && !later[0].lapsed);
    assert_eq!(later[0].days_left, Some(2));
    let gone = DeviceBook::new(&mut store).list(now + 10 * DAY).unwrap();
    assert!(gone[0].lapsed && !gone[0].lapses_soon && gone[0].days_left.is_none());
}

#[test]
fn without_a_cookie_the_policy_decides_and_without_either_it_is_unknown() {
    let (mut store, portal) = setup(Some(30));
    DeviceBook::new(&mut store)
        .remembered(&portal, None, 100)
        .unwrap();
    let d = &DeviceBook::new(&mut store).list(100).unwrap()[0];
    assert_eq!(
        (d.until, d.until_from),
        (Some(100 + 30 * DAY), UntilFrom::Policy)
    );
    let (mut store, portal) = setup(None);
    DeviceBook::new(&mut store)
        .remembered(&portal, Some(50), 100)
        .unwrap();
    let d = &DeviceBook::new(&mut store).list(100).unwrap()[0];
    assert_eq!(
        (d.until, d.until_from),
        (None, UntilFrom::Unknown),
        "an expired cookie is no end"
    );
}

#[test]
fn a_reminder_is_due_once_per_end_date() {
    let (mut store, portal) = setup(None);
    let now = 1_000_000;
    DeviceBook::new(&mut store)
        .remembered(&portal, Some(now + 2 * DAY), now)
        .unwrap();
    let due = DeviceBook::new(&mut store).due_reminders(now).unwrap();
    assert_eq!(due.len(), 1);
    DeviceBook::new(&mut store)
        .mark_reminded(portal.id, DeviceSource::KeydeskWindow, now)
        .unwrap();
    assert!(
        DeviceBook::new(&mut store)
            .due_reminders(now)
            .unwrap()
            .is_empty()
    );
    // The portal moved the cookie's end: a new end gets its own reminder later.
    DeviceBook::new(&mut store)
        .refresh(&portal, Some(now + DAY), now)
        .unwrap();
    assert_eq!(
        DeviceBook::new(&mut store)
            .due_reminders(now)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn outside_browser_records_are_kept_by_hand_beside_the_window_record_and_forgotten() {
    let (mut store, portal) = setup(Some(7));
    let mut book = DeviceBook::new(&mut store);
    book.remembered(&portal, None, 100).unwrap();
    book.add_by_hand(&portal, "Chrome at the front desk", 50, Some(50 + 90 * DAY))
        .unwrap();
    assert_eq!(book.list(100).unwrap().len(), 2);
    let err = book
        .add_by_hand(&portal, "Edge", 100, Some(90))
        .unwrap_err();
    assert_eq!(err.code(), "device_invalid");
    book.forget(&portal, DeviceSource::OutsideBrowser, &NoCookies)
        .unwrap();
    let left = book.list(100).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].source, DeviceSource::KeydeskWindow);
    let err = book
        .forget(&portal, DeviceSource::OutsideBrowser, &NoCookies)
        .unwrap_err();
    assert_eq!(err.code(), "device_not_found");
}

#[test]
fn a_removed_portal_takes_its_records_with_it() {
    let (mut store, portal) = setup(Some(7));
    DeviceBook::new(&mut store)
        .remembered(&portal, None, 100)
        .unwrap();
    let keychain = crate::keychain::MemoryKeychain::default();
    PortalBook::new(&mut store)
        .remove(portal.id, &keychain)
        .unwrap();
    assert!(DeviceBook::new(&mut store).list(100).unwrap().is_empty());
}

#[test]
fn forgetting_clears_the_cookies_before_the_record_and_keeps_the_record_when_they_stay() {
    // Regression: `keydesk-cli device forget` deleted the record first, so a profile that
    // could not be deleted left the desk remembered with no record of it; and with no record,
    // the profile was never deleted at all.
    let (mut store, portal) = setup(Some(7));
    let mut book = DeviceBook::new(&mut store);
    book.remembered(&portal, None, 100).unwrap();
    let stuck = FakeCookies {
        there: Cell::new(true),
        fails: true,
    };
    let err = book
        .forget(&portal, DeviceSource::KeydeskWindow, &stuck)
        .unwrap_err();
    assert_eq!(err.code(), "device_cookies");
    assert!(err.to_string().contains("record was kept"), "{err}");
    assert_eq!(book.list(100).unwrap().len(), 1, "the record stays true");

    let jar = FakeCookies {
        there: Cell::new(true),
        fails: false,
    };
    assert_eq!(
        book.forget(&portal, DeviceSource::KeydeskWindow, &jar)
            .unwrap(),
        Forgotten {
            cookies_cleared: true,
            record_removed: true
        }
    );
    assert!(book.list(100).unwrap().is_empty());

    // No record (say it was never made) but cookies there: they are cleared all the same.
    let jar = FakeCookies {
        there: Cell::new(true),
        fails: false,
    };
    assert_eq!(
        book.forget(&portal, DeviceSource::KeydeskWindow, &jar)
            .unwrap(),
        Forgotten {
            cookies_cleared: true,
            record_removed: false
        }
    );
    // Nothing at all to forget.
    let err = book
        .forget(&portal, DeviceSource::KeydeskWindow, &jar)
        .unwrap_err();
    assert_eq!(err.code(), "device_not_found");
}
