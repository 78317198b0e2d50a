//! Faults and bad input against the real Dovecot: a server stopped and restarted under a
//! stream of codes, connections cut, huge and malformed messages, a wrong password.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::inbox::{Inbox, InboxEvent};
use keydesk::mailbox::Security;
use keydesk::watcher::{FolderWatch, MAX_MESSAGE_BYTES, RetryTimings, WatchEvent};
use tokio::sync::{mpsc, watch};

use crate::bed;
use crate::inbox::{SENDER, rules};

/// Reconnect fast: the server is restarted on purpose, and the test must take seconds.
fn quick_retry() -> RetryTimings {
    RetryTimings {
        network_first: Duration::from_millis(50),
        network_cap: Duration::from_millis(400),
        ..RetryTimings::default()
    }
}

/// The code in one of `bed::code_mail`'s messages.
fn code_in(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let at = text.find("verification code is ")? + "verification code is ".len();
    Some(text[at..].chars().take(6).collect())
}

/// What the strict watcher saw: each code's count, and how often it reconnected.
#[derive(Default, Debug)]
struct Seen {
    codes: BTreeMap<String, usize>,
    connected: usize,
    failed: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_500_codes_through_5_server_restarts_and_cut_connections_arrive_exactly_once() {
    let started = Instant::now();
    let dovecot = Arc::new(bed::PrivateDovecot::start());
    let user = dovecot.add_user();
    let settings = dovecot.settings(&user);
    let password = Secret::new(user.password.clone());

    // The watcher itself, checked strictly (a message handed out twice fails), and a whole
    // inbox beside it, checked for every code pending at the end.
    let mut folder = FolderWatch::new(
        settings.clone(),
        password.clone(),
        "INBOX".into(),
        Duration::from_secs(86_400),
    );
    folder.retry = quick_retry();
    let (watch_tx, mut watch_rx) = mpsc::channel(1024);
    let (stop, stop_rx) = watch::channel(false);
    tokio::spawn(folder.run(watch_tx, stop_rx, rand::random::<f64>));
    let (inbox_tx, mut inbox_rx) = mpsc::channel(1024);
    let inbox = Inbox::start_with(&settings, &password, rules(), inbox_tx, quick_retry());

    let seen = Arc::new(Mutex::new(Seen::default()));
    let (synced_tx, mut synced_rx) = mpsc::channel(8);
    let collector = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Some(event) = watch_rx.recv().await {
                let mut seen = seen.lock().unwrap();
                match event {
                    WatchEvent::Message(m) => {
                        let code = code_in(&m.raw).expect("every message carries a code");
                        let count = seen.codes.entry(code.clone()).or_default();
                        *count += 1;
                        assert_eq!(*count, 1, "code {code} was handed out twice");
                    }
                    WatchEvent::Connected { .. } => seen.connected += 1,
                    WatchEvent::Failed { .. } => seen.failed += 1,
                    WatchEvent::Synced { .. } => {
                        let _ = synced_tx.try_send(());
                    }
                    _ => {}
                }
            }
        })
    };
    let inbox_counter = tokio::spawn(async move {
        let mut new_codes = 0usize;
        while let Some(event) = inbox_rx.recv().await {
            if let InboxEvent::NewCode { .. } = event {
                new_codes += 1;
            }
        }
        new_codes
    });
    tokio::time::timeout(Duration::from_secs(10), synced_rx.recv())
        .await
        .expect("the watcher's first sync (which also makes the Maildir)");

    let codes: Vec<String> = (0..500)
        .map(|i| format!("{:06}", 100_000 + i * 1789))
        .collect();
    let mut next = codes.iter();
    let mut deliver = |n: usize| {
        for code in next.by_ref().take(n) {
            bed::deliver_to_maildir(&dovecot.mail_root, &user, &bed::code_mail(SENDER, code));
        }
    };
    let connections = || seen.lock().unwrap().connected;
    // Waits until the watcher connected again after `before` connections.
    let reconnected = |before: usize| async move {
        let deadline = Instant::now() + Duration::from_secs(10);
        while connections() <= before {
            assert!(Instant::now() < deadline, "the watcher did not reconnect");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    for _ in 0..5 {
        deliver(50);
        let before = connections();
        dovecot.kick(&user);
        deliver(25);
        reconnected(before).await;
        let before = connections();
        let d = dovecot.clone();
        tokio::task::spawn_blocking(move || d.stop()).await.unwrap();
        deliver(25); // while the server is down
        let d = dovecot.clone();
        tokio::task::spawn_blocking(move || d.start_again())
            .await
            .unwrap();
        // The next kick needs a live connection to cut.
        reconnected(before).await;
    }
    assert!(next.next().is_none(), "all 500 delivered");

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let have = seen.lock().unwrap().codes.len();
        let pending = inbox.view(bed::unix_now()).len();
        if have == 500 && pending == 500 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after 60 s the watcher has {have} of 500 codes, the inbox {pending}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A late duplicate would show now.
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.send(true).unwrap();
    inbox.stop();
    let view: BTreeSet<String> = inbox
        .view(bed::unix_now())
        .into_iter()
        .filter_map(|v| v.code)
        .collect();
    assert_eq!(
        view,
        codes.iter().cloned().collect(),
        "the inbox holds exactly the 500 codes"
    );
    drop(inbox);
    collector.await.expect("no code was handed out twice");
    let new_codes = inbox_counter.await.unwrap();
    assert_eq!(new_codes, 500, "the inbox announced each code once");
    let seen = seen.lock().unwrap();
    assert!(
        seen.codes.values().all(|&n| n == 1) && seen.codes.len() == 500,
        "exactly once"
    );
    assert!(
        seen.failed >= 10 && seen.connected >= 11,
        "the restarts reached the watcher: {} failures, {} connections",
        seen.failed,
        seen.connected
    );
    println!(
        "500 codes through 5 restarts and 5 cut connections: {} reconnects, {} failed attempts, {:.1?}",
        seen.connected - 1,
        seen.failed,
        started.elapsed()
    );
}

/// A log that a test can read: everything traced on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Something that appears in every bad message's body and must never appear in a log.
const BODY_MARKER: &str = "kd-body-marker-7f3a";

fn bad_messages() -> Vec<(&'static str, Vec<u8>)> {
    let mut huge = format!(
        "From: News <news@letters.example>\r\nSubject: Our big newsletter\r\n\
         Content-Type: text/plain\r\n\r\n{BODY_MARKER} "
    )
    .into_bytes();
    while huge.len() < 50 * 1024 * 1024 {
        huge.extend_from_slice(b"All the news that fits, and then some more of it. ");
    }
    let mut wide = b"From: a@b.example\r\nSubject: many parts\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=P\r\n\r\n"
        .to_vec();
    for i in 0..1000 {
        wide.extend_from_slice(
            format!("--P\r\nContent-Type: text/plain\r\n\r\npart {i} {BODY_MARKER}\r\n").as_bytes(),
        );
    }
    wide.extend_from_slice(b"--P--\r\n");
    let mut deep = b"From: a@b.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n".to_vec();
    for level in 0..1000 {
        deep.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=L{level}\r\n\r\n--L{level}\r\n")
                .as_bytes(),
        );
    }
    deep.extend_from_slice(format!("Content-Type: text/plain\r\n\r\n{BODY_MARKER}\r\n").as_bytes());
    vec![
        ("a 50 MB newsletter", huge),
        ("a 1,000-part tree", wide),
        ("a 1,000-level tree", deep),
        (
            "broken headers",
            format!("\u{0}\u{1}garbage without a header {BODY_MARKER}\r\n\r\n\u{7f}").into_bytes(),
        ),
        (
            "an unknown charset",
            format!(
                "From: a@b.example\r\nSubject: =?x-klingon?q?=E0=E1?=\r\n\
                 Content-Type: text/plain; charset=x-klingon\r\n\
                 Content-Transfer-Encoding: quoted-printable\r\n\r\n=E0=E1=E2 {BODY_MARKER}\r\n"
            )
            .into_bytes(),
        ),
        (
            "broken MIME",
            format!(
                "From: a@b.example\r\nSubject: half\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/alternative; boundary=\"unterminated\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n--unterminated\r\n!!!{BODY_MARKER}!!!\r\n"
            )
            .into_bytes(),
        ),
    ]
}

#[test]
fn faults_huge_deep_and_broken_messages_are_skipped_and_the_watch_goes_on() {
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders = vec!["INBOX".into()];
    let password = Secret::new(user.password.clone());
    let log = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let log = log.clone();
            move || log.clone()
        })
        .with_ansi(false)
        .finish();
    // One thread runs every task, so the subscriber sees the inbox's logs.
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let folder = FolderWatch::new(
            settings.clone(),
            password.clone(),
            "INBOX".into(),
            Duration::from_secs(86_400),
        );
        let (watch_tx, mut watch_rx) = mpsc::channel(64);
        let (stop, stop_rx) = watch::channel(false);
        tokio::spawn(folder.run(watch_tx, stop_rx, rand::random::<f64>));
        let (inbox_tx, mut inbox_rx) = mpsc::channel(64);
        let inbox = Inbox::start(&settings, &password, rules(), inbox_tx);
        crate::inbox::until(&mut inbox_rx, Duration::from_secs(10), |e| {
            matches!(e, InboxEvent::Synced { .. }).then_some(())
        })
        .await;

        let mail_root = std::path::PathBuf::from(bed::var("KEYDESK_TEST_MAIL_ROOT"));
        let bad = bad_messages();
        for (_, raw) in &bad {
            bed::deliver_to_maildir(&mail_root, &user, raw);
        }
        bed::deliver_to_maildir(&mail_root, &user, &bed::code_mail(SENDER, "660172"));

        // The watcher fetched each message, a bounded part of the big one.
        let mut fetched = Vec::new();
        while fetched.len() < bad.len() + 1 {
            match tokio::time::timeout(Duration::from_secs(30), watch_rx.recv()).await {
                Ok(Some(WatchEvent::Message(m))) => fetched.push(m),
                Ok(Some(_)) => {}
                other => panic!("the watcher stopped handing out messages: {other:?}"),
            }
        }
        let biggest = fetched.iter().max_by_key(|m| m.raw.len()).unwrap();
        assert!(
            biggest.truncated && biggest.raw.len() <= MAX_MESSAGE_BYTES as usize,
            "the 50 MB message is fetched only up to {MAX_MESSAGE_BYTES} bytes, not {}",
            biggest.raw.len()
        );
        // The code after them arrives in the inbox; the broken one is reported skipped.
        let mut skipped = 0;
        let code_key = crate::inbox::until(&mut inbox_rx, Duration::from_secs(30), |e| match e {
            InboxEvent::Skipped { reason, .. } => {
                assert!(
                    !reason.contains(BODY_MARKER),
                    "a reason never quotes the message"
                );
                skipped += 1;
                None
            }
            InboxEvent::NewCode { key, .. } => Some(key.clone()),
            _ => None,
        })
        .await;
        assert_eq!(
            inbox
                .code(&code_key)
                .map(|c| c.code.expose().to_owned())
                .as_deref(),
            Some("660172"),
            "the code after the bad messages arrived"
        );
        assert!(skipped >= 1, "the headerless message is reported skipped");
        // Small messages are handed out first, so the 50 MB one may still be being read.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !log.text().contains("read only in part") && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            inbox.view(bed::unix_now()).len(),
            1,
            "none of the bad messages became a code"
        );
        stop.send(true).unwrap();
    });
    let text = log.text();
    assert!(
        text.contains("skipped a message"),
        "a log line for the skipped message:\n{text}"
    );
    assert!(
        text.contains("read only in part"),
        "a log line for the 50 MB message:\n{text}"
    );
    assert!(
        !text.contains(BODY_MARKER),
        "the log never quotes a message:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_a_wrong_mailbox_password_fails_clearly_and_is_not_retried_for_minutes() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls); // INBOX and Junk
    let wrong = Secret::new(bed::test_secret("wrong"));
    let (tx, mut events) = mpsc::channel(64);
    let inbox = Inbox::start(&settings, &wrong, rules(), tx);
    let mut failures = 0;
    while failures < settings.folders.len() {
        let (code, message) =
            crate::inbox::until(&mut events, Duration::from_secs(10), |e| match e {
                InboxEvent::Connection {
                    status: keydesk::mailbox::MailboxStatus::Error { code, message },
                    ..
                } => Some((*code, message.clone())),
                _ => None,
            })
            .await;
        assert_eq!(code, "mailbox_sign_in_failed");
        assert!(message.contains("mailbox sign-in failed"), "{message}");
        assert!(
            message.contains("tries again in 5 minutes")
                || message.contains("tries again in 6 minutes"),
            "the next attempt is minutes away: {message}"
        );
        failures += 1;
    }
    match inbox.connection() {
        keydesk::inbox::InboxConnection::Failing { message, .. } => {
            assert!(
                message.starts_with("mailbox sign-in failed"),
                "said once: {message}"
            )
        }
        other => panic!("the inbox must say it is failing: {other:?}"),
    }
    // Watch the server's log for a while: one attempt per folder, no storm.
    tokio::time::sleep(Duration::from_secs(3)).await;
    inbox.stop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = std::fs::read_to_string(
        std::path::Path::new(&bed::var("KEYDESK_TEST_DOVECOT_CONF")).with_file_name("dovecot.log"),
    )
    .unwrap();
    let attempts: usize = log
        .lines()
        .filter(|l| l.contains("auth failed") && l.contains(&format!("user=<{}>", user.name)))
        .map(|l| {
            let at = l.find("auth failed, ").unwrap() + "auth failed, ".len();
            l[at..].split(' ').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    println!("sign-in attempts with a wrong password in 3 s: {attempts}");
    assert_eq!(
        attempts,
        settings.folders.len(),
        "one attempt per watched folder, then minutes of quiet"
    );
}
