//! Changing a portal's password in its window: the commands (each one call to
//! `keydesk::api::password`) and the driver that moves the change machine's observations in and
//! actions out. Every decision is the core's.

use std::time::Duration;

use keydesk::api::password::{ChangeView, RulesView, TestStop};
use keydesk::api::{self, Now};
use keydesk::portal::change::Took;
use keydesk::portal::rules::PasswordRules;
use keydesk::signin::change::{ChangeAction, PasswordChange};
use keydesk::signin::{FillReport, Observation, script};
use keydesk::{Keydesk, Secret};
use tauri::{AppHandle, Manager, State};

use crate::error::CommandError;
use crate::signin::window::{self, eval_json};

/// The portal's password rules.
#[tauri::command]
pub async fn password_rules(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<RulesView, CommandError> {
    Ok(api::password::rules(&kd, portal_id)?)
}

/// Keeps edited password rules for the portal.
#[tauri::command]
pub async fn password_set_rules(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    rules: PasswordRules,
) -> Result<RulesView, CommandError> {
    Ok(api::password::set_rules(&kd, portal_id, rules)?)
}

/// Makes a new password for the portal, kept beside the saved one until the person confirms.
#[tauri::command]
pub async fn password_propose(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<ChangeView, CommandError> {
    Ok(api::password::propose(&kd, portal_id, Now::system())?)
}

/// The proposed new password, for the few seconds the window shows it.
#[tauri::command]
pub async fn password_proposed(
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<String, CommandError> {
    Ok(api::password::proposed_password(&kd, portal_id)?
        .expose()
        .to_owned())
}

/// Drops a proposed change.
#[tauri::command]
pub async fn password_cancel(kd: State<'_, Keydesk>, portal_id: i64) -> Result<(), CommandError> {
    Ok(api::password::cancel(&kd, portal_id, Now::system())?)
}

/// Every portal's password change to show.
#[tauri::command]
pub async fn password_changes(kd: State<'_, Keydesk>) -> Result<Vec<ChangeView>, CommandError> {
    Ok(api::password::changes(&kd)?)
}

/// The person says which password the portal took, for a change cut short.
#[tauri::command]
pub async fn password_settle(
    kd: State<'_, Keydesk>,
    portal_id: i64,
    took: Took,
) -> Result<ChangeView, CommandError> {
    Ok(api::password::settle(&kd, portal_id, took, Now::system())?)
}

/// The person confirmed: the change runs in the portal's window.
#[tauri::command]
pub async fn password_change(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    portal_id: i64,
) -> Result<(), CommandError> {
    crate::signin::window::drop_clean(&app, portal_id).await;
    let mut prepared = api::password::prepare(&kd, portal_id, Now::system())?;
    // A window left open by an earlier sign-in still shows its last page (an expired password's
    // change form) until it navigates: that page is not this change's.
    let stale = match app.get_webview_window(&window::label(portal_id)) {
        Some(w) => eval_json::<Observation>(
            &w,
            &script::observe(prepared.machine.recipe()),
            Duration::from_secs(1),
        )
        .await
        .map(|o| o.document),
        None => None,
    };
    prepared.machine = prepared.machine.ignoring_document(stale);
    if let Err(message) = window::open(&app, &kd, prepared.machine.portal()) {
        let mut machine = prepared.machine;
        machine.stop(&format!("the portal's window could not open: {message}"));
        api::password::finish(&kd, machine, prepared.claim, Now::system());
        return Ok(());
    }
    kd.spawn(drive(app.clone(), prepared));
    Ok(())
}

const POLL: Duration = Duration::from_millis(150);
const SCRIPT_WAIT: Duration = Duration::from_secs(2);

async fn drive(app: AppHandle, prepared: api::password::PreparedChange) {
    let kd = app.state::<Keydesk>();
    let api::password::PreparedChange {
        mut machine,
        current,
        new,
        claim,
    } = prepared;
    let portal_id = machine.portal().id;
    let observe = script::observe(machine.recipe());
    let stop = api::password::test_stop();
    loop {
        let Some(w) = app.get_webview_window(&window::label(portal_id)) else {
            machine.stop("the portal's window was closed");
            break;
        };
        let seen: Observation = eval_json(&w, &observe, SCRIPT_WAIT)
            .await
            .unwrap_or_default();
        let action = machine.step_on(&seen, Now::system().millis());
        tracing::debug!(
            portal = portal_id,
            ready = seen.ready,
            origin = %seen.origin,
            controls = seen.controls.len(),
            step = machine.step(),
            action = action_name(&action),
            "password change looked at the page"
        );
        if perform(&kd, &w, &mut machine, action, &current, &new, stop).await {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    api::password::finish(&kd, machine, claim, Now::system());
}

/// Does one action; true when the change has ended.
async fn perform(
    kd: &Keydesk,
    w: &tauri::WebviewWindow,
    machine: &mut PasswordChange,
    action: ChangeAction,
    current: &Secret,
    new: &Secret,
    stop: Option<TestStop>,
) -> bool {
    let portal = machine.portal().clone();
    let script = match &action {
        ChangeAction::Wait => return false,
        ChangeAction::Done(_) => return true,
        ChangeAction::SignIn { origin, targets } => {
            script::fill_credentials(targets, origin, &portal.fields.username, Some(current))
        }
        ChangeAction::FillChange { origin, targets } => {
            if stop == Some(TestStop::BeforeSubmit) {
                hold("before the change form is sent").await;
            }
            // Noted before the fill: from here on the portal may take the new password.
            if let Err(e) = api::password::submitting(kd, portal.id, Now::system()) {
                tracing::warn!(error = %e, "could not note the change as sent; not sending it");
                machine.stop("Keydesk could not note the change before sending it");
                return true;
            }
            script::fill_change(targets, origin, Some(current), new)
        }
    };
    if window::engine_origin(w).as_deref() != Some(action_origin(&action)) {
        machine.stop("the portal's window moved to another address");
        return true;
    }
    let report = eval_json::<FillReport>(w, script.expose(), SCRIPT_WAIT)
        .await
        .unwrap_or_else(FillReport::no_answer);
    drop(script);
    tracing::debug!(
        portal = portal.id,
        action = action_name(&action),
        origin_ok = report.origin_ok,
        written = report.written,
        submitted = report.submitted,
        "password change filled"
    );
    if let ChangeAction::FillChange { .. } = action {
        if !report.written && report.origin_ok {
            // Nothing reached the page: the change is only proposed again.
            if let Err(e) = api::password::not_sent(kd, portal.id) {
                tracing::warn!(error = %e, "could not note that the change form was not filled");
            }
        } else if stop == Some(TestStop::AfterSubmit) {
            hold("after the change form was sent").await;
        }
    }
    machine.filled(report.origin_ok, report.written).is_some()
}

fn action_name(action: &ChangeAction) -> &'static str {
    match action {
        ChangeAction::Wait => "wait",
        ChangeAction::SignIn { .. } => "sign in",
        ChangeAction::FillChange { .. } => "fill the change form",
        ChangeAction::Done(_) => "done",
    }
}

fn action_origin(action: &ChangeAction) -> &str {
    match action {
        ChangeAction::SignIn { origin, .. } | ChangeAction::FillChange { origin, .. } => origin,
        _ => "",
    }
}

/// The test stop: the change goes no further, as if Keydesk had stopped here (the test then
/// quits the app). Debug builds only ([`api::password::STOP_ENV`]).
async fn hold(at: &str) {
    tracing::warn!(at, "password change held by the test stop");
    std::future::pending::<()>().await;
}
