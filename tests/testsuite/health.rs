//! Portal health against the sandbox: a portal in maintenance, one whose certificate expired,
//! one that refuses connections, one behind a proxy that drops it and one whose certificate only
//! the office's own authority vouches for, each checked through
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
fn health_trusts_a_certificate_of_the_offices_own_authority_once_the_system_trusts_it() {
    let profile = bed::profile_dir("health-office-ca");
    let ca_file = profile.join("office-ca.pem");
    let sandbox = start_sandbox(&format!(
        r#"
[mail]
delivery = "outbox"
[[portal]]
name = "open"
kind = "cigna"
[[portal.user]]
username = "frontdesk"
password = "demo-health-pass"
[[fault]]
name = "office"
kind = "office_tls"
ca_file = "{}"
"#,
        ca_file.display()
    ));
    let url = format!("{}/login", sandbox.urls["office"]);
    // The portal checked on a fresh profile (the five-minute limit would keep an earlier
    // result) by a system whose trusted roots are those in `roots`.
    let check = |name: &str, roots: &std::path::Path| {
        let profile = bed::profile_dir(name);
        let args = [
            "portal",
            "add",
            "--name",
            "Behind the firewall",
            "--login-url",
            &url,
        ];
        cli_ok(&profile, &args, None);
        let out = bed::cli_env(
            &profile,
            &["portal", "health", "--json"],
            None,
            &[("SSL_CERT_FILE", roots.as_os_str())],
        );
        assert!(out.status.success(), "{out:?}");
        let lines = health_lines(&String::from_utf8_lossy(&out.stdout));
        state_of(&lines, "Behind the firewall").clone()
    };
    // An authority the system does not trust (nor Mozilla's list): the certificate is named.
    let empty = profile.join("no-roots.pem");
    std::fs::write(&empty, "").unwrap();
    let untrusted = check("health-office-ca-untrusted", &empty);
    assert_eq!(untrusted["state"], "certificate", "{untrusted}");
    assert_eq!(untrusted["checkup"]["tls"]["valid"], false, "{untrusted}");
    // Once the system trusts the office's authority (as an office's IT installs it), so does
    // the check.
    let trusted = check("health-office-ca-trusted", &ca_file);
    assert_eq!(trusted["state"], "ok", "{trusted}");
    assert_eq!(trusted["checkup"]["tls"]["valid"], true, "{trusted}");
    assert!(
        trusted["checkup"]["tls"]["chain"][0]
            .as_str()
            .is_some_and(|s| s.contains("office.sandbox.localhost")),
        "{trusted}"
    );
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
