//! End to end: the real app, built with its UI embedded, launched under Xvfb by tauri-driver
//! (WebKitWebDriver), against the bed's keychain and Dovecot.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::bed;

/// tauri-driver drives one app at a time.
pub(crate) static ONE_SESSION: Mutex<()> = Mutex::new(());

/// Where screenshots go; tests/run prints the paths at the end.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn launch(profile: &Path) -> Client {
    launch_app(&bed::var("KEYDESK_APP_BIN"), profile).await
}

/// Starts `app` (the app binary, or a script that runs it in another environment).
pub(crate) async fn launch_app(app: &str, profile: &Path) -> Client {
    assert!(
        Path::new(&app).exists(),
        "the app binary {app} is missing: tests/run builds it"
    );
    wait_until_no_app_runs_on(profile).await;
    // fantoccini's HTTP stack and ours both link rustls; name the provider once.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": app, "args": ["--data-dir", profile] }),
    );
    let mut builder = ClientBuilder::rustls().expect("rustls WebDriver client");
    builder.capabilities(caps);
    let url = bed::var("KEYDESK_TEST_WEBDRIVER_URL");
    let connect = builder.connect(&url);
    // An app that exits at once leaves the WebDriver waiting for good: fail instead.
    tokio::time::timeout(Duration::from_secs(90), connect)
        .await
        .expect("the app's window did not come up within 90 s: see tauri-driver.log in the bed")
        .expect("tauri-driver must start the app")
}

/// Waits (up to 15 s) until no process runs the app on `profile`: a session that just closed
/// may leave its app still winding down, and a launch on the same profile then hands over to it
/// (one instance per profile) as it leaves, and never opens.
async fn wait_until_no_app_runs_on(profile: &Path) {
    let needle = profile.as_os_str().as_encoded_bytes().to_vec();
    let running = || {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                std::fs::read(entry.path().join("cmdline")).is_ok_and(|cmdline| {
                    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                    args.windows(2)
                        .any(|pair| pair[0] == b"--data-dir" && pair[1] == needle.as_slice())
                })
            })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while running() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits for an element's text to contain `needle`, returning the text.
pub(crate) async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..150 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {needle:?}; last text: {last:?}");
}

/// Clicks an element once it is there (a view drawing takes a frame or two).
pub(crate) async fn find_click(client: &Client, css: &str) {
    for _ in 0..150 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            element
                .click()
                .await
                .unwrap_or_else(|e| panic!("click {css}: {e}"));
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared");
}

pub(crate) async fn screenshot(client: &Client, name: &str) -> PathBuf {
    // A screenshot taken right after an assertion can be one frame stale.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let png = client.screenshot().await.expect("screenshot");
    let path = artifacts().join(name);
    std::fs::write(&path, png).unwrap();
    println!("screenshot: {}", path.display());
    path
}

/// Runs `body` against the app on `profile`, and always ends the WebDriver session (tauri-driver
/// drives one app at a time: a session left open fails every later test). On a failure the
/// window is saved as `failed-NAME.png` and its text printed before the panic goes on.
pub(crate) async fn with_app<F>(profile: &Path, name: &str, body: impl FnOnce(Client) -> F)
where
    F: std::future::Future<Output = ()>,
{
    use futures::FutureExt;
    let client = launch(profile).await;
    let outcome = std::panic::AssertUnwindSafe(body(client.clone()))
        .catch_unwind()
        .await;
    if outcome.is_err() {
        if let Ok(png) = client.screenshot().await {
            let path = artifacts().join(format!("failed-{name}.png"));
            let _ = std::fs::write(&path, png);
            println!("screenshot of the failure: {}", path.display());
        }
        if let Ok(body) = client.find(Locator::Css("body")).await {
            println!("window text: {}", body.text().await.unwrap_or_default());
        }
    }
    let _ = client.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub(crate) fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn e2e_main_window_shows_keychain_available_and_mailbox_connected() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("e2e-status");
    bed::set_mailbox(&profile, &user, &user.password, &[]);

    run(with_app(&profile, "main-window", |client| async move {
        // Keydesk opens on the home; Status is one click away.
        find_click(&client, "[data-testid=tab-status]").await;
        let keychain = wait_for_text(&client, "[data-testid=status-keychain]", "Available").await;
        assert!(
            keychain.contains("Secret Service"),
            "backend named: {keychain}"
        );
        let mailbox = wait_for_text(&client, "[data-testid=status-mailbox]", "Connected").await;
        assert!(mailbox.contains(&user.name), "account shown: {mailbox}");
        assert!(mailbox.contains("INBOX, Junk"), "folders shown: {mailbox}");
        screenshot(&client, "main-window.png").await;
    }));
}

#[test]
fn e2e_main_window_explains_a_mailbox_sign_in_failure() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("e2e-wrong-password");
    let wrong = bed::test_secret("wrong");
    bed::set_mailbox(&profile, &user, &wrong, &[]);

    run(with_app(
        &profile,
        "mailbox-sign-in-failure",
        |client| async move {
            find_click(&client, "[data-testid=tab-status]").await;
            let mailbox = wait_for_text(&client, "[data-testid=status-mailbox]", "Error").await;
            assert!(
                mailbox.contains("mailbox sign-in failed"),
                "plain words: {mailbox}"
            );
            let page = client.source().await.unwrap();
            assert!(
                !page.contains(&wrong),
                "the password must never reach the page"
            );
            screenshot(&client, "mailbox-sign-in-failed.png").await;
        },
    ));
}

/// A realistic code e-mail from the portal's sender, with a footer full of numbers that are
/// not the code.
pub(crate) fn code_mail(from: &str, code: &str) -> Vec<u8> {
    let stamp = bed::verified_stamp(from);
    format!(
        "{stamp}From: Cigna for HCP <{from}>\r\nTo: frontdesk@localhost\r\nSubject: Your Cigna verification code\r\n\
         Message-ID: <{}@cigna.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Your verification code is {code}. It expires in 10 minutes.\r\n\r\n\
         Questions? Call 800.981.9114, Mon-Fri. Cigna, 900 Cottage Grove Rd, Bloomfield, CT 06002.\r\n",
        rand::random::<u64>()
    )
    .into_bytes()
}

#[test]
fn e2e_codes_view_shows_mailed_codes_with_their_portal_and_countdown() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("e2e-codes");
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--name",
            "Cigna",
            "--login-url",
            "https://cignaforhcp.cigna.com/app/login",
            "--username",
            "frontdesk",
            "--second-step",
            "email_code",
            "--sender",
            "no-reply@cigna.example",
        ],
        None,
    );
    // One code before the app starts (the first sync finds it), one while it runs (IDLE).
    bed::deliver(&user, &code_mail("no-reply@cigna.example", "482913"));

    run(with_app(&profile, "codes", |client| async move {
        find_click(&client, "[data-testid=tab-home]").await;
        let first = wait_for_text(&client, "[data-testid=pending-code]", "482 913").await;
        assert!(first.contains("Cigna"), "matched to its portal: {first}");
        assert!(first.contains("left"), "a countdown is shown: {first}");
        bed::deliver(&user, &code_mail("no-reply@cigna.example", "705216"));
        let list = wait_for_text(&client, ".codes", "705 216").await;
        assert!(
            list.find("705 216") < list.find("482 913"),
            "newest first: {list}"
        );
        assert!(
            list.contains("Replaced by a newer code"),
            "the older code is superseded: {list}"
        );
        screenshot(&client, "codes.png").await;
    }));
}

#[test]
fn e2e_portals_and_authenticator_views_show_what_the_core_holds() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-portals");
    let password = bed::test_secret("portal");
    bed::availity_with_authenticator(
        &profile,
        "frontdesk-e2e",
        &password,
        "KDSECRETJBSWY3DPEHPK3PXP",
    );

    let cli_profile = profile.clone();
    run(with_app(&profile, "portals", |client| async move {
        find_click(&client, "[data-testid=tab-home]").await;
        let row = wait_for_text(&client, "[data-testid=portal-row]", "frontdesk-e2e").await;
        assert!(row.contains("Availity"), "{row}");
        assert!(
            !row.contains(&password),
            "the password is not shown unless asked: {row}"
        );
        screenshot(&client, "portals.png").await;

        find_click(&client, "[data-testid=tab-authenticator]").await;
        let shown = wait_for_text(&client, "[data-testid=otp-entry]", "Availity").await;
        // The window's code must be the one the core computes for this moment (or the next
        // period's, if the period turned between the two readings).
        let cli = bed::cli(&cli_profile, &["otp", "code", "Availity"], None);
        let code = String::from_utf8_lossy(&cli.stdout).trim().to_owned();
        assert_eq!(code.len(), 6, "otp code printed {code:?}");
        let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
        assert!(
            digits.contains(&code),
            "window shows {shown:?}, core says {code}"
        );
        screenshot(&client, "authenticator.png").await;
    }));
}
