//! End to end: one-click sign-in against the sandbox portal, with the real app under Xvfb, the
//! bed's Dovecot and keychain. WebDriver sees only the main window (a portal window has its own
//! browser profile), so each test clicks there and checks two things: what the main window shows,
//! and what the sandbox portal recorded (`/__sandbox/attempts`).
//!
//! Each test starts its own sandbox process on free ports. Its config holds the test password,
//! so it lives under `$KEYDESK_BED_DIR/sandbox/`, outside the profiles and logs that tests/run
//! searches for leaked secrets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use keydesk::mailbox::Security;
use serde_json::Value;

use crate::bed::{self, MailUser};
use crate::e2e::{ONE_SESSION, launch, run, screenshot};

/// A sandbox portal process, stopped when dropped.
struct Sandbox {
    child: Child,
    urls: BTreeMap<String, String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sandbox(config: &str) -> Sandbox {
    let bin = Path::new(&bed::var("KEYDESK_APP_BIN")).with_file_name("sandbox-portal");
    assert!(
        bin.exists(),
        "{} is missing: tests/run builds it",
        bin.display()
    );
    let dir = PathBuf::from(bed::var("KEYDESK_BED_DIR"))
        .join("sandbox")
        .join(format!("{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    let ready = dir.join("ready.json");
    let log = std::fs::File::create(dir.join("sandbox.log")).unwrap();
    let child = Command::new(&bin)
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("start the sandbox portal");
    let mut sandbox = Sandbox {
        child,
        urls: BTreeMap::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(&ready) {
            sandbox.urls = serde_json::from_str(&text).expect("the ready file is a JSON map");
            return sandbox;
        }
        if let Ok(Some(status)) = sandbox.child.try_wait() {
            panic!(
                "the sandbox portal exited with {status}; see {}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "the sandbox portal did not get ready; see {}",
        dir.display()
    );
}

/// Every attempt a sandbox portal recorded.
async fn attempts(base: &str) -> Vec<Value> {
    let text = reqwest::get(format!("{base}/__sandbox/attempts"))
        .await
        .expect("the sandbox answers")
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).expect("attempts are JSON")
}

/// The outcomes of one user's attempts, in order.
async fn outcomes_of(base: &str, user: &str) -> Vec<String> {
    attempts(base)
        .await
        .iter()
        .filter(|a| a["user"] == user)
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect()
}

fn cli_ok(profile: &Path, args: &[&str], stdin: Option<&str>) {
    let out = bed::cli(profile, args, stdin);
    assert!(
        out.status.success(),
        "keydesk-cli {}: {}",
        args[0],
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The bed's mailbox for `user`, watching INBOX, with the sandbox's SMS gateway as a forwarder.
fn set_mailbox(profile: &Path, user: &MailUser) {
    let settings = bed::mailbox_settings(user, Security::Tls);
    let (port, ca) = (
        settings.port.to_string(),
        settings.trusted_certificate.clone().unwrap(),
    );
    cli_ok(
        profile,
        &[
            "mailbox",
            "set",
            "--host",
            &settings.host,
            "--port",
            &port,
            "--user",
            &user.name,
            "--trust-certificate",
            ca.to_str().unwrap(),
            "--folder",
            "INBOX",
            "--sms-forwarder",
            "+15551234567@sms.example",
        ],
        Some(&format!("{}\n", user.password)),
    );
}

/// Adds a portal with its password (read from standard input).
fn add_portal(profile: &Path, args: &[&str], password: &str) {
    let mut all = vec!["portal", "add", "--password-stdin"];
    all.extend_from_slice(args);
    cli_ok(profile, &all, Some(&format!("{password}\n")));
}

async fn click(client: &Client, locator: Locator<'_>) {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(locator)
        .await
        .expect("the element appears")
        .click()
        .await
        .expect("click");
}

async fn tab(client: &Client, name: &str) {
    click(client, Locator::Css(&format!("[data-testid=tab-{name}]"))).await;
}

fn row_xpath(portal: &str, inner: &str) -> String {
    format!(
        "//tr[@data-testid='portal-row'][td[1][normalize-space()='{portal}']]//*[@data-testid='{inner}']"
    )
}

/// What the main window shows of one portal's sign-in once it has ended.
struct Shown {
    state: String,
    failure: String,
    text: String,
    total_ms: Option<f64>,
    waiting_ms: Option<f64>,
    seen_after: Duration,
}

/// Clicks the portal row's "Sign in" and waits until the window shows the sign-in ended.
async fn sign_in(client: &Client, portal: &str) -> Shown {
    tab(client, "portals").await;
    let state_xpath = row_xpath(portal, "signin-state");
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&row_xpath(portal, "signin-button")))
        .await
        .expect("the portal's row appears");
    // A view from this portal's previous sign-in stays on screen until the new one starts; the
    // new one started after the click (the app and the test share the machine's clock).
    let clicked_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64;
    click(client, Locator::XPath(&row_xpath(portal, "signin-button"))).await;
    let clicked = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut last = String::new();
    // One script reads the whole state element at once, so its parts come from one render.
    let read = "const el = document.evaluate(arguments[0], document, null, \
                XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; \
                return el && { state: el.dataset.state, failure: el.dataset.failure, \
                started: el.dataset.startedMs, total: el.dataset.totalMs, \
                waiting: el.dataset.waitingMs, text: el.innerText };";
    while Instant::now() < deadline {
        let shown = client
            .execute(read, vec![Value::String(state_xpath.clone())])
            .await
            .unwrap_or(Value::Null);
        if !shown.is_null() {
            let field = |name: &str| shown[name].as_str().unwrap_or_default().to_owned();
            last = field("text");
            let started: f64 = field("started").parse().unwrap_or(0.0);
            let state = field("state");
            if started >= clicked_ms && (state == "signed_in" || state == "failed") {
                return Shown {
                    seen_after: clicked.elapsed(),
                    failure: field("failure"),
                    total_ms: field("total").parse().ok(),
                    waiting_ms: field("waiting").parse().ok(),
                    state,
                    text: last,
                };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the sign-in to {portal} never ended; the window last showed {last:?}");
}

/// Runs `test` against the app on `profile`, and ends the WebDriver session whatever happens,
/// so that a failed test does not keep tauri-driver's one session from the next test.
fn session<F, Fut>(profile: &Path, test: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use futures::FutureExt;
    run(async {
        let client = launch(profile).await;
        let outcome = std::panic::AssertUnwindSafe(test(client.clone()))
            .catch_unwind()
            .await;
        let _ = client.close().await;
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}

/// Prints the figures of a sign-in (not asserted): from the click to "signed in" on screen, the
/// app's own total, and — for a mailed code — the part from asking for the code to the code
/// being in the inbox.
fn print_timing(label: &str, shown: &Shown, mailed: bool) {
    let secs = |ms: Option<f64>| ms.map_or("n/a".to_owned(), |m| format!("{:.2} s", m / 1000.0));
    let waiting = if mailed {
        secs(shown.waiting_ms)
    } else {
        "none (no mail)".to_owned()
    };
    println!(
        "signin timing ({label}): total {:.2} s from the click to signed in shown (app: {}), \
         waiting for mail {waiting}",
        shown.seen_after.as_secs_f64(),
        secs(shown.total_ms),
    );
}

fn steps(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["step"].as_str().unwrap(),
                a["outcome"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn e2e_signin_cigna_fills_the_mailed_code_remembers_the_desk_and_forgets_it() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let password = bed::test_secret("cigna");
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "lmtp"
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
        user.name
    ));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-signin-cigna");
    set_mailbox(&profile, &user);
    add_portal(
        &profile,
        &[
            "--preset",
            "cigna",
            "--name",
            "Cigna",
            "--login-url",
            &format!("{base}/login"),
            "--username",
            "frontdesk",
            "--sender",
            "no-reply@cigna.example",
            "--remember-device-days",
            "14",
        ],
        &password,
    );

    session(&profile, |client| async move {
        // The inbox must be watching before the code is mailed; Status shows it connected.
        crate::e2e::wait_for_text(&client, "[data-testid=status-mailbox]", "Connected").await;

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
        tab(&client, "portals").await;
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
fn e2e_signin_mychart_by_text_message_and_availity_by_authenticator() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let (mychart_pw, availity_pw) = (bed::test_secret("mychart"), bed::test_secret("availity"));
    let seed = "KDSECRETJBSWY3DPEHPK3PXP";
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "lmtp"
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
"#,
        user.name
    ));
    let (mychart, availity) = (
        sandbox.urls["mychart"].clone(),
        sandbox.urls["availity"].clone(),
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
    let uri = format!("otpauth://totp/Availity:frontdesk?secret={seed}&issuer=Availity");
    cli_ok(&profile, &["otp", "add", &uri], None);
    cli_ok(
        &profile,
        &["otp", "link", "Availity", "--portal", "Availity"],
        None,
    );

    session(&profile, |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=status-mailbox]", "Connected").await;

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

        tab(&client, "portals").await;
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
fn e2e_signin_stops_after_a_wrong_password_or_a_locked_account_and_does_not_retry() {
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
    let common = ["--preset", "cigna", "--login-url", &login];
    let mut args = common.to_vec();
    args.extend(["--name", "Cigna", "--username", "frontdesk"]);
    add_portal(&profile, &args, &wrong);
    let mut args = common.to_vec();
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
        let refused = sign_in(&client, "Cigna").await;
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
}
