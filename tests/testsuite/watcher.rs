//! The mailbox watcher against the bed's Dovecot: bounded first sync, IDLE push, short mail
//! before long, and exactly-once delivery across a cut connection.

use std::collections::BTreeSet;
use std::time::Duration;

use keydesk::Secret;
use keydesk::mailbox::{self, Security};
use keydesk::watcher::{FolderWatch, WatchEvent};
use tokio::sync::{mpsc, watch};

use crate::bed;

fn message(subject: &str) -> Vec<u8> {
    format!(
        "From: Portal <no-reply@portal.example>\r\nTo: desk@localhost\r\nSubject: {subject}\r\n\
         Message-ID: <{}@portal.example>\r\n\r\nYour verification code is 123456.\r\n",
        rand::random::<u64>()
    )
    .into_bytes()
}

fn start(user: &bed::MailUser) -> (mpsc::Receiver<WatchEvent>, watch::Sender<bool>) {
    let settings = bed::mailbox_settings(user, Security::Tls);
    let watch = FolderWatch::new(
        settings,
        Secret::new(user.password.clone()),
        "INBOX".into(),
        Duration::from_secs(86_400),
    );
    let (events_tx, events) = mpsc::channel(64);
    let (stop, stop_rx) = watch::channel(false);
    tokio::spawn(watch.run(events_tx, stop_rx, rand::random::<f64>));
    (events, stop)
}

/// The next event that is not a reconnect notice, or a panic after `within`.
async fn next_message(
    events: &mut mpsc::Receiver<WatchEvent>,
    within: Duration,
) -> keydesk::watcher::Fetched {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(WatchEvent::Message(m))) => return m,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the watcher stopped"),
            Err(_) => panic!("no message within {within:?}"),
        }
    }
}

async fn connected(events: &mut mpsc::Receiver<WatchEvent>) {
    match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
        Ok(Some(WatchEvent::Connected { idle, .. })) => assert!(idle, "Dovecot offers IDLE"),
        other => panic!("expected Connected first, got {other:?}"),
    }
}

fn subject_of(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn watcher_first_sync_fetches_only_mail_younger_than_the_lookback() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls);
    let mut session = mailbox::sign_in(&settings, &Secret::new(user.password.clone()))
        .await
        .unwrap();
    // Three days old: outside any code's lifetime, must not be fetched.
    let old = chrono_like_date(3);
    session
        .append("INBOX", None, Some(&format!("\"{old}\"")), message("old"))
        .await
        .unwrap();
    session.logout().await.unwrap();
    bed::deliver(&user, &message("recent"));

    let (mut events, stop) = start(&user);
    connected(&mut events).await;
    let first = next_message(&mut events, Duration::from_secs(10)).await;
    assert_eq!(subject_of(&first.raw), "recent");
    // Nothing else comes: the old message stays on the server.
    let more = tokio::time::timeout(Duration::from_millis(700), events.recv()).await;
    assert!(
        !matches!(more, Ok(Some(WatchEvent::Message(_)))),
        "the old message was fetched"
    );
    stop.send(true).unwrap();
}

#[tokio::test]
async fn watcher_receives_new_mail_pushed_by_idle() {
    let user = bed::fresh_mail_user();
    let (mut events, stop) = start(&user);
    connected(&mut events).await;
    tokio::time::sleep(Duration::from_millis(200)).await; // let IDLE start
    bed::deliver(&user, &message("pushed"));
    let m = next_message(&mut events, Duration::from_secs(5)).await;
    assert_eq!(subject_of(&m.raw), "pushed");
    assert!(m.delivered_at > 0, "INTERNALDATE is read");
    stop.send(true).unwrap();
}

/// Reads events into `seen` (failing on a duplicate) until `done` holds for an event.
async fn pump(
    events: &mut mpsc::Receiver<WatchEvent>,
    seen: &mut BTreeSet<String>,
    mut done: impl FnMut(&WatchEvent, &BTreeSet<String>) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("stuck; seen so far: {seen:?}"))
            .expect("the watcher stopped");
        if let WatchEvent::Message(m) = &event {
            let subject = subject_of(&m.raw);
            assert!(seen.insert(subject.clone()), "delivered twice: {subject}");
        }
        if done(&event, seen) {
            return;
        }
    }
}

#[tokio::test]
async fn watcher_delivers_each_message_exactly_once_across_a_cut_connection() {
    let user = bed::fresh_mail_user();
    let (mut events, stop) = start(&user);
    let mut seen = BTreeSet::new();
    let conf = format!("{}/dovecot/dovecot.conf", bed::var("KEYDESK_BED_DIR"));
    for round in 0..3 {
        pump(&mut events, &mut seen, |e, _| {
            matches!(e, WatchEvent::Connected { .. })
        })
        .await;
        for i in 0..3 {
            bed::deliver(&user, &message(&format!("r{round}-m{i}")));
        }
        let expected = round * 4 + 3;
        pump(&mut events, &mut seen, |_, seen| seen.len() >= expected).await;
        // Cut the watcher's connection; mail keeps arriving while it is away.
        let kicked = std::process::Command::new("doveadm")
            .args(["-c", &conf, "kick", &user.name])
            .output()
            .expect("doveadm");
        assert!(kicked.status.success(), "doveadm kick: {kicked:?}");
        bed::deliver(&user, &message(&format!("r{round}-during-outage")));
    }
    pump(&mut events, &mut seen, |_, seen| seen.len() >= 12).await;
    let extra = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match events.recv().await {
                Some(WatchEvent::Message(m)) => return subject_of(&m.raw),
                Some(_) => {}
                None => std::future::pending().await,
            }
        }
    })
    .await;
    assert!(extra.is_err(), "a message arrived a second time: {extra:?}");
    stop.send(true).unwrap();
}

#[tokio::test]
async fn watcher_hands_out_a_short_message_before_long_ones_that_landed_with_it() {
    let user = bed::fresh_mail_user();
    // Three long messages (a newsletter's size, or mail sent to bury a code), then the code,
    // all landing before the watch's sync.
    let filler = "Lorem ipsum dolor sit amet 12345 67890. ".repeat(2_000);
    for i in 0..3 {
        let mut long = message(&format!("long-{i}"));
        long.extend_from_slice(filler.as_bytes());
        bed::deliver(&user, &long);
    }
    bed::deliver(&user, &message("code"));
    let (mut events, stop) = start(&user);
    connected(&mut events).await;
    let mut order = Vec::new();
    for _ in 0..4 {
        let m = next_message(&mut events, Duration::from_secs(10)).await;
        order.push(subject_of(&m.raw));
    }
    assert_eq!(order, ["code", "long-0", "long-1", "long-2"]);
    // The cursor went past all four: new mail comes alone, none of them again.
    tokio::time::sleep(Duration::from_millis(200)).await;
    bed::deliver(&user, &message("next"));
    let m = next_message(&mut events, Duration::from_secs(5)).await;
    assert_eq!(subject_of(&m.raw), "next");
    stop.send(true).unwrap();
}

/// An IMAP date-time `days` days ago.
fn chrono_like_date(days: u64) -> String {
    let out = std::process::Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("{days} days ago"),
            "+%d-%b-%Y %H:%M:%S +0000",
        ])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}
