//! The desk's settings: how long a copied password or code stays on the clipboard, and the
//! language Keydesk speaks.

use std::time::Duration;

use super::{Area, Error, Keydesk};
use crate::i18n::Locale;

/// The clipboard clearing delay in force.
pub fn clipboard_delay(kd: &Keydesk) -> Duration {
    kd.clipboard.clear_after()
}

/// Saves a new clearing delay (1 second to 10 minutes) and uses it from the next copy on.
/// Nothing changes when it is out of bounds.
pub fn set_clipboard_delay(kd: &Keydesk, delay: Duration) -> Result<(), Error> {
    if let Some(max) = kd.policy().policy.max_clipboard_secs
        && delay > Duration::from_secs(max)
    {
        return Err(Error::other(
            crate::error::ErrorCode::SetByOffice,
            format!("Your office keeps copies on the clipboard for at most {max} seconds."),
        ));
    }
    kd.unlocked()?;
    crate::clipboard::save_clear_after(kd.desk().store(), delay)?;
    kd.clipboard.set_clear_after(delay)?;
    kd.audit(
        crate::audit::Action::SettingChanged,
        None,
        format!("clipboard cleared after {} s", delay.as_secs()),
    );
    kd.changed(Area::Settings);
    Ok(())
}

/// The language chosen: the system's, or one of Keydesk's own.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "lowercase")]
pub enum LanguageSetting {
    /// The language of the system (Spanish for any Spanish, else English).
    #[default]
    System,
    /// English.
    En,
    /// Spanish.
    Es,
}

impl LanguageSetting {
    /// The setting named "system", "en" or "es".
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "system" => Some(Self::System),
            "en" => Some(Self::En),
            "es" => Some(Self::Es),
            _ => None,
        }
    }

    /// Its name, as [`LanguageSetting::parse`] reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language it means on this system.
    pub fn locale(self) -> Locale {
        match self {
            Self::System => crate::i18n::system_locale(),
            Self::En => Locale::En,
            Self::Es => Locale::Es,
        }
    }
}

/// The language setting and the language it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct LanguageView {
    /// What the person chose.
    pub setting: LanguageSetting,
    /// The language shown.
    pub locale: Locale,
}

const LANGUAGE: &str = "language";

fn saved_language(store: &crate::store::Store) -> LanguageSetting {
    // A value that no longer reads (edited by hand) is the system's.
    store.setting(LANGUAGE).ok().flatten().unwrap_or_default()
}

/// The language of a profile as it opens.
pub(crate) fn locale_in_force(store: &crate::store::Store) -> Locale {
    saved_language(store).locale()
}

/// The language setting and the language in force.
pub fn language(kd: &Keydesk) -> LanguageView {
    LanguageView {
        setting: saved_language(kd.desk().store_ref()),
        locale: kd.locale(),
    }
}

/// Keeps the language setting and speaks it from now on: the window redraws (its settings
/// changed), the tray and the notifications follow.
pub fn set_language(kd: &Keydesk, setting: LanguageSetting) -> Result<LanguageView, Error> {
    kd.desk().store().set_setting(LANGUAGE, &setting)?;
    kd.locale.set(setting.locale());
    kd.audit(
        crate::audit::Action::SettingChanged,
        None,
        format!("language {}", setting.as_str()),
    );
    kd.changed(Area::Settings);
    Ok(language(kd))
}

/// What the office's policy sets, for Settings to show as "set by your office".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct OfficeSettings {
    /// The policy in force, where it came from, and what was wrong with it.
    pub office: crate::policy::OfficePolicy,
    /// The desk's chosen idle lock, minutes.
    pub lock_minutes: u32,
    /// Where audit records also go ("journald").
    pub system_log: Option<String>,
    /// Why they do not go to the system log, when they do not.
    pub system_log_problem: Option<String>,
    /// Whether core dumps are off for this process.
    pub core_dumps_off: bool,
}

/// The office's policy and the lock setting.
pub fn office(kd: &Keydesk) -> OfficeSettings {
    OfficeSettings {
        office: kd.policy().clone(),
        lock_minutes: super::people::lock_minutes(kd).0,
        system_log: crate::audit::system_log::available()
            .ok()
            .map(str::to_owned),
        system_log_problem: crate::audit::system_log::available().err(),
        core_dumps_off: crate::hardening::core_dumps_off(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::error::ErrorCode;

    #[test]
    fn a_delay_is_kept_for_the_next_start_and_a_bad_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let kd = Keydesk::for_tests(dir.path(), Platform::default());
            set_clipboard_delay(&kd, Duration::from_secs(45)).unwrap();
            assert_eq!(
                clipboard_delay(&kd),
                Duration::from_secs(45),
                "in force at once"
            );
            let err = set_clipboard_delay(&kd, Duration::from_secs(601)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::ClipboardInvalidDelay);
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert_eq!(
            clipboard_delay(&kd),
            Duration::from_secs(45),
            "kept across starts"
        );
    }

    #[test]
    fn the_language_follows_the_system_until_one_is_chosen_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let kd = Keydesk::for_tests(dir.path(), Platform::default());
            let start = language(&kd);
            assert_eq!(
                start.setting,
                LanguageSetting::System,
                "the system's by default"
            );
            assert_eq!(start.locale, crate::i18n::system_locale());
            let mut events = kd.subscribe();
            let chosen = set_language(&kd, LanguageSetting::Es).unwrap();
            assert_eq!(chosen.locale, Locale::Es);
            assert_eq!(kd.locale(), Locale::Es, "in force at once");
            assert!(
                matches!(
                    events.try_recv(),
                    Ok(crate::api::Event::Changed(Area::Settings))
                ),
                "the window hears it and redraws"
            );
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert_eq!(
            language(&kd),
            LanguageView {
                setting: LanguageSetting::Es,
                locale: Locale::Es
            },
            "kept across starts"
        );
        assert_eq!(LanguageSetting::parse(" ES "), Some(LanguageSetting::Es));
        assert_eq!(LanguageSetting::parse("fr"), None);
    }
}
