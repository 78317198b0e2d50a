//! Why a sign-in stopped, in plain words, with the next step the desk can take (DESIGN.md,
//! capability 6: reset the password, ask the administrator to unlock, check maintenance notices,
//! sign in through the organization's SSO).

use serde::Serialize;

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

    /// What happened, in plain words, naming the portal.
    pub fn words(&self, portal: &str) -> String {
        match self {
            Self::WrongCredentials => format!("{portal} did not accept the username or password."),
            Self::Locked => format!("{portal} says the account is locked."),
            Self::PasswordExpired => format!("{portal} says the password has expired."),
            Self::Maintenance => format!("{portal} is down for maintenance."),
            Self::CodeNeverCame => format!("The code from {portal} did not arrive in time."),
            Self::Sso => format!("This {portal} account signs in through your organization (SSO)."),
            Self::LookAlikeOrigin { origin } => format!(
                "The page is not {portal}'s own address ({origin}), so Keydesk filled in nothing."
            ),
            Self::AddressChanged { origin } => format!(
                "The page left {portal}'s own address ({origin}) just as Keydesk was filling it, \
                 so Keydesk stopped."
            ),
            Self::CodeRefused => format!("{portal} did not accept the code."),
            Self::CodeNotSent => format!("{portal} did not send a code."),
            Self::ChannelNotOffered { channel } => format!(
                "{portal} did not offer to send the code by {}.",
                channel_words(*channel)
            ),
            Self::StoredSession => {
                format!("{portal} says a session is already open in the portal window's browser.")
            }
            Self::FormNotFound => {
                format!("Keydesk could not find the sign-in form on {portal}'s page.")
            }
            Self::StepNotFound { step, page } => format!(
                "Keydesk could not find the {step} on {portal}'s page ({page}); the page may have \
                 changed. Nothing was typed there."
            ),
            Self::NotSignInPage { page } => format!(
                "{portal}'s page is not a sign-in page ({page}), so Keydesk filled in nothing."
            ),
            Self::FormPostsElsewhere { origin } => format!(
                "The form on {portal}'s page sends to another address ({origin}), so Keydesk \
                 filled in nothing."
            ),
            Self::SubmitNotFound { filled } => format!(
                "Keydesk filled in the {} on {portal}'s page but could not find the button to \
                 send it, and the page did not go on by itself.",
                filled.words()
            ),
            Self::NotResponding => format!("{portal} stopped answering."),
            Self::NoPassword => format!("No password is saved for {portal}."),
            Self::NoCodeSource { missing } => format!("Keydesk cannot get the code: {missing}."),
            Self::Keychain { message } => format!("The keychain could not be read: {message}."),
            Self::WindowClosed => {
                format!("The {portal} window was closed before the sign-in finished.")
            }
            Self::Window { message } => {
                format!("The {portal} window could not be used: {message}.")
            }
        }
    }

    /// What the desk can do next, in plain words.
    pub fn next_step(&self, portal: &str, support_phone: Option<&str>) -> String {
        let call = support_phone.map(|p| format!(" ({p})")).unwrap_or_default();
        match self {
            Self::WrongCredentials => format!(
                "Check the username, or reset the password on {portal}'s site and save the new one \
                 in Keydesk. Keydesk will not try again by itself, so the account does not lock."
            ),
            Self::Locked => format!(
                "Ask your office administrator or {portal} support{call} to unlock the account. \
                 Keydesk will not try again by itself."
            ),
            Self::PasswordExpired => format!(
                "Let Keydesk change it (Change the password, below): it fills {portal}'s change \
                 form once you confirm, and keeps the old password until {portal} took the new one."
            ),
            Self::Maintenance => format!(
                "Check {portal}'s maintenance notices and try again later."
            ),
            Self::CodeNeverCame => "Check that the mailbox is connected (Status), then sign in again; \
                 or type the code in the portal window yourself."
                .to_owned(),
            Self::Sso => "Sign in through your organization's SSO in the portal window.".to_owned(),
            Self::LookAlikeOrigin { .. } => format!(
                "Close that window. If {portal} really moved, edit the portal's allowed origins."
            ),
            Self::AddressChanged { .. } => format!(
                "Look at the portal window: sign in again only once it shows {portal}'s own \
                 sign-in page."
            ),
            Self::CodeRefused => "Ask for a new code in the portal window and type it yourself, or \
                 sign in again later. Keydesk will not try another code by itself."
                .to_owned(),
            Self::CodeNotSent | Self::NotResponding => {
                format!("Try again in a few minutes; if it keeps happening, call {portal} support{call}.")
            }
            Self::ChannelNotOffered { .. } => {
                "Change the portal's second step in Keydesk to what the portal offers.".to_owned()
            }
            Self::StoredSession => format!(
                "Forget this device's cookies for {portal} (the guided fix under the portal does \
                 it), then sign in again."
            ),
            Self::FormNotFound => "Sign in in the portal window yourself, or use Open in my browser."
                .to_owned(),
            Self::StepNotFound { .. } => format!(
                "Sign in in the {portal} window yourself this time, or use Teach Keydesk this \
                 page and click the field or button in the {portal} window."
            ),
            Self::NotSignInPage { .. } | Self::FormPostsElsewhere { .. } => format!(
                "Close that window and check {portal}'s sign-in address in the portal's settings."
            ),
            Self::SubmitNotFound { filled } => format!(
                "Press the button that sends the {} in the {portal} window yourself. Keydesk \
                 does not fill it in again, so it is not sent twice.",
                filled.words()
            ),
            Self::NoPassword => "Save the portal's password in Keydesk, then sign in again.".to_owned(),
            Self::NoCodeSource { .. } => {
                "Set up the mailbox or link an authenticator entry to this portal, or type the code \
                 in the portal window yourself."
                    .to_owned()
            }
            Self::Keychain { .. } => "Unlock the keychain (Status shows it), then sign in again.".to_owned(),
            Self::WindowClosed | Self::Window { .. } => "Sign in again.".to_owned(),
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
    /// "password" or "code".
    pub fn words(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Code => "code",
        }
    }
}

/// "e-mail" or "text message".
pub fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "e-mail",
        Channel::Sms => "text message",
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
            assert!(f.words("Cigna").ends_with('.'), "{f:?}");
            assert!(
                !f.next_step("Cigna", Some("800-981-9114")).is_empty(),
                "{f:?}"
            );
        }
        assert!(
            Failure::Locked
                .next_step("Cigna", Some("800-981-9114"))
                .contains("800-981-9114")
        );
        assert!(Failure::Locked.next_step("Cigna", None).contains("unlock"));
    }
}
