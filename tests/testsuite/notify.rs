//! New-code notifications from the real app, read back from the bed's notification daemon
//! (dunst): the portal and time left by default, the code only once the desk turned that on;
//! in Spanish on a desk set to Spanish.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bed;
use crate::cli_watch::profile_with_portal;

/// Every notification dunst has shown, as (summary, body). Displayed ones are closed first so
/// that they move into the history `dunstctl history` prints.
fn notifications() -> Vec<(String, String)> {
    let closed = Command::new("dunstctl").arg("close-all").output();
    assert!(
        closed.is_ok_and(|o| o.status.success()),
        "dunstctl close-all failed: is the bed's dunst running? run tests/run"
    );
    let out = Command::new("dunstctl")
        .arg("history")
        .output()
        .expect("dunstctl history");
    assert!(out.status.success(), "dunstctl history: {out:?}");
    let history: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("dunstctl history prints JSON");
    let field =
        |n: &serde_json::Value, name: &str| n[name]["data"].as_str().unwrap_or_default().to_owned();
    history["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group.as_array().cloned().unwrap_or_default())
        .map(|n| (field(&n, "summary"), field(&n, "body")))
        .collect()
}

/// Waits for a notification whose summary contains `needle`.
pub(crate) fn wait_for_notification(needle: &str, skip: usize) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found: Vec<_> = notifications()
            .into_iter()
            .filter(|(summary, _)| summary.contains(needle))
            .collect();
        if found.len() > skip {
            // dunst lists the newest first.
            return found[0].clone();
        }
        assert!(
            Instant::now() < deadline,
            "no notification mentioning {needle:?} appeared"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the app's log says every folder finished its first sync.
pub(crate) fn wait_for_first_sync(profile: &Path, folders: usize) {
    let log = profile.join("logs/keydesk.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.matches("first sync done").count() >= folders {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the app never finished its first sync; log:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The app on `profile`, without WebDriver (notifications need no window), stopped when dropped.
fn start_app(profile: &std::path::Path) -> bed::KillOnDrop {
    bed::KillOnDrop(
        Command::new(bed::var("KEYDESK_APP_BIN"))
            .arg("--data-dir")
            .arg(profile)
            .spawn()
            .expect("start the app"),
    )
}

#[test]
fn notify_a_new_code_shows_portal_and_time_left_and_the_code_only_when_turned_on() {
    let user = bed::fresh_mail_user();
    let sender = "no-reply@notify.example";
    let portal = format!("Notify Portal {:04}", rand::random::<u16>() % 10_000);
    let profile = profile_with_portal("notify", &user, &portal, sender);
    let _app = start_app(&profile);
    wait_for_first_sync(&profile, 1);

    bed::deliver(&user, &bed::code_mail(sender, "639104"));
    let (summary, body) = wait_for_notification(&portal, 0);
    assert_eq!(summary, format!("New {portal} code"));
    assert!(body.contains("Expires in"), "time left shown: {body}");
    assert!(
        !body.contains("639") && !body.contains("104"),
        "the code must not be shown by default: {body}"
    );

    bed::cli_ok(
        &profile,
        &["notifications", "set", "--show-code", "on"],
        None,
    );
    bed::deliver(&user, &bed::code_mail(sender, "270581"));
    let (_, body) = wait_for_notification(&portal, 1);
    assert!(
        body.contains("270 581"),
        "turned on, the code is shown: {body}"
    );

    let log = std::fs::read_to_string(profile.join("logs/keydesk.log")).unwrap();
    assert!(log.contains("announced a new code"), "{log}");
    assert!(
        !log.contains("639104") && !log.contains("270581") && !log.contains("270 581"),
        "no code in the log"
    );
}

#[test]
fn notify_a_spanish_desk_is_told_in_spanish_by_the_notification_and_the_tray() {
    let user = bed::fresh_mail_user();
    let sender = "no-reply@aviso.example";
    let portal = format!("Portal Aviso {:04}", rand::random::<u16>() % 10_000);
    let profile = profile_with_portal("notify-es", &user, &portal, sender);
    let chosen = bed::cli_ok(&profile, &["settings", "language", "es"], None);
    assert!(
        chosen.contains("language: es (the window shows es)"),
        "the CLI keeps the setting: {chosen}"
    );
    let _app = start_app(&profile);
    wait_for_first_sync(&profile, 1);

    bed::deliver(&user, &bed::code_mail(sender, "815264"));
    let (summary, body) = wait_for_notification(&portal, 0);
    assert_eq!(summary, format!("Nuevo código de {portal}"));
    assert!(
        body.starts_with("Vence en ") && body.ends_with("Abra Keydesk para copiarlo."),
        "time left and what to do, in Spanish: {body}"
    );
    assert!(!body.contains("815"), "still no code by default: {body}");

    // The tray reports its menu in the log (Xvfb has no tray host to draw it).
    let log_path = profile.join("logs/keydesk.log");
    let deadline = Instant::now() + Duration::from_secs(15);
    let tray = loop {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if let Some(line) = log
            .lines()
            .rev()
            .find(|l| l.contains("the tray shows") && l.contains("count=1"))
        {
            break line.to_owned();
        }
        assert!(Instant::now() < deadline, "the tray never showed the code");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        tray.contains(&portal) && tray.contains("quedan") && !tray.contains("left"),
        "the tray's time left is in Spanish: {tray}"
    );
    assert!(!tray.contains("815264"), "no code in the tray");
}
