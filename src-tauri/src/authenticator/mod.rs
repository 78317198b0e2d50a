//! The authenticator view: every entry's current and next code, and copying one.

use keydesk::otp::entries::{self, EntryCodesView};
use tauri::AppHandle;

use crate::clipboard;
use crate::error::CommandError;
use crate::state::DeskState;

/// Every entry with its codes now (this window is the one that shows them).
#[tauri::command]
pub async fn otp_codes(
    desk: tauri::State<'_, DeskState>,
) -> Result<Vec<EntryCodesView>, CommandError> {
    let mut desk = desk.lock().await;
    let keychain = desk.keychain().map_err(keydesk::DeskError::from)?;
    let codes = entries::codes(desk.store().conn(), &keychain, crate::unix_now() as u64)?;
    Ok(codes.iter().map(|c| c.view()).collect())
}

/// Copies an entry's current code (for HOTP: makes the next one, which uses it up).
#[tauri::command]
pub async fn otp_copy(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<(), CommandError> {
    let code = {
        let mut desk = desk.lock().await;
        let keychain = desk.keychain().map_err(keydesk::DeskError::from)?;
        entries::use_code(desk.store().conn(), &keychain, id, crate::unix_now() as u64)?
    };
    clipboard::copy(&app, &code).await
}
