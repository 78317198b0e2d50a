//! The inbox's trust model against the bed's Dovecot: each spoof the issue lists arrives after a
//! genuine, verified code; it is shown as unverified, never offered to a sign-in, and the
//! genuine code stays the one a sign-in fills. Verified mail (DMARC pass, aligned DKIM pass, a
//! verified forwarded text, a verified code filed in Junk) is filled.

use std::path::PathBuf;
use std::time::Duration;

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent, InboxRules, PortalSender};
use keydesk::mailbox::Security;
use keydesk::pending::{Channel, CodeRoom, CodeState, Origin, PendingCodeView};

use crate::bed;
use crate::inbox::{Desk, synced, until};

const PORTAL: &str = "no-reply@portal.example";
const FORWARDER: &str = "15551234567@txt.forward.example";

fn rules() -> InboxRules {
    InboxRules {
        portals: vec![PortalSender {
            portal_id: 1,
            name: "Test Portal".into(),
            addresses: vec![PORTAL.into()],
            code_lifetime: None,
            code_shapes: Vec::new(),
        }],
        sms_forwarders: vec![FORWARDER.into()],
        authserv_id: Some(bed::AUTHSERV_ID.into()),
    }
}

/// The office server's header recording `results`.
fn office(results: &str) -> String {
    format!(
        "Authentication-Results: {}; {results}\r\n",
        bed::AUTHSERV_ID
    )
}

/// A message from `from` (a whole From header value) with `headers` above it.
fn mail(headers: &str, from: &str, body: &str) -> Vec<u8> {
    format!(
        "{headers}From: {from}\r\nTo: frontdesk@localhost\r\nSubject: Your verification code\r\n\
         Message-ID: <{}@t.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        rand::random::<u64>()
    )
    .into_bytes()
}

fn code_text(code: &str) -> String {
    format!("Your verification code is {code}. It expires in 10 minutes.")
}

async fn start() -> (bed::MailUser, PathBuf, Desk) {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls); // INBOX and Junk
    let (tx, events) = tokio::sync::mpsc::channel(1024);
    let inbox = Inbox::start(&settings, &Secret::new(user.password.clone()), rules(), tx);
    let mut desk = Desk { inbox, events };
    synced(&mut desk, settings.folders.len()).await;
    let mail_root = PathBuf::from(bed::var("KEYDESK_TEST_MAIL_ROOT"));
    (user, mail_root, desk)
}

/// Waits for the code `code` to be pending and returns its view.
async fn arrives(desk: &mut Desk, code: &str) -> PendingCodeView {
    until(&mut desk.events, Duration::from_secs(10), |e| {
        matches!(e, InboxEvent::NewCode { .. }).then_some(())
    })
    .await;
    desk.inbox
        .view(bed::unix_now())
        .into_iter()
        .find(|v| v.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("{code} is not among the pending codes"))
}

/// The code a sign-in that asked at `since` would fill, by `channel`.
fn filled(desk: &Desk, channel: Channel, since: i64) -> Option<String> {
    desk.inbox
        .code_for_sign_in(1, channel, since, &[], bed::unix_now(), CodeRoom::ANY)
        .map(|c| c.code.expose().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_each_spoof_is_unverified_never_filled_and_the_genuine_code_stays_fillable() {
    let (user, mail_root, mut desk) = start().await;
    let since = bed::unix_now() - 1;
    bed::deliver(&user, &bed::code_mail(PORTAL, "640517"));
    let genuine = arrives(&mut desk, "640517").await;
    assert!(genuine.origin.is_verified(), "{:?}", genuine.origin);
    assert_eq!(
        filled(&desk, Channel::Email, since).as_deref(),
        Some("640517")
    );

    let portal_from = format!("Test Portal <{PORTAL}>");
    let spoofs: Vec<(&str, &str, Vec<u8>, bool)> = vec![
        (
            "no Authentication-Results at all",
            "100001",
            mail("", &portal_from, &code_text("100001")),
            false,
        ),
        (
            "a forged header of another id above the office's dkim=fail",
            "100002",
            mail(
                &format!(
                    "Authentication-Results: attacker.example; dkim=pass header.d=portal.example; \
                     dmarc=pass header.from=portal.example\r\n{}",
                    office(
                        "dkim=fail header.d=portal.example; dmarc=fail header.from=portal.example"
                    )
                ),
                &portal_from,
                &code_text("100002"),
            ),
            false,
        ),
        (
            "a forged header of the office's own id below the office's real one",
            "100003",
            mail(
                &format!(
                    "{}{}",
                    office("spf=softfail smtp.mailfrom=portal.example"),
                    office(
                        "dkim=pass header.d=portal.example; dmarc=pass header.from=portal.example"
                    )
                ),
                &portal_from,
                &code_text("100003"),
            ),
            false,
        ),
        (
            "dkim=pass for the attacker's own domain, dmarc=none",
            "100004",
            mail(
                &office(
                    "dkim=pass header.d=attacker.example; dmarc=none header.from=portal.example",
                ),
                &portal_from,
                &code_text("100004"),
            ),
            false,
        ),
        (
            "spf=fail and no DKIM",
            "100005",
            mail(
                &office("spf=fail smtp.mailfrom=portal.example"),
                &portal_from,
                &code_text("100005"),
            ),
            false,
        ),
        (
            "a From: with no address, the Return-Path naming the portal",
            "100006",
            mail(
                &format!(
                    "Return-Path: <{PORTAL}>\r\n{}",
                    office("spf=pass smtp.mailfrom=portal.example")
                ),
                "Test Portal",
                &code_text("100006"),
            ),
            false,
        ),
        (
            "a forwarded text from a forwarder that failed DMARC",
            "100007",
            mail(
                &office(
                    "dkim=fail header.d=txt.forward.example; dmarc=fail header.from=txt.forward.example",
                ),
                FORWARDER,
                "Test Portal: your verification code is 100007.",
            ),
            false,
        ),
        (
            "an unchecked message in Junk",
            "100008",
            mail("", &portal_from, &code_text("100008")),
            true,
        ),
    ];
    for (what, code, raw, junk) in spoofs {
        if junk {
            bed::deliver_to_folder(&mail_root, &user, "Junk", &raw);
        } else if what.contains("Return-Path") {
            // Written as-is: an LMTP delivery would add the envelope's own Return-Path on top.
            bed::deliver_to_maildir(&mail_root, &user, &raw);
        } else {
            bed::deliver(&user, &raw);
        }
        let spoof = arrives(&mut desk, code).await;
        assert!(
            matches!(spoof.origin, Origin::Unverified { portal_id: 1, .. }),
            "{what}: {:?}",
            spoof.origin
        );
        assert_eq!(spoof.state, CodeState::Fresh, "{what}: shown");
        assert_eq!(
            filled(&desk, Channel::Email, since).as_deref(),
            Some("640517"),
            "{what}: a sign-in still fills the genuine code"
        );
        assert_eq!(
            filled(&desk, Channel::Sms, since),
            None,
            "{what}: no text is filled"
        );
        let view = desk.inbox.view(bed::unix_now());
        let genuine = view
            .iter()
            .find(|v| v.code.as_deref() == Some("640517"))
            .unwrap();
        assert_eq!(
            genuine.state,
            CodeState::Fresh,
            "{what}: did not supersede it"
        );
    }
    assert!(
        desk.inbox
            .view(bed::unix_now())
            .iter()
            .any(|v| v.code.as_deref() == Some("100007") && v.channel == Channel::Sms),
        "the forwarded text is shown as a text"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_dmarc_pass_aligned_dkim_a_forwarded_text_and_junk_mail_are_verified_and_filled() {
    let (user, mail_root, mut desk) = start().await;
    let since = bed::unix_now() - 1;
    let portal_from = format!("Test Portal <{PORTAL}>");
    let cases: Vec<(&str, &str, Vec<u8>, Channel, bool)> = vec![
        (
            "DMARC pass for the From domain",
            "200001",
            mail(
                &office(
                    "spf=pass smtp.mailfrom=bounce.portal.example; dmarc=pass header.from=portal.example",
                ),
                &portal_from,
                &code_text("200001"),
            ),
            Channel::Email,
            false,
        ),
        (
            "DKIM pass of a subdomain (relaxed alignment), no DMARC record",
            "200002",
            mail(
                &office(
                    "dkim=pass (good signature) header.d=mail.portal.example header.s=k1; dmarc=none",
                ),
                &portal_from,
                &code_text("200002"),
            ),
            Channel::Email,
            false,
        ),
        (
            "a forwarded text whose forwarder passed DMARC",
            "200003",
            mail(
                &office("dmarc=pass header.from=txt.forward.example"),
                FORWARDER,
                "Test Portal: your verification code is 200003.",
            ),
            Channel::Sms,
            false,
        ),
        (
            "a verified message the spam filter put in Junk",
            "200004",
            mail(
                &office("dkim=pass header.d=portal.example; dmarc=pass header.from=portal.example"),
                &portal_from,
                &code_text("200004"),
            ),
            Channel::Email,
            true,
        ),
    ];
    for (what, code, raw, channel, junk) in cases {
        if junk {
            bed::deliver_to_folder(&mail_root, &user, "Junk", &raw);
        } else {
            bed::deliver(&user, &raw);
        }
        let view = arrives(&mut desk, code).await;
        assert!(
            matches!(view.origin, Origin::Portal { portal_id: 1, .. }),
            "{what}: {:?}",
            view.origin
        );
        assert_eq!(view.channel, channel, "{what}");
        assert_eq!(
            filled(&desk, channel, since).as_deref(),
            Some(code),
            "{what}: a sign-in fills it"
        );
    }
}

#[test]
fn trust_mailbox_ids_proposes_the_id_the_server_stamps_on_recent_mail() {
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("trust-mailbox-ids");
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);
    let none = bed::cli_ok(&profile, &["mailbox", "ids"], None);
    assert!(
        none.contains("checks no sender"),
        "an empty mailbox: {none}"
    );
    bed::deliver(&user, &bed::code_mail(PORTAL, "300001"));
    bed::deliver(&user, &bed::code_mail(PORTAL, "300002"));
    bed::deliver(&user, &mail("", "x@elsewhere.example", "Hello."));
    let out = bed::cli_ok(&profile, &["mailbox", "ids"], None);
    let first = out.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!("{}\t2 of 3 recent messages", bed::AUTHSERV_ID),
        "{out}"
    );
}

/// A portal's verified codes teach the inbox their shape: a later verified message whose code
/// is printed as `740 3918` (which reads as a phone number without a label beside it) is read
/// as the portal's seven-digit code. A spoof of the same print teaches and gets nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_a_portals_verified_codes_teach_their_shape_and_a_spoof_gets_no_benefit() {
    let (user, _mail_root, mut desk) = start().await;
    let since = bed::unix_now() - 1;
    let portal_from = format!("Test Portal <{PORTAL}>");
    let verified =
        office("dkim=pass header.d=portal.example; dmarc=pass header.from=portal.example");
    let unlabelled = |code: &str| {
        format!(
            "Test Portal sign-in for today. Use {} {} within the hour.",
            &code[..3],
            &code[3..]
        )
    };
    // Unlabelled and spoofed, before any shape is known: not a code at all.
    bed::deliver(&user, &mail("", &portal_from, &unlabelled("5550199")));
    bed::deliver(&user, &mail(&verified, &portal_from, &code_text("6405171")));
    arrives(&mut desk, "6405171").await;
    bed::deliver(
        &user,
        &mail(&verified, &portal_from, &unlabelled("7403918")),
    );
    let learned = arrives(&mut desk, "7403918").await;
    assert!(learned.origin.is_verified(), "{:?}", learned.origin);
    assert_eq!(
        filled(&desk, Channel::Email, since).as_deref(),
        Some("7403918")
    );
    // A spoof printed the same way is still no code: the shape is the verified portal's.
    bed::deliver(&user, &mail("", &portal_from, &unlabelled("8881234")));
    bed::deliver(&user, &mail(&verified, &portal_from, &code_text("2223334")));
    arrives(&mut desk, "2223334").await;
    let codes: Vec<String> = desk
        .inbox
        .view(bed::unix_now())
        .into_iter()
        .filter_map(|v| v.code)
        .collect();
    assert!(
        !codes.iter().any(|c| c == "5550199" || c == "8881234"),
        "{codes:?}"
    );
}
