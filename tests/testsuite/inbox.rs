//! The running inbox against the bed's Dovecot: several desks on one mailbox share "used"
//! through the server's keyword.

use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent, InboxRules, PortalSender};
use keydesk::mailbox::{MailboxSettings, Security};
use keydesk::pending::{CodeState, MessageKey};
use tokio::sync::mpsc;

use crate::bed;

pub const SENDER: &str = "no-reply@portal.example";

pub fn rules() -> InboxRules {
    InboxRules {
        portals: vec![PortalSender {
            portal_id: 1,
            name: "Test Portal".into(),
            addresses: vec![SENDER.into()],
            code_lifetime: None,
            code_shapes: Vec::new(),
        }],
        sms_forwarders: Vec::new(),
        authserv_id: Some(bed::AUTHSERV_ID.into()),
    }
}

/// A desk: its inbox and its events.
pub struct Desk {
    pub inbox: Inbox,
    pub events: mpsc::Receiver<InboxEvent>,
}

pub fn desk(settings: &MailboxSettings, user: &bed::MailUser) -> Desk {
    let (tx, events) = mpsc::channel(1024);
    let inbox = Inbox::start(settings, &Secret::new(user.password.clone()), rules(), tx);
    Desk { inbox, events }
}

/// Reads events until `pick` returns something, or panics after `within`.
pub async fn until<T>(
    events: &mut mpsc::Receiver<InboxEvent>,
    within: Duration,
    mut pick: impl FnMut(&InboxEvent) -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) => {
                if let Some(found) = pick(&event) {
                    return found;
                }
            }
            Ok(None) => panic!("the inbox stopped"),
            Err(_) => panic!("nothing matching within {within:?}"),
        }
    }
}

/// Waits until every folder of the desk finished its first sync.
pub async fn synced(desk: &mut Desk, folders: usize) {
    for _ in 0..folders {
        until(&mut desk.events, Duration::from_secs(10), |e| {
            matches!(e, InboxEvent::Synced { .. }).then_some(())
        })
        .await;
    }
}

pub async fn new_code(desk: &mut Desk) -> (MessageKey, bool) {
    until(&mut desk.events, Duration::from_secs(10), |e| match e {
        InboxEvent::NewCode { key, announce, .. } => Some((key.clone(), *announce)),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_a_code_used_at_one_desk_shows_used_at_the_other_within_a_second() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls);
    let folders = settings.folders.len();
    let mut a = desk(&settings, &user);
    let mut b = desk(&settings, &user);
    synced(&mut a, folders).await;
    synced(&mut b, folders).await;

    bed::deliver(&user, &bed::code_mail(SENDER, "640517"));
    let (key, announce) = new_code(&mut a).await;
    assert!(announce, "a code arriving while watched is announced");
    let (key_b, _) = new_code(&mut b).await;
    assert_eq!(key, key_b, "both desks see the same message");

    let started = Instant::now();
    assert!(a.inbox.mark_used(&key), "desk A marks the code used");
    let seen_used = loop {
        let view = b.inbox.view(bed::unix_now());
        let code = view
            .iter()
            .find(|c| c.key == key)
            .expect("B still lists it");
        if code.state == CodeState::Used {
            break code.clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "desk B did not show the code used within a second"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let delay = started.elapsed();
    println!("used at desk A -> shown used at desk B: {delay:?}");
    assert!(
        seen_used.used_at_another_desk,
        "B knows it was used elsewhere"
    );
    let used_event = until(&mut b.events, Duration::from_secs(1), |e| match e {
        InboxEvent::Used { key } => Some(key.clone()),
        _ => None,
    })
    .await;
    assert_eq!(used_event, key, "B's owner is told, to refresh its window");
    let at_a = a.inbox.view(bed::unix_now());
    let at_a = at_a.iter().find(|c| c.key == key).unwrap();
    assert_eq!(at_a.state, CodeState::Used);
    assert!(!at_a.used_at_another_desk, "A used it itself");

    // A desk that starts later reads the keyword in its first sync.
    let mut c = desk(&settings, &user);
    let (key_c, announce_c) = new_code(&mut c).await;
    assert_eq!(key_c, key);
    assert!(
        !announce_c,
        "a code found at start, and used, is not announced"
    );
    let at_c = c.inbox.view(bed::unix_now());
    assert_eq!(
        at_c[0].state,
        CodeState::Used,
        "used before this desk started"
    );
    assert!(
        !at_c[0].used_at_another_desk,
        "it cannot tell which desk used it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_a_mark_made_as_the_connection_is_cut_is_stored_after_the_reconnect() {
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders = vec!["INBOX".into()];
    bed::deliver(&user, &bed::code_mail(SENDER, "318264"));
    let mut a = desk(&settings, &user);
    let (key, announce) = new_code(&mut a).await;
    assert!(!announce, "found by the first sync: shown, not announced");
    synced(&mut a, 1).await;
    // Cut A's connection and mark at once: the mark waits for the reconnect.
    let conf = bed::var("KEYDESK_TEST_DOVECOT_CONF");
    let kicked = std::process::Command::new("doveadm")
        .args(["-c", &conf, "kick", &user.name])
        .output()
        .expect("doveadm");
    assert!(kicked.status.success(), "doveadm kick: {kicked:?}");
    assert!(a.inbox.mark_used(&key));
    assert!(!a.inbox.mark_used(&key), "marking twice is a no-op");
    // A second desk started afterwards must find the keyword on the server.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut b = desk(&settings, &user);
        new_code(&mut b).await;
        if b.inbox.view(bed::unix_now())[0].state == CodeState::Used {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the mark was never stored on the server"
        );
        b.inbox.stop();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
