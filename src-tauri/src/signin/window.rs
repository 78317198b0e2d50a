//! The portal window: one per portal, with its own persistent browser profile
//! (`<profile>/webviews/<portal id>`), so cookies — and the remembered device — survive restarts
//! and no portal sees another's. It gets no capability at all (capabilities/main.toml lists only
//! `main`), so a script on a portal page that calls the app's IPC is refused.

use std::time::Duration;

use keydesk::Keydesk;
use keydesk::portal::Portal;
use keydesk::signin::Recipe;
use serde::de::DeserializeOwned;
use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::oneshot;

/// The window label of a portal's window.
pub fn label(portal_id: i64) -> String {
    format!("portal-{portal_id}")
}

/// Where each portal window's engine was last sent, by window label, without the query: a
/// link, a form or a server's redirect, as the engine asked whether to follow it. A host that
/// never answers leaves the last page on screen, so only this tells where a sign-in was handed.
#[derive(Default)]
pub struct Navigations(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl Navigations {
    /// Where the window `label` was last sent since it was opened for a sign-in ("" if nowhere).
    pub fn last(app: &AppHandle, label: &str) -> String {
        app.try_state::<Navigations>()
            .and_then(|n| n.0.lock().ok()?.get(label).cloned())
            .unwrap_or_default()
    }

    fn note(app: &AppHandle, label: &str, url: Option<&Url>) {
        // Managed once; later calls leave the first in place.
        app.manage(Navigations::default());
        let state = app.state::<Navigations>();
        let Ok(mut map) = state.0.lock() else {
            return;
        };
        match url {
            Some(url) => {
                // Only where it went: a query may carry a token (an OAuth code, say).
                let mut page = url.clone();
                page.set_query(None);
                page.set_fragment(None);
                map.insert(label.to_owned(), page.to_string())
            }
            None => map.remove(label),
        };
    }
}

/// `window` with its navigations noted in [`Navigations`] (each is allowed: the machine checks
/// every page's origin before anything is filled).
fn noting_navigations<'a>(
    app: &AppHandle,
    label: &str,
    window: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    Navigations::note(app, label, None);
    let (app, label) = (app.clone(), label.to_owned());
    window.on_navigation(move |url| {
        Navigations::note(&app, &label, Some(url));
        true
    })
}

/// Opens the portal's window on its sign-in page, or brings an open one back to it.
pub fn open(app: &AppHandle, kd: &Keydesk, portal: &Portal) -> Result<WebviewWindow, String> {
    let url = Url::parse(&portal.fields.login_url).map_err(|e| e.to_string())?;
    Navigations::note(app, &label(portal.id), None);
    if let Some(window) = app.get_webview_window(&label(portal.id)) {
        window.navigate(url).map_err(|e| e.to_string())?;
        let _ = window.show();
        let _ = window.set_focus();
        return Ok(window);
    }
    builder(app, kd, portal, label(portal.id), WebviewUrl::External(url))?
        .title(format!("{} — Keydesk", portal.fields.name))
        .inner_size(1000.0, 760.0)
        .build()
        .map_err(|e| e.to_string())
}

/// The title suffix of a window on a clean, throwaway profile.
const CLEAN: &str = " (clean profile)";

/// Opens the portal's window on a clean, throwaway profile (no cookies, no stored session: its
/// folder is emptied first), replacing an open window of the portal. The next ordinary sign-in
/// replaces it again ([`drop_clean`]).
pub async fn open_clean(
    app: &AppHandle,
    kd: &Keydesk,
    portal: &Portal,
) -> Result<WebviewWindow, String> {
    let url = Url::parse(&portal.fields.login_url).map_err(|e| e.to_string())?;
    destroy(app, &label(portal.id)).await;
    let folder = kd
        .data_dir()
        .join("webviews")
        .join(format!("clean-{}", portal.id));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let window = WebviewWindowBuilder::new(app, label(portal.id), WebviewUrl::External(url))
        .data_directory(folder);
    let window = noting_navigations(app, &label(portal.id), window);
    #[cfg(target_os = "macos")]
    let window = window.incognito(true);
    window
        .title(format!("{} — Keydesk{CLEAN}", portal.fields.name))
        .inner_size(1000.0, 760.0)
        .build()
        .map_err(|e| e.to_string())
}

/// Closes the portal's window if it is on a clean profile, so the next sign-in uses the
/// portal's own profile again.
pub async fn drop_clean(app: &AppHandle, portal_id: i64) {
    let is_clean = app
        .get_webview_window(&label(portal_id))
        .and_then(|w| w.title().ok())
        .is_some_and(|t| t.ends_with(CLEAN));
    if is_clean {
        destroy(app, &label(portal_id)).await;
    }
}

async fn destroy(app: &AppHandle, label: &str) {
    if let Some(window) = app.get_webview_window(label) {
        let _ = window.destroy();
    }
    for _ in 0..40 {
        if app.get_webview_window(label).is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A window on the portal's own browser profile: its folder (Linux, Windows) and, on macOS,
/// where WebKit ignores the folder, its own data store (macOS 14 and later; older versions share
/// one, see `keydesk::browser_profile`).
fn builder<'a>(
    app: &'a AppHandle,
    kd: &Keydesk,
    portal: &Portal,
    label: String,
    url: WebviewUrl,
) -> Result<WebviewWindowBuilder<'a, tauri::Wry, AppHandle>, String> {
    // Each person's own profile on a desk with people.
    let folder = keydesk::api::signin::profile_folder(kd, portal.id);
    std::fs::create_dir_all(&folder)
        .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let window = WebviewWindowBuilder::new(app, label.clone(), url).data_directory(folder);
    let window = noting_navigations(app, &label, window);
    #[cfg(target_os = "macos")]
    let window =
        window.data_store_identifier(keydesk::api::signin::profile_data_store(kd, portal.id));
    Ok(window)
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

/// The portal's cookies as its window's web engine holds them, for
/// [`DeviceBook::forget`](keydesk::devices::DeviceBook::forget): only the cookies of the portal's
/// own origins ([`keydesk::browser_profile::is_portal_cookie`]) are deleted, and they are read
/// back to be sure (the engine reports success even when a deletion did not happen). Its calls
/// wait on the GTK main loop on Linux: use it on a blocking thread, never the main one.
pub struct WindowCookies {
    window: WebviewWindow,
    hidden: bool,
}

impl WindowCookies {
    /// The portal's open window, or its profile opened in a hidden window; `None` when the
    /// portal has no window and no profile folder (nothing to clear).
    pub fn open(app: &AppHandle, portal: &Portal) -> Result<Option<Self>, String> {
        if let Some(window) = app.get_webview_window(&label(portal.id)) {
            return Ok(Some(Self {
                window,
                hidden: false,
            }));
        }
        let kd = app.state::<Keydesk>();
        let folder = keydesk::api::signin::profile_folder(&kd, portal.id);
        if !folder.exists() {
            return Ok(None);
        }
        let blank = Url::parse("about:blank").map_err(|e| e.to_string())?;
        // Its own label: a sign-in started meanwhile opens the portal's real window beside it,
        // rather than taking this one, which closes when the cookies are cleared.
        let hidden = format!("{}-cookies", label(portal.id));
        let window = builder(app, &kd, portal, hidden, WebviewUrl::External(blank))?
            .visible(false)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Some(Self {
            window,
            hidden: true,
        }))
    }

    fn portal_cookies(
        &self,
        portal: &Portal,
    ) -> Result<Vec<tauri::webview::Cookie<'static>>, String> {
        Ok(self
            .window
            .cookies()
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|c| {
                c.domain()
                    .is_some_and(|d| keydesk::browser_profile::is_portal_cookie(portal, d))
            })
            .collect())
    }
}

impl keydesk::browser_profile::PortalCookies for WindowCookies {
    fn clear(&self, portal: &Portal) -> Result<bool, String> {
        let found = self.portal_cookies(portal)?;
        for cookie in &found {
            if let Err(e) = self.window.delete_cookie(cookie.clone()) {
                tracing::warn!(error = %e, "a cookie could not be deleted");
            }
        }
        match self.portal_cookies(portal)?.len() {
            0 => Ok(!found.is_empty()),
            n => Err(format!("{n} cookies of the portal could not be deleted")),
        }
    }
}

impl Drop for WindowCookies {
    fn drop(&mut self) {
        if self.hidden {
            let _ = self.window.close();
        }
    }
}

/// Closes the portal's windows (its sign-in window, and one opened to clear its cookies) and
/// waits until the engine has torn them down; on macOS also deletes the window's data store.
pub async fn close(app: &AppHandle, kd: &Keydesk, portal_id: i64) {
    let label = label(portal_id);
    for label in [label.clone(), format!("{label}-cookies")] {
        if let Some(window) = app.get_webview_window(&label) {
            let _ = window.destroy();
        }
    }
    for _ in 0..20 {
        if app.get_webview_window(&label).is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // WebKit on macOS keeps a window's data in its own store, not in the profile folder.
    #[cfg(target_os = "macos")]
    if let Err(e) = app
        .remove_data_store(keydesk::api::signin::profile_data_store(&kd, portal_id))
        .await
    {
        // Before macOS 14 there is no store of its own to delete (see keydesk::browser_profile).
        tracing::warn!(error = %e, "could not delete the portal window's data store");
    }
    #[cfg(not(target_os = "macos"))]
    let _ = kd;
}
