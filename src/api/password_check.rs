//! A change cut short after its form was sent, found out by the next sign-in: it tries the new
//! password once; through to the code (or signed in) settles the change for the new one, a
//! refused password for the old one (which the sign-in after uses, once the person confirms, as
//! the retry guard asks after any refused password). A child of [`super`].

use super::*;

/// For a sign-in: the password to try when a change to the portal was cut short after it was
/// sent (the new one, once), else `None`.
pub(crate) fn password_to_check(
    store: &mut crate::store::Store,
    keychain: &dyn crate::keychain::Keychain,
    portal_id: i64,
) -> Option<Secret> {
    let underway = change::underway(store, portal_id).ok().flatten()?;
    if underway.phase != Phase::Submitted {
        return None;
    }
    change::pending_password(keychain, portal_id).ok().flatten()
}

/// After a sign-in that tried the new password of a change cut short: settles the change when
/// the portal's answer tells (through to the code or signed in: the new one; refused: the old
/// one).
pub(crate) fn after_check(kd: &Keydesk, machine: &crate::signin::SignIn, now: Now) {
    use crate::signin::{Failure, State};
    let portal = machine.portal();
    let checked = matches!(
        change::underway(kd.desk().store_ref(), portal.id),
        Ok(Some(Underway {
            phase: Phase::Submitted,
            ..
        }))
    );
    if !checked {
        return;
    }
    let taken = match machine.state() {
        State::SignedIn { .. } => true,
        State::Failed { failure } => {
            matches!(
                machine.step_reached(),
                "asking for the code" | "waiting for the code" | "code"
            ) && !matches!(failure, Failure::WrongCredentials)
        }
        _ => false,
    };
    let refused = matches!(
        machine.state(),
        State::Failed {
            failure: Failure::WrongCredentials
        }
    );
    if let Some(took) = change::learnt_from_sign_in(taken, refused) {
        match settle_quietly(kd, portal.id, took, now) {
            Ok(()) => tracing::info!(
                portal = portal.id,
                ?took,
                "a password change cut short was settled by a sign-in"
            ),
            Err(e) => tracing::warn!(error = %e, "could not settle the password change"),
        }
    }
}

fn settle_quietly(kd: &Keydesk, portal_id: i64, took: Took, now: Now) -> Result<(), Error> {
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        change::settle(store, keychain, portal_id, took, now.secs())?;
    }
    let name = kd.portal_name(portal_id).unwrap_or_default();
    let words = match took {
        Took::New => format!(
            "The sign-in found that {name} took the new password from the change that was cut short: Keydesk saved it."
        ),
        Took::Old => format!(
            "The sign-in found that {name} kept the old password (it refused the new one): Keydesk dropped the new one. Sign in again to use the old one."
        ),
    };
    settled(kd, portal_id, name, took, words, "by a sign-in");
    Ok(())
}
