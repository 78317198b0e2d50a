//! `keydesk-cli settings`: the desk's settings that are not an area's own.

use std::path::Path;

use keydesk::api;
use keydesk::api::settings::LanguageSetting;

/// `settings` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Show or set the language of the app's window, tray and notifications.
    Language {
        /// "system" (the computer's language), "en" or "es"; shows the setting without it.
        #[arg(value_parser = parse_language)]
        setting: Option<LanguageSetting>,
    },
}

fn parse_language(text: &str) -> Result<LanguageSetting, String> {
    LanguageSetting::parse(text).ok_or_else(|| format!("\"{text}\" is not system, en or es"))
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let Command::Language { setting } = command;
    let kd = super::open(data_dir)?;
    let view = match setting {
        Some(setting) => api::settings::set_language(&kd, setting)?,
        None => api::settings::language(&kd),
    };
    // The language the window shows: the setting's, not the CLI's own English.
    println!(
        "language: {} (the window shows {})",
        view.setting.as_str(),
        view.setting.locale().as_str()
    );
    Ok(())
}
