//! A password change underway, kept so that one cut short (window closed, portal error, crash)
//! never leaves the desk without a working password.
//!
//! The new password waits in its own keychain item ([`ItemKey::portal_pending_password`])
//! beside the current one; the database only notes that a change is underway and how far it
//! got ([`Phase`]), never a secret. The current item is replaced only once the portal accepted
//! the new password.
//!
//! | phase | the portal has seen the new password | a change cut short here… |
//! |---|---|---|
//! | [`Phase::Proposed`] | no: Keydesk has not sent it | is dropped at the next start: the old one still works |
//! | [`Phase::Submitted`] | maybe: it was on its way when the change stopped | stays until Keydesk finds out which one the portal took ([`settle`]) |
//!
//! Finding out: the next sign-in tries the new password once (it was most likely taken); a
//! portal that refuses it settles the change for the old one, which the sign-in after that
//! uses. Each password is tried at most once, so the check never adds more than one refused
//! try towards a lockout. The person can also say which one the portal took.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{PortalBook, PortalError};
use crate::keychain::{ItemKey, Keychain};
use crate::secret::Secret;
use crate::store::{Store, StoreError};

/// How far a change got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The new password is made and kept; the portal has not been sent it.
    Proposed,
    /// The change form was being sent: the portal may have taken the new password.
    Submitted,
}

/// A change underway, as the database keeps it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Underway {
    /// How far it got.
    pub phase: Phase,
    /// When the new password was made (UNIX seconds).
    pub started_at: i64,
    /// When the change form was sent (UNIX seconds).
    pub submitted_at: Option<i64>,
}

/// Which password the portal took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Took {
    /// The new one: it replaces the saved password.
    New,
    /// The old one: the new one is dropped.
    Old,
}

/// Why a change could not go on.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// An earlier change was cut short after it was sent: which password the portal took must
    /// be settled first.
    #[error(
        "A password change to this portal was cut short after Keydesk sent it. Say first which \
         password the portal took, or sign in once to let Keydesk find out."
    )]
    Unsettled,
    /// No change is underway.
    #[error("No password change is underway for this portal.")]
    NoneUnderway,
    /// The new password is gone from the keychain.
    #[error("The new password is no longer in the keychain, so the saved one stays.")]
    PendingGone,
    /// The portal or the keychain failed.
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl From<StoreError> for ChangeError {
    fn from(e: StoreError) -> Self {
        Self::Portal(PortalError::from(e))
    }
}

impl From<crate::keychain::KeychainError> for ChangeError {
    fn from(e: crate::keychain::KeychainError) -> Self {
        Self::Portal(PortalError::from(e))
    }
}

const PREFIX: &str = "portal.password_change.";

fn key(portal_id: i64) -> String {
    format!("{PREFIX}{portal_id}")
}

/// The change underway for the portal, if any.
pub fn underway(store: &Store, portal_id: i64) -> Result<Option<Underway>, StoreError> {
    store.setting::<Underway>(&key(portal_id))
}

/// Every change underway: (portal id, change).
pub fn all_underway(store: &mut Store) -> Result<Vec<(i64, Underway)>, StoreError> {
    let rows: Vec<(String, String)> = {
        let conn = store.conn();
        let mut stmt = conn.prepare("SELECT key, value FROM setting WHERE key LIKE ?1")?;
        stmt.query_map([format!("{PREFIX}%")], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?
    };
    Ok(rows
        .into_iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix(PREFIX)?.parse().ok()?;
            Some((id, serde_json::from_str(&v).ok()?))
        })
        .collect())
}

/// Keeps `new` as the portal's pending password and notes a change underway. A change that
/// was only proposed is replaced; one that was sent must be settled first.
pub fn propose(
    store: &mut Store,
    keychain: &dyn Keychain,
    portal_id: i64,
    new: &Secret,
    now: i64,
) -> Result<(), ChangeError> {
    PortalBook::new(store).get(portal_id)?;
    if underway(store, portal_id)?.is_some_and(|u| u.phase == Phase::Submitted) {
        return Err(ChangeError::Unsettled);
    }
    keychain.set(&ItemKey::portal_pending_password(portal_id), new)?;
    let noted = store.set_setting(
        &key(portal_id),
        &Underway {
            phase: Phase::Proposed,
            started_at: now,
            submitted_at: None,
        },
    );
    if let Err(e) = noted {
        let _ = keychain.delete(&ItemKey::portal_pending_password(portal_id));
        return Err(e.into());
    }
    Ok(())
}

/// The pending new password (to fill, or to show when the person asks).
pub fn pending_password(
    keychain: &dyn Keychain,
    portal_id: i64,
) -> Result<Option<Secret>, ChangeError> {
    Ok(keychain.get(&ItemKey::portal_pending_password(portal_id))?)
}

/// Notes that the change form is about to be sent: from now on the portal may take the new
/// password, so a change cut short is not dropped but settled. Called before the fill.
pub fn submitting(store: &mut Store, portal_id: i64, now: i64) -> Result<(), ChangeError> {
    let mut change = underway(store, portal_id)?.ok_or(ChangeError::NoneUnderway)?;
    change.phase = Phase::Submitted;
    change.submitted_at = Some(now);
    store.set_setting(&key(portal_id), &change)?;
    Ok(())
}

/// The fill wrote nothing (the form was gone when it ran): the portal has not seen the new
/// password, so the change is only proposed again.
pub fn not_sent(store: &mut Store, portal_id: i64) -> Result<(), ChangeError> {
    let mut change = underway(store, portal_id)?.ok_or(ChangeError::NoneUnderway)?;
    change.phase = Phase::Proposed;
    change.submitted_at = None;
    store.set_setting(&key(portal_id), &change)?;
    Ok(())
}

/// Settles the change: the portal took the new password (it replaces the saved one, with `now`
/// as its change date) or kept the old one (the new one is dropped).
pub fn settle(
    store: &mut Store,
    keychain: &dyn Keychain,
    portal_id: i64,
    took: Took,
    now: i64,
) -> Result<(), ChangeError> {
    if underway(store, portal_id)?.is_none() {
        return Err(ChangeError::NoneUnderway);
    }
    if took == Took::New {
        let new = pending_password(keychain, portal_id)?.ok_or(ChangeError::PendingGone)?;
        // The saved password is replaced first: until then the old one and the new one are
        // both kept, so a failure here leaves the change to settle again.
        PortalBook::new(store).set_password(portal_id, keychain, &new, now)?;
    }
    keychain.delete(&ItemKey::portal_pending_password(portal_id))?;
    store
        .conn()
        .execute("DELETE FROM setting WHERE key = ?1", [key(portal_id)])
        .map_err(StoreError::from)?;
    Ok(())
}

/// At the start: a change cut short before its form was sent is dropped (the portal never saw
/// the new password, so the saved one still works). Returns the changes left to settle.
pub fn at_start(
    store: &mut Store,
    keychain: &dyn Keychain,
    now: i64,
) -> Result<Vec<(i64, Underway)>, ChangeError> {
    let mut left = Vec::new();
    for (id, change) in all_underway(store)? {
        match change.phase {
            Phase::Proposed => settle(store, keychain, id, Took::Old, now)?,
            Phase::Submitted => left.push((id, change)),
        }
    }
    Ok(left)
}

/// What a sign-in that tried the new password of a change cut short learnt: `Some` once the
/// portal's answer tells which password it has.
pub fn learnt_from_sign_in(password_taken: bool, password_refused: bool) -> Option<Took> {
    match (password_taken, password_refused) {
        (true, _) => Some(Took::New),
        (false, true) => Some(Took::Old),
        _ => None,
    }
}

/// Forgets the change noted for the portal (with the portal; its keychain item goes with the
/// portal's others).
pub fn forget(conn: &rusqlite::Connection, portal_id: i64) -> Result<(), rusqlite::Error> {
    conn.execute("DELETE FROM setting WHERE key = ?1", [key(portal_id)])
        .optional()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryKeychain;
    use crate::portal::PortalFields;

    fn desk() -> (Store, MemoryKeychain, i64) {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let keychain = MemoryKeychain::default();
        let fields = PortalFields {
            name: "Cigna".into(),
            login_url: "https://cignaforhcp.cigna.com/app/login".into(),
            username: "frontdesk".into(),
            ..Default::default()
        };
        let id = PortalBook::new(&mut store)
            .add_with_password(fields, &keychain, &Secret::from("kdS3cr3t-old"), 100)
            .unwrap()
            .id;
        (store, keychain, id)
    }

    fn saved(store: &mut Store, keychain: &MemoryKeychain, id: i64) -> String {
        PortalBook::new(store)
            .password(id, keychain)
            .unwrap()
            .unwrap()
            .expose()
            .to_owned()
    }

    fn changed_at(store: &mut Store, id: i64) -> Option<i64> {
        PortalBook::new(store).get(id).unwrap().password_changed_at
    }

    #[test]
    fn the_new_password_waits_beside_the_old_until_the_portal_took_it() {
        let (mut store, keychain, id) = desk();
        propose(
            &mut store,
            &keychain,
            id,
            &Secret::from("kdS3cr3t-new"),
            200,
        )
        .unwrap();
        assert_eq!(saved(&mut store, &keychain, id), "kdS3cr3t-old");
        assert_eq!(
            pending_password(&keychain, id).unwrap().unwrap().expose(),
            "kdS3cr3t-new"
        );
        assert_eq!(
            underway(&store, id).unwrap().unwrap().phase,
            Phase::Proposed
        );
        submitting(&mut store, id, 210).unwrap();
        let change = underway(&store, id).unwrap().unwrap();
        assert_eq!(
            (change.phase, change.submitted_at),
            (Phase::Submitted, Some(210))
        );
        settle(&mut store, &keychain, id, Took::New, 220).unwrap();
        assert_eq!(saved(&mut store, &keychain, id), "kdS3cr3t-new");
        assert!(pending_password(&keychain, id).unwrap().is_none());
        assert!(underway(&store, id).unwrap().is_none());
        assert_eq!(
            changed_at(&mut store, id),
            Some(220),
            "the age warning counts from here"
        );
    }

    #[test]
    fn a_refused_change_keeps_the_old_password_and_its_date() {
        let (mut store, keychain, id) = desk();
        propose(
            &mut store,
            &keychain,
            id,
            &Secret::from("kdS3cr3t-new"),
            200,
        )
        .unwrap();
        submitting(&mut store, id, 210).unwrap();
        settle(&mut store, &keychain, id, Took::Old, 220).unwrap();
        assert_eq!(saved(&mut store, &keychain, id), "kdS3cr3t-old");
        assert!(pending_password(&keychain, id).unwrap().is_none());
        assert_eq!(changed_at(&mut store, id), Some(100));
    }

    #[test]
    fn at_the_start_a_change_never_sent_is_dropped_and_one_sent_is_left_to_settle() {
        let (mut store, keychain, id) = desk();
        let other = PortalBook::new(&mut store)
            .add_with_password(
                PortalFields {
                    name: "Availity".into(),
                    login_url: "https://apps.availity.com/login".into(),
                    username: "frontdesk".into(),
                    ..Default::default()
                },
                &keychain,
                &Secret::from("kdS3cr3t-old2"),
                100,
            )
            .unwrap()
            .id;
        propose(
            &mut store,
            &keychain,
            id,
            &Secret::from("kdS3cr3t-new"),
            200,
        )
        .unwrap();
        propose(
            &mut store,
            &keychain,
            other,
            &Secret::from("kdS3cr3t-new2"),
            200,
        )
        .unwrap();
        submitting(&mut store, other, 210).unwrap();
        // The window closed, Keydesk quit: the next start.
        let left = at_start(&mut store, &keychain, 300).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, other);
        assert!(
            underway(&store, id).unwrap().is_none(),
            "never sent: dropped"
        );
        assert!(pending_password(&keychain, id).unwrap().is_none());
        assert_eq!(saved(&mut store, &keychain, id), "kdS3cr3t-old");
        // The sent one keeps both passwords until it is settled.
        assert_eq!(saved(&mut store, &keychain, other), "kdS3cr3t-old2");
        assert!(pending_password(&keychain, other).unwrap().is_some());
        assert!(matches!(
            propose(
                &mut store,
                &keychain,
                other,
                &Secret::from("kdS3cr3t-x"),
                310
            ),
            Err(ChangeError::Unsettled)
        ));
        settle(&mut store, &keychain, other, Took::New, 320).unwrap();
        assert_eq!(saved(&mut store, &keychain, other), "kdS3cr3t-new2");
        assert!(at_start(&mut store, &keychain, 400).unwrap().is_empty());
    }

    #[test]
    fn a_proposal_can_be_replaced_until_it_is_sent() {
        let (mut store, keychain, id) = desk();
        propose(&mut store, &keychain, id, &Secret::from("kdS3cr3t-a"), 200).unwrap();
        propose(&mut store, &keychain, id, &Secret::from("kdS3cr3t-b"), 201).unwrap();
        assert_eq!(
            pending_password(&keychain, id).unwrap().unwrap().expose(),
            "kdS3cr3t-b"
        );
        assert!(matches!(
            settle(&mut store, &keychain, id + 1, Took::New, 202),
            Err(ChangeError::NoneUnderway)
        ));
    }

    #[test]
    fn a_sign_in_settles_only_on_a_clear_answer() {
        assert_eq!(learnt_from_sign_in(true, false), Some(Took::New));
        assert_eq!(learnt_from_sign_in(false, true), Some(Took::Old));
        assert_eq!(learnt_from_sign_in(false, false), None);
    }

    #[test]
    fn a_removed_portal_takes_its_change_with_it() {
        let (mut store, keychain, id) = desk();
        propose(
            &mut store,
            &keychain,
            id,
            &Secret::from("kdS3cr3t-new"),
            200,
        )
        .unwrap();
        PortalBook::new(&mut store).remove(id, &keychain).unwrap();
        assert!(all_underway(&mut store).unwrap().is_empty());
        assert!(pending_password(&keychain, id).unwrap().is_none());
    }
}
