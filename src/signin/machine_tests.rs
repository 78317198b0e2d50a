//! The machine driven by scripted observations, as the sandbox portal's pages would produce them.

use super::*;
use crate::portal::{PortalFields, SecondStep};
use crate::secret::Secret;
use crate::signin::control::Control;
use crate::signin::failure::Filled;
use crate::signin::{Recipes, SignInView};

pub(crate) const ORIGIN: &str = "http://127.0.0.1:18081";

pub(crate) fn portal(step: SecondStep) -> Portal {
    Portal {
        id: 7,
        fields: PortalFields {
            name: "Cigna".into(),
            preset: Some("cigna".into()),
            login_url: format!("{ORIGIN}/login"),
            second_step: step,
            username: "frontdesk".into(),
            ..Default::default()
        }
        .validate()
        .unwrap(),
        created_at: 0,
        password_changed_at: Some(0),
        last_sign_in_at: None,
    }
}

pub(crate) fn machine(step: SecondStep) -> SignIn {
    let recipes = Recipes::shipped().unwrap();
    SignIn::new(&portal(step), recipes.for_preset(Some("cigna")), 1_000_000)
}

/// A page of the portal: `doc` names the document, `controls` what it shows.
pub(crate) fn page(doc: &str, controls: Vec<Control>) -> Observation {
    Observation {
        origin: ORIGIN.into(),
        url: format!("{ORIGIN}/{doc}"),
        document: doc.into(),
        ready: true,
        controls,
        ..Observation::default()
    }
}

/// A control of a page's form 0, stacked in list order.
pub(crate) fn control(i: u32, tag: &str, kind: &str) -> Control {
    Control {
        i,
        tag: tag.into(),
        kind: kind.into(),
        visible: true,
        x: 10.0,
        y: 40.0 * f64::from(i),
        w: 200.0,
        h: 30.0,
        form: Some(0),
        form_action: Some(ORIGIN.into()),
        ..Control::default()
    }
}
pub(crate) fn input(i: u32, kind: &str, name: &str, label: &str) -> Control {
    Control {
        name: name.into(),
        label: label.into(),
        ..control(i, "input", kind)
    }
}
pub(crate) fn button(i: u32, text: &str) -> Control {
    Control {
        text: text.into(),
        ..control(i, "button", "submit")
    }
}

pub(crate) fn login() -> Observation {
    page(
        "login",
        vec![
            input(0, "text", "username", "Username"),
            input(1, "password", "password", "Password"),
            button(2, "Sign in"),
        ],
    )
}
pub(crate) fn choose() -> Observation {
    page(
        "mfa",
        vec![button(0, "Send to my email"), button(1, "Text to my phone")],
    )
}
pub(crate) fn code_page() -> Observation {
    page(
        "verify",
        vec![
            input(0, "text", "code", "Code"),
            input(1, "checkbox", "remember", "Remember this device"),
            button(2, "Verify"),
        ],
    )
}
pub(crate) fn home() -> Observation {
    let mut home = page("home", vec![button(0, "Sign out")]);
    home.seen.signed_in = true;
    home
}
pub(crate) fn with_alert(mut o: Observation, text: &str) -> Observation {
    o.seen.alert = true;
    o.alert_text = Some(text.into());
    o
}
pub(crate) fn offered(code: &str) -> Option<OfferedCode> {
    Some(OfferedCode {
        code: Secret::from(code),
        key: None,
        good_until_ms: None,
    })
}
pub(crate) fn sent(report_ticked: bool) -> FillReport {
    FillReport {
        origin_ok: true,
        written: true,
        submitted: true,
        remember_ticked: report_ticked,
        ..FillReport::default()
    }
}
/// The script wrote the value but found no button to send it.
pub(crate) fn written_only() -> FillReport {
    FillReport {
        origin_ok: true,
        written: true,
        ..FillReport::default()
    }
}
/// The script found no field to write into.
pub(crate) fn no_field() -> FillReport {
    FillReport {
        origin_ok: true,
        ..FillReport::default()
    }
}

pub(crate) fn expect_fail(action: Action) -> Failure {
    match action {
        Action::Fail(f) => f,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn email_code_happy_path_fills_everything_once_and_ticks_remember() {
    let mut m = machine(SecondStep::EmailCode);
    assert!(
        matches!(m.step(&login(), None, 1_000_100), Action::FillCredentials { ref origin, .. } if origin == ORIGIN)
    );
    m.filled(sent(false), 1_000_110);
    // The same document right after the submit: the portal has not answered yet.
    assert!(matches!(m.step(&login(), None, 1_000_200), Action::Wait));
    assert!(matches!(
        m.step(&choose(), None, 1_000_300),
        Action::ChooseChannel {
            method: Method::Email,
            ..
        }
    ));
    m.filled(sent(false), 1_000_310);
    assert!(matches!(
        m.step(&code_page(), None, 1_000_900),
        Action::Wait
    ));
    assert_eq!(
        m.wants(&code_page(), 1_000_950),
        Some(CodeWanted::Mailed {
            portal_id: 7,
            channel: Channel::Email,
            since: 1000,
            room: CodeRoom::ANY,
        }),
        "codes count from the moment the code was asked for, in whole seconds (the inbox \
         allows for the server's clock)"
    );
    let Action::FillCode { code, .. } = m.step(&code_page(), offered("482913"), 1_001_500) else {
        panic!("the offered code is filled");
    };
    assert_eq!(code.expose(), "482913");
    m.filled(sent(true), 1_001_510);
    assert!(matches!(
        m.step(&home(), None, 1_002_000),
        Action::Done {
            skipped_code: false,
            remember_ticked: true
        }
    ));
    assert_eq!(
        m.timing(),
        Timing {
            total_ms: Some(2000),
            waiting_for_code_ms: Some(1200)
        }
    );
    assert_eq!(
        SignInView::of(&m, crate::i18n::Locale::En).words,
        "Signed in to Cigna."
    );
}

#[test]
fn sms_portal_chooses_the_text_message_button() {
    let mut m = machine(SecondStep::SmsCode);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_100);
    assert!(matches!(
        m.step(&choose(), None, 1_000_200),
        Action::ChooseChannel {
            method: Method::Text,
            ..
        }
    ));
    m.step(&code_page(), None, 1_000_300);
    assert!(matches!(
        m.wants(&code_page(), 1_000_350),
        Some(CodeWanted::Mailed {
            channel: Channel::Sms,
            ..
        })
    ));
    assert!(matches!(
        m.step(&code_page(), offered("TM3KX2"), 1_000_400),
        Action::FillCode { .. }
    ));
    assert!(matches!(
        m.step(&home(), None, 1_000_500),
        Action::Done { .. }
    ));
}

#[test]
fn a_remembered_device_goes_from_password_to_signed_in() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    assert!(matches!(
        m.step(&home(), None, 1_000_300),
        Action::Done {
            skipped_code: true,
            remember_ticked: false
        }
    ));
    assert!(
        SignInView::of(&m, crate::i18n::Locale::En)
            .words
            .contains("remembered")
    );
}

#[test]
fn a_wrong_password_ends_the_sign_in_and_it_is_never_filled_again() {
    let mut m = machine(SecondStep::EmailCode);
    assert!(matches!(
        m.step(&login(), None, 1_000_100),
        Action::FillCredentials { .. }
    ));
    let again = with_alert(
        page("login-2", login().controls),
        "The username or password you entered is incorrect.",
    );
    assert_eq!(
        expect_fail(m.step(&again, None, 1_000_300)),
        Failure::WrongCredentials
    );
    // Whatever the page shows from now on, nothing is filled.
    for _ in 0..3 {
        assert!(matches!(
            m.step(&login(), None, 1_000_400),
            Action::Fail(Failure::WrongCredentials)
        ));
    }
    // The login form shown again without a banner is no reason to send the password twice.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    let again = page("login-2", login().controls);
    assert_eq!(
        expect_fail(m.step(&again, None, 1_000_300)),
        Failure::WrongCredentials
    );
}

#[test]
fn portal_states_are_read_from_the_alert_words() {
    let cases = [
        (
            "Your account is locked because of too many failed attempts.",
            Failure::Locked,
        ),
        (
            "Su cuenta está bloqueada por demasiados intentos fallidos.",
            Failure::Locked,
        ),
        (
            "Your password has expired. You must change your password to continue.",
            Failure::PasswordExpired,
        ),
        (
            "This site is down for scheduled maintenance.",
            Failure::Maintenance,
        ),
    ];
    for (text, want) in cases {
        let mut m = machine(SecondStep::EmailCode);
        m.step(&login(), None, 1_000_100);
        let notice = with_alert(page("notice", vec![]), text);
        assert_eq!(
            expect_fail(m.step(&notice, None, 1_000_200)),
            want,
            "{text}"
        );
    }
    // Maintenance is seen before anything is filled.
    let mut m = machine(SecondStep::EmailCode);
    let down = with_alert(
        page("login", vec![]),
        "Este sitio está en mantenimiento programado.",
    );
    assert_eq!(
        expect_fail(m.step(&down, None, 1_000_050)),
        Failure::Maintenance
    );
}

#[test]
fn a_page_saying_a_session_is_already_open_is_a_stored_session_unless_it_is_signed_in() {
    let said = "A session is already open in this browser. Sign out of it, or clear this \
                browser's cookies for the portal.";
    // Before anything is typed: the portal's sign-in page shows the notice instead of its form.
    let mut m = machine(SecondStep::EmailCode);
    let notice = with_alert(page("session", vec![]), said);
    assert_eq!(
        expect_fail(m.step(&notice, None, 1_000_050)),
        Failure::StoredSession
    );
    // A signed-in page greeting with like words is signed in, not in the way.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    let mut home = with_alert(page("home", vec![]), "You are already signed in.");
    home.seen.signed_in = true;
    assert!(
        !matches!(m.step(&home, None, 1_000_200), Action::Fail(_)),
        "a signed-in page is not a failure"
    );
}

#[test]
fn a_host_outside_the_portal_that_never_loads_is_remembered_for_the_health_check() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    // Handed to an identity host that does not answer: the engine has its address, the page
    // script nothing.
    let gone = Observation {
        origin: "http://127.0.0.1:9".into(),
        url: "http://127.0.0.1:9/sso/saml2?SAMLRequest=abc".into(),
        ..Default::default()
    };
    assert!(matches!(m.step(&gone, None, 1_000_200), Action::Wait));
    let failure = expect_fail(m.step(&gone, None, 1_000_200 + FORM_TIMEOUT_MS + 1));
    assert_eq!(failure, Failure::NotResponding);
    assert_eq!(
        m.outside_url(),
        Some("http://127.0.0.1:9/sso/saml2"),
        "the address, without its query"
    );

    // The engine was sent there, but the page on screen stayed the sign-in page: the shell's
    // record of the navigation tells where the sign-in went.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    let mut stayed = login();
    stayed.navigated_to = "http://127.0.0.1:9/sso/saml2?SAMLRequest=abc".into();
    assert!(matches!(m.step(&stayed, None, 1_000_200), Action::Wait));
    assert_eq!(m.outside_url(), Some("http://127.0.0.1:9/sso/saml2"));
    let mut home = login();
    home.navigated_to = format!("{ORIGIN}/home");
    let mut m = machine(SecondStep::EmailCode);
    m.step(&home, None, 1_000_100);
    assert_eq!(
        m.outside_url(),
        None,
        "the portal's own address is not away"
    );
}

#[test]
fn a_look_alike_origin_gets_nothing_and_an_identity_provider_is_sso() {
    let mut m = machine(SecondStep::EmailCode);
    let mut fake = login();
    fake.origin = "http://127.0.0.1:18099".into();
    fake.url = "http://127.0.0.1:18099/login".into();
    assert_eq!(
        expect_fail(m.step(&fake, None, 1_000_100)),
        Failure::LookAlikeOrigin {
            origin: "http://127.0.0.1:18099".into()
        }
    );
    let mut m = machine(SecondStep::EmailCode);
    let mut idp = login();
    idp.origin = "https://clinic.okta.com".into();
    idp.url = "https://clinic.okta.com/app/sso/saml".into();
    assert_eq!(expect_fail(m.step(&idp, None, 1_000_100)), Failure::Sso);
}

#[test]
fn a_page_without_a_form_and_a_portal_that_stops_answering_time_out() {
    let mut m = machine(SecondStep::EmailCode);
    let blank = page("blank", vec![]);
    assert!(matches!(
        m.step(&blank, None, 1_000_000 + FORM_TIMEOUT_MS),
        Action::Wait
    ));
    assert_eq!(
        expect_fail(m.step(&blank, None, 1_000_001 + FORM_TIMEOUT_MS)),
        Failure::StepNotFound {
            step: "username and password".into(),
            page: format!("{ORIGIN}/blank")
        }
    );

    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    assert_eq!(
        expect_fail(m.step(&login(), None, 1_000_001 + SUBMIT_TIMEOUT_MS)),
        Failure::NotResponding
    );
}

#[test]
fn a_fill_that_found_no_field_may_be_tried_again_but_not_past_the_form_timeout() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    assert!(m.filled(no_field(), 1_000_110).is_none());
    assert!(
        matches!(
            m.step(&login(), None, 1_000_200),
            Action::FillCredentials { .. }
        ),
        "nothing was written, so the password may be tried again"
    );
    // Regression: each retry used to move the timeout on, so a page whose field the script
    // never found was filled every 100 ms for ever. The clock runs from the first miss.
    let mut now = 1_000_200;
    while now <= 1_000_110 + FORM_TIMEOUT_MS {
        m.filled(no_field(), now);
        now += 100;
        let action = m.step(&login(), None, now);
        if now - 1_000_110 <= FORM_TIMEOUT_MS {
            assert!(matches!(action, Action::FillCredentials { .. }), "{now}");
        } else {
            assert_eq!(expect_fail(action), Failure::FormNotFound);
        }
    }
    assert!(matches!(m.state(), State::Failed { .. }));
}

#[test]
fn a_code_written_without_a_button_is_never_filled_again_and_the_page_may_send_it() {
    // Regression: a code box that sends itself on input has no button, so the script wrote the
    // code and reported "not filled"; the machine then filled it again on every observation
    // (each one maybe a wrong try towards a lockout) and no timeout ever fired.
    let mut m = machine(SecondStep::Authenticator);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    m.step(&code_page(), None, 1_000_200);
    assert!(matches!(
        m.step(&code_page(), offered("287082"), 1_000_300),
        Action::FillCode { .. }
    ));
    assert!(m.filled(written_only(), 1_000_310).is_none());
    assert_eq!(m.waiting_for_the_page(), Some(Filled::Code));
    assert!(
        SignInView::of(&m, crate::i18n::Locale::En)
            .words
            .contains("press its button"),
        "{}",
        SignInView::of(&m, crate::i18n::Locale::En).words
    );
    for t in (1_000_400..1_000_300 + SUBMIT_TIMEOUT_MS).step_by(500) {
        assert!(
            matches!(m.step(&code_page(), offered("111111"), t), Action::Wait),
            "written once, never again ({t})"
        );
    }
    // The page sent the code by itself.
    assert!(matches!(
        m.step(&home(), None, 1_000_300 + SUBMIT_TIMEOUT_MS),
        Action::Done {
            skipped_code: false,
            ..
        }
    ));
}

#[test]
fn a_password_written_without_a_button_ends_plainly_when_the_page_does_not_go_on() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    m.filled(written_only(), 1_000_110);
    assert_eq!(m.waiting_for_the_page(), Some(Filled::Password));
    assert!(matches!(
        m.step(&login(), None, 1_000_100 + SUBMIT_TIMEOUT_MS),
        Action::Wait
    ));
    let failure = expect_fail(m.step(&login(), None, 1_000_101 + SUBMIT_TIMEOUT_MS));
    assert_eq!(
        failure,
        Failure::SubmitNotFound {
            filled: Filled::Password
        }
    );
    let view = SignInView::of(&m, crate::i18n::Locale::En);
    assert!(
        view.words.contains("could not find the button"),
        "{}",
        view.words
    );
    assert!(
        view.next_step.as_deref().unwrap().contains("yourself"),
        "{view:?}"
    );
}

#[test]
fn the_channel_the_portal_does_not_offer_is_a_failure() {
    let mut m = machine(SecondStep::SmsCode);
    m.step(&login(), None, 1_000_100);
    let only_email = page("mfa", vec![button(0, "Send to my email")]);
    assert_eq!(
        expect_fail(m.step(&only_email, None, 1_000_200)),
        Failure::ChannelNotOffered {
            channel: Channel::Sms
        }
    );
}

#[test]
fn a_page_that_moves_between_approval_and_fill_gets_nothing_and_a_new_try_needs_confirmation() {
    // The machine approved the login page's origin; before the fill ran, the window went
    // elsewhere. The engine's own address catches it first (nothing is filled at all)...
    let mut m = machine(SecondStep::EmailCode);
    assert!(matches!(
        m.step(&login(), None, 1_000_100),
        Action::FillCredentials { .. }
    ));
    assert!(
        m.engine_reports(Some(ORIGIN), 1_000_101).is_none(),
        "same origin: go on"
    );
    let stopped = m.engine_reports(Some("http://127.0.0.1:18099"), 1_000_102);
    assert!(matches!(
        stopped,
        Some(Action::Fail(Failure::AddressChanged { ref origin })) if origin == "http://127.0.0.1:18099"
    ));
    assert!(m.needs_confirmation_to_retry());
    assert!(SignInView::of(&m, crate::i18n::Locale::En).retry_needs_confirmation);
    // ...and the fill script's own check of location.origin, in the run that would write.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    let report = FillReport {
        origin: "http://127.0.0.1:18099".into(),
        ..FillReport::default()
    };
    assert!(matches!(
        m.filled(report, 1_000_110),
        Some(Action::Fail(Failure::AddressChanged { .. }))
    ));
    assert!(m.needs_confirmation_to_retry());
}

#[test]
fn a_portal_that_stops_answering_after_the_password_needs_confirmation_and_a_missing_form_not() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    assert_eq!(
        expect_fail(m.step(&login(), None, 1_000_001 + SUBMIT_TIMEOUT_MS)),
        Failure::NotResponding
    );
    assert!(
        m.needs_confirmation_to_retry(),
        "the password may have been counted as a wrong try"
    );
    let mut m = machine(SecondStep::EmailCode);
    let blank = page("blank", vec![]);
    assert_eq!(
        expect_fail(m.step(&blank, None, 1_000_001 + FORM_TIMEOUT_MS)),
        Failure::StepNotFound {
            step: "username and password".into(),
            page: format!("{ORIGIN}/blank")
        }
    );
    assert!(!m.needs_confirmation_to_retry(), "nothing was sent");
}

#[test]
fn a_window_closed_while_the_password_or_code_is_on_its_way_needs_confirmation() {
    // Regression: closing a slow portal's window right after the fill, then clicking again,
    // sent the password once more with no "try once more" and nothing counted.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    m.fail(Failure::WindowClosed, 1_000_500);
    assert!(
        m.needs_confirmation_to_retry(),
        "the password was sent, unanswered"
    );

    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    m.step(&code_page(), None, 1_000_300);
    m.step(&code_page(), offered("482913"), 1_000_400);
    m.filled(sent(true), 1_000_410);
    m.fail(Failure::WindowClosed, 1_000_900);
    assert!(
        m.needs_confirmation_to_retry(),
        "the code was sent, unanswered"
    );

    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    m.step(&code_page(), None, 1_000_300);
    m.fail(Failure::WindowClosed, 1_000_900);
    assert!(
        !m.needs_confirmation_to_retry(),
        "the portal took the password and was waiting for a code: nothing unanswered"
    );
}

#[test]
fn a_code_sent_straight_after_the_password_counts_from_the_password() {
    // Regression: the window started when the code page first showed, seconds after the
    // portal had sent its mail; with a tight clock allowance the code was turned away.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    m.step(&code_page(), None, 1_006_000);
    assert_eq!(
        m.wants(&code_page(), 1_006_100),
        Some(CodeWanted::Mailed {
            portal_id: 7,
            channel: Channel::Email,
            since: 1000,
            room: CodeRoom::ANY,
        })
    );
}

#[test]
fn the_portals_own_answer_to_a_fill_is_not_an_unanswered_one() {
    // Regression: "down for maintenance" shown after the password counted as a try that may
    // have locked the account, because the fill was still marked as on its way.
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_000);
    m.filled(sent(false), 1_000_010);
    let down = with_alert(page("c", vec![]), "We are down for maintenance.");
    assert_eq!(
        expect_fail(m.step(&down, None, 1_000_500)),
        Failure::Maintenance
    );
    assert!(!m.needs_confirmation_to_retry());
}

#[test]
fn views_carry_plain_words_and_no_code() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    m.step(&choose(), None, 1_000_200);
    m.step(&code_page(), None, 1_000_300);
    let view = SignInView::of(&m, crate::i18n::Locale::En);
    assert_eq!(view.words, "Waiting for the code from Cigna…");
    let spanish = SignInView::of(&m, crate::i18n::Locale::Es);
    assert_eq!(spanish.words, "Esperando el código de Cigna…");
    m.step(&code_page(), offered("482913"), 1_000_400);
    let json = serde_json::to_string(&SignInView::of(&m, crate::i18n::Locale::En)).unwrap();
    assert!(!json.contains("482913"), "{json}");
    assert!(json.contains("\"state\":\"code\""), "{json}");
}

#[test]
fn the_page_a_reused_window_showed_before_is_not_taken_for_this_sign_in() {
    let mut m = machine(SecondStep::EmailCode).ignoring_document(Some("home".into()));
    assert!(
        matches!(m.step(&home(), None, 1_000_100), Action::Wait),
        "the old signed-in page"
    );
    assert!(matches!(
        m.step(&login(), None, 1_000_200),
        Action::FillCredentials { .. }
    ));
}

#[test]
fn a_sign_in_form_behind_a_link_is_opened_once_and_filled_only_when_shown() {
    let hidden = |mut c: Control| {
        c.visible = false;
        c.form = Some(1);
        c
    };
    let link = Control {
        form: None,
        text: "Log in".into(),
        ..control(0, "a", "")
    };
    let closed = page(
        "home",
        vec![
            link.clone(),
            hidden(input(1, "text", "username", "Username")),
            hidden(input(2, "password", "password", "Password")),
            hidden(button(3, "Sign in")),
        ],
    );
    let mut m = machine(SecondStep::EmailCode);
    assert!(
        matches!(m.step(&closed, None, 1_000_100), Action::Reveal { target: 0, ref origin } if origin == ORIGIN),
        "the link that opens the form is clicked"
    );
    m.filled(written_only(), 1_000_110);
    // Still closed (a slow layer, or a link that does something else): not clicked again,
    // and the hidden fields are never written.
    assert!(matches!(m.step(&closed, None, 1_000_300), Action::Wait));
    // Opened: the form is filled as any shown form.
    let mut opened = login();
    opened.document = "home".into();
    assert!(matches!(
        m.step(&opened, None, 1_000_500),
        Action::FillCredentials { .. }
    ));
}
