//! The code inbox in the window: starts the core's watch when a mailbox is set up, tells the
//! UI when something changed (the event carries no code), and serves the list and copies.

use keydesk::inbox::{Inbox, InboxEvent};
use keydesk::pending::{MessageKey, PendingCodeView};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::mpsc;

use crate::error::CommandError;
use crate::state::{DeskState, InboxState};

/// Starts watching the mailbox, if one is set up. Failures show on the status screen.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let prepared = {
            let state = app.state::<DeskState>();
            let mut desk = state.lock().await;
            match desk.mailbox_credentials() {
                Ok(Some(credentials)) => desk.inbox_rules().map(|rules| Some((credentials, rules))),
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let ((settings, password), rules) = match prepared {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "the inbox cannot start");
                return;
            }
        };
        let (events_tx, mut events) = mpsc::channel(64);
        let inbox = Inbox::start(&settings, &password, rules, events_tx);
        *app.state::<InboxState>().lock().await = Some(inbox);
        while let Some(event) = events.recv().await {
            if let InboxEvent::NewCode { from, .. } = &event {
                tracing::info!(from = %from, "a new code arrived");
            }
            if let Err(e) = app.emit("inbox-changed", ()) {
                tracing::warn!(error = %e, "could not tell the window about the inbox");
            }
        }
    });
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

/// Copies a code to the clipboard and marks it used. The code goes from the core to the
/// clipboard directly; it does not pass through the page.
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
