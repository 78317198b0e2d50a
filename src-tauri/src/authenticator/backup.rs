//! The authenticator's encrypted backup file (Argon2id + XChaCha20-Poly1305, in the core), and
//! the plain `otpauth://` list that is only written after an explicit warning.

use keydesk::Secret;
use keydesk::otp::{self, ImportReport, backup, entries};

use crate::error::CommandError;
use crate::picked_file;
use crate::portals::transfer::Exported;
use crate::state::DeskState;

/// Writes every entry to an encrypted backup at `path`. The window checks that the password
/// was typed twice the same; the core refuses a short one.
#[tauri::command]
pub async fn otp_export_backup(
    desk: tauri::State<'_, DeskState>,
    path: String,
    password: String,
) -> Result<Exported, CommandError> {
    let password = Secret::new(password);
    let (bytes, count) = {
        let mut desk = desk.lock().await;
        let keychain = desk.keychain()?;
        let conn = desk.store().conn();
        let bytes = otp::export_backup(
            conn,
            &keychain,
            &password,
            backup::KdfParams::DEFAULT,
            backup::Randomness::from_os(),
        )?;
        (bytes, entries::list(conn)?.len())
    };
    let written = picked_file::write(&path, &bytes)?;
    Ok(Exported {
        count,
        path: written.display().to_string(),
    })
}

/// Writes every entry as a plain `otpauth://` list: anyone with the file can make the codes.
/// Refused unless the person confirmed the warning.
#[tauri::command]
pub async fn otp_export_plain(
    desk: tauri::State<'_, DeskState>,
    path: String,
    understood: bool,
) -> Result<Exported, CommandError> {
    if !understood {
        return Err(CommandError::new(
            "otp_plain_not_confirmed",
            "A plain list holds every secret key readable by anyone with the file. Tick the box \
             to confirm, or make an encrypted backup instead.",
        ));
    }
    let (text, count) = {
        let mut desk = desk.lock().await;
        let keychain = desk.keychain()?;
        let conn = desk.store().conn();
        (
            otp::export_plain(conn, &keychain)?,
            entries::list(conn)?.len(),
        )
    };
    let written = picked_file::write(&path, text.expose().as_bytes())?;
    tracing::warn!("wrote a plain authenticator list (secret keys readable in the file)");
    Ok(Exported {
        count,
        path: written.display().to_string(),
    })
}

/// Adds the entries of a Keydesk backup; entries already here are skipped.
#[tauri::command]
pub async fn otp_import_backup(
    desk: tauri::State<'_, DeskState>,
    path: String,
    password: String,
) -> Result<ImportReport, CommandError> {
    let password = Secret::new(password);
    let bytes = picked_file::read(&path)?;
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(otp::import_backup(
        desk.store().conn(),
        &keychain,
        &bytes,
        &password,
        crate::unix_now() as u64,
    )?)
}
