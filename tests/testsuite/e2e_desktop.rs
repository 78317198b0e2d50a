//! End to end, Keydesk on the desktop all day: closing the window leaves it in the tray, still
//! watching (a new code notifies and shows in the tray's menu); a second launch brings the one
//! already running forward on the Codes view; the global shortcut shows it on the newest code.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use crate::bed;
use crate::cli_watch::profile_with_portal;
use crate::e2e::{ONE_SESSION, launch, run, screenshot, wait_for_text};
use crate::e2e_safety::app_pid;
use crate::notify::{wait_for_first_sync, wait_for_notification};

/// Asks the app's main window to close, as a window manager does when the person clicks its
/// close button (tests/tools/close_window.rs, built beside the app by tests/run).
fn close_window(pid: u32) {
    let app = std::path::PathBuf::from(bed::var("KEYDESK_APP_BIN"));
    let tool = app.parent().unwrap().join("examples/close-window");
    let out = Command::new(&tool)
        .arg(pid.to_string())
        .output()
        .unwrap_or_else(|e| panic!("{} ({e}): tests/run builds it", tool.display()));
    assert!(out.status.success(), "close-window: {out:?}");
}

/// Waits until the app's log has `needle` at least `times` times; returns the log.
fn wait_for_log(profile: &Path, needle: &str, times: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = std::fs::read_to_string(profile.join("logs/keydesk.log")).unwrap_or_default();
        if log.matches(needle).count() >= times {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "the app never logged {needle:?} ({times}×); log:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The last line of the log with `needle`.
fn last_line(log: &str, needle: &str) -> String {
    log.lines()
        .rev()
        .find(|l| l.contains(needle))
        .unwrap_or_default()
        .to_owned()
}

/// Drives whichever window the app shows now (the closed one's handle is gone).
async fn follow_new_window(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(handles) = client.windows().await
            && let Some(handle) = handles.into_iter().next()
            && client.switch_to_window(handle).await.is_ok()
            && client.find(Locator::Css("main")).await.is_ok()
        {
            return;
        }
        assert!(Instant::now() < deadline, "the window never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[test]
fn e2e_desktop_closed_to_the_tray_keeps_watching_and_comes_back_on_its_codes() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let sender = "no-reply@tray.example";
    let portal = format!("Tray Portal {:04}", rand::random::<u16>() % 10_000);
    let profile = profile_with_portal("e2e-tray", &user, &portal, sender);
    // A shortcut of this test's own: an app of another test running meanwhile holds the default.
    keydesk::api::desktop::keep_shortcut(
        &keydesk::Keydesk::open(&profile).unwrap(),
        "Ctrl+Alt+Shift+J",
    )
    .unwrap();

    run(async {
        let client = launch(&profile).await;
        wait_for_first_sync(&profile, 1);
        let pid = app_pid(&profile);

        // Closed: the process stays, in the tray, and goes on watching.
        close_window(pid);
        wait_for_log(&profile, "Keydesk goes on in the tray", 1);
        assert!(
            Path::new(&format!("/proc/{pid}")).exists(),
            "closing the window did not quit Keydesk"
        );
        bed::deliver(&user, &bed::code_mail(sender, "516273"));
        let (summary, body) = wait_for_notification(&portal, 0);
        assert_eq!(summary, format!("New {portal} code"), "{body}");
        let log = wait_for_log(&profile, "count=1", 1);
        let tray = last_line(&log, "the tray shows");
        assert!(
            tray.contains(&portal) && tray.contains("min left"),
            "the tray's menu lists the code's portal and time left: {tray}"
        );
        assert!(!log.contains("516273"), "no code in the log or the tray");

        // A second launch hands over to this one and ends; the window comes back on Codes.
        let second = Command::new(bed::var("KEYDESK_APP_BIN"))
            .arg("--data-dir")
            .arg(&profile)
            .output()
            .expect("launch Keydesk a second time");
        assert!(second.status.success(), "{second:?}");
        wait_for_log(&profile, "Keydesk was launched again", 1);
        assert_eq!(app_pid(&profile), pid, "still the first instance");
        follow_new_window(&client).await;
        let code = wait_for_text(&client, "[data-testid=pending-code]", &portal).await;
        assert!(
            code.contains("516 273") || code.contains("516273"),
            "{code}"
        );
        let log = wait_for_log(&profile, "the main window was made again", 1);
        println!(
            "desktop: {}",
            last_line(&log, "the main window was made again")
        );

        // Closed again, the shortcut brings it back with the newest code selected.
        close_window(pid);
        wait_for_log(&profile, "Keydesk goes on in the tray", 2);
        let pressed = Command::new("xdotool")
            .args(["key", "ctrl+alt+shift+j"])
            .status()
            .expect("xdotool");
        assert!(pressed.success());
        wait_for_log(&profile, "the shortcut was pressed", 1);
        follow_new_window(&client).await;
        let selected = wait_for_text(&client, "[data-testid=pending-code].selected", &portal).await;
        assert!(selected.contains("516"), "{selected}");
        screenshot(&client, "codes-from-the-shortcut.png").await;

        // Quit as from the tray's menu (the signal takes the same way out): Keydesk ends, it
        // does not stay in the tray.
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        wait_for_log(&profile, "Keydesk stopped", 1);
        let _ = client.close().await;
    });
}
