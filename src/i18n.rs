//! The words Keydesk writes for people, in English or Spanish, from the one catalogue the
//! window's Paraglide messages are compiled from (`ui/messages/{en,es}.json`): each text lives
//! in one place for both sides.
//!
//! The core's texts are named by a [`Msg`] in [`msg`], with the placeholders the text holds, so
//! a test renders every one of them in both languages; [`text`] fills `{name}` placeholders.
//! Error messages are `error_<code>` for every [`ErrorCode`](crate::ErrorCode) ([`error_text`]).
//! The language is the person's setting, else the system's ([`system_locale`]).

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, LazyLock};

use serde::{Deserialize, Serialize};

/// A language Keydesk speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every language, English first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// Its tag, as Paraglide and the catalogue files name it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The language of a system locale tag ("es-MX", "es_US.UTF-8", "en-US"): Spanish for any
    /// Spanish, English otherwise.
    pub fn of_tag(tag: &str) -> Locale {
        if tag.trim().to_ascii_lowercase().starts_with("es") {
            Locale::Es
        } else {
            Locale::En
        }
    }
}

/// The language the system's user interface is in (English when it cannot be read).
pub fn system_locale() -> Locale {
    sys_locale::get_locale().map_or(Locale::En, |tag| Locale::of_tag(&tag))
}

/// The language a desk shows now, shared with what reports to people from the background
/// (notifications, the tray, the window's errors): changing it reaches them all.
#[derive(Debug, Clone, Default)]
pub struct SharedLocale(Arc<AtomicU8>);

impl SharedLocale {
    /// Starts in `locale`.
    pub fn new(locale: Locale) -> Self {
        let shared = Self::default();
        shared.set(locale);
        shared
    }

    /// The language now.
    pub fn get(&self) -> Locale {
        match self.0.load(Ordering::Relaxed) {
            1 => Locale::Es,
            _ => Locale::En,
        }
    }

    /// Shows `locale` from now on.
    pub fn set(&self, locale: Locale) {
        self.0.store(locale as u8, Ordering::Relaxed);
    }
}

/// One text of the catalogue the core uses: its key and the placeholders it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    /// The catalogue's key.
    pub key: &'static str,
    /// The names of its `{placeholders}`.
    pub params: &'static [&'static str],
}

/// Declares the core's texts once: each a [`Msg`] constant, all of them in [`msg::ALL`].
macro_rules! messages {
    ($($name:ident = $key:literal $(($($param:ident),*))?;)*) => {
        $(
            #[doc = concat!("`", $key, "`")]
            pub const $name: super::Msg = super::Msg {
                key: $key,
                params: &[$($(stringify!($param)),*)?],
            };
        )*
        /// Every text the core uses.
        pub const ALL: &[super::Msg] = &[$($name,)*];
    };
}

/// The core's texts, by name.
pub mod msg {
    messages! {
        TRAY_TITLE_NONE = "core_tray_title_none";
        TRAY_TITLE_ONE = "core_tray_title_one";
        TRAY_TITLE_OTHER = "core_tray_title_other" (count);
        TRAY_UNVERIFIED = "core_tray_unverified" (name);
        TRAY_EXPIRING = "core_tray_expiring";
        TRAY_SECONDS_LEFT = "core_tray_seconds_left" (seconds);
        TRAY_MINUTES_LEFT = "core_tray_minutes_left" (minutes);
        TRAY_NO_CODES = "core_tray_no_codes";
        TRAY_COPY = "core_tray_copy" (label);
        TRAY_OPEN = "core_tray_open";
        TRAY_QUIT = "core_tray_quit";

        NOTE_SECONDS_ONE = "core_note_seconds_one";
        NOTE_SECONDS_OTHER = "core_note_seconds_other" (count);
        NOTE_MINUTES_ONE = "core_note_minutes_one";
        NOTE_MINUTES_OTHER = "core_note_minutes_other" (count);
        NOTE_HOURS_ONE = "core_note_hours_one";
        NOTE_HOURS_OTHER = "core_note_hours_other" (count);
        NOTE_HOURS_MINUTES = "core_note_hours_minutes" (hours, minutes);
        NOTE_EXPIRES_IN = "core_note_expires_in" (time);
        NOTE_NEW_CODE = "core_note_new_code" (portal);
        NOTE_NEW_CODE_TEXT = "core_note_new_code_text" (portal);
        NOTE_CODE_BODY = "core_note_code_body" (code, expires);
        NOTE_OPEN_TO_COPY = "core_note_open_to_copy" (expires);
        NOTE_UNKNOWN_SENDER = "core_note_unknown_sender";
        NOTE_UNKNOWN_SENDER_TEXT = "core_note_unknown_sender_text";
        NOTE_UNKNOWN_CODE_BODY = "core_note_unknown_code_body" (code, sender, expires);
        NOTE_UNKNOWN_BODY = "core_note_unknown_body" (sender, expires);
        NOTE_UNVERIFIED = "core_note_unverified" (portal);
        NOTE_UNVERIFIED_BODY = "core_note_unverified_body";
        NOTE_DEVICE_LAPSES = "core_note_device_lapses";
        NOTE_DEVICE_LAPSES_BODY = "core_note_device_lapses_body" (portal, place, when);
        NOTE_DEVICE_WITHIN_A_DAY = "core_note_device_within_a_day";
        NOTE_DEVICE_IN_DAYS = "core_note_device_in_days" (days);
        NOTE_DEVICE_THIS_WINDOW = "core_note_device_this_window";
        NOTE_SHOW_IN_KEYDESK = "core_note_show_in_keydesk";

        FIX_WRONG_PASSWORD_TITLE = "core_fix_wrong_password_title";
        FIX_LOCKED_TITLE = "core_fix_locked_title";
        FIX_PASSWORD_EXPIRED_TITLE = "core_fix_password_expired_title";
        FIX_SSO_HAND_OFF_TITLE = "core_fix_sso_hand_off_title";
        FIX_IDENTITY_HOST_UNREACHABLE_TITLE = "core_fix_identity_host_unreachable_title";
        FIX_CODE_NEVER_ARRIVED_TITLE = "core_fix_code_never_arrived_title";
        FIX_CODE_REFUSED_TITLE = "core_fix_code_refused_title";
        FIX_STORED_SESSION_TITLE = "core_fix_stored_session_title";
        FIX_NETWORK_TITLE = "core_fix_network_title";
        FIX_TLS_TITLE = "core_fix_tls_title";
        FIX_MAINTENANCE_TITLE = "core_fix_maintenance_title";
        FIX_PAGE_CHANGED_TITLE = "core_fix_page_changed_title";
        FIX_OTHER_TITLE = "core_fix_other_title";
        FIX_ACTION_CHANGE_PASSWORD = "core_fix_action_change_password";
        FIX_ACTION_OPEN_FORGOT_PASSWORD = "core_fix_action_open_forgot_password";
        FIX_ACTION_FORGET_COOKIES = "core_fix_action_forget_cookies";
        FIX_ACTION_CLEAN_PROFILE_TRY = "core_fix_action_clean_profile_try";
        FIX_ACTION_HEALTH_CHECK = "core_fix_action_health_check";
        FIX_ACTION_CHECK_MAILBOX = "core_fix_action_check_mailbox";
        FIX_ACTION_CHECK_CLOCK = "core_fix_action_check_clock";
        FIX_ACTION_SHOW_SUPPORT = "core_fix_action_show_support";
        FIX_ACTION_PREPARE_SUPPORT_REQUEST = "core_fix_action_prepare_support_request";
        FIX_CALL_SUPPORT = "core_fix_call_support" (portal);
        FIX_PREPARE_REQUEST = "core_fix_prepare_request";
        FIX_WRONG_PASSWORD_CHECK = "core_fix_wrong_password_check" (portal);
        FIX_WRONG_PASSWORD_RESET = "core_fix_wrong_password_reset" (portal);
        FIX_LOCKED_ASK = "core_fix_locked_ask" (portal);
        FIX_LOCKED_UNLOCK_YOURSELF = "core_fix_locked_unlock_yourself" (portal);
        FIX_PASSWORD_EXPIRED_LET_KEYDESK = "core_fix_password_expired_let_keydesk" (portal);
        FIX_PASSWORD_EXPIRED_YOURSELF = "core_fix_password_expired_yourself" (portal);
        FIX_SSO_FORGET_COOKIES = "core_fix_sso_forget_cookies";
        FIX_CLEAN_PROFILE = "core_fix_clean_profile";
        FIX_SSO_ASK_IT = "core_fix_sso_ask_it";
        FIX_IDENTITY_CHECK = "core_fix_identity_check" (portal);
        FIX_IDENTITY_TELL_IT = "core_fix_identity_tell_it";
        FIX_CODE_NEVER_ARRIVED_MAILBOX = "core_fix_code_never_arrived_mailbox";
        FIX_CODE_NEVER_ARRIVED_ADDRESS = "core_fix_code_never_arrived_address" (portal);
        FIX_CODE_REFUSED_CLOCK = "core_fix_code_refused_clock" (portal);
        FIX_CODE_REFUSED_ENTRY = "core_fix_code_refused_entry" (portal);
        FIX_CODE_REFUSED_MAILBOX = "core_fix_code_refused_mailbox";
        FIX_CODE_REFUSED_ASK_NEW = "core_fix_code_refused_ask_new" (portal);
        FIX_STORED_SESSION_FORGET = "core_fix_stored_session_forget" (portal);
        FIX_CHECK_ANSWERS = "core_fix_check_answers" (portal);
        FIX_NETWORK_CHECK = "core_fix_network_check";
        FIX_TLS_CERTIFICATE = "core_fix_tls_certificate" (portal);
        FIX_TLS_CLOCK = "core_fix_tls_clock";
        FIX_MAINTENANCE_CHECK = "core_fix_maintenance_check" (portal);
        FIX_MAINTENANCE_LATER = "core_fix_maintenance_later";
        FIX_PAGE_CHANGED_YOURSELF = "core_fix_page_changed_yourself" (portal);
        FIX_PAGE_CHANGED_CLEAN_PROFILE = "core_fix_page_changed_clean_profile";

        SIGNIN_OPENING = "core_signin_opening" (portal);
        SIGNIN_CREDENTIALS = "core_signin_credentials" (portal);
        SIGNIN_REQUESTING_CODE = "core_signin_requesting_code" (channel, portal);
        SIGNIN_ENTERING_AUTHENTICATOR_CODE = "core_signin_entering_authenticator_code" (portal);
        SIGNIN_ASKS_FOR_CODE = "core_signin_asks_for_code" (portal);
        SIGNIN_WAITING_FOR_CODE = "core_signin_waiting_for_code" (portal);
        SIGNIN_ENTERING_CODE = "core_signin_entering_code" (portal);
        SIGNIN_SIGNED_IN_REMEMBERED = "core_signin_signed_in_remembered" (portal);
        SIGNIN_SIGNED_IN = "core_signin_signed_in" (portal);
        SIGNIN_FAILED = "core_signin_failed" (why);
        SIGNIN_NO_BUTTON = "core_signin_no_button" (filled, portal);
        SIGNIN_CODE_TO_CONFIRM = "core_signin_code_to_confirm" (portal, sender);
        SIGNIN_CHANNEL_EMAIL = "core_signin_channel_email";
        SIGNIN_CHANNEL_TEXT = "core_signin_channel_text";
        SIGNIN_FILLED_PASSWORD = "core_signin_filled_password";
        SIGNIN_FILLED_CODE = "core_signin_filled_code";
        FAILURE_WRONG_CREDENTIALS = "core_failure_wrong_credentials" (portal);
        FAILURE_LOCKED = "core_failure_locked" (portal);
        FAILURE_PASSWORD_EXPIRED = "core_failure_password_expired" (portal);
        FAILURE_MAINTENANCE = "core_failure_maintenance" (portal);
        FAILURE_CODE_NEVER_CAME = "core_failure_code_never_came" (portal);
        FAILURE_SSO = "core_failure_sso" (portal);
        FAILURE_LOOK_ALIKE_ORIGIN = "core_failure_look_alike_origin" (origin, portal);
        FAILURE_ADDRESS_CHANGED = "core_failure_address_changed" (origin, portal);
        FAILURE_CODE_REFUSED = "core_failure_code_refused" (portal);
        FAILURE_CODE_NOT_SENT = "core_failure_code_not_sent" (portal);
        FAILURE_CHANNEL_NOT_OFFERED = "core_failure_channel_not_offered" (channel, portal);
        FAILURE_STORED_SESSION = "core_failure_stored_session" (portal);
        FAILURE_FORM_NOT_FOUND = "core_failure_form_not_found" (portal);
        FAILURE_STEP_NOT_FOUND = "core_failure_step_not_found" (page, portal, step);
        FAILURE_NOT_SIGN_IN_PAGE = "core_failure_not_sign_in_page" (page, portal);
        FAILURE_FORM_POSTS_ELSEWHERE = "core_failure_form_posts_elsewhere" (origin, portal);
        FAILURE_SUBMIT_NOT_FOUND = "core_failure_submit_not_found" (filled, portal);
        FAILURE_NOT_RESPONDING = "core_failure_not_responding" (portal);
        FAILURE_NO_PASSWORD = "core_failure_no_password" (portal);
        FAILURE_NO_CODE_SOURCE = "core_failure_no_code_source" (missing);
        FAILURE_KEYCHAIN = "core_failure_keychain" (message);
        FAILURE_WINDOW_CLOSED = "core_failure_window_closed" (portal);
        FAILURE_WINDOW = "core_failure_window" (message, portal);
        NEXT_WRONG_CREDENTIALS = "core_next_wrong_credentials" (portal);
        NEXT_LOCKED = "core_next_locked" (call, portal);
        NEXT_PASSWORD_EXPIRED = "core_next_password_expired" (portal);
        NEXT_MAINTENANCE = "core_next_maintenance" (portal);
        NEXT_CODE_NEVER_CAME = "core_next_code_never_came";
        NEXT_SSO = "core_next_sso";
        NEXT_LOOK_ALIKE_ORIGIN = "core_next_look_alike_origin" (portal);
        NEXT_ADDRESS_CHANGED = "core_next_address_changed" (portal);
        NEXT_CODE_REFUSED = "core_next_code_refused";
        NEXT_TRY_AGAIN_LATER = "core_next_try_again_later" (call, portal);
        NEXT_CHANNEL_NOT_OFFERED = "core_next_channel_not_offered";
        NEXT_STORED_SESSION = "core_next_stored_session" (portal);
        NEXT_FORM_NOT_FOUND = "core_next_form_not_found";
        NEXT_STEP_NOT_FOUND = "core_next_step_not_found" (portal);
        NEXT_CHECK_ADDRESS = "core_next_check_address" (portal);
        NEXT_SUBMIT_NOT_FOUND = "core_next_submit_not_found" (filled, portal);
        NEXT_NO_PASSWORD = "core_next_no_password";
        NEXT_NO_CODE_SOURCE = "core_next_no_code_source";
        NEXT_KEYCHAIN = "core_next_keychain";
        NEXT_SIGN_IN_AGAIN = "core_next_sign_in_again";
        LOCKOUT_ONE = "core_lockout_one" (portal);
        LOCKOUT_OTHER = "core_lockout_other" (count, portal);
        LOCKOUT_MAY_BE_LOCKED = "core_lockout_may_be_locked" (in_a_row, portal, threshold);
        LOCKOUT_ONE_MORE = "core_lockout_one_more" (in_a_row, portal, threshold);
        LOCKOUT_UNKNOWN_THRESHOLD = "core_lockout_unknown_threshold" (in_a_row);

        STATUS_DATABASE_MOVED = "core_status_database_moved" (path);
        STATUS_NO_SENDER_CHECKS = "core_status_no_sender_checks";
        STATUS_PIN_REQUIRED = "core_status_pin_required";

        HEALTH_OK = "core_health_ok";
        HEALTH_MAINTENANCE = "core_health_maintenance";
        HEALTH_CERTIFICATE = "core_health_certificate";
        HEALTH_UNREACHABLE = "core_health_unreachable";
        HEALTH_ERROR = "core_health_error";

        CHANGE_PROPOSED = "core_change_proposed" (portal);
        CHANGE_RUNNING = "core_change_running" (portal);
        CHANGE_CHANGED = "core_change_changed" (portal);
        CHANGE_REFUSED = "core_change_refused" (portal);
        CHANGE_NOT_SENT = "core_change_not_sent";
        CHANGE_UNSETTLED = "core_change_unsettled" (portal);

        FOUND_HEALTH_REUSED = "core_found_health_reused" (seconds, words);
        FOUND_HEALTH_NONE = "core_found_health_none";
        FOUND_IDENTITY = "core_found_identity" (origin, portal, words);
        FOUND_COOKIES_CLEARED = "core_found_cookies_cleared";
        FOUND_NO_COOKIES = "core_found_no_cookies";
        FOUND_MAILBOX_NOT_SET_UP = "core_found_mailbox_not_set_up";
        FOUND_MAILBOX_STOPPED = "core_found_mailbox_stopped" (message);
        FOUND_MAILBOX_CONNECTING = "core_found_mailbox_connecting" (account);
        FOUND_MAILBOX_CONNECTED = "core_found_mailbox_connected" (account);
        FOUND_MAILBOX_FAILING = "core_found_mailbox_failing" (message);
        FOUND_CODES_WAITING = "core_found_codes_waiting" (connection, count);
        FOUND_NO_CLOCK_SERVER = "core_found_no_clock_server";
        FOUND_SUPPORT_PHONE_HOURS = "core_found_support_phone_hours" (hours, phone, portal);
        FOUND_SUPPORT_PHONE = "core_found_support_phone" (phone, portal);
        FOUND_NO_SUPPORT_PHONE = "core_found_no_support_phone" (portal);
        FOUND_FORGOT_PAGE_OPEN = "core_found_forgot_page_open" (href);
        FOUND_NO_FORGOT_LINK = "core_found_no_forgot_link";
        FOUND_WINDOW_NOT_OPENED = "core_found_window_not_opened" (why);
        FOUND_CLEAN_PROFILE_STARTED = "core_found_clean_profile_started" (words);
        FOUND_PREPARE_REQUEST = "core_found_prepare_request";
    }
}

type Catalogue = HashMap<String, String>;

static CATALOGUES: LazyLock<[Catalogue; 2]> = LazyLock::new(|| {
    let read = |json: &str| -> Catalogue {
        // The files are checked by the UI's tests and by this module's: a damaged one is a bug
        // of the build, and the texts fall back to their keys rather than stopping Keydesk.
        serde_json::from_str(json).unwrap_or_default()
    };
    [
        // The core's keys of ui/messages/{en,es}.json, picked out by build.rs.
        read(include_str!(concat!(env!("OUT_DIR"), "/core-en.json"))),
        read(include_str!(concat!(env!("OUT_DIR"), "/core-es.json"))),
    ]
});

/// The catalogue's text for `key` in `locale` as written (placeholders unfilled); English when
/// the Spanish lacks it, the key itself when neither has it (a bug the tests catch).
pub fn raw(locale: Locale, key: &str) -> &str {
    let [en, es] = &*CATALOGUES;
    let found = match locale {
        Locale::Es => es.get(key).or_else(|| en.get(key)),
        Locale::En => en.get(key),
    };
    found.map_or(key, String::as_str)
}

/// The text `msg` in `locale`, each `{name}` replaced by its value in `args`.
pub fn text(locale: Locale, msg: Msg, args: &[(&str, &dyn Display)]) -> String {
    debug_assert!(
        args.len() == msg.params.len() && args.iter().all(|(n, _)| msg.params.contains(n)),
        "{} takes {:?}",
        msg.key,
        msg.params
    );
    fill(raw(locale, msg.key), args)
}

/// The plain-words message of an error with `code` in `locale` (`error_<code>`).
pub fn error_text(locale: Locale, code: crate::ErrorCode) -> String {
    raw(locale, &format!("error_{}", code.as_str())).to_owned()
}

/// A failure's message as a person reads it in `locale`: in English the detailed `english`
/// one, otherwise the code's plain words ([`error_text`]).
pub fn error_in(locale: Locale, code: crate::ErrorCode, english: String) -> String {
    match locale {
        Locale::En => english,
        locale => error_text(locale, code),
    }
}

fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| Some((close, args.iter().find(|(n, _)| *n == &after[..close])?)));
        match value {
            Some((close, (_, value))) => {
                out.push_str(&value.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<String> {
        let mut found: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn every_core_text_is_in_both_languages_with_its_placeholders_filled() {
        for locale in Locale::ALL {
            let [en, es] = &*CATALOGUES;
            let catalogue = if locale == Locale::En { en } else { es };
            for m in msg::ALL {
                let written = catalogue.get(m.key);
                assert!(written.is_some(), "{} is missing in {locale:?}", m.key);
                let mut params: Vec<String> = m.params.iter().map(|p| (*p).to_owned()).collect();
                params.sort();
                assert_eq!(
                    placeholders(written.unwrap()),
                    params,
                    "{} in {locale:?} must hold exactly the placeholders the core fills",
                    m.key
                );
                let args: Vec<(&str, &dyn Display)> = m
                    .params
                    .iter()
                    .map(|p| (*p, &"x" as &dyn Display))
                    .collect();
                let shown = text(locale, *m, &args);
                assert!(
                    !shown.contains('{') && !shown.contains('}'),
                    "{} in {locale:?} left a placeholder: {shown}",
                    m.key
                );
            }
        }
    }

    #[test]
    fn keys_are_declared_once() {
        let mut seen = std::collections::HashSet::new();
        for m in msg::ALL {
            assert!(seen.insert(m.key), "{} is declared twice", m.key);
            assert!(m.key.starts_with("core_"), "{}: the core's prefix", m.key);
        }
    }

    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        let [en, es] = &*CATALOGUES;
        for code in crate::ErrorCode::ALL {
            let key = format!("error_{}", code.as_str());
            for (locale, catalogue) in [(Locale::En, en), (Locale::Es, es)] {
                let written = catalogue.get(&key);
                assert!(
                    written.is_some_and(|t| !t.trim().is_empty()),
                    "{key} is missing in {locale:?}"
                );
                assert!(
                    placeholders(written.unwrap()).is_empty(),
                    "{key}: no placeholders"
                );
            }
            assert_ne!(en[&key], es[&key], "{key} is translated");
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_braces_kept() {
        assert_eq!(
            fill(
                "{who} — {left}",
                &[("who", &"Cigna"), ("left", &"4 min left")]
            ),
            "Cigna — 4 min left"
        );
        assert_eq!(fill("a {b} {c", &[("x", &1)]), "a {b} {c");
        assert_eq!(fill("{n}{n}", &[("n", &7)]), "77");
    }

    #[test]
    fn the_system_language_is_spanish_for_any_spanish() {
        for tag in ["es", "es-MX", "es_US.UTF-8", "ES-419"] {
            assert_eq!(Locale::of_tag(tag), Locale::Es, "{tag}");
        }
        for tag in ["en-US", "C", "", "fr-FR", "pt-BR"] {
            assert_eq!(Locale::of_tag(tag), Locale::En, "{tag}");
        }
    }

    #[test]
    fn a_spanish_text_is_spanish() {
        assert_eq!(text(Locale::En, msg::TRAY_OPEN, &[]), "Open Keydesk");
        assert_eq!(text(Locale::Es, msg::TRAY_OPEN, &[]), "Abrir Keydesk");
        let shared = SharedLocale::new(Locale::Es);
        let seen = shared.clone();
        assert_eq!(seen.get(), Locale::Es);
        shared.set(Locale::En);
        assert_eq!(seen.get(), Locale::En, "a change reaches every holder");
    }
}
