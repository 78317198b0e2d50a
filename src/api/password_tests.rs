//! The safe change as the use-cases run it, on a desk with an in-memory keychain: the pages are
//! scripted observations of the sandbox's expired-password pages.

use super::*;
use crate::api::Platform;
use crate::portal::{PortalFields, SecondStep};
use crate::signin::change::ChangeAction;
use crate::signin::machine::tests::{ORIGIN, button, home, input, login, page, with_alert};
use crate::signin::{Failure, Observation};

/// One keychain for every start of a test's desk, as the system's is.
#[derive(Clone, Default)]
struct SharedKeychain(std::sync::Arc<crate::keychain::MemoryKeychain>);

impl crate::keychain::Keychain for SharedKeychain {
    fn get(
        &self,
        key: &crate::keychain::ItemKey,
    ) -> Result<Option<Secret>, crate::keychain::KeychainError> {
        self.0.get(key)
    }
    fn set(
        &self,
        key: &crate::keychain::ItemKey,
        value: &Secret,
    ) -> Result<(), crate::keychain::KeychainError> {
        self.0.set(key, value)
    }
    fn delete(&self, key: &crate::keychain::ItemKey) -> Result<(), crate::keychain::KeychainError> {
        self.0.delete(key)
    }
    fn backend(&self) -> &'static str {
        "shared memory"
    }
}

/// The desk in `dir` started (again) over `keychain`.
fn start(dir: &std::path::Path, keychain: &SharedKeychain) -> Keydesk {
    let keychain = keychain.clone();
    let desk = crate::desk::Desk::open_with(dir, move |_| Box::new(keychain)).unwrap();
    Keydesk::new(desk, Platform::default()).unwrap()
}

fn desk(dir: &std::path::Path) -> (Keydesk, i64) {
    desk_on(dir, &SharedKeychain::default())
}

fn desk_on(dir: &std::path::Path, keychain: &SharedKeychain) -> (Keydesk, i64) {
    let kd = start(dir, keychain);
    let portal = crate::api::portals::add(
        &kd,
        PortalFields {
            name: "Cigna".into(),
            preset: Some("cigna".into()),
            login_url: format!("{ORIGIN}/login"),
            username: "expired".into(),
            second_step: SecondStep::EmailCode,
            lockout_threshold: Some(3),
            ..Default::default()
        },
        Some(&Secret::from("kdS3cr3t-old")),
        Now::from_secs(100),
    )
    .unwrap();
    (kd, portal.id)
}

fn saved(kd: &Keydesk, id: i64) -> String {
    let mut desk = kd.desk();
    let (store, keychain) = desk.parts();
    PortalBook::new(store)
        .password(id, keychain)
        .unwrap()
        .unwrap()
        .expose()
        .to_owned()
}

fn pending(kd: &Keydesk, id: i64) -> Option<String> {
    let mut desk = kd.desk();
    let (_, keychain) = desk.parts();
    change::pending_password(keychain, id)
        .unwrap()
        .map(|s| s.expose().to_owned())
}

fn change_page(doc: &str, alert: &str) -> Observation {
    let mut current = input(0, "password", "current_password", "Current password");
    current.autocomplete = "current-password".into();
    with_alert(
        page(
            doc,
            vec![
                current,
                input(1, "password", "new_password", "New password"),
                input(2, "password", "confirm_password", "Confirm new password"),
                button(3, "Change password"),
            ],
        ),
        alert,
    )
}

/// Drives the change to the sent form, as the shell's driver does (noting the send first).
fn to_the_sent_form(kd: &Keydesk, prepared: &mut PreparedChange) {
    let m = &mut prepared.machine;
    assert!(matches!(
        m.step_on(&login(), 1),
        ChangeAction::SignIn { .. }
    ));
    m.filled(true, true);
    let expired = "Your password has expired. You must change your password to continue.";
    let action = m.step_on(&change_page("expired", expired), 2);
    assert!(matches!(action, ChangeAction::FillChange { .. }));
    submitting(kd, m.portal().id, Now::from_secs(200)).unwrap();
    m.filled(true, true);
}

#[test]
fn a_proposed_password_meets_the_rules_waits_in_the_keychain_and_shows_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    let view = propose(&kd, id, Now::from_secs(150)).unwrap();
    assert_eq!(view.state, "proposed");
    let new = pending(&kd, id).unwrap();
    assert!(!format!("{view:?}").contains(&new), "no secret in the view");
    assert_eq!(
        rules(&kd, id).unwrap().rules.unmet(&new),
        Vec::<String>::new()
    );
    assert_eq!(proposed_password(&kd, id).unwrap().expose(), new);
    assert_eq!(saved(&kd, id), "kdS3cr3t-old");
    cancel(&kd, id, Now::from_secs(160)).unwrap();
    assert_eq!(pending(&kd, id), None);
    assert_eq!(saved(&kd, id), "kdS3cr3t-old");
}

#[test]
fn a_spanish_desk_reads_where_the_change_stands_in_spanish() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    let view = propose(&kd, id, Now::from_secs(150)).unwrap();
    let english = changes(&kd).unwrap();
    assert_eq!(
        english[0].words, view.words,
        "English keeps the detailed words"
    );
    crate::api::settings::set_language(&kd, crate::api::settings::LanguageSetting::Es).unwrap();
    let spanish = changes(&kd).unwrap();
    assert_eq!(spanish[0].state, "proposed");
    assert_eq!(
        spanish[0].words,
        text(
            Locale::Es,
            msg::CHANGE_PROPOSED,
            &[("portal", &spanish[0].portal)]
        )
    );
    assert!(spanish[0].words.contains("contraseña nueva"), "{spanish:?}");
}

#[test]
fn an_office_that_shows_no_password_shows_no_proposed_one_and_the_change_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    let kd = kd.with_policy(crate::policy::Policy {
        reveal_passwords: Some(crate::policy::RevealWho::Nobody),
        ..Default::default()
    });
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let refused = proposed_password(&kd, id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PolicyForbids, "{refused:?}");
    assert!(
        pending(&kd, id).is_some(),
        "the proposed password still waits"
    );
    assert!(prepare(&kd, id, Now::from_secs(160)).is_ok());
}

#[test]
fn the_portal_saying_changed_replaces_the_saved_password_and_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let new = pending(&kd, id).unwrap();
    let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
    assert_eq!(prepared.current.expose(), "kdS3cr3t-old");
    assert_eq!(prepared.new.expose(), new);
    assert_eq!(
        crate::api::signin::prepare(&kd, id, false, Now::from_secs(191))
            .unwrap_err()
            .code(),
        ErrorCode::SigninRunning,
        "no sign-in while the change runs"
    );
    to_the_sent_form(&kd, &mut prepared);
    let mut changed = page("changed", vec![]);
    changed.heading = "Your password has been changed".into();
    let _ = prepared.machine.step_on(&changed, 3);
    let view = finish(&kd, prepared.machine, prepared.claim, Now::from_secs(210));
    assert_eq!(view.state, "changed", "{}", view.words);
    assert_eq!(saved(&kd, id), new);
    assert_eq!(pending(&kd, id), None);
    let portal = crate::api::portals::get(&kd, id).unwrap();
    assert_eq!(portal.password_changed_at, Some(210));
}

#[test]
fn a_refused_new_password_keeps_the_saved_one_and_says_the_portal_s_words() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
    to_the_sent_form(&kd, &mut prepared);
    let said = "Your new password cannot be one of your last 6 passwords.";
    let _ = prepared.machine.step_on(&change_page("again", said), 3);
    let view = finish(&kd, prepared.machine, prepared.claim, Now::from_secs(210));
    assert_eq!(view.state, "refused");
    assert!(view.words.contains(said), "{}", view.words);
    assert_eq!(saved(&kd, id), "kdS3cr3t-old");
    assert_eq!(pending(&kd, id), None);
}

#[test]
fn cut_short_before_the_send_the_next_start_drops_the_new_password() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = SharedKeychain::default();
    {
        let (kd, id) = desk_on(dir.path(), &keychain);
        propose(&kd, id, Now::from_secs(150)).unwrap();
        let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
        let _ = prepared.machine.step_on(&login(), 1);
        // Keydesk stops here: no finish.
    }
    let kd = start(dir.path(), &keychain);
    let id = crate::api::portals::find(&kd, "Cigna").unwrap().id;
    at_start(&kd, Now::from_secs(300));
    assert_eq!(pending(&kd, id), None);
    assert_eq!(saved(&kd, id), "kdS3cr3t-old");
    assert!(changes(&kd).unwrap().is_empty());
}

#[test]
fn cut_short_after_the_send_the_next_sign_in_tries_the_new_one_and_settles_it() {
    let dir = tempfile::tempdir().unwrap();
    let keychain = SharedKeychain::default();
    let new = {
        let (kd, id) = desk_on(dir.path(), &keychain);
        propose(&kd, id, Now::from_secs(150)).unwrap();
        let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
        to_the_sent_form(&kd, &mut prepared);
        // The window closes before the portal's answer is read.
        pending(&kd, id).unwrap()
    };
    let kd = start(dir.path(), &keychain);
    let id = crate::api::portals::find(&kd, "Cigna").unwrap().id;
    at_start(&kd, Now::from_secs(300));
    assert_eq!(saved(&kd, id), "kdS3cr3t-old", "both kept");
    let shown = changes(&kd).unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].state, "unsettled");
    assert!(shown[0].words.contains("cut short"), "{}", shown[0].words);
    assert!(matches!(
        propose(&kd, id, Now::from_secs(301)).unwrap_err().code(),
        ErrorCode::PasswordChangeUnsettled
    ));
    let (mut machine, password, claim) =
        crate::api::signin::prepare(&kd, id, false, Now::from_secs(310))
            .unwrap()
            .into_parts();
    assert_eq!(password.unwrap().expose(), new, "the new one is tried");
    let _ = machine.step(&login(), None, 310_000);
    let _ = machine.step(&home(), None, 311_000);
    crate::api::signin::finish(&kd, machine, claim, Now::from_secs(311));
    assert_eq!(saved(&kd, id), new);
    assert_eq!(pending(&kd, id), None);
    assert_eq!(changes(&kd).unwrap()[0].state, "changed");
}

#[test]
fn cut_short_after_the_send_a_refused_new_password_falls_back_to_the_old_after_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
    to_the_sent_form(&kd, &mut prepared);
    let view = {
        prepared.machine.stop("the portal's window was closed");
        finish(&kd, prepared.machine, prepared.claim, Now::from_secs(200))
    };
    assert_eq!(view.state, "unsettled");
    let (mut machine, _, claim) = crate::api::signin::prepare(&kd, id, false, Now::from_secs(310))
        .unwrap()
        .into_parts();
    machine.fail(Failure::WrongCredentials, 311_000);
    crate::api::signin::finish(&kd, machine, claim, Now::from_secs(311));
    assert_eq!(pending(&kd, id), None, "the new one is dropped");
    assert_eq!(saved(&kd, id), "kdS3cr3t-old");
    // Never a second try without the person's word: the guard asks first.
    assert_eq!(
        crate::api::signin::prepare(&kd, id, false, Now::from_secs(320))
            .unwrap_err()
            .code(),
        ErrorCode::SigninNeedsConfirmation
    );
    let (_, password, _) = crate::api::signin::prepare(&kd, id, true, Now::from_secs(321))
        .unwrap()
        .into_parts();
    assert_eq!(password.unwrap().expose(), "kdS3cr3t-old");
}

#[test]
fn the_person_can_say_which_password_the_portal_took() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let new = pending(&kd, id).unwrap();
    let mut prepared = prepare(&kd, id, Now::from_secs(190)).unwrap();
    to_the_sent_form(&kd, &mut prepared);
    prepared.machine.stop("closed");
    finish(&kd, prepared.machine, prepared.claim, Now::from_secs(200));
    let view = settle(&kd, id, Took::New, Now::from_secs(400)).unwrap();
    assert_eq!(view.state, "changed");
    assert_eq!(saved(&kd, id), new);
    assert_eq!(
        crate::api::portals::get(&kd, id)
            .unwrap()
            .password_changed_at,
        Some(400)
    );
}

#[test]
fn edited_rules_are_checked_and_used_for_the_next_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let (kd, id) = desk(dir.path());
    let edited = PasswordRules {
        min_length: 30,
        max_length: 40,
        symbols: "#".into(),
        ..PasswordRules::default()
    };
    set_rules(&kd, id, edited).unwrap();
    propose(&kd, id, Now::from_secs(150)).unwrap();
    let new = pending(&kd, id).unwrap();
    assert_eq!(new.chars().count(), 30);
    assert!(
        new.chars()
            .filter(|c| !c.is_ascii_alphanumeric())
            .all(|c| c == '#')
    );
    let bad = PasswordRules {
        symbols: String::new(),
        ..PasswordRules::default()
    };
    assert_eq!(
        set_rules(&kd, id, bad).unwrap_err().code(),
        ErrorCode::PasswordRulesInvalid
    );
}
