//! The inbox's reading and matching of messages (unit tests, no server).

use super::*;

fn rules() -> InboxRules {
    InboxRules {
        portals: vec![
            PortalSender {
                portal_id: 1,
                name: "Cigna".into(),
                addresses: vec!["@cigna.example".into()],
                code_lifetime: Some(Duration::from_secs(3600)),
                code_shapes: Vec::new(),
            },
            PortalSender {
                portal_id: 2,
                name: "MyChart".into(),
                addresses: vec!["mychart@clinic.example".into()],
                code_lifetime: None,
                code_shapes: Vec::new(),
            },
        ],
        sms_forwarders: vec!["15551234567@txt.forward.example".into()],
        authserv_id: Some("mx.office.example".into()),
    }
}

fn fetched(headers: &str, body: &str) -> Fetched {
    Fetched {
        folder: "INBOX".into(),
        uid_validity: 7,
        uid: 42,
        delivered_at: 1_000_000,
        raw: format!("{headers}\r\nMessage-ID: <x@y>\r\n\r\n{body}\r\n").into_bytes(),
        truncated: false,
        used: false,
    }
}

/// The office server's stamp: DKIM and DMARC passed for `domain`.
fn pass(domain: &str) -> String {
    format!(
        "Authentication-Results: mx.office.example; dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n"
    )
}

fn code(reading: Reading) -> PendingCode {
    match reading {
        Reading::Code(c) => c,
        other => panic!("expected a code, got {other:?}"),
    }
}

#[test]
fn a_portal_sender_matches_and_takes_the_portal_lifetime() {
    let m = fetched(
        &(pass("cigna.example") + "From: Cigna <no-reply@cigna.example>\r\nSubject: Your code"),
        "Your verification code is 482913.",
    );
    let c = code(read(&m, &rules()));
    assert_eq!(
        c.origin,
        Origin::Portal {
            portal_id: 1,
            name: "Cigna".into()
        }
    );
    assert_eq!(c.code.expose(), "482913");
    assert_eq!(c.expires_at - c.delivered_at, 3600, "the portal's lifetime");
    assert_eq!(c.channel, Channel::Email);
}

#[test]
fn the_message_lifetime_beats_the_portal_default() {
    let m = fetched(
        &(pass("cigna.example") + "From: no-reply@cigna.example\r\nSubject: Code"),
        "Your code is 482913. It expires in 10 minutes.",
    );
    let c = code(read(&m, &rules()));
    assert_eq!(c.expires_at - c.delivered_at, 600);
}

#[test]
fn a_failed_dmarc_check_makes_a_portal_look_alike_unverified() {
    let m = fetched(
        "Authentication-Results: mx.office.example; dkim=fail header.d=cigna.example; dmarc=fail\r\nFrom: no-reply@cigna.example\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    let c = code(read(&m, &rules()));
    assert!(
        matches!(c.origin, Origin::Unverified { portal_id: 1, .. }),
        "{:?}",
        c.origin
    );
}

#[test]
fn a_passing_check_keeps_the_match() {
    let m = fetched(
        "Authentication-Results: mx.office.example; dkim=pass header.d=cigna.example; dmarc=pass\r\nFrom: no-reply@cigna.example\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    assert!(matches!(
        code(read(&m, &rules())).origin,
        Origin::Portal { portal_id: 1, .. }
    ));
}

#[test]
fn an_unknown_sender_is_unmatched_and_a_look_alike_domain_does_not_match() {
    let m = fetched(
        "From: no-reply@cigna.example.evil.test\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    assert!(matches!(
        code(read(&m, &rules())).origin,
        Origin::Unmatched { .. }
    ));
    let m = fetched(
        "From: no-reply@notcigna.example\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    assert!(matches!(
        code(read(&m, &rules())).origin,
        Origin::Unmatched { .. }
    ));
    let m = fetched(
        "From: no-reply@mail.cigna.example\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    assert!(
        matches!(code(read(&m, &rules())).origin, Origin::Unmatched { .. }),
        "a subdomain is not the portal's domain"
    );
}

#[test]
fn a_forwarded_text_is_matched_by_the_portal_named_in_it() {
    let m = fetched(
        &(pass("txt.forward.example")
            + "From: 15551234567@txt.forward.example\r\nSubject: SMS from 12345"),
        "MyChart: your verification code is TM3KX2. It expires in 15 minutes.",
    );
    let c = code(read(&m, &rules()));
    assert_eq!(c.channel, Channel::Sms);
    assert_eq!(
        c.origin,
        Origin::Portal {
            portal_id: 2,
            name: "MyChart".into()
        }
    );
    assert_eq!(c.code.expose(), "TM3KX2");
}

#[test]
fn a_text_naming_a_portal_from_an_unknown_forwarder_is_not_trusted() {
    let m = fetched(
        "From: stranger@txt.elsewhere.example\r\nSubject: SMS",
        "MyChart: your verification code is 482913.",
    );
    assert!(matches!(
        code(read(&m, &rules())).origin,
        Origin::Unmatched { .. }
    ));
}

#[test]
fn a_message_without_a_code_is_no_code() {
    let m = fetched(
        "From: no-reply@cigna.example\r\nSubject: Claim update",
        "Claim 4829130021 was processed. Call 800.981.9114.",
    );
    assert!(matches!(read(&m, &rules()), Reading::NoCode));
}

#[test]
fn unchecked_mail_naming_a_portal_is_unverified_and_keeps_no_portal_lifetime() {
    let unstamped = fetched(
        "From: no-reply@cigna.example\r\nSubject: Code",
        "Your verification code is 482913.",
    );
    let c = code(read(&unstamped, &rules()));
    assert!(
        matches!(&c.origin, Origin::Unverified { portal_id: 1, reason, confirmable: false, .. } if reason.contains("no sender check")),
        "a check was possible, so the person cannot vouch for it: {:?}",
        c.origin
    );
    assert_eq!(
        c.expires_at - c.delivered_at,
        DEFAULT_LIFETIME.as_secs() as i64
    );
    let no_checks = InboxRules {
        authserv_id: None,
        ..rules()
    };
    let stamped = fetched(
        &(pass("cigna.example") + "From: no-reply@cigna.example\r\nSubject: Code"),
        "Your verification code is 482913.",
    );
    assert!(
        matches!(&code(read(&stamped, &no_checks)).origin, Origin::Unverified { reason, confirmable: true, .. } if reason == trust::NO_CHECKS),
        "without the server's id nothing is verified, and a sign-in asks the person to confirm"
    );
}

#[test]
fn a_from_without_an_address_is_unverified_even_when_the_return_path_is_the_portal() {
    let m = fetched(
        &(pass("cigna.example")
            + "Return-Path: <no-reply@cigna.example>\r\nFrom: Cigna\r\nSubject: Code"),
        "Your verification code is 482913.",
    );
    assert!(matches!(
        code(read(&m, &rules())).origin,
        Origin::Unverified { portal_id: 1, .. }
    ));
}
