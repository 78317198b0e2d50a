//! The code step driven by scripted observations: when a code is looked up, how long it is
//! kept, and which codes are taken.

use super::tests::*;
use super::*;
use crate::portal::SecondStep;
use crate::secret::Secret;

#[test]
fn authenticator_portal_fills_the_current_totp_without_choosing_a_channel() {
    let mut m = machine(SecondStep::Authenticator);
    m.step(&login(), None, 1_000_100);
    assert!(
        m.wants(&code_page(), 1_000_150).is_none(),
        "no code wanted before the machine has seen the code page"
    );
    assert!(matches!(
        m.step(&code_page(), None, 1_000_200),
        Action::Wait
    ));
    assert_eq!(
        m.wants(&code_page(), 1_000_250),
        Some(CodeWanted::Authenticator { portal_id: 7 })
    );
    assert!(matches!(
        m.step(&code_page(), offered("287082"), 1_000_300),
        Action::FillCode { .. }
    ));
    assert!(matches!(
        m.step(&home(), None, 1_000_400),
        Action::Done {
            skipped_code: false,
            ..
        }
    ));
    assert_eq!(
        m.timing().waiting_for_code_ms,
        None,
        "no mail was waited for"
    );
}

#[test]
fn a_code_that_never_comes_times_out_and_a_refused_code_is_not_followed_by_another() {
    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    m.step(&choose(), None, 1_000_200);
    m.step(&code_page(), None, 1_000_300);
    assert!(matches!(
        m.step(&code_page(), None, 1_000_300 + CODE_TIMEOUT_MS),
        Action::Wait
    ));
    assert_eq!(
        expect_fail(m.step(&code_page(), None, 1_000_301 + CODE_TIMEOUT_MS)),
        Failure::CodeNeverCame
    );

    // A portal whose codes lapse sooner is not waited for longer than a code lives.
    let mut short = portal(SecondStep::EmailCode);
    short.fields.code_lifetime_secs = Some(20);
    let recipes = crate::signin::Recipes::shipped().unwrap();
    let mut m = SignIn::new(&short, recipes.for_preset(Some("cigna")), 1_000_000);
    m.step(&login(), None, 1_000_100);
    m.step(&choose(), None, 1_000_200);
    m.step(&code_page(), None, 1_000_300);
    assert!(matches!(
        m.step(&code_page(), None, 1_020_300),
        Action::Wait
    ));
    assert_eq!(
        expect_fail(m.step(&code_page(), None, 1_020_301)),
        Failure::CodeNeverCame
    );
    // A lifetime longer than the wait leaves the wait as it is.
    short.fields.code_lifetime_secs = Some(24 * 3600);
    let m = SignIn::new(&short, recipes.for_preset(Some("cigna")), 1_000_000);
    assert_eq!(m.code_wait_ms(), CODE_TIMEOUT_MS);

    let mut m = machine(SecondStep::EmailCode);
    m.step(&login(), None, 1_000_100);
    m.step(&choose(), None, 1_000_200);
    m.step(&code_page(), offered("111111"), 1_000_300);
    let refused = with_alert(
        page("verify-2", code_page().controls),
        "The code you entered is incorrect.",
    );
    assert_eq!(
        expect_fail(m.step(&refused, offered("222222"), 1_000_400)),
        Failure::CodeRefused
    );
}

/// A machine that has sent the password and sees the code page, waiting for its code.
fn waiting(step: SecondStep) -> SignIn {
    let mut m = machine(step);
    m.step(&login(), None, 1_000_100);
    m.filled(sent(false), 1_000_110);
    if step != SecondStep::Authenticator {
        m.step(&choose(), None, 1_000_200);
        m.filled(sent(false), 1_000_210);
    }
    assert!(matches!(
        m.step(&code_page(), None, 1_000_300),
        Action::Wait
    ));
    m
}

#[test]
fn a_code_is_looked_up_only_while_the_page_shows_its_code_field() {
    // Regression: the code was asked for on every 100 ms look while waiting, code field or not:
    // the keychain was read each time, and an HOTP counter moved on for codes thrown away.
    let m = waiting(SecondStep::Authenticator);
    let loading = Observation {
        ready: false,
        ..code_page()
    };
    let elsewhere = Observation {
        origin: "http://127.0.0.1:18099".into(),
        ..code_page()
    };
    for (page, why) in [
        (page("blank", vec![]), "no code field"),
        (loading, "still loading"),
        (elsewhere, "another origin"),
        (login(), "the sign-in form"),
    ] {
        assert_eq!(m.wants(&page, 1_000_400), None, "{why}");
    }
    assert_eq!(
        m.wants(&code_page(), 1_000_400),
        Some(CodeWanted::Authenticator { portal_id: 7 })
    );
}

#[test]
fn a_code_is_kept_until_it_is_written_and_never_looked_up_twice() {
    let mut m = waiting(SecondStep::Authenticator);
    let Action::FillCode { code, .. } = m.step(&code_page(), offered("755224"), 1_000_400) else {
        panic!("the code is filled");
    };
    assert_eq!(code.expose(), "755224");
    // The field went away between the look and the fill: nothing was written.
    m.filled(no_field(), 1_000_410);
    assert_eq!(
        m.wants(&code_page(), 1_000_500),
        None,
        "the code is held: an HOTP entry must not make another"
    );
    let Action::FillCode { code, .. } = m.step(&code_page(), None, 1_000_500) else {
        panic!("the held code is filled on the next look");
    };
    assert_eq!(code.expose(), "755224");
    m.filled(written_only(), 1_000_510);
    assert_eq!(m.wants(&code_page(), 1_000_600), None, "written: used");
}

#[test]
fn a_totp_code_about_to_end_its_period_waits_for_the_next_one() {
    let mut m = waiting(SecondStep::Authenticator);
    let ending = |code: &str, end: i64| {
        Some(OfferedCode {
            code: Secret::from(code),
            key: None,
            good_until_ms: Some(end),
        })
    };
    // 2.5 s left: it might expire on its way to the portal.
    assert!(matches!(
        m.step(&code_page(), ending("111111", 1_003_000), 1_000_500),
        Action::Wait
    ));
    assert_eq!(
        m.wants(&code_page(), 1_002_999),
        None,
        "not asked for again in this period"
    );
    assert_eq!(
        m.wants(&code_page(), 1_003_000),
        Some(CodeWanted::Authenticator { portal_id: 7 })
    );
    let Action::FillCode { code, .. } =
        m.step(&code_page(), ending("222222", 1_033_000), 1_003_000)
    else {
        panic!("the next period's code is filled");
    };
    assert_eq!(code.expose(), "222222");
    assert_eq!(
        m.timing().waiting_for_code_ms,
        Some(2_500),
        "the wait for the next period is the wait for a usable code"
    );
}

#[test]
fn a_code_stamped_by_a_mail_server_whose_clock_is_behind_is_still_taken() {
    // Regression: `since` is the desk's clock and a code's delivery time the mail server's
    // (INTERNALDATE). A server 20 s behind stamped each new code "before" the request, so no
    // code ever matched and every sign-in ended "the code did not arrive".
    use crate::pending::{MessageKey, Origin, PendingCode, PendingCodes};
    let message = |uid: u32, delivered_at: i64| PendingCode {
        key: MessageKey {
            folder: "INBOX".into(),
            uid_validity: 1,
            uid,
        },
        code: Secret::from("482913"),
        origin: Origin::Portal {
            portal_id: 7,
            name: "Cigna".into(),
        },
        channel: Channel::Email,
        delivered_at,
        expires_at: delivered_at + 600,
    };
    let mut inbox = PendingCodes::default();
    // A code from an earlier sign-in, already in the inbox when this one asked: by the server's
    // clock 5 s before the new one, so inside the tolerance; the snapshot keeps it out.
    inbox.insert(message(1, 975));
    let known_before = inbox.keys_of_portal(7);
    let m = waiting(SecondStep::EmailCode);
    let Some(CodeWanted::Mailed {
        since,
        channel,
        room,
        ..
    }) = m.wants(&code_page(), 1_000_400)
    else {
        panic!("a mailed code is wanted");
    };
    // Asked at desk time 1000; the server, 20 s behind, stamps the new code 980.
    inbox.insert(message(2, 980));
    let found = inbox.for_sign_in(7, channel, since, &known_before, 1_000, room);
    assert_eq!(
        found.map(|c| c.key.uid),
        Some(2),
        "the new code is taken, and the one known before the request is not"
    );
}
