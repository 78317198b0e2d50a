//! Drives one sign-in: observes the portal window, asks the core's machine what to do, does it,
//! and tells the main window how it goes. All decisions are the machine's; this file only moves
//! observations in and actions out.

use std::time::Duration;

use keydesk::Secret;
use keydesk::devices::DeviceBook;
use keydesk::pending::MessageKey;
use keydesk::portal::{Portal, PortalBook};
use keydesk::signin::{
    Action, CodeWanted, Failure, FillReport, Observation, OfferedCode, RetryGuard, SignIn,
    SignInView, codes, script,
};
use tauri::{AppHandle, Emitter, Manager, WebviewWindow};

use super::window::{self, eval_json, now_ms};
use crate::state::{DeskState, InboxState, RunningSignIn, SignInState};

/// How often the page is looked at.
const POLL: Duration = Duration::from_millis(100);
/// How long a script may take before the page counts as navigating.
const SCRIPT_WAIT: Duration = Duration::from_secs(2);

/// Tells the main window (only it) about a sign-in, and keeps the view for `signin_status`.
pub fn publish(app: &AppHandle, view: SignInView) {
    app.state::<SignInState>()
        .lock()
        .views
        .insert(view.portal_id, view.clone());
    if let Err(e) = app.emit_to("main", "signin-changed", &view) {
        tracing::warn!(error = %e, "could not tell the main window about a sign-in");
    }
}

/// Runs the sign-in to its end; `claim` is released when it has. The password is dropped (and
/// wiped) as soon as the page has it: the machine never sends it twice.
pub async fn drive(app: AppHandle, mut machine: SignIn, password: Secret, claim: RunningSignIn) {
    let mut password = Some(password);
    let portal = machine.portal().clone();
    let observe = script::observe(machine.recipe());
    let mut known_before: Vec<MessageKey> = Vec::new();
    let mut last = SignInView::of(&machine);
    publish(&app, last.clone());
    loop {
        let Some(window) = app.get_webview_window(&window::label(portal.id)) else {
            machine.fail(Failure::WindowClosed, now_ms());
            break;
        };
        let seen: Observation = eval_json(&window, &observe, SCRIPT_WAIT)
            .await
            .unwrap_or_default();
        let code = match machine.wants(&seen, now_ms()) {
            Some(wanted) => match find_code(&app, wanted, &known_before).await {
                Ok(code) => code,
                Err(failure) => {
                    machine.fail(failure, now_ms());
                    break;
                }
            },
            None => None,
        };
        let action = machine.step(&seen, code, now_ms());
        let done = perform(
            &app,
            &window,
            &mut machine,
            action,
            &mut password,
            &mut known_before,
        )
        .await;
        if done {
            // Its end is published once, below, with what the guard has to say about it.
            break;
        }
        let view = SignInView::of(&machine);
        if view != last {
            tracing::info!(portal = portal.id, state = ?view.failure_code.unwrap_or("ok"), words = %view.words, "sign-in");
            publish(&app, view.clone());
            last = view;
        }
        tokio::time::sleep(POLL).await;
    }
    let now = now_ms() / 1000;
    let warning = {
        let desk = app.state::<DeskState>();
        let mut desk = desk.lock().await;
        let mut guard = RetryGuard::new(desk.store());
        if let Err(e) = guard.record(&machine, now) {
            tracing::warn!(error = %e, "could not note how the sign-in ended");
        }
        guard.lockout_warning(&portal).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the failures in a row");
            None
        })
    };
    // The view is published before the claim goes, so a new start sees this one's end.
    let view = SignInView::of(&machine);
    tracing::info!(portal = portal.id, state = ?view.failure_code.unwrap_or("ok"), words = %view.words, "sign-in ended");
    publish(&app, view.with_lockout_warning(warning));
    drop(claim);
}

/// Does one action; true when the sign-in has ended.
async fn perform(
    app: &AppHandle,
    window: &WebviewWindow,
    machine: &mut SignIn,
    action: Action,
    password: &mut Option<Secret>,
    known_before: &mut Vec<MessageKey>,
) -> bool {
    let portal = machine.portal().clone();
    let recipe = machine.recipe().clone();
    let (script, key) = match action {
        Action::Wait => return false,
        Action::Fail(_) => return true,
        Action::Done {
            skipped_code,
            remember_ticked,
        } => {
            signed_in(app, window, machine, skipped_code, remember_ticked).await;
            return true;
        }
        Action::FillCredentials { ref origin } => {
            let Some(secret) = password.as_ref() else {
                // The machine asks for the password only until it was written once.
                machine.fail(Failure::WrongCredentials, now_ms());
                return true;
            };
            *known_before = inbox_keys(app, portal.id).await;
            (
                script::fill_credentials(&recipe, origin, &portal.fields.username, secret),
                None,
            )
        }
        Action::ChooseChannel {
            channel,
            ref origin,
        } => {
            *known_before = inbox_keys(app, portal.id).await;
            (
                Secret::new(script::choose_channel(&recipe, origin, channel)),
                None,
            )
        }
        Action::FillCode {
            ref code,
            ref key,
            ref origin,
        } => (script::fill_code(&recipe, origin, code), key.clone()),
    };
    // Right before the fill: the engine's own idea of the address, which no page script can
    // influence, must still be the origin the machine approved.
    if machine
        .engine_reports(window::engine_origin(window).as_deref(), now_ms())
        .is_some()
    {
        return true;
    }
    let report = eval_json::<FillReport>(window, script.expose(), SCRIPT_WAIT)
        .await
        .unwrap_or_else(FillReport::no_answer);
    drop(script);
    if matches!(action, Action::FillCredentials { .. }) && report.written {
        *password = None;
    }
    // A code written into the page is used, whether the page's button was found or not.
    if let Some(key) = key.filter(|_| report.written && report.origin_ok) {
        if let Some(inbox) = app.state::<InboxState>().lock().await.as_ref() {
            inbox.mark_used(&key);
        }
        let _ = app.emit_to("main", "inbox-changed", ());
    }
    machine
        .filled(report, now_ms())
        .is_some_and(|a| matches!(a, Action::Fail(_)))
}

/// The codes of this portal already in the inbox: a code filled later must not be one of them.
async fn inbox_keys(app: &AppHandle, portal_id: i64) -> Vec<MessageKey> {
    match app.state::<InboxState>().lock().await.as_ref() {
        Some(inbox) => inbox.keys_of_portal(portal_id),
        None => Vec::new(),
    }
}

/// Looks up the code the machine wants: from the inbox, or the linked authenticator entry.
async fn find_code(
    app: &AppHandle,
    wanted: CodeWanted,
    known_before: &[MessageKey],
) -> Result<Option<OfferedCode>, Failure> {
    let now_ms = now_ms();
    match wanted {
        CodeWanted::Mailed {
            portal_id,
            channel,
            since,
        } => {
            let inbox = app.state::<InboxState>();
            let inbox = inbox.lock().await;
            // Without a watched mailbox the desk can still type the code in the window itself.
            Ok(inbox
                .as_ref()
                .and_then(|i| {
                    i.code_for_sign_in(portal_id, channel, since, known_before, now_ms / 1000)
                })
                .map(OfferedCode::from))
        }
        CodeWanted::Authenticator { portal_id } => {
            let desk = app.state::<DeskState>();
            let mut desk = desk.lock().await;
            let keychain = desk.keychain().map_err(|e| Failure::Keychain {
                message: e.to_string(),
            })?;
            codes::authenticator_code(desk.store().conn(), &keychain, portal_id, now_ms).map(Some)
        }
    }
}

/// Records a finished sign-in: on the portal, and as a remembered device when it was ticked.
async fn signed_in(
    app: &AppHandle,
    window: &WebviewWindow,
    machine: &SignIn,
    skipped_code: bool,
    remember_ticked: bool,
) {
    let portal: &Portal = machine.portal();
    let now = now_ms() / 1000;
    let expiry = if remember_ticked || skipped_code {
        window::remember_cookie_expiry(window, portal, machine.recipe()).await
    } else {
        None
    };
    let desk = app.state::<DeskState>();
    let mut desk = desk.lock().await;
    if let Err(e) = PortalBook::new(desk.store()).record_sign_in(portal.id, now) {
        tracing::warn!(error = %e, "could not record the sign-in");
    }
    if let Err(e) = DeviceBook::new(desk.store()).after_sign_in(
        portal,
        remember_ticked,
        skipped_code,
        expiry,
        now,
    ) {
        tracing::warn!(error = %e, "could not record the remembered device");
    }
    let _ = app.emit_to("main", "devices-changed", ());
}
