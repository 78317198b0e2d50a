//! A portal's recovery (backup) codes: how many are left, saving a new set, marking one used,
//! copying one. The codes themselves go keychain → clipboard and never to the window.

use keydesk::Secret;
use keydesk::portal::{PortalBook, RecoveryCodeState};
use tauri::AppHandle;

use crate::clipboard;
use crate::error::CommandError;
use crate::state::DeskState;

/// Which codes are used (no code text; works without the keychain).
#[tauri::command]
pub async fn portal_recovery_codes(
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<Vec<RecoveryCodeState>, CommandError> {
    Ok(PortalBook::new(desk.lock().await.store()).recovery_code_states(id)?)
}

/// Saves the codes typed or pasted, one per line, replacing the portal's earlier set (a portal
/// that issues new codes voids the old ones). Blank lines are ignored.
#[tauri::command]
pub async fn portal_set_recovery_codes(
    desk: tauri::State<'_, DeskState>,
    id: i64,
    codes: String,
) -> Result<usize, CommandError> {
    let codes = Secret::new(codes);
    let list: Vec<Secret> = codes
        .expose()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(Secret::from)
        .collect();
    if list.is_empty() {
        return Err(CommandError::new(
            "portal_no_recovery_codes",
            "Type or paste the codes, one per line.",
        ));
    }
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    PortalBook::new(desk.store()).set_recovery_codes(id, &keychain, &list)?;
    Ok(list.len())
}

/// Marks code `number` (1-based) used now.
#[tauri::command]
pub async fn portal_mark_recovery_code_used(
    desk: tauri::State<'_, DeskState>,
    id: i64,
    number: usize,
) -> Result<(), CommandError> {
    Ok(
        PortalBook::new(desk.lock().await.store()).mark_recovery_code_used(
            id,
            number,
            crate::unix_now(),
        )?,
    )
}

/// Copies code `number`; returns the seconds until the clipboard is cleared.
#[tauri::command]
pub async fn portal_copy_recovery_code(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
    number: usize,
) -> Result<u64, CommandError> {
    let code = {
        let mut desk = desk.lock().await;
        let keychain = desk.keychain()?;
        PortalBook::new(desk.store()).recovery_code(id, number, &keychain)?
    };
    clipboard::copy(&app, &code.code).await
}
