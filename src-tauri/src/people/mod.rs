//! The lock, the people of the desk, the audit log and the office's policy in the window: one
//! line per command over `keydesk::api`. Portal windows follow the lock ([`follow_lock`]), and on
//! Linux the session's screen lock and the machine's sleep lock Keydesk ([`lock_on_session`]).

#[cfg(target_os = "linux")]
mod session_bus;

use std::sync::Mutex;

use keydesk::Keydesk;
use keydesk::api::audit::AuditFormat;
use keydesk::api::people::SessionView;
use keydesk::api::settings::OfficeSettings;
use keydesk::api::{self, Now};
use keydesk::audit::{Filter, Record, Verdict};
use keydesk::people::{Person, Role};
use keydesk::session::SignedIn;
use keydesk::{Secret, api::portals::Exported};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;
use crate::picked_file;

/// The lock as the window shows it: "Signed in as …", or the lock screen.
#[tauri::command]
pub async fn session_view(kd: State<'_, Keydesk>) -> Result<SessionView, CommandError> {
    Ok(api::people::session(&kd)?)
}

/// Someone used the window (the window calls it at most every few seconds).
#[tauri::command]
pub async fn session_touch(kd: State<'_, Keydesk>) -> Result<(), CommandError> {
    api::people::touch(&kd);
    Ok(())
}

/// Locks now (button or shortcut).
#[tauri::command]
pub async fn session_lock(kd: State<'_, Keydesk>, why: String) -> Result<(), CommandError> {
    let why = if why == "shortcut" {
        "shortcut"
    } else {
        "button"
    };
    api::people::lock(&kd, why);
    Ok(())
}

/// Unlocks for a person with their PIN (also switches person).
#[tauri::command]
pub async fn session_unlock(
    kd: State<'_, Keydesk>,
    name: String,
    pin: String,
) -> Result<SignedIn, CommandError> {
    Ok(api::people::unlock(
        &kd,
        &name,
        &Secret::new(pin),
        Now::system(),
    )?)
}

/// The people of the desk.
#[tauri::command]
pub async fn people_list(kd: State<'_, Keydesk>) -> Result<Vec<Person>, CommandError> {
    Ok(api::people::list(&kd)?)
}

/// Adds a person (an office admin, or anyone for the first person).
#[tauri::command]
pub async fn people_add(
    kd: State<'_, Keydesk>,
    name: String,
    role: Role,
    pin: String,
) -> Result<Person, CommandError> {
    Ok(api::people::add(
        &kd,
        &name,
        role,
        &Secret::new(pin),
        Now::system(),
    )?)
}

/// Removes a person with their own portals (an office admin).
#[tauri::command]
pub async fn people_remove(kd: State<'_, Keydesk>, name: String) -> Result<(), CommandError> {
    Ok(api::people::remove(&kd, &name)?)
}

/// The audit records that pass the filter (an office admin).
#[tauri::command]
pub async fn audit_list(
    kd: State<'_, Keydesk>,
    filter: Filter,
) -> Result<Vec<Record>, CommandError> {
    Ok(api::audit::list(&kd, &filter)?)
}

/// Whether the audit log is intact.
#[tauri::command]
pub async fn audit_verify(kd: State<'_, Keydesk>) -> Result<Verdict, CommandError> {
    Ok(api::audit::verify(&kd)?)
}

/// Writes the records that pass the filter to the file named (an office admin).
#[tauri::command]
pub async fn audit_export(
    kd: State<'_, Keydesk>,
    filter: Filter,
    format: AuditFormat,
    path: String,
) -> Result<Exported, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::audit::export(&kd, &filter, format, &path)?)
}

/// What the office's policy sets, and the lock setting.
#[tauri::command]
pub async fn office_settings(kd: State<'_, Keydesk>) -> Result<OfficeSettings, CommandError> {
    Ok(api::settings::office(&kd))
}

/// Chooses the idle lock (1 to 30 minutes, at most the office's).
#[tauri::command]
pub async fn set_lock_minutes(kd: State<'_, Keydesk>, minutes: u32) -> Result<(), CommandError> {
    Ok(api::people::set_lock_minutes(&kd, minutes)?)
}

/// Who the portal windows were opened for, so a switch of person closes them.
static WINDOWS_OF: Mutex<Option<i64>> = Mutex::new(None);

/// Hides every portal window while Keydesk is locked and shows them again when the same person
/// unlocks; a different person gets none of them (they are closed: their sessions are the last
/// person's).
pub fn follow_lock(app: &AppHandle, kd: &Keydesk) {
    let Ok(view) = api::people::session(kd) else {
        return;
    };
    let person = view.person.as_ref().map(|p| p.id);
    let mut of = WINDOWS_OF.lock().unwrap_or_else(|e| e.into_inner());
    for (label, window) in app.webview_windows() {
        if !label.starts_with("portal-") {
            continue;
        }
        let result = if view.locked {
            window.hide()
        } else if *of != person {
            window.close()
        } else {
            window.show()
        };
        if let Err(e) = result {
            tracing::warn!(window = %label, error = %e, "could not follow the lock");
        }
    }
    if !view.locked {
        *of = person;
    }
}

/// Locks Keydesk when the session's screen locks or the machine goes to sleep (Linux: the
/// screensaver's and logind's D-Bus signals). Elsewhere the idle lock and the button remain.
pub fn lock_on_session(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    session_bus::watch(app.clone());
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// Locks for `why`, from a session signal.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn lock_for(app: &AppHandle, why: &str) {
    if let Some(kd) = app.try_state::<Keydesk>() {
        tracing::info!(why, "the session asks Keydesk to lock");
        api::people::lock(&kd, why);
    }
}
