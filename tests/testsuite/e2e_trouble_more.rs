//! When a sign-in fails, end to end, for the failure classes `e2e_trouble` leaves out: the
//! organization's identity host down, a code that never reaches the watched mailbox, an
//! authenticator code the portal refuses, a stored session in the way and a page that changed.
//! Each ends in its guided fix with the right first step, and an action of the fix runs from
//! the window and what it found shows.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::bed;
use crate::e2e::{ONE_SESSION, screenshot, wait_for_text};
use crate::e2e_trouble::{first_action, fix_of, run_action};
use crate::signin_support::{
    add_portal, cli_ok, click, click_sign_in, outcomes_of, row_xpath, session, set_mailbox,
    sign_in, start_sandbox,
};

/// The authenticator seed the portal set up, and the one Keydesk was given instead.
const PORTAL_SEED: &str = "KDSECRETAVAILITYRIGHTAAA";
const WRONG_SEED: &str = "KDSECRETAVAILITYWRONGAAA";
/// The portal's codes lapse after this long, and Keydesk's entry says so: the sign-in waits
/// no longer for one.
const CODE_LIFETIME_SECS: u64 = 20;

/// Clicks the portal's "Sign in" until the row shows a sign-in started by it (a click on a row
/// that is being drawn again may be lost), without waiting for its end; when it was clicked.
async fn start_sign_in(client: &Client, portal: &str) -> Instant {
    let state = row_xpath(portal, "signin-state");
    for _ in 0..3 {
        let clicked = Instant::now();
        let clicked_ms = click_sign_in(client, portal).await;
        while clicked.elapsed() < Duration::from_secs(5) {
            if let Ok(el) = client.find(Locator::XPath(&state)).await {
                let started: f64 = el
                    .attr("data-started-ms")
                    .await
                    .ok()
                    .flatten()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0.0);
                if started >= clicked_ms {
                    return clicked;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("no sign-in to {portal} started after three clicks");
}

/// Prints how long a failure took from the click to its fix on screen (not asserted).
fn print_fix_timing(class: &str, clicked: Instant) {
    println!(
        "trouble timing ({class}): {:.1} s from the click to the fix shown",
        clicked.elapsed().as_secs_f64()
    );
}

#[test]
fn e2e_trouble_more_identity_host_code_never_arrived_code_refused_stored_session_and_page_changed_end_in_their_fixes()
 {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let pw = bed::test_secret("trouble-more");
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "outbox"
[[portal]]
name = "idp"
kind = "cigna"
[[portal.user]]
username = "idp.user"
password = "{pw}"
sso = true
identity_host_down = true
[[portal]]
name = "mail"
kind = "cigna"
code_lifetime_secs = {CODE_LIFETIME_SECS}
[[portal.user]]
username = "frontdesk"
password = "{pw}"
email = "someone.else@localhost"
[[portal]]
name = "availity"
kind = "availity"
[[portal.user]]
username = "frontdesk"
password = "{pw}"
totp_seed = "{PORTAL_SEED}"
[[portal]]
name = "session"
kind = "cigna"
session_in_the_way = true
[[portal.user]]
username = "sso.user"
password = "{pw}"
sso = true
[[portal]]
name = "changed"
kind = "cigna"
[[portal.user]]
username = "frontdesk"
password = "{pw}"
"#
    ));
    let url = |name: &str| format!("{}/login", sandbox.urls[name]);
    let profile = bed::profile_dir("e2e-trouble-more");
    let user = bed::fresh_mail_user();
    set_mailbox(&profile, &user);
    let lifetime = CODE_LIFETIME_SECS.to_string();
    for (name, login, username, extra) in [
        ("IdP down", url("idp"), "idp.user", vec![]),
        (
            "Code elsewhere",
            url("mail"),
            "frontdesk",
            vec!["--code-lifetime-secs", lifetime.as_str()],
        ),
        ("Session", url("session"), "sso.user", vec![]),
        ("Changed", url("changed"), "frontdesk", vec![]),
    ] {
        let mut args = vec![
            "--preset",
            "cigna",
            "--login-url",
            &login,
            "--name",
            name,
            "--username",
            username,
        ];
        args.extend(extra);
        add_portal(&profile, &args, &pw);
    }
    add_portal(
        &profile,
        &[
            "--preset",
            "availity",
            "--login-url",
            &url("availity"),
            "--name",
            "Availity",
            "--username",
            "frontdesk",
        ],
        &pw,
    );
    let link = format!("otpauth://totp/Availity:frontdesk?secret={WRONG_SEED}&issuer=Availity");
    cli_ok(&profile, &["otp", "add", "-"], Some(&link));
    cli_ok(
        &profile,
        &["otp", "link", "Availity", "--portal", "Availity"],
        None,
    );
    let zip_typed = profile.join("support-request.zip").display().to_string();
    let (mail_base, availity_base, session_base, changed_base) = (
        sandbox.urls["mail"].clone(),
        sandbox.urls["availity"].clone(),
        sandbox.urls["session"].clone(),
        sandbox.urls["changed"].clone(),
    );

    session(&profile, |client| async move {
        let http = reqwest::Client::new();
        let sandbox_post = |url: String| {
            let http = http.clone();
            async move {
                let r = http.post(url).send().await.expect("the sandbox answers");
                assert!(r.status().is_success(), "{}", r.status());
            }
        };
        wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;

        // The slow ones first, side by side: a changed page is given up after the page
        // timeout, a code after its lifetime.
        sandbox_post(format!("{changed_base}/__sandbox/redesign?on=true")).await;
        let mut clicked = std::collections::HashMap::new();
        for portal in ["Changed", "Code elsewhere", "IdP down"] {
            clicked.insert(portal, start_sign_in(&client, portal).await);
        }

        // An authenticator code the portal refuses: the clock is checked against the portal
        // first (no mailbox to look at), and no second code is tried.
        let started = Instant::now();
        let shown = sign_in(&client, "Availity").await;
        assert_eq!(shown.failure, "code_refused", "{}", shown.text);
        let fix = fix_of(&client, "Availity", "code_refused", Duration::from_secs(15)).await;
        print_fix_timing("code refused", started);
        assert_eq!(
            first_action(&client, "Availity").await,
            "check_clock",
            "{fix}"
        );
        assert!(
            fix.contains("authenticator entry linked to Availity"),
            "{fix}"
        );
        let found = run_action(&client, "Availity", "check_clock").await;
        assert!(
            found.contains(&format!("The clock agrees with {availity_base}")),
            "{found}"
        );
        assert_eq!(
            outcomes_of(&availity_base, "frontdesk").await,
            ["code_required", "wrong_code"],
            "one code, refused, and no other tried"
        );

        // The support request from that fix names the practice, whose name and address are
        // kept from the form beside it; one that cannot be kept is refused in plain words.
        click(
            &client,
            Locator::XPath(&row_xpath("Availity", "support-prepare")),
        )
        .await;
        let field = |name: &'static str| {
            let client = client.clone();
            async move {
                client
                    .wait()
                    .at_most(Duration::from_secs(10))
                    .for_element(Locator::XPath(&row_xpath("Availity", name)))
                    .await
                    .unwrap_or_else(|_| panic!("the practice form's {name}"))
            }
        };
        // Types `text` into the row's element at `xpath`, then presses the row's `button`.
        let type_and_press = |xpath: String, text: String, button: &'static str| {
            let client = client.clone();
            async move {
                let input = client
                    .wait()
                    .at_most(Duration::from_secs(10))
                    .for_element(Locator::XPath(&xpath))
                    .await
                    .unwrap_or_else(|_| panic!("{xpath} appears"));
                input.clear().await.unwrap();
                input.send_keys(&text).await.unwrap();
                click(&client, Locator::XPath(&row_xpath("Availity", button))).await;
            }
        };
        let name = row_xpath("Availity", "practice-name");
        type_and_press(name.clone(), "M".repeat(201), "practice-save").await;
        let refused = field("practice-error").await.text().await.unwrap();
        assert!(
            refused.contains("The practice's name is too long"),
            "{refused}"
        );
        field("practice-address")
            .await
            .send_keys("1 Main Street, Springfield")
            .await
            .unwrap();
        type_and_press(name, "Main Street Dental".into(), "practice-save").await;
        let saved = field("practice-saved").await.text().await.unwrap();
        assert!(saved.starts_with("Saved"), "{saved}");
        let path = row_xpath("Availity", "support-form").replace(
            "//*[@data-testid='support-form']",
            "//input[@name='support-path']",
        );
        type_and_press(path, zip_typed.clone(), "support-write").await;
        let summary = field("support-summary").await.text().await.unwrap();
        assert!(
            summary.contains("Practice: Main Street Dental")
                && summary.contains("Address: 1 Main Street, Springfield"),
            "the saved practice facts are in the support summary: {summary}"
        );

        // A stored session in the way: signed in once, the portal then forgets the session
        // (as after a timeout elsewhere); its cookie makes the portal show a notice instead of
        // its form. Forgetting the cookies from the fix clears the way.
        let first = sign_in(&client, "Session").await;
        assert_eq!(first.state, "signed_in", "{}", first.text);
        sandbox_post(format!("{session_base}/__sandbox/reset")).await;
        let started = Instant::now();
        let shown = sign_in(&client, "Session").await;
        assert_eq!(shown.failure, "stored_session", "{}", shown.text);
        let fix = fix_of(
            &client,
            "Session",
            "stored_session",
            Duration::from_secs(15),
        )
        .await;
        print_fix_timing("stored session", started);
        assert!(
            fix.contains("A session is already open in this browser."),
            "the portal's own words: {fix}"
        );
        assert_eq!(first_action(&client, "Session").await, "forget_cookies");
        let found = run_action(&client, "Session", "forget_cookies").await;
        assert!(
            found.contains("cookies for the portal were cleared"),
            "{found}"
        );
        let again = sign_in(&client, "Session").await;
        assert_eq!(
            again.state, "signed_in",
            "with the cookies gone the session is no longer in the way: {}",
            again.text
        );

        // A code that never reaches the watched mailbox: given up after the code's lifetime;
        // the mailbox is looked at from the fix.
        let fix = fix_of(
            &client,
            "Code elsewhere",
            "code_never_arrived",
            Duration::from_secs(CODE_LIFETIME_SECS + 60),
        )
        .await;
        print_fix_timing("code never arrived", clicked["Code elsewhere"]);
        assert!(
            clicked["Code elsewhere"].elapsed() < Duration::from_secs(CODE_LIFETIME_SECS + 45),
            "not waited for past the code's lifetime"
        );
        assert_eq!(
            first_action(&client, "Code elsewhere").await,
            "check_mailbox",
            "{fix}"
        );
        let found = run_action(&client, "Code elsewhere", "check_mailbox").await;
        assert!(
            found.contains(&format!("The mailbox {}@", user.name))
                && found.contains("is connected")
                && found.contains("waiting now: 0"),
            "{found}"
        );
        assert_eq!(
            outcomes_of(&mail_base, "frontdesk").await,
            ["code_required", "code_sent"],
            "the portal did send it, elsewhere"
        );

        // The organization's identity host down: the portal hands the sign-in to a host that
        // does not answer; the health check from the fix says so.
        let fix = fix_of(
            &client,
            "IdP down",
            "identity_host_unreachable",
            Duration::from_secs(90),
        )
        .await;
        print_fix_timing("identity host unreachable", clicked["IdP down"]);
        assert_eq!(
            first_action(&client, "IdP down").await,
            "health_check",
            "{fix}"
        );
        let found = run_action(&client, "IdP down", "health_check").await;
        assert!(
            found.contains("Your organization's sign-in service (http://127.0.0.1:")
                && found.contains("refuses connections"),
            "the identity host the portal handed the sign-in to was checked: {found}"
        );

        // A page that changed so that nothing on it can be read: nothing typed; the desk signs
        // in itself or teaches Keydesk the page, and a clean profile can be tried.
        let fix = fix_of(&client, "Changed", "page_changed", Duration::from_secs(90)).await;
        print_fix_timing("page changed", clicked["Changed"]);
        assert_eq!(first_action(&client, "Changed").await, "", "{fix}");
        assert!(fix.contains("Teach Keydesk this page"), "{fix}");
        client
            .find(Locator::XPath(&row_xpath("Changed", "signin-teach")))
            .await
            .expect("the row offers to teach Keydesk the page");
        let found = run_action(&client, "Changed", "clean_profile_try").await;
        assert!(
            found.contains("clean, throwaway profile started"),
            "{found}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        screenshot(&client, "trouble-more.png").await;
        // The portal never got a password from the changed page.
        assert!(
            outcomes_of(&changed_base, "frontdesk").await.is_empty(),
            "nothing was typed into the changed page"
        );
    });
}
