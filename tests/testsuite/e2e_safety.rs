//! End to end, what keeps secrets safe at the desk: with no keychain the views say so and keep
//! what needs no secret working, without orphaning a secret; a copied password leaves the real
//! X clipboard after the chosen delay, and what the person copied since is left alone.

use std::time::Duration;

use keydesk::api;

use crate::bed;
use crate::e2e::{ONE_SESSION, launch, run, screenshot, wait_for_text};
use crate::e2e_manage::{click, core_view, find, type_into};

/// A script that runs the app with a session bus that does not exist, so no Secret Service
/// answers: the keychain is "unavailable", as on a desk whose keyring daemon is not running.
fn app_without_keychain() -> std::path::PathBuf {
    let script =
        std::path::PathBuf::from(bed::var("KEYDESK_BED_DIR")).join("app-without-keychain.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/keydesk-no-bus\nexec '{}' \"$@\"\n",
            bed::var("KEYDESK_APP_BIN")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn e2e_views_say_keychain_unavailable_and_keep_what_needs_no_secret() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-no-keychain");
    let password = bed::test_secret("no-keychain");
    bed::availity_with_authenticator(
        &profile,
        "frontdesk-nokc",
        &password,
        "KDSECRETMFRGGZDFMZTWQ2LK",
    );
    let script = app_without_keychain();

    run(async {
        let client = crate::e2e::launch_app(script.to_str().unwrap(), &profile).await;
        click(&client, "[data-testid=tab-home]").await;
        let banner = wait_for_text(
            &client,
            "[data-testid=keychain-problem]",
            "keychain unavailable",
        )
        .await;
        assert!(
            banner.contains("still work"),
            "says what keeps working: {banner}"
        );
        wait_for_text(&client, "[data-testid=portal-row]", "frontdesk-nokc").await;

        // Editing needs no secret, so it works.
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=edit-portal]").await;
        type_into(&client, "input[name=support_phone]", "800-555-0199").await;
        click(&client, "[data-testid=save-portal]").await;
        wait_for_text(&client, "[data-testid=portals-notice]", "Saved").await;
        let saved = {
            let kd = keydesk::Keydesk::open(&profile).unwrap();
            let id = api::portals::list(&kd, keydesk::Now::system()).unwrap()[0].id;
            api::portals::get(&kd, id).unwrap()
        };
        assert_eq!(saved.fields.support_phone.as_deref(), Some("800-555-0199"));

        // Deleting would orphan the password in the keychain, so the portal is kept.
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=delete-portal]").await;
        click(&client, "[data-testid=confirm]").await;
        let refusal =
            wait_for_text(&client, "[data-testid=confirm-dialog]", "was not removed").await;
        assert!(refusal.contains("keychain"), "{refusal}");
        screenshot(&client, "portals-keychain-unavailable.png").await;
        let still = api::portals::list(
            &keydesk::Keydesk::open(&profile).unwrap(),
            keydesk::Now::system(),
        )
        .unwrap();
        assert_eq!(still.len(), 1, "the portal is kept");
        click(&client, "[data-testid=confirm-dialog] button[autofocus]").await;

        // The authenticator lists its entry and says why there is no code.
        click(&client, "[data-testid=tab-authenticator]").await;
        let entry = wait_for_text(&client, "[data-testid=otp-entry]", "keychain unavailable").await;
        assert!(entry.contains("Availity (frontdesk-nokc)"), "{entry}");
        client.close().await.unwrap();
    });
    // The password is still in the keychain (this test process reaches it).
    let desk = keydesk::Desk::open(&profile).unwrap();
    let mut view = core_view(&profile);
    assert_eq!(view.pop().unwrap().1.as_deref(), Some(password.as_str()));
    drop(desk);
}

/// Polls the real clipboard until `done` holds for its text (`None`: empty or not text).
pub(crate) async fn wait_for_clipboard(
    what: &str,
    done: impl Fn(Option<&str>) -> bool,
) -> Option<String> {
    let mut clipboard = arboard::Clipboard::new().expect("the bed's X clipboard");
    let mut last = None;
    for _ in 0..100 {
        last = clipboard.get_text().ok().filter(|t| !t.is_empty());
        if done(last.as_deref()) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the clipboard never {what}; it holds {} characters",
        last.map_or(0, |t| t.len())
    );
}

#[test]
fn e2e_a_copied_password_is_cleared_but_what_the_person_copied_since_is_left_alone() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-clipboard");
    let password = bed::test_secret("clipboard");
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--preset",
            "humana",
            "--username",
            "frontdesk-clip",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    let delay = Duration::from_secs(2);
    api::settings::set_clipboard_delay(&keydesk::Keydesk::open(&profile).unwrap(), delay).unwrap();

    run(async {
        let client = launch(&profile).await;
        click(&client, "[data-testid=tab-home]").await;
        find(&client, "[data-testid=portal-row]").await;

        // Copied, then gone again after the delay (the password is compared, never printed).
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=copy-password]").await;
        wait_for_clipboard("held the password", |t| t == Some(password.as_str())).await;
        wait_for_clipboard("was cleared", |t| t.is_none()).await;

        // Copied, then replaced by the person: their text stays after the delay has passed.
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=copy-username]").await;
        wait_for_clipboard("held the user name", |t| t == Some("frontdesk-clip")).await;
        let mut own = arboard::Clipboard::new().unwrap();
        own.set_text("claim 12345 notes").unwrap();
        // The clearing is due `delay` after the copy; give it that and a second more.
        tokio::time::sleep(delay + Duration::from_secs(1)).await;
        let kept = wait_for_clipboard("kept the person's text", |t| t.is_some()).await;
        assert_eq!(kept.as_deref(), Some("claim 12345 notes"), "left alone");
        client.close().await.unwrap();
    });
}

/// The process id of the app running on `profile` (tauri-driver started it).
pub(crate) fn app_pid(profile: &std::path::Path) -> u32 {
    let wanted = profile.to_string_lossy().into_owned();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_app = args.first().is_some_and(|a| a.ends_with("/keydesk"));
        if is_app && args.contains(&wanted) {
            return pid;
        }
    }
    panic!("no Keydesk process runs on {wanted}");
}

#[test]
fn e2e_closing_keydesk_clears_a_copy_it_still_owns_and_signs_the_mailbox_out() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-quit-clipboard");
    let password = bed::test_secret("quit");
    let user = bed::fresh_mail_user();
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--preset",
            "humana",
            "--username",
            "frontdesk-quit",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    // Ten minutes: only the quit itself can clear it within this test.
    api::settings::set_clipboard_delay(
        &keydesk::Keydesk::open(&profile).unwrap(),
        Duration::from_secs(600),
    )
    .unwrap();

    run(async {
        let client = launch(&profile).await;
        click(&client, "[data-testid=tab-home]").await;
        find(&client, "[data-testid=portal-row]").await;
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=copy-password]").await;
        wait_for_clipboard("held the password", |t| t == Some(password.as_str())).await;
        // The desktop logs out: Keydesk is asked to quit (SIGTERM), long before the delay.
        let pid = app_pid(&profile);
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        wait_for_clipboard("was cleared on the way out", |t| t.is_none()).await;
        let _ = client.close().await;
    });
    // The app logs each step of its way out; read them back (the log never holds the secret).
    let log_path = profile.join("logs/keydesk.log");
    let mut log = String::new();
    for _ in 0..100 {
        log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if log.contains("Keydesk stopped") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        log.contains("Keydesk stopped"),
        "the app went through its exit: {log}"
    );
    assert!(
        log.contains("cleared a copied secret from the clipboard"),
        "the copy still on the clipboard was cleared on the way out, not left for 10 minutes"
    );
    assert!(
        log.contains("all_tasks_ended=true"),
        "every task (the mailbox watch included) ended in time"
    );
}
