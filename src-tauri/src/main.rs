//! Keydesk's desktop app: a thin Tauri shell over the `keydesk` core. Commands call the core,
//! events forward the core's events, windows and tray live here; no domain logic does.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod authenticator;
mod clipboard;
mod devices;
mod error;
mod inbox;
mod mailbox;
mod picked_file;
mod portals;
mod settings;
mod signin;
mod state;
mod status;

use std::fs::OpenOptions;
use std::path::Path;
use std::process::ExitCode;

use keydesk::Desk;

use crate::state::{DeskState, InboxState, SignInState};

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    lighten_the_web_engine();
    keydesk::secret::withhold_panic_details();
    let data_dir = data_dir_argument().unwrap_or_else(Desk::default_data_dir);
    let desk = match Desk::open(&data_dir) {
        Ok(desk) => desk,
        Err(e) => {
            eprintln!("Keydesk cannot open its profile: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&desk.log_dir());
    let mut desk = desk;
    let clear_after = keydesk::clipboard::saved_clear_after(desk.store()).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the clipboard delay; using the default");
        keydesk::clipboard::DEFAULT_CLEAR_AFTER
    });
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Keydesk starting");
    // The sign-in recipes are data: checked once here, so a bad one stops the start plainly.
    let recipes = match keydesk::signin::Recipes::shipped() {
        Ok(recipes) => recipes,
        Err(e) => {
            tracing::error!(error = %e, "the sign-in recipes are broken");
            eprintln!("Keydesk cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(DeskState::new(desk))
        .manage(InboxState::default())
        .manage(clipboard::ClipboardState::new(clear_after))
        .manage(SignInState::new(recipes))
        // When the main window's page has loaded, its script runs and the window is usable; the
        // launch benchmark (tests/bench/window) reads this line.
        .on_page_load(move |webview, payload| {
            if webview.label() == "main"
                && payload.event() == tauri::webview::PageLoadEvent::Finished
            {
                tracing::info!(
                    since_launch_ms = started.elapsed().as_millis() as u64,
                    "the main window has loaded"
                );
            }
        })
        .setup(|app| {
            inbox::start(app.handle());
            devices::start_reminders(app.handle());
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
            authenticator::otp_copy,
            status::keychain_status,
            portals::edit::portal_presets,
            portals::edit::portal_preset_fields,
            portals::edit::portal_get,
            portals::edit::portal_add,
            portals::edit::portal_update,
            portals::edit::portal_remove,
            portals::edit::portal_change_password,
            portals::recovery::portal_recovery_codes,
            portals::recovery::portal_set_recovery_codes,
            portals::recovery::portal_mark_recovery_code_used,
            portals::recovery::portal_copy_recovery_code,
            portals::transfer::portal_export,
            portals::transfer::portal_import_check,
            portals::transfer::portal_import,
            authenticator::otp_next_code,
            authenticator::otp_link,
            authenticator::otp_remove,
            authenticator::add::otp_add_link,
            authenticator::add::otp_add_qr_file,
            authenticator::add::otp_add_qr_clipboard,
            authenticator::add::otp_import_file,
            authenticator::backup::otp_export_backup,
            authenticator::backup::otp_export_plain,
            authenticator::backup::otp_import_backup,
            authenticator::clock::otp_clock_check,
            settings::clipboard_delay,
            settings::set_clipboard_delay,
            signin::signin_start,
            signin::signin_status,
            signin::signin_open_in_browser,
            devices::device_list,
            devices::device_forget,
            devices::device_add
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

/// WebKitGTK's accelerated compositing loads the GL stack into the web process (on machines
/// without a GPU driver, Mesa's llvmpipe): measured with tests/bench/window it costs about 65 MiB
/// of the process tree's PSS (279 MiB with it, 214 without) and nothing this UI needs. Turned off
/// unless the person set the variable themselves. Must run before any thread or GTK starts.
fn lighten_the_web_engine() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: first thing in main, before any other thread exists that could read the
        // environment concurrently.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
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
