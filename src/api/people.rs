//! Locking and unlocking the desk, who is signed in, and the people who use it.
//!
//! A desk without people works as before: never locked, every action by "desk". Once a person
//! is added, Keydesk starts locked, locks after the idle time (the window reports input with
//! [`touch`]), on [`lock`] (button, shortcut, the session's screen lock or sleep), and unlocks
//! for a person with their PIN. Switching person is unlocking as someone else.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Area, Error, Keydesk, Now};
use crate::audit::Action;
use crate::error::ErrorCode;
use crate::people::{People, Person, Role};
use crate::policy::Policy;
use crate::secret::Secret;
use crate::session::{DEFAULT_IDLE_MINUTES, IDLE_MINUTES, SignedIn};
use crate::store::Store;

/// The setting of the idle time, minutes.
const IDLE_SETTING: &str = "lock_after_minutes";

/// In debug builds only, the idle time in seconds for end-to-end tests; it can only shorten the
/// idle time, never lengthen it, and a release build ignores it.
pub const IDLE_SECS_ENV: &str = "KEYDESK_TEST_IDLE_SECS";

/// The desk's chosen idle time, minutes.
fn chosen_minutes(store: &Store) -> u32 {
    store
        .setting::<u32>(IDLE_SETTING)
        .ok()
        .flatten()
        .filter(|m| IDLE_MINUTES.contains(m))
        .unwrap_or(DEFAULT_IDLE_MINUTES)
}

/// The idle time in force: the desk's choice, capped by the office's policy.
pub(crate) fn idle_in_force(store: &Store, policy: &Policy) -> Duration {
    let idle = policy.idle(chosen_minutes(store));
    #[cfg(debug_assertions)]
    if let Some(secs) = std::env::var(IDLE_SECS_ENV)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        return idle.min(Duration::from_secs(secs));
    }
    idle
}

/// The desk's name in audit records: the computer's name and the profile.
pub(crate) fn desk_name(profile_id: &str) -> String {
    let host = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "desk".to_owned());
    format!("{host}/{}", &profile_id[..profile_id.len().min(8)])
}

/// Someone the lock screen offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PersonChoice {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
}

/// What the window shows of the lock: always "Signed in as …", the lock screen when locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SessionView {
    /// False on a desk without people: never locked.
    pub has_people: bool,
    /// Locked now.
    pub locked: bool,
    /// Who is signed in (kept while locked, offered first).
    pub person: Option<SignedIn>,
    /// Everyone who can sign in.
    pub people: Vec<PersonChoice>,
    /// The idle time in force, seconds.
    pub idle_secs: u64,
    /// Seconds until the idle lock.
    pub seconds_left: Option<u64>,
    /// The office requires PINs but the desk has no people yet.
    pub pin_required_unmet: bool,
}

/// The lock state now (locking first if the idle time passed).
pub fn session(kd: &Keydesk) -> Result<SessionView, Error> {
    kd.check_idle();
    let people = People::new(kd.desk().store()).list()?;
    let s = kd.session();
    Ok(SessionView {
        has_people: s.has_people(),
        locked: s.is_locked(),
        person: s.person().cloned(),
        people: people
            .into_iter()
            .map(|p| PersonChoice {
                id: p.id,
                name: p.name,
            })
            .collect(),
        idle_secs: s.idle().as_secs(),
        seconds_left: s.seconds_left(Instant::now()),
        pin_required_unmet: kd.policy.policy.pin_required == Some(true) && !s.has_people(),
    })
}

/// Someone used the window: the idle lock moves on. The window calls it throttled.
pub fn touch(kd: &Keydesk) {
    if !kd.check_idle() {
        kd.session().touch(Instant::now());
    }
}

/// Locks now; `why` goes into the audit record ("button", "shortcut", "screen locked", "sleep").
pub fn lock(kd: &Keydesk, why: &str) {
    let locked = kd.session().lock();
    if locked {
        kd.audit(Action::Locked, None, why);
        kd.changed(Area::Session);
        kd.changed(Area::Codes);
    }
}

/// Unlocks for `name` with their PIN (also switches person). A wrong PIN is recorded and
/// counts toward the wait.
pub fn unlock(kd: &Keydesk, name: &str, pin: &Secret, now: Now) -> Result<SignedIn, Error> {
    let checked = {
        let mut desk = kd.desk();
        let mut people = People::new(desk.store());
        let person = people.find(name)?;
        people
            .check_pin(person.id, pin, now.secs())
            .map_err(|e| (person.name, e))
    };
    let person = match checked {
        Ok(person) => person,
        Err((who, e)) => {
            kd.audit_as(&who, Action::UnlockFailed, None, e.to_string());
            return Err(e.into());
        }
    };
    let signed_in = SignedIn::from(&person);
    let switched = kd.session().person().is_some_and(|p| p.id != person.id);
    kd.session().unlock(signed_in.clone(), Instant::now());
    kd.audit(
        Action::Unlocked,
        None,
        if switched { "switched person" } else { "PIN" },
    );
    kd.changed(Area::Session);
    kd.changed(Area::Portals);
    kd.changed(Area::Codes);
    Ok(signed_in)
}

/// Everyone at the desk.
pub fn list(kd: &Keydesk) -> Result<Vec<Person>, Error> {
    Ok(People::new(kd.desk().store()).list()?)
}

/// Adds a person. On a desk with people only an office admin may; the first person of a desk is
/// an admin and is signed in at once, so adding them never locks anyone out.
pub fn add(kd: &Keydesk, name: &str, role: Role, pin: &Secret, now: Now) -> Result<Person, Error> {
    let first = !kd.session().has_people();
    if !first {
        kd.admin()?;
    }
    let person = People::new(kd.desk().store()).add(name, role, pin, now.secs())?;
    kd.session().set_has_people(true, Instant::now());
    if first {
        kd.session().unlock(SignedIn::from(&person), Instant::now());
    }
    kd.audit(
        Action::PersonAdded,
        None,
        format!("{} ({})", person.name, person.role.as_str()),
    );
    kd.changed(Area::Session);
    Ok(person)
}

/// Removes a person (an office admin only) with their own portals; the last admin stays.
pub fn remove(kd: &Keydesk, name: &str) -> Result<(), Error> {
    kd.admin()?;
    let person = {
        let mut desk = kd.desk();
        // Checked before their portals go, so a refused removal changes nothing.
        let person = People::new(desk.store()).removable(name)?;
        let data_dir = desk.data_dir().to_owned();
        let owned = super::portals::owned_by(desk.store(), person.id)?;
        for id in owned {
            crate::browser_profile::remove(&data_dir, id).ok();
            let (store, keychain) = desk.parts();
            crate::portal::PortalBook::new(store).remove(id, keychain)?;
        }
        crate::browser_profile::remove_person(&data_dir, person.id).ok();
        People::new(desk.store()).remove(person.id)?
    };
    let now_empty = !People::new(kd.desk().store()).any()?;
    kd.session().set_has_people(!now_empty, Instant::now());
    kd.audit(Action::PersonRemoved, None, person.name);
    kd.changed(Area::Session);
    kd.changed(Area::Portals);
    Ok(())
}

/// Sets a person's PIN: their own, or anyone's for an office admin.
pub fn set_pin(kd: &Keydesk, name: &str, pin: &Secret) -> Result<(), Error> {
    let actor = kd.unlocked()?;
    let person = People::new(kd.desk().store()).find(name)?;
    let own = actor.person.as_ref().is_some_and(|p| p.id == person.id);
    if !own && !actor.is_admin() {
        return Err(Error::other(
            ErrorCode::AdminOnly,
            "Only an office admin can set someone else's PIN.",
        ));
    }
    People::new(kd.desk().store()).set_pin(person.id, pin)?;
    kd.audit(Action::PinChanged, None, person.name);
    Ok(())
}

/// The idle time chosen for this desk, minutes, and the office's cap if it sets one.
pub fn lock_minutes(kd: &Keydesk) -> (u32, Option<u32>) {
    (
        chosen_minutes(kd.desk().store_ref()),
        kd.policy.policy.max_idle_minutes,
    )
}

/// Chooses the idle time (1 to 30 minutes); refused above the office's cap.
pub fn set_lock_minutes(kd: &Keydesk, minutes: u32) -> Result<(), Error> {
    if !IDLE_MINUTES.contains(&minutes) {
        return Err(Error::other(
            ErrorCode::LockInvalidDelay,
            "Choose between 1 and 30 minutes.",
        ));
    }
    if let Some(max) = kd.policy.policy.max_idle_minutes
        && minutes > max
    {
        return Err(Error::other(
            ErrorCode::SetByOffice,
            format!("Your office sets the lock to at most {max} minutes."),
        ));
    }
    kd.unlocked()?;
    kd.desk()
        .store()
        .set_setting(IDLE_SETTING, &minutes)
        .map_err(Error::from)?;
    let idle = idle_in_force(kd.desk().store_ref(), &kd.policy.policy);
    kd.session().set_idle(idle, Instant::now());
    kd.audit(
        Action::SettingChanged,
        None,
        format!("lock after {minutes} minutes"),
    );
    kd.changed(Area::Settings);
    kd.changed(Area::Session);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;

    #[test]
    fn the_first_person_is_signed_in_and_locking_needs_their_pin() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert!(!session(&kd).unwrap().has_people);
        let pin = Secret::from("kdS3cr3t-1234");
        add(&kd, "Maria", Role::Staff, &pin, Now::from_secs(0)).unwrap();
        let view = session(&kd).unwrap();
        assert!(
            !view.locked,
            "adding the first person does not lock them out"
        );
        assert_eq!(view.person.unwrap().role, Role::Admin);
        lock(&kd, "button");
        assert!(session(&kd).unwrap().locked);
        let err = unlock(
            &kd,
            "Maria",
            &Secret::from("kdS3cr3t-0000"),
            Now::from_secs(1),
        );
        assert_eq!(err.unwrap_err().code(), ErrorCode::PinWrong);
        unlock(&kd, "maria", &pin, Now::from_secs(2)).unwrap();
        assert!(!session(&kd).unwrap().locked);
        let actions: Vec<String> = crate::audit::list(kd.desk().store(), &Default::default())
            .unwrap()
            .into_iter()
            .map(|r| format!("{}:{}", r.person, r.action))
            .collect();
        assert_eq!(
            actions,
            [
                "Maria:person_added",
                "Maria:locked",
                "Maria:unlock_failed",
                "Maria:unlocked"
            ]
        );
    }

    #[test]
    fn staff_cannot_manage_people_and_the_lock_is_capped_by_the_office() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let pin = Secret::from("kdS3cr3t-1234");
        add(&kd, "Maria", Role::Admin, &pin, Now::from_secs(0)).unwrap();
        add(&kd, "Ana", Role::Staff, &pin, Now::from_secs(0)).unwrap();
        unlock(&kd, "Ana", &pin, Now::from_secs(1)).unwrap();
        let err = add(&kd, "Joe", Role::Staff, &pin, Now::from_secs(0)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::AdminOnly);
        assert_eq!(
            remove(&kd, "Maria").unwrap_err().code(),
            ErrorCode::AdminOnly
        );
        assert_eq!(
            set_lock_minutes(&kd, 31).unwrap_err().code(),
            ErrorCode::LockInvalidDelay
        );
        set_lock_minutes(&kd, 2).unwrap();
        assert_eq!(lock_minutes(&kd), (2, None));
    }

    #[test]
    fn a_person_removed_takes_their_own_portals_and_passwords_and_leaves_the_desks() {
        use crate::keychain::ItemKey;
        use crate::portal::PortalFields;
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let pin = Secret::from("kdS3cr3t-1234");
        add(&kd, "Maria", Role::Admin, &pin, Now::from_secs(0)).unwrap();
        add(&kd, "Ana", Role::Staff, &pin, Now::from_secs(0)).unwrap();
        let portal = |name: &str| PortalFields {
            name: name.into(),
            login_url: "https://apps.availity.com/availity/web/public.elegant.login".into(),
            ..Default::default()
        };
        let desks = crate::api::portals::add(
            &kd,
            portal("Cigna"),
            Some(&Secret::from("kdS3cr3t-desk")),
            Now::from_secs(1),
        )
        .unwrap();
        unlock(&kd, "Ana", &pin, Now::from_secs(2)).unwrap();
        let anas = crate::api::portals::add(
            &kd,
            portal("Availity (Ana)"),
            Some(&Secret::from("kdS3cr3t-ana")),
            Now::from_secs(3),
        )
        .unwrap();
        crate::api::portals::set_own(&kd, anas.id, true).unwrap();
        let own: Vec<(String, Option<bool>)> = crate::api::portals::list(&kd, Now::from_secs(3))
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.own))
            .collect();
        assert_eq!(
            own,
            [
                ("Availity (Ana)".to_owned(), Some(true)),
                ("Cigna".to_owned(), Some(false))
            ],
            "Ana's list marks what is hers"
        );
        unlock(&kd, "Maria", &pin, Now::from_secs(4)).unwrap();
        remove(&kd, "Ana").unwrap();
        let names: Vec<String> = crate::api::portals::list(&kd, Now::from_secs(5))
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["Cigna"], "the desk's portal stays");
        let mut desk = kd.desk();
        let (_, keychain) = desk.parts();
        assert_eq!(
            keychain.get(&ItemKey::portal_password(anas.id)).unwrap(),
            None,
            "no password is left behind that nothing refers to"
        );
        assert!(
            keychain
                .get(&ItemKey::portal_password(desks.id))
                .unwrap()
                .is_some()
        );
    }
}
