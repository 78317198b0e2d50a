//! Signing in to the bed's Dovecot: TLS, STARTTLS, wrong password, untrusted certificate.

use keydesk::Secret;
use keydesk::mailbox::{self, MailboxStatus, Security};

use crate::bed;

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn imap_connects_over_implicit_tls() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls);
    let status = run(mailbox::check(
        &settings,
        &Secret::new(user.password.clone()),
    ));
    assert!(
        matches!(status, MailboxStatus::Connected { .. }),
        "{status:?}"
    );
}

#[test]
fn imap_connects_over_starttls() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::StartTls);
    let status = run(mailbox::check(
        &settings,
        &Secret::new(user.password.clone()),
    ));
    assert!(
        matches!(status, MailboxStatus::Connected { .. }),
        "{status:?}"
    );
}

#[test]
fn imap_wrong_password_is_a_sign_in_failure() {
    let user = bed::fresh_mail_user();
    let settings = bed::mailbox_settings(&user, Security::Tls);
    let wrong = bed::test_secret("wrong");
    let status = run(mailbox::check(&settings, &Secret::new(wrong.clone())));
    match status {
        MailboxStatus::Error { code, message } => {
            assert_eq!(code, "mailbox_sign_in_failed");
            assert!(message.contains("sign-in failed"), "{message}");
            assert!(
                !message.contains(&wrong),
                "the password must not be echoed: {message}"
            );
        }
        other => panic!("expected a sign-in failure, got {other:?}"),
    }
}

#[test]
fn imap_untrusted_certificate_is_refused() {
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.trusted_certificate = None; // public roots only: the bed's certificate is self-made
    let status = run(mailbox::check(
        &settings,
        &Secret::new(user.password.clone()),
    ));
    match status {
        MailboxStatus::Error { code, message } => {
            assert_eq!(code, "mailbox_untrusted_certificate", "{message}");
            assert!(message.contains("not trusted"), "{message}");
        }
        other => panic!("an untrusted certificate must be refused, got {other:?}"),
    }
}

#[test]
fn imap_missing_folder_is_named() {
    let user = bed::fresh_mail_user();
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders.push("Codes-That-Do-Not-Exist".into());
    let status = run(mailbox::check(
        &settings,
        &Secret::new(user.password.clone()),
    ));
    match status {
        MailboxStatus::Error { code, message } => {
            assert_eq!(code, "mailbox_no_such_folder");
            assert!(message.contains("Codes-That-Do-Not-Exist"), "{message}");
        }
        other => panic!("expected a missing-folder error, got {other:?}"),
    }
}

#[test]
fn imap_status_is_connected_after_cli_setup_with_password_in_keychain() {
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("cli-mailbox");
    bed::set_mailbox(&profile, &user, &user.password, &[]);
    let out = bed::cli(&profile, &["status", "--json"], None);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["keychain"]["state"], "available", "{status}");
    assert_eq!(status["mailbox"]["state"], "connected", "{status}");
}

#[test]
fn imap_cli_setup_with_a_missing_certificate_file_saves_nothing() {
    let profile = bed::profile_dir("cli-mailbox-bad-cert");
    let out = bed::cli(
        &profile,
        &[
            "mailbox",
            "set",
            "--host",
            "imap.example.org",
            "--user",
            "frontdesk",
            "--trust-certificate",
            "/nonexistent/office.pem",
        ],
        Some(&format!("{}\n", bed::test_secret("mail"))),
    );
    assert!(
        !out.status.success(),
        "a missing certificate file is refused"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/office.pem"),
        "names the file: {err}"
    );
    let shown = bed::cli(&profile, &["mailbox", "show"], None);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("not set up"),
        "nothing was saved"
    );
}
