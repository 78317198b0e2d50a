//! End to end: one-click sign-in against the sandbox portal, with the real app under Xvfb, the
//! bed's Dovecot and keychain. WebDriver sees only the main window (a portal window has its own
//! browser profile), so each test clicks there and checks two things: what the main window shows,
//! and what the sandbox portal recorded (`/__sandbox/attempts`).
//!
//! Each test starts its own sandbox process on free ports. Its config holds the test password,
//! so it lives under `$KEYDESK_BED_DIR/sandbox/`, outside the profiles and logs that tests/run
//! searches for leaked secrets.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::Value;

use crate::bed;
use crate::e2e::{ONE_SESSION, screenshot};
use crate::signin_support::{
    add_portal, attempts, cli_ok, click, click_sign_in, outcomes_of, print_timing, row_text,
    row_xpath, session, set_mailbox, set_unchecked_mailbox, sign_in, start_sandbox,
    start_twice_at_once, steps, tab, wait_for_end,
};

/// A sandbox with one Cigna-like portal whose user `frontdesk` gets its codes mailed to
/// `user`; the office server stamps its checks when `authserv_id` is given.
pub(crate) fn cigna_sandbox(
    user: &bed::MailUser,
    password: &str,
    authserv_id: Option<&str>,
) -> String {
    let stamp = authserv_id.map_or(String::new(), |id| format!("authserv_id = \"{id}\"\n"));
    format!(
        r#"[mail]
delivery = "lmtp"
{stamp}[[portal]]
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
    )
}

/// Adds the sandbox's Cigna at `base` to the profile, with `extra` arguments.
fn add_cigna(profile: &std::path::Path, base: &str, password: &str, extra: &[&str]) {
    let login_url = format!("{base}/login");
    let mut args = vec![
        "--preset",
        "cigna",
        "--name",
        "Cigna",
        "--login-url",
        &login_url,
        "--username",
        "frontdesk",
        "--sender",
        "no-reply@cigna.example",
    ];
    args.extend_from_slice(extra);
    add_portal(profile, &args, password);
}

#[test]
fn e2e_signin_cigna_fills_the_mailed_code_remembers_the_desk_and_forgets_it() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let password = bed::test_secret("cigna");
    let sandbox = start_sandbox(&cigna_sandbox(&user, &password, Some(bed::AUTHSERV_ID)));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-signin-cigna");
    set_mailbox(&profile, &user);
    add_cigna(
        &profile,
        &base,
        &password,
        &["--remember-device-days", "14"],
    );

    session(&profile, |client| async move {
        // The inbox must be watching before the code is mailed; Status shows it connected.
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;

        let first = sign_in(&client, "Cigna").await;
        assert_eq!(first.state, "signed_in", "first sign-in: {}", first.text);
        print_timing("cigna, e-mailed code", &first, true);
        let list = attempts(&base).await;
        assert_eq!(
            steps(&list),
            [
                "password:code_required",
                "send_code:code_sent",
                "code:signed_in"
            ],
            "one password, one code request, one code: {list:?}"
        );
        let (sent, used) = (&list[1], &list[2]);
        assert_eq!(used["method"], "email");
        assert_eq!(
            used["code_seq"], sent["code_seq"],
            "the code that was sent was filled"
        );
        assert_eq!(
            used["remember_requested"], true,
            "Remember this device was ticked"
        );
        assert!(
            first.waiting_ms.is_some_and(|w| w > 0.0),
            "the wait for the mail is measured"
        );
        // The filled code is used up in the inbox, so it is never offered again.
        tab(&client, "home").await;
        let code = crate::e2e::wait_for_text(&client, "[data-testid=pending-code]", "Used").await;
        assert!(code.contains("Cigna"), "{code}");

        tab(&client, "devices").await;
        let row =
            crate::e2e::wait_for_text(&client, "[data-testid=device-row]", "Keydesk window").await;
        assert!(
            row.contains("from the portal's cookie"),
            "the cookie's expiry is read: {row}"
        );
        assert!(
            row.contains("30 days"),
            "30 days, the cookie's, not the 14-day policy: {row}"
        );
        screenshot(&client, "devices.png").await;
        tab(&client, "home").await;
        // The Portals view reads the list when it opens: the sign-in is recorded on the portal.
        crate::e2e::wait_for_text(&client, "[data-testid=portal-row]", "today").await;

        let second = sign_in(&client, "Cigna").await;
        assert_eq!(second.state, "signed_in", "second sign-in: {}", second.text);
        assert!(second.text.contains("no code needed"), "{}", second.text);
        print_timing("cigna, remembered device", &second, false);
        let list = attempts(&base).await;
        assert_eq!(list.len(), 4, "no code step the second time: {list:?}");
        assert_eq!(
            (
                list[3]["outcome"].as_str(),
                list[3]["device_remembered"].as_bool()
            ),
            (Some("signed_in"), Some(true))
        );

        tab(&client, "devices").await;
        click(&client, Locator::Css("[data-testid=device-forget]")).await;
        crate::e2e::wait_for_text(
            &client,
            "[data-testid=devices-notice]",
            "no longer remembers",
        )
        .await;
        assert!(
            client
                .find(Locator::Css("[data-testid=device-row]"))
                .await
                .is_err(),
            "the record is gone"
        );

        let third = sign_in(&client, "Cigna").await;
        assert_eq!(third.state, "signed_in", "after forgetting: {}", third.text);
        let list = attempts(&base).await;
        assert_eq!(
            steps(&list[4..]),
            [
                "password:code_required",
                "send_code:code_sent",
                "code:signed_in"
            ],
            "the code is asked for again after Forget this device: {list:?}"
        );
        assert_eq!(list[4]["device_remembered"], false);
    });
}

#[test]
fn e2e_signin_from_a_mail_server_that_checks_no_sender_fills_the_code_only_once_confirmed() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let password = bed::test_secret("cigna-unchecked");
    // No authserv_id: the sandbox's mail reaches Dovecot with no Authentication-Results, as
    // from an office server that checks nothing, and the mailbox names no server id.
    let sandbox = start_sandbox(&cigna_sandbox(&user, &password, None));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-signin-unchecked");
    set_unchecked_mailbox(&profile, &user);
    add_cigna(&profile, &base, &password, &[]);

    session(&profile, |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;
        tab(&client, "status").await;
        crate::e2e::wait_for_text(&client, "body", "does not check who sent a message").await;

        let clicked_ms = click_sign_in(&client, "Cigna").await;
        let use_code = row_xpath("Cigna", "signin-use-code");
        client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(Locator::XPath(&use_code))
            .await
            .expect("the sign-in shows the unchecked code for confirmation");
        let asking = row_text(&client, "Cigna", "signin-state", "does not check").await;
        assert!(
            asking.contains("no-reply@cigna.example"),
            "the sender is named: {asking}"
        );
        // Shown, not filled: the portal saw the password and the code request, no code.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            steps(&attempts(&base).await),
            ["password:code_required", "send_code:code_sent"],
            "nothing is typed before the person confirms"
        );
        screenshot(&client, "signin-confirm-code.png").await;

        click(&client, Locator::XPath(&use_code)).await;
        let shown = wait_for_end(&client, "Cigna", clicked_ms).await;
        assert_eq!(shown.state, "signed_in", "after confirming: {}", shown.text);
        let list = attempts(&base).await;
        assert_eq!(
            steps(&list),
            [
                "password:code_required",
                "send_code:code_sent",
                "code:signed_in"
            ],
            "{list:?}"
        );
        assert_eq!(
            list[2]["code_seq"], list[1]["code_seq"],
            "the confirmed code is the one the portal sent"
        );
    });
}

#[test]
fn e2e_signin_mychart_by_text_message_and_availity_by_authenticator_even_without_a_code_button() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let (mychart_pw, availity_pw) = (bed::test_secret("mychart"), bed::test_secret("availity"));
    let seed = "KDSECRETJBSWY3DPEHPK3PXP";
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "lmtp"
authserv_id = "{authserv_id}"
[[portal]]
name = "mychart"
kind = "mychart"
mail_from = "MyChart <mychart-noreply@mychart.example>"
sms_from = "+15551234567@sms.example"
code_format = "alnum6"
remember_days = 90
[[portal.user]]
username = "frontdesk"
password = "{mychart_pw}"
email = "{}@localhost"
[[portal]]
name = "availity"
kind = "availity"
remember_days = 7
[[portal.user]]
username = "frontdesk"
password = "{availity_pw}"
totp_seed = "{seed}"
[[portal]]
name = "availity_spa"
kind = "availity"
code_auto_submit_ms = 1500
[[portal.user]]
username = "frontdesk"
password = "{availity_pw}"
totp_seed = "{seed}"
[[portal]]
name = "availity_layer"
kind = "availity"
login_behind_link = true
[[portal.user]]
username = "frontdesk"
password = "{availity_pw}"
totp_seed = "{seed}"
"#,
        user.name,
        authserv_id = bed::AUTHSERV_ID,
    ));
    let (mychart, availity, spa, layer) = (
        sandbox.urls["mychart"].clone(),
        sandbox.urls["availity"].clone(),
        sandbox.urls["availity_spa"].clone(),
        sandbox.urls["availity_layer"].clone(),
    );
    let profile = bed::profile_dir("e2e-signin-sms-totp");
    set_mailbox(&profile, &user);
    add_portal(
        &profile,
        &[
            "--preset",
            "mychart",
            "--name",
            "MyChart",
            "--organization-url",
            &format!("{mychart}/login"),
            "--username",
            "frontdesk",
            "--second-step",
            "sms_code",
            "--sender",
            "mychart-noreply@mychart.example",
        ],
        &mychart_pw,
    );
    add_portal(
        &profile,
        &[
            "--preset",
            "availity",
            "--name",
            "Availity",
            "--login-url",
            &format!("{availity}/login"),
            "--username",
            "frontdesk",
        ],
        &availity_pw,
    );
    // A single-page portal whose code box has no button: its script sends the code 1.5 s after
    // the last input.
    add_portal(
        &profile,
        &[
            "--preset",
            "availity",
            "--name",
            "Availity SPA",
            "--login-url",
            &format!("{spa}/login"),
            "--username",
            "frontdesk",
        ],
        &availity_pw,
    );
    // Its sign-in form stays hidden until the page's "Sign in" link is clicked.
    add_portal(
        &profile,
        &[
            "--preset",
            "availity",
            "--name",
            "Availity layer",
            "--login-url",
            &format!("{layer}/login"),
            "--username",
            "frontdesk",
        ],
        &availity_pw,
    );
    for (issuer, portal) in [
        ("Availity", "Availity"),
        ("AvailitySPA", "Availity SPA"),
        ("AvailityLayer", "Availity layer"),
    ] {
        let uri = format!("otpauth://totp/{issuer}:frontdesk?secret={seed}&issuer={issuer}");
        cli_ok(&profile, &["otp", "add", "-"], Some(&uri));
        cli_ok(&profile, &["otp", "link", issuer, "--portal", portal], None);
    }

    session(&profile, |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;

        let sms = sign_in(&client, "MyChart").await;
        assert_eq!(sms.state, "signed_in", "MyChart: {}", sms.text);
        print_timing("mychart, texted code", &sms, true);
        let list = attempts(&mychart).await;
        assert_eq!(
            steps(&list),
            [
                "password:code_required",
                "send_code:code_sent",
                "code:signed_in"
            ],
            "{list:?}"
        );
        assert_eq!(
            list[1]["method"], "sms",
            "the text-message channel was chosen"
        );
        assert_eq!(list[2]["method"], "sms");

        let totp = sign_in(&client, "Availity").await;
        assert_eq!(totp.state, "signed_in", "Availity: {}", totp.text);
        print_timing("availity, authenticator", &totp, false);
        let list = attempts(&availity).await;
        assert_eq!(
            steps(&list),
            ["password:code_required", "code:signed_in"],
            "{list:?}"
        );
        assert_eq!(list[1]["method"], "totp");
        screenshot(&client, "signin.png").await;

        // Regression: the fill script wrote the code, found no button and reported "not
        // filled", so the machine wrote it again on every look at the page — and each write
        // restarts this box's wait, so the code was never sent. Written once, the page sends it.
        let spa_shown = sign_in(&client, "Availity SPA").await;
        assert_eq!(
            spa_shown.state, "signed_in",
            "Availity SPA: {}",
            spa_shown.text
        );
        let list = attempts(&spa).await;
        assert_eq!(
            steps(&list),
            ["password:code_required", "code:signed_in"],
            "one code, sent by the page itself: {list:?}"
        );
        assert_eq!(
            list[1]["remember_requested"], true,
            "Remember this device was ticked"
        );

        // A sign-in form behind a link: opened with one click, then filled once.
        let layer_shown = sign_in(&client, "Availity layer").await;
        assert_eq!(
            layer_shown.state, "signed_in",
            "Availity layer: {}",
            layer_shown.text
        );
        print_timing("availity, form behind a link", &layer_shown, false);
        let list = attempts(&layer).await;
        assert_eq!(
            steps(&list),
            ["password:code_required", "code:signed_in"],
            "{list:?}"
        );
    });
}

#[test]
fn e2e_signin_fills_nothing_on_a_look_alike_and_a_portal_page_gets_no_ipc() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let password = bed::test_secret("lookalike");
    let user = format!("[[portal.user]]\nusername = \"frontdesk\"\npassword = \"{password}\"\n");
    let sandbox = start_sandbox(&format!(
        "[mail]\ndelivery = \"outbox\"\n[[portal]]\nname = \"cigna\"\nkind = \"cigna\"\n{user}\
         [[portal]]\nname = \"lookalike\"\nkind = \"cigna\"\n{user}"
    ));
    let (real, fake) = (
        sandbox.urls["cigna"].clone(),
        sandbox.urls["lookalike"].clone(),
    );
    let profile = bed::profile_dir("e2e-signin-lookalike");
    // The link starts on the portal's own origin and lands on the look-alike's.
    add_portal(
        &profile,
        &[
            "--preset",
            "cigna",
            "--name",
            "Cigna",
            "--login-url",
            &format!("{real}/__sandbox/goto?to={fake}/login"),
            "--username",
            "frontdesk",
        ],
        &password,
    );
    add_portal(
        &profile,
        &[
            "--name",
            "Probe",
            "--login-url",
            &format!("{real}/__sandbox/ipc-probe"),
            "--username",
            "frontdesk",
        ],
        &password,
    );

    session(&profile, |client| async move {
        let shown = sign_in(&client, "Cigna").await;
        assert_eq!(
            (shown.state.as_str(), shown.failure.as_str()),
            ("failed", "look_alike_origin"),
            "{}",
            shown.text
        );
        assert!(shown.text.contains("filled in nothing"), "{}", shown.text);
        assert!(
            shown.text.contains(&fake),
            "names the origin: {}",
            shown.text
        );
        // Give a fill that should not have happened the time to arrive.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(
            attempts(&fake).await.is_empty(),
            "nothing was sent to the look-alike"
        );
        assert!(attempts(&real).await.is_empty());

        tab(&client, "home").await;
        click(
            &client,
            Locator::XPath(&row_xpath("Probe", "signin-button")),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(30);
        let report = loop {
            let text = reqwest::get(format!("{real}/__sandbox/ipc-reports"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let reports: Vec<Value> = serde_json::from_str(&text).unwrap();
            if let Some(r) = reports.into_iter().next() {
                break r;
            }
            assert!(Instant::now() < deadline, "the probe page never reported");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        println!("ipc probe report: {report}");
        assert_eq!(
            report["internals"], true,
            "the bridge is there, so a refusal is the app's: {report}"
        );
        let results = report["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        for r in results {
            assert_eq!(
                r["outcome"], "refused",
                "a portal page must not reach {}: {report}",
                r["command"]
            );
        }
    });
}

#[test]
fn e2e_signin_started_twice_at_once_runs_once_and_stops_after_a_wrong_password_or_a_locked_account_even_after_a_restart()
 {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let (right, wrong) = (bed::test_secret("right"), bed::test_secret("wrong"));
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "outbox"
[[portal]]
name = "cigna"
kind = "cigna"
lockout_after = 3
[[portal.user]]
username = "frontdesk"
password = "{right}"
[[portal.user]]
username = "locked.user"
password = "{right}"
locked = true
"#
    ));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-signin-refused");
    let login = format!("{base}/login");
    let preset = [
        "--preset",
        "cigna",
        "--login-url",
        &login,
        "--name",
        "Cigna",
    ];
    let mut args = preset.to_vec();
    args.extend(["--username", "frontdesk", "--lockout-threshold", "2"]);
    add_portal(&profile, &args, &wrong);
    // No preset: this one is read with the generic recipe alone.
    let generic = ["--login-url", &login, "--second-step", "email_code"];
    let mut args = generic.to_vec();
    args.extend(["--name", "Cigna locked", "--username", "locked.user"]);
    add_portal(&profile, &args, &right);
    // A device remembered in another browser that lapses in two days: the app reminds the desk.
    cli_ok(
        &profile,
        &[
            "device",
            "add",
            "Cigna",
            "--browser",
            "Chrome at the front desk",
            "--days",
            "2",
        ],
        None,
    );

    let reminded_profile = profile.clone();
    session(&profile, |client| async move {
        // Regression: the "already running" check and the claim were apart, with the window's
        // opening between them, so two quick starts could both sign in (two wrong passwords).
        let (outcomes, refused) = start_twice_at_once(&client, "Cigna").await;
        let mut sorted = outcomes.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            ["ok", "signin_running"],
            "one start runs, the other is refused: {outcomes:?}"
        );
        assert_eq!(
            (refused.state.as_str(), refused.failure.as_str()),
            ("failed", "wrong_credentials"),
            "{}",
            refused.text
        );
        assert!(
            refused.text.contains("reset the password"),
            "the next step: {}",
            refused.text
        );
        assert!(
            refused.text.contains("one more may lock it"),
            "1 of the portal's 2 tries is gone: {}",
            refused.text
        );
        let locked = sign_in(&client, "Cigna locked").await;
        assert_eq!(
            (locked.state.as_str(), locked.failure.as_str()),
            ("failed", "locked"),
            "{}",
            locked.text
        );
        assert!(
            locked.text.contains("unlock"),
            "the next step: {}",
            locked.text
        );
        screenshot(&client, "signin-failed.png").await;

        // Keydesk must not try again by itself: after a few seconds there is still one attempt each.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(
            outcomes_of(&base, "frontdesk").await,
            ["wrong_password"],
            "exactly one wrong password"
        );
        assert_eq!(
            outcomes_of(&base, "locked.user").await,
            ["locked"],
            "exactly one try on a locked account"
        );

        // A click on Sign in is not enough after that: it must be confirmed.
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna", "signin-button")),
        )
        .await;
        let notice =
            crate::e2e::wait_for_text(&client, "[data-testid=signin-notice]", "confirm").await;
        assert!(notice.contains("does not try again by itself"), "{notice}");
        assert!(
            client
                .find(Locator::Css("[data-testid=signin-confirm]"))
                .await
                .is_ok()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            outcomes_of(&base, "frontdesk").await,
            ["wrong_password"],
            "still one: nothing was sent"
        );

        // The lapse reminder went to the desktop's notification daemon (dunst on the bed): the
        // record notes it only once the notification was accepted.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let out = bed::cli(&reminded_profile, &["device", "list", "--json"], None);
            let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("device list --json");
            assert_eq!(list.len(), 1, "{list:?}");
            assert_eq!(list[0]["lapses_soon"], true);
            if !list[0]["reminded_at"].is_null() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no lapse reminder was shown: {list:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });

    // Regression: the guard lived in the app's memory, so after a restart one click sent the
    // refused password again. It is in the profile's database now.
    let base = sandbox.urls["cigna"].clone();
    session(&profile, |client| async move {
        for portal in ["Cigna", "Cigna locked"] {
            tab(&client, "home").await;
            click(&client, Locator::XPath(&row_xpath(portal, "signin-button"))).await;
            let notice = row_text(&client, portal, "signin-notice", "confirm").await;
            assert!(
                notice.contains("does not try again by itself"),
                "{portal}: {notice}"
            );
            if portal == "Cigna" {
                assert!(notice.contains("one more may lock it"), "{notice}");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            outcomes_of(&base, "frontdesk").await,
            ["wrong_password"],
            "after the restart, still one wrong password"
        );
        assert_eq!(outcomes_of(&base, "locked.user").await, ["locked"]);
    });
}
