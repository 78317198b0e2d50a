//! The Authenticator view: every entry's current and next code, copying one, an HOTP entry's
//! next code, linking an entry to a portal, removing one; adding entries (`add`), backups
//! (`backup`) and the clock check (`clock`).

pub mod add;
pub mod backup;
pub mod clock;

use keydesk::otp::entries::{self, EntryCodesView};
use tauri::AppHandle;

use crate::clipboard;
use crate::error::CommandError;
use crate::state::DeskState;

/// Every entry with its codes now (this window is the one that shows them). While the keychain
/// cannot be read the entries are still listed, each saying why it has no code.
#[tauri::command]
pub async fn otp_codes(
    desk: tauri::State<'_, DeskState>,
) -> Result<Vec<EntryCodesView>, CommandError> {
    let mut desk = desk.lock().await;
    let codes = match desk.keychain() {
        Ok(keychain) => {
            match entries::codes(desk.store().conn(), &keychain, crate::unix_now() as u64) {
                Err(keydesk::otp::OtpError::Keychain(e)) => {
                    entries::without_codes(desk.store().conn(), &e.to_string())?
                }
                other => other?,
            }
        }
        Err(e) => entries::without_codes(desk.store().conn(), &e.to_string())?,
    };
    Ok(codes.iter().map(|c| c.view()).collect())
}

/// Copies an entry's current code (for HOTP: makes the next one, which uses it up); returns
/// the seconds until the clipboard is cleared.
#[tauri::command]
pub async fn otp_copy(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<u64, CommandError> {
    let code = {
        let mut desk = desk.lock().await;
        let keychain = desk.keychain()?;
        entries::use_code(desk.store().conn(), &keychain, id, crate::unix_now() as u64)?
    };
    clipboard::copy(&app, &code).await
}

/// An HOTP entry's next code, to show: its counter moves on, so the code is never shown twice.
#[tauri::command]
pub async fn otp_next_code(
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<String, CommandError> {
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    let code = entries::use_code(desk.store().conn(), &keychain, id, crate::unix_now() as u64)?;
    Ok(code.expose().to_owned())
}

/// Makes `portal` (or none) the portal whose second step uses this entry.
#[tauri::command]
pub async fn otp_link(
    desk: tauri::State<'_, DeskState>,
    id: i64,
    portal: Option<i64>,
) -> Result<(), CommandError> {
    let mut desk = desk.lock().await;
    if let Some(portal) = portal {
        // Refuse a link to a portal that is not there (the list may be stale).
        keydesk::portal::PortalBook::new(desk.store()).get(portal)?;
    }
    Ok(entries::set_portal(desk.store().conn(), id, portal)?)
}

/// Removes an entry and its secret key.
#[tauri::command]
pub async fn otp_remove(desk: tauri::State<'_, DeskState>, id: i64) -> Result<(), CommandError> {
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(entries::remove(desk.store().conn(), &keychain, id)?)
}
