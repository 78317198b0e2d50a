//! What the desktop notification for a new code says, and the [`Notifier`] the shell provides
//! to show it (notify-rust). The words are decided here, by a pure function, so what reaches the
//! notification daemon — and whether the code itself does — is tested without one.
//!
//! The code is left out unless the desk turned [`NotificationSettings::show_code`] on: a
//! notification pops up on a screen patients may see, and notification daemons keep a history.
//! A suspicious code is never put in a notification, whatever the setting.

use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, msg, text};
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
    /// The words of that click, where the desktop shows them: "Show in Keydesk".
    pub open_label: String,
}

/// The notification for a new code at `now` (UNIX seconds), in `locale`.
pub fn for_code(
    code: &PendingCode,
    now: i64,
    settings: &NotificationSettings,
    locale: Locale,
) -> Notification {
    let by_text = code.channel == Channel::Sms;
    let expires = text(
        locale,
        msg::NOTE_EXPIRES_IN,
        &[("time", &time_left(code.expires_at - now, locale))],
    );
    let shown_code = || {
        let c = code.code.expose();
        match c.len() {
            6 | 8 => format!("{} {}", &c[..c.len() / 2], &c[c.len() / 2..]),
            _ => c.to_owned(),
        }
    };
    let opens = Some(code.key.clone());
    let open_label = text(locale, msg::NOTE_SHOW_IN_KEYDESK, &[]);
    match &code.origin {
        Origin::Portal { name, .. } => Notification {
            opens,
            open_label,
            summary: text(
                locale,
                if by_text {
                    msg::NOTE_NEW_CODE_TEXT
                } else {
                    msg::NOTE_NEW_CODE
                },
                &[("portal", name)],
            ),
            body: if settings.show_code {
                text(
                    locale,
                    msg::NOTE_CODE_BODY,
                    &[("code", &shown_code()), ("expires", &expires)],
                )
            } else {
                text(locale, msg::NOTE_OPEN_TO_COPY, &[("expires", &expires)])
            },
        },
        Origin::Unmatched { sender } => Notification {
            opens,
            open_label,
            summary: text(
                locale,
                if by_text {
                    msg::NOTE_UNKNOWN_SENDER_TEXT
                } else {
                    msg::NOTE_UNKNOWN_SENDER
                },
                &[],
            ),
            body: if settings.show_code {
                text(
                    locale,
                    msg::NOTE_UNKNOWN_CODE_BODY,
                    &[
                        ("code", &shown_code()),
                        ("sender", sender),
                        ("expires", &expires),
                    ],
                )
            } else {
                text(
                    locale,
                    msg::NOTE_UNKNOWN_BODY,
                    &[("sender", sender), ("expires", &expires)],
                )
            },
        },
        Origin::Unverified { name, .. } => Notification {
            opens,
            open_label,
            summary: text(locale, msg::NOTE_UNVERIFIED, &[("portal", name)]),
            body: text(locale, msg::NOTE_UNVERIFIED_BODY, &[]),
        },
    }
}

/// "45 seconds", "10 minutes", "1 hour 30 minutes", "24 hours".
fn time_left(secs: i64, locale: Locale) -> String {
    let secs = secs.max(0);
    let count = |n: i64, one, other| match n {
        1 => text(locale, one, &[]),
        n => text(locale, other, &[("count", &n)]),
    };
    let hours = || count(secs / 3600, msg::NOTE_HOURS_ONE, msg::NOTE_HOURS_OTHER);
    if secs < 60 {
        count(secs, msg::NOTE_SECONDS_ONE, msg::NOTE_SECONDS_OTHER)
    } else if secs < 3600 {
        count(secs / 60, msg::NOTE_MINUTES_ONE, msg::NOTE_MINUTES_OTHER)
    } else if secs % 3600 < 60 {
        hours()
    } else {
        let minutes = count(
            secs % 3600 / 60,
            msg::NOTE_MINUTES_ONE,
            msg::NOTE_MINUTES_OTHER,
        );
        text(
            locale,
            msg::NOTE_HOURS_MINUTES,
            &[("hours", &hours()), ("minutes", &minutes)],
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
            Locale::En,
        );
        assert_eq!(n.summary, "New Cigna code");
        assert_eq!(n.body, "Expires in 10 minutes. Open Keydesk to copy it.");
        assert!(!format!("{n:?}").contains("482"), "no digit of the code");
    }

    #[test]
    fn the_code_is_shown_only_when_turned_on() {
        let on = NotificationSettings { show_code: true };
        let n = for_code(&code(cigna(), Channel::Sms), 1001, &on, Locale::En);
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
            Locale::En,
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
        let n = for_code(&code(origin, Channel::Email), 1000, &on, Locale::En);
        assert!(n.summary.starts_with("Unverified"), "{n:?}");
        assert!(!format!("{n:?}").contains("482"), "{n:?}");
    }

    #[test]
    fn time_left_reads_naturally() {
        let en = |s| time_left(s, Locale::En);
        assert_eq!(en(-5), "0 seconds");
        assert_eq!(en(1), "1 second");
        assert_eq!(en(61), "1 minute");
        assert_eq!(en(600), "10 minutes");
        assert_eq!(en(3600), "1 hour");
        assert_eq!(en(5400), "1 hour 30 minutes");
        assert_eq!(en(86_400), "24 hours");
        assert_eq!(time_left(5460, Locale::Es), "1 hora y 31 minutos");
    }

    #[test]
    fn a_spanish_desk_is_told_in_spanish_and_still_never_shown_the_code() {
        let n = for_code(
            &code(cigna(), Channel::Sms),
            1000,
            &NotificationSettings::default(),
            Locale::Es,
        );
        assert_eq!(n.summary, "Nuevo código de Cigna por mensaje de texto");
        assert_eq!(n.body, "Vence en 10 minutos. Abra Keydesk para copiarlo.");
        assert_eq!(n.open_label, "Ver en Keydesk");
        assert!(!format!("{n:?}").contains("482"), "no digit of the code");
        let on = NotificationSettings { show_code: true };
        let n = for_code(&code(cigna(), Channel::Email), 1000, &on, Locale::Es);
        assert_eq!(n.body, "482 913: Vence en 10 minutos.");
    }

    #[test]
    fn settings_read_from_older_json_default_to_off() {
        let s: NotificationSettings = serde_json::from_str("{}").unwrap();
        assert!(!s.show_code);
    }
}
