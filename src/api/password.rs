//! Changing a portal's password, safely: its rules, a proposed new password (made by Keydesk,
//! kept in the keychain beside the saved one, shown only when asked), the change filled into
//! the portal's own form once the person confirms, and the saved password replaced only once
//! the portal took the new one (see [`crate::portal::change`]).
//!
//! A change cut short is never lost: one stopped before its form was sent is dropped at the
//! next start (the saved password still works); one stopped after is left to settle, and the
//! window says so. The next sign-in to that portal tries the new password once: signed in (or
//! on to the code) settles it for the new one, a refused password for the old one, which the
//! sign-in after uses. The person can also say which one the portal took ([`settle`]).
//!
//! The shell's driver only moves observations in and actions out between [`prepare`],
//! [`submitting`] and [`finish`].

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use super::{Area, Error, Keydesk, Now};
use crate::error::ErrorCode;
use crate::i18n::{Locale, msg, text};
use crate::portal::PortalBook;
use crate::portal::change::{self, ChangeError, Phase, Took, Underway};
use crate::portal::rules::{self, PasswordRules, RulesError};
use crate::secret::Secret;
use crate::signin::Claim;
use crate::signin::change::{ChangeOutcome, PasswordChange};

/// In debug builds only: stop a password change at `before_submit` (right before the change
/// form is filled) or `after_submit` (right after it was sent, before the portal's answer is
/// read), as a window closed or a crash at that moment would. For the end-to-end tests of a
/// change cut short; a release build ignores it.
pub const STOP_ENV: &str = "KEYDESK_TEST_PASSWORD_CHANGE_STOP";

/// Where a change may be stopped by [`STOP_ENV`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStop {
    /// Before the change form is filled.
    BeforeSubmit,
    /// After it was sent.
    AfterSubmit,
}

/// The stop [`STOP_ENV`] asks for (never in a release build).
pub fn test_stop() -> Option<TestStop> {
    #[cfg(debug_assertions)]
    {
        match std::env::var(STOP_ENV).ok().as_deref() {
            Some("before_submit") => return Some(TestStop::BeforeSubmit),
            Some("after_submit") => return Some(TestStop::AfterSubmit),
            _ => {}
        }
    }
    None
}

/// A portal's rules, as the window shows and edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RulesView {
    /// The portal.
    pub portal_id: i64,
    /// Its rules.
    pub rules: PasswordRules,
    /// In one sentence.
    pub words: String,
}

/// Where a portal's password change stands. No secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ChangeView {
    /// The portal.
    pub portal_id: i64,
    /// Its name.
    pub portal: String,
    /// `proposed` (a new password waits for the person's go), `running`, `changed`,
    /// `refused`, `not_sent`, or `unsettled` (cut short after it was sent).
    pub state: String,
    /// In plain words.
    pub words: String,
    /// The rules the new password meets, in a sentence.
    pub rules: String,
}

/// The last change of each portal this run, for the window.
#[derive(Debug, Default)]
pub struct Changes(Mutex<HashMap<i64, ChangeView>>);

impl Changes {
    fn set(&self, view: ChangeView) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(view.portal_id, view);
    }
}

impl From<ChangeError> for Error {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Portal(e) => Error::from(e),
            other => Error::other(ErrorCode::PasswordChangeUnsettled, other.to_string()),
        }
    }
}

fn rules_error(e: RulesError) -> Error {
    Error::other(ErrorCode::PasswordRulesInvalid, e.to_string())
}

/// The portal's password rules: edited, else its preset's.
pub fn rules(kd: &Keydesk, portal_id: i64) -> Result<RulesView, Error> {
    let portal = super::portals::get(kd, portal_id)?;
    let rules = rules::of_portal(
        kd.desk().store_ref(),
        portal_id,
        portal.fields.preset.as_deref(),
    )?;
    Ok(RulesView {
        portal_id,
        words: rules.words(),
        rules,
    })
}

/// Keeps edited rules for the portal (checked first).
pub fn set_rules(kd: &Keydesk, portal_id: i64, edited: PasswordRules) -> Result<RulesView, Error> {
    kd.unlocked()?;
    super::portals::get(kd, portal_id)?;
    edited.validate().map_err(rules_error)?;
    rules::set(kd.desk().store(), portal_id, &edited)?;
    kd.audit(
        crate::audit::Action::PortalChanged,
        kd.portal_name(portal_id),
        "password rules edited",
    );
    kd.changed(Area::Portals);
    rules(kd, portal_id)
}

/// Makes a new password meeting the portal's rules and keeps it in the keychain beside the
/// saved one, for the person to look at (if they ask) and confirm. Nothing is sent yet.
pub fn propose(kd: &Keydesk, portal_id: i64, now: Now) -> Result<ChangeView, Error> {
    kd.unlocked()?;
    let portal = super::portals::get(kd, portal_id)?;
    let view = rules(kd, portal_id)?;
    let new = rules::generate(&view.rules).map_err(rules_error)?;
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        if PortalBook::new(store)
            .password(portal_id, keychain)?
            .is_none()
        {
            return Err(Error::other(
                ErrorCode::PortalNoPassword,
                "Keydesk has no saved password for this portal, so it cannot sign in to change it. Save the current one first.",
            ));
        }
        change::propose(store, keychain, portal_id, &new, now.secs())?;
    }
    tracing::info!(portal = portal_id, "a new password was proposed");
    let view = ChangeView {
        portal_id,
        portal: portal.fields.name.clone(),
        state: "proposed".into(),
        words: format!(
            "Keydesk made a new password for {} that meets its rules. It is in the keychain beside the saved one; the saved one is replaced only once {} took the new one.",
            portal.fields.name, portal.fields.name
        ),
        rules: view.words,
    };
    kd.changes.set(view.clone());
    kd.changed(Area::Portals);
    Ok(view)
}

/// The proposed new password, to show because the person asked (as any password is shown, and
/// not where the office's policy keeps passwords from this person: the change runs all the same).
pub fn proposed_password(kd: &Keydesk, portal_id: i64) -> Result<Secret, Error> {
    let actor = kd.unlocked()?;
    super::portals::may_show_passwords(kd, &actor)?;
    super::portals::get(kd, portal_id)?;
    let secret = {
        let mut desk = kd.desk();
        let (_, keychain) = desk.parts();
        change::pending_password(keychain, portal_id)?
    };
    let secret = secret.ok_or_else(|| {
        Error::other(
            ErrorCode::PasswordChangeUnsettled,
            "No new password waits for this portal.",
        )
    })?;
    kd.audit(
        crate::audit::Action::PasswordShown,
        kd.portal_name(portal_id),
        "the proposed new password",
    );
    Ok(secret)
}

/// Drops a proposed change the person does not want (never one that was sent).
pub fn cancel(kd: &Keydesk, portal_id: i64, now: Now) -> Result<(), Error> {
    kd.unlocked()?;
    super::portals::get(kd, portal_id)?;
    let mut desk = kd.desk();
    let (store, keychain) = desk.parts();
    match change::underway(store, portal_id)? {
        Some(u) if u.phase == Phase::Proposed => {
            change::settle(store, keychain, portal_id, Took::Old, now.secs())?;
        }
        Some(_) => return Err(ChangeError::Unsettled.into()),
        None => {}
    }
    drop(desk);
    kd.changes
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&portal_id);
    kd.changed(Area::Portals);
    Ok(())
}

/// A change ready to be driven: the machine, the saved and the new passwords, and the claim
/// that keeps the portal to this one window's work until [`finish`].
#[derive(Debug)]
pub struct PreparedChange {
    /// The machine, started.
    pub machine: PasswordChange,
    /// The saved password (to sign in, and as the form's current password).
    pub current: Secret,
    /// The new one.
    pub new: Secret,
    /// Keeps sign-ins to the portal out until the change ends.
    pub claim: Claim,
}

/// The person confirmed: prepares the change of the proposed password. Refused while a
/// sign-in to the portal runs.
pub fn prepare(kd: &Keydesk, portal_id: i64, now: Now) -> Result<PreparedChange, Error> {
    kd.unlocked()?;
    let portal = super::portals::get(kd, portal_id)?;
    let claim = kd
        .sign_ins
        .claim(portal_id)
        .ok_or_else(|| crate::signin::StartError::AlreadyRunning(portal.fields.name.clone()))?;
    let mut desk = kd.desk();
    match change::underway(desk.store_ref(), portal_id)? {
        Some(u) if u.phase == Phase::Proposed => {}
        Some(_) => return Err(ChangeError::Unsettled.into()),
        None => return Err(ChangeError::NoneUnderway.into()),
    }
    let (store, keychain) = desk.parts();
    let current = PortalBook::new(store)
        .password(portal_id, keychain)?
        .ok_or_else(|| Error::other(ErrorCode::PortalNoPassword, "No saved password."))?;
    let new = change::pending_password(keychain, portal_id)?.ok_or(ChangeError::PendingGone)?;
    let taught = crate::signin::teach::hints(desk.store(), portal_id)?;
    drop(desk);
    let recipe = kd
        .recipes
        .for_preset(portal.fields.preset.as_deref())
        .clone()
        .with_hints(&taught);
    let machine = PasswordChange::new(&portal, &recipe, now.millis());
    kd.audit(
        crate::audit::Action::PortalChanged,
        Some(portal.fields.name.clone()),
        "password change started",
    );
    let rules = rules(kd, portal_id)?.words;
    kd.changes.set(ChangeView {
        portal_id,
        portal: portal.fields.name.clone(),
        state: "running".into(),
        words: format!(
            "Changing the password of {} in its window…",
            portal.fields.name
        ),
        rules,
    });
    kd.changed(Area::Portals);
    Ok(PreparedChange {
        machine,
        current,
        new,
        claim,
    })
}

/// The change form is about to be filled: from now on the portal may take the new password.
/// Noted before the fill, so a change cut short after it is settled, never dropped.
pub fn submitting(kd: &Keydesk, portal_id: i64, now: Now) -> Result<(), Error> {
    change::submitting(kd.desk().store(), portal_id, now.secs())?;
    tracing::info!(portal = portal_id, "the change form is being sent");
    Ok(())
}

/// The change form's fill wrote nothing (the form was gone): the portal has not seen the new
/// password, so the change is back to proposed (the machine tries the form again).
pub fn not_sent(kd: &Keydesk, portal_id: i64) -> Result<(), Error> {
    change::not_sent(kd.desk().store(), portal_id)?;
    Ok(())
}

/// Ends a change: the saved password is replaced when the portal said it took the new one;
/// the new one is dropped when the portal refused it or never got it; a change whose answer
/// was not seen is left to settle. Returns what the window shows.
pub fn finish(kd: &Keydesk, machine: PasswordChange, claim: Claim, now: Now) -> ChangeView {
    let portal = machine.portal().clone();
    let outcome = machine
        .outcome()
        .cloned()
        .unwrap_or(ChangeOutcome::Unknown {
            reason: "the change stopped".into(),
        });
    let took = match &outcome {
        ChangeOutcome::Changed => Some(Took::New),
        ChangeOutcome::Refused { .. } | ChangeOutcome::NotSent { .. } => Some(Took::Old),
        ChangeOutcome::Unknown { .. } => None,
    };
    let settled = took.map(|took| {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        change::settle(store, keychain, portal.id, took, now.secs())
    });
    let name = &portal.fields.name;
    let (state, words) = match (&outcome, settled) {
        (_, Some(Err(e))) => (
            "unsettled",
            format!(
                "The change to {name} ended, but Keydesk could not save its result ({e}). Both passwords are kept."
            ),
        ),
        (ChangeOutcome::Changed, _) => (
            "changed",
            format!(
                "Your password has been changed: {name} took the new one, and Keydesk saved it."
            ),
        ),
        (ChangeOutcome::Refused { said }, _) => (
            "refused",
            format!(
                "{name} did not take the new password. It said: “{said}” The saved password is unchanged."
            ),
        ),
        (ChangeOutcome::NotSent { reason }, _) => (
            "not_sent",
            format!(
                "The change stopped before the new password was sent ({reason}). The saved password is unchanged."
            ),
        ),
        (ChangeOutcome::Unknown { reason }, _) => ("unsettled", unsettled_words(name, reason)),
    };
    tracing::info!(portal = portal.id, state, "password change ended");
    kd.audit(
        crate::audit::Action::PortalChanged,
        Some(name.clone()),
        format!("password change: {state}"),
    );
    let rules = rules(kd, portal.id).map(|r| r.words).unwrap_or_default();
    let view = ChangeView {
        portal_id: portal.id,
        portal: name.clone(),
        state: state.into(),
        words,
        rules,
    };
    kd.changes.set(view.clone());
    drop(claim);
    kd.changed(Area::Portals);
    view
}

fn unsettled_words(name: &str, reason: &str) -> String {
    format!(
        "A password change to {name} was cut short after Keydesk sent the new password \
         ({reason}), so Keydesk cannot tell which one {name} has now. Both are kept. The next \
         sign-in tries the new one once (and, if {name} refuses it, the one after uses the old \
         one), or say below which one {name} took."
    )
}

/// Every portal's change to show: this run's, and those cut short earlier and not settled.
pub fn changes(kd: &Keydesk) -> Result<Vec<ChangeView>, Error> {
    let underway: Vec<(i64, Underway)> = change::all_underway(kd.desk().store())?;
    let mut views: HashMap<i64, ChangeView> = kd
        .changes
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    for (id, u) in underway {
        let known = views.get(&id).map(|v| v.state.clone());
        if super::portals::visible(kd, id).is_err() || known.as_deref() == Some("running") {
            continue;
        }
        let name = kd.portal_name(id).unwrap_or_default();
        let rules = rules(kd, id).map(|r| r.words).unwrap_or_default();
        let (state, words) = match u.phase {
            Phase::Submitted => (
                "unsettled",
                unsettled_words(&name, "Keydesk stopped before the portal answered"),
            ),
            // Proposed elsewhere (another window, the command line): waits for the go.
            Phase::Proposed if known.is_none() => (
                "proposed",
                format!(
                    "Keydesk made a new password for {name}; it waits in the keychain beside the saved one until you change it."
                ),
            ),
            Phase::Proposed => continue,
        };
        views.insert(
            id,
            ChangeView {
                portal_id: id,
                portal: name,
                state: state.into(),
                words,
                rules,
            },
        );
    }
    let mut views: Vec<ChangeView> = views
        .into_values()
        .filter(|v| super::portals::visible(kd, v.portal_id).is_ok())
        .collect();
    views.sort_by_key(|v| v.portal_id);
    let locale = kd.locale();
    Ok(views.into_iter().map(|v| in_locale(v, locale)).collect())
}

/// In English a change's own detailed words; in Spanish its state's plain words (the
/// password rules' sentence stays as written).
fn in_locale(mut view: ChangeView, locale: Locale) -> ChangeView {
    if locale == Locale::En {
        return view;
    }
    let words = match view.state.as_str() {
        "proposed" => msg::CHANGE_PROPOSED,
        "running" => msg::CHANGE_RUNNING,
        "changed" => msg::CHANGE_CHANGED,
        "refused" => msg::CHANGE_REFUSED,
        "not_sent" => msg::CHANGE_NOT_SENT,
        _ => msg::CHANGE_UNSETTLED,
    };
    view.words = if words.params.is_empty() {
        text(locale, words, &[])
    } else {
        text(locale, words, &[("portal", &view.portal)])
    };
    view
}

/// The person says which password the portal took, for a change cut short.
pub fn settle(kd: &Keydesk, portal_id: i64, took: Took, now: Now) -> Result<ChangeView, Error> {
    kd.unlocked()?;
    let portal = super::portals::get(kd, portal_id)?;
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        change::settle(store, keychain, portal_id, took, now.secs())?;
    }
    let name = portal.fields.name;
    let words = match took {
        Took::New => {
            format!("Keydesk saved the new password of {name}, as you said {name} took it.")
        }
        Took::Old => format!("Keydesk kept the saved password of {name} and dropped the new one."),
    };
    Ok(settled(kd, portal_id, name, took, words, "by hand"))
}

/// Records and shows a change cut short as settled (`how`: "by hand", "by a sign-in").
pub(super) fn settled(
    kd: &Keydesk,
    portal_id: i64,
    name: String,
    took: Took,
    words: String,
    how: &str,
) -> ChangeView {
    kd.audit(
        crate::audit::Action::PortalChanged,
        Some(name.clone()),
        format!("password change settled {how}: {took:?}"),
    );
    let view = ChangeView {
        portal_id,
        portal: name,
        state: if took == Took::New {
            "changed"
        } else {
            "not_sent"
        }
        .into(),
        words,
        rules: rules(kd, portal_id).map(|r| r.words).unwrap_or_default(),
    };
    kd.changes.set(view.clone());
    kd.changed(Area::Portals);
    view
}

/// At the start: drops the changes cut short before their form was sent; logs those left to
/// settle (the window shows them).
pub(crate) fn at_start(kd: &Keydesk, now: Now) {
    let left = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        change::at_start(store, keychain, now.secs())
    };
    match left {
        Ok(left) if left.is_empty() => {}
        Ok(left) => {
            for (id, _) in left {
                tracing::warn!(
                    portal = id,
                    "a password change was cut short after it was sent: the next sign-in finds out which password the portal took"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not look at the password changes cut short"),
    }
}

#[path = "password_check.rs"]
mod check;
pub(crate) use check::{after_check, password_to_check};

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
