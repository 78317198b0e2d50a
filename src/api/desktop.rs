//! Keydesk on the desktop all day: what its tray (menu bar) shows of the pending codes, and the
//! desk's desktop settings — start at login, and the shortcut that brings Keydesk forward.
//!
//! The shell draws the tray and registers the shortcut with the platform; the words, the rules
//! and what is kept are here, so the window, the tray and the CLI agree.

use serde::{Deserialize, Serialize};

use super::{Area, Error, Keydesk, Now};
use crate::error::ErrorCode;
use crate::i18n::{Locale, msg, text};
use crate::pending::{CodeState, MessageKey, Origin, PendingCodeView};

/// What the tray shows: how many codes wait, and each one's portal and time left. Never the
/// digits: the tray is visible to anyone passing the desk, and its menu is drawn by another
/// process (the desktop's tray host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TrayView {
    /// Fresh codes waiting.
    pub count: usize,
    /// The tray's tooltip and the window's title: "Keydesk", or "Keydesk — 2 codes".
    pub title: String,
    /// Each fresh code, newest first.
    pub codes: Vec<TrayCode>,
    /// The menu's greyed-out line when no code waits: "No codes waiting".
    pub no_codes: String,
    /// The menu item that opens the window.
    pub open: String,
    /// The menu item that quits Keydesk.
    pub quit: String,
}

/// One pending code in the tray's menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TrayCode {
    /// The message it came in, to copy it or show it in the window.
    pub key: MessageKey,
    /// "Availity — 4 min left".
    pub label: String,
    /// Its menu item: "Copy Availity — 4 min left".
    pub copy: String,
}

/// The tray at `now`, in the desk's language.
pub fn tray(kd: &Keydesk, now: Now) -> TrayView {
    tray_of(&super::codes::pending(kd, now), now, kd.locale())
}

fn tray_of(pending: &[PendingCodeView], now: Now, locale: Locale) -> TrayView {
    let codes: Vec<TrayCode> = pending
        .iter()
        .filter(|c| c.state == CodeState::Fresh)
        .map(|c| {
            let label = format!(
                "{} — {}",
                who(&c.origin, locale),
                time_left(c.expires_at - now.secs(), locale)
            );
            TrayCode {
                key: c.key.clone(),
                copy: text(locale, msg::TRAY_COPY, &[("label", &label)]),
                label,
            }
        })
        .collect();
    let title = match codes.len() {
        0 => text(locale, msg::TRAY_TITLE_NONE, &[]),
        1 => text(locale, msg::TRAY_TITLE_ONE, &[]),
        n => text(locale, msg::TRAY_TITLE_OTHER, &[("count", &n)]),
    };
    TrayView {
        count: codes.len(),
        title,
        codes,
        no_codes: text(locale, msg::TRAY_NO_CODES, &[]),
        open: text(locale, msg::TRAY_OPEN, &[]),
        quit: text(locale, msg::TRAY_QUIT, &[]),
    }
}

/// Who a code is from, in the words of the codes list.
fn who(origin: &Origin, locale: Locale) -> String {
    match origin {
        Origin::Portal { name, .. } => name.clone(),
        Origin::Unmatched { sender } => sender.clone(),
        Origin::Unverified { name, .. } => text(locale, msg::TRAY_UNVERIFIED, &[("name", name)]),
    }
}

/// "4 min left", "45 s left", "expiring": whole minutes from two minutes on.
fn time_left(secs: i64, locale: Locale) -> String {
    match secs {
        s if s <= 0 => text(locale, msg::TRAY_EXPIRING, &[]),
        s if s < 120 => text(locale, msg::TRAY_SECONDS_LEFT, &[("seconds", &s)]),
        s => text(locale, msg::TRAY_MINUTES_LEFT, &[("minutes", &(s / 60))]),
    }
}

/// The desk's desktop settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DesktopSettings {
    /// Keydesk starts when the person signs in to the computer (off unless turned on).
    pub start_at_login: bool,
    /// The key combination that shows Keydesk with the newest code, as "Ctrl+Alt+K".
    pub shortcut: String,
}

/// The shortcut unless the desk chose another: free in the common desktops and editors.
pub const DEFAULT_SHORTCUT: &str = "Ctrl+Alt+K";
const START_AT_LOGIN: &str = "desktop.start_at_login";
const SHORTCUT: &str = "desktop.shortcut";

/// The settings in force.
pub fn desktop_settings(kd: &Keydesk) -> Result<DesktopSettings, Error> {
    let desk = kd.desk();
    let store = desk.store_ref();
    let shortcut: Option<String> = store.setting(SHORTCUT)?;
    Ok(DesktopSettings {
        start_at_login: store.setting(START_AT_LOGIN)?.unwrap_or(false),
        // A value that no longer reads (edited by hand) falls back to the default.
        shortcut: shortcut
            .and_then(|s| normalize_shortcut(&s).ok())
            .unwrap_or_else(|| DEFAULT_SHORTCUT.to_owned()),
    })
}

/// Keeps whether Keydesk starts at login. The shell registers it with the system first, and
/// calls this only when that worked, so the setting never claims what the system will not do.
pub fn set_start_at_login(kd: &Keydesk, on: bool) -> Result<(), Error> {
    kd.desk().store().set_setting(START_AT_LOGIN, &on)?;
    kd.changed(Area::Settings);
    Ok(())
}

/// Checks a shortcut the person typed and returns it written the one way Keydesk writes it;
/// nothing is kept. The shell then registers it with the system and, when that works, keeps it
/// with [`keep_shortcut`].
pub fn check_shortcut(text: &str) -> Result<String, Error> {
    normalize_shortcut(text).map_err(|why| Error::other(ErrorCode::ShortcutInvalid, why))
}

/// Keeps a shortcut already checked and registered.
pub fn keep_shortcut(kd: &Keydesk, shortcut: &str) -> Result<(), Error> {
    let shortcut = check_shortcut(shortcut)?;
    kd.desk().store().set_setting(SHORTCUT, &shortcut)?;
    kd.changed(Area::Settings);
    Ok(())
}

/// The error for a shortcut another program holds already.
pub fn shortcut_taken(shortcut: &str) -> Error {
    Error::other(
        ErrorCode::ShortcutTaken,
        format!(
            "{shortcut} is already used by another program, so Keydesk cannot use it. Choose \
             another combination."
        ),
    )
}

const MODIFIERS: [&str; 4] = ["Ctrl", "Alt", "Shift", "Super"];

/// "ctrl + alt + k" → "Ctrl+Alt+K": modifiers in a fixed order, then one key (a letter, a digit
/// or F1–F24). A shortcut needs Ctrl, Alt or Super: a bare key, or Shift and a key, would take
/// the key from whatever the person types.
fn normalize_shortcut(text: &str) -> Result<String, String> {
    let mut held = [false; 4];
    let mut key: Option<String> = None;
    for part in text.split('+').map(str::trim) {
        let lower = part.to_ascii_lowercase();
        let modifier = match lower.as_str() {
            "ctrl" | "control" => Some(0),
            "alt" | "option" => Some(1),
            "shift" => Some(2),
            "super" | "meta" | "win" | "cmd" | "command" => Some(3),
            _ => None,
        };
        if let Some(m) = modifier {
            held[m] = true;
            continue;
        }
        if key.is_some() {
            return Err(format!(
                "\"{text}\" has more than one key: use modifiers and one key, like Ctrl+Alt+K."
            ));
        }
        key = Some(key_name(part).ok_or_else(|| {
            format!(
                "\"{part}\" is not a key Keydesk can use in a shortcut: use a letter, a digit \
                 or F1 to F24."
            )
        })?);
    }
    let Some(key) = key else {
        return Err("A shortcut needs a key, like the K in Ctrl+Alt+K.".to_owned());
    };
    if !(held[0] || held[1] || held[3]) {
        return Err(
            "A shortcut needs Ctrl, Alt or Super, or it would take the key from what you type."
                .to_owned(),
        );
    }
    let mut parts: Vec<&str> = MODIFIERS
        .iter()
        .zip(held)
        .filter(|(_, on)| *on)
        .map(|(m, _)| *m)
        .collect();
    parts.push(&key);
    Ok(parts.join("+"))
}

fn key_name(part: &str) -> Option<String> {
    let upper = part.to_ascii_uppercase();
    let mut chars = upper.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphanumeric() => Some(upper),
        (Some('F'), Some(_)) => {
            let n: u8 = upper[1..].parse().ok()?;
            (1..=24).contains(&n).then_some(upper)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::pending::Channel;

    fn code(uid: u32, name: &str, expires_in: i64, state: CodeState) -> PendingCodeView {
        PendingCodeView {
            key: MessageKey {
                folder: "INBOX".into(),
                uid_validity: 1,
                uid,
            },
            code: Some("482913".into()),
            origin: Origin::Portal {
                portal_id: 1,
                name: name.into(),
            },
            channel: Channel::Email,
            delivered_at: 1_000,
            expires_at: 1_000 + expires_in,
            state,
            used_at_another_desk: false,
        }
    }

    #[test]
    fn the_tray_counts_fresh_codes_and_never_shows_digits() {
        let now = Now::from_secs(1_000);
        let view = tray_of(
            &[
                code(3, "Availity", 270, CodeState::Fresh),
                code(2, "Cigna", 45, CodeState::Fresh),
                code(1, "Humana", 600, CodeState::Used),
            ],
            now,
            Locale::En,
        );
        assert_eq!(view.count, 2);
        assert_eq!(view.title, "Keydesk — 2 codes");
        let labels: Vec<&str> = view.codes.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Availity — 4 min left", "Cigna — 45 s left"]);
        assert!(!format!("{view:?}").contains("482913"), "no digits");
        assert_eq!(tray_of(&[], now, Locale::En).title, "Keydesk");
    }

    #[test]
    fn the_tray_speaks_spanish_when_the_desk_does() {
        let now = Now::from_secs(1_000);
        let mut unverified = code(4, "Humana", 30, CodeState::Fresh);
        unverified.origin = Origin::Unverified {
            portal_id: 4,
            name: "Humana".into(),
            sender: "x@example.com".into(),
            reason: "not checked".into(),
            confirmable: false,
        };
        let view = tray_of(
            &[
                code(3, "Availity", 270, CodeState::Fresh),
                unverified,
                code(1, "Cigna", 0, CodeState::Fresh),
            ],
            now,
            Locale::Es,
        );
        assert_eq!(view.title, "Keydesk — 3 códigos");
        let labels: Vec<&str> = view.codes.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Availity — quedan 4 min",
                "Humana (sin verificar) — quedan 30 s",
                "Cigna — por vencer"
            ]
        );
        assert_eq!(view.open, "Abrir Keydesk");
        assert_eq!(view.codes[0].copy, "Copiar Availity — quedan 4 min");
        assert_eq!(
            tray_of(&[], now, Locale::Es).no_codes,
            "No hay códigos pendientes"
        );
    }

    #[test]
    fn shortcuts_are_written_one_way_and_need_a_real_modifier() {
        assert_eq!(normalize_shortcut("ctrl + alt + k").unwrap(), "Ctrl+Alt+K");
        assert_eq!(normalize_shortcut("Alt+Control+f7").unwrap(), "Ctrl+Alt+F7");
        assert_eq!(
            normalize_shortcut("Super+Shift+2").unwrap(),
            "Shift+Super+2"
        );
        for bad in [
            "K",
            "Shift+K",
            "Ctrl+Alt",
            "Ctrl+K+J",
            "Ctrl+F25",
            "Ctrl+Enter",
            "",
        ] {
            let err = check_shortcut(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::ShortcutInvalid, "{bad}");
        }
    }

    #[test]
    fn desktop_settings_default_off_and_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let kd = Keydesk::for_tests(dir.path(), Platform::default());
            let start = desktop_settings(&kd).unwrap();
            assert!(!start.start_at_login, "off unless turned on");
            assert_eq!(start.shortcut, DEFAULT_SHORTCUT);
            set_start_at_login(&kd, true).unwrap();
            keep_shortcut(&kd, "alt+ctrl+j").unwrap();
            assert!(keep_shortcut(&kd, "J").is_err());
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert_eq!(
            desktop_settings(&kd).unwrap(),
            DesktopSettings {
                start_at_login: true,
                shortcut: "Ctrl+Alt+J".into()
            }
        );
    }
}
