//! `keydesk-cli watch` against the bed's Dovecot: codes print as they arrive.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::bed;

/// A profile with the bed mailbox (INBOX only) and one portal for `sender`.
pub fn profile_with_mailbox(name: &str, user: &bed::MailUser, sender: &str) -> std::path::PathBuf {
    profile_with_portal(name, user, "Cigna", sender)
}

/// [`profile_with_mailbox`] with a portal of another name.
pub fn profile_with_portal(
    name: &str,
    user: &bed::MailUser,
    portal: &str,
    sender: &str,
) -> std::path::PathBuf {
    let profile = bed::profile_dir(name);
    bed::set_mailbox(&profile, user, &user.password, &["--folder", "INBOX"]);
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--name",
            portal,
            "--login-url",
            "https://cignaforhcp.cigna.com/app/login",
            "--username",
            "frontdesk",
            "--second-step",
            "email_code",
            "--sender",
            sender,
        ],
        None,
    );
    profile
}

#[test]
fn cli_watch_prints_one_json_line_per_code_as_it_arrives() {
    let user = bed::fresh_mail_user();
    let sender = "no-reply@cigna.example";
    let profile = profile_with_mailbox("cli-watch", &user, sender);
    // One code waiting before the watch starts, one arriving while it runs, one unmatched.
    bed::deliver(&user, &bed::code_mail(sender, "551902"));

    let child = Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(&profile)
        .args(["watch", "--json", "--count", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run keydesk-cli watch");
    let mut child = bed::KillOnDrop(child);
    let (lines_tx, lines) = mpsc::channel();
    let stdout = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| -> serde_json::Value {
        let line = lines
            .recv_timeout(Duration::from_secs(15))
            .unwrap_or_else(|_| panic!("no line for {what}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    };

    let first = next("the waiting code");
    assert_eq!(first["code"], "551902", "{first}");
    assert_eq!(first["portal"], "Cigna", "matched to its portal: {first}");
    assert_eq!(first["match"], "portal");
    assert_eq!(first["channel"], "email");
    let left = first["expires_at"].as_i64().unwrap() - bed::unix_now();
    assert!(
        (560..=610).contains(&left),
        "the message says 10 minutes: {left} s left"
    );
    assert!(
        first["expires"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 in UTC: {first}"
    );

    bed::deliver(&user, &bed::code_mail(sender, "073318"));
    let second = next("the code delivered while watching");
    assert_eq!(second["code"], "073318", "leading zero kept: {second}");

    bed::deliver(
        &user,
        &bed::code_mail("someone@elsewhere.example", "902114"),
    );
    let third = next("the unmatched code");
    assert_eq!(third["code"], "902114");
    assert_eq!(third["match"], "unmatched", "{third}");
    assert!(third["portal"].is_null(), "{third}");
    assert_eq!(third["sender"], "someone@elsewhere.example");

    // --count 3: it exits by itself.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            panic!("watch --count 3 did not exit after three codes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "watch exit status {status}");
}

#[test]
fn cli_watch_without_a_mailbox_says_what_to_do() {
    let profile = bed::profile_dir("cli-watch-none");
    let out = bed::cli(&profile, &["watch"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mailbox set"), "{err}");
}
