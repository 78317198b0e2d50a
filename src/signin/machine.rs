//! The sign-in state machine: from what the portal page shows to what to do next.
//!
//! The shell's web-view adapter observes the page (an [`Observation`]: its origin, document, which
//! recipe elements are visible, the alert text), asks [`SignIn::wants`] which code to look up,
//! and calls [`SignIn::step`] with both and `now`; it performs the returned [`Action`] with a
//! script that checks the page's origin again itself. Nothing here sleeps or reads a clock.
//!
//! Rules the machine keeps whatever the page does:
//! - **Origin first.** Before any fill, the observed origin must be one of the portal's stored
//!   origins ([`Portal::accepts_origin`]); otherwise the sign-in stops as
//!   [`Failure::LookAlikeOrigin`] (or [`Failure::Sso`] for an identity provider's host).
//! - **One password per sign-in.** Credentials are filled at most once. If the portal shows its
//!   sign-in form again, or says the password is wrong or the account is locked, the sign-in
//!   ends; a new one needs the user to ask (see [`super::RetryGuard`]): never a retry into a lockout.
//!   Stopping after the password was written without learning the portal's answer counts too.
//! - **One code per sign-in**, the same way: a refused code ends the sign-in.
//! - **Only a fresh code**: the adapter looks codes up with the time this sign-in asked for one
//!   ([`CodeWanted::Mailed`]; the inbox allows for the mail server's clock) and leaves out the codes
//!   the inbox already held just before the request, so a code from before is never filled.

use serde::Serialize;

pub use super::action::{Action, CodeWanted, OfferedCode, Targets};
use super::codes::TOTP_MARGIN_MS;
use super::detect::{Method, Reading, Refusal};
use super::failure::{Failure, Filled};
pub use super::observation::{FillReport, Observation, Seen};
use super::recipe::Recipe;
use crate::pending::{Channel, CodeRoom};
use crate::portal::{Portal, SecondStep};

/// How long a page may show nothing Keydesk recognizes before the sign-in gives up.
pub const FORM_TIMEOUT_MS: i64 = 30_000;
/// How long the portal may take to answer a submitted form.
pub const SUBMIT_TIMEOUT_MS: i64 = 30_000;
/// The longest alert text kept of a portal page, in characters.
pub const ALERT_TEXT_MAX: usize = 1_000;
/// How long to wait for an e-mailed or texted code.
pub const CODE_TIMEOUT_MS: i64 = 180_000;

/// Where the sign-in is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(rename = "SignInState")]
pub enum State {
    /// The portal window is loading its sign-in page.
    Opening,
    /// Username and password are being filled and sent.
    Credentials,
    /// Asking the portal to send the code.
    RequestingCode,
    /// Waiting for the code to arrive in the mailbox.
    WaitingForCode {
        /// When the code was asked for (UNIX seconds); only codes that arrived since are taken.
        since: i64,
    },
    /// The code is being filled and sent.
    Code,
    /// Signed in.
    SignedIn {
        /// A remembered device (or the portal's session) skipped the code step.
        skipped_code: bool,
    },
    /// Stopped; the window stays open for the user.
    Failed {
        /// Why.
        failure: Failure,
    },
}

impl State {
    /// The step in a word, for the sign-in history ("opening", "password", "code"…).
    pub fn step_name(&self) -> &'static str {
        match self {
            State::Opening => "opening",
            State::Credentials => "password",
            State::RequestingCode => "asking for the code",
            State::WaitingForCode { .. } => "waiting for the code",
            State::Code => "code",
            State::SignedIn { .. } => "signed in",
            State::Failed { .. } => "failed",
        }
    }

    /// True for the two states that end a sign-in.
    pub fn is_final(&self) -> bool {
        matches!(self, State::SignedIn { .. } | State::Failed { .. })
    }
}

/// Figures of one sign-in, in milliseconds; no secrets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Timing {
    /// From the start to signed in (or failed).
    pub total_ms: Option<i64>,
    /// How long the sign-in waited for a usable code: from asking for an e-mailed or texted
    /// code to the code being in the inbox; for an authenticator code, the wait for the next
    /// period when the current code was too near its end to send (none when it was at hand).
    pub waiting_for_code_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Submitted {
    Username,
    Credentials,
    Channel,
    Code,
}

#[derive(Debug, Clone)]
struct InFlight {
    what: Submitted,
    document: String,
    alert_before: Option<String>,
    at_ms: i64,
    /// The origin the machine approved for the fill.
    origin: String,
    /// The script sent the form (false: it wrote the value but found no button, and the page
    /// may send itself).
    submitted: bool,
    /// This fill also writes the username.
    with_username: bool,
}

/// One sign-in to one portal.
#[derive(Debug, Clone)]
pub struct SignIn {
    portal: Portal,
    recipe: Recipe,
    state: State,
    started_ms: i64,
    last_progress_ms: i64,
    in_flight: Option<InFlight>,
    /// The username was written (identifier-first pages ask for it alone, once).
    username_sent: bool,
    /// The password was written.
    credentials_sent: bool,
    /// When the password was last filled: a portal that sends its code straight after the
    /// password (no channel to choose) sends it from then, before its code page shows.
    credentials_at_ms: Option<i64>,
    channel_chosen: bool,
    code_sent: bool,
    remember_ticked: bool,
    code_requested_ms: Option<i64>,
    code_arrived_ms: Option<i64>,
    ended_ms: Option<i64>,
    stale_document: Option<String>,
    /// Since when fills have found no field to write into (the page changed under them).
    unwritten_since_ms: Option<i64>,
    /// The code found for this sign-in, kept until it is written into the page.
    held_code: Option<OfferedCode>,
    /// No code is asked for before this (UNIX ms): the next TOTP period.
    code_not_before_ms: Option<i64>,
    /// When an authenticator code was set aside for being too near its period's end: the wait
    /// for the next one starts then.
    period_wait_from_ms: Option<i64>,
    /// The portal's last visible alert text (its own words, for the sign-in history).
    alert_text: Option<String>,
    /// The step the sign-in was at when it ended.
    reached: Option<&'static str>,
    /// The last page seen outside the portal's origins (an identity host it was handed to).
    outside_url: Option<String>,
    /// The link that opens a hidden sign-in form was clicked (once: a second click may close
    /// it again).
    revealed: bool,
}

impl SignIn {
    /// A sign-in to `portal` with its `recipe`, started at `now_ms` (UNIX milliseconds).
    pub fn new(portal: &Portal, recipe: &Recipe, now_ms: i64) -> Self {
        Self {
            portal: portal.clone(),
            recipe: recipe.clone(),
            state: State::Opening,
            started_ms: now_ms,
            last_progress_ms: now_ms,
            in_flight: None,
            username_sent: false,
            credentials_sent: false,
            credentials_at_ms: None,
            channel_chosen: false,
            code_sent: false,
            remember_ticked: false,
            code_requested_ms: None,
            code_arrived_ms: None,
            ended_ms: None,
            stale_document: None,
            unwritten_since_ms: None,
            held_code: None,
            code_not_before_ms: None,
            period_wait_from_ms: None,
            alert_text: None,
            reached: None,
            outside_url: None,
            revealed: false,
        }
    }

    /// The document a reused portal window showed before this sign-in sent it to the sign-in
    /// page: it is ignored, so an earlier session's signed-in page is not taken for this one's.
    pub fn ignoring_document(mut self, document: Option<String>) -> Self {
        self.stale_document = document.filter(|d| !d.is_empty());
        self
    }

    /// The portal being signed in to.
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// The recipe in use.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// Where the sign-in is.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// When it started (UNIX milliseconds).
    pub fn started_ms(&self) -> i64 {
        self.started_ms
    }

    /// When it ended (UNIX milliseconds), once it has.
    pub fn ended_ms(&self) -> Option<i64> {
        self.ended_ms
    }

    /// The portal's last visible alert text, exactly as shown (capped at
    /// [`ALERT_TEXT_MAX`] characters): the portal's own words, never a secret.
    pub fn alert_text(&self) -> Option<&str> {
        self.alert_text.as_deref()
    }

    /// The last page the sign-in saw outside the portal's own origins (its address without the
    /// query): the identity host an SSO sign-in was handed to.
    pub fn outside_url(&self) -> Option<&str> {
        self.outside_url.as_deref()
    }

    /// The address (without its query) outside the portal's own origins that the engine was
    /// last sent to, if it was.
    fn navigated_away(&self, seen_page: &Observation) -> Option<String> {
        let url = url::Url::parse(&seen_page.navigated_to).ok()?;
        let origin = url.origin().ascii_serialization();
        if origin == "null" || self.portal.accepts_origin(&origin) {
            return None;
        }
        let page = Observation {
            url: seen_page.navigated_to.clone(),
            ..Default::default()
        };
        Some(page.page())
    }

    /// The step the sign-in had reached: where it is, or where it was when it ended.
    pub fn step_reached(&self) -> &'static str {
        self.reached.unwrap_or_else(|| self.state.step_name())
    }

    /// Its figures so far.
    pub fn timing(&self) -> Timing {
        Timing {
            total_ms: self.ended_ms.map(|e| e - self.started_ms),
            waiting_for_code_ms: self
                .period_wait_from_ms
                .or(self.code_requested_ms)
                .zip(self.code_arrived_ms)
                .map(|(asked, came)| came - asked),
        }
    }

    /// The code to look up before the next step, given what the page shows now: only when the
    /// page on one of the portal's origins shows its code field, the machine waits for a code,
    /// and it holds none yet. So the keychain is not read, nor an HOTP counter moved on, while
    /// the page is still loading, and each code is looked up once.
    pub fn wants(&self, seen_page: &Observation, now_ms: i64) -> Option<CodeWanted> {
        let State::WaitingForCode { since } = self.state else {
            return None;
        };
        let reading = seen_page.reading();
        let page_asks = seen_page.ready
            && reading.asks_code()
            && reading.password.is_none()
            && self.stale_document.as_ref() != Some(&seen_page.document)
            && self.portal.accepts_origin(&seen_page.origin);
        if !page_asks
            || self.code_sent
            || self.held_code.is_some()
            || self.code_not_before_ms.is_some_and(|t| now_ms < t)
        {
            return None;
        }
        let portal_id = self.portal.id;
        match self.portal.fields.second_step {
            SecondStep::Authenticator => Some(CodeWanted::Authenticator { portal_id }),
            step @ (SecondStep::EmailCode | SecondStep::SmsCode) => Some(CodeWanted::Mailed {
                portal_id,
                channel: channel_of(step),
                since,
                room: code_room(seen_page, &reading.code),
            }),
            _ => None,
        }
    }

    /// Ends the sign-in from outside (the window was closed, no code source, the keychain
    /// failed). Does nothing once it has ended.
    pub fn fail(&mut self, failure: Failure, now_ms: i64) -> Action {
        if !self.state.is_final() {
            self.reached = Some(self.state.step_name());
            self.state = State::Failed { failure };
            self.ended_ms = Some(now_ms);
        }
        match &self.state {
            State::Failed { failure } => Action::Fail(failure.clone()),
            _ => self.done_action(),
        }
    }

    /// Takes what a fill script reported. A script that found another origin ends the sign-in.
    /// One that found no field wrote nothing, so the step may be tried again — until
    /// [`FORM_TIMEOUT_MS`] after the first such miss, and without moving any timeout on. A
    /// value that was written is never written again, sent or not: a page without a button may
    /// send itself, and the machine waits for it (see [`SignIn::waiting_for_the_page`]).
    pub fn filled(&mut self, report: FillReport, now_ms: i64) -> Option<Action> {
        let what = self.in_flight.as_ref()?.what;
        if !report.origin_ok {
            let origin = Some(report.origin).filter(|o| !o.is_empty());
            let failure = Failure::AddressChanged {
                origin: origin.unwrap_or_else(|| "unknown".into()),
            };
            return Some(self.fail(failure, now_ms));
        }
        if !report.written {
            let with_username = self.in_flight.as_ref().is_some_and(|f| f.with_username);
            match what {
                Submitted::Username => self.username_sent = false,
                Submitted::Credentials => {
                    self.credentials_sent = false;
                    if with_username {
                        self.username_sent = false;
                    }
                }
                Submitted::Channel => self.channel_chosen = false,
                Submitted::Code => {
                    self.code_sent = false;
                    self.state = State::WaitingForCode {
                        since: self.code_requested_ms.unwrap_or(now_ms).div_euclid(1000),
                    };
                }
            }
            self.unwritten_since_ms.get_or_insert(now_ms);
            self.in_flight = None;
            return None;
        }
        self.unwritten_since_ms = None;
        if what == Submitted::Code {
            // Written: it is used, whatever the page does next.
            self.held_code = None;
        }
        if let Some(in_flight) = self.in_flight.as_mut() {
            in_flight.submitted = report.submitted;
        }
        self.remember_ticked |= report.remember_ticked;
        None
    }

    /// Takes the web engine's own idea of the window's origin, read right before the fill
    /// script runs — a check no page script can influence. Another origin than the one the
    /// machine approved for the fill in flight means the page moved between the approval and
    /// the fill: the sign-in stops ([`Failure::AddressChanged`]) and nothing is filled.
    pub fn engine_reports(&mut self, origin: Option<&str>, now_ms: i64) -> Option<Action> {
        let approved = self.in_flight.as_ref()?.origin.clone();
        if origin == Some(approved.as_str()) {
            return None;
        }
        let failure = Failure::AddressChanged {
            origin: origin.unwrap_or("unknown").to_owned(),
        };
        Some(self.fail(failure, now_ms))
    }

    /// True when a new sign-in must be confirmed after this one: its failure counts towards a
    /// lockout, or it stopped after the password was written without Keydesk learning the
    /// portal's answer (it stopped answering, the page could not be sent, or the sign-in ended
    /// — window closed, address changed — while a password or code was on its way).
    pub fn needs_confirmation_to_retry(&self) -> bool {
        let State::Failed { failure } = &self.state else {
            return false;
        };
        // Ended from outside (not by the page's answer) while a password or code was on its way.
        let cut_short = matches!(
            failure,
            Failure::WindowClosed | Failure::AddressChanged { .. } | Failure::Window { .. }
        );
        let unanswered = cut_short
            && self
                .in_flight
                .as_ref()
                .is_some_and(|f| matches!(f.what, Submitted::Credentials | Submitted::Code));
        failure.needs_confirmation_to_retry()
            || unanswered
            || (self.credentials_sent
                && matches!(
                    failure,
                    Failure::NotResponding | Failure::SubmitNotFound { .. }
                ))
    }

    /// What was written into the page without a button to send it, while the machine waits for
    /// the page to send it by itself (or for the desk to press the button).
    pub fn waiting_for_the_page(&self) -> Option<Filled> {
        match self.in_flight.as_ref() {
            Some(f) if !f.submitted && !self.state.is_final() => match f.what {
                Submitted::Username | Submitted::Credentials => Some(Filled::Password),
                Submitted::Code => Some(Filled::Code),
                Submitted::Channel => None,
            },
            _ => None,
        }
    }

    /// The next action for what the page shows now, with the code found for [`SignIn::wants`].
    pub fn step(
        &mut self,
        seen_page: &Observation,
        code: Option<OfferedCode>,
        now_ms: i64,
    ) -> Action {
        if self.state.is_final() {
            return match &self.state {
                State::Failed { failure } => Action::Fail(failure.clone()),
                _ => self.done_action(),
            };
        }
        let stale = self.stale_document.as_ref() == Some(&seen_page.document);
        if let Some(text) = seen_page
            .alert_text
            .as_deref()
            .filter(|t| !t.is_empty() && !stale)
        {
            self.alert_text = Some(text.chars().take(ALERT_TEXT_MAX).collect());
        }
        if let Some(away) = self.navigated_away(seen_page) {
            self.outside_url = Some(away);
        }
        let unreadable =
            stale || !seen_page.ready || seen_page.origin == "null" || seen_page.origin.is_empty();
        if unreadable {
            if !stale
                && !seen_page.url.is_empty()
                && !matches!(seen_page.origin.as_str(), "" | "null")
                && !self.portal.accepts_origin(&seen_page.origin)
            {
                // A page the engine could not load (a host that does not answer) still has an
                // address: where the portal sent the sign-in, for the health check to explain.
                self.outside_url = Some(seen_page.page());
            }
            return self.wait_or_time_out(seen_page, now_ms);
        }
        if !self.portal.accepts_origin(&seen_page.origin) {
            self.outside_url = Some(seen_page.page());
            let host = url::Url::parse(&seen_page.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default();
            let failure = if self.recipe.is_sso_host(&host) {
                Failure::Sso
            } else {
                Failure::LookAlikeOrigin {
                    origin: seen_page.origin.clone(),
                }
            };
            return self.fail(failure, now_ms);
        }
        if let Some(failure) = self.page_failure(seen_page) {
            return self.fail(failure, now_ms);
        }
        let reading = seen_page.reading();
        if seen_page.seen.signed_in && reading.password.is_none() && !reading.asks_code() {
            self.state = State::SignedIn {
                skipped_code: !self.code_sent,
            };
            self.ended_ms = Some(now_ms);
            return self.done_action();
        }
        if let Some(in_flight) = self.in_flight.clone() {
            if !moved_on(&in_flight, seen_page, &reading) {
                if now_ms - in_flight.at_ms > SUBMIT_TIMEOUT_MS {
                    let failure = match self.waiting_for_the_page() {
                        Some(filled) => Failure::SubmitNotFound { filled },
                        None => Failure::NotResponding,
                    };
                    return self.fail(failure, now_ms);
                }
                return Action::Wait;
            }
            self.in_flight = None;
            self.last_progress_ms = now_ms;
            if seen_page.seen.alert && seen_page.alert_text != in_flight.alert_before {
                let failure = match in_flight.what {
                    Submitted::Username | Submitted::Credentials => Failure::WrongCredentials,
                    Submitted::Channel => Failure::CodeNotSent,
                    Submitted::Code => Failure::CodeRefused,
                };
                return self.fail(failure, now_ms);
            }
        }
        if self
            .unwritten_since_ms
            .is_some_and(|since| now_ms - since > FORM_TIMEOUT_MS)
        {
            // Fills kept finding no field to write into: the page is not the form it seems.
            return self.fail(Failure::FormNotFound, now_ms);
        }
        if let Some(refusal) = reading.refused {
            let page = refusal_words(refusal).to_owned();
            return self.fail(Failure::NotSignInPage { page }, now_ms);
        }
        let fills = reading.password.is_some()
            || reading.asks_code()
            || reading.username.is_some()
            || !reading.choices.is_empty();
        if let Some(action) = reading
            .form_action
            .as_ref()
            .filter(|o| fills && !o.is_empty() && o.as_str() != "null")
            .filter(|o| !self.portal.accepts_origin(o))
            .map(|o| Failure::FormPostsElsewhere { origin: o.clone() })
        {
            return self.fail(action, now_ms);
        }
        let origin = seen_page.origin.clone();
        if let Some(password) = reading.password {
            if self.credentials_sent {
                // The sign-in form again after our password: never send it a second time.
                return self.fail(Failure::WrongCredentials, now_ms);
            }
            // An identifier-first portal may show the username again (read-only) beside its
            // password: it was written once, and is not written again.
            let username = reading.username.filter(|_| !self.username_sent);
            self.credentials_sent = true;
            self.username_sent |= username.is_some();
            self.credentials_at_ms = Some(now_ms);
            self.send(Submitted::Credentials, seen_page, now_ms);
            if let Some(f) = self.in_flight.as_mut() {
                f.with_username = username.is_some();
            }
            self.state = State::Credentials;
            let targets = Targets {
                username,
                password: Some(password),
                submit: reading.submit,
                remember: reading.remember,
            };
            return Action::FillCredentials { origin, targets };
        }
        if reading.asks_code() {
            return self.code_page(seen_page, &reading, code, now_ms);
        }
        if let Some(username) = reading.username {
            if self.username_sent || self.credentials_sent {
                // The username page again after ours: the portal did not take it.
                return self.fail(Failure::WrongCredentials, now_ms);
            }
            self.username_sent = true;
            self.send(Submitted::Username, seen_page, now_ms);
            self.state = State::Credentials;
            let targets = Targets {
                username: Some(username),
                password: None,
                submit: reading.submit,
                remember: reading.remember,
            };
            return Action::FillCredentials { origin, targets };
        }
        if !reading.choices.is_empty() {
            return self.choice_page(seen_page, &reading, now_ms);
        }
        if let Some(target) = reading
            .behind
            .as_ref()
            .and_then(|b| b.reveal)
            .filter(|_| !self.revealed && !self.credentials_sent && !self.username_sent)
        {
            // The sign-in form is behind a "Sign in" link: open it, then read the page again.
            // Its hidden fields are never written.
            self.revealed = true;
            return Action::Reveal { origin, target };
        }
        if seen_page.seen.sso {
            return self.fail(Failure::Sso, now_ms);
        }
        self.wait_or_time_out(seen_page, now_ms)
    }
}

fn channel_of(step: SecondStep) -> Channel {
    match step {
        SecondStep::SmsCode => Channel::Sms,
        _ => Channel::Email,
    }
}

#[path = "steps.rs"]
mod steps;
use steps::{moved_on, refusal_words};

#[cfg(test)]
#[path = "machine_tests.rs"]
pub(crate) mod tests;

#[cfg(test)]
#[path = "code_tests.rs"]
mod code_tests;

#[cfg(test)]
#[path = "flow_tests.rs"]
mod flow_tests;

/// What the page's code field takes: one character per box, or at most a box's `maxlength`
/// (where it is a code's length at all: 4 to 12).
fn code_room(page: &Observation, code: &[u32]) -> CodeRoom {
    match code {
        [one] => page
            .controls
            .iter()
            .find(|c| c.i == *one)
            .and_then(|c| c.maxlength)
            .and_then(|m| usize::try_from(m).ok())
            .filter(|m| (4..=12).contains(m))
            .map_or(CodeRoom::ANY, |max| CodeRoom { min: 1, max }),
        [] => CodeRoom::ANY,
        boxes => CodeRoom {
            min: boxes.len(),
            max: boxes.len(),
        },
    }
}
