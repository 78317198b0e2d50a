//! Remembered devices in the window: the Devices view's list, forgetting a device (the portal
//! window's cookies first), and records kept by hand for outside browsers.

use keydesk::Keydesk;
use keydesk::api::devices::OutsideRecord;
use keydesk::api::{self, Error, Now};
use keydesk::browser_profile::PortalCookies;
use keydesk::devices::{DeviceError, DeviceSource, RememberedDevice};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;
use crate::signin::window;

/// Every remembered device with its days left.
#[tauri::command]
pub async fn device_list(kd: State<'_, Keydesk>) -> Result<Vec<RememberedDevice>, CommandError> {
    Ok(api::devices::list(&kd, Now::system())?)
}

/// Forgets a remembered device. For the Keydesk window the portal's own cookies go first, read
/// back to be sure; the record is kept if they could not all be deleted.
#[tauri::command]
pub async fn device_forget(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    portal_id: i64,
    source: DeviceSource,
) -> Result<(), CommandError> {
    let portal = api::portals::get(&kd, portal_id)?;
    // The web engine's cookie calls wait on the GTK main loop: never on the main thread.
    tauri::async_runtime::spawn_blocking(move || -> Result<(), Error> {
        let window = match source {
            DeviceSource::KeydeskWindow => {
                window::WindowCookies::open(&app, &portal).map_err(|reason| {
                    DeviceError::Cookies {
                        portal: portal.fields.name.clone(),
                        reason,
                    }
                })?
            }
            DeviceSource::OutsideBrowser => None,
        };
        let cookies = window.as_ref().map(|w| w as &dyn PortalCookies);
        api::devices::forget(&app.state::<Keydesk>(), portal_id, source, cookies)?;
        Ok(())
    })
    .await
    .map_err(|e| Error::other(keydesk::ErrorCode::Internal, e.to_string()))??;
    Ok(())
}

/// Keeps a record, by hand, for a desk remembered in another browser (dates as typed,
/// `YYYY-MM-DD`; the core reads them).
#[tauri::command]
pub async fn device_add(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    record: OutsideRecord,
) -> Result<(), CommandError> {
    Ok(api::devices::add(&kd, portal_id, &record, Now::system())?)
}
