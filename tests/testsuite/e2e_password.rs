//! An expired password, changed safely, end to end: the real app under Xvfb against the sandbox
//! portal, whose expired-password page is a real change form with the portal's rules.
//!
//! (a) The expired user gets a new password through Keydesk (proposed, confirmed, filled in the
//!     portal window) and then signs in with it, the code coming through the bed's Dovecot.
//! (b) A change cut short after the portal accepted it: the app is stopped right after the
//!     change form was sent (the debug-only `KEYDESK_TEST_PASSWORD_CHANGE_STOP=after_submit`,
//!     as a window closed or a crash at that moment), before Keydesk read the answer or saved
//!     anything. At the next start the window says so, and the next sign-in tries the new
//!     password once: signed in, the new one is saved.
//! (c) A change cut short before the form was sent (`before_submit`): the next start drops the
//!     new password and the old one still works.
//!
//! The generated passwords do not carry the run's `kdS3cr3t-` marker, so this test searches the
//! profile and the bed's logs for each of them itself.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::bed;
use crate::e2e::{ONE_SESSION, launch_app, run, screenshot};
use crate::signin_support::{
    add_portal, click, outcomes_of, row_xpath, set_mailbox, sign_in, start_sandbox, tab,
};

/// The app, stopping a password change at `stop` (debug builds only).
fn app_stopping_at(stop: &str) -> PathBuf {
    let script = PathBuf::from(bed::var("KEYDESK_BED_DIR")).join(format!("app-stop-{stop}.sh"));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport KEYDESK_TEST_PASSWORD_CHANGE_STOP={stop}\nexec '{}' \"$@\"\n",
            bed::var("KEYDESK_APP_BIN")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// Runs `test` against `app` on `profile` and ends the session (the app quits) whatever happens.
fn session_of<F, Fut>(app: &str, profile: &Path, name: &str, test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use futures::FutureExt;
    run(async {
        let client = launch_app(app, profile).await;
        let outcome = std::panic::AssertUnwindSafe(test(client.clone()))
            .catch_unwind()
            .await;
        if outcome.is_err() {
            screenshot(&client, &format!("failed-password-{name}.png")).await;
            if let Ok(body) = client.find(Locator::Css("body")).await {
                println!("window text: {}", body.text().await.unwrap_or_default());
            }
        }
        let _ = client.close().await;
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}

/// The portal's change panel once it shows `state`; its words.
async fn change_state(client: &Client, portal: &str, state: &str, within: Duration) -> String {
    let xpath = row_xpath(portal, "password-change");
    let deadline = Instant::now() + within;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::XPath(&xpath)).await {
            let shown = el
                .attr("data-state")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            last = format!("{shown}: {}", el.text().await.unwrap_or_default());
            if shown == state {
                return el.text().await.unwrap_or_default();
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("{portal}'s password change never showed {state}; last: {last:?}");
}

/// Signs in (the portal says the password expired) and asks Keydesk for a new password from
/// the fix; returns the fix's words for it.
async fn expire_and_propose(client: &Client, portal: &str) {
    let shown = sign_in(client, portal).await;
    assert_eq!(shown.failure, "password_expired", "{}", shown.text);
    let first = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&format!(
            "({})[1]",
            row_xpath(portal, "fix-step")
        )))
        .await
        .expect("the fix shows")
        .attr("data-action")
        .await
        .unwrap();
    assert_eq!(
        first.as_deref(),
        Some("change_password"),
        "the fix's first step"
    );
    click(
        client,
        Locator::XPath(&row_xpath(portal, "fix-action-change_password")),
    )
    .await;
    let words = change_state(client, portal, "proposed", Duration::from_secs(15)).await;
    assert!(
        words.contains("to 64 characters, with"),
        "the rules shown: {words}"
    );
}

/// The portal's saved password and its change date, from `keydesk-cli portal show --reveal`.
fn saved(profile: &Path, portal: &str) -> (String, i64) {
    let out = bed::cli_ok(
        profile,
        &["portal", "show", portal, "--reveal", "--json"],
        None,
    );
    let v: Value = serde_json::from_str(&out).expect("JSON");
    (
        v["password"].as_str().expect("a password").to_owned(),
        v["password_changed_at"].as_i64().unwrap_or_default(),
    )
}

/// Fails when `secret` is in any file of the profile or the bed's logs (what tests/run
/// searches for the `kdS3cr3t-` marker).
fn assert_nowhere_on_disk(secret: &str, profile: &Path) {
    let bed_dir = PathBuf::from(bed::var("KEYDESK_BED_DIR"));
    let mut places = vec![profile.to_owned(), bed_dir.join("logs")];
    for entry in std::fs::read_dir(&bed_dir).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "log") {
            places.push(entry.path());
        }
    }
    let mut files = 0;
    while let Some(place) = places.pop() {
        if place.is_dir() {
            for entry in std::fs::read_dir(&place).into_iter().flatten().flatten() {
                places.push(entry.path());
            }
        } else if let Ok(bytes) = std::fs::read(&place) {
            files += 1;
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the new password is in {}",
                place.display()
            );
        }
    }
    assert!(files > 0, "the profile has files to search");
}

fn meets_the_sandbox_rules(password: &str) {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    assert!(
        (12..=64).contains(&password.chars().count())
            && has(char::is_ascii_uppercase)
            && has(char::is_ascii_lowercase)
            && has(char::is_ascii_digit)
            && has(|c| !c.is_ascii_alphanumeric()),
        "a password meeting the portal's rules (length {})",
        password.len()
    );
}

#[test]
fn e2e_password_an_expired_password_is_changed_safely_even_when_cut_short() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let old = bed::test_secret("expired");
    // Three portals, each with its own sender, so each code goes to its own sign-in.
    let portals: String = ["a", "b", "c"]
        .iter()
        .map(|p| {
            format!(
                r#"[[portal]]
name = "{p}"
kind = "cigna"
mail_from = "Cigna for HCP <no-reply@{p}.cigna.example>"
lockout_after = 3
[[portal.user]]
username = "expired"
password = "{old}"
email = "{}@localhost"
password_expired = true
"#,
                user.name
            )
        })
        .collect();
    let sandbox = start_sandbox(&format!(
        "[mail]\ndelivery = \"lmtp\"\nauthserv_id = \"{}\"\n{portals}",
        bed::AUTHSERV_ID
    ));
    let profile = bed::profile_dir("e2e-password");
    set_mailbox(&profile, &user);
    for p in ["a", "b", "c"] {
        let name = format!("Cigna {}", p.to_uppercase());
        let login = format!("{}/login", sandbox.urls[p]);
        let sender = format!("no-reply@{p}.cigna.example");
        add_portal(
            &profile,
            &[
                "--preset",
                "cigna",
                "--name",
                &name,
                "--login-url",
                &login,
                "--username",
                "expired",
                "--sender",
                &sender,
            ],
            &old,
        );
    }
    let app = bed::var("KEYDESK_APP_BIN");
    let (_, added_at) = saved(&profile, "Cigna A");

    // (a) Changed through Keydesk, then a sign-in with the new password.
    let shown_new = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = shown_new.clone();
    let base_a = sandbox.urls["a"].clone();
    session_of(&app, &profile, "a", |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;
        tab(&client, "home").await;
        // The portal's rules, edited in the window: at least 24 characters.
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna A", "password-rules-toggle")),
        )
        .await;
        let min = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&row_xpath("Cigna A", "password-rules-min")))
            .await
            .unwrap();
        min.clear().await.unwrap();
        min.send_keys("24").await.unwrap();
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna A", "password-rules-save")),
        )
        .await;
        crate::signin_support::row_text(&client, "Cigna A", "password-rules-words", "24 to 64")
            .await;
        expire_and_propose(&client, "Cigna A").await;
        // Never shown unless asked.
        assert!(
            client
                .find(Locator::XPath(&row_xpath(
                    "Cigna A",
                    "password-change-shown"
                )))
                .await
                .is_err()
        );
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna A", "password-change-show")),
        )
        .await;
        let new = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(&row_xpath(
                "Cigna A",
                "password-change-shown",
            )))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        meets_the_sandbox_rules(&new);
        assert_eq!(new.chars().count(), 24, "the edited rules are used");
        *keep.lock().unwrap() = new;
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna A", "password-change-go")),
        )
        .await;
        let words = change_state(&client, "Cigna A", "changed", Duration::from_secs(60)).await;
        assert!(words.contains("Your password has been changed"), "{words}");
        assert_eq!(
            outcomes_of(&base_a, "expired").await,
            ["password_expired", "password_expired", "password_changed"],
            "one sign-in that found it expired, the change's own sign-in, one change"
        );
        let after = sign_in(&client, "Cigna A").await;
        assert_eq!(
            after.state, "signed_in",
            "with the new password: {}",
            after.text
        );
        assert_eq!(
            outcomes_of(&base_a, "expired").await[3..],
            ["code_required", "code_sent", "signed_in"]
        );
        screenshot(&client, "password-changed.png").await;
    });
    let new_a = shown_new.lock().unwrap().clone();
    let (saved_a, changed_at) = saved(&profile, "Cigna A");
    assert_eq!(saved_a, new_a, "the keychain holds the new password");
    assert!(changed_at > added_at, "the change date moved on");
    assert_nowhere_on_disk(&new_a, &profile);

    // (b) Cut short right after the portal accepted the change.
    let stop_after = app_stopping_at("after_submit");
    let base_b = sandbox.urls["b"].clone();
    session_of(
        stop_after.to_str().unwrap(),
        &profile,
        "b-cut",
        |client| async move {
            tab(&client, "home").await;
            expire_and_propose(&client, "Cigna B").await;
            click(
                &client,
                Locator::XPath(&row_xpath("Cigna B", "password-change-go")),
            )
            .await;
            let deadline = Instant::now() + Duration::from_secs(60);
            while !outcomes_of(&base_b, "expired")
                .await
                .contains(&"password_changed".to_owned())
            {
                assert!(
                    Instant::now() < deadline,
                    "the portal never took the change"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            // Keydesk is held right after the send: it has not read the answer.
            tokio::time::sleep(Duration::from_secs(1)).await;
            change_state(&client, "Cigna B", "running", Duration::from_secs(5)).await;
            // The session ends here: the app quits with the change cut short.
        },
    );
    assert_eq!(saved(&profile, "Cigna B").0, old, "nothing saved yet");
    let base_b = sandbox.urls["b"].clone();
    session_of(&app, &profile, "b-next", |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;
        tab(&client, "home").await;
        let words = change_state(&client, "Cigna B", "unsettled", Duration::from_secs(15)).await;
        assert!(words.contains("cut short"), "{words}");
        let shown = sign_in(&client, "Cigna B").await;
        assert_eq!(
            shown.state, "signed_in",
            "with the new password: {}",
            shown.text
        );
        change_state(&client, "Cigna B", "changed", Duration::from_secs(15)).await;
        let all = outcomes_of(&base_b, "expired").await;
        assert_eq!(
            all[all.len() - 3..],
            ["code_required", "code_sent", "signed_in"],
            "the new password was tried once and taken: {all:?}"
        );
        assert!(!all.contains(&"wrong_password".to_owned()), "{all:?}");
    });
    let (new_b, _) = saved(&profile, "Cigna B");
    assert_ne!(new_b, old, "the new password is saved");
    meets_the_sandbox_rules(&new_b);
    assert_nowhere_on_disk(&new_b, &profile);

    // (c) Cut short before the change form was sent.
    let stop_before = app_stopping_at("before_submit");
    let base_c = sandbox.urls["c"].clone();
    session_of(
        stop_before.to_str().unwrap(),
        &profile,
        "c-cut",
        |client| async move {
            tab(&client, "home").await;
            expire_and_propose(&client, "Cigna C").await;
            click(
                &client,
                Locator::XPath(&row_xpath("Cigna C", "password-change-go")),
            )
            .await;
            // The change's own sign-in reaches the change form; Keydesk stops before filling it.
            let deadline = Instant::now() + Duration::from_secs(60);
            while outcomes_of(&base_c, "expired").await.len() < 2 {
                assert!(Instant::now() < deadline, "the change never signed in");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        },
    );
    let base_c = sandbox.urls["c"].clone();
    session_of(&app, &profile, "c-next", |client| async move {
        tab(&client, "home").await;
        // Dropped at the start: nothing to settle, the change can be asked for again.
        client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&row_xpath(
                "Cigna C",
                "password-change-start",
            )))
            .await
            .expect("no change left for Cigna C");
        // The old password still works: the portal takes it (and says it has expired).
        let shown = sign_in(&client, "Cigna C").await;
        assert_eq!(shown.failure, "password_expired", "{}", shown.text);
        assert_eq!(
            outcomes_of(&base_c, "expired").await,
            ["password_expired", "password_expired", "password_expired"],
            "never a wrong password, never a change"
        );
    });
    assert_eq!(
        saved(&profile, "Cigna C").0,
        old,
        "the old password is kept"
    );
}
