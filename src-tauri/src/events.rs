//! What the core reports, forwarded to the main window as Tauri events: which area changed (so
//! the window refreshes it) and how each sign-in stands. The names are declared here once;
//! their TypeScript union is generated (ui/src/lib/bindings.ts). No event carries a secret.

use keydesk::Keydesk;
use keydesk::api::Event;
use serde::Serialize;
use tauri::{AppHandle, Emitter};

/// The events the main window listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "EventName")]
pub enum EventName {
    /// An area changed; the payload is its [`keydesk::api::Area`].
    #[serde(rename = "changed")]
    Changed,
    /// A sign-in moved on; the payload is its [`keydesk::signin::SignInView`].
    #[serde(rename = "signin-changed")]
    SigninChanged,
    /// Keydesk was brought forward on a code (tray, shortcut, notification); the payload is a
    /// `Focus`.
    #[serde(rename = "focus")]
    Focus,
}

impl EventName {
    /// Every event, for the test that the window's listeners match.
    #[cfg(test)]
    pub const ALL: &[EventName] = &[Self::Changed, Self::SigninChanged, Self::Focus];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Changed => "changed",
            Self::SigninChanged => "signin-changed",
            Self::Focus => "focus",
        }
    }
}

/// Forwards the core's events to the main window until the desk shuts down.
pub fn forward(app: &AppHandle, kd: &Keydesk) {
    let mut events = kd.subscribe();
    let app = app.clone();
    kd.spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                // The window refreshes whole areas; a missed event is made good by the next.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            };
            let sent = match &event {
                Event::Changed(area) => {
                    if *area == keydesk::api::Area::Session
                        && let Some(kd) = tauri::Manager::try_state::<Keydesk>(&app)
                    {
                        crate::people::follow_lock(&app, &kd);
                    }
                    app.emit_to("main", EventName::Changed.as_str(), area)
                }
                Event::SignIn(view) => app.emit_to("main", EventName::SigninChanged.as_str(), view),
                _ => Ok(()),
            };
            if let Err(e) = sent {
                tracing::warn!(error = %e, "could not tell the window");
            }
        }
    });
}
