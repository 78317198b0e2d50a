//! One-click sign-in in the window: starting a sign-in (the core's machine, driven in the
//! portal's own window), its state for the main window, and "Open in my browser".

mod driver;
pub mod window;

use keydesk::Secret;
use keydesk::portal::PortalBook;
use keydesk::signin::{Failure, RetryGuard, SignIn, SignInView};
use tauri::{AppHandle, Manager};

use crate::error::CommandError;
use crate::state::{DeskState, RunningSignIn, SignInState};

/// Starts signing in to a portal in its own window. `confirm` is the user's explicit "try once
/// more" after a failure the portal counts towards a lockout.
#[tauri::command]
pub async fn signin_start(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    sign_ins: tauri::State<'_, SignInState>,
    portal_id: i64,
    confirm: bool,
) -> Result<SignInView, CommandError> {
    let now = window::now_ms();
    let portal = PortalBook::new(desk.lock().await.store()).get(portal_id)?;
    // Checked and taken under one lock before anything else happens, so a double click cannot
    // start two sign-ins; every early return below drops the claim again.
    let claim = RunningSignIn::claim(&app, portal_id).ok_or_else(|| {
        start_error(keydesk::signin::StartError::AlreadyRunning(
            portal.fields.name.clone(),
        ))
    })?;
    RetryGuard::new(desk.lock().await.store())
        .check(&portal, confirm)
        .map_err(start_error)?;
    let recipe = sign_ins
        .lock()
        .recipes
        .for_preset(portal.fields.preset.as_deref())
        .clone();
    let password: Result<Option<Secret>, Failure> = {
        let mut desk = desk.lock().await;
        desk.keychain()
            .map_err(|e| Failure::Keychain {
                message: e.to_string(),
            })
            .and_then(|k| {
                PortalBook::new(desk.store())
                    .password(portal_id, &k)
                    .map_err(|e| Failure::Keychain {
                        message: e.to_string(),
                    })
            })
    };
    // A window left open by an earlier sign-in still shows its last page until it navigates;
    // the machine must not take that page for this sign-in's.
    let stale_document = match app.get_webview_window(&window::label(portal_id)) {
        Some(w) => window::eval_json::<keydesk::signin::Observation>(
            &w,
            &keydesk::signin::script::observe(&recipe),
            std::time::Duration::from_secs(1),
        )
        .await
        .map(|o| o.document),
        None => None,
    };
    let mut machine = SignIn::new(&portal, &recipe, now).ignoring_document(stale_document);
    let password = match password {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(ended(&app, &mut machine, Failure::NoPassword, now)),
        Err(failure) => return Ok(ended(&app, &mut machine, failure, now)),
    };
    if let Err(message) = window::open(&app, &portal) {
        return Ok(ended(&app, &mut machine, Failure::Window { message }, now));
    }
    let view = SignInView::of(&machine);
    tracing::info!(portal = portal_id, recipe = %machine.recipe().id, "sign-in started");
    tauri::async_runtime::spawn(driver::drive(app, machine, password, claim));
    Ok(view)
}

/// A sign-in that ended before its window opened.
fn ended(app: &AppHandle, machine: &mut SignIn, failure: Failure, now: i64) -> SignInView {
    machine.fail(failure, now);
    let view = SignInView::of(machine);
    driver::publish(app, view.clone());
    view
}

fn start_error(e: keydesk::signin::StartError) -> CommandError {
    CommandError::new(e.code(), &e.to_string())
}

/// The latest state of every sign-in of this run.
#[tauri::command]
pub async fn signin_status(
    sign_ins: tauri::State<'_, SignInState>,
) -> Result<Vec<SignInView>, CommandError> {
    let mut views: Vec<SignInView> = sign_ins.lock().views.values().cloned().collect();
    views.sort_by_key(|v| v.portal_id);
    Ok(views)
}

/// Opens the portal's sign-in page in the system's browser (the desk copies the username and
/// password from the Portals view).
#[tauri::command]
pub async fn signin_open_in_browser(
    desk: tauri::State<'_, DeskState>,
    portal_id: i64,
) -> Result<(), CommandError> {
    let url = PortalBook::new(desk.lock().await.store())
        .get(portal_id)?
        .fields
        .login_url;
    open::that_detached(&url).map_err(|e| {
        CommandError::new(
            "browser",
            &format!("The system browser could not be opened ({e}); open {url} yourself."),
        )
    })
}
