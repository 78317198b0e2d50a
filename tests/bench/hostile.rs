//! Hostile mail (a benchmark program, not a timed test): 1,000 messages of about 64 KiB built to
//! make the extractor work hard (`hostile_mail.rs`: `otp:1234,` repeated with no spaces, a
//! digit run, one character per table cell, deep nesting, 400 parts…) arrive beside real codes.
//!
//! 1. Reading: each hostile message is read as the inbox reads it (`keydesk::inbox::read`:
//!    MIME parsing, text, extraction, matching) and timed; the slowest message and each kind's
//!    slowest are printed. Target: none over 5 ms.
//! 2. Latency through the bed's Dovecot: 25 hostile messages land in the Maildir, then a real
//!    code, 40 times; each real code's time from landing to Keydesk's pending set is printed
//!    beside a raw IDLE client's `* N EXISTS` for the same message (the floor). Target: p95 of
//!    the difference within 50 ms.
//!
//! `KEYDESK_REPLAY_DIR=DIR` instead times the extractor on every file of DIR (a fuzz corpus:
//! `tests/fuzz/run extract` does this after fuzzing) and prints the slowest.
//!
//! Run through `tests/bench/run hostile` (it starts the bed's Dovecot).

// A benchmark: it writes the messages it delivers.
#![allow(clippy::disallowed_methods)]

mod hostile_mail;
mod support;

use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent, InboxRules, PortalSender};
use keydesk::mailbox::Security;
use keydesk::watcher::Fetched;
use support::{RawImap, bed, percentile, summary};
use tokio::sync::mpsc;

const SENDER: &str = "no-reply@portal.example";
const HOSTILE: usize = 1_000;
const PER_CODE: usize = 25;

fn rules() -> InboxRules {
    InboxRules {
        portals: vec![PortalSender {
            portal_id: 1,
            name: "Bench Portal".into(),
            addresses: vec![SENDER.into()],
            code_lifetime: None,
            code_shapes: Vec::new(),
        }],
        sms_forwarders: Vec::new(),
        authserv_id: Some(bed::AUTHSERV_ID.into()),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Ok(dir) = std::env::var("KEYDESK_REPLAY_DIR") {
        replay(&dir);
        return;
    }
    reading();
    latency().await;
}

/// Times the extractor on every file of `dir`, as the fuzz target calls it.
fn replay(dir: &str) {
    let mut times = Vec::new();
    let mut slowest = (Duration::ZERO, String::new(), 0);
    for entry in std::fs::read_dir(dir).expect("the corpus folder") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&data);
        let (subject, body) = text.split_at(text.find('\n').unwrap_or(0));
        let started = Instant::now();
        std::hint::black_box(keydesk::extract::extract(subject, body));
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, path.display().to_string(), data.len());
        }
        times.push(took);
    }
    println!(
        "extractor over {} fuzz corpus inputs: {}",
        times.len(),
        summary(&times)
    );
    println!(
        "  slowest: {} ({} bytes, {})",
        ms(slowest.0),
        slowest.2,
        slowest.1
    );
}

/// Part 1: each hostile message read as the inbox reads it.
fn reading() {
    let rules = rules();
    let kinds = hostile_mail::KINDS.len();
    let mut times = Vec::new();
    let mut per_kind = vec![Duration::ZERO; kinds];
    let mut bytes = 0;
    for i in 0..HOSTILE {
        let raw = hostile_mail::message(i);
        bytes += raw.len();
        let fetched = Fetched {
            folder: "INBOX".into(),
            uid_validity: 1,
            uid: i as u32 + 1,
            delivered_at: 1_765_000_000,
            raw,
            truncated: false,
            used: false,
        };
        let started = Instant::now();
        std::hint::black_box(keydesk::inbox::read(&fetched, &rules));
        let took = started.elapsed();
        per_kind[i % kinds] = per_kind[i % kinds].max(took);
        times.push(took);
    }
    let mut sorted = times.clone();
    sorted.sort();
    let max = *sorted.last().unwrap();
    println!(
        "reading {HOSTILE} hostile messages ({:.1} MiB) as the inbox reads them:",
        bytes as f64 / 1_048_576.0
    );
    println!("  per message: {}", summary(&times));
    for (kind, worst) in hostile_mail::KINDS.iter().zip(&per_kind) {
        println!("  slowest {:>9}  {kind}", ms(*worst));
    }
    println!(
        "  target: no message over 5 ms: {} (slowest {})",
        if max <= Duration::from_millis(5) {
            "met"
        } else {
            "NOT met"
        },
        ms(max)
    );
}

/// Part 2: real codes' latency with hostile mail arriving beside them.
async fn latency() {
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders = vec!["INBOX".into()];
    let mail_root = std::path::PathBuf::from(bed::var("KEYDESK_TEST_MAIL_ROOT"));

    // The floor: a raw client idling on the same mailbox; each EXISTS with its count.
    let mut raw = RawImap::sign_in(&user).await;
    raw.command("SELECT INBOX").await;
    raw.send("i IDLE").await;
    let idling = raw.line().await;
    assert!(idling.starts_with('+'), "IDLE refused: {idling}");
    let (floor_tx, mut floor_rx) = mpsc::unbounded_channel::<(Instant, usize)>();
    tokio::spawn(async move {
        loop {
            let line = raw.line().await;
            if let Some(n) = line
                .strip_prefix("* ")
                .and_then(|l| l.strip_suffix(" EXISTS"))
                .and_then(|n| n.parse().ok())
            {
                let _ = floor_tx.send((Instant::now(), n));
            }
        }
    });

    let (events_tx, mut events) = mpsc::channel(4096);
    let inbox = Inbox::start(
        &settings,
        &Secret::new(user.password.clone()),
        rules(),
        events_tx,
    );
    loop {
        if let Some(InboxEvent::Synced { .. }) = events.recv().await {
            break;
        }
    }

    let rounds = HOSTILE / PER_CODE;
    let (mut floor, mut keydesk, mut difference) = (Vec::new(), Vec::new(), Vec::new());
    let mut delivered = 0;
    for round in 0..rounds {
        for h in 0..PER_CODE {
            deliver(
                &mail_root,
                &user,
                &hostile_mail::message(round * PER_CODE + h),
                delivered,
            );
            delivered += 1;
        }
        let code = format!("{:06}", 100_000 + round * 3_917 % 900_000);
        let sent = deliver(&mail_root, &user, &bed::code_mail(SENDER, &code), delivered);
        delivered += 1;
        let seen_floor = loop {
            let (at, n) = tokio::time::timeout(Duration::from_secs(10), floor_rx.recv())
                .await
                .expect("the raw client saw no EXISTS")
                .unwrap();
            if n >= delivered {
                break at;
            }
        };
        let mut other_events = Vec::new();
        let seen_keydesk = loop {
            match tokio::time::timeout(Duration::from_secs(20), events.recv()).await {
                Ok(Some(InboxEvent::NewCode { key, .. })) => {
                    let at = Instant::now();
                    if inbox.code(&key).is_some_and(|c| c.code.expose() == code) {
                        break at;
                    }
                    other_events.push(format!("a hostile message's code (uid {})", key.uid));
                }
                Ok(Some(event)) => other_events.push(format!("{event:?}")),
                other => panic!(
                    "round {round}: Keydesk saw no code ({other:?}); other events: {other_events:?}"
                ),
            }
        };
        floor.push(seen_floor - sent);
        keydesk.push(seen_keydesk - sent);
        difference.push(seen_keydesk.saturating_duration_since(seen_floor));
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    println!(
        "real codes' latency, {rounds} codes each after {PER_CODE} hostile messages \
         (Maildir rename -> seen):"
    );
    println!("  raw IDLE client (floor): {}", summary(&floor));
    println!("  Keydesk pending set:     {}", summary(&keydesk));
    println!("  Keydesk minus floor:     {}", summary(&difference));
    let mut sorted = difference.clone();
    sorted.sort();
    let p95 = percentile(&sorted, 0.95);
    println!(
        "  target: p95 of the difference within 50 ms: {} ({})",
        if p95 <= Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        },
        ms(p95)
    );
}

/// Writes the message to tmp/ and renames it into new/ (named so that Maildir order is
/// delivery order); returns the moment of the rename.
fn deliver(mail_root: &std::path::Path, user: &bed::MailUser, raw: &[u8], n: usize) -> Instant {
    use std::os::unix::fs::MetadataExt;
    let maildir = mail_root.join(&user.name).join("Maildir");
    let owner = std::fs::metadata(maildir.join("new")).unwrap();
    let name = format!("{}.M{n:06}.keydesk-bench", bed::unix_now());
    let tmp = maildir.join("tmp").join(&name);
    std::fs::write(&tmp, raw).unwrap();
    std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).unwrap();
    let at = Instant::now();
    std::fs::rename(&tmp, maildir.join("new").join(&name)).unwrap();
    at
}
