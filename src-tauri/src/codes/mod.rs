//! The code inbox in the window: the pending codes, copying one, the mailbox connection.

use keydesk::Keydesk;
use keydesk::api::{self, Now};
use keydesk::inbox::InboxConnection;
use keydesk::pending::{MessageKey, PendingCodeView};
use tauri::State;

use crate::error::CommandError;

/// The codes to show, newest first.
#[tauri::command]
pub async fn pending_codes(kd: State<'_, Keydesk>) -> Result<Vec<PendingCodeView>, CommandError> {
    Ok(api::codes::pending(&kd, Now::system()))
}

/// The mailbox connection as the Codes view shows it, with the last error in plain words.
#[tauri::command]
pub async fn inbox_connection(kd: State<'_, Keydesk>) -> Result<InboxConnection, CommandError> {
    Ok(api::codes::connection(&kd))
}

/// Copies a code to the clipboard and marks it used; the seconds until it is cleared. The code
/// goes from the core to the clipboard; it does not pass through the page.
#[tauri::command]
pub async fn copy_code(kd: State<'_, Keydesk>, key: MessageKey) -> Result<u64, CommandError> {
    Ok(api::codes::copy(&kd, &key)?.as_secs())
}
