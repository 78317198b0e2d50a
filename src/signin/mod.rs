//! One-click sign-in: the state machine that signs in to a portal, the form recipes it reads
//! pages with, the scripts the shell runs in the portal window, and what the window shows.
//!
//! | module | what |
//! |---|---|
//! | [`recipe`] | the form recipes (data in `recipes.toml`), merged over a generic fallback |
//! | [`machine`] | [`SignIn`]: observations in, actions out; origin checks, no retry into a lockout |
//! | [`action`] | what else goes between the machine and the shell: the code wanted, the code found, the action |
//! | [`codes`] | where the code comes from: the inbox, or the linked authenticator entry (once per code) |
//! | [`observation`] | what the page scripts report: the page seen, a fill's result |
//! | [`script`] | the observe and fill scripts (each fill script re-checks `location.origin`) |
//! | [`failure`] | why a sign-in stopped, in plain words with the next step |
//!
//! The shell drives it: it opens the portal window with its own browser profile, observes the
//! page every few hundred milliseconds, looks up the code [`SignIn::wants`] (the inbox's
//! [`crate::inbox::Inbox::code_for_sign_in`], or the linked authenticator entry), and performs the
//! [`Action`]s. [`SignInView`] is what the main window is told, and never carries a secret.

pub mod action;
pub mod codes;
pub mod failure;
pub mod machine;
pub mod observation;
pub mod recipe;
pub mod script;

use std::collections::HashMap;

use serde::Serialize;

pub use failure::Failure;
pub use machine::{
    Action, CodeWanted, FillReport, Observation, OfferedCode, SignIn, State, Timing,
};
pub use recipe::{Recipe, RecipeError, Recipes};

use crate::portal::Portal;

/// What the main window shows of one sign-in ("signin-changed"). No secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// When the sign-in started (UNIX milliseconds).
    pub started_ms: i64,
    /// Its figures.
    pub timing: Timing,
}

impl SignInView {
    /// The view of `sign_in` now.
    pub fn of(sign_in: &SignIn) -> Self {
        let portal = sign_in.portal();
        let name = portal.fields.name.clone();
        let channel = match portal.fields.second_step {
            crate::portal::SecondStep::SmsCode => "text message",
            _ => "e-mail",
        };
        let waiting_for_the_page = sign_in.waiting_for_the_page().map(|filled| {
            format!(
                "Keydesk filled in the {} but found no button to send it: if the {name} page \
                 does not go on by itself, press its button in the {name} window.",
                filled.words()
            )
        });
        let (words, next_step, failure_code, confirm) = match sign_in.state() {
            State::Opening => (format!("Opening {name}…"), None, None, false),
            State::Credentials => (format!("Signing in to {name}…"), None, None, false),
            State::RequestingCode => (
                format!("Asking {name} to send the code by {channel}…"),
                None,
                None,
                false,
            ),
            State::WaitingForCode { .. } => match portal.fields.second_step {
                crate::portal::SecondStep::Authenticator => (
                    format!("Entering the authenticator code for {name}…"),
                    None,
                    None,
                    false,
                ),
                crate::portal::SecondStep::None => (
                    format!("{name} asks for a code: type it in the portal window."),
                    None,
                    None,
                    false,
                ),
                _ => (
                    format!("Waiting for the code from {name}…"),
                    None,
                    None,
                    false,
                ),
            },
            State::Code => (format!("Entering the code for {name}…"), None, None, false),
            State::SignedIn { skipped_code } => (
                if *skipped_code && portal.fields.second_step != crate::portal::SecondStep::None {
                    format!("Signed in to {name} (this desk is remembered: no code needed).")
                } else {
                    format!("Signed in to {name}.")
                },
                None,
                None,
                false,
            ),
            State::Failed { failure } => (
                format!("Failed: {}", failure.words(&name)),
                Some(failure.next_step(&name, portal.fields.support_phone.as_deref())),
                Some(failure.code()),
                failure.needs_confirmation_to_retry(),
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
            started_ms: sign_in.started_ms(),
            timing: sign_in.timing(),
        }
    }
}

/// Why a sign-in could not start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// The last sign-in ended with a refused password, a locked account or a refused code, and
    /// the password has not been changed since: the user must confirm a new try.
    #[error(
        "The last sign-in to {portal} ended with: {reason} Keydesk does not try again by itself, \
         so the account does not lock; confirm to try once more."
    )]
    NeedsConfirmation {
        /// The portal's name.
        portal: String,
        /// The last failure, in words.
        reason: String,
    },
    /// A sign-in to this portal is already running.
    #[error("Keydesk is already signing in to {0}.")]
    AlreadyRunning(String),
}

impl StartError {
    /// A stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NeedsConfirmation { .. } => "signin_needs_confirmation",
            Self::AlreadyRunning(_) => "signin_running",
        }
    }
}

/// Remembers, per portal, a failure that the portal counts towards a lockout, so that a new
/// sign-in needs an explicit "try once more" — unless the password was changed since.
#[derive(Debug, Default)]
pub struct RetryGuard {
    blocked: HashMap<i64, (i64, String)>,
}

impl RetryGuard {
    /// Notes how a sign-in ended at `now` (UNIX seconds).
    pub fn record(&mut self, sign_in: &SignIn, now: i64) {
        let portal = sign_in.portal();
        match sign_in.state() {
            State::Failed { failure } if failure.needs_confirmation_to_retry() => {
                self.blocked
                    .insert(portal.id, (now, failure.words(&portal.fields.name)));
            }
            State::SignedIn { .. } => {
                self.blocked.remove(&portal.id);
            }
            _ => {}
        }
    }

    /// May a new sign-in to `portal` start? `confirmed` is the user's explicit "try once more".
    pub fn check(&mut self, portal: &Portal, confirmed: bool) -> Result<(), StartError> {
        let Some((at, reason)) = self.blocked.get(&portal.id) else {
            return Ok(());
        };
        let password_changed_since = portal.password_changed_at.is_some_and(|c| c >= *at);
        if confirmed || password_changed_since {
            self.blocked.remove(&portal.id);
            return Ok(());
        }
        Err(StartError::NeedsConfirmation {
            portal: portal.fields.name.clone(),
            reason: reason.clone(),
        })
    }
}
