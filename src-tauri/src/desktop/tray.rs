//! The tray (the menu bar on macOS): how many codes wait, each one's portal and time left (a
//! click copies it), Open and Quit, in the desk's language. Kept current on every change of the
//! codes or the language and every 15 seconds for the time left. It never shows digits: the
//! tray host is another process and the tray is in view of anyone passing the desk.

use std::time::Duration;

use keydesk::Keydesk;
use keydesk::api::desktop::TrayView;
use keydesk::api::{self, Area, Event, Now};
use keydesk::pending::MessageKey;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Wry};

const OPEN: &str = "open";
const QUIT: &str = "quit";
const CODE: &str = "code:";
/// How often the time left is brought up to date while nothing else changes.
const TICK: Duration = Duration::from_secs(15);

/// Puts Keydesk in the tray and keeps the tray current until the desk shuts down.
pub fn install(app: &AppHandle, kd: &Keydesk) -> tauri::Result<()> {
    let view = api::desktop::tray(kd, Now::system());
    let mut builder = TrayIconBuilder::with_id("keydesk")
        .tooltip(&view.title)
        .menu(&menu(app, &view)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| clicked(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let tray = builder.build(app)?;
    report(&view);

    let mut events = kd.subscribe();
    let app = app.clone();
    kd.spawn(async move {
        let mut shown = view;
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                event = events.recv() => match event {
                    // The codes, or the language (a settings change).
                    Ok(Event::Changed(Area::Codes | Area::Settings)) => {}
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
                _ = tick.tick() => {}
            }
            let Some(kd) = app.try_state::<Keydesk>() else {
                continue;
            };
            let view = api::desktop::tray(&kd, Now::system());
            if view != shown {
                refresh(&app, &tray, &view);
                shown = view;
            }
        }
    });
    Ok(())
}

fn menu(app: &AppHandle, view: &TrayView) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    if view.codes.is_empty() {
        menu.append(&MenuItem::with_id(
            app,
            "none",
            &view.no_codes,
            false,
            None::<&str>,
        )?)?;
    }
    for code in &view.codes {
        let id = format!(
            "{CODE}{}",
            serde_json::to_string(&code.key).unwrap_or_default()
        );
        menu.append(&MenuItem::with_id(app, id, &code.copy, true, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        OPEN,
        &view.open,
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        QUIT,
        &view.quit,
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

fn refresh(app: &AppHandle, tray: &TrayIcon, view: &TrayView) {
    let updated = menu(app, view).and_then(|m| tray.set_menu(Some(m)));
    if let Err(e) = updated.and_then(|()| tray.set_tooltip(Some(&view.title))) {
        tracing::warn!(error = %e, "could not update the tray");
    }
    if let Some(window) = app.get_webview_window(super::MAIN) {
        let _ = window.set_title(&view.title);
    }
    report(view);
}

/// The tray's state in the log (portal names and time left; never a code), which is also how
/// the end-to-end tests read a tray that Xvfb has no host to draw.
fn report(view: &TrayView) {
    let labels: Vec<&str> = view.codes.iter().map(|c| c.label.as_str()).collect();
    tracing::info!(count = view.count, codes = ?labels, "the tray shows");
}

fn clicked(app: &AppHandle, id: &str) {
    match id {
        OPEN => super::show(app, None),
        QUIT => {
            tracing::info!("Quit from the tray");
            app.exit(0);
        }
        _ => {
            let Some(key) = id
                .strip_prefix(CODE)
                .and_then(|json| serde_json::from_str::<MessageKey>(json).ok())
            else {
                return;
            };
            let Some(kd) = app.try_state::<Keydesk>() else {
                return;
            };
            if let Err(e) = api::codes::copy(&kd, &key) {
                // Gone or not copyable: the window says why, on that code.
                tracing::info!(error = %e, "the tray could not copy the code");
                super::show(app, Some(key));
            }
        }
    }
}
