//! The Portals view: the list, copying a username or password, revealing a password; adding,
//! editing and removing portals (`edit`), their recovery codes (`recovery`), and the portal list
//! to and from a file (`transfer`).

pub mod edit;
pub mod recovery;
pub mod transfer;

use keydesk::Secret;
use keydesk::portal::{PortalBook, PortalSummary};
use serde::Deserialize;
use tauri::AppHandle;

use crate::clipboard;
use crate::error::CommandError;
use crate::state::DeskState;

/// Which credential to copy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// The sign-in name.
    Username,
    /// The password, from the keychain.
    Password,
}

/// Every portal with its method, username, last sign-in and password age.
#[tauri::command]
pub async fn portal_list(
    desk: tauri::State<'_, DeskState>,
) -> Result<Vec<PortalSummary>, CommandError> {
    let mut desk = desk.lock().await;
    Ok(PortalBook::new(desk.store()).summaries(crate::unix_now())?)
}

/// Copies a portal's username or password; the clipboard is cleared again after the delay,
/// whose length in seconds is returned.
#[tauri::command]
pub async fn portal_copy(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    id: i64,
    credential: Credential,
) -> Result<u64, CommandError> {
    let secret = read(&desk, id, &credential).await?;
    clipboard::copy(&app, &secret).await
}

/// The password itself, for the few seconds the window shows it.
#[tauri::command]
pub async fn portal_reveal(
    desk: tauri::State<'_, DeskState>,
    id: i64,
) -> Result<String, CommandError> {
    Ok(read(&desk, id, &Credential::Password)
        .await?
        .expose()
        .to_owned())
}

async fn read(desk: &DeskState, id: i64, credential: &Credential) -> Result<Secret, CommandError> {
    let mut desk = desk.lock().await;
    match credential {
        Credential::Username => Ok(Secret::new(
            PortalBook::new(desk.store()).get(id)?.fields.username,
        )),
        Credential::Password => {
            let keychain = desk.keychain()?;
            PortalBook::new(desk.store())
                .password(id, &keychain)?
                .ok_or_else(|| {
                    CommandError::new(
                        "portal_no_password",
                        "No password is saved for this portal.",
                    )
                })
        }
    }
}
