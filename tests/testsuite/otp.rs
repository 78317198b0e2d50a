//! The authenticator end to end: the real `keydesk-cli` binary, a real Secret Service keychain
//! (the test bed's), the committed fixtures in `tests/fixtures/otp/`, and a local HTTP server for
//! the clock check. These tests fail, never skip, when the keychain is missing.
//!
//! Every seed in the fixtures starts with `KDSECRET` (base32 cannot hold `kdS3cr3t-`), every
//! password with `kdS3cr3t-`: the bed's leak search looks for both.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_keydesk-cli");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/otp")
        .join(name)
}

/// A fresh profile folder under `$KEYDESK_BED_DIR/profiles/`; panics (fails) without the bed.
fn fresh_profile(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no DBUS_SESSION_BUS_ADDRESS: run through tests/run so the Secret Service keychain is there"
    );
    let bed = std::env::var_os("KEYDESK_BED_DIR")
        .expect("KEYDESK_BED_DIR must be set (run through tests/run)");
    let dir = Path::new(&bed).join("profiles").join(format!(
        "otp-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cli(profile: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(CLI)
        .arg("--data-dir")
        .arg(profile)
        .args(["otp"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Runs and expects success; returns stdout.
fn ok(profile: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = cli(profile, args, stdin);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "otp {args:?} failed: {stderr}\n{stdout}"
    );
    stdout.into_owned()
}

/// Runs and expects failure; returns stderr.
fn fails(profile: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = cli(profile, args, stdin);
    assert!(!out.status.success(), "otp {args:?} should have failed");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn import(profile: &Path, file: &str) -> Value {
    let path = fixture(file);
    serde_json::from_str(&ok(
        profile,
        &["add", "--import", path.to_str().unwrap(), "--json"],
        None,
    ))
    .unwrap()
}

fn labels(report: &Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v["label"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// The list without ids (ids are random per profile).
fn listing(profile: &Path) -> Vec<Value> {
    let mut list: Vec<Value> =
        serde_json::from_str(&ok(profile, &["list", "--json"], None)).unwrap();
    for entry in &mut list {
        entry.as_object_mut().unwrap().remove("id");
    }
    list
}

fn code(profile: &Path, label: &str, at: u64) -> String {
    ok(profile, &["code", label, "--at", &at.to_string()], None)
        .trim()
        .to_owned()
}

#[test]
fn every_import_format_names_what_it_took_and_skipped() {
    let cases: [(&str, &[&str], &[&str]); 6] = [
        (
            "aegis-plain.json",
            &[
                "Availity (frontdesk@clinic.example)",
                "Epic MyChart (billing@clinic.example)",
                "Delta Dental (frontdesk)",
                "Clearinghouse (desk-token)",
            ],
            &["Steam (games)"],
        ),
        (
            "2fas-backup.2fas",
            &[
                "UnitedHealthcare (frontdesk@clinic.example)",
                "Humana (pharmacy@clinic.example)",
                "Clearinghouse (desk-token)",
            ],
            &["Steam (games)"],
        ),
        (
            "ente-auth-export.txt",
            &[
                "Availity (frontdesk@clinic.example)",
                "Cigna for HCP (office@clinic.example)",
                "Clearinghouse (desk-token)",
            ],
            &[],
        ),
        (
            "bitwarden-export.json",
            &[
                "Availity (frontdesk@clinic.example)",
                "UnitedHealthcare One Healthcare ID (frontdesk@clinic.example)",
            ],
            &["Steam (games)", "Office Wi-Fi (guest)"],
        ),
        (
            "bitwarden-export.csv",
            &[
                "Delta Dental (frontdesk)",
                "Humana, pharmacy (pharmacy@clinic.example)",
            ],
            &["Office Wi-Fi (guest)"],
        ),
        (
            "google-migration.txt",
            &[
                "Availity (frontdesk@clinic.example)",
                "Epic MyChart (billing@clinic.example)",
                "Clearinghouse (desk-token)",
            ],
            &["Old VPN (legacy)"],
        ),
    ];
    for (file, taken, skipped) in cases {
        let profile = fresh_profile("import");
        let report = import(&profile, file);
        assert_eq!(labels(&report, "taken"), taken, "{file}: what was taken");
        assert_eq!(
            labels(&report, "skipped"),
            skipped,
            "{file}: what was skipped"
        );
        assert_eq!(
            listing(&profile).len(),
            taken.len(),
            "{file}: every taken entry is listed"
        );
        // Importing the same file again adds nothing and says why.
        let again = import(&profile, file);
        assert!(
            labels(&again, "taken").is_empty(),
            "{file}: a second import must not duplicate"
        );
    }
}

#[test]
fn parameters_survive_import_and_codes_come_from_the_keychain() {
    let profile = fresh_profile("params");
    import(&profile, "aegis-plain.json");
    let list = listing(&profile);
    let mychart = list.iter().find(|e| e["issuer"] == "Epic MyChart").unwrap();
    assert_eq!(mychart["algorithm"], "SHA256");
    assert_eq!(mychart["digits"], 8);
    assert_eq!(
        mychart["kind"],
        serde_json::json!({"type": "totp", "period": 60})
    );
    // 1_800_000_000 is a multiple of 60: a 60 s step starts there.
    let step_start = 1_800_000_000;
    let code_now = code(&profile, "Epic MyChart", step_start);
    assert_eq!(code_now.len(), 8);
    assert_eq!(
        code_now,
        code(&profile, "Epic MyChart", step_start + 59),
        "same 60 s step"
    );
    assert_ne!(
        code_now,
        code(&profile, "Epic MyChart", step_start + 60),
        "the next step differs"
    );

    // HOTP: each use moves the stored counter on, and the next code differs.
    let first = code(&profile, "Clearinghouse", 0);
    let second = code(&profile, "Clearinghouse", 0);
    assert_ne!(first, second, "an HOTP code is never handed out twice");
    let hotp = listing(&profile)
        .into_iter()
        .find(|e| e["issuer"] == "Clearinghouse")
        .unwrap();
    assert_eq!(hotp["kind"]["counter"], 14, "counter 12 was used twice");
}

#[test]
fn export_then_import_on_a_fresh_profile_reproduces_every_entry() {
    let source = fresh_profile("export-src");
    import(&source, "aegis-plain.json");
    import(&source, "2fas-backup.2fas");
    import(&source, "ente-auth-export.txt");
    let before = listing(&source);
    assert_eq!(
        before.len(),
        7,
        "4 Aegis + 2 new from 2FAS + 1 new from Ente"
    );

    let backup = source.join("otp-backup.kdbk");
    ok(
        &source,
        &["export", "--out", backup.to_str().unwrap()],
        Some("kdS3cr3t-backup-pass\n"),
    );
    let bytes = std::fs::read(&backup).unwrap();
    for needle in ["KDSECRET", "otpauth", "kdS3cr3t-", "Availity"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "the backup shows {needle} in the clear"
        );
    }

    let target = fresh_profile("export-dst");
    let wrong = fails(
        &target,
        &["import-backup", backup.to_str().unwrap()],
        Some("kdS3cr3t-not-it\n"),
    );
    assert!(wrong.contains("password is wrong"), "{wrong}");
    assert!(
        listing(&target).is_empty(),
        "a wrong password imports nothing"
    );

    let mut damaged = bytes.clone();
    let middle = damaged.len() - 20;
    damaged[middle] ^= 0x55;
    let damaged_path = target.join("damaged.kdbk");
    std::fs::write(&damaged_path, &damaged).unwrap();
    let err = fails(
        &target,
        &["import-backup", damaged_path.to_str().unwrap()],
        Some("kdS3cr3t-backup-pass\n"),
    );
    assert!(err.contains("damaged"), "{err}");
    assert!(
        listing(&target).is_empty(),
        "a damaged backup imports nothing"
    );

    ok(
        &target,
        &["import-backup", backup.to_str().unwrap()],
        Some("kdS3cr3t-backup-pass\n"),
    );
    assert_eq!(listing(&target), before, "every entry with every parameter");
    for entry in &before {
        let label = entry["label"].as_str().unwrap();
        assert_eq!(
            code(&target, label, 1_900_000_000),
            code(&source, label, 1_900_000_000),
            "{label}: same code"
        );
    }
}

#[test]
fn a_malformed_export_imports_nothing() {
    let profile = fresh_profile("malformed");
    let path = fixture("aegis-bad-seed.json");
    let err = fails(&profile, &["add", "--import", path.to_str().unwrap()], None);
    assert!(err.contains("Epic MyChart"), "names the bad entry: {err}");
    assert!(err.contains("Nothing was imported"), "{err}");
    assert!(!err.contains("KDSECRET"), "never shows the seed: {err}");
    assert!(
        listing(&profile).is_empty(),
        "not even the valid entries before it"
    );
}

#[test]
fn qr_images_and_links() {
    let profile = fresh_profile("qr");
    for (image, label) in [
        ("qr-availity.png", "Availity (frontdesk@clinic.example)"),
        ("qr-uhc.jpg", "UnitedHealthcare (frontdesk)"),
    ] {
        let out = ok(
            &profile,
            &["add", "--qr", fixture(image).to_str().unwrap()],
            None,
        );
        assert!(out.contains(label), "{image}: {out}");
    }
    let out = ok(
        &profile,
        &[
            "add",
            "--qr",
            fixture("qr-google-migration.png").to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.contains("Epic MyChart (billing@clinic.example)"),
        "a Google export QR: {out}"
    );
    let err = fails(
        &profile,
        &["add", "--qr", fixture("no-qr.png").to_str().unwrap()],
        None,
    );
    assert!(err.contains("no QR code"), "{err}");

    ok(
        &profile,
        &[
            "add",
            "otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8",
        ],
        None,
    );
    assert_eq!(
        code(&profile, "RFC", 59),
        "94287082",
        "RFC 6238 through the real keychain"
    );
    for (uri, message) in [
        ("otpauth://totp/x?secret=KDSECRET0000AAAA", "not valid"),
        ("otpauth://totp/x?secret=KDSECRETAA", "too short"),
        (
            "otpauth://totp/x?secret=KDSECRETAAAAAAAA&algorithm=MD5",
            "not supported",
        ),
        ("otpauth:/broken", "not a valid authenticator link"),
    ] {
        let err = fails(&profile, &["add", uri], None);
        assert!(err.contains(message), "{uri}: {err}");
    }
    // The same checks for a link read from standard input (`otp add -`).
    let err = fails(&profile, &["add", "-"], Some("otpauth:/broken\n"));
    assert!(err.contains("not a valid authenticator link"), "{err}");
    assert!(fails(&profile, &["add", "-"], Some("")).contains("no secret on standard input"));
    ok(&profile, &["remove", "RFC"], None);
    assert!(fails(&profile, &["code", "RFC"], None).contains("no authenticator entry"));
}

#[test]
fn plain_export_needs_the_explicit_flag() {
    let profile = fresh_profile("plain");
    import(&profile, "ente-auth-export.txt");
    let out = profile.join("plain.txt");
    let refused = cli(
        &profile,
        &["export", "--out", out.to_str().unwrap(), "--plain"],
        None,
    );
    assert!(
        !refused.status.success() && !out.exists(),
        "--plain alone must be refused"
    );
    ok(
        &profile,
        &[
            "export",
            "--out",
            out.to_str().unwrap(),
            "--plain",
            "--i-understand-this-exposes-seeds",
        ],
        None,
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("otpauth://")).count(),
        3
    );
    std::fs::remove_file(&out).unwrap(); // the bed's leak search must not find this deliberate one
}

#[test]
fn clock_check_against_a_local_server() {
    use std::time::{Duration, SystemTime};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        // The server's clock is 100 s ahead of the desk's.
        let server_time = SystemTime::now() + Duration::from_secs(100);
        let server = tokio::spawn(async move {
            for date in [Some(httpdate::fmt_http_date(server_time)), None] {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; 1024];
                let _ = socket.read(&mut buf).await.unwrap();
                let header = date.map(|d| format!("Date: {d}\r\n")).unwrap_or_default();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\n{header}Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
                socket.write_all(reply.as_bytes()).await.unwrap();
            }
        });
        let url = format!("http://127.0.0.1:{port}/");
        let readings = keydesk::otp::clock::check(&[url.clone(), url], &SystemTime::now).await;
        server.await.unwrap();
        let first = readings[0]
            .as_ref()
            .expect("the server answered with a Date");
        assert!(
            (99..=101).contains(&first.offset_secs),
            "offset {}",
            first.offset_secs
        );
        assert!(first.warn, "100 s off must warn");
        let second = readings[1].as_ref().unwrap_err();
        assert_eq!(second.code(), "clock_no_date");
    });
}

#[test]
fn link_ties_an_entry_to_a_portal_and_unlinks_it() {
    let profile = fresh_profile("link");
    let out = Command::new(CLI)
        .arg("--data-dir")
        .arg(&profile)
        .args([
            "portal",
            "add",
            "--preset",
            "availity",
            "--username",
            "desk",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(
        &profile,
        &[
            "add",
            "otpauth://totp/Availity:desk?secret=KDSECRETMFRGGZDFMZTWQ2LK",
        ],
        None,
    );
    let said = ok(
        &profile,
        &["link", "Availity", "--portal", "availity"],
        None,
    );
    assert!(said.contains("now gives the codes of Availity"), "{said}");
    let portal_id = listing(&profile)[0]["portal_id"].clone();
    assert!(portal_id.is_i64(), "linked: {portal_id}");
    let err = fails(
        &profile,
        &["link", "Availity", "--portal", "No Such Portal"],
        None,
    );
    assert!(err.contains("no portal"), "{err}");
    assert_eq!(
        listing(&profile)[0]["portal_id"],
        portal_id,
        "a failed link keeps the old one"
    );
    ok(&profile, &["link", "Availity", "--none"], None);
    assert!(listing(&profile)[0]["portal_id"].is_null(), "unlinked");
}
