//! The mailbox settings form and the notification setting. The mailbox password goes from the
//! page into the keychain and never back.

use keydesk::api::{self, mailbox::MailboxSetup};
use keydesk::mailbox::MailboxSettings;
use keydesk::notification::NotificationSettings;
use keydesk::{Keydesk, Secret};
use tauri::State;

use crate::error::CommandError;

/// The saved mailbox settings, and whether a password is stored (never the password).
#[tauri::command]
pub async fn mailbox_setup(kd: State<'_, Keydesk>) -> Result<MailboxSetup, CommandError> {
    Ok(api::mailbox::setup(&kd)?)
}

/// Saves the mailbox settings (and the password, when one was typed; an empty field keeps the
/// saved one); the inbox starts again with them.
#[tauri::command]
pub async fn save_mailbox(
    kd: State<'_, Keydesk>,
    settings: MailboxSettings,
    password: Option<String>,
) -> Result<(), CommandError> {
    let password = password.filter(|p| !p.is_empty()).map(Secret::new);
    Ok(api::mailbox::save(&kd, &settings, password.as_ref())?)
}

/// The authserv-ids the saved mailbox's server stamps on recent mail, most frequent first, for
/// the form to propose.
#[tauri::command]
pub async fn mailbox_seen_ids(
    kd: State<'_, Keydesk>,
) -> Result<Vec<keydesk::mailbox::SeenAuthservId>, CommandError> {
    Ok(api::mailbox::seen_authserv_ids(&kd).await?)
}

/// How new codes are announced.
#[tauri::command]
pub async fn notification_settings(
    kd: State<'_, Keydesk>,
) -> Result<NotificationSettings, CommandError> {
    Ok(api::mailbox::notification_settings(&kd)?)
}

/// Changes how new codes are announced.
#[tauri::command]
pub async fn set_notification_settings(
    kd: State<'_, Keydesk>,
    settings: NotificationSettings,
) -> Result<(), CommandError> {
    Ok(api::mailbox::set_notification_settings(&kd, &settings)?)
}
