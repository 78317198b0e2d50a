//! The Portals view: the list, adding, editing and removing portals, copying or showing a
//! credential, recovery codes, and the portal list to and from a file.

use keydesk::api::portals::{Credential, Exported, PresetChoice};
use keydesk::api::{self, Now};
use keydesk::portal::{ImportReport, Portal, PortalFields, PortalSummary, RecoveryCodeState};
use keydesk::{Keydesk, Secret};
use tauri::{AppHandle, State};

use crate::error::CommandError;
use crate::picked_file;

/// Every portal with its method, username, last sign-in and password age.
#[tauri::command]
pub async fn portal_list(kd: State<'_, Keydesk>) -> Result<Vec<PortalSummary>, CommandError> {
    Ok(api::portals::list(&kd, Now::system())?)
}

/// Copies a portal's username or password; the seconds until the clipboard is cleared.
#[tauri::command]
pub async fn portal_copy(
    kd: State<'_, Keydesk>,
    id: i64,
    credential: Credential,
) -> Result<u64, CommandError> {
    Ok(api::portals::copy(&kd, id, credential)?.as_secs())
}

/// Makes the portal the signed-in person's own (only they see it) or the desk's again.
#[tauri::command]
pub async fn portal_set_own(
    kd: State<'_, Keydesk>,
    id: i64,
    own: bool,
) -> Result<(), CommandError> {
    Ok(api::portals::set_own(&kd, id, own)?)
}

/// The password itself, for the few seconds the window shows it.
#[tauri::command]
pub async fn portal_reveal(kd: State<'_, Keydesk>, id: i64) -> Result<String, CommandError> {
    let password = api::portals::credential(&kd, id, Credential::Password)?;
    Ok(password.expose().to_owned())
}

/// The shipped presets.
#[tauri::command]
pub async fn portal_presets() -> Result<Vec<PresetChoice>, CommandError> {
    Ok(api::portals::presets())
}

/// The fields a preset fills, for the form to show before anything is saved.
#[tauri::command]
pub async fn portal_preset_fields(
    preset: String,
    organization_url: Option<String>,
) -> Result<PortalFields, CommandError> {
    Ok(api::portals::preset_fields(
        &preset,
        organization_url.as_deref(),
    )?)
}

/// One portal, for the edit form.
#[tauri::command]
pub async fn portal_get(kd: State<'_, Keydesk>, id: i64) -> Result<Portal, CommandError> {
    Ok(api::portals::get(&kd, id)?)
}

/// Adds a portal; with a password, that goes to the keychain in the same step.
#[tauri::command]
pub async fn portal_add(
    kd: State<'_, Keydesk>,
    fields: PortalFields,
    password: Option<String>,
) -> Result<Portal, CommandError> {
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    Ok(api::portals::add(
        &kd,
        fields,
        password.as_ref(),
        Now::system(),
    )?)
}

/// Replaces a portal's settings.
#[tauri::command]
pub async fn portal_update(
    kd: State<'_, Keydesk>,
    id: i64,
    fields: PortalFields,
) -> Result<Portal, CommandError> {
    Ok(api::portals::update(&kd, id, fields)?)
}

/// Removes a portal with its keychain items and its browser profile. Its window closes first:
/// a running web view keeps writing to the profile.
#[tauri::command]
pub async fn portal_remove(
    app: AppHandle,
    kd: State<'_, Keydesk>,
    id: i64,
) -> Result<(), CommandError> {
    api::portals::removable(&kd, id)?;
    crate::signin::window::close(&app, &kd, id).await;
    Ok(api::portals::remove(&kd, id).await?)
}

/// Saves a new password (after it was changed at the portal) and records today as its date.
#[tauri::command]
pub async fn portal_change_password(
    kd: State<'_, Keydesk>,
    id: i64,
    password: String,
) -> Result<(), CommandError> {
    let password = Secret::new(password);
    Ok(api::portals::change_password(
        &kd,
        id,
        &password,
        Now::system(),
    )?)
}

/// Which recovery codes are used (no code text; works without the keychain).
#[tauri::command]
pub async fn portal_recovery_codes(
    kd: State<'_, Keydesk>,
    id: i64,
) -> Result<Vec<RecoveryCodeState>, CommandError> {
    Ok(api::portals::recovery_codes(&kd, id)?)
}

/// Saves the codes typed or pasted, one per line; how many were saved.
#[tauri::command]
pub async fn portal_set_recovery_codes(
    kd: State<'_, Keydesk>,
    id: i64,
    codes: String,
) -> Result<usize, CommandError> {
    let codes = Secret::new(codes);
    Ok(api::portals::set_recovery_codes(&kd, id, &codes)?)
}

/// Marks code `number` (1-based) used now.
#[tauri::command]
pub async fn portal_mark_recovery_code_used(
    kd: State<'_, Keydesk>,
    id: i64,
    number: usize,
) -> Result<(), CommandError> {
    Ok(api::portals::mark_recovery_code_used(
        &kd,
        id,
        number,
        Now::system(),
    )?)
}

/// Copies code `number`; the seconds until the clipboard is cleared.
#[tauri::command]
pub async fn portal_copy_recovery_code(
    kd: State<'_, Keydesk>,
    id: i64,
    number: usize,
) -> Result<u64, CommandError> {
    Ok(api::portals::copy_recovery_code(&kd, id, number)?.as_secs())
}

/// Writes the portal list (no passwords, no recovery codes) to the file named.
#[tauri::command]
pub async fn portal_export(kd: State<'_, Keydesk>, path: String) -> Result<Exported, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::portals::export(&kd, &path, Now::system())?)
}

/// What importing the file would add and reject; adds nothing.
#[tauri::command]
pub async fn portal_import_check(
    kd: State<'_, Keydesk>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::portals::import_check(&kd, &path)?)
}

/// Adds the valid portals of the file in one transaction; the report names each rejected one.
#[tauri::command]
pub async fn portal_import(
    kd: State<'_, Keydesk>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let path = picked_file::resolve(&path)?;
    Ok(api::portals::import(&kd, &path, Now::system())?)
}
