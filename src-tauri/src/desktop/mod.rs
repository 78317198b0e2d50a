//! Keydesk on the desktop all day: the main window comes and goes while the app stays in the
//! tray; one instance per profile (a second launch brings the first forward); start at login;
//! the global shortcut. The words and the rules are the core's (`keydesk::api::desktop`); this
//! module registers them with the platform.
//!
//! Closing the window destroys its web view (its memory goes back to the system) and Keydesk
//! goes on in the tray: the mailbox watch, notifications and portal windows carry on. Open, the
//! shortcut, a notification's click or a second launch make the window again.

mod shortcut;
mod tray;

use std::sync::Mutex;

use keydesk::Keydesk;
use keydesk::api::desktop::DesktopSettings;
use keydesk::api::{self, Now};
use keydesk::pending::MessageKey;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State, WebviewWindowBuilder};
use tauri_plugin_autostart::ManagerExt as _;

use crate::error::CommandError;
use crate::events::EventName;

/// The main window's label (and the only window with a capability).
pub const MAIN: &str = "main";

/// What the window should show when it next asks: set by the tray, the shortcut or a
/// notification, taken by the window once it has loaded.
#[derive(Default)]
pub struct Pending(Mutex<Option<Focus>>);

/// When the window was last asked to come back while it was closed: its page's load then says
/// how long that took (`tests/bench/window` reads it).
static REMADE_AT: Mutex<Option<std::time::Instant>> = Mutex::new(None);

/// Called when the main window's page has loaded: logs how long a window made again took.
pub fn loaded() {
    if let Some(asked) = REMADE_AT.lock().unwrap_or_else(|e| e.into_inner()).take() {
        tracing::info!(
            reopened_in_ms = asked.elapsed().as_millis() as u64,
            "the main window is back"
        );
    }
}

/// Which code the window opens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Focus {
    /// The code to select in the Codes view, if any is pending.
    pub code: Option<MessageKey>,
}

/// The desktop settings as the Settings view shows them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DesktopView {
    /// What the desk chose.
    pub settings: DesktopSettings,
    /// Why the shortcut does not work now (another program holds it), in plain words.
    pub shortcut_problem: Option<String>,
}

/// Plugins of the desktop's parts. The single-instance plugin goes first: a second launch must
/// hand over before anything else starts. Its D-Bus name is the profile's, so two profiles
/// (two desks on one machine, the tests) run side by side while one profile runs once.
pub fn plugins(
    builder: tauri::Builder<tauri::Wry>,
    profile_id: &str,
) -> tauri::Builder<tauri::Wry> {
    builder
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(format!("org.keydesk.app.p{profile_id}"))
                .callback(|app, _args, _cwd| {
                    tracing::info!("Keydesk was launched again: bringing this one forward");
                    show(app, None);
                })
                .build(),
        )
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(shortcut::plugin())
}

/// Sets up the tray, the shortcut and start-at-login from the desk's settings.
pub fn start(app: &AppHandle, kd: &Keydesk) -> tauri::Result<()> {
    app.manage(Pending::default());
    app.manage(shortcut::Problem::default());
    tray::install(app, kd)?;
    let settings = api::desktop::desktop_settings(kd).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the desktop settings; using the defaults");
        DesktopSettings {
            start_at_login: false,
            shortcut: api::desktop::DEFAULT_SHORTCUT.to_owned(),
        }
    });
    shortcut::apply(app, &settings.shortcut);
    // The system's entry follows the setting (the program may have moved since).
    let autolaunch = app.autolaunch();
    let registered = autolaunch.is_enabled().unwrap_or(false);
    if settings.start_at_login != registered {
        let done = if settings.start_at_login {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "cannot register start at login with the system");
        }
    }
    Ok(())
}

/// Brings the main window forward, making it again if it was closed, on `code` if given.
pub fn show(app: &AppHandle, code: Option<MessageKey>) {
    let focus = Focus { code };
    if let Some(pending) = app.try_state::<Pending>() {
        *pending.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(focus.clone());
    }
    let app = app.clone();
    let started = std::time::Instant::now();
    let shown = app.clone().run_on_main_thread(move || {
        if let Some(window) = app.get_webview_window(MAIN) {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
            // The window is loaded: tell it now (it also asks on load, for a new window).
            let _ = app.emit_to(MAIN, EventName::Focus.as_str(), &focus);
            return;
        }
        *REMADE_AT.lock().unwrap_or_else(|e| e.into_inner()) = Some(started);
        let made = app
            .config()
            .app
            .windows
            .iter()
            .find(|w| w.label == MAIN)
            .cloned()
            .ok_or_else(|| tauri::Error::WindowNotFound)
            .and_then(|config| WebviewWindowBuilder::from_config(&app, &config)?.build());
        match made {
            Ok(window) => {
                let _ = window.set_focus();
                tracing::info!(
                    in_ms = started.elapsed().as_millis() as u64,
                    "the main window was made again"
                );
            }
            Err(e) => tracing::error!(error = %e, "the main window could not be made again"),
        }
    });
    if let Err(e) = shown {
        tracing::error!(error = %e, "could not reach the main thread to show the window");
    }
}

/// The newest fresh code, for the shortcut.
fn newest_code(app: &AppHandle) -> Option<MessageKey> {
    let kd = app.try_state::<Keydesk>()?;
    api::desktop::tray(&kd, Now::system())
        .codes
        .into_iter()
        .next()
        .map(|c| c.key)
}

/// What the window should show now that it has loaded (and forgets it).
#[tauri::command]
pub async fn window_focus(pending: State<'_, Pending>) -> Result<Option<Focus>, CommandError> {
    Ok(pending.0.lock().unwrap_or_else(|e| e.into_inner()).take())
}

/// The desktop settings and whether the shortcut works.
#[tauri::command]
pub async fn desktop_settings(
    kd: State<'_, Keydesk>,
    problem: State<'_, shortcut::Problem>,
) -> Result<DesktopView, CommandError> {
    Ok(DesktopView {
        settings: api::desktop::desktop_settings(&kd)?,
        shortcut_problem: problem.get(),
    })
}

/// Turns start at login on or off: with the system first, then in the settings.
#[tauri::command]
pub async fn set_start_at_login(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    on: bool,
) -> Result<(), CommandError> {
    let autolaunch = app.autolaunch();
    let done = if on {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    done.map_err(|e| {
        tracing::warn!(error = %e, "start at login could not be changed");
        api::Error::other(
            keydesk::ErrorCode::Autostart,
            "The system did not accept the change to starting Keydesk at login. Nothing was \
             changed.",
        )
    })?;
    Ok(api::desktop::set_start_at_login(&kd, on)?)
}

/// Uses another shortcut; when the system refuses it (another program holds it) the one in
/// force stays and the error says so.
#[tauri::command]
pub async fn set_shortcut(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    shortcut: String,
) -> Result<String, CommandError> {
    let wanted = api::desktop::check_shortcut(&shortcut)?;
    let current = api::desktop::desktop_settings(&kd)?.shortcut;
    shortcut::replace(&app, &current, &wanted)?;
    api::desktop::keep_shortcut(&kd, &wanted)?;
    Ok(wanted)
}
