//! A password change in the portal's window: observations in, actions out, like the sign-in's
//! [`SignIn`](super::SignIn) machine and with its rules (the origin first, each value written
//! once), for the portal's own change-password form.
//!
//! It signs in with the saved password (once) until the portal shows its change form — an
//! expired password's page does — fills the current password, the new one and its confirmation
//! (once), and reads the portal's answer: it says the password was changed (or signs in), or it
//! shows the form again with its words for what was wrong. Whether the new password may have
//! reached the portal is what matters afterwards ([`ChangeOutcome::maybe_taken`]): the saved
//! password is replaced only on [`ChangeOutcome::Changed`].

use serde::Serialize;

use super::action::Targets;
use super::control::Control;
use super::observation::Observation;
use super::recipe::Recipe;
use crate::portal::Portal;

/// How long a page may show nothing the change can use before it gives up.
pub const PAGE_TIMEOUT_MS: i64 = 30_000;
/// How long the portal may take to answer a sent form.
pub const ANSWER_TIMEOUT_MS: i64 = 30_000;

/// The change form's fields, by [`Control::i`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTargets {
    /// The current password (none: the form does not ask for it).
    pub current: Option<u32>,
    /// The new password.
    pub new: u32,
    /// Its confirmation.
    pub confirm: u32,
    /// The button that sends the form (none: the form is submitted).
    pub submit: Option<u32>,
}

/// What the adapter does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeAction {
    /// Nothing yet: observe again shortly.
    Wait,
    /// Sign in with the saved password (the username too where the page asks for it), only on
    /// `origin`.
    SignIn {
        /// The origin the fill script must find.
        origin: String,
        /// Which controls.
        targets: Targets,
    },
    /// Fill the change form (current, new, confirmation) and send it, only on `origin`. The
    /// adapter notes that the change is being sent before it fills.
    FillChange {
        /// The origin the fill script must find.
        origin: String,
        /// Which controls.
        targets: ChangeTargets,
    },
    /// The change has ended.
    Done(ChangeOutcome),
}

/// How a change ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ChangeOutcome {
    /// The portal said the password was changed (or signed in with it).
    Changed,
    /// The portal refused the new password and said why (its own words).
    Refused {
        /// The portal's words.
        said: String,
    },
    /// It stopped before the new password was sent: the saved one is still the portal's.
    NotSent {
        /// Why, in plain words.
        reason: String,
    },
    /// The new password was sent, but the portal's answer was not seen (the window closed, the
    /// portal stopped answering, its page said nothing Keydesk knows).
    Unknown {
        /// What happened, in plain words.
        reason: String,
    },
}

impl ChangeOutcome {
    /// The new password may be the portal's now: the change must be settled, not dropped.
    pub fn maybe_taken(&self) -> bool {
        matches!(self, Self::Changed | Self::Unknown { .. })
    }
}

#[derive(Debug, Clone)]
struct InFlight {
    change: bool,
    document: String,
    alert_before: Option<String>,
    at_ms: i64,
}

/// One change of one portal's password.
#[derive(Debug, Clone)]
pub struct PasswordChange {
    portal: Portal,
    recipe: Recipe,
    last_progress_ms: i64,
    credentials_sent: bool,
    change_sent: bool,
    in_flight: Option<InFlight>,
    ended: Option<ChangeOutcome>,
    /// The page the window showed before this change sent it to the sign-in page (an earlier
    /// sign-in's last page): ignored, never filled.
    stale_document: Option<String>,
}

impl PasswordChange {
    /// A change of `portal`'s password with its `recipe`, started at `now_ms`.
    pub fn new(portal: &Portal, recipe: &Recipe, now_ms: i64) -> Self {
        Self {
            portal: portal.clone(),
            recipe: recipe.clone(),
            last_progress_ms: now_ms,
            credentials_sent: false,
            change_sent: false,
            in_flight: None,
            ended: None,
            stale_document: None,
        }
    }

    /// The document the window showed before the change sent it to the sign-in page: ignored.
    pub fn ignoring_document(mut self, document: Option<String>) -> Self {
        self.stale_document = document.filter(|d| !d.is_empty());
        self
    }

    /// The portal.
    pub fn portal(&self) -> &Portal {
        &self.portal
    }

    /// The recipe in use.
    pub fn recipe(&self) -> &Recipe {
        &self.recipe
    }

    /// How it ended, once it has.
    pub fn outcome(&self) -> Option<&ChangeOutcome> {
        self.ended.as_ref()
    }

    /// The change form was sent (or is on its way).
    pub fn change_sent(&self) -> bool {
        self.change_sent
    }

    /// Where it is, in a word: "signing in", "changing", "ended".
    pub fn step(&self) -> &'static str {
        match (&self.ended, self.change_sent) {
            (Some(_), _) => "ended",
            (None, true) => "changing",
            (None, false) => "signing in",
        }
    }

    /// Ends it from outside (the window closed, Keydesk stops). Does nothing once ended.
    pub fn stop(&mut self, reason: &str) -> ChangeOutcome {
        if self.ended.is_none() {
            self.ended = Some(if self.change_sent {
                ChangeOutcome::Unknown {
                    reason: reason.to_owned(),
                }
            } else {
                ChangeOutcome::NotSent {
                    reason: reason.to_owned(),
                }
            });
        }
        self.ended.clone().expect("just ended")
    }

    fn end(&mut self, outcome: ChangeOutcome) -> ChangeAction {
        self.ended = Some(outcome.clone());
        ChangeAction::Done(outcome)
    }

    /// What a fill script reported: a fill that found no field wrote nothing (the step may be
    /// tried again); one on another origin ends the change.
    pub fn filled(&mut self, origin_ok: bool, written: bool) -> Option<ChangeAction> {
        let in_flight = self.in_flight.clone()?;
        if !origin_ok {
            let outcome = self.stop("the portal's window moved to another address");
            return Some(ChangeAction::Done(outcome));
        }
        if !written {
            self.in_flight = None;
            if in_flight.change {
                self.change_sent = false;
            } else {
                self.credentials_sent = false;
            }
        }
        None
    }

    /// The next action for what the page shows at `now_ms`.
    pub fn step_on(&mut self, seen: &Observation, now_ms: i64) -> ChangeAction {
        if let Some(outcome) = &self.ended {
            return ChangeAction::Done(outcome.clone());
        }
        if !seen.ready
            || seen.origin.is_empty()
            || seen.origin == "null"
            || self.stale_document.as_ref() == Some(&seen.document)
        {
            return self.wait(now_ms);
        }
        if !self.portal.accepts_origin(&seen.origin) {
            let reason = format!("the portal's window went to {}", seen.origin);
            return self.end_stopped(reason);
        }
        let said = |words: &[String]| {
            let text = format!(
                "{} {}",
                seen.alert_text.as_deref().unwrap_or_default(),
                seen.heading
            )
            .to_lowercase();
            words.iter().any(|w| text.contains(w.as_str()))
        };
        let form = change_form(&seen.controls);
        if let Some(in_flight) = self.in_flight.clone() {
            let moved = seen.document != in_flight.document
                || (seen.seen.alert && seen.alert_text != in_flight.alert_before)
                || (in_flight.change && form.is_none());
            if !moved {
                if now_ms - in_flight.at_ms > ANSWER_TIMEOUT_MS {
                    return self.end_stopped("the portal did not answer".to_owned());
                }
                return ChangeAction::Wait;
            }
            self.in_flight = None;
            self.last_progress_ms = now_ms;
            if in_flight.change {
                if said(&self.recipe.password_changed_words) || seen.seen.signed_in {
                    return self.end(ChangeOutcome::Changed);
                }
                if form.is_some() {
                    let said = seen.alert_text.clone().unwrap_or_else(|| {
                        "The portal showed its change form again without saying why.".to_owned()
                    });
                    return self.end(ChangeOutcome::Refused { said });
                }
                return self.end(ChangeOutcome::Unknown {
                    reason: "the portal's page did not say whether the password was changed"
                        .to_owned(),
                });
            }
        }
        if said(&self.recipe.locked_words) {
            return self.end_stopped("the portal says the account is locked".to_owned());
        }
        if said(&self.recipe.maintenance_words) {
            return self.end_stopped("the portal is down for maintenance".to_owned());
        }
        // The change form only after this change signed in: one shown before is an earlier
        // page, and the form is filled once.
        let form_shown = form.is_some();
        if let Some(targets) = form.filter(|_| !self.change_sent && self.credentials_sent) {
            self.change_sent = true;
            self.send(true, seen, now_ms);
            return ChangeAction::FillChange {
                origin: seen.origin.clone(),
                targets,
            };
        }
        if form_shown && !self.credentials_sent {
            return self.wait(now_ms);
        }
        let reading = seen.reading();
        if let Some(password) = reading.password {
            if self.credentials_sent {
                let reason = if seen.alert_text.is_some() {
                    "the portal refused the saved password"
                } else {
                    "the portal showed its sign-in page again"
                };
                return self.end_stopped(reason.to_owned());
            }
            if reading
                .form_action
                .as_ref()
                .is_some_and(|o| !o.is_empty() && o != "null" && !self.portal.accepts_origin(o))
            {
                return self.end_stopped("the sign-in form sends to another site".to_owned());
            }
            self.credentials_sent = true;
            self.send(false, seen, now_ms);
            return ChangeAction::SignIn {
                origin: seen.origin.clone(),
                targets: Targets {
                    username: reading.username,
                    password: Some(password),
                    submit: reading.submit,
                    remember: None,
                },
            };
        }
        if self.credentials_sent && (reading.asks_code() || seen.seen.signed_in) {
            return self.end_stopped(
                "the portal signed in without asking for a new password, so its change form is \
                 somewhere in the portal's own settings"
                    .to_owned(),
            );
        }
        self.wait(now_ms)
    }

    fn end_stopped(&mut self, reason: String) -> ChangeAction {
        let outcome = self.stop(&reason);
        ChangeAction::Done(outcome)
    }

    fn send(&mut self, change: bool, seen: &Observation, now_ms: i64) {
        self.in_flight = Some(InFlight {
            change,
            document: seen.document.clone(),
            alert_before: seen.alert_text.clone(),
            at_ms: now_ms,
        });
    }

    fn wait(&mut self, now_ms: i64) -> ChangeAction {
        if now_ms - self.last_progress_ms > PAGE_TIMEOUT_MS {
            return self.end_stopped("the portal's change form never showed".to_owned());
        }
        ChangeAction::Wait
    }
}

/// The change form of a page: a form with the new password twice (and the current one), all of
/// them usable. The current one is told by its `autocomplete` or words ("current", "old"); the
/// new one and its confirmation are the others, in reading order.
pub fn change_form(controls: &[Control]) -> Option<ChangeTargets> {
    let usable: Vec<&Control> = controls.iter().filter(|c| c.usable()).collect();
    let forms: Vec<Option<u32>> = usable
        .iter()
        .filter(|c| c.is_password())
        .map(|c| c.form)
        .collect();
    for form in forms {
        let members: Vec<&Control> = usable.iter().copied().filter(|c| c.form == form).collect();
        let passwords: Vec<&Control> = members
            .iter()
            .copied()
            .filter(|c| c.is_password())
            .collect();
        if !(2..=3).contains(&passwords.len()) {
            continue;
        }
        let is_current = |c: &Control| {
            c.autocomplete == "current-password"
                || ["current", "old", "actual"]
                    .iter()
                    .any(|w| c.attrs().contains(w) || c.words().contains(w))
        };
        let current = passwords.iter().find(|c| is_current(c)).map(|c| c.i);
        let fresh: Vec<u32> = passwords
            .iter()
            .filter(|c| Some(c.i) != current)
            .map(|c| c.i)
            .collect();
        let (new, confirm) = match (current, fresh.as_slice()) {
            (_, [new, confirm]) => (*new, *confirm),
            // Three boxes and none says which is current: the first is, as forms put it.
            (None, [first, new, confirm]) => {
                return Some(ChangeTargets {
                    current: Some(*first),
                    new: *new,
                    confirm: *confirm,
                    submit: submit_of(&members),
                });
            }
            _ => continue,
        };
        return Some(ChangeTargets {
            current,
            new,
            confirm,
            submit: submit_of(&members),
        });
    }
    None
}

fn submit_of(members: &[&Control]) -> Option<u32> {
    members
        .iter()
        .filter(|c| c.is_button() && c.kind != "button")
        .map(|c| c.i)
        .next()
        .or_else(|| members.iter().filter(|c| c.is_button()).map(|c| c.i).next())
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
