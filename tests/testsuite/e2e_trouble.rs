//! When a sign-in fails, end to end: the real app under Xvfb against the sandbox. Each failure
//! class ends in its guided fix with the right first step; the fix's actions (the health check,
//! forgetting the cookies, a try in a clean profile, the support line) run from the window and
//! what they found shows; the support zip from a failed sign-in holds the portal's exact alert
//! text, the attempt's time and a picture of the portal window, and no test secret.

use std::io::Read;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::bed;
use crate::e2e::{ONE_SESSION, screenshot};
use crate::signin_support::{add_portal, click, row_xpath, session, sign_in, start_sandbox, tab};

/// Waits until the portal's fix shows `class`, and returns the fix's text.
pub(crate) async fn fix_of(client: &Client, portal: &str, class: &str, within: Duration) -> String {
    let xpath = row_xpath(portal, "fix");
    let deadline = Instant::now() + within;
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(el) = client.find(Locator::XPath(&xpath)).await {
            let shown = el
                .attr("data-class")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            last = format!("{shown}: {}", el.text().await.unwrap_or_default());
            if shown == class {
                return el.text().await.unwrap_or_default();
            }
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    panic!("{portal}'s fix never showed {class}; last: {last:?}");
}

/// The action of the fix's first step ("" for a step Keydesk cannot take itself).
pub(crate) async fn first_action(client: &Client, portal: &str) -> String {
    client
        .find(Locator::XPath(&format!(
            "({})[1]",
            row_xpath(portal, "fix-step")
        )))
        .await
        .expect("the fix has steps")
        .attr("data-action")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Presses the fix's button for `action` and waits until what it found shows.
pub(crate) async fn run_action(client: &Client, portal: &str, action: &str) -> String {
    click(
        client,
        Locator::XPath(&row_xpath(portal, &format!("fix-action-{action}"))),
    )
    .await;
    let xpath = row_xpath(portal, &format!("fix-found-{action}"));
    let el = client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|_| panic!("{portal}: what {action} found never showed"));
    el.text().await.unwrap_or_default()
}

#[test]
fn e2e_trouble_each_failure_ends_in_its_fix_whose_actions_run_and_the_support_zip_has_no_secret() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let (right, wrong) = (bed::test_secret("right"), bed::test_secret("wrong"));
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "outbox"
[[portal]]
name = "cigna"
kind = "cigna"
lockout_after = 5
[[portal.user]]
username = "frontdesk"
password = "{right}"
[[portal.user]]
username = "locked.user"
password = "{right}"
locked = true
[[portal.user]]
username = "sso.user"
password = "{right}"
sso = true
sso_hand_off_fails = true
[[portal.user]]
username = "expired"
password = "{right}"
password_expired = true
[[portal]]
name = "down"
kind = "cigna"
maintenance = true
[[portal.user]]
username = "frontdesk"
password = "{right}"
[[fault]]
name = "refusing"
kind = "refusing"
[[fault]]
name = "expired_tls"
kind = "expired_tls"
"#
    ));
    let profile = bed::profile_dir("e2e-trouble");
    let login = format!("{}/login", sandbox.urls["cigna"]);
    let cigna = |name: &'static str, user: &'static str| {
        vec![
            "--preset".to_owned(),
            "cigna".into(),
            "--login-url".into(),
            login.clone(),
            "--name".into(),
            name.into(),
            "--username".into(),
            user.into(),
        ]
    };
    let add = |args: Vec<String>, password: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        add_portal(&profile, &args, password);
    };
    add(cigna("Cigna wrong", "frontdesk"), &wrong);
    add(cigna("Cigna locked", "locked.user"), &right);
    add(cigna("Cigna SSO", "sso.user"), &right);
    let down = format!("{}/login", sandbox.urls["down"]);
    add(
        vec![
            "--preset".into(),
            "cigna".into(),
            "--login-url".into(),
            down,
            "--name".into(),
            "Cigna down".into(),
            "--username".into(),
            "frontdesk".into(),
        ],
        &right,
    );
    let refusing = format!("{}/login", sandbox.urls["refusing"]);
    add(
        vec![
            "--login-url".into(),
            refusing,
            "--name".into(),
            "Refusing".into(),
            "--username".into(),
            "frontdesk".into(),
            "--second-step".into(),
            "email_code".into(),
        ],
        &right,
    );
    add(cigna("Cigna expired", "expired"), &right);
    let tls = format!("{}/login", sandbox.urls["expired_tls"]);
    add(
        vec![
            "--login-url".into(),
            tls,
            "--name".into(),
            "Expired certificate".into(),
            "--username".into(),
            "frontdesk".into(),
            "--second-step".into(),
            "email_code".into(),
        ],
        &right,
    );
    let zip_path = profile.join("support-request.zip");
    let zip_typed = zip_path.display().to_string();

    session(&profile, |client| async move {
        // The refusing portal takes the sign-in's 30 s page timeout: started first, checked last.
        tab(&client, "home").await;
        click(
            &client,
            Locator::XPath(&row_xpath("Refusing", "signin-button")),
        )
        .await;
        click(
            &client,
            Locator::XPath(&row_xpath("Expired certificate", "signin-button")),
        )
        .await;

        // A refused password: the fix starts with checking the credentials (nothing Keydesk
        // may try itself: no new try of the password), and keeps the portal's own words.
        let shown = sign_in(&client, "Cigna wrong").await;
        assert_eq!(shown.failure, "wrong_credentials", "{}", shown.text);
        let fix = fix_of(
            &client,
            "Cigna wrong",
            "wrong_password",
            Duration::from_secs(15),
        )
        .await;
        assert_eq!(first_action(&client, "Cigna wrong").await, "", "{fix}");
        assert!(fix.contains("will not try the password again"), "{fix}");
        assert!(
            fix.contains("The username or password you entered is incorrect."),
            "the portal's exact alert text: {fix}"
        );
        assert!(
            client
                .find(Locator::XPath(&row_xpath(
                    "Cigna wrong",
                    "fix-action-clean_profile_try"
                )))
                .await
                .is_err(),
            "no try of the password from a refused password's fix"
        );

        // A locked account: call support first; the support line shows from the fix.
        let shown = sign_in(&client, "Cigna locked").await;
        assert_eq!(shown.failure, "locked", "{}", shown.text);
        fix_of(&client, "Cigna locked", "locked", Duration::from_secs(15)).await;
        assert_eq!(first_action(&client, "Cigna locked").await, "show_support");
        let found = run_action(&client, "Cigna locked", "show_support").await;
        assert!(found.contains("800-981-9114"), "{found}");

        // Maintenance: the health check runs from the fix and finds the notice.
        let shown = sign_in(&client, "Cigna down").await;
        assert_eq!(shown.failure, "maintenance", "{}", shown.text);
        fix_of(
            &client,
            "Cigna down",
            "maintenance",
            Duration::from_secs(15),
        )
        .await;
        assert_eq!(first_action(&client, "Cigna down").await, "health_check");
        let found = run_action(&client, "Cigna down", "health_check").await;
        assert!(found.contains("maintenance"), "{found}");
        let dot = client
            .find(Locator::XPath(&row_xpath("Cigna down", "health-dot")))
            .await
            .unwrap()
            .attr("data-state")
            .await
            .unwrap();
        assert_eq!(
            dot.as_deref(),
            Some("maintenance"),
            "the health dot follows"
        );

        // An SSO hand-off that does not complete: forget the cookies first, then a clean try.
        let shown = sign_in(&client, "Cigna SSO").await;
        assert_eq!(shown.failure, "sso", "{}", shown.text);
        fix_of(
            &client,
            "Cigna SSO",
            "sso_hand_off",
            Duration::from_secs(30),
        )
        .await;
        assert_eq!(first_action(&client, "Cigna SSO").await, "forget_cookies");
        let found = run_action(&client, "Cigna SSO", "forget_cookies").await;
        assert!(found.contains("cookies"), "{found}");
        let found = run_action(&client, "Cigna SSO", "clean_profile_try").await;
        assert!(
            found.contains("clean, throwaway profile started"),
            "{found}"
        );

        // An expired password: Keydesk changes it (tests/testsuite/e2e_password.rs), or the
        // desk does on the portal's Forgot password page.
        let shown = sign_in(&client, "Cigna expired").await;
        assert_eq!(shown.failure, "password_expired", "{}", shown.text);
        fix_of(
            &client,
            "Cigna expired",
            "password_expired",
            Duration::from_secs(15),
        )
        .await;
        assert_eq!(
            first_action(&client, "Cigna expired").await,
            "change_password"
        );
        let found = run_action(&client, "Cigna expired", "open_forgot_password").await;
        assert!(
            found.contains("/forgot"),
            "the portal's own link was followed: {found}"
        );

        // The expired certificate: the health check names it.
        let fix = fix_of(
            &client,
            "Expired certificate",
            "tls",
            Duration::from_secs(90),
        )
        .await;
        assert_eq!(
            first_action(&client, "Expired certificate").await,
            "health_check",
            "{fix}"
        );
        let found = run_action(&client, "Expired certificate", "health_check").await;
        assert!(found.contains("expired on 2021-01-01"), "{found}");

        // The refusing portal: the page never came, the health check explains why.
        let fix = fix_of(&client, "Refusing", "network", Duration::from_secs(90)).await;
        assert_eq!(
            first_action(&client, "Refusing").await,
            "health_check",
            "{fix}"
        );
        let found = run_action(&client, "Refusing", "health_check").await;
        assert!(found.contains("refuses connections"), "{found}");

        // The support request from the refused password's fix.
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna wrong", "support-prepare")),
        )
        .await;
        let input = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath(
                "//li[@data-testid='portal-row'][.//*[contains(concat(' ', normalize-space(@class), ' '), ' name ')][normalize-space()='Cigna wrong']]//input[@name='support-path']",
            ))
            .await
            .expect("the support form");
        input.send_keys(&zip_typed).await.unwrap();
        click(
            &client,
            Locator::XPath(&row_xpath("Cigna wrong", "support-write")),
        )
        .await;
        let written = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::XPath(&row_xpath("Cigna wrong", "support-written")))
            .await
            .expect("the request is written")
            .text()
            .await
            .unwrap();
        assert!(
            written.contains("with a picture of the portal window"),
            "{written}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        screenshot(&client, "trouble").await;
    });

    let bytes = std::fs::read(&zip_path).expect("the support zip was written");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains(bed::SECRET_MARKER),
        "no test secret in the zip"
    );
    assert!(!text.contains(&right) && !text.contains(&wrong));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut summary = String::new();
    zip.by_name("summary.txt")
        .unwrap()
        .read_to_string(&mut summary)
        .unwrap();
    assert!(
        summary.contains("the portal said: “The username or password you entered is incorrect.”"),
        "{summary}"
    );
    assert!(summary.contains("Failed sign-ins (1)"), "{summary}");
    assert!(
        summary.contains(&format!("{}T", today())),
        "the attempt's time: {summary}"
    );
    let mut png = Vec::new();
    zip.by_name("screenshot.png")
        .expect("a picture")
        .read_to_end(&mut png)
        .unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 2_000,
        "a real picture, {} bytes",
        png.len()
    );
}

fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    keydesk::calendar::date(secs)
}
