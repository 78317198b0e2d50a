//! The portal list to and from a file, so an office manager sets up every desk the same way.
//! No secret is in the file.

use keydesk::portal::{ImportReport, PortalBook};
use serde::Serialize;

use crate::error::CommandError;
use crate::picked_file;
use crate::state::DeskState;

/// What an export wrote.
#[derive(Debug, Serialize)]
pub struct Exported {
    /// How many portals.
    pub count: usize,
    /// The file, as written (the typed name resolved).
    pub path: String,
}

/// Writes the portal list (no passwords, no recovery codes) to `path`.
#[tauri::command]
pub async fn portal_export(
    desk: tauri::State<'_, DeskState>,
    path: String,
) -> Result<Exported, CommandError> {
    let file = PortalBook::new(desk.lock().await.store()).export(crate::unix_now())?;
    let bytes = serde_json::to_vec_pretty(&file)
        .map_err(|e| CommandError::new("internal", &e.to_string()))?;
    let written = picked_file::write(&path, &bytes)?;
    Ok(Exported {
        count: file.portals.len(),
        path: written.display().to_string(),
    })
}

/// What importing `path` would add and reject; adds nothing.
#[tauri::command]
pub async fn portal_import_check(
    desk: tauri::State<'_, DeskState>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let bytes = picked_file::read(&path)?;
    Ok(PortalBook::new(desk.lock().await.store()).check_import(&bytes)?)
}

/// Adds the valid portals of `path` in one transaction; the report names each rejected one.
#[tauri::command]
pub async fn portal_import(
    app: tauri::AppHandle,
    desk: tauri::State<'_, DeskState>,
    path: String,
) -> Result<ImportReport, CommandError> {
    let bytes = picked_file::read(&path)?;
    let report = PortalBook::new(desk.lock().await.store()).import(&bytes, crate::unix_now())?;
    crate::inbox::restart(&app).await;
    Ok(report)
}
