//! One-click sign-in: the state machine that signs in to a portal, the form recipes it reads
//! pages with, the scripts the shell runs in the portal window, and what the window shows.
//!
//! | module | what |
//! |---|---|
//! | [`recipe`] | the form recipes (data in `recipes.toml`), merged over a generic fallback |
//! | [`machine`] | [`SignIn`]: observations in, actions out; origin checks, no retry into a lockout |
//! | [`change`] | [`PasswordChange`](change::PasswordChange): an expired password changed in the portal's own form, once, and the portal's answer |
//! | [`action`] | what else goes between the machine and the shell: the code wanted, the code found, the action |
//! | [`control`] | one control of a page as the observe script reports it |
//! | [`detect`] | the page detector: which control is the username, password, submit, code, remember, channel; or not a sign-in page |
//! | [`codes`] | where the code comes from: the inbox, or the linked authenticator entry (once per code) |
//! | [`observation`] | what the page scripts report: the page seen, a fill's result |
//! | [`script`] | the observe and fill scripts (each fill script re-checks `location.origin`) |
//! | [`failure`] | why a sign-in stopped, in plain words with the next step |
//! | [`guard`] | [`RetryGuard`]: no new try without confirmation after a lockout risk, kept across restarts |
//! | [`teach`] | *Teach Keydesk this page*: the portal's taught hints, kept in the database |
//! | [`registry`] | [`SignIns`]: the sign-ins of this run, one per portal at a time |
//!
//! The shell drives it: it opens the portal window with its own browser profile, observes the
//! page every few hundred milliseconds, looks up the code [`SignIn::wants`] (the inbox's
//! [`crate::inbox::Inbox::code_for_sign_in`], or the linked authenticator entry), and performs the
//! [`Action`]s. [`SignInView`] is what the main window is told, and never carries a secret.

pub mod action;
pub mod change;
pub mod codes;
pub mod control;
pub mod detect;
pub mod failure;
pub mod guard;
pub mod machine;
pub mod observation;
pub mod recipe;
pub mod registry;
pub mod script;
pub mod teach;

use serde::Serialize;

use crate::i18n::{Locale, Msg, msg, text};

pub use failure::Failure;
pub use guard::{RetryGuard, StartError};
pub use machine::{
    Action, CodeWanted, FillReport, Observation, OfferedCode, SignIn, State, Timing,
};
pub use recipe::{Recipe, RecipeError, Recipes};
pub use registry::{Claim, SignIns};

/// What the main window shows of one sign-in ("signin-changed"). No secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SignInView {
    /// The portal.
    pub portal_id: i64,
    /// Its name.
    pub portal: String,
    /// Where the sign-in is.
    #[serde(flatten)]
    pub state: State,
    /// The state in plain words ("Waiting for the code from Cigna").
    pub words: String,
    /// For a failure, what to do next.
    pub next_step: Option<String>,
    /// For a failure, its stable code.
    pub failure_code: Option<&'static str>,
    /// A new sign-in must be confirmed (the last one ended in a way a lockout counts).
    pub retry_needs_confirmation: bool,
    /// How near the portal's lockout the sign-ins that failed in a row are, when near (see
    /// [`guard::lockout_warning`]).
    pub lockout_warning: Option<String>,
    /// When the sign-in started (UNIX milliseconds).
    pub started_ms: i64,
    /// Its figures.
    pub timing: Timing,
    /// A code that arrived for this sign-in from a mail server that checks no sender: the
    /// sign-in fills it only once the person confirms it.
    pub code_to_confirm: Option<CodeToConfirm>,
}

/// A code shown for the person's confirmation: the mail server checks no sender, so only the
/// person can say it is the code the portal just sent. No digits here: the Codes view shows
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CodeToConfirm {
    /// Its message.
    pub key: crate::pending::MessageKey,
    /// Who the message says sent it.
    pub sender: String,
    /// When it arrived (UNIX seconds).
    pub delivered_at: i64,
}

impl From<&crate::pending::PendingCode> for CodeToConfirm {
    fn from(code: &crate::pending::PendingCode) -> Self {
        let sender = match &code.origin {
            crate::pending::Origin::Unverified { sender, .. }
            | crate::pending::Origin::Unmatched { sender } => sender.clone(),
            crate::pending::Origin::Portal { name, .. } => name.clone(),
        };
        Self {
            key: code.key.clone(),
            sender,
            delivered_at: code.delivered_at,
        }
    }
}

impl SignInView {
    /// The view of `sign_in` now, its words in `locale`.
    pub fn of(sign_in: &SignIn, locale: Locale) -> Self {
        let portal = sign_in.portal();
        let name = portal.fields.name.clone();
        let p: (&str, &dyn std::fmt::Display) = ("portal", &name);
        let words = |m: Msg| text(locale, m, &[p]);
        let channel = failure::channel_words(
            match portal.fields.second_step {
                crate::portal::SecondStep::SmsCode => crate::pending::Channel::Sms,
                _ => crate::pending::Channel::Email,
            },
            locale,
        );
        let waiting_for_the_page = sign_in.waiting_for_the_page().map(|filled| {
            text(
                locale,
                msg::SIGNIN_NO_BUTTON,
                &[("filled", &filled.words(locale)), p],
            )
        });
        let (words, next_step, failure_code, confirm) = match sign_in.state() {
            State::Opening => (words(msg::SIGNIN_OPENING), None, None, false),
            State::Credentials => (words(msg::SIGNIN_CREDENTIALS), None, None, false),
            State::RequestingCode => (
                text(
                    locale,
                    msg::SIGNIN_REQUESTING_CODE,
                    &[p, ("channel", &channel)],
                ),
                None,
                None,
                false,
            ),
            State::WaitingForCode { .. } => {
                let m = match portal.fields.second_step {
                    crate::portal::SecondStep::Authenticator => {
                        msg::SIGNIN_ENTERING_AUTHENTICATOR_CODE
                    }
                    crate::portal::SecondStep::None => msg::SIGNIN_ASKS_FOR_CODE,
                    _ => msg::SIGNIN_WAITING_FOR_CODE,
                };
                (words(m), None, None, false)
            }
            State::Code => (words(msg::SIGNIN_ENTERING_CODE), None, None, false),
            State::SignedIn { skipped_code } => (
                if *skipped_code && portal.fields.second_step != crate::portal::SecondStep::None {
                    words(msg::SIGNIN_SIGNED_IN_REMEMBERED)
                } else {
                    words(msg::SIGNIN_SIGNED_IN)
                },
                None,
                None,
                false,
            ),
            State::Failed { failure } => (
                text(
                    locale,
                    msg::SIGNIN_FAILED,
                    &[("why", &failure.words(&name, locale))],
                ),
                Some(failure.next_step(&name, portal.fields.support_phone.as_deref(), locale)),
                Some(failure.code()),
                sign_in.needs_confirmation_to_retry(),
            ),
        };
        let words = waiting_for_the_page.unwrap_or(words);
        Self {
            portal_id: portal.id,
            portal: name,
            state: sign_in.state().clone(),
            words,
            next_step,
            failure_code,
            retry_needs_confirmation: confirm,
            lockout_warning: None,
            started_ms: sign_in.started_ms(),
            timing: sign_in.timing(),
            code_to_confirm: None,
        }
    }

    /// The view showing `code` for confirmation, while the sign-in waits for its code; its
    /// words in `locale`.
    pub fn with_code_to_confirm(mut self, code: Option<CodeToConfirm>, locale: Locale) -> Self {
        if let Some(code) = code.filter(|_| matches!(self.state, State::WaitingForCode { .. })) {
            self.words = text(
                locale,
                msg::SIGNIN_CODE_TO_CONFIRM,
                &[("portal", &self.portal), ("sender", &code.sender)],
            );
            self.code_to_confirm = Some(code);
        }
        self
    }

    /// The view with the guard's lockout warning for this portal.
    pub fn with_lockout_warning(mut self, warning: Option<String>) -> Self {
        self.lockout_warning = warning;
        self
    }
}
