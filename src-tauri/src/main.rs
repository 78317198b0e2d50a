//! Keydesk's desktop app: a thin Tauri shell over the `keydesk` core. Commands call the core,
//! events forward the core's events, windows and tray live here; no domain logic does.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod authenticator;
mod clipboard;
mod error;
mod inbox;
mod mailbox;
mod portals;
mod state;
mod status;

use std::fs::OpenOptions;
use std::path::Path;
use std::process::ExitCode;

use keydesk::Desk;

use crate::state::{DeskState, InboxState};

fn main() -> ExitCode {
    let data_dir = data_dir_argument().unwrap_or_else(Desk::default_data_dir);
    let desk = match Desk::open(&data_dir) {
        Ok(desk) => desk,
        Err(e) => {
            eprintln!("Keydesk cannot open its profile: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&desk.log_dir());
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Keydesk starting");

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(DeskState::new(desk))
        .manage(InboxState::default())
        .manage(clipboard::ClipboardState::default())
        .setup(|app| {
            inbox::start(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            status::desk_status,
            inbox::pending_codes,
            inbox::copy_code,
            inbox::inbox_connection,
            mailbox::mailbox_setup,
            mailbox::save_mailbox,
            mailbox::notification_settings,
            mailbox::set_notification_settings,
            portals::portal_list,
            portals::portal_copy,
            portals::portal_reveal,
            authenticator::otp_codes,
            authenticator::otp_copy
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the window could not run");
            eprintln!("Keydesk could not open its window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Now as UNIX seconds; the core takes time as an argument and the shell reads the clock.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `--data-dir PATH` on the command line chooses another profile (several desks on one
/// machine, tests); otherwise `$KEYDESK_DATA_DIR` or the platform's data folder.
fn data_dir_argument() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(Into::into);
        }
    }
    None
}

/// Logs go to `<data dir>/logs/keydesk.log` (and stderr). They never carry a secret: the core's
/// secret type prints `<redacted>`, and no code logs message bodies.
fn init_logging(dir: &Path) {
    use tracing_subscriber::{EnvFilter, fmt, prelude::*};
    let filter = EnvFilter::try_from_env("KEYDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let file = std::fs::create_dir_all(dir).and_then(|()| {
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("keydesk.log"))
    });
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr));
    match file {
        Ok(file) => registry
            .with(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(std::sync::Mutex::new(file)),
            )
            .init(),
        Err(e) => {
            registry.init();
            tracing::warn!(error = %e, "cannot write the log file; logging to stderr only");
        }
    }
}
