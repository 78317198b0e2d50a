//! The code inbox in the window: starts (and, when the mailbox settings change, restarts) the
//! core's watch, tells the UI when something changed (the event carries no code), announces new
//! codes, and serves the list, the connection state and copies.

mod notify;

use keydesk::inbox::{Inbox, InboxConnection, InboxEvent};
use keydesk::pending::{MessageKey, PendingCodeView};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::mpsc;

use crate::error::CommandError;
use crate::state::{DeskState, InboxState};

/// Starts watching the mailbox, if one is set up. Failures show in the Codes view.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move { run(app).await });
}

/// Stops the running inbox, if any, and starts it again with the saved settings and portals:
/// called after either changes, since the portals' senders decide which codes are matched (and
/// the new first sync matches the recent mail again).
pub async fn restart(app: &AppHandle) {
    let old = app.state::<InboxState>().lock().await.take();
    // Dropping the inbox stops its watches; its event loop below then ends by itself.
    drop(old);
    start(app);
}

async fn run(app: AppHandle) {
    let prepared = {
        let state = app.state::<DeskState>();
        let mut desk = state.lock().await;
        match desk.mailbox_credentials() {
            Ok(Some(credentials)) => desk.inbox_rules().map(|rules| Some((credentials, rules))),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let not_running = |failure: Option<(&'static str, String)>| {
        *app.state::<InboxState>().not_running.lock().unwrap() = failure;
        notify_window(&app);
    };
    let ((settings, password), rules) = match prepared {
        Ok(Some(found)) => found,
        Ok(None) => return not_running(None),
        Err(e) => {
            tracing::warn!(error = %e, "the inbox cannot start");
            let e = CommandError::from(e);
            return not_running(Some((e.code, e.message)));
        }
    };
    not_running(None);
    let (events_tx, mut events) = mpsc::channel(64);
    let inbox = Inbox::start(&settings, &password, rules, events_tx);
    *app.state::<InboxState>().lock().await = Some(inbox);
    while let Some(event) = events.recv().await {
        if let InboxEvent::NewCode {
            key,
            from,
            announce,
            ..
        } = &event
        {
            tracing::info!(from = %from, "a new code arrived");
            if *announce {
                notify::announce(&app, key).await;
            }
        }
        notify_window(&app);
    }
}

fn notify_window(app: &AppHandle) {
    if let Err(e) = app.emit("inbox-changed", ()) {
        tracing::warn!(error = %e, "could not tell the window about the inbox");
    }
}

/// The codes to show, newest first.
#[tauri::command]
pub async fn pending_codes(
    inbox: tauri::State<'_, InboxState>,
) -> Result<Vec<PendingCodeView>, CommandError> {
    let now = crate::unix_now();
    Ok(inbox
        .lock()
        .await
        .as_ref()
        .map(|i| i.view(now))
        .unwrap_or_default())
}

/// The mailbox connection as the Codes view shows it, with the last error in plain words.
#[tauri::command]
pub async fn inbox_connection(
    inbox: tauri::State<'_, InboxState>,
) -> Result<InboxConnection, CommandError> {
    if let Some(running) = inbox.lock().await.as_ref() {
        return Ok(running.connection());
    }
    Ok(match inbox.not_running.lock().unwrap().clone() {
        Some((code, message)) => InboxConnection::Stopped {
            code: code.to_owned(),
            message,
        },
        None => InboxConnection::NotSetUp,
    })
}

/// Copies a code to the clipboard and marks it used (here, and on the server for the other
/// desks). The code goes from the core to the clipboard directly; it does not pass through the
/// page.
#[tauri::command]
pub async fn copy_code(
    app: AppHandle,
    inbox: tauri::State<'_, InboxState>,
    key: MessageKey,
) -> Result<(), CommandError> {
    let guard = inbox.lock().await;
    let inbox = guard.as_ref().ok_or_else(|| {
        CommandError::new("inbox_not_running", "The mailbox is not being watched.")
    })?;
    let code = inbox
        .code(&key)
        .ok_or_else(|| CommandError::new("code_gone", "That code is no longer pending."))?;
    crate::clipboard::copy(&app, &code.code).await?;
    inbox.mark_used(&key);
    Ok(())
}
