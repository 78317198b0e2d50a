//! Portal health against the sandbox: a portal in maintenance, one whose certificate expired,
//! one that refuses connections and one behind a proxy that drops it, each checked through
//! `keydesk-cli portal health --json` (one JSON line per portal); and the support request
//! written after failed sign-ins holds no secret.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::bed::{self, cli_ok};
use crate::signin_support::start_sandbox;

fn health_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn state_of<'a>(lines: &'a [Value], portal: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["portal"] == portal)
        .unwrap_or_else(|| panic!("no line for {portal} in {lines:?}"))
}

#[test]
fn health_tells_maintenance_an_expired_certificate_and_a_refusing_portal_apart() {
    let sandbox = start_sandbox(
        r#"
[mail]
delivery = "outbox"
[[portal]]
name = "cigna"
kind = "cigna"
maintenance = true
[[portal.user]]
username = "frontdesk"
password = "demo-health-pass"
[[portal]]
name = "open"
kind = "cigna"
[[portal.user]]
username = "frontdesk"
password = "demo-health-pass"
[[fault]]
name = "expired"
kind = "expired_tls"
[[fault]]
name = "refusing"
kind = "refusing"
"#,
    );
    let profile = bed::profile_dir("health");
    for (name, url) in [
        (
            "Down for maintenance",
            format!("{}/login", sandbox.urls["cigna"]),
        ),
        (
            "Expired certificate",
            format!("{}/login", sandbox.urls["expired"]),
        ),
        ("Refusing", format!("{}/login", sandbox.urls["refusing"])),
        ("Working", format!("{}/login", sandbox.urls["open"])),
    ] {
        cli_ok(
            &profile,
            &["portal", "add", "--name", name, "--login-url", &url],
            None,
        );
    }
    let out = cli_ok(&profile, &["portal", "health", "--json"], None);
    let lines = health_lines(&out);
    assert_eq!(lines.len(), 4, "one line per portal: {out}");
    for line in &lines {
        assert!(
            line["checked_at"]
                .as_i64()
                .is_some_and(|t| t > 1_700_000_000),
            "{line}"
        );
    }
    let maintenance = state_of(&lines, "Down for maintenance");
    assert_eq!(maintenance["state"], "maintenance", "{maintenance}");
    assert!(
        maintenance["checkup"]["maintenance_notice"]
            .as_str()
            .is_some_and(|n| n.contains("scheduled maintenance")),
        "the page's own notice is kept: {maintenance}"
    );
    let expired = state_of(&lines, "Expired certificate");
    assert_eq!(expired["state"], "certificate", "{expired}");
    assert!(
        expired["words"]
            .as_str()
            .unwrap()
            .contains("expired on 2021-01-01"),
        "{expired}"
    );
    assert!(
        expired["checkup"]["tls"]["days_left"].as_i64().unwrap() < -365,
        "{expired}"
    );
    let refusing = state_of(&lines, "Refusing");
    assert_eq!(refusing["state"], "unreachable", "{refusing}");
    assert!(
        refusing["words"]
            .as_str()
            .unwrap()
            .contains("refuses connections"),
        "{refusing}"
    );
    let working = state_of(&lines, "Working");
    assert_eq!(working["state"], "ok", "{working}");
    assert_eq!(working["checkup"]["http_status"], 200, "{working}");

    // Asked again at once: the checks of less than five minutes ago stand, nothing is asked.
    let again = health_lines(&cli_ok(
        &profile,
        &["portal", "health", "Working", "--json"],
        None,
    ));
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["reused"], true, "{:?}", again[0]);
    assert_eq!(again[0]["checked_at"], working["checked_at"]);
}

#[test]
fn health_through_a_proxy_that_drops_the_connection_is_unreachable_and_names_the_proxy() {
    let sandbox = start_sandbox(
        r#"
[mail]
delivery = "outbox"
[[portal]]
name = "cigna"
kind = "cigna"
[[portal.user]]
username = "frontdesk"
password = "demo-health-pass"
[[fault]]
name = "proxy"
kind = "dropping_proxy"
"#,
    );
    let profile = bed::profile_dir("health-proxy");
    cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--name",
            "Behind the proxy",
            "--login-url",
            "https://portal.example.com/login",
        ],
        None,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(&profile)
        .args(["portal", "health", "--json"])
        .env("HTTPS_PROXY", &sandbox.urls["proxy"])
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdin(Stdio::null())
        .output()
        .expect("run keydesk-cli");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = health_lines(&String::from_utf8_lossy(&out.stdout));
    let line = state_of(&lines, "Behind the proxy");
    assert_eq!(line["state"], "unreachable", "{line}");
    assert_eq!(
        line["checkup"]["proxy"],
        sandbox.urls["proxy"].as_str(),
        "{line}"
    );
    assert!(line["words"].as_str().unwrap().contains("proxy"), "{line}");
}
