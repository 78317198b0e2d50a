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
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
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
    let crate::notification::Notification { summary, body, .. } =
        due[0].reminder(crate::i18n::Locale::En);
    assert_eq!(summary, "A remembered device lapses soon");
    assert!(
        body.starts_with(&format!(
            "{} stops remembering this desk's Keydesk window in 2 days.",
            portal.fields.name
        )),
        "{body}"
    );
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
    let places: Vec<String> = book
        .list(100)
        .unwrap()
        .into_iter()
        .map(|d| d.place)
        .collect();
    assert_eq!(places.len(), 2);
    assert!(places.contains(&"Keydesk window".to_owned()), "{places:?}");
    assert!(
        places.contains(&"Chrome at the front desk".to_owned()),
        "{places:?}"
    );
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

#[test]
fn a_sign_in_records_the_desk_only_when_the_portal_remembered_it() {
    let (mut store, portal) = setup(Some(30));
    let mut book = DeviceBook::new(&mut store);
    // No second step at all (SSO): skipping the code says nothing about this desk.
    book.after_sign_in(&portal, false, true, None, 100).unwrap();
    assert!(book.list(100).unwrap().is_empty());
    // A code was asked for and sent, the box left unticked: nothing to remember.
    book.after_sign_in(&portal, false, false, None, 100)
        .unwrap();
    assert!(book.list(100).unwrap().is_empty());
    // Ticked: recorded, until the cookie's end.
    book.after_sign_in(&portal, true, false, Some(100 + 10 * DAY), 100)
        .unwrap();
    let list = book.list(100).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].until, Some(100 + 10 * DAY));
    assert_eq!(list[0].until_from, UntilFrom::Cookie);
}

#[test]
fn a_skipped_code_on_a_portal_with_a_second_step_takes_the_cookies_new_end() {
    let (mut store, mut portal) = setup(None);
    portal.fields.second_step = crate::portal::SecondStep::EmailCode;
    let mut book = DeviceBook::new(&mut store);
    book.after_sign_in(&portal, true, false, Some(100 + 10 * DAY), 100)
        .unwrap();
    book.after_sign_in(&portal, false, true, Some(200 + 20 * DAY), 200)
        .unwrap();
    assert_eq!(book.list(200).unwrap()[0].until, Some(200 + 20 * DAY));
}

#[test]
fn a_skipped_code_after_a_code_marks_the_desk_remembered_since_that_sign_in() {
    let (mut store, mut portal) = setup(Some(30));
    portal.fields.second_step = crate::portal::SecondStep::EmailCode;
    let mut book = DeviceBook::new(&mut store);
    // Never asked for a code here: skipping it says nothing.
    book.after_sign_in(&portal, false, true, None, 50).unwrap();
    assert!(book.list(50).unwrap().is_empty());
    // A code was sent, remember not recognised on the page (nothing ticked).
    book.after_sign_in(&portal, false, false, None, 100)
        .unwrap();
    assert!(book.list(100).unwrap().is_empty());
    // The next sign-in skips the code: remembered since the sign-in that sent one.
    book.after_sign_in(&portal, false, true, None, 200).unwrap();
    let list = book.list(200).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].since, 100);
    assert_eq!(
        (list[0].until, list[0].until_from),
        (Some(200 + 30 * DAY), UntilFrom::Policy)
    );
    // A known cookie's expiry (Okta's DT) gives "until".
    let (mut store, mut portal) = setup(None);
    portal.fields.second_step = crate::portal::SecondStep::EmailCode;
    let mut book = DeviceBook::new(&mut store);
    book.after_sign_in(&portal, false, false, None, 100)
        .unwrap();
    book.after_sign_in(&portal, false, true, Some(200 + 365 * DAY), 200)
        .unwrap();
    let list = book.list(200).unwrap();
    assert_eq!(
        (list[0].since, list[0].until, list[0].until_from),
        (100, Some(200 + 365 * DAY), UntilFrom::Cookie)
    );
}
