//! What the sign-in end-to-end tests share: a sandbox portal process per test, the profile set
//! up through `keydesk-cli`, and clicking and reading the main window (the only window
//! WebDriver sees).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::bed::{self, MailUser};
use crate::e2e::{launch, run};

/// A sandbox portal process, stopped when dropped.
pub(crate) struct Sandbox {
    child: Child,
    pub(crate) urls: BTreeMap<String, String>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_sandbox(config: &str) -> Sandbox {
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
pub(crate) async fn attempts(base: &str) -> Vec<Value> {
    let text = reqwest::get(format!("{base}/__sandbox/attempts"))
        .await
        .expect("the sandbox answers")
        .text()
        .await
        .unwrap();
    serde_json::from_str(&text).expect("attempts are JSON")
}

/// The outcomes of one user's attempts, in order.
pub(crate) async fn outcomes_of(base: &str, user: &str) -> Vec<String> {
    attempts(base)
        .await
        .iter()
        .filter(|a| a["user"] == user)
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect()
}

pub(crate) fn cli_ok(profile: &Path, args: &[&str], stdin: Option<&str>) {
    bed::cli_ok(profile, args, stdin);
}

/// The bed's mailbox for `user`, watching INBOX, with the sandbox's SMS gateway as a forwarder.
pub(crate) fn set_mailbox(profile: &Path, user: &MailUser) {
    bed::set_mailbox(
        profile,
        user,
        &user.password,
        &[
            "--folder",
            "INBOX",
            "--sms-forwarder",
            "+15551234567@sms.example",
        ],
    );
}

/// The bed's mailbox for `user` as [`set_mailbox`] sets it, but as on a mail server that
/// checks no sender: no authserv-id, so no message is verified.
pub(crate) fn set_unchecked_mailbox(profile: &Path, user: &MailUser) {
    bed::set_unchecked_mailbox(profile, user, &user.password, &["--folder", "INBOX"]);
}

/// Adds a portal with its password (read from standard input).
pub(crate) fn add_portal(profile: &Path, args: &[&str], password: &str) {
    let mut all = vec!["portal", "add", "--password-stdin"];
    all.extend_from_slice(args);
    cli_ok(profile, &all, Some(&format!("{password}\n")));
}

pub(crate) async fn click(client: &Client, locator: Locator<'_>) {
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

pub(crate) async fn tab(client: &Client, name: &str) {
    click(client, Locator::Css(&format!("[data-testid=tab-{name}]"))).await;
}

pub(crate) fn row_xpath(portal: &str, inner: &str) -> String {
    format!(
        "//li[@data-testid='portal-row'][.//*[contains(concat(' ', normalize-space(@class), ' '), ' name ')][normalize-space()='{portal}']]//*[@data-testid='{inner}']"
    )
}

/// Waits until the element `inner` of the portal's row shows `needle`, and returns its text.
pub(crate) async fn row_text(client: &Client, portal: &str, inner: &str, needle: &str) -> String {
    let xpath = row_xpath(portal, inner);
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(element) = client.find(Locator::XPath(&xpath)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(needle) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{portal}'s {inner} never showed {needle:?}; last text: {last:?}");
}

/// What the main window shows of one portal's sign-in once it has ended.
pub(crate) struct Shown {
    pub(crate) state: String,
    pub(crate) failure: String,
    pub(crate) text: String,
    pub(crate) total_ms: Option<f64>,
    pub(crate) waiting_ms: Option<f64>,
    pub(crate) seen_after: Duration,
}

/// Clicks the portal row's "Sign in" and waits until the window shows the sign-in ended.
pub(crate) async fn sign_in(client: &Client, portal: &str) -> Shown {
    let clicked_ms = click_sign_in(client, portal).await;
    wait_for_end(client, portal, clicked_ms).await
}

/// Clicks the portal row's "Sign in"; the time of the click, for [`wait_for_end`].
pub(crate) async fn click_sign_in(client: &Client, portal: &str) -> f64 {
    tab(client, "home").await;
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&row_xpath(portal, "signin-button")))
        .await
        .expect("the portal's row appears");
    let clicked_ms = unix_ms();
    click(client, Locator::XPath(&row_xpath(portal, "signin-button"))).await;
    clicked_ms
}

fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64
}

/// Starts two sign-ins to the portal at once, as two quick clicks reaching the app would,
/// calling the app's command straight from the main window (its button is already off while
/// the first call is on its way). Returns each call's outcome ("ok" or the error's code) and
/// what the window shows once the sign-in ended.
pub(crate) async fn start_twice_at_once(client: &Client, portal: &str) -> (Vec<String>, Shown) {
    tab(client, "home").await;
    let id = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&format!(
            "//li[@data-testid='portal-row'][.//*[contains(concat(' ', normalize-space(@class), ' '), ' name ')][normalize-space()='{portal}']]"
        )))
        .await
        .expect("the portal's row appears")
        .attr("data-portal-id")
        .await
        .unwrap()
        .expect("a portal row names its portal's id");
    let started_ms = unix_ms();
    let outcomes = client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const start = () => window.__TAURI_INTERNALS__ \
               .invoke('signin_start', { portalId: Number(arguments[0]), confirm: false }) \
               .then(() => 'ok', (e) => (e && e.code) || String(e)); \
             Promise.all([start(), start()]).then(done);",
            vec![Value::String(id)],
        )
        .await
        .expect("the two starts answer");
    let outcomes = outcomes
        .as_array()
        .expect("two outcomes")
        .iter()
        .map(|o| o.as_str().unwrap_or_default().to_owned())
        .collect();
    (outcomes, wait_for_end(client, portal, started_ms).await)
}

/// Waits until the window shows that a sign-in to the portal started at or after `clicked_ms`
/// (UNIX ms) has ended.
/// Waits until the window shows that the sign-in started after `clicked_ms` ended.
pub(crate) async fn wait_for_end(client: &Client, portal: &str, clicked_ms: f64) -> Shown {
    // A view from this portal's previous sign-in stays on screen until the new one starts; the
    // new one started after the click (the app and the test share the machine's clock).
    let state_xpath = row_xpath(portal, "signin-state");
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
pub(crate) fn session<F, Fut>(profile: &Path, test: F)
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
pub(crate) fn print_timing(label: &str, shown: &Shown, mailed: bool) {
    let secs = |ms: Option<f64>| ms.map_or("n/a".to_owned(), |m| format!("{:.2} s", m / 1000.0));
    // The wait for a usable code: the mail's, or an authenticator's next period when the
    // current code was too near its end.
    let waiting = match (mailed, shown.waiting_ms) {
        (true, ms) => format!("waiting for mail {}", secs(ms)),
        (false, None) => "no wait for the code".to_owned(),
        (false, ms) => format!("waiting for the next authenticator period {}", secs(ms)),
    };
    println!(
        "signin timing ({label}): total {:.2} s from the click to signed in shown (app: {}), \
         {waiting}",
        shown.seen_after.as_secs_f64(),
        secs(shown.total_ms),
    );
}

pub(crate) fn steps(list: &[Value]) -> Vec<String> {
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
