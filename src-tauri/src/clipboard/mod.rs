//! The system clipboard for the core's [`ClipboardWatch`]: copies a secret and clears it again
//! after the delay, only if the clipboard still holds it.

use std::time::Instant;

use keydesk::Secret;
use keydesk::clipboard::{Clipboard, ClipboardError, ClipboardWatch, Tick};
use tauri::{AppHandle, Manager};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tokio::sync::Mutex;

use crate::error::CommandError;

/// What Keydesk last copied, and when to clear it.
#[derive(Default)]
pub struct ClipboardState(Mutex<ClipboardWatch>);

/// The Tauri clipboard plugin behind the core's trait.
struct SystemClipboard<'a>(&'a AppHandle);

impl Clipboard for SystemClipboard<'_> {
    fn read_text(&self) -> Result<Option<Secret>, ClipboardError> {
        // An empty or non-text clipboard reads as an error in the plugin: that is "not ours".
        Ok(self.0.clipboard().read_text().ok().map(Secret::new))
    }
    fn write_text(&self, text: &Secret) -> Result<(), ClipboardError> {
        self.0
            .clipboard()
            .write_text(text.expose().to_owned())
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }
    fn clear(&self) -> Result<(), ClipboardError> {
        self.0
            .clipboard()
            .clear()
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }
}

/// Copies `secret` and schedules the clearing.
pub async fn copy(app: &AppHandle, secret: &Secret) -> Result<(), CommandError> {
    let state = app.state::<ClipboardState>();
    let clear_at = state
        .0
        .lock()
        .await
        .copy(&SystemClipboard(app), secret, Instant::now())
        .map_err(|e| CommandError::new(e.code(), &e.to_string()))?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep_until(clear_at.into()).await;
        let state = app.state::<ClipboardState>();
        let mut watch = state.0.lock().await;
        // A later copy moved the deadline: that copy's own timer clears it.
        if watch.deadline().is_some_and(|d| d > Instant::now()) {
            return;
        }
        match watch.tick(&SystemClipboard(&app), Instant::now()) {
            Ok(Tick::Cleared) => tracing::info!("cleared a copied secret from the clipboard"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not clear the clipboard"),
        }
    });
    Ok(())
}
