//! Desktop notifications for new codes. The words come from the core
//! (`keydesk::notification::for_code`); this file only hands them to the notification daemon.
//! A notification that fails is logged and forgotten: the code is in the window either way.

use keydesk::notification;
use keydesk::pending::MessageKey;
use tauri::{AppHandle, Manager};

use crate::state::{DeskState, InboxState};

/// Shows the notification for the code in `key`'s message.
pub async fn announce(app: &AppHandle, key: &MessageKey) {
    let Some(code) = app
        .state::<InboxState>()
        .lock()
        .await
        .as_ref()
        .and_then(|inbox| inbox.code(key))
    else {
        return;
    };
    let settings = match app
        .state::<DeskState>()
        .lock()
        .await
        .notification_settings()
    {
        Ok(settings) => settings,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the notification settings; the code is left out");
            Default::default()
        }
    };
    let text = notification::for_code(&code, crate::unix_now(), &settings);
    // notify-rust talks D-Bus synchronously; it fails fast when no daemon is there.
    let shown = tauri::async_runtime::spawn_blocking(move || {
        notify_rust::Notification::new()
            .appname("Keydesk")
            .summary(&text.summary)
            .body(&text.body)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|shown| shown);
    match shown {
        // Never the text: it may hold the code.
        Ok(()) => tracing::info!(folder = %key.folder, uid = key.uid, "announced a new code"),
        Err(e) => tracing::warn!(error = %e, "could not show the new-code notification"),
    }
}
