//! The global shortcut (Ctrl+Alt+K unless changed) that shows Keydesk with the newest code. A
//! combination another program holds is reported in Settings, never silently ignored.

use std::sync::Mutex;

use keydesk::api;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

/// Why the shortcut does not work now, if it does not.
#[derive(Default)]
pub struct Problem(Mutex<Option<String>>);

impl Problem {
    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, problem: Option<String>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = problem;
    }
}

/// The plugin, with what a press does: Keydesk forward on the newest code.
pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                tracing::info!("the shortcut was pressed");
                super::show(app, super::newest_code(app));
            }
        })
        .build()
}

fn parse(text: &str) -> Result<Shortcut, api::Error> {
    text.parse::<Shortcut>().map_err(|e| {
        api::Error::other(
            keydesk::ErrorCode::ShortcutInvalid,
            format!("\"{text}\" is not a key combination the system understands ({e})."),
        )
    })
}

/// Registers the saved shortcut at start; a clash is kept for Settings to show.
pub fn apply(app: &AppHandle, text: &str) {
    let result = parse(text).and_then(|shortcut| {
        app.global_shortcut()
            .register(shortcut)
            .map_err(|_| api::desktop::shortcut_taken(text))
    });
    let problem = match result {
        Ok(()) => {
            tracing::info!(shortcut = text, "the shortcut is registered");
            None
        }
        Err(e) => {
            tracing::warn!(shortcut = text, error = %e, "the shortcut is not available");
            Some(e.to_string())
        }
    };
    app.state::<Problem>().set(problem);
}

/// Swaps `current` for `wanted`; if the system refuses `wanted`, `current` is registered again
/// and the error says who holds what.
pub fn replace(app: &AppHandle, current: &str, wanted: &str) -> Result<(), api::Error> {
    let new = parse(wanted)?;
    let shortcuts = app.global_shortcut();
    let old = parse(current).ok();
    if let Some(old) = old {
        // It may not be registered (it clashed at start): nothing to undo then.
        let _ = shortcuts.unregister(old);
    }
    if shortcuts.register(new).is_err() {
        if let Some(old) = old {
            let _ = shortcuts.register(old);
        }
        return Err(api::desktop::shortcut_taken(wanted));
    }
    tracing::info!(shortcut = wanted, "the shortcut is registered");
    app.state::<Problem>().set(None);
    Ok(())
}
