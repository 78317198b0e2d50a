//! The status screen: the keychain and mailbox connection states, as the core reports them.

use keydesk::{DeskStatus, KeychainStatus};

use crate::error::CommandError;
use crate::state::DeskState;

/// The current state of both connections (checks the mailbox over the network).
#[tauri::command]
pub async fn desk_status(desk: tauri::State<'_, DeskState>) -> Result<DeskStatus, CommandError> {
    let check = desk.lock().await.status();
    Ok(check.await)
}

/// Whether the keychain can be used now (no network): the Portals and Authenticator views say
/// "keychain unavailable: …" and keep everything that needs no secret working.
#[tauri::command]
pub async fn keychain_status() -> KeychainStatus {
    keydesk::keychain::OsKeychain::status()
}
