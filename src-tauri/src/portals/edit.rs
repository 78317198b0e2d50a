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
/// profile. When the keychain cannot be reached the portal is kept, and nothing else happens.
/// Otherwise a running sign-in is stopped by closing its window (the profile's cookies may hold
/// a live session), no new one may start meanwhile, and the portal goes; a profile that cannot
/// be deleted keeps the portal, so nothing is orphaned.
#[tauri::command]
pub async fn portal_remove(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<(), CommandError> {
    // Said as the core says a blocked removal: what was kept, and what to do.
    desk.lock()
        .await
        .keychain()
        .map_err(keydesk::portal::PortalError::RemoveBlocked)?;
    let label = crate::signin::window::label(id);
    for label in [label.clone(), format!("{label}-cookies")] {
        if let Some(window) = app.get_webview_window(&label) {
            let _ = window.destroy();
        }
    }
    // Gone from the app's windows once the engine has torn the page down.
    for _ in 0..20 {
        if app.get_webview_window(&label).is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The sign-in's driver ends within a poll once its window is gone; holding its claim
    // keeps a new sign-in from opening the window (and the profile) again meanwhile.
    let mut claim = None;
    for _ in 0..50 {
        claim = crate::state::RunningSignIn::claim(&app, id);
        if claim.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let Some(_claim) = claim else {
        return Err(CommandError::new(
            "portal_remove_busy",
            "The portal was not removed: its sign-in is still running. Try again in a moment.",
        ));
    };
    // WebKit on macOS keeps a window's data in its own store, not in the profile folder.
    #[cfg(target_os = "macos")]
    if let Err(e) = app
        .remove_data_store(keydesk::browser_profile::data_store_id(
            &desk.profile_id,
            id,
        ))
        .await
    {
        // Before macOS 14 there is no store of its own to delete (see keydesk::browser_profile).
        tracing::warn!(error = %e, "could not delete the portal window's data store");
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
