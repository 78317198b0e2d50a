//! Why a sign-in stopped, in plain words, with the next step the desk can take (DESIGN.md,
//! capability 6: reset the password, ask the administrator to unlock, check maintenance notices,
//! sign in through the organization's SSO).

use serde::Serialize;

use crate::i18n::{Locale, Msg, msg, text};
use crate::pending::Channel;

/// Why a sign-in stopped. Carries no secret: only what the desk may read and report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Failure {
    /// The portal refused the username or password (or asked for them again).
    WrongCredentials,
    /// The portal says the account is locked.
    Locked,
    /// The portal says the password has expired.
    PasswordExpired,
    /// The portal is down for maintenance.
    Maintenance,
    /// The e-mailed or texted code did not arrive in time.
    CodeNeverCame,
    /// The account signs in through its organization (single sign-on).
    Sso,
    /// The page is not on one of the portal's stored origins: nothing was filled there.
    LookAlikeOrigin {
        /// The origin the page was on.
        origin: String,
    },
    /// The page left the approved origin between the machine's check and the fill: the web
    /// engine or the fill script found another address. Nothing (more) was filled; as the page
    /// may have taken what was written before, a new try needs confirmation.
    AddressChanged {
        /// The origin the page was on then, as far as known.
        origin: String,
    },
    /// The portal refused the code.
    CodeRefused,
    /// The portal did not send a code when asked.
    CodeNotSent,
    /// The portal does not offer the code channel this portal entry is set to.
    ChannelNotOffered {
        /// The channel asked for.
        channel: Channel,
    },
    /// The portal says a session is already open in this browser (a stored session or cookie
    /// is in the way), and shows no sign-in form.
    StoredSession,
    /// No sign-in form was found on the page.
    FormNotFound,
    /// Neither the portal's recipe nor the page detector found this step's field or button on
    /// the page: the page has changed. Nothing was typed there.
    StepNotFound {
        /// The step ("username", "password", "code", "how to send the code").
        step: String,
        /// The page (its address without the query).
        page: String,
    },
    /// The page is not a sign-in page (a sign-up, password change, registration, payment or
    /// recovery page): it is never filled.
    NotSignInPage {
        /// What it is, in words.
        page: String,
    },
    /// The page's form sends what is typed into it to an origin outside the portal's own.
    FormPostsElsewhere {
        /// Where it posts.
        origin: String,
    },
    /// Keydesk wrote the password or code but found no button to send it, and the page did not
    /// go on by itself. It is not written again: the desk presses the button.
    SubmitNotFound {
        /// What was written.
        filled: Filled,
    },
    /// The portal stopped answering.
    NotResponding,
    /// No password is saved for the portal.
    NoPassword,
    /// Keydesk has nowhere to take the code from (no mailbox watched, no authenticator entry).
    NoCodeSource {
        /// What is missing, in plain words.
        missing: String,
    },
    /// The keychain could not be read.
    Keychain {
        /// Its message (never a secret).
        message: String,
    },
    /// The portal window was closed before the sign-in finished.
    WindowClosed,
    /// The portal window could not be driven.
    Window {
        /// What went wrong.
        message: String,
    },
}

impl Failure {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongCredentials => "wrong_credentials",
            Self::Locked => "locked",
            Self::PasswordExpired => "password_expired",
            Self::Maintenance => "maintenance",
            Self::CodeNeverCame => "code_never_came",
            Self::Sso => "sso",
            Self::LookAlikeOrigin { .. } => "look_alike_origin",
            Self::AddressChanged { .. } => "address_changed",
            Self::CodeRefused => "code_refused",
            Self::CodeNotSent => "code_not_sent",
            Self::ChannelNotOffered { .. } => "channel_not_offered",
            Self::StoredSession => "stored_session",
            Self::FormNotFound => "form_not_found",
            Self::StepNotFound { .. } => "step_not_found",
            Self::NotSignInPage { .. } => "not_sign_in_page",
            Self::FormPostsElsewhere { .. } => "form_posts_elsewhere",
            Self::SubmitNotFound { .. } => "submit_not_found",
            Self::NotResponding => "not_responding",
            Self::NoPassword => "no_password",
            Self::NoCodeSource { .. } => "no_code_source",
            Self::Keychain { .. } => "keychain",
            Self::WindowClosed => "window_closed",
            Self::Window { .. } => "window",
        }
    }

    /// What happened, in plain words, naming the portal, in `locale`.
    pub fn words(&self, portal: &str, locale: Locale) -> String {
        let p: (&str, &dyn std::fmt::Display) = ("portal", &portal);
        let t = |m: Msg, args: &[(&str, &dyn std::fmt::Display)]| text(locale, m, args);
        match self {
            Self::WrongCredentials => t(msg::FAILURE_WRONG_CREDENTIALS, &[p]),
            Self::Locked => t(msg::FAILURE_LOCKED, &[p]),
            Self::PasswordExpired => t(msg::FAILURE_PASSWORD_EXPIRED, &[p]),
            Self::Maintenance => t(msg::FAILURE_MAINTENANCE, &[p]),
            Self::CodeNeverCame => t(msg::FAILURE_CODE_NEVER_CAME, &[p]),
            Self::Sso => t(msg::FAILURE_SSO, &[p]),
            Self::LookAlikeOrigin { origin } => {
                t(msg::FAILURE_LOOK_ALIKE_ORIGIN, &[p, ("origin", origin)])
            }
            Self::AddressChanged { origin } => {
                t(msg::FAILURE_ADDRESS_CHANGED, &[p, ("origin", origin)])
            }
            Self::CodeRefused => t(msg::FAILURE_CODE_REFUSED, &[p]),
            Self::CodeNotSent => t(msg::FAILURE_CODE_NOT_SENT, &[p]),
            Self::ChannelNotOffered { channel } => t(
                msg::FAILURE_CHANNEL_NOT_OFFERED,
                &[p, ("channel", &channel_words(*channel, locale))],
            ),
            Self::StoredSession => t(msg::FAILURE_STORED_SESSION, &[p]),
            Self::FormNotFound => t(msg::FAILURE_FORM_NOT_FOUND, &[p]),
            Self::StepNotFound { step, page } => t(
                msg::FAILURE_STEP_NOT_FOUND,
                &[p, ("step", step), ("page", page)],
            ),
            Self::NotSignInPage { page } => t(msg::FAILURE_NOT_SIGN_IN_PAGE, &[p, ("page", page)]),
            Self::FormPostsElsewhere { origin } => {
                t(msg::FAILURE_FORM_POSTS_ELSEWHERE, &[p, ("origin", origin)])
            }
            Self::SubmitNotFound { filled } => t(
                msg::FAILURE_SUBMIT_NOT_FOUND,
                &[p, ("filled", &filled.words(locale))],
            ),
            Self::NotResponding => t(msg::FAILURE_NOT_RESPONDING, &[p]),
            Self::NoPassword => t(msg::FAILURE_NO_PASSWORD, &[p]),
            Self::NoCodeSource { missing } => {
                t(msg::FAILURE_NO_CODE_SOURCE, &[("missing", missing)])
            }
            Self::Keychain { message } => t(msg::FAILURE_KEYCHAIN, &[("message", message)]),
            Self::WindowClosed => t(msg::FAILURE_WINDOW_CLOSED, &[p]),
            Self::Window { message } => t(msg::FAILURE_WINDOW, &[p, ("message", message)]),
        }
    }

    /// What the desk can do next, in plain words, in `locale`.
    pub fn next_step(&self, portal: &str, support_phone: Option<&str>, locale: Locale) -> String {
        let call = support_phone.map(|p| format!(" ({p})")).unwrap_or_default();
        let p: (&str, &dyn std::fmt::Display) = ("portal", &portal);
        let c: (&str, &dyn std::fmt::Display) = ("call", &call);
        let t = |m: Msg, args: &[(&str, &dyn std::fmt::Display)]| text(locale, m, args);
        match self {
            Self::WrongCredentials => t(msg::NEXT_WRONG_CREDENTIALS, &[p]),
            Self::Locked => t(msg::NEXT_LOCKED, &[p, c]),
            Self::PasswordExpired => t(msg::NEXT_PASSWORD_EXPIRED, &[p]),
            Self::Maintenance => t(msg::NEXT_MAINTENANCE, &[p]),
            Self::CodeNeverCame => t(msg::NEXT_CODE_NEVER_CAME, &[]),
            Self::Sso => t(msg::NEXT_SSO, &[]),
            Self::LookAlikeOrigin { .. } => t(msg::NEXT_LOOK_ALIKE_ORIGIN, &[p]),
            Self::AddressChanged { .. } => t(msg::NEXT_ADDRESS_CHANGED, &[p]),
            Self::CodeRefused => t(msg::NEXT_CODE_REFUSED, &[]),
            Self::CodeNotSent | Self::NotResponding => t(msg::NEXT_TRY_AGAIN_LATER, &[p, c]),
            Self::ChannelNotOffered { .. } => t(msg::NEXT_CHANNEL_NOT_OFFERED, &[]),
            Self::StoredSession => t(msg::NEXT_STORED_SESSION, &[p]),
            Self::FormNotFound => t(msg::NEXT_FORM_NOT_FOUND, &[]),
            Self::StepNotFound { .. } => t(msg::NEXT_STEP_NOT_FOUND, &[p]),
            Self::NotSignInPage { .. } | Self::FormPostsElsewhere { .. } => {
                t(msg::NEXT_CHECK_ADDRESS, &[p])
            }
            Self::SubmitNotFound { filled } => t(
                msg::NEXT_SUBMIT_NOT_FOUND,
                &[p, ("filled", &filled.words(locale))],
            ),
            Self::NoPassword => t(msg::NEXT_NO_PASSWORD, &[]),
            Self::NoCodeSource { .. } => t(msg::NEXT_NO_CODE_SOURCE, &[]),
            Self::Keychain { .. } => t(msg::NEXT_KEYCHAIN, &[]),
            Self::WindowClosed | Self::Window { .. } => t(msg::NEXT_SIGN_IN_AGAIN, &[]),
        }
    }

    /// True for failures after which a new sign-in must be asked for explicitly: the portal
    /// counts them towards a lockout, or may have taken what was written. (A sign-in adds the
    /// ones that count only after the password was sent: see
    /// [`SignIn::needs_confirmation_to_retry`](super::SignIn::needs_confirmation_to_retry).)
    pub fn needs_confirmation_to_retry(&self) -> bool {
        matches!(
            self,
            Self::WrongCredentials | Self::Locked | Self::CodeRefused | Self::AddressChanged { .. }
        )
    }
}

/// What a fill wrote into the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Filled {
    /// The username and password.
    Password,
    /// The one-time code.
    Code,
}

impl Filled {
    /// "password" or "code", in `locale`.
    pub fn words(self, locale: Locale) -> String {
        match self {
            Self::Password => text(locale, msg::SIGNIN_FILLED_PASSWORD, &[]),
            Self::Code => text(locale, msg::SIGNIN_FILLED_CODE, &[]),
        }
    }
}

/// "e-mail" or "text message", in `locale`.
pub fn channel_words(channel: Channel, locale: Locale) -> String {
    match channel {
        Channel::Email => text(locale, msg::SIGNIN_CHANNEL_EMAIL, &[]),
        Channel::Sms => text(locale, msg::SIGNIN_CHANNEL_TEXT, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_a_code_words_and_a_next_step() {
        let all = [
            Failure::WrongCredentials,
            Failure::Locked,
            Failure::PasswordExpired,
            Failure::Maintenance,
            Failure::CodeNeverCame,
            Failure::Sso,
            Failure::LookAlikeOrigin {
                origin: "http://127.0.0.1:9".into(),
            },
            Failure::AddressChanged {
                origin: "http://127.0.0.1:9".into(),
            },
            Failure::CodeRefused,
            Failure::CodeNotSent,
            Failure::ChannelNotOffered {
                channel: Channel::Sms,
            },
            Failure::StoredSession,
            Failure::FormNotFound,
            Failure::StepNotFound {
                step: "password".into(),
                page: "http://127.0.0.1:9/login".into(),
            },
            Failure::NotSignInPage {
                page: "a sign-up page".into(),
            },
            Failure::FormPostsElsewhere {
                origin: "http://127.0.0.1:9".into(),
            },
            Failure::SubmitNotFound {
                filled: Filled::Code,
            },
            Failure::NotResponding,
            Failure::NoPassword,
            Failure::NoCodeSource {
                missing: "no mailbox".into(),
            },
            Failure::Keychain {
                message: "locked".into(),
            },
            Failure::WindowClosed,
            Failure::Window {
                message: "gone".into(),
            },
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(Failure::code).collect();
        assert_eq!(codes.len(), all.len(), "codes are distinct");
        for f in &all {
            assert!(f.words("Cigna", Locale::En).ends_with('.'), "{f:?}");
            let (en, es) = (f.words("Cigna", Locale::En), f.words("Cigna", Locale::Es));
            assert_ne!(en, es, "{f:?} in Spanish");
            assert!(!es.contains('{'), "{es}");
            assert_ne!(
                f.next_step("Cigna", None, Locale::En),
                f.next_step("Cigna", None, Locale::Es),
                "{f:?}'s next step in Spanish"
            );
            assert!(
                !f.next_step("Cigna", Some("800-981-9114"), Locale::En)
                    .is_empty(),
                "{f:?}"
            );
        }
        assert!(
            Failure::Locked
                .next_step("Cigna", Some("800-981-9114"), Locale::En)
                .contains("800-981-9114")
        );
        assert!(
            Failure::Locked
                .next_step("Cigna", None, Locale::En)
                .contains("unlock")
        );
    }
}
