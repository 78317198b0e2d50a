//! Keydesk's desktop app: a thin Tauri shell over the `keydesk` core. Each command is one call
//! to the core's use-case layer (`keydesk::api`); the core's events are forwarded to the window;
//! windows, the clipboard and notifications are the platform's parts it provides. No domain
//! logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// First: the command list's macro is used by the modules below (textual scope).
include!("command_list.rs");

mod authenticator;
mod codes;
mod desktop;
mod devices;
mod error;
mod events;
mod mailbox;
mod password;
mod people;
mod picked_file;
mod platform;
mod portals;
mod settings;
mod signin;
mod status;
#[cfg(test)]
mod tests;
mod troubleshoot;

use std::process::ExitCode;
use std::sync::Arc;

use keydesk::api::{Platform, SHUTDOWN_WITHIN};
use keydesk::{Desk, Keydesk};
use tauri::{Manager, RunEvent};

/// Registers every command of `command_list.rs`.
macro_rules! handlers {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    lighten_the_web_engine();
    keydesk::secret::withhold_panic_details();
    keydesk::hardening::no_core_dumps();
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
    let app = desktop::plugins(tauri::Builder::default(), desk.profile_id())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
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
                desktop::loaded();
            }
        })
        .setup(move |app| {
            let parts = Platform {
                clipboard: Some(Arc::new(platform::SystemClipboard::new(
                    app.handle().clone(),
                ))),
                notifier: Some(Arc::new(platform::DesktopNotifier(app.handle().clone()))),
            };
            // The sign-in recipes are checked here: a bad one stops the start plainly.
            let kd = Keydesk::new(desk, parts)?;
            error::speak(kd.shared_locale());
            // Setup runs on the main thread, outside the async runtime the desk's tasks use.
            let _runtime = tauri::async_runtime::handle().inner().enter();
            events::forward(app.handle(), &kd);
            quit_on_signal(app.handle(), &kd);
            kd.start();
            desktop::start(app.handle(), &kd)?;
            app.manage(kd);
            people::lock_on_session(app.handle());
            Ok(())
        })
        .invoke_handler(with_commands!(handlers))
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the window could not open");
            eprintln!("Keydesk could not open its window: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|app, event| {
        // The last window closed: Keydesk goes on in the tray (its web view is gone).
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = &event
        {
            api.prevent_exit();
            tracing::info!("the window closed; Keydesk goes on in the tray");
            return;
        }
        // Quit (the tray, a signal) comes as ExitRequested while the plugins (the clipboard's
        // among them) still work; Exit comes after they are gone.
        if let RunEvent::ExitRequested { .. } = event
            && let Some(kd) = app.try_state::<Keydesk>()
        {
            // The profile is free for a new launch from now on: one made while this one winds
            // down would otherwise hand over to it, get no answer and fail to open.
            tauri_plugin_single_instance::destroy(app);
            // Clears a copy still on the clipboard, signs the mailbox watches out and waits
            // for every task, for a few seconds at most.
            let ended = tauri::async_runtime::block_on(kd.shutdown(SHUTDOWN_WITHIN));
            tracing::info!(all_tasks_ended = ended, "Keydesk stopped");
        }
    });
    ExitCode::SUCCESS
}

/// A desktop that logs out, or a service manager that stops Keydesk, sends SIGTERM (Ctrl-C in a
/// terminal, SIGINT): Keydesk then quits as from its window, clearing the clipboard and signing
/// the mailbox out, instead of dying with a copy on the clipboard.
fn quit_on_signal(app: &tauri::AppHandle, kd: &Keydesk) {
    let app = app.clone();
    kd.spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::warn!("cannot watch for the signal to quit");
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        tracing::info!("asked to quit by the system");
        app.exit(0);
    });
}

/// WebKitGTK's accelerated compositing loads the GL stack into the web process (on machines
/// without a GPU driver, Mesa's llvmpipe): measured with tests/bench/window it costs about 65 MiB
/// of the process tree's PSS (279 MiB with it, 214 without) and nothing this UI needs. Its
/// DMA-BUF renderer (WebKitGTK 2.42+) sets up GPU buffer sharing between the processes that a
/// window of lists and buttons does not need either (figures in the README). Each is turned off
/// unless the person set the variable themselves. Must run before any thread or GTK starts.
fn lighten_the_web_engine() {
    #[cfg(target_os = "linux")]
    for variable in [
        "WEBKIT_DISABLE_COMPOSITING_MODE",
        "WEBKIT_DISABLE_DMABUF_RENDERER",
    ] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: first thing in main, before any other thread exists that could read the
            // environment concurrently.
            unsafe { std::env::set_var(variable, "1") };
        }
    }
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

/// Logs go to `<data dir>/logs/keydesk.log` (rotated and capped, owner-only) and stderr, at the
/// level `KEYDESK_LOG` asks for Keydesk's own work; the libraries that see credentials or
/// message bodies stay quiet at any level (see `keydesk::logs`).
fn init_logging(dir: &std::path::Path) {
    use tracing_subscriber::{fmt, prelude::*};
    let spec = std::env::var(keydesk::logs::LEVEL_ENV).ok();
    let registry = tracing_subscriber::registry()
        .with(keydesk::logs::filter(spec.as_deref()))
        .with(fmt::layer().with_writer(std::io::stderr));
    match keydesk::logs::file(dir) {
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
