//! Code latency (a benchmark program, not a timed test): from a message landing in the bed's
//! Dovecot Maildir (written to tmp/, renamed into new/) to its code in Keydesk's pending set,
//! beside a minimal raw IDLE client on the same server and mailbox as the floor (TLS, LOGIN,
//! SELECT, IDLE, time until `* N EXISTS`). Both watch at once, so each sample has a floor and a
//! Keydesk figure for the same delivery. Dovecot 2.3 holds every IDLE notice about 500 ms
//! itself, so the floor is near that; Keydesk's target is a p95 within 20 ms of it.
//!
//! Run through `tests/bench/run` (it starts the bed's Dovecot): `cargo bench --bench latency`.
//! `KEYDESK_BENCH_SAMPLES` changes the number of samples (default 200).

// A benchmark: it writes the messages it delivers.
#![allow(clippy::disallowed_methods)]

mod support;

use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent, InboxRules, PortalSender};
use keydesk::mailbox::Security;
use support::{RawImap, bed, summary};
use tokio::sync::mpsc;

const SENDER: &str = "no-reply@portal.example";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let samples: usize = std::env::var("KEYDESK_BENCH_SAMPLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders = vec!["INBOX".into()];
    let rules = InboxRules {
        portals: vec![PortalSender {
            portal_id: 1,
            name: "Bench Portal".into(),
            addresses: vec![SENDER.into()],
            code_lifetime: None,
            code_shapes: Vec::new(),
        }],
        sms_forwarders: Vec::new(),
        authserv_id: Some(bed::AUTHSERV_ID.into()),
    };
    let mail_root = std::path::PathBuf::from(bed::var("KEYDESK_TEST_MAIL_ROOT"));

    // The floor: a raw client idling on the same mailbox. Each EXISTS is timestamped and sent on.
    let mut raw = RawImap::sign_in(&user).await; // also makes the Maildir
    raw.command("SELECT INBOX").await;
    raw.send("i IDLE").await;
    let idling = raw.line().await;
    assert!(idling.starts_with('+'), "IDLE refused: {idling}");
    let (floor_tx, mut floor_rx) = mpsc::unbounded_channel::<Instant>();
    tokio::spawn(async move {
        loop {
            let line = raw.line().await;
            if line.starts_with("* ") && line.ends_with(" EXISTS") {
                let _ = floor_tx.send(Instant::now());
            }
        }
    });

    let (events_tx, mut events) = mpsc::channel(256);
    let inbox = Inbox::start(
        &settings,
        &Secret::new(user.password.clone()),
        rules,
        events_tx,
    );
    loop {
        if let Some(InboxEvent::Synced { .. }) = events.recv().await {
            break;
        }
    }

    let (mut floor, mut keydesk, mut difference) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..samples {
        let code = format!("{:06}", 100_000 + i * 3_917 % 900_000);
        let sent = deliver(&mail_root, &user, &bed::code_mail(SENDER, &code));
        let seen_floor = tokio::time::timeout(Duration::from_secs(10), floor_rx.recv())
            .await
            .expect("the raw client saw no EXISTS")
            .unwrap();
        let seen_keydesk = loop {
            match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
                Ok(Some(InboxEvent::NewCode { key, .. })) => {
                    let at = Instant::now();
                    let got = inbox.code(&key).expect("in the pending set");
                    assert_eq!(got.code.expose(), code, "the code of this sample");
                    break at;
                }
                Ok(Some(_)) => {}
                other => panic!("Keydesk saw no code: {other:?}"),
            }
        };
        floor.push(seen_floor - sent);
        keydesk.push(seen_keydesk - sent);
        difference.push(seen_keydesk.saturating_duration_since(seen_floor));
        // Let both go back to IDLE and Dovecot's notice timers run out: a change Keydesk's
        // session makes (moving the message from new/ to cur/) starts the raw client's
        // 500 ms timer early, and a delivery inside that window would lower the floor.
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    println!("code latency over {samples} deliveries (Maildir rename -> seen):");
    println!("  raw IDLE client (floor): {}", summary(&floor));
    println!("  Keydesk pending set:     {}", summary(&keydesk));
    println!("  Keydesk minus floor:     {}", summary(&difference));
    let mut sorted = difference.clone();
    sorted.sort();
    let p95 = support::percentile(&sorted, 0.95);
    println!(
        "  target: p95 of the difference within 20 ms: {} ({:.2} ms)",
        if p95 <= Duration::from_millis(20) {
            "met"
        } else {
            "NOT met"
        },
        p95.as_secs_f64() * 1000.0
    );
}

/// Writes the message to tmp/ and renames it into new/; returns the moment of the rename.
fn deliver(mail_root: &std::path::Path, user: &bed::MailUser, raw: &[u8]) -> Instant {
    use std::os::unix::fs::MetadataExt;
    let maildir = mail_root.join(&user.name).join("Maildir");
    let owner = std::fs::metadata(maildir.join("new")).unwrap();
    let name = format!(
        "{}.{}.keydesk-bench",
        bed::unix_now(),
        rand::random::<u64>()
    );
    let tmp = maildir.join("tmp").join(&name);
    std::fs::write(&tmp, raw).unwrap();
    std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).unwrap();
    let at = Instant::now();
    std::fs::rename(&tmp, maildir.join("new").join(&name)).unwrap();
    at
}
