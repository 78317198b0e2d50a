//! End to end, a shared desk: the real app on a desk with two people and an office policy. It
//! starts locked; a person unlocks with their PIN and sees the desk's portals and only their
//! own; while locked the app's commands refuse to reveal, copy or export; wrong PINs back off;
//! the idle lock (shortened for the test, debug builds only) locks by itself; the policy's
//! 2-minute lock and "no plain export" are shown as set by the office; every action is in the
//! audit log, which verifies.

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::{Client, Locator};

use crate::bed;
use crate::e2e::{ONE_SESSION, launch_app, run, screenshot, wait_for_text};
use crate::e2e_manage::{click, find, type_into};

/// `keydesk-cli` as `person` (PIN in `KEYDESK_PIN`) with `stdin`; asserts success.
fn cli_as(profile: &Path, person: Option<(&str, &str)>, args: &[&str], stdin: &str) -> String {
    let out = crate::audit::cli_as(profile, person, args, stdin);
    crate::audit::ok(out, &format!("keydesk-cli {}", args.join(" ")))
}

/// The app with the office policy file and an idle lock of a few seconds (debug builds only).
fn app_with_policy(policy: &Path, idle_secs: u32) -> PathBuf {
    let script = PathBuf::from(bed::var("KEYDESK_BED_DIR")).join("app-with-policy.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport KEYDESK_POLICY_FILE='{}'\nexport KEYDESK_TEST_IDLE_SECS={idle_secs}\nexec '{}' \"$@\"\n",
            policy.display(),
            bed::var("KEYDESK_APP_BIN")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Calls one of the app's commands from the window and returns "ok" or the error's code.
async fn command(client: &Client, name: &str, args: serde_json::Value) -> String {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke('{name}', {args})
           .then(() => done('ok'), (e) => done((e && e.code) || String(e)));"
    );
    client
        .execute_async(&script, vec![])
        .await
        .expect("the command runs")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn unlock(client: &Client, name: &str, pin: &str) {
    find(client, "[data-testid=lock-screen]").await;
    client
        .find(Locator::Css("[data-testid=lock-person]"))
        .await
        .unwrap()
        .select_by_value(name)
        .await
        .unwrap();
    type_into(client, "[data-testid=lock-pin]", pin).await;
    click(client, "[data-testid=lock-unlock]").await;
}

#[test]
fn e2e_a_shared_desk_locks_hides_secrets_backs_off_and_obeys_the_office() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-lock");
    let user = bed::fresh_mail_user();
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);
    let maria_pin = bed::test_secret("pin-maria");
    let ana_pin = bed::test_secret("pin-ana");
    let password = bed::test_secret("lock-humana");
    let maria = Some(("Maria", maria_pin.as_str()));
    let ana = Some(("Ana", ana_pin.as_str()));
    cli_as(
        &profile,
        None,
        &["people", "add", "Maria"],
        &format!("{maria_pin}\n"),
    );
    cli_as(
        &profile,
        maria,
        &["people", "add", "Ana", "--role", "staff"],
        &format!("{ana_pin}\n"),
    );
    cli_as(
        &profile,
        maria,
        &[
            "portal",
            "add",
            "--preset",
            "humana",
            "--username",
            "frontdesk-lock",
            "--password-stdin",
        ],
        &format!("{password}\n"),
    );
    cli_as(
        &profile,
        ana,
        &[
            "portal",
            "add",
            "--name",
            "Availity for Ana",
            "--login-url",
            "https://apps.availity.com/availity/web/public.elegant.login",
        ],
        "",
    );
    cli_as(
        &profile,
        maria,
        &[
            "portal",
            "add",
            "--name",
            "Cigna",
            "--login-url",
            "https://cignaforhcp.cigna.com/app/login",
            "--second-step",
            "email_code",
            "--sender",
            "no-reply@cigna.example",
        ],
        "",
    );
    bed::deliver(
        &user,
        &crate::e2e::code_mail("no-reply@cigna.example", "482913"),
    );
    let humana: i64 = {
        let list = cli_as(&profile, maria, &["portal", "list", "--json"], "");
        let list: serde_json::Value = serde_json::from_str(&list).unwrap();
        list.as_array()
            .unwrap()
            .iter()
            .find(|p| p["username"] == "frontdesk-lock")
            .expect("the Humana portal")["id"]
            .as_i64()
            .unwrap()
    };
    let policy = profile.with_extension("policy.toml");
    std::fs::write(&policy, "max_idle_minutes = 2\nplain_export = false\n").unwrap();
    let script = app_with_policy(&policy, 10);
    let export = profile.with_extension("plain.txt");

    run(async {
        let client = launch_app(script.to_str().unwrap(), &profile).await;
        // A desk with people starts locked; the codes view stays, without digits.
        find(&client, "[data-testid=lock-screen]").await;
        // Codes while locked: the portal and the time left, never the digits.
        let code = wait_for_text(&client, "[data-testid=pending-code]", "Cigna").await;
        assert!(code.contains("left"), "the time left is shown: {code}");
        assert!(!code.contains("482"), "no digits while locked: {code}");
        find(&client, "[data-testid=code-hidden]").await;
        screenshot(&client, "lock-screen.png").await;
        for (name, args) in [
            ("portal_reveal", serde_json::json!({ "id": humana })),
            (
                "portal_copy",
                serde_json::json!({ "id": humana, "credential": "password" }),
            ),
            (
                "otp_export_plain",
                serde_json::json!({ "path": export.display().to_string(), "understood": true }),
            ),
        ] {
            assert_eq!(
                command(&client, name, args).await,
                "locked",
                "{name} while locked"
            );
        }

        // Ana sees the desk's portal and her own.
        unlock(&client, "Ana", &ana_pin).await;
        wait_for_text(&client, "[data-testid=signed-in-as]", "Ana").await;
        click(&client, "[data-testid=tab-home]").await;
        wait_for_text(&client, "[data-testid=pending-code]", "482 913").await;
        click(&client, "[data-testid=tab-home]").await;
        wait_for_text(&client, "main", "Availity for Ana").await;
        // Added for the desk, Ana makes it her own in the window.
        let menu = crate::signin_support::row_xpath("Availity for Ana", "portal-menu");
        client
            .find(Locator::XPath(&menu))
            .await
            .expect("the row's menu")
            .click()
            .await
            .expect("open the row's menu");
        let mine = crate::signin_support::row_xpath("Availity for Ana", "portal-set-own");
        client
            .find(Locator::XPath(&mine))
            .await
            .expect("Make it mine, on a desk with people")
            .click()
            .await
            .unwrap();
        crate::signin_support::row_text(&client, "Availity for Ana", "portal-own", "yours").await;
        // Switching person is one click.
        let started = std::time::Instant::now();
        click(&client, "[data-testid=switch-person]").await;
        unlock(&client, "Maria", &maria_pin).await;
        wait_for_text(&client, "[data-testid=signed-in-as]", "Maria").await;
        let switch = started.elapsed();
        assert!(
            switch.as_secs_f64() < 2.0,
            "switching person took {switch:?}"
        );
        click(&client, "[data-testid=tab-home]").await;
        let view = wait_for_text(&client, "main", "frontdesk-lock").await;
        assert!(
            !view.contains("Availity for Ana"),
            "Ana's own portal is hers: {view}"
        );
        assert_eq!(
            command(
                &client,
                "portal_reveal",
                serde_json::json!({ "id": humana })
            )
            .await,
            "ok",
            "unlocked, the password can be shown"
        );
        assert_eq!(
            command(
                &client,
                "otp_export_plain",
                serde_json::json!({ "path": export.display().to_string(), "understood": true })
            )
            .await,
            "policy_forbids",
            "the office forbids plain exports"
        );

        // The office's settings are shown as its own.
        click(&client, "[data-testid=tab-settings]").await;
        wait_for_text(
            &client,
            "[data-testid=office-lock]",
            "Set by your office: at most 2",
        )
        .await;
        wait_for_text(&client, "[data-testid=office-policy]", "not allowed").await;
        screenshot(&client, "settings-set-by-office.png").await;

        // Idle: it locks by itself.
        tokio::time::sleep(std::time::Duration::from_secs(13)).await;
        find(&client, "[data-testid=lock-screen]").await;
        assert_eq!(
            command(
                &client,
                "portal_copy",
                serde_json::json!({ "id": humana, "credential": "password" })
            )
            .await,
            "locked"
        );

        // Five wrong PINs: the third starts a wait, the rest are refused while it lasts.
        for _ in 0..5 {
            unlock(&client, "Ana", "kdS3cr3t-wrong-pin").await;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        let refusal = wait_for_text(&client, "[data-testid=lock-failure]", "Try again in").await;
        assert!(refusal.contains("Too many wrong PINs"), "{refusal}");
        // The right PIN of another person still unlocks.
        unlock(&client, "Maria", &maria_pin).await;
        wait_for_text(&client, "[data-testid=signed-in-as]", "Maria").await;
        client.close().await.unwrap();
    });
    assert!(!export.exists(), "no plain export was written");

    let log = cli_as(&profile, maria, &["audit", "list", "--json"], "");
    assert!(!log.contains("kdS3cr3t"), "no secret in the audit log");
    let entries: Vec<(String, String, String)> = log
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["person"].as_str().unwrap().to_owned(),
                v["action"].as_str().unwrap().to_owned(),
                v["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let has = |person: &str, action: &str, detail: &str| {
        entries
            .iter()
            .any(|(p, a, d)| p == person && a == action && d.contains(detail))
    };
    assert!(has("Ana", "unlocked", "PIN"), "{entries:?}");
    assert!(has("Ana", "locked", "button"), "{entries:?}");
    assert!(has("Maria", "unlocked", "switched"), "{entries:?}");
    assert!(has("Maria", "password_shown", ""), "{entries:?}");
    assert!(has("Maria", "locked", "idle"), "{entries:?}");
    assert!(has("Ana", "unlock_failed", "wrong PINs"), "{entries:?}");
    assert!(has("desk", "policy_applied", "policy.toml"), "{entries:?}");
    let verdict = cli_as(&profile, None, &["audit", "verify"], "");
    assert!(verdict.starts_with("intact"), "{verdict}");
}

/// Whether a window titled `title` is mapped on the bed's X display.
fn window_visible(title: &str) -> bool {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .map(|o| o.status.success() && !o.stdout.is_empty())
        .unwrap_or(false)
}

async fn wait_visible(title: &str, visible: bool) {
    for _ in 0..100 {
        if window_visible(title) == visible {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the window {title:?} never became {}",
        if visible { "visible" } else { "hidden" }
    );
}

#[test]
fn e2e_portal_windows_hide_while_locked_and_come_back_on_unlock() {
    use crate::signin_support::{sign_in, start_sandbox};
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let password = bed::test_secret("lock-cigna");
    let maria_pin = bed::test_secret("pin-maria-windows");
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "lmtp"
authserv_id = "{authserv_id}"
[[portal]]
name = "cigna"
kind = "cigna"
mail_from = "Cigna for HCP <no-reply@cigna.example>"
code_lifetime_secs = 600
remember_days = 30
lockout_after = 3
[[portal.user]]
username = "frontdesk"
password = "{password}"
email = "{}@localhost"
"#,
        user.name,
        authserv_id = bed::AUTHSERV_ID,
    ));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-lock-windows");
    crate::signin_support::set_mailbox(&profile, &user);
    cli_as(
        &profile,
        None,
        &["people", "add", "Maria"],
        &format!("{maria_pin}\n"),
    );
    cli_as(
        &profile,
        Some(("Maria", maria_pin.as_str())),
        &[
            "portal",
            "add",
            "--password-stdin",
            "--preset",
            "cigna",
            "--name",
            "Cigna Lock",
            "--login-url",
            &format!("{base}/login"),
            "--username",
            "frontdesk",
            "--sender",
            "no-reply@cigna.example",
        ],
        &format!("{password}\n"),
    );
    let title = "Cigna Lock — Keydesk";
    crate::signin_support::session(&profile, |client| async move {
        unlock(&client, "Maria", &maria_pin).await;
        wait_for_text(&client, "[data-testid=signed-in-as]", "Maria").await;
        click(&client, "[data-testid=tab-status]").await;
        wait_for_text(&client, "[data-testid=status-mailbox]", "Connected").await;
        let shown = sign_in(&client, "Cigna Lock").await;
        assert_eq!(shown.state, "signed_in", "{}", shown.text);
        wait_visible(title, true).await;
        click(&client, "[data-testid=lock-now]").await;
        wait_visible(title, false).await;
        unlock(&client, "Maria", &maria_pin).await;
        wait_visible(title, true).await;
    });
    // The window used Maria's own browser profile.
    let folders: Vec<String> = std::fs::read_dir(profile.join("webviews"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        folders.iter().any(|f| f.starts_with("person-")),
        "a person's own profile: {folders:?}"
    );
}
