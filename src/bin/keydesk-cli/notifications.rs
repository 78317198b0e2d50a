//! `keydesk-cli notifications`: how the app announces a new code.

use std::path::Path;

use keydesk::api;

/// `notifications` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Show the settings.
    Show,
    /// Change the settings.
    Set {
        /// Put the code itself in the notification: on or off (off by default, since
        /// notifications show on screen and stay in the notification history).
        #[arg(long, value_parser = parse_switch, action = clap::ArgAction::Set)]
        show_code: bool,
    },
}

fn parse_switch(text: &str) -> Result<bool, String> {
    match text {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        other => Err(format!("\"{other}\" is not on or off")),
    }
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    let mut settings = api::mailbox::notification_settings(&kd)?;
    if let Command::Set { show_code } = command {
        settings.show_code = show_code;
        api::mailbox::set_notification_settings(&kd, &settings)?;
    }
    println!(
        "show the code in notifications: {}",
        if settings.show_code { "on" } else { "off" }
    );
    Ok(())
}
