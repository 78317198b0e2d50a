//! After a failed sign-in, in the window: the portal's health and sign-in history, the guided
//! fix and its actions (the core's, and the portal window's: the Forgot password page, a try in
//! a clean throwaway profile, forgetting the cookies), the picture of the portal window at the
//! failure, and the support request.

pub mod screenshot;

use keydesk::Keydesk;
use keydesk::api::health::PortalHealth;
use keydesk::api::support::{Packet, PacketOptions, Practice, SupportFacts};
use keydesk::api::troubleshoot::FixView;
use keydesk::api::{self, Error, Now};
use keydesk::browser_profile::PortalCookies;
use keydesk::i18n::{msg, text};
use keydesk::troubleshoot::FixAction;
use keydesk::troubleshoot::history::Attempt;
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;
use crate::signin::window;

fn internal(e: impl std::fmt::Display) -> Error {
    Error::other(keydesk::ErrorCode::Internal, e.to_string())
}

/// Checks one portal (or all) now; a check of less than five minutes ago stands.
#[tauri::command]
pub async fn portal_health(
    kd: State<'_, Keydesk>,
    portal_id: Option<i64>,
) -> Result<Vec<PortalHealth>, CommandError> {
    Ok(api::health::check(&kd, portal_id, Now::system()).await?)
}

/// The latest check of every portal.
#[tauri::command]
pub async fn portal_health_latest(
    kd: State<'_, Keydesk>,
) -> Result<Vec<PortalHealth>, CommandError> {
    Ok(api::health::latest(&kd)?)
}

/// A portal's sign-ins, newest first.
#[tauri::command]
pub async fn signin_history(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<Vec<Attempt>, CommandError> {
    Ok(api::troubleshoot::history(&kd, portal_id, 20)?)
}

/// The guided fix after the portal's last sign-in, if it failed.
#[tauri::command]
pub async fn troubleshoot_fix(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<Option<FixView>, CommandError> {
    Ok(api::troubleshoot::fix(&kd, portal_id)?)
}

/// Runs a step of the fix and returns what it found (also kept with the failed attempt).
#[tauri::command]
pub async fn troubleshoot_run(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    portal_id: i64,
    action: FixAction,
) -> Result<String, CommandError> {
    let now = Now::system();
    // What a step found, in the desk's language (the history keeps it as shown).
    let locale = kd.locale();
    api::troubleshoot::may_run(&kd)?;
    let found = match action {
        FixAction::ForgetCookies => {
            let portal = api::portals::get(&kd, portal_id)?;
            // The web engine's cookie calls wait on the GTK main loop: never on the main thread.
            tauri::async_runtime::spawn_blocking(move || -> Result<String, Error> {
                let cookies = window::WindowCookies::open(&app, &portal).map_err(|reason| {
                    keydesk::devices::DeviceError::Cookies {
                        portal: portal.fields.name.clone(),
                        reason,
                    }
                })?;
                let cookies = cookies.as_ref().map(|w| w as &dyn PortalCookies);
                api::troubleshoot::forget_cookies(&app.state::<Keydesk>(), portal_id, cookies, now)
            })
            .await
            .map_err(internal)??
        }
        FixAction::OpenForgotPassword => {
            let portal = api::portals::get(&kd, portal_id)?;
            let found = match window::open(&app, &kd, &portal) {
                Ok(w) => {
                    // The page's own link, followed once the sign-in page has loaded.
                    let mut link = None;
                    for _ in 0..30 {
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        link = window::eval_json::<Option<String>>(
                            &w,
                            keydesk::troubleshoot::FORGOT_LINK_SCRIPT,
                            std::time::Duration::from_secs(1),
                        )
                        .await
                        .flatten();
                        if link.is_some() {
                            break;
                        }
                    }
                    let _ = w.set_focus();
                    match link {
                        Some(href) => text(locale, msg::FOUND_FORGOT_PAGE_OPEN, &[("href", &href)]),
                        None => text(locale, msg::FOUND_NO_FORGOT_LINK, &[]),
                    }
                }
                Err(e) => text(locale, msg::FOUND_WINDOW_NOT_OPENED, &[("why", &e)]),
            };
            api::troubleshoot::note(&kd, portal_id, action, &found, now)?;
            found
        }
        FixAction::CleanProfileTry => {
            let view = crate::signin::start_clean(app.clone(), &kd, portal_id).await?;
            let found = text(
                locale,
                msg::FOUND_CLEAN_PROFILE_STARTED,
                &[("words", &view.words)],
            );
            api::troubleshoot::note(&kd, portal_id, action, &found, now)?;
            found
        }
        FixAction::PrepareSupportRequest => {
            let found = text(locale, msg::FOUND_PREPARE_REQUEST, &[]);
            api::troubleshoot::note(&kd, portal_id, action, &found, now)?;
            found
        }
        other => api::troubleshoot::run(&kd, portal_id, other, now).await?,
    };
    Ok(found)
}

/// The facts a support call about the portal needs.
#[tauri::command]
pub async fn support_facts(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<SupportFacts, CommandError> {
    Ok(api::support::facts(&kd, portal_id)?)
}

/// Keeps the practice's name and address.
#[tauri::command]
pub async fn support_set_practice(
    kd: State<'_, Keydesk>,
    practice: Practice,
) -> Result<(), CommandError> {
    Ok(api::support::set_practice(&kd, &practice)?)
}

/// Keeps the portal's support hours.
#[tauri::command]
pub async fn support_set_hours(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    hours: String,
) -> Result<(), CommandError> {
    Ok(api::support::set_support_hours(&kd, portal_id, &hours)?)
}

/// Writes the support request (a zip) to `path` and returns its summary.
#[tauri::command]
pub async fn support_packet(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    path: String,
    include_username: bool,
) -> Result<Packet, CommandError> {
    let options = PacketOptions {
        include_username,
        engine: Some(engine_version()),
    };
    let path = crate::picked_file::resolve(&path)?;
    Ok(api::support::packet(
        &kd,
        portal_id,
        &path,
        &options,
        Now::system(),
    )?)
}

/// The web engine's name and version.
fn engine_version() -> String {
    tauri::webview_version()
        .map(|v| format!("{} {v}", engine_name()))
        .unwrap_or_else(|_| engine_name().to_owned())
}

fn engine_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "WebKitGTK"
    } else if cfg!(target_os = "macos") {
        "WebKit"
    } else {
        "WebView2"
    }
}

/// Takes the picture of the portal's window at a failure and keeps it for the support request;
/// typed values are hidden while it is taken.
pub async fn keep_failure_screenshot(app: &AppHandle, kd: &Keydesk, portal_id: i64) {
    let Some(window) = app.get_webview_window(&window::label(portal_id)) else {
        return;
    };
    let wait = std::time::Duration::from_secs(1);
    window::eval_json::<bool>(&window, screenshot::HIDE_VALUES, wait).await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let title = window.title().unwrap_or_default();
    let picture = tauri::async_runtime::spawn_blocking(move || screenshot::capture(&title)).await;
    window::eval_json::<bool>(&window, screenshot::UNHIDE_VALUES, wait).await;
    match picture {
        Ok(Ok((w, h, rgba))) => {
            if let Err(e) = api::support::keep_screenshot_rgba(kd, portal_id, w, h, rgba) {
                tracing::warn!(error = %e, "could not keep the picture of the portal window");
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "no picture of the portal window"),
        Err(e) => tracing::warn!(error = %e, "no picture of the portal window"),
    }
}
