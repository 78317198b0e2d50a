//! The portal window: one per portal, with its own persistent browser profile
//! (`<profile>/webviews/<portal id>`), so cookies — and the remembered device — survive restarts
//! and no portal sees another's. It gets no capability at all (capabilities/main.toml lists only
//! `main`), so a script on a portal page that calls the app's IPC is refused.

use std::time::Duration;

use keydesk::portal::Portal;
use keydesk::signin::Recipe;
use serde::de::DeserializeOwned;
use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::oneshot;

/// The window label of a portal's window.
pub fn label(portal_id: i64) -> String {
    format!("portal-{portal_id}")
}

/// Opens the portal's window on its sign-in page, or brings an open one back to it.
pub fn open(app: &AppHandle, portal: &Portal) -> Result<WebviewWindow, String> {
    let url = Url::parse(&portal.fields.login_url).map_err(|e| e.to_string())?;
    if let Some(window) = app.get_webview_window(&label(portal.id)) {
        window.navigate(url).map_err(|e| e.to_string())?;
        let _ = window.show();
        let _ = window.set_focus();
        return Ok(window);
    }
    let data_dir = app.state::<crate::state::DeskState>().profile_dir.clone();
    let profile = keydesk::devices::webview_dir(&data_dir, portal.id);
    std::fs::create_dir_all(&profile)
        .map_err(|e| format!("cannot create {}: {e}", profile.display()))?;
    WebviewWindowBuilder::new(app, label(portal.id), WebviewUrl::External(url))
        .title(format!("{} — Keydesk", portal.fields.name))
        .inner_size(1000.0, 760.0)
        .data_directory(profile)
        .build()
        .map_err(|e| e.to_string())
}

/// Runs `script` in the window and parses its JSON result; `None` when the page gave no answer
/// in time (it was navigating: the engine drops scripts sent to a page that is being replaced).
pub async fn eval_json<T: DeserializeOwned>(
    window: &WebviewWindow,
    script: &str,
    wait: Duration,
) -> Option<T> {
    let (tx, rx) = oneshot::channel::<String>();
    let tx = std::sync::Mutex::new(Some(tx));
    let sent = window.eval_with_callback(script, move |json| {
        if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(json);
        }
    });
    if sent.is_err() {
        return None;
    }
    let json = tokio::time::timeout(wait, rx).await.ok()?.ok()?;
    serde_json::from_str(&json).ok()
}

/// The origin the web engine itself reports for the window (not the page's script): a check of
/// the origin that no page script can influence.
pub fn engine_origin(window: &WebviewWindow) -> Option<String> {
    window.url().ok().map(|u| u.origin().ascii_serialization())
}

/// The remember-device cookie's expiry (UNIX seconds), if the portal set one that can be read.
/// Reading cookies waits on the GTK main loop on Linux, so it runs on a blocking thread.
pub async fn remember_cookie_expiry(
    window: &WebviewWindow,
    portal: &Portal,
    recipe: &Recipe,
) -> Option<i64> {
    let (window, recipe) = (window.clone(), recipe.clone());
    let urls: Vec<Url> = portal
        .fields
        .allowed_origins
        .iter()
        .filter_map(|o| Url::parse(o).ok())
        .collect();
    tauri::async_runtime::spawn_blocking(move || {
        urls.into_iter()
            .filter_map(|url| window.cookies_for_url(url).ok())
            .flatten()
            .filter(|c| recipe.is_remember_cookie(c.name()))
            .filter_map(|c| c.expires_datetime().map(|t| t.unix_timestamp()))
            .max()
    })
    .await
    .ok()
    .flatten()
}

/// Deletes every cookie in the portal's browser profile and reads them back to be sure (the
/// engine reports success even when a deletion did not happen). Opens the profile in a hidden
/// window when the portal's window is closed.
pub async fn forget_cookies(app: &AppHandle, portal: &Portal) -> Result<(), String> {
    let window = match app.get_webview_window(&label(portal.id)) {
        Some(w) => w,
        None => {
            let data_dir = app.state::<crate::state::DeskState>().profile_dir.clone();
            let profile = keydesk::devices::webview_dir(&data_dir, portal.id);
            if !profile.exists() {
                return Ok(());
            }
            let blank = Url::parse("about:blank").map_err(|e| e.to_string())?;
            WebviewWindowBuilder::new(app, label(portal.id), WebviewUrl::External(blank))
                .visible(false)
                .data_directory(profile)
                .build()
                .map_err(|e| e.to_string())?
        }
    };
    let worker = window.clone();
    let left = tauri::async_runtime::spawn_blocking(move || -> Result<usize, String> {
        for cookie in worker.cookies().map_err(|e| e.to_string())? {
            if let Err(e) = worker.delete_cookie(cookie) {
                tracing::warn!(error = %e, "a cookie could not be deleted");
            }
        }
        Ok(worker.cookies().map_err(|e| e.to_string())?.len())
    })
    .await
    .map_err(|e| e.to_string())??;
    if !window.is_visible().unwrap_or(true) {
        let _ = window.close();
    }
    match left {
        0 => Ok(()),
        n => Err(format!("{n} cookies of the portal could not be deleted")),
    }
}

/// `now` in UNIX milliseconds, for the machine.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
