//! Code messages delivered over LMTP into the test bed's real Dovecot and read back from the
//! Maildir. Built with `--features bed`; without the bed's variables these tests FAIL.

// Tests of a test tool: they write its configuration and mail files.
#![allow(clippy::disallowed_methods)]

mod common;

use common::*;
use sandbox_portal::config::Config;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn bed_var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is unset: these tests need the test bed's Dovecot (run them through tests/run)"
        )
    })
}

/// A new Dovecot user (appended to the bed's passwd-file); returns its name.
/// A new mail user: one passwd-file per user, renamed into place whole. (Appending to one shared
/// file races: Dovecot rereads it only when its whole-second mtime changes.)
fn fresh_mail_user() -> String {
    let name = format!(
        "sbx{}",
        sandbox_portal::otp::random_token().get(..10).unwrap()
    );
    let dir = std::path::PathBuf::from(bed_var("KEYDESK_TEST_USERS_DIR"));
    let staging = dir.join(format!(".{name}.tmp"));
    std::fs::write(
        &staging,
        format!("{name}:{{PLAIN}}kdS3cr3t-mailbox::::::\n"),
    )
    .unwrap();
    std::fs::rename(&staging, dir.join(&name)).expect("add the mail user");
    name
}

/// Waits for `count` messages in the user's Maildir/new; returns them oldest first, CRLF.
fn delivered(user: &str, count: usize) -> Vec<String> {
    let dir = PathBuf::from(bed_var("KEYDESK_TEST_MAIL_ROOT"))
        .join(user)
        .join("Maildir/new");
    let t0 = Instant::now();
    loop {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        if files.len() >= count {
            // Maildir names start with the delivery time, so name order is delivery order
            // within a second; the sequence in Dovecot's name breaks ties.
            files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
            return files
                .iter()
                .map(|p| {
                    std::fs::read_to_string(p)
                        .unwrap()
                        .replace("\r\n", "\n")
                        .replace('\n', "\r\n")
                })
                .collect();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "{count} messages not in {dir:?} after 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn start_lmtp(recipient: &str) -> sandbox_portal::Sandbox {
    bed_var("KEYDESK_TEST_LMTP_PORT");
    // No lmtp_port in the config: the sandbox takes $KEYDESK_TEST_LMTP_PORT, as the bed runs it.
    let cfg = Config::from_toml(&config("delivery = \"lmtp\"", recipient)).unwrap();
    sandbox_portal::start(cfg)
        .await
        .expect("the sandbox starts")
}

#[tokio::test]
async fn cigna_code_email_arrives_in_dovecot_and_signs_in() {
    let user = fresh_mail_user();
    let sb = start_lmtp(&format!("{user}@localhost")).await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    let (path, page) = post(&c, &format!("{base}/send-code"), &[]).await;
    assert_eq!(path, "/verify", "the code was handed to Dovecot: {page}");
    let mail = delivered(&user, 1);
    let raw = &mail[0];
    assert!(
        raw.contains(&format!("Delivered-To: {user}@localhost")),
        "Dovecot stored it: {raw}"
    );
    assert_eq!(
        header(raw, "From"),
        "Cigna for HCP <no-reply@cigna.example>"
    );
    assert!(raw.contains("multipart/alternative") && raw.contains("Content-Type: text/html"));
    let text = unqp(raw);
    assert!(
        text.contains("800.981.9114") && text.contains("Bloomfield, CT 06002"),
        "{text}"
    );
    let code = code_in(raw);
    let (path, _) = post(&c, &format!("{base}/verify"), &[("code", &code)]).await;
    assert_eq!(path, "/home", "the code read from the mailbox signs in");
    sb.stop().await;
}

#[tokio::test]
async fn mychart_texts_arrive_in_dovecot_and_resend_voids_the_first() {
    let user = fresh_mail_user();
    let sb = start_lmtp(&format!("{user}@localhost")).await;
    let base = &sb.urls["mychart"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    post(&c, &format!("{base}/send-code"), &[("method", "sms")]).await;
    let first = code_in(&delivered(&user, 1)[0]);
    post(&c, &format!("{base}/send-code"), &[("method", "sms")]).await;
    let mail = delivered(&user, 2);
    assert_eq!(header(&mail[1], "From"), "+15551234567@sms.example");
    assert!(
        unqp(&mail[1]).contains("MyChart: Your verification code is"),
        "{}",
        mail[1]
    );
    let second = mail
        .iter()
        .map(|m| code_in(m))
        .find(|c| *c != first)
        .expect("a second code");
    assert_eq!(
        post(&c, &format!("{base}/verify"), &[("code", &first)])
            .await
            .0,
        "/verify"
    );
    assert_eq!(
        post(&c, &format!("{base}/verify"), &[("code", &second)])
            .await
            .0,
        "/home"
    );
    let list = attempts(base).await;
    let outcomes: Vec<_> = list
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "code_required",
            "code_sent",
            "code_sent",
            "code_voided",
            "signed_in"
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn unreachable_mail_server_is_reported_not_hidden() {
    // A port nobody listens on: the page says the code could not be sent, and the attempt says so.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mail = format!("delivery = \"lmtp\"\nlmtp_port = {free}");
    let sb = sandbox_portal::start(Config::from_toml(&config(&mail, "user@localhost")).unwrap());
    let sb = sb.await.unwrap();
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    let (_, page) = post(&c, &format!("{base}/send-code"), &[]).await;
    assert!(page.contains("could not send your code"), "{page}");
    assert_eq!(
        attempts(base).await.last().unwrap()["outcome"],
        "delivery_failed"
    );
    sb.stop().await;
}
