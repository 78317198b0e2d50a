//! The Authenticator view: every entry's codes, copying one, an HOTP entry's next code,
//! linking, removing, adding and importing entries, backups and the clock check.

use keydesk::api::authenticator::ClockLine;
use keydesk::api::portals::Exported;
use keydesk::api::{self, Now};
use keydesk::otp::ImportReport;
use keydesk::otp::entries::EntryCodesView;
use keydesk::{Keydesk, Secret};
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::picked_file;

/// Every entry with its codes now (this window is the one that shows them).
#[tauri::command]
pub async fn otp_codes(kd: State<'_, Keydesk>) -> Result<Vec<EntryCodesView>, CommandError> {
    Ok(api::authenticator::codes(&kd, Now::system())?)
}

/// Copies an entry's code; the seconds until the clipboard is cleared.
#[tauri::command]
pub async fn otp_copy(kd: State<'_, Keydesk>, id: i64) -> Result<u64, CommandError> {
    Ok(api::authenticator::copy(&kd, id, Now::system())?.as_secs())
}

/// An HOTP entry's next code, to show: its counter moves on, so it is never shown twice.
#[tauri::command]
pub async fn otp_next_code(kd: State<'_, Keydesk>, id: i64) -> Result<String, CommandError> {
    let code = api::authenticator::use_code(&kd, id, Now::system())?;
    Ok(code.expose().to_owned())
}

/// Makes `portal` (or none) the portal whose sign-in uses this entry.
#[tauri::command]
pub async fn otp_link(
    kd: State<'_, Keydesk>,
    id: i64,
    portal: Option<i64>,
) -> Result<(), CommandError> {
    Ok(api::authenticator::link(&kd, id, portal)?)
}

/// Removes an entry and its secret key.
#[tauri::command]
pub async fn otp_remove(kd: State<'_, Keydesk>, id: i64) -> Result<(), CommandError> {
    Ok(api::authenticator::remove(&kd, id)?)
}

/// Adds the entries of a pasted `otpauth://` or `otpauth-migration://` link.
#[tauri::command]
pub async fn otp_add_link(
    kd: State<'_, Keydesk>,
    link: String,
) -> Result<ImportReport, CommandError> {
    let link = Secret::new(link);
    Ok(api::authenticator::add_link(&kd, &link, Now::system())?)
}

/// Adds the entries of every QR code in an image file (PNG or JPEG).
#[tauri::command]
pub async fn otp_add_qr_file(
    kd: State<'_, Keydesk>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::authenticator::add_qr_file(&kd, &path, Now::system())?)
}

/// Adds the entries of the QR code in the clipboard's picture (a screenshot just taken).
#[tauri::command]
pub async fn otp_add_qr_clipboard(
    app: AppHandle,
    kd: State<'_, Keydesk>,
) -> Result<ImportReport, CommandError> {
    let picture = crate::platform::clipboard_picture(&app).await;
    Ok(api::authenticator::add_qr_picture(
        &kd,
        picture,
        Now::system(),
    )?)
}

/// Adds every entry of another authenticator's export (format recognised from the content).
#[tauri::command]
pub async fn otp_import_file(
    kd: State<'_, Keydesk>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::authenticator::import_file(
        &kd,
        &path,
        None,
        Now::system(),
    )?)
}

/// Writes every entry to an encrypted backup. The window checks that the password was typed
/// twice the same; the core refuses a short one.
#[tauri::command]
pub async fn otp_export_backup(
    kd: State<'_, Keydesk>,
    path: String,
    password: String,
) -> Result<Exported, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::authenticator::export_backup(&kd, &path, Secret::new(password)).await?)
}

/// Writes every entry as a plain `otpauth://` list; refused unless the person confirmed.
#[tauri::command]
pub async fn otp_export_plain(
    kd: State<'_, Keydesk>,
    path: String,
    understood: bool,
) -> Result<Exported, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::authenticator::export_plain(&kd, &path, understood)?)
}

/// Adds the entries of a Keydesk backup; entries already here are skipped.
#[tauri::command]
pub async fn otp_import_backup(
    kd: State<'_, Keydesk>,
    path: String,
    password: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::authenticator::import_backup(&kd, &path, Secret::new(password), Now::system()).await?)
}

/// Asks each portal's server for its time; nothing of the desk waits for the network.
#[tauri::command]
pub async fn otp_clock_check(kd: State<'_, Keydesk>) -> Result<Vec<ClockLine>, CommandError> {
    let check = api::authenticator::clock_check(&kd)?;
    Ok(check.await)
}
