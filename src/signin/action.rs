//! What goes between the machine and the shell's adapter besides observations: the code the
//! machine wants looked up, the code the adapter found, and the action to perform.

use super::detect::Method;
use super::failure::Failure;
use crate::pending::{Channel, CodeRoom, MessageKey};
use crate::secret::Secret;

/// Which code the adapter should look up before the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeWanted {
    /// A mailed or texted code of this portal that arrived at or after `since` (UNIX seconds).
    Mailed {
        /// The portal.
        portal_id: i64,
        /// E-mail or text.
        channel: Channel,
        /// When the code was asked for, by the desk's clock (the inbox allows for the mail
        /// server's clock: [`PendingCodes::for_sign_in`](crate::pending::PendingCodes::for_sign_in)).
        since: i64,
        /// What the page's code field takes: a code that does not fit is never typed.
        room: CodeRoom,
    },
    /// The current code of the authenticator entry linked to this portal.
    Authenticator {
        /// The portal.
        portal_id: i64,
    },
}

/// A code the adapter found. The machine keeps it until it is written into the page, so a
/// code is looked up once (an HOTP code moves its counter on when it is made).
#[derive(Debug, Clone)]
pub struct OfferedCode {
    /// The code.
    pub code: Secret,
    /// The inbox message it came in (mark it used once filled); `None` for an authenticator code.
    pub key: Option<MessageKey>,
    /// When a time-based (TOTP) code's period ends (UNIX milliseconds); `None` for a code
    /// that does not change with the clock. One that ends within
    /// [`TOTP_MARGIN_MS`](super::codes::TOTP_MARGIN_MS) is not filled.
    pub good_until_ms: Option<i64>,
}

/// The controls (by [`Control::i`](super::control::Control::i)) a credentials fill writes,
/// ticks and presses. A username-only page has no password; a password page after it no
/// username (it was written once already).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Where the username goes.
    pub username: Option<u32>,
    /// Where the password goes.
    pub password: Option<u32>,
    /// The button that sends them (else the form is submitted).
    pub submit: Option<u32>,
    /// "Remember me" to tick first.
    pub remember: Option<u32>,
}

/// What the adapter does next.
#[derive(Debug, Clone)]
pub enum Action {
    /// Nothing yet: observe again shortly.
    Wait,
    /// Fill the username and/or password and send them, only if the page's origin is `origin`.
    FillCredentials {
        /// The origin the fill script must find.
        origin: String,
        /// Which controls.
        targets: Targets,
    },
    /// Pick how the code is sent (a radio then its button, or a button or link), only on
    /// `origin`.
    ChooseChannel {
        /// The method picked.
        method: Method,
        /// The origin the script must find.
        origin: String,
        /// The control that picks it.
        target: u32,
        /// The button that confirms a radio's choice.
        submit: Option<u32>,
    },
    /// Click the link or button that opens a sign-in form the page keeps hidden, only on
    /// `origin`; the page is read again after it.
    Reveal {
        /// The origin the script must find.
        origin: String,
        /// The control to click.
        target: u32,
    },
    /// Fill the code, tick "remember this device" where offered, and send it, only on `origin`.
    FillCode {
        /// The code.
        code: Secret,
        /// Its inbox message, to mark used once filled.
        key: Option<MessageKey>,
        /// The origin the fill script must find.
        origin: String,
        /// The code box, or one box per character.
        boxes: Vec<u32>,
        /// The button that sends it (none: the page sends itself, or the form is submitted).
        submit: Option<u32>,
        /// "Remember this device" to tick first.
        remember: Option<u32>,
    },
    /// Signed in.
    Done {
        /// The code step was skipped (remembered device or live session).
        skipped_code: bool,
        /// "Remember this device" was ticked during this sign-in.
        remember_ticked: bool,
    },
    /// Stopped.
    Fail(Failure),
}
