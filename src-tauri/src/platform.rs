//! The platform's parts the core asks for: the system clipboard (Tauri's clipboard plugin) and
//! desktop notifications (notify-rust). Each is a thin implementation of the core's trait.

use keydesk::Secret;
use keydesk::clipboard::{Clipboard, ClipboardError};
use keydesk::notification::{Notification, Notifier};
use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt;

/// The system clipboard: reading and clearing through the Tauri plugin, writing through arboard
/// so the copy is marked for clipboard managers to keep out of their history. The arboard
/// instance lives as long as the app, which on X11 and Wayland is what keeps serving the copy.
pub struct SystemClipboard(
    pub AppHandle,
    pub std::sync::Mutex<Option<arboard::Clipboard>>,
);

impl SystemClipboard {
    /// The clipboard of the app `app`.
    pub fn new(app: AppHandle) -> Self {
        Self(app, std::sync::Mutex::new(None))
    }
}

impl Clipboard for SystemClipboard {
    fn read_text(&self) -> Result<Option<Secret>, ClipboardError> {
        // An empty or non-text clipboard reads as an error in the plugin: that is "not ours".
        Ok(self.0.clipboard().read_text().ok().map(Secret::new))
    }

    fn write_text(&self, text: &Secret) -> Result<(), ClipboardError> {
        let mut held = self.1.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            *held = Some(
                arboard::Clipboard::new()
                    .map_err(|e| ClipboardError::Unavailable(e.to_string()))?,
            );
        }
        let clipboard = held.as_mut().expect("made above");
        #[cfg(target_os = "macos")]
        use arboard::SetExtApple as _;
        #[cfg(all(unix, not(target_os = "macos")))]
        use arboard::SetExtLinux as _;
        #[cfg(windows)]
        use arboard::SetExtWindows as _;
        clipboard
            .set()
            .exclude_from_history()
            .text(text.expose().to_owned())
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }

    fn clear(&self) -> Result<(), ClipboardError> {
        self.0
            .clipboard()
            .clear()
            .map_err(|e| ClipboardError::Unavailable(e.to_string()))
    }
}

/// Desktop notifications through the session's notification daemon. notify-rust fails fast
/// with an error when there is no session bus or no daemon; it never hangs. Clicking a new
/// code's notification opens Keydesk on that code (where the desktop reports clicks: Linux and
/// the BSDs).
pub struct DesktopNotifier(pub AppHandle);

impl Notifier for DesktopNotifier {
    fn show(&self, notification: &Notification) -> Result<(), String> {
        let mut shown = notify_rust::Notification::new();
        shown
            .appname("Keydesk")
            .summary(&notification.summary)
            .body(&notification.body);
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            if notification.opens.is_some() {
                shown.action("default", &notification.open_label);
            }
            let handle = shown.show().map_err(|e| e.to_string())?;
            if let Some(key) = notification.opens.clone() {
                let app = self.0.clone();
                // Waits, on a thread of its own, until the notification is clicked or closed.
                std::thread::spawn(move || {
                    handle.wait_for_action(|action| {
                        if action == "default" {
                            tracing::info!("a new-code notification was clicked");
                            crate::desktop::show(&app, Some(key));
                        }
                    })
                });
            }
        }
        // Windows and macOS report no click back to the program that showed it.
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        {
            let _ = &self.0;
            shown.show().map(drop).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// The picture on the clipboard as RGBA pixels, if it holds one. Read off the main thread: the
/// clipboard library can deadlock there on Linux.
pub async fn clipboard_picture(app: &AppHandle) -> Option<(u32, u32, Vec<u8>)> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        app.clipboard()
            .read_image()
            .ok()
            .map(|i| (i.width(), i.height(), i.rgba().to_vec()))
    })
    .await
    .ok()
    .flatten()
}
