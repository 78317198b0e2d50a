//! Portals against the real Secret Service of the test bed: passwords stored, read, changed and
//! deleted; a removed portal's items gone from the keychain; export/import between profiles with
//! no secret in the file; and the CLI end to end. Without the bed these fail, never skip.

use std::process::{Command, Stdio};

use keydesk::api::portals::{self, Credential};
use keydesk::keychain::{ItemKey, Keychain, OsKeychain};
use keydesk::portal::{PortalFields, Preset};
use keydesk::{Desk, Keydesk, Now, Secret};

use crate::bed;

const NOW: Now = Now::from_secs(1_750_000_000);

/// The profile's own keychain items, opened directly (not through the code under test).
fn os_keychain(profile: &std::path::Path) -> OsKeychain {
    bed::var("DBUS_SESSION_BUS_ADDRESS");
    let desk = Desk::open(profile).expect("open the profile");
    OsKeychain::new(desk.profile_id())
}

fn preset(id: &str) -> PortalFields {
    PortalFields {
        username: format!("{id}-frontdesk"),
        ..Preset::find(id).unwrap().fields(None).unwrap()
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn password_is_stored_read_changed_and_deleted_in_the_real_keychain() {
    let dir = bed::profile_dir("password");
    let kd = Keydesk::open(&dir).unwrap();
    let portal = portals::add(
        &kd,
        preset("availity"),
        Some(&Secret::from("kdS3cr3t-first")),
        NOW,
    )
    .unwrap();
    let password_key = ItemKey::portal_password(portal.id);
    let codes_key = ItemKey::portal_recovery_codes(portal.id);

    // Read back through a separate connection to the keychain, not the use-cases.
    assert_eq!(
        os_keychain(&dir).get(&password_key).unwrap(),
        Some(Secret::from("kdS3cr3t-first"))
    );
    portals::change_password(&kd, portal.id, &Secret::from("kdS3cr3t-second"), NOW).unwrap();
    assert_eq!(
        portals::credential(&kd, portal.id, Credential::Password).unwrap(),
        Secret::from("kdS3cr3t-second")
    );
    assert_eq!(
        os_keychain(&dir).get(&password_key).unwrap(),
        Some(Secret::from("kdS3cr3t-second"))
    );

    let lines = Secret::from("kdS3cr3t-rc-1\nkdS3cr3t-rc-2\n");
    assert_eq!(
        portals::set_recovery_codes(&kd, portal.id, &lines).unwrap(),
        2
    );
    let later = Now::from_secs(NOW.secs() + 2);
    portals::mark_recovery_code_used(&kd, portal.id, 1, later).unwrap();
    let codes = portals::recovery_codes_revealed(&kd, portal.id).unwrap();
    assert_eq!(codes.len(), 2);
    assert_eq!(codes[0].used_at, Some(later.secs()));
    assert_eq!(codes[1].code, Secret::from("kdS3cr3t-rc-2"));
    assert!(os_keychain(&dir).get(&codes_key).unwrap().is_some());

    block_on(portals::remove(&kd, portal.id)).unwrap();
    assert_eq!(
        os_keychain(&dir).get(&password_key).unwrap(),
        None,
        "password left in the keychain"
    );
    assert_eq!(
        os_keychain(&dir).get(&codes_key).unwrap(),
        None,
        "recovery codes left in the keychain"
    );
    assert!(portals::list(&kd, NOW).unwrap().is_empty());
}

#[test]
fn export_then_import_on_a_fresh_profile_gives_the_same_portals() {
    let source_dir = bed::profile_dir("export");
    let source = Keydesk::open(&source_dir).unwrap();
    let mut ids = Vec::new();
    for (id, password) in [("availity", "kdS3cr3t-av"), ("cigna", "kdS3cr3t-ci")] {
        let p = portals::add(&source, preset(id), Some(&Secret::from(password)), NOW).unwrap();
        portals::set_recovery_codes(&source, p.id, &Secret::from("kdS3cr3t-rc")).unwrap();
        ids.push(p.id);
    }
    let file = source_dir.join("portals.json");
    portals::export(&source, &file, NOW).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !bytes.windows(b"kdS3cr3t-".len()).any(|w| w == b"kdS3cr3t-"),
        "the export file holds a secret"
    );

    let target = Keydesk::open(&bed::profile_dir("import")).unwrap();
    let report = portals::import(&target, &file, NOW).unwrap();
    assert!(report.is_complete(), "{report:?}");
    let fields = |kd: &Keydesk| {
        portals::list(kd, NOW)
            .unwrap()
            .into_iter()
            .map(|p| portals::get(kd, p.id).unwrap().fields)
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(&target), fields(&source));
    assert_eq!(fields(&target)[0].username, "availity-frontdesk");

    for id in ids {
        block_on(portals::remove(&source, id)).unwrap();
    }
}

fn cli(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "keydesk-cli failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn cli_adds_lists_exports_and_imports() {
    let desk = bed::profile_dir("cli-a");
    let added = ok(&cli(
        &desk,
        &[
            "portal",
            "add",
            "--preset",
            "humana",
            "--username",
            "fd",
            "--npi",
            "1234567893",
            "--password-stdin",
        ],
        "kdS3cr3t-cli\n",
    ));
    assert!(added.contains("added portal"), "{added}");
    ok(&cli(
        &desk,
        &[
            "portal",
            "add",
            "--name",
            "Local sandbox",
            "--login-url",
            "http://127.0.0.1:8080/login",
        ],
        "",
    ));

    let list: serde_json::Value =
        serde_json::from_str(&ok(&cli(&desk, &["portal", "list", "--json"], ""))).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Humana", "Local sandbox"]);
    assert_eq!(list[0]["password"]["state"], "current");

    let shown = ok(&cli(&desk, &["portal", "show", "humana"], ""));
    assert!(
        !shown.contains("kdS3cr3t-"),
        "show printed the password without --reveal"
    );
    let revealed = ok(&cli(&desk, &["portal", "show", "humana", "--reveal"], ""));
    assert!(revealed.contains("kdS3cr3t-cli"), "{revealed}");

    let file = desk.join("export.json");
    ok(&cli(
        &desk,
        &["portal", "export", "--output", file.to_str().unwrap()],
        "",
    ));
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        !String::from_utf8_lossy(&bytes).contains("kdS3cr3t-"),
        "secret in the export"
    );

    let fresh = bed::profile_dir("cli-b");
    let imported = ok(&cli(
        &fresh,
        &["portal", "import", file.to_str().unwrap()],
        "",
    ));
    assert!(
        imported.contains("added: Humana") && imported.contains("added: Local sandbox"),
        "{imported}"
    );
    let again: serde_json::Value =
        serde_json::from_str(&ok(&cli(&fresh, &["portal", "list", "--json"], ""))).unwrap();
    assert_eq!(again.as_array().unwrap().len(), 2);
    assert_eq!(
        again[0]["password"]["state"], "not_saved",
        "no password travels in the file"
    );

    // Importing the same file again: every entry is a duplicate, named, exit 1.
    let twice = cli(&fresh, &["portal", "import", file.to_str().unwrap()], "");
    assert_eq!(twice.status.code(), Some(1));
    let out = String::from_utf8_lossy(&twice.stdout);
    assert!(out.contains("rejected: entry 1 \"Humana\""), "{out}");

    // A wrong-version file imports nothing.
    let v2 = desk.join("v2.json");
    std::fs::write(
        &v2,
        String::from_utf8(bytes)
            .unwrap()
            .replace("\"version\": 1", "\"version\": 2"),
    )
    .unwrap();
    let third = bed::profile_dir("cli-c");
    let refused = cli(&third, &["portal", "import", v2.to_str().unwrap()], "");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("version 2"));
    let empty: serde_json::Value =
        serde_json::from_str(&ok(&cli(&third, &["portal", "list", "--json"], ""))).unwrap();
    assert_eq!(empty.as_array().unwrap().len(), 0);

    ok(&cli(
        &desk,
        &["portal", "codes", "Humana", "--set"],
        "kdS3cr3t-c1\nkdS3cr3t-c2\n",
    ));
    ok(&cli(
        &desk,
        &["portal", "codes", "Humana", "--mark-used", "2"],
        "",
    ));
    let states = ok(&cli(&desk, &["portal", "codes", "Humana"], ""));
    assert!(
        states.contains("1  unused") && states.contains("2  used"),
        "{states}"
    );
    assert!(
        !states.contains("kdS3cr3t-"),
        "codes printed without --reveal"
    );
    let codes = ok(&cli(&desk, &["portal", "codes", "Humana", "--reveal"], ""));
    assert!(codes.contains("kdS3cr3t-c2"), "{codes}");

    // A signed-in window left its browser profile (its session cookies) behind.
    let profile = keydesk::browser_profile::dir(&desk, 1);
    std::fs::create_dir_all(profile.join("storage")).unwrap();
    std::fs::write(profile.join("cookies.sqlite"), "session").unwrap();
    ok(&cli(&desk, &["portal", "remove", "Humana"], ""));
    assert!(
        !profile.exists(),
        "a removed portal's browser profile, with its live session, is deleted too"
    );
    assert_eq!(
        os_keychain(&desk)
            .get(&ItemKey::portal_recovery_codes(1))
            .unwrap(),
        None
    );
    assert_eq!(
        os_keychain(&desk)
            .get(&ItemKey::portal_password(1))
            .unwrap(),
        None
    );
}

#[test]
fn password_change_keeps_the_new_password_beside_the_old_in_the_real_keychain_and_the_cli_edits_rules()
 {
    let dir = bed::profile_dir("password-change");
    let kd = Keydesk::open(&dir).unwrap();
    let portal = portals::add(
        &kd,
        preset("availity"),
        Some(&Secret::from("kdS3cr3t-current")),
        NOW,
    )
    .unwrap();
    let pending_key = ItemKey::portal_pending_password(portal.id);
    keydesk::api::password::propose(&kd, portal.id, NOW).unwrap();
    let keychain = os_keychain(&dir);
    let pending = keychain
        .get(&pending_key)
        .unwrap()
        .expect("the new one is kept");
    // The common rules (no preset publishes its own): 20 characters within 12 to 64.
    assert_eq!(pending.expose().chars().count(), 20);
    assert_eq!(
        keychain.get(&ItemKey::portal_password(portal.id)).unwrap(),
        Some(Secret::from("kdS3cr3t-current")),
        "beside the saved one, which is untouched"
    );
    let shown = ok(&cli(&dir, &["portal", "password-change", "availity"], ""));
    assert!(shown.contains("(proposed)"), "{shown}");
    keydesk::api::password::cancel(&kd, portal.id, NOW).unwrap();
    assert_eq!(keychain.get(&pending_key).unwrap(), None, "dropped");

    let rules = ok(&cli(
        &dir,
        &[
            "portal",
            "password-rules",
            "availity",
            "--min",
            "16",
            "--max",
            "32",
            "--symbols",
            "#!",
        ],
        "",
    ));
    assert!(rules.contains("16 to 32 characters"), "{rules}");
    assert!(rules.contains("a symbol (#!)"), "{rules}");
    let refused = cli(
        &dir,
        &["portal", "password-rules", "availity", "--symbols", "ab"],
        "",
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("no letters, digits or spaces"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let none = ok(&cli(&dir, &["portal", "password-change", "availity"], ""));
    assert!(none.contains("no password change underway"), "{none}");
}
