//! The system clipboard for the core's [`ClipboardWatch`]: copies a secret and clears it again
//! after the delay, only if the clipboard still holds it. The delay is the profile's setting.

use std::time::{Duration, Instant};

use keydesk::Secret;
use keydesk::clipboard::{Clipboard, ClipboardError, ClipboardWatch, Tick};
use tauri::{AppHandle, Manager};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tokio::sync::Mutex;

use crate::error::CommandError;

/// What Keydesk last copied, and when to clear it.
#[derive(Default)]
pub struct ClipboardState(Mutex<ClipboardWatch>);

impl ClipboardState {
    /// A watch that clears after `clear_after` (the profile's saved delay).
    pub fn new(clear_after: Duration) -> Self {
        Self(Mutex::new(
            ClipboardWatch::new(clear_after).unwrap_or_default(),
        ))
    }

    /// Uses `clear_after` for the next copies.
    pub async fn set_clear_after(&self, clear_after: Duration) -> Result<(), CommandError> {
        Ok(self.0.lock().await.set_clear_after(clear_after)?)
    }

    /// The delay in force.
    pub async fn clear_after(&self) -> Duration {
        self.0.lock().await.clear_after()
    }
}

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

/// Copies `secret` and schedules the clearing; returns the delay in seconds, for the window to
/// say when the clipboard will be cleared.
pub async fn copy(app: &AppHandle, secret: &Secret) -> Result<u64, CommandError> {
    let state = app.state::<ClipboardState>();
    let (clear_at, delay) = {
        let mut watch = state.0.lock().await;
        let at = watch.copy(&SystemClipboard(app), secret, Instant::now())?;
        (at, watch.clear_after().as_secs())
    };
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
    Ok(delay)
}
