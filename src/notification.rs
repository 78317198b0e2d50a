//! What the desktop notification for a new code says, and the [`Notifier`] the shell provides
//! to show it (notify-rust). The words are decided here, by a pure function, so what reaches the
//! notification daemon — and whether the code itself does — is tested without one.
//!
//! The code is left out unless the desk turned [`NotificationSettings::show_code`] on: a
//! notification pops up on a screen patients may see, and notification daemons keep a history.
//! A suspicious code is never put in a notification, whatever the setting.

use serde::{Deserialize, Serialize};

use crate::pending::{Channel, Origin, PendingCode};
use crate::store::{Store, StoreError};

/// The setting that holds the [`NotificationSettings`].
const SETTING: &str = "notifications";

/// The desk's notification preferences (stored in the database; no secret in them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NotificationSettings {
    /// Put the code itself in the notification. Off unless the desk turns it on.
    #[serde(default)]
    pub show_code: bool,
}

/// The saved preferences; the defaults when none were saved.
pub fn saved_settings(store: &Store) -> Result<NotificationSettings, StoreError> {
    Ok(store.setting(SETTING)?.unwrap_or_default())
}

/// Saves the preferences.
pub(crate) fn save_settings(
    store: &mut Store,
    settings: &NotificationSettings,
) -> Result<(), StoreError> {
    store.set_setting(SETTING, settings)
}

/// The desktop's notification daemon, as the shell provides it. Showing may block briefly (a
/// D-Bus call): the core calls it off the async runtime.
pub trait Notifier: Send + Sync {
    /// Shows one notification; the error says why it could not be shown, never what it said.
    fn show(&self, notification: &Notification) -> Result<(), String>;
}

/// The words of one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The title line.
    pub summary: String,
    /// The text under it.
    pub body: String,
    /// The code that clicking the notification opens Keydesk on, if it is about one.
    pub opens: Option<crate::pending::MessageKey>,
}

/// The notification for a new code at `now` (UNIX seconds).
pub fn for_code(code: &PendingCode, now: i64, settings: &NotificationSettings) -> Notification {
    let by = match code.channel {
        Channel::Email => "",
        Channel::Sms => " by text",
    };
    let left = format!("Expires in {}.", time_left(code.expires_at - now));
    let shown_code = || {
        let c = code.code.expose();
        match c.len() {
            6 | 8 => format!("{} {}", &c[..c.len() / 2], &c[c.len() / 2..]),
            _ => c.to_owned(),
        }
    };
    let opens = Some(code.key.clone());
    match &code.origin {
        Origin::Portal { name, .. } => Notification {
            opens,
            summary: format!("New {name} code{by}"),
            body: if settings.show_code {
                format!("{} — {left}", shown_code())
            } else {
                format!("{left} Open Keydesk to copy it.")
            },
        },
        Origin::Unmatched { sender } => Notification {
            opens,
            summary: format!("New code{by} from an unknown sender"),
            body: if settings.show_code {
                format!("{} — from {sender}. {left}", shown_code())
            } else {
                format!("From {sender}. {left} No portal lists this sender.")
            },
        },
        Origin::Unverified { name, .. } => Notification {
            opens,
            summary: format!("Unverified code that says it is from {name}"),
            body: "The mail server did not confirm who sent it. Do not use it unless you asked \
                   for a code just now."
                .into(),
        },
    }
}

/// "45 seconds", "10 minutes", "1 hour 30 minutes", "24 hours".
fn time_left(secs: i64) -> String {
    let secs = secs.max(0);
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if secs < 60 {
        plural(secs, "second")
    } else if secs < 3600 {
        plural(secs / 60, "minute")
    } else if secs % 3600 < 60 {
        plural(secs / 3600, "hour")
    } else {
        format!(
            "{} {}",
            plural(secs / 3600, "hour"),
            plural(secs % 3600 / 60, "minute")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::pending::MessageKey;

    fn code(origin: Origin, channel: Channel) -> PendingCode {
        PendingCode {
            key: MessageKey {
                folder: "INBOX".into(),
                uid_validity: 1,
                uid: 7,
            },
            code: Secret::new("482913".into()),
            origin,
            channel,
            delivered_at: 1000,
            expires_at: 1600,
        }
    }

    fn cigna() -> Origin {
        Origin::Portal {
            portal_id: 1,
            name: "Cigna".into(),
        }
    }

    #[test]
    fn by_default_the_portal_and_time_left_are_shown_but_not_the_code() {
        let n = for_code(
            &code(cigna(), Channel::Email),
            1000,
            &NotificationSettings::default(),
        );
        assert_eq!(n.summary, "New Cigna code");
        assert_eq!(n.body, "Expires in 10 minutes. Open Keydesk to copy it.");
        assert!(!format!("{n:?}").contains("482"), "no digit of the code");
    }

    #[test]
    fn the_code_is_shown_only_when_turned_on() {
        let on = NotificationSettings { show_code: true };
        let n = for_code(&code(cigna(), Channel::Sms), 1001, &on);
        assert_eq!(n.summary, "New Cigna code by text");
        assert_eq!(n.body, "482 913 — Expires in 9 minutes.");
    }

    #[test]
    fn unmatched_codes_name_their_sender() {
        let origin = Origin::Unmatched {
            sender: "someone@example.org".into(),
        };
        let n = for_code(
            &code(origin, Channel::Email),
            1000,
            &NotificationSettings::default(),
        );
        assert!(n.summary.contains("unknown sender"), "{n:?}");
        assert!(n.body.contains("someone@example.org"), "{n:?}");
        assert!(!n.body.contains("482"));
    }

    #[test]
    fn an_unverified_code_never_shows_even_when_turned_on() {
        let origin = Origin::Unverified {
            portal_id: 1,
            name: "Cigna".into(),
            sender: "no-reply@cigna.example".into(),
            reason: "the mail server's DMARC check failed".into(),
            confirmable: false,
        };
        let on = NotificationSettings { show_code: true };
        let n = for_code(&code(origin, Channel::Email), 1000, &on);
        assert!(n.summary.starts_with("Unverified"), "{n:?}");
        assert!(!format!("{n:?}").contains("482"), "{n:?}");
    }

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(time_left(-5), "0 seconds");
        assert_eq!(time_left(1), "1 second");
        assert_eq!(time_left(61), "1 minute");
        assert_eq!(time_left(600), "10 minutes");
        assert_eq!(time_left(3600), "1 hour");
        assert_eq!(time_left(5400), "1 hour 30 minutes");
        assert_eq!(time_left(86_400), "24 hours");
    }

    #[test]
    fn settings_read_from_older_json_default_to_off() {
        let s: NotificationSettings = serde_json::from_str("{}").unwrap();
        assert!(!s.show_code);
    }
}
