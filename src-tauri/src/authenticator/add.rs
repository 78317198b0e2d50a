//! Adding authenticator entries: a pasted link (`otpauth://` or a Google Authenticator export
//! link), a QR code from an image file or from the clipboard's picture, or another app's export
//! file. Each returns what it took and what it skipped; a broken source adds nothing.

use keydesk::otp::{self, ImportReport};
use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::picked_file;
use crate::state::DeskState;

/// Adds the entries of a pasted `otpauth://` or `otpauth-migration://` link.
#[tauri::command]
pub async fn otp_add_link(
    desk: tauri::State<'_, DeskState>,
    link: String,
) -> Result<ImportReport, CommandError> {
    let link = Zeroizing::new(link);
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(otp::add_link(
        desk.store().conn(),
        &keychain,
        &link,
        crate::unix_now() as u64,
    )?)
}

/// Adds the entries of every QR code in an image file (PNG or JPEG).
#[tauri::command]
pub async fn otp_add_qr_file(
    desk: tauri::State<'_, DeskState>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(otp::add_qr_file(
        desk.store().conn(),
        &keychain,
        &path,
        crate::unix_now() as u64,
    )?)
}

/// Adds the entries of the QR code in the clipboard's picture (a screenshot just taken).
#[tauri::command]
pub async fn otp_add_qr_clipboard(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
) -> Result<ImportReport, CommandError> {
    // Read off the main thread: the clipboard library can deadlock there on Linux.
    let image = tauri::async_runtime::spawn_blocking(move || {
        app.clipboard()
            .read_image()
            .map(|i| (i.width(), i.height(), i.rgba().to_vec()))
    })
    .await
    .map_err(|e| CommandError::new("internal", &e.to_string()))?
    .map_err(|_| {
        CommandError::new(
            "clipboard_no_image",
            "The clipboard holds no picture. Take a screenshot of the QR code (for example \
             with Shift+Print Screen to copy it), then try again.",
        )
    })?;
    let image = otp::qr::image_from_rgba(image.0, image.1, image.2)?;
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(otp::add_qr_image(
        desk.store().conn(),
        &keychain,
        &image,
        crate::unix_now() as u64,
    )?)
}

/// Adds every entry of an Aegis, 2FAS, Ente Auth, Bitwarden or Google Authenticator export
/// (format recognised from the content), or of a plain `otpauth://` list.
#[tauri::command]
pub async fn otp_import_file(
    desk: tauri::State<'_, DeskState>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let bytes = Zeroizing::new(picked_file::read(&path)?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        CommandError::new(
            "otp_bad_export",
            "The file is not a text export (Aegis, 2FAS, Ente Auth, Bitwarden or a list of \
             otpauth:// links). For a QR code picture use \"QR code image\"; for a Keydesk \
             backup use \"Keydesk backup\". Nothing was imported.",
        )
    })?;
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(otp::add_text(
        desk.store().conn(),
        &keychain,
        text,
        None,
        crate::unix_now() as u64,
    )?)
}
