//! The desk's settings: how long a copied password or code stays on the clipboard, and the
//! language.

use std::time::Duration;

use keydesk::Keydesk;
use keydesk::api;
use keydesk::api::settings::{LanguageSetting, LanguageView};
use tauri::State;

use crate::error::CommandError;

/// The clipboard clearing delay in force, in seconds.
#[tauri::command]
pub async fn clipboard_delay(kd: State<'_, Keydesk>) -> Result<u64, CommandError> {
    Ok(api::settings::clipboard_delay(&kd).as_secs())
}

/// Saves a new clearing delay (1 to 600 seconds); nothing changes when it is out of bounds.
#[tauri::command]
pub async fn set_clipboard_delay(kd: State<'_, Keydesk>, seconds: u64) -> Result<(), CommandError> {
    Ok(api::settings::set_clipboard_delay(
        &kd,
        Duration::from_secs(seconds),
    )?)
}

/// The language setting ("system", "en", "es") and the language shown.
#[tauri::command]
pub async fn language(kd: State<'_, Keydesk>) -> Result<LanguageView, CommandError> {
    Ok(api::settings::language(&kd))
}

/// Keeps the language setting; the window redraws on the settings change it announces.
#[tauri::command]
pub async fn set_language(
    kd: State<'_, Keydesk>,
    setting: LanguageSetting,
) -> Result<LanguageView, CommandError> {
    Ok(api::settings::set_language(&kd, setting)?)
}
