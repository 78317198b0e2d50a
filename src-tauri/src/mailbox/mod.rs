//! The mailbox settings form and the notification setting: read and saved through the core's
//! `Desk`. The mailbox password goes from the page into the keychain and never back.

use keydesk::Secret;
use keydesk::desk::MailboxSetup;
use keydesk::mailbox::MailboxSettings;
use keydesk::notification::NotificationSettings;
use tauri::AppHandle;

use crate::error::CommandError;
use crate::state::DeskState;

/// The saved mailbox settings, and whether a password is stored (never the password).
#[tauri::command]
pub async fn mailbox_setup(
    desk: tauri::State<'_, DeskState>,
) -> Result<MailboxSetup, CommandError> {
    Ok(desk.lock().await.mailbox_setup()?)
}

/// Saves the mailbox settings (and the password, when one was typed) and restarts the inbox
/// with them. Nothing is saved when a setting is wrong.
#[tauri::command]
pub async fn save_mailbox(
    app: AppHandle,
    desk: tauri::State<'_, DeskState>,
    settings: MailboxSettings,
    password: Option<String>,
) -> Result<(), CommandError> {
    // An empty field means "keep the saved password".
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    desk.lock()
        .await
        .save_mailbox(&settings, password.as_ref())?;
    tracing::info!(host = %settings.host, "mailbox settings saved; restarting the inbox");
    crate::inbox::restart(&app).await;
    Ok(())
}

/// How new codes are announced.
#[tauri::command]
pub async fn notification_settings(
    desk: tauri::State<'_, DeskState>,
) -> Result<NotificationSettings, CommandError> {
    Ok(desk.lock().await.notification_settings()?)
}

/// Changes how new codes are announced.
#[tauri::command]
pub async fn set_notification_settings(
    desk: tauri::State<'_, DeskState>,
    settings: NotificationSettings,
) -> Result<(), CommandError> {
    Ok(desk.lock().await.set_notification_settings(&settings)?)
}
