//! The machine through the real portals' flows, with pages read by the detector: identifier-first,
//! method pickers, split code boxes, pages that are no sign-in page, forms that post elsewhere.

use super::tests::*;
use super::*;
use crate::portal::SecondStep;
use crate::signin::control::Control;

fn username_page() -> Observation {
    page(
        "user",
        vec![
            input(0, "text", "identifier", "Username"),
            input(1, "checkbox", "rememberMe", "Remember me (providers only)"),
            button(2, "Next"),
        ],
    )
}

fn password_page() -> Observation {
    page(
        "password",
        vec![
            input(0, "password", "credentials.passcode", "Password"),
            button(1, "Verify"),
        ],
    )
}

fn targets(action: Action) -> Targets {
    match action {
        Action::FillCredentials { targets, .. } => targets,
        other => panic!("expected a credentials fill, got {other:?}"),
    }
}

#[test]
fn identifier_first_writes_the_username_then_the_password_each_once() {
    let mut m = machine(SecondStep::EmailCode);
    let t = targets(m.step(&username_page(), None, 1_000_100));
    assert_eq!(
        t,
        Targets {
            username: Some(0),
            password: None,
            submit: Some(2),
            remember: Some(1)
        }
    );
    m.filled(sent(true), 1_000_110);
    assert!(matches!(
        m.step(&username_page(), None, 1_000_200),
        Action::Wait
    ));
    let t = targets(m.step(&password_page(), None, 1_000_300));
    assert_eq!((t.username, t.password, t.submit), (None, Some(0), Some(1)));
    m.filled(sent(false), 1_000_310);
    // The password page again: never a second password.
    assert_eq!(
        expect_fail(m.step(
            &page("password-2", password_page().controls),
            None,
            1_000_400
        )),
        Failure::WrongCredentials
    );
}

#[test]
fn a_password_page_that_shows_the_username_again_does_not_get_it_twice() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&username_page(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    let t = targets(m.step(&login(), None, 1_000_200));
    assert_eq!((t.username, t.password), (None, Some(1)));
}

#[test]
fn the_username_page_again_after_the_username_ends_the_sign_in() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&username_page(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    assert_eq!(
        expect_fail(m.step(&page("user-2", username_page().controls), None, 1_000_200)),
        Failure::WrongCredentials
    );
}

#[test]
fn a_radio_picker_picks_the_portals_method_and_presses_continue() {
    let mut m = machine(SecondStep::Authenticator);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    let radio = |i, label: &str| Control {
        label: label.into(),
        name: "choice".into(),
        ..control(i, "input", "radio")
    };
    let picker = page(
        "choice",
        vec![
            radio(0, "Send me a text message"),
            radio(1, "Authenticate me using my Authenticator app"),
            button(2, "Continue"),
        ],
    );
    assert!(matches!(
        m.step(&picker, None, 1_000_200),
        Action::ChooseChannel {
            method: Method::Authenticator,
            target: 1,
            submit: Some(2),
            ..
        }
    ));
    m.filled(sent(false), 1_000_210);
    // The picker again after the choice: the portal did not go on; no second pick.
    assert_eq!(
        expect_fail(m.step(&page("choice-2", picker.controls.clone()), None, 1_000_300)),
        Failure::CodeNotSent
    );
}

#[test]
fn a_text_or_call_picker_by_buttons_picks_text_for_a_texted_code() {
    let mut m = machine(SecondStep::SmsCode);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    let ohid = page(
        "verify-identity",
        vec![button(0, "Via Call"), button(1, "Via Text Message")],
    );
    assert!(matches!(
        m.step(&ohid, None, 1_000_200),
        Action::ChooseChannel {
            method: Method::Text,
            target: 1,
            submit: None,
            ..
        }
    ));
}

#[test]
fn a_code_split_across_boxes_is_filled_once_into_all_of_them() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    let mut boxes = six_boxes();
    boxes.push(Control {
        label: "Skip this step in future if this is your private device.".into(),
        ..control(6, "input", "checkbox")
    });
    let split = page("code", boxes);
    m.step(&split, None, 1_000_200);
    let Action::FillCode {
        boxes,
        remember,
        submit,
        ..
    } = m.step(&split, offered("482913"), 1_000_300)
    else {
        panic!("the code is filled");
    };
    assert_eq!(boxes, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!((remember, submit), (Some(6), None));
    // The page sends itself: no button, and it is never written again.
    m.filled(written_only(), 1_000_310);
    assert!(matches!(m.step(&split, None, 1_000_400), Action::Wait));
    assert!(m.wants(&split, 1_000_400).is_none());
}

#[test]
fn a_sign_up_page_is_never_filled() {
    let mut m = machine(SecondStep::EmailCode);
    let signup = page(
        "signup",
        vec![
            input(0, "email", "email", "Email"),
            input(1, "password", "password", "Password"),
            input(2, "password", "confirm", "Confirm password"),
            button(3, "Continue"),
        ],
    );
    assert_eq!(
        expect_fail(m.step(&signup, None, 1_000_100)),
        Failure::NotSignInPage {
            page: "a sign-up or password change page".into()
        }
    );
    assert!(!m.needs_confirmation_to_retry(), "nothing was typed");
}

#[test]
fn a_form_that_posts_to_another_origin_is_never_filled() {
    let mut m = machine(SecondStep::EmailCode);
    let mut elsewhere = login();
    for c in &mut elsewhere.controls {
        c.form_action = Some("http://127.0.0.1:9".into());
    }
    assert_eq!(
        expect_fail(m.step(&elsewhere, None, 1_000_100)),
        Failure::FormPostsElsewhere {
            origin: "http://127.0.0.1:9".into()
        }
    );
}

#[test]
fn a_page_that_never_settles_names_the_step_and_types_nothing() {
    let mut m = machine(SecondStep::EmailCode);
    let mut loading = page("spinner", vec![]);
    loading.url = format!("{ORIGIN}/login?next=%2Fhome");
    assert!(matches!(m.step(&loading, None, 1_000_100), Action::Wait));
    assert_eq!(
        expect_fail(m.step(&loading, None, 1_000_001 + FORM_TIMEOUT_MS)),
        Failure::StepNotFound {
            step: "username and password".into(),
            page: format!("{ORIGIN}/login")
        }
    );
    // After the username: the password step is named.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&username_page(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    m.step(&loading, None, 1_000_100);
    assert_eq!(
        expect_fail(m.step(&loading, None, 1_000_101 + FORM_TIMEOUT_MS)),
        Failure::StepNotFound {
            step: "password".into(),
            page: format!("{ORIGIN}/login")
        }
    );
}

#[test]
fn the_code_wanted_says_what_the_pages_code_field_takes() {
    let room = |page: &Observation| {
        let mut m = machine(SecondStep::EmailCode);
        m.step(&login(), None, 1_000_100);
        m.filled(sent(false), 1_000_110);
        m.step(page, None, 1_000_200);
        match m.wants(page, 1_000_300) {
            Some(CodeWanted::Mailed { room, .. }) => room,
            other => panic!("a mailed code is wanted: {other:?}"),
        }
    };
    assert_eq!(
        room(&page("code", six_boxes())),
        CodeRoom { min: 6, max: 6 }
    );
    let mut one = code_page();
    one.controls[0].maxlength = Some(6);
    assert_eq!(room(&one), CodeRoom { min: 1, max: 6 });
    one.controls[0].maxlength = Some(524_288);
    assert_eq!(
        room(&one),
        CodeRoom::ANY,
        "a default maxlength says nothing"
    );
    assert!(!CodeRoom { min: 1, max: 6 }.fits("7403918"));
    assert!(CodeRoom { min: 6, max: 6 }.fits("TM3KX2"));
}

/// Six one-character code boxes in a row, as split code fields are drawn.
fn six_boxes() -> Vec<Control> {
    (0..6)
        .map(|i| Control {
            maxlength: Some(1),
            x: 10.0 + 40.0 * f64::from(i),
            y: 100.0,
            ..control(i, "input", "text")
        })
        .collect()
}
