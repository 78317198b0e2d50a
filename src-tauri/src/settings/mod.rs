//! Settings of this desk's profile that the window changes: how long a copied password or code
//! stays on the clipboard.

use std::time::Duration;

use keydesk::clipboard;

use crate::clipboard::ClipboardState;
use crate::error::CommandError;
use crate::state::DeskState;

/// The clipboard clearing delay in force, in seconds.
#[tauri::command]
pub async fn clipboard_delay(
    clipboard: tauri::State<'_, ClipboardState>,
) -> Result<u64, CommandError> {
    Ok(clipboard.clear_after().await.as_secs())
}

/// Saves a new clearing delay (1 to 600 seconds) and uses it from the next copy on. Nothing
/// changes when it is out of bounds.
#[tauri::command]
pub async fn set_clipboard_delay(
    desk: tauri::State<'_, DeskState>,
    clipboard: tauri::State<'_, ClipboardState>,
    seconds: u64,
) -> Result<(), CommandError> {
    let delay = Duration::from_secs(seconds);
    clipboard::save_clear_after(desk.lock().await.store(), delay)?;
    clipboard.set_clear_after(delay).await
}
