//! Remembered devices in the window: the Devices view's list, forgetting a device (its cookies
//! and its record), records kept by hand for outside browsers, and the reminder before a
//! device lapses.

use std::time::Duration;

use keydesk::browser_profile::{PortalCookies, ProfileFolder};
use keydesk::devices::{DeviceBook, DeviceError, DeviceSource, RememberedDevice};
use keydesk::portal::PortalBook;
use tauri::{AppHandle, Emitter, Manager};

use crate::error::CommandError;
use crate::signin::window;
use crate::state::DeskState;

/// How often lapsing devices are looked for (also once shortly after start).
const REMINDER_EVERY: Duration = Duration::from_secs(3600);

impl From<DeviceError> for CommandError {
    fn from(error: DeviceError) -> Self {
        let mut command = CommandError::new(error.code(), &error.to_string());
        if let DeviceError::Invalid { field, .. } = error {
            command.field = Some(field);
        }
        command
    }
}

/// Every remembered device with its days left.
#[tauri::command]
pub async fn device_list(
    desk: tauri::State<'_, DeskState>,
) -> Result<Vec<RememberedDevice>, CommandError> {
    let mut desk = desk.lock().await;
    Ok(DeviceBook::new(desk.store()).list(crate::unix_now())?)
}

/// Forgets a remembered device. For the Keydesk window the portal's own cookies go first,
/// checked by reading them back; the record is kept if they could not all be deleted, so the
/// list stays true (the core decides the order: [`DeviceBook::forget`]).
#[tauri::command]
pub async fn device_forget(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    portal_id: i64,
    source: DeviceSource,
) -> Result<(), CommandError> {
    let portal = PortalBook::new(desk.lock().await.store()).get(portal_id)?;
    let worker = app.clone();
    // The web engine's cookie calls wait on the GTK main loop: never on the main thread.
    tauri::async_runtime::spawn_blocking(move || -> Result<(), CommandError> {
        let state = worker.state::<DeskState>();
        let window =
            match source {
                DeviceSource::KeydeskWindow => window::WindowCookies::open(&worker, &portal)
                    .map_err(|reason| DeviceError::Cookies {
                        portal: portal.fields.name.clone(),
                        reason,
                    })?,
                DeviceSource::OutsideBrowser => None,
            };
        // No window and no profile folder: there are no cookies to clear.
        let nothing = ProfileFolder {
            data_dir: &state.profile_dir,
        };
        let cookies: &dyn PortalCookies = match &window {
            Some(w) => w,
            None => &nothing,
        };
        let mut desk = state.blocking_lock();
        DeviceBook::new(desk.store()).forget(&portal, source, cookies)?;
        Ok(())
    })
    .await
    .map_err(|e| CommandError::new("internal", &e.to_string()))??;
    tracing::info!(
        portal = portal_id,
        source = source.as_str(),
        "forgot a remembered device"
    );
    let _ = app.emit_to("main", "devices-changed", ());
    Ok(())
}

/// Keeps a record, by hand, for a desk remembered in another browser. `since` and `until` are
/// UNIX seconds; `until` may be unknown.
#[tauri::command]
pub async fn device_add(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    portal_id: i64,
    browser: String,
    since: Option<i64>,
    until: Option<i64>,
) -> Result<(), CommandError> {
    let mut desk = desk.lock().await;
    let portal = PortalBook::new(desk.store()).get(portal_id)?;
    let since = since.unwrap_or_else(crate::unix_now);
    DeviceBook::new(desk.store()).add_by_hand(&portal, &browser, since, until)?;
    let _ = app.emit_to("main", "devices-changed", ());
    Ok(())
}

/// Reminds the desk, with a desktop notification, a few days before a device lapses: once
/// shortly after start and then every hour. A notification that cannot be shown is logged and
/// tried again next time; it never stops the app.
pub fn start_reminders(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        loop {
            remind(&app).await;
            tokio::time::sleep(REMINDER_EVERY).await;
        }
    });
}

async fn remind(app: &AppHandle) {
    let now = crate::unix_now();
    let due = {
        let desk = app.state::<DeskState>();
        let mut desk = desk.lock().await;
        match DeviceBook::new(desk.store()).due_reminders(now) {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "could not look for lapsing devices");
                return;
            }
        }
    };
    for device in due {
        let (summary, body) = device.reminder();
        let shown = tauri::async_runtime::spawn_blocking(move || {
            notify_rust::Notification::new()
                .appname("Keydesk")
                .summary(summary)
                .body(&body)
                .show()
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        match shown {
            Ok(()) => {
                let desk = app.state::<DeskState>();
                let mut desk = desk.lock().await;
                if let Err(e) = DeviceBook::new(desk.store()).mark_reminded(
                    device.portal_id,
                    device.source,
                    now,
                ) {
                    tracing::warn!(error = %e, "could not note the reminder");
                }
                tracing::info!(
                    portal = device.portal_id,
                    "reminded that a remembered device lapses soon"
                );
            }
            Err(e) => tracing::warn!(error = %e, "could not show the lapse reminder"),
        }
    }
}
