//! First sync of a big mailbox (a benchmark program, not a timed test): a folder holding
//! 10,000 messages, a few of them recent codes, and the time from `Inbox::start` (sign-in over
//! TLS included) to the folder's first sync being done, every recent code pending.
//! Target: under 100 ms on loopback.
//!
//! The folder is filled through Dovecot (pipelined APPENDs, each with its own delivery date), as
//! an office mailbox is filled by deliveries. Files written into the Maildir behind Dovecot's
//! back were tried first and are not used: Dovecot then rescanned the whole folder in every new
//! session (600–900 ms for each, whoever the client), which says nothing about the client.
//!
//! Run through `tests/bench/run`: `cargo bench --bench first_sync`. `KEYDESK_BENCH_MESSAGES`
//! and `KEYDESK_BENCH_RUNS` change the size (10,000) and the number of runs (20);
//! `KEYDESK_LOG=keydesk=debug` shows the watcher's steps with their times.

mod support;

use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent, InboxRules, PortalSender};
use keydesk::mailbox::Security;
use support::{RawImap, bed, summary};
use tokio::sync::mpsc;

const SENDER: &str = "no-reply@portal.example";
/// Codes delivered within the lookback (the last hour); everything else is days old.
const RECENT: usize = 10;
/// APPENDs sent before their answers are read.
const PIPELINE: usize = 100;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if let Ok(spec) = std::env::var(keydesk::logs::LEVEL_ENV) {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry()
            .with(keydesk::logs::filter(Some(&spec)))
            .with(tracing_subscriber::fmt::layer());
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let total = env("KEYDESK_BENCH_MESSAGES", 10_000).max(RECENT);
    let runs = env("KEYDESK_BENCH_RUNS", 20);
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

    let started = Instant::now();
    let mut raw = RawImap::sign_in(&user).await;
    let now = bed::unix_now();
    let mut batch = String::new();
    for i in 0..total {
        let recent = i >= total - RECENT;
        let (age, text) = if recent {
            let minutes = (total - i) as i64; // 1..=RECENT minutes ago
            let mail = bed::code_mail(SENDER, &format!("{:06}", 400_000 + i));
            (60 * minutes, String::from_utf8(mail).unwrap())
        } else {
            let days_old = 3 + (i as i64 % 30);
            let mail = format!(
                "From: News <news@letters.example>\r\nSubject: Newsletter {i}\r\n\
                 Message-ID: <{i}.{}@letters.example>\r\n\r\nNothing to see here, number {i}.\r\n",
                rand::random::<u32>()
            );
            (86_400 * days_old + i as i64, mail)
        };
        // LITERAL+ ({n+}): no round trip per message.
        batch.push_str(&format!(
            "a{i} APPEND INBOX (\\Seen) \"{}\" {{{}+}}\r\n{text}\r\n",
            imap_date_time(now - age),
            text.len()
        ));
        if (i + 1) % PIPELINE == 0 || i + 1 == total {
            batch.truncate(batch.len() - 2); // send() ends the line
            raw.send(&batch).await;
            batch.clear();
            let mut answered = 0;
            while answered < i % PIPELINE + 1 {
                let line = raw.line().await;
                if line.starts_with('a') {
                    assert!(line.contains(" OK"), "APPEND refused: {line}");
                    answered += 1;
                }
            }
        }
    }
    let filled = started.elapsed();
    let lines = raw.command("SELECT INBOX").await;
    let exists = lines
        .iter()
        .find_map(|l| {
            l.strip_suffix(" EXISTS")?
                .strip_prefix("* ")?
                .parse::<usize>()
                .ok()
        })
        .expect("SELECT reports EXISTS");
    assert_eq!(exists, total, "the folder holds every message appended");
    raw.command("LOGOUT").await;
    println!("mailbox of {total} messages ({RECENT} recent codes), filled in {filled:.2?}");

    let password = Secret::new(user.password.clone());
    let mut times = Vec::new();
    for _ in 0..runs {
        let (events_tx, mut events) = mpsc::channel(256);
        let started = Instant::now();
        let inbox = Inbox::start(&settings, &password, rules.clone(), events_tx);
        loop {
            match tokio::time::timeout(Duration::from_secs(30), events.recv()).await {
                Ok(Some(InboxEvent::Synced { .. })) => break,
                Ok(Some(_)) => {}
                other => panic!("no first sync: {other:?}"),
            }
        }
        times.push(started.elapsed());
        let pending = inbox.view(bed::unix_now()).len();
        assert_eq!(pending, RECENT, "exactly the recent codes are pending");
        drop(inbox);
        // Let the previous session log out before the next one starts.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "first sync, start to every recent code pending, {runs} runs: {}",
        summary(&times)
    );
    let mut sorted = times.clone();
    sorted.sort();
    let median = support::percentile(&sorted, 0.5);
    println!(
        "  target: under 100 ms: {} (median {:.2} ms)",
        if median < Duration::from_millis(100) {
            "met"
        } else {
            "NOT met"
        },
        median.as_secs_f64() * 1000.0
    );
}

/// `DD-Mon-YYYY HH:MM:SS +0000` for UNIX seconds (an APPEND date).
fn imap_date_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = keydesk::calendar::civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{d:02}-{}-{y} {:02}:{:02}:{:02} +0000",
        MONTHS[m as usize - 1],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
