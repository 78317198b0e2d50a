//! The status screen: the keychain and mailbox connection states, as the core reports them.

use keydesk::Keydesk;
use keydesk::api::{self, status::DeskStatus};
use keydesk::keychain::KeychainStatus;
use tauri::State;

use crate::error::CommandError;

/// The current state of both connections (checks the mailbox over the network).
#[tauri::command]
pub async fn desk_status(kd: State<'_, Keydesk>) -> Result<DeskStatus, CommandError> {
    Ok(api::status::check(&kd).await)
}

/// Whether the keychain can be used now (no network).
#[tauri::command]
pub async fn keychain_status(kd: State<'_, Keydesk>) -> Result<KeychainStatus, CommandError> {
    Ok(api::status::keychain(&kd))
}
