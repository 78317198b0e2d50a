//! One-click sign-in in the window: starting a sign-in (prepared by the core, driven in the
//! portal's own window), its state for the main window, and "Open in my browser".

mod driver;
pub mod window;

use keydesk::Keydesk;
use keydesk::api::{self, Now};
use keydesk::pending::MessageKey;
use keydesk::signin::{Failure, SignInView};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;

/// Starts signing in to a portal in its own window. `confirm` is the person's explicit "try
/// once more" after a failure the portal counts towards a lockout.
#[tauri::command]
pub async fn signin_start(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    portal_id: i64,
    confirm: bool,
) -> Result<SignInView, CommandError> {
    window::drop_clean(&app, portal_id).await;
    start(app.clone(), &kd, portal_id, confirm, false).await
}

/// A guided fix's *Try once in a clean profile*: a sign-in in a throwaway profile. It goes
/// through the retry guard like any other (no confirmation is given here), so it never tries a
/// password into a lockout.
pub async fn start_clean(
    app: AppHandle,
    kd: &Keydesk,
    portal_id: i64,
) -> Result<SignInView, CommandError> {
    start(app, kd, portal_id, false, true).await
}

async fn start(
    app: AppHandle,
    kd: &Keydesk,
    portal_id: i64,
    confirm: bool,
    clean: bool,
) -> Result<SignInView, CommandError> {
    let now = Now::system();
    let prepared = api::signin::prepare(kd, portal_id, confirm, now)?;
    // A window left open by an earlier sign-in still shows its last page until it navigates;
    // the machine must not take that page for this sign-in's.
    let stale_document = match app.get_webview_window(&window::label(portal_id)) {
        Some(w) => window::eval_json::<keydesk::signin::Observation>(
            &w,
            &keydesk::signin::script::observe(prepared.machine.recipe()),
            std::time::Duration::from_secs(1),
        )
        .await
        .map(|o| o.document),
        None => None,
    };
    let (machine, password, claim) = prepared.into_parts();
    let machine = machine.ignoring_document(stale_document);
    let password = match password {
        Ok(password) => password,
        Err(failure) => return Ok(api::signin::end(kd, machine, claim, failure, now)),
    };
    let opened = if clean {
        window::open_clean(&app, kd, machine.portal()).await
    } else {
        window::open(&app, kd, machine.portal())
    };
    if let Err(message) = opened {
        let failure = Failure::Window { message };
        return Ok(api::signin::end(kd, machine, claim, failure, now));
    }
    let view = api::signin::publish(kd, &machine, None);
    tracing::info!(portal = portal_id, recipe = %machine.recipe().id, "sign-in started");
    // The portal's health beside the sign-in (at most one request in five minutes), so a
    // failure the page does not explain has a recent check to be explained by.
    let health_app = app.clone();
    kd.spawn(async move {
        let kd = health_app.state::<Keydesk>();
        if let Err(e) = api::health::check(&kd, Some(portal_id), Now::system()).await {
            tracing::warn!(error = %e, "could not check the portal's health");
        }
    });
    // Owned by the desk: cancelled (its window's sign-in cut short) when Keydesk quits.
    kd.spawn(driver::drive(app, machine, password, claim));
    Ok(view)
}

/// *Teach Keydesk this page*: waits (up to two minutes) for the person's click in the portal's
/// window and keeps the clicked field or button as the portal's own hint for `step`. The click
/// travels on the observation channel (a script the shell runs and reads back): the portal
/// window still gets no IPC. Returns the selector kept.
#[tauri::command]
pub async fn signin_teach(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    portal_id: i64,
    step: String,
) -> Result<String, CommandError> {
    let closed = || {
        CommandError::from(api::Error::other(
            keydesk::ErrorCode::Browser,
            "The portal's window is closed: sign in once so it shows the page to teach.",
        ))
    };
    let window = app
        .get_webview_window(&window::label(portal_id))
        .ok_or_else(closed)?;
    let wait = std::time::Duration::from_secs(2);
    window::eval_json::<bool>(&window, keydesk::signin::script::TEACH, wait).await;
    let _ = window.set_focus();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let window = app
            .get_webview_window(&window::label(portal_id))
            .ok_or_else(closed)?;
        let taught =
            window::eval_json::<Option<String>>(&window, keydesk::signin::script::TAUGHT, wait)
                .await;
        if let Some(Some(selector)) = taught {
            api::signin::teach(&kd, portal_id, &step, &selector)?;
            return Ok(selector);
        }
    }
    Err(CommandError::from(api::Error::other(
        keydesk::ErrorCode::Browser,
        "No click came in the portal's window; teach it again when the page is there.",
    )))
}

/// The latest state of every sign-in of this run.
/// Forgets what the person taught Keydesk of the portal's pages; false when nothing was.
#[tauri::command]
pub async fn signin_forget_taught(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<bool, CommandError> {
    Ok(api::signin::forget_taught(&kd, portal_id)?)
}

/// The person vouches for the code a sign-in shows from a mail server that checks no sender.
#[tauri::command]
pub async fn signin_confirm_code(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    key: MessageKey,
) -> Result<(), CommandError> {
    Ok(api::signin::confirm_code(&kd, portal_id, &key)?)
}

#[tauri::command]
pub async fn signin_status(kd: State<'_, Keydesk>) -> Result<Vec<SignInView>, CommandError> {
    Ok(api::signin::views(&kd))
}

/// Opens the portal's sign-in page in the system's browser (the desk copies the username and
/// password from the Portals view).
#[tauri::command]
pub async fn signin_open_in_browser(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<(), CommandError> {
    let url = api::signin::browser_url(&kd, portal_id)?;
    open::that_detached(&url).map_err(|e| {
        CommandError::from(api::Error::other(
            keydesk::ErrorCode::Browser,
            format!("The system browser could not be opened ({e}); open {url} yourself."),
        ))
    })
}
