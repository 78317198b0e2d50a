//! `keydesk-cli device`: records kept by hand for a desk remembered in another browser, listed
//! with their days left, and forgotten; the Keydesk window's profile forgotten with or without a
//! record; bad dates refused with nothing saved.

use crate::bed;

fn json(profile: &std::path::Path) -> Vec<serde_json::Value> {
    let out = bed::cli_ok(profile, &["device", "list", "--json"], None);
    serde_json::from_str(&out).expect("device list --json prints JSON")
}

#[test]
fn cli_device_records_are_added_listed_and_forgotten() {
    let profile = bed::profile_dir("cli-devices");
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--name",
            "Cigna",
            "--login-url",
            "https://cignaforhcp.cigna.com/app/login",
        ],
        None,
    );
    assert!(json(&profile).is_empty());

    let add = |args: &[&str]| {
        let mut all = vec!["device", "add", "Cigna"];
        all.extend_from_slice(args);
        bed::cli(&profile, &all, None)
    };
    let out = add(&[
        "--browser",
        "Edge",
        "--since",
        "2026-03-10",
        "--until",
        "2026-03-01",
    ]);
    assert!(!out.status.success(), "an end before the start is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("before it starts"));
    assert!(json(&profile).is_empty(), "nothing was saved");
    let out = add(&["--browser", "Edge", "--since", "31/12/2026"]);
    assert!(!out.status.success(), "a date in another format is refused");

    let out = add(&["--browser", "Chrome at the front desk", "--days", "45"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = json(&profile);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["source"], "outside_browser");
    assert_eq!(list[0]["browser"], "Chrome at the front desk");
    assert_eq!(list[0]["until_from"], "by_hand");
    assert_eq!(list[0]["days_left"], 45);
    let text = bed::cli(&profile, &["device", "list"], None);
    assert!(String::from_utf8_lossy(&text.stdout).contains("45 days left"));

    let out = bed::cli(&profile, &["device", "forget", "Cigna"], None);
    assert!(
        !out.status.success(),
        "there is no Keydesk-window record or profile to forget"
    );
    // Regression: with no record, the window's browser profile was never deleted (and with
    // one, the record went first). The cookies are what remembers the desk: they go.
    let window_profile = keydesk::browser_profile::dir(&profile, 1);
    std::fs::create_dir_all(&window_profile).unwrap();
    std::fs::write(window_profile.join("cookies.sqlite"), "sp_cigna_device").unwrap();
    let said = bed::cli_ok(&profile, &["device", "forget", "Cigna"], None);
    assert!(said.contains("browser profile"), "says what it deleted");
    assert!(!window_profile.exists(), "the profile is deleted");
    bed::cli_ok(
        &profile,
        &["device", "forget", "Cigna", "--source", "browser"],
        None,
    );
    assert!(json(&profile).is_empty());
}
