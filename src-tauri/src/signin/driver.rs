//! Drives one sign-in: observes the portal window, asks the core's machine what to do, does it,
//! and hands the bookkeeping to the core (`keydesk::api::signin`). All decisions are the
//! machine's and the core's; this file only moves observations in and actions out.

use std::time::Duration;

use keydesk::api::{self, Now};
use keydesk::pending::MessageKey;
use keydesk::signin::{Action, Claim, Failure, FillReport, Observation, SignIn, script};
use keydesk::{Keydesk, Secret};
use tauri::{AppHandle, Manager, WebviewWindow};

use super::window::{self, eval_json};

/// How often the page is looked at.
const POLL: Duration = Duration::from_millis(100);
/// How long a script may take before the page counts as navigating.
const SCRIPT_WAIT: Duration = Duration::from_secs(2);

/// Runs the sign-in to its end; `claim` is released when it has. The password is dropped (and
/// wiped) as soon as the page has it: the machine never sends it twice.
pub async fn drive(app: AppHandle, mut machine: SignIn, password: Secret, claim: Claim) {
    let kd = app.state::<Keydesk>();
    let mut password = Some(password);
    let portal_id = machine.portal().id;
    let observe = script::observe(machine.recipe());
    let mut known_before: Vec<MessageKey> = Vec::new();
    let mut last = api::signin::publish(&kd, &machine, None);
    loop {
        let Some(window) = app.get_webview_window(&window::label(portal_id)) else {
            machine.fail(Failure::WindowClosed, Now::system().millis());
            break;
        };
        let mut seen: Observation = eval_json(&window, &observe, SCRIPT_WAIT)
            .await
            .unwrap_or_default();
        seen.navigated_to = window::Navigations::last(&app, &window::label(portal_id));
        if seen.origin.is_empty() {
            // The script could not read the page (loading, or a host that never answered): its
            // address is still the engine's. Nothing is filled on an unread page.
            if let Ok(url) = window.url() {
                seen.origin = url.origin().ascii_serialization();
                seen.url = url.to_string();
            }
        }
        let code = match machine.wants(&seen, Now::system().millis()) {
            Some(wanted) => match api::signin::find_code(&kd, wanted, &known_before, Now::system())
            {
                Ok(code) => code,
                Err(failure) => {
                    machine.fail(failure, Now::system().millis());
                    break;
                }
            },
            None => None,
        };
        let action = machine.step(&seen, code, Now::system().millis());
        let done = perform(
            &kd,
            &window,
            &mut machine,
            action,
            &mut password,
            &mut known_before,
        )
        .await;
        if done {
            // Its end is published once, by finish, with what the guard has to say about it.
            break;
        }
        last = api::signin::publish(&kd, &machine, Some(&last));
        tokio::time::sleep(POLL).await;
    }
    if matches!(machine.state(), keydesk::signin::State::Failed { .. }) {
        // The window as the person sees it at the failure, for a support request.
        crate::troubleshoot::keep_failure_screenshot(&app, &kd, portal_id).await;
    }
    api::signin::finish(&kd, machine, claim, Now::system());
}

/// Does one action; true when the sign-in has ended.
async fn perform(
    kd: &Keydesk,
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
            let expiry = if api::signin::wants_cookie_expiry(skipped_code, remember_ticked) {
                window::remember_cookie_expiry(window, &portal, &recipe).await
            } else {
                None
            };
            api::signin::signed_in(
                kd,
                machine,
                skipped_code,
                remember_ticked,
                expiry,
                Now::system(),
            );
            return true;
        }
        Action::FillCredentials {
            ref origin,
            ref targets,
        } => {
            let secret = match targets.password {
                Some(_) => match password.as_ref() {
                    Some(secret) => Some(secret),
                    None => {
                        // The machine asks for the password only until it was written once.
                        machine.fail(Failure::WrongCredentials, Now::system().millis());
                        return true;
                    }
                },
                None => None,
            };
            *known_before = api::signin::codes_known_now(kd, portal.id);
            (
                script::fill_credentials(targets, origin, &portal.fields.username, secret),
                None,
            )
        }
        Action::ChooseChannel {
            ref origin,
            target,
            submit,
            ..
        } => {
            *known_before = api::signin::codes_known_now(kd, portal.id);
            (
                Secret::new(script::choose_channel(origin, target, submit)),
                None,
            )
        }
        Action::Reveal { ref origin, target } => {
            (Secret::new(script::reveal(origin, target)), None)
        }
        Action::FillCode {
            ref code,
            ref key,
            ref origin,
            ref boxes,
            submit,
            remember,
        } => (
            script::fill_code(boxes, submit, remember, origin, code),
            key.clone(),
        ),
    };
    // Right before the fill: the engine's own idea of the address, which no page script can
    // influence, must still be the origin the machine approved.
    if machine
        .engine_reports(
            window::engine_origin(window).as_deref(),
            Now::system().millis(),
        )
        .is_some()
    {
        return true;
    }
    let report = eval_json::<FillReport>(window, script.expose(), SCRIPT_WAIT)
        .await
        .unwrap_or_else(FillReport::no_answer);
    drop(script);
    if matches!(&action, Action::FillCredentials { targets, .. } if targets.password.is_some())
        && report.written
    {
        *password = None;
    }
    // A code written into the page is used, whether the page's button was found or not.
    if let Some(key) = key.filter(|_| report.written && report.origin_ok) {
        api::signin::code_written(kd, &key);
    }
    machine
        .filled(report, Now::system().millis())
        .is_some_and(|a| matches!(a, Action::Fail(_)))
}
