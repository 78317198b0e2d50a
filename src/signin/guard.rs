//! The retry guard: after a sign-in that ended in a way the portal may count towards a lockout
//! (see [`SignIn::needs_confirmation_to_retry`]), a new one needs the desk's explicit "try once
//! more" — unless the password was changed since. Kept in the database, so a restart does not
//! forget it, together with how many sign-ins to the portal ended that way in a row, to warn as
//! that nears the portal's lockout threshold.

use rusqlite::{OptionalExtension, params};

use super::machine::{SignIn, State};
use crate::error::ErrorCode;
use crate::i18n::{Locale, msg, text};
use crate::portal::Portal;
use crate::store::{Store, StoreError};

/// The schema step for `store::MIGRATIONS` (migration 5). One row per portal that has a
/// failure in a row; a sign-in that succeeds removes it.
pub const MIGRATION: &str = "CREATE TABLE signin_guard (
    portal_id INTEGER PRIMARY KEY REFERENCES portal (id) ON DELETE CASCADE,
    failures_in_a_row INTEGER NOT NULL DEFAULT 0,
    blocked_at INTEGER,
    blocked_reason TEXT
) STRICT;";

/// Why a sign-in could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The last sign-in ended with a refused password, a locked account, a refused code, or
    /// in a way Keydesk cannot tell apart from those, and the password has not been changed
    /// since: the user must confirm a new try.
    #[error(
        "The last sign-in to {portal} ended with: {reason} Keydesk does not try again by itself, \
         so the account does not lock; confirm to try once more.{}",
        .warning.as_deref().map(|w| format!(" {w}")).unwrap_or_default()
    )]
    NeedsConfirmation {
        /// The portal's name.
        portal: String,
        /// The last failure, in words.
        reason: String,
        /// How near the portal's lockout the failures in a row are, when near.
        warning: Option<String>,
    },
    /// A sign-in to this portal is already running.
    #[error("Keydesk is already signing in to {0}.")]
    AlreadyRunning(String),
    /// The guard could not be read or saved.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StartError {
    /// A stable code for the UI.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NeedsConfirmation { .. } => ErrorCode::SigninNeedsConfirmation,
            Self::AlreadyRunning(_) => ErrorCode::SigninRunning,
            Self::Store(_) => ErrorCode::Database,
        }
    }
}

impl From<rusqlite::Error> for StartError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(error))
    }
}

/// The guard of one desk, over its database.
#[derive(Debug)]
pub struct RetryGuard<'s> {
    store: &'s mut Store,
}

impl<'s> RetryGuard<'s> {
    /// The guard in `store`.
    pub fn new(store: &'s mut Store) -> Self {
        Self { store }
    }

    /// Notes how a sign-in ended at `now` (UNIX seconds). A portal removed meanwhile is left
    /// alone.
    pub fn record(&mut self, sign_in: &SignIn, now: i64) -> Result<(), StoreError> {
        let portal = sign_in.portal();
        let conn = self.store.conn();
        match sign_in.state() {
            State::Failed { failure } if sign_in.needs_confirmation_to_retry() => {
                conn.execute(
                    "INSERT INTO signin_guard (portal_id, failures_in_a_row, blocked_at, blocked_reason)
                     SELECT ?1, 1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM portal WHERE id = ?1)
                     ON CONFLICT (portal_id) DO UPDATE SET
                        failures_in_a_row = failures_in_a_row + 1,
                        blocked_at = excluded.blocked_at, blocked_reason = excluded.blocked_reason",
                    // Kept in English: the reason the block names in logs and the CLI.
                    params![
                        portal.id,
                        now,
                        failure.words(&portal.fields.name, Locale::En)
                    ],
                )?;
            }
            State::SignedIn { .. } => {
                conn.execute("DELETE FROM signin_guard WHERE portal_id = ?1", [portal.id])?;
            }
            // A confirmed try that ended without counting (maintenance, no code came): the
            // block it was allowed past goes; the count in a row stays.
            State::Failed { .. } => {
                conn.execute(
                    "UPDATE signin_guard SET blocked_at = NULL, blocked_reason = NULL
                     WHERE portal_id = ?1",
                    [portal.id],
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    /// May a new sign-in to `portal` start? `confirmed` is the user's explicit "try once more";
    /// it (or a password changed since) lets one try past the block. The block itself goes only
    /// when that try has ended and [`RetryGuard::record`] noted how (a try cut short by the app
    /// quitting leaves it in place), and the count in a row stays until a sign-in succeeds.
    pub fn check(&mut self, portal: &Portal, confirmed: bool) -> Result<(), StartError> {
        let row: Option<(u32, Option<i64>, Option<String>)> = self
            .store
            .conn()
            .query_row(
                "SELECT failures_in_a_row, blocked_at, blocked_reason FROM signin_guard
                 WHERE portal_id = ?1",
                [portal.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((failures, Some(at), reason)) = row else {
            return Ok(());
        };
        let password_changed_since = portal.password_changed_at.is_some_and(|c| c >= at);
        if confirmed || password_changed_since {
            return Ok(());
        }
        Err(StartError::NeedsConfirmation {
            portal: portal.fields.name.clone(),
            reason: reason.unwrap_or_default(),
            // Part of an error message, whose English is the detailed one.
            warning: lockout_warning(portal, failures, Locale::En),
        })
    }

    /// How many sign-ins to the portal in a row ended in a way that may count towards its
    /// lockout.
    pub fn failures_in_a_row(&mut self, portal_id: i64) -> Result<u32, StoreError> {
        Ok(self
            .store
            .conn()
            .query_row(
                "SELECT failures_in_a_row FROM signin_guard WHERE portal_id = ?1",
                [portal_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// [`lockout_warning`] for the portal's count now, in `locale`.
    pub fn lockout_warning(
        &mut self,
        portal: &Portal,
        locale: Locale,
    ) -> Result<Option<String>, StoreError> {
        Ok(lockout_warning(
            portal,
            self.failures_in_a_row(portal.id)?,
            locale,
        ))
    }
}

/// A warning in plain words, in `locale`, once `failures` in a row near the portal's lockout
/// threshold (or, with no threshold known, from the second one on).
pub fn lockout_warning(portal: &Portal, failures: u32, locale: Locale) -> Option<String> {
    let name = &portal.fields.name;
    let in_a_row = match failures {
        1 => text(locale, msg::LOCKOUT_ONE, &[("portal", name)]),
        n => text(
            locale,
            msg::LOCKOUT_OTHER,
            &[("count", &n), ("portal", name)],
        ),
    };
    let warn = |m, threshold: &dyn std::fmt::Display| {
        let args: [(&str, &dyn std::fmt::Display); 3] = [
            ("in_a_row", &in_a_row),
            ("portal", name),
            ("threshold", threshold),
        ];
        Some(text(locale, m, &args))
    };
    match portal.fields.lockout_threshold {
        Some(t) if failures >= t => warn(msg::LOCKOUT_MAY_BE_LOCKED, &t),
        Some(t) if failures > 0 && failures + 1 >= t => warn(msg::LOCKOUT_ONE_MORE, &t),
        None if failures >= 2 => Some(text(
            locale,
            msg::LOCKOUT_UNKNOWN_THRESHOLD,
            &[("in_a_row", &in_a_row)],
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::{PortalBook, PortalFields, SecondStep};
    use crate::signin::observation::Seen;
    use crate::signin::{Observation, Recipes};

    const ORIGIN: &str = "https://cignaforhcp.cigna.com";

    fn portal(store: &mut Store, lockout_threshold: Option<u32>) -> Portal {
        PortalBook::new(store)
            .add(
                PortalFields {
                    name: "Cigna".into(),
                    preset: Some("cigna".into()),
                    login_url: format!("{ORIGIN}/app/login"),
                    second_step: SecondStep::EmailCode,
                    lockout_threshold,
                    ..Default::default()
                },
                100,
            )
            .unwrap()
    }

    fn login(doc: &str, alert: Option<&str>) -> Observation {
        Observation {
            origin: ORIGIN.into(),
            url: format!("{ORIGIN}/app/login"),
            document: doc.into(),
            ready: true,
            seen: Seen {
                alert: alert.is_some(),
                ..Seen::default()
            },
            alert_text: alert.map(str::to_owned),
            controls: crate::signin::machine::tests::login()
                .controls
                .into_iter()
                .map(|c| crate::signin::control::Control {
                    form_action: Some(ORIGIN.into()),
                    ..c
                })
                .collect(),
            heading: String::new(),
            navigated_to: String::new(),
        }
    }

    /// A sign-in whose password the portal refused.
    fn refused(portal: &Portal) -> SignIn {
        let recipes = Recipes::shipped().unwrap();
        let mut m = SignIn::new(portal, recipes.for_preset(Some("cigna")), 1_000_000);
        m.step(&login("a", None), None, 1_000_100);
        m.step(
            &login("b", Some("The password is incorrect.")),
            None,
            1_000_200,
        );
        assert!(m.needs_confirmation_to_retry());
        m
    }

    #[test]
    fn the_guard_survives_a_restart_and_a_confirmation_or_new_password_lifts_it() {
        // Regression: the guard lived in the app's memory, so after a restart one click sent
        // the refused password again.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keydesk.db");
        let mut store = Store::open(&path, crate::desk::SCHEMA).unwrap();
        let mut p = portal(&mut store, None);
        RetryGuard::new(&mut store)
            .record(&refused(&p), 1_000)
            .unwrap();
        drop(store);

        let mut store = Store::open(&path, crate::desk::SCHEMA).unwrap();
        let err = RetryGuard::new(&mut store).check(&p, false).unwrap_err();
        assert_eq!(err.code(), "signin_needs_confirmation");
        assert!(err.to_string().contains("did not accept"), "{err}");
        p.password_changed_at = Some(1_001);
        assert!(
            RetryGuard::new(&mut store).check(&p, false).is_ok(),
            "a password changed since lifts it"
        );
        p.password_changed_at = None;
        RetryGuard::new(&mut store)
            .record(&refused(&p), 2_000)
            .unwrap();
        assert!(RetryGuard::new(&mut store).check(&p, false).is_err());
        assert!(
            RetryGuard::new(&mut store).check(&p, true).is_ok(),
            "so does confirming"
        );
        assert!(
            RetryGuard::new(&mut store).check(&p, false).is_err(),
            "regression: confirming lifted the block before the try ran, so quitting mid-try \
             left no block"
        );
        let recipes = Recipes::shipped().unwrap();
        let mut maintenance = SignIn::new(&p, recipes.for_preset(Some("cigna")), 3_000_000);
        maintenance.fail(crate::signin::Failure::Maintenance, 3_000_100);
        RetryGuard::new(&mut store)
            .record(&maintenance, 3_000)
            .unwrap();
        assert!(
            RetryGuard::new(&mut store).check(&p, false).is_ok(),
            "the confirmed try ended without counting: the block is gone"
        );
        assert_eq!(
            RetryGuard::new(&mut store).failures_in_a_row(p.id).unwrap(),
            2
        );
    }

    #[test]
    fn failures_in_a_row_are_counted_and_warned_about_near_the_threshold() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let p = portal(&mut store, Some(3));
        let mut guard = RetryGuard::new(&mut store);
        guard.record(&refused(&p), 1_000).unwrap();
        assert_eq!(guard.failures_in_a_row(p.id).unwrap(), 1);
        assert_eq!(
            guard.lockout_warning(&p, Locale::En).unwrap(),
            None,
            "1 of 3: no warning yet"
        );
        guard.check(&p, true).unwrap();
        guard.record(&refused(&p), 2_000).unwrap();
        assert_eq!(
            guard.failures_in_a_row(p.id).unwrap(),
            2,
            "confirming does not reset the count"
        );
        let warning = guard
            .lockout_warning(&p, Locale::En)
            .unwrap()
            .expect("2 of 3 warns");
        assert!(warning.contains("one more may lock it"), "{warning}");
        let err = guard.check(&p, false).unwrap_err();
        assert!(
            err.to_string().contains("one more may lock it"),
            "the confirmation says it too: {err}"
        );
        guard.check(&p, true).unwrap();
        guard.record(&refused(&p), 3_000).unwrap();
        assert!(
            guard
                .lockout_warning(&p, Locale::En)
                .unwrap()
                .unwrap()
                .contains("may be locked already")
        );

        let recipes = Recipes::shipped().unwrap();
        let mut ok = SignIn::new(&p, recipes.for_preset(Some("cigna")), 1_000_000);
        ok.step(&login("a", None), None, 1_000_100);
        let mut home = login("home", None);
        home.seen = Seen {
            signed_in: true,
            ..Seen::default()
        };
        home.controls.clear();
        ok.step(&home, None, 1_000_200);
        guard.record(&ok, 4_000).unwrap();
        assert_eq!(
            guard.failures_in_a_row(p.id).unwrap(),
            0,
            "a sign-in resets it"
        );
        assert!(guard.check(&p, false).is_ok());
    }

    #[test]
    fn without_a_known_threshold_the_second_failure_warns_and_a_removed_portal_is_left_alone() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let p = portal(&mut store, None);
        assert_eq!(lockout_warning(&p, 1, Locale::En), None);
        assert!(
            lockout_warning(&p, 2, Locale::En)
                .unwrap()
                .contains("a few wrong tries")
        );
        let keychain = crate::keychain::MemoryKeychain::default();
        PortalBook::new(&mut store).remove(p.id, &keychain).unwrap();
        RetryGuard::new(&mut store)
            .record(&refused(&p), 1_000)
            .unwrap();
        assert_eq!(
            RetryGuard::new(&mut store).failures_in_a_row(p.id).unwrap(),
            0
        );
    }
}
