//! What the sandbox's own tests share: starting it in-process on port 0, a browser-like client
//! with a cookie store, and reading codes out of delivered messages.
#![allow(dead_code)] // each test binary uses a different part

use reqwest::redirect::Policy;
use reqwest::{Client, cookie::Jar};
use sandbox_portal::{Sandbox, config::Config};
use serde_json::Value;
use std::sync::Arc;

/// Test passwords carry the marker the test run searches logs and profiles for.
pub const PASSWORD: &str = "kdS3cr3t-sandbox-pass";
/// An enrolled authenticator seed (base32, with the run's seed marker).
pub const SEED: &str = "KDSECRETAVAILITYSEED2345";

/// The three portals with small limits; `mail` is the `[mail]` table.
pub fn config(mail: &str, recipient: &str) -> String {
    format!(
        r#"
[mail]
{mail}

[[portal]]
name = "cigna"
kind = "cigna"
mail_from = "Cigna for HCP <no-reply@cigna.example>"
code_lifetime_secs = 600
remember_days = 30
lockout_after = 3
[[portal.user]]
username = "frontdesk"
password = "{PASSWORD}"
email = "{recipient}"
[[portal.user]]
username = "sso.user"
password = "{PASSWORD}"
sso = true
[[portal.user]]
username = "expired"
password = "{PASSWORD}"
password_expired = true
[[portal.user]]
username = "locked.user"
password = "{PASSWORD}"
locked = true

[[portal]]
name = "mychart"
kind = "mychart"
mail_from = "MyChart <mychart-noreply@mychart.example>"
sms_from = "+15551234567@sms.example"
code_format = "alnum6"
code_lifetime_secs = 900
remember_days = 90
lockout_after = 3
[[portal.user]]
username = "frontdesk"
password = "{PASSWORD}"
email = "{recipient}"

[[portal]]
name = "availity"
kind = "availity"
remember_days = 7
lockout_after = 3
[[portal.user]]
username = "frontdesk"
password = "{PASSWORD}"
totp_seed = "{SEED}"
backup_codes = ["kdS3cr3t-backup-1", "kdS3cr3t-backup-2"]

[[portal]]
name = "closed"
kind = "cigna"
maintenance = true
"#
    )
}

/// Starts the sandbox with an in-memory outbox.
pub async fn start_outbox() -> Sandbox {
    let cfg = Config::from_toml(&config("delivery = \"outbox\"", "user@localhost")).unwrap();
    sandbox_portal::start(cfg)
        .await
        .expect("the sandbox starts on free ports")
}

/// A browser: follows redirects, keeps cookies. The second client shares the cookies but does
/// not follow redirects, to look at Set-Cookie headers.
pub fn browser() -> (Client, Client) {
    // The workspace builds reqwest with `rustls-no-provider` (for the core's choice of ring), so
    // the process names its TLS provider once; these clients only speak plain HTTP anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let jar = Arc::new(Jar::default());
    let follow = Client::builder()
        .cookie_provider(jar.clone())
        .build()
        .unwrap();
    let raw = Client::builder()
        .cookie_provider(jar)
        .redirect(Policy::none())
        .build()
        .unwrap();
    (follow, raw)
}

/// Posts a form and returns the final URL path and page.
pub async fn post(c: &Client, url: &str, form: &[(&str, &str)]) -> (String, String) {
    let r = c
        .post(url)
        .form(form)
        .send()
        .await
        .expect("the portal answers");
    let path = r.url().path().to_string();
    (path, r.text().await.unwrap())
}

/// Gets a page; returns the final path and page.
pub async fn get(c: &Client, url: &str) -> (String, String) {
    let r = c.get(url).send().await.expect("the portal answers");
    let path = r.url().path().to_string();
    (path, r.text().await.unwrap())
}

/// Signs in with a password; returns where it landed.
pub async fn password(c: &Client, base: &str, user: &str, pw: &str) -> (String, String) {
    post(
        c,
        &format!("{base}/login"),
        &[("username", user), ("password", pw)],
    )
    .await
}

/// Every attempt the portal recorded.
pub async fn attempts(base: &str) -> Vec<Value> {
    let r = reqwest::get(format!("{base}/__sandbox/attempts"))
        .await
        .unwrap();
    r.json::<Vec<Value>>().await.unwrap()
}

/// Every message in the portal's outbox (raw RFC 5322 text).
pub async fn outbox(base: &str) -> Vec<String> {
    let r = reqwest::get(format!("{base}/__sandbox/outbox"))
        .await
        .unwrap();
    let list = r.json::<Vec<Value>>().await.unwrap();
    list.iter()
        .map(|m| m["raw"].as_str().unwrap().to_string())
        .collect()
}

/// Advances the sandbox clock.
pub async fn advance(base: &str, secs: u64) {
    let r = Client::new()
        .post(format!("{base}/__sandbox/advance?secs={secs}"))
        .send()
        .await;
    assert!(r.unwrap().status().is_success(), "the clock advances");
}

/// Decodes quoted-printable (soft breaks and =XX), leaving everything else.
pub fn unqp(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "");
    let b = joined.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(v) if b[i] == b'=' => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The code in a delivered message (after "code is" / "verificación es").
pub fn code_in(raw: &str) -> String {
    let text = unqp(raw);
    let at = ["code is", "verificación es"]
        .iter()
        .find_map(|m| text.find(m).map(|i| i + m.len()))
        .unwrap_or_else(|| panic!("no code sentence in the message:\n{text}"));
    let code: String = text[at..]
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace())
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(
        code.len(),
        6,
        "a 6-character code follows the sentence: {code:?}"
    );
    code
}

/// The header's value in a raw message.
pub fn header<'a>(raw: &'a str, name: &str) -> &'a str {
    raw.split("\r\n")
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} header in:\n{raw}"))
}
