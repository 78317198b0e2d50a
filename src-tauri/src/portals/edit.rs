//! Adding, editing and removing portals; presets; changing the saved password.

use keydesk::Secret;
use keydesk::portal::{Portal, PortalBook, PortalFields, Preset};
use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::error::CommandError;
use crate::state::DeskState;

/// A preset as the "Add portal" picker shows it.
#[derive(Debug, Serialize)]
pub struct PresetChoice {
    /// Stable id, passed back to [`portal_preset_fields`].
    pub id: &'static str,
    /// The portal's name.
    pub name: &'static str,
    /// What the front desk should know about it.
    pub note: &'static str,
    /// True when the organization's own sign-in address must be given (MyChart).
    pub needs_organization_url: bool,
}

/// The shipped presets.
#[tauri::command]
pub fn portal_presets() -> Vec<PresetChoice> {
    keydesk::portal::PRESETS
        .iter()
        .map(|p| PresetChoice {
            id: p.id,
            name: p.name,
            note: p.note,
            needs_organization_url: p.needs_organization_url(),
        })
        .collect()
}

/// The fields a preset fills, for the form to show before anything is saved.
#[tauri::command]
pub fn portal_preset_fields(
    preset: String,
    organization_url: Option<String>,
) -> Result<PortalFields, CommandError> {
    Ok(Preset::find(&preset)?.fields(organization_url.as_deref())?)
}

/// One portal with every field, for the edit form.
#[tauri::command]
pub async fn portal_get(
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<Portal, CommandError> {
    Ok(PortalBook::new(desk.lock().await.store()).get(id)?)
}

/// Adds a portal, with its password when one is given. Nothing is saved when either the
/// settings or the keychain fail.
#[tauri::command]
pub async fn portal_add(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    fields: PortalFields,
    password: Option<String>,
) -> Result<Portal, CommandError> {
    let added = {
        let mut desk = desk.lock().await;
        let now = crate::unix_now();
        match password.filter(|p| !p.is_empty()).map(Secret::new) {
            Some(password) => {
                // Check the fields first, so a form error is shown even while the keychain is
                // closed.
                let fields = fields.validate()?;
                let keychain = desk.keychain()?;
                PortalBook::new(desk.store())
                    .add_with_password(fields, &keychain, &password, now)?
            }
            None => PortalBook::new(desk.store()).add(fields, now)?,
        }
    };
    crate::inbox::restart(&app).await;
    Ok(added)
}

/// Replaces a portal's settings; needs no keychain.
#[tauri::command]
pub async fn portal_update(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
    fields: PortalFields,
) -> Result<Portal, CommandError> {
    let updated = PortalBook::new(desk.lock().await.store()).update(id, fields)?;
    crate::inbox::restart(&app).await;
    Ok(updated)
}

/// Removes a portal with its password and recovery codes from the keychain and its browser
/// profile (its window is closed first: the cookies may hold a live session). When the keychain
/// cannot be reached, or the profile cannot be deleted, the portal is kept, so nothing is
/// orphaned.
#[tauri::command]
pub async fn portal_remove(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<(), CommandError> {
    if let Some(window) = app.get_webview_window(&crate::signin::window::label(id)) {
        let _ = window.destroy();
        // The engine lets go of the profile's files once the page is torn down.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    desk.lock().await.remove_portal(id)?;
    crate::inbox::restart(&app).await;
    Ok(())
}

/// Saves a new password (after it was changed at the portal) and records today as its date.
#[tauri::command]
pub async fn portal_change_password(
    desk: tauri::State<'_, DeskState>,
    id: i64,
    password: String,
) -> Result<(), CommandError> {
    let password = Secret::new(password);
    let mut desk = desk.lock().await;
    let keychain = desk.keychain()?;
    Ok(PortalBook::new(desk.store()).set_password(id, &keychain, &password, crate::unix_now())?)
}
