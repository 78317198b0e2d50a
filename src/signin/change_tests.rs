//! The change machine driven by scripted observations, as the sandbox's expired-password pages
//! would produce them.

use super::*;
use crate::portal::SecondStep;
use crate::signin::Recipes;
use crate::signin::machine::tests::{ORIGIN, button, home, input, login, page, portal, with_alert};

fn change() -> PasswordChange {
    let recipes = Recipes::shipped().unwrap();
    PasswordChange::new(
        &portal(SecondStep::EmailCode),
        recipes.for_preset(Some("cigna")),
        1_000_000,
    )
}

const EXPIRED: &str = "Your password has expired. You must change your password to continue.";

fn change_page(doc: &str) -> Observation {
    let mut current = input(0, "password", "current_password", "Current password");
    current.autocomplete = "current-password".into();
    let mut new = input(1, "password", "new_password", "New password");
    new.autocomplete = "new-password".into();
    let mut confirm = input(2, "password", "confirm_password", "Confirm new password");
    confirm.autocomplete = "new-password".into();
    with_alert(
        page(
            doc,
            vec![current, new, confirm, button(3, "Change password")],
        ),
        EXPIRED,
    )
}

fn changed_page() -> Observation {
    let mut o = page("changed", vec![]);
    o.heading = "Cigna Your password has been changed".into();
    o
}

/// Signs in and reaches the filled change form.
fn to_the_change_form(m: &mut PasswordChange) {
    assert!(matches!(
        m.step_on(&login(), 1_000_100),
        ChangeAction::SignIn { ref origin, ref targets }
            if origin == ORIGIN && targets.password == Some(1) && targets.username == Some(0)
    ));
    assert_eq!(m.filled(true, true), None);
    let action = m.step_on(&change_page("expired"), 1_000_200);
    assert_eq!(
        action,
        ChangeAction::FillChange {
            origin: ORIGIN.into(),
            targets: ChangeTargets {
                current: Some(0),
                new: 1,
                confirm: 2,
                submit: Some(3)
            }
        }
    );
    assert!(m.change_sent());
    assert_eq!(m.filled(true, true), None);
}

#[test]
fn an_expired_password_is_changed_once_and_the_portal_saying_so_ends_it() {
    let mut m = change();
    to_the_change_form(&mut m);
    // The same page, still loading the answer: wait.
    assert_eq!(
        m.step_on(&change_page("expired"), 1_000_300),
        ChangeAction::Wait
    );
    assert_eq!(
        m.step_on(&changed_page(), 1_000_400),
        ChangeAction::Done(ChangeOutcome::Changed)
    );
    assert!(m.outcome().unwrap().maybe_taken());
}

#[test]
fn a_portal_that_signs_in_after_the_change_took_it() {
    let mut m = change();
    to_the_change_form(&mut m);
    assert_eq!(
        m.step_on(&home(), 1_000_400),
        ChangeAction::Done(ChangeOutcome::Changed)
    );
}

#[test]
fn the_form_again_with_the_portal_s_words_is_a_refusal_never_a_second_try() {
    let mut m = change();
    to_the_change_form(&mut m);
    let said = "Your new password cannot be one of your last 6 passwords.";
    let again = with_alert(change_page("expired-2"), said);
    assert_eq!(
        m.step_on(&again, 1_000_400),
        ChangeAction::Done(ChangeOutcome::Refused { said: said.into() })
    );
    assert!(!m.outcome().unwrap().maybe_taken());
    // Whatever the page does next, nothing more is filled.
    assert!(matches!(
        m.step_on(&change_page("expired-3"), 1_000_500),
        ChangeAction::Done(_)
    ));
}

#[test]
fn a_window_closed_after_the_send_leaves_it_unknown_and_before_it_not_sent() {
    let mut m = change();
    to_the_change_form(&mut m);
    let outcome = m.stop("the portal's window was closed");
    assert!(matches!(outcome, ChangeOutcome::Unknown { .. }));
    assert!(outcome.maybe_taken(), "to be settled, not dropped");

    let mut m = change();
    let _ = m.step_on(&login(), 1_000_100);
    let outcome = m.stop("the portal's window was closed");
    assert!(matches!(outcome, ChangeOutcome::NotSent { .. }));
    assert!(!outcome.maybe_taken());
}

#[test]
fn no_answer_after_the_send_is_unknown_after_the_timeout() {
    let mut m = change();
    to_the_change_form(&mut m);
    let later = 1_000_200 + ANSWER_TIMEOUT_MS + 1;
    assert!(matches!(
        m.step_on(&change_page("expired"), later),
        ChangeAction::Done(ChangeOutcome::Unknown { .. })
    ));
}

#[test]
fn a_refused_saved_password_stops_before_anything_new_is_sent() {
    let mut m = change();
    let _ = m.step_on(&login(), 1_000_100);
    m.filled(true, true);
    let refused = with_alert(
        page("login-2", login().controls),
        "The username or password you entered is incorrect.",
    );
    assert!(matches!(
        m.step_on(&refused, 1_000_200),
        ChangeAction::Done(ChangeOutcome::NotSent { ref reason }) if reason.contains("refused")
    ));
}

#[test]
fn another_origin_stops_it_and_a_fill_that_found_no_field_is_tried_again() {
    let mut m = change();
    let mut elsewhere = login();
    elsewhere.origin = "https://cigna-login.example".into();
    assert!(matches!(
        m.step_on(&elsewhere, 1_000_100),
        ChangeAction::Done(ChangeOutcome::NotSent { .. })
    ));

    let mut m = change();
    let _ = m.step_on(&login(), 1_000_100);
    m.filled(true, true);
    let _ = m.step_on(&change_page("expired"), 1_000_200);
    assert_eq!(m.filled(true, false), None, "nothing written");
    assert!(!m.change_sent());
    assert!(matches!(
        m.step_on(&change_page("expired"), 1_000_300),
        ChangeAction::FillChange { .. }
    ));
}

#[test]
fn a_change_form_shown_before_this_change_signed_in_is_never_filled() {
    // The window still shows the failed sign-in's expired page while it goes to the sign-in page.
    let mut m = change().ignoring_document(Some("expired-before".into()));
    assert_eq!(
        m.step_on(&change_page("expired-before"), 1_000_050),
        ChangeAction::Wait
    );
    assert_eq!(
        m.step_on(&change_page("other"), 1_000_060),
        ChangeAction::Wait
    );
    to_the_change_form(&mut m);
}

#[test]
fn a_portal_that_signs_in_without_asking_has_no_change_form_here() {
    let mut m = change();
    let _ = m.step_on(&login(), 1_000_100);
    m.filled(true, true);
    assert!(matches!(
        m.step_on(&home(), 1_000_200),
        ChangeAction::Done(ChangeOutcome::NotSent { ref reason }) if reason.contains("settings")
    ));
}

#[test]
fn the_change_form_is_read_by_autocomplete_words_or_order() {
    let by_order = vec![
        input(0, "password", "p1", "Password"),
        input(1, "password", "p2", "New"),
        input(2, "password", "p3", "Again"),
        button(3, "Save"),
    ];
    assert_eq!(
        change_form(&by_order),
        Some(ChangeTargets {
            current: Some(0),
            new: 1,
            confirm: 2,
            submit: Some(3)
        })
    );
    let by_words = vec![
        input(0, "password", "newPassword", "New password"),
        input(1, "password", "oldPassword", "Old password"),
        input(2, "password", "confirm", "Confirm"),
    ];
    assert_eq!(
        change_form(&by_words),
        Some(ChangeTargets {
            current: Some(1),
            new: 0,
            confirm: 2,
            submit: None
        })
    );
    assert_eq!(
        change_form(&login().controls),
        None,
        "a sign-in form is not one"
    );
}
