//! The sign-ins of a running desk: the latest [`SignInView`] of each portal, and which portals
//! have one running — each held by a [`Claim`], so that one portal never has two. (How earlier
//! sign-ins ended is kept across restarts by the [`RetryGuard`](super::RetryGuard).)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{CodeToConfirm, SignInView};
use crate::pending::MessageKey;

#[derive(Debug, Default)]
struct Maps {
    views: HashMap<i64, SignInView>,
    /// Portals whose sign-in is running, each with the token of the claim that holds it.
    running: HashMap<i64, Arc<()>>,
    /// The code each running sign-in shows for the person's confirmation.
    asking: HashMap<i64, CodeToConfirm>,
    /// The code the person confirmed for each running sign-in.
    confirmed: HashMap<i64, MessageKey>,
}

/// Every sign-in of this run. Cheap to clone: clones share the maps.
#[derive(Debug, Clone, Default)]
pub struct SignIns(Arc<Mutex<Maps>>);

impl SignIns {
    fn lock(&self) -> MutexGuard<'_, Maps> {
        // A driver that panicked mid-update leaves views only; keep serving.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The claim on `portal_id`'s one running sign-in, or `None` when one is running already.
    /// Checked and taken under one lock, so a double click cannot start two.
    pub fn claim(&self, portal_id: i64) -> Option<Claim> {
        let mut maps = self.lock();
        if maps.running.contains_key(&portal_id) {
            return None;
        }
        let token = Arc::new(());
        maps.running.insert(portal_id, token.clone());
        Some(Claim {
            sign_ins: self.clone(),
            portal_id,
            token,
        })
    }

    /// Whether a sign-in to `portal_id` is running.
    pub fn is_running(&self, portal_id: i64) -> bool {
        self.lock().running.contains_key(&portal_id)
    }

    /// Keeps `view` as its portal's latest.
    pub fn set_view(&self, view: SignInView) {
        self.lock().views.insert(view.portal_id, view);
    }

    /// Shows `code` to the person, for `portal_id`'s running sign-in, as the one to confirm.
    pub fn ask_to_confirm(&self, portal_id: i64, code: CodeToConfirm) {
        let mut maps = self.lock();
        if maps.running.contains_key(&portal_id) {
            maps.asking.insert(portal_id, code);
        }
    }

    /// The code `portal_id`'s sign-in shows for confirmation, if any.
    pub fn asking(&self, portal_id: i64) -> Option<CodeToConfirm> {
        self.lock().asking.get(&portal_id).cloned()
    }

    /// The person confirmed `key` for `portal_id`'s sign-in: true only when that sign-in is
    /// running and shows exactly that code, so a stale click never vouches for another one.
    pub fn confirm(&self, portal_id: i64, key: &MessageKey) -> bool {
        let mut maps = self.lock();
        if maps.asking.get(&portal_id).is_none_or(|c| &c.key != key) {
            return false;
        }
        maps.asking.remove(&portal_id);
        maps.confirmed.insert(portal_id, key.clone());
        true
    }

    /// Whether the person confirmed `key` for `portal_id`'s running sign-in.
    pub fn is_confirmed(&self, portal_id: i64, key: &MessageKey) -> bool {
        self.lock().confirmed.get(&portal_id) == Some(key)
    }

    /// The latest view of every portal's sign-in, by portal.
    pub fn views(&self) -> Vec<SignInView> {
        let mut views: Vec<SignInView> = self.lock().views.values().cloned().collect();
        views.sort_by_key(|v| v.portal_id);
        views
    }
}

/// A portal's claim on its one running sign-in, released when dropped: on every early return of
/// a start, and when the sign-in ends.
#[derive(Debug)]
pub struct Claim {
    sign_ins: SignIns,
    portal_id: i64,
    token: Arc<()>,
}

impl Claim {
    /// The portal the claim is on.
    pub fn portal_id(&self) -> i64 {
        self.portal_id
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut maps = self.sign_ins.lock();
        // Only this claim's own entry: never one a later claim made.
        if maps
            .running
            .get(&self.portal_id)
            .is_some_and(|s| Arc::ptr_eq(s, &self.token))
        {
            maps.running.remove(&self.portal_id);
            // A confirmation belongs to the one sign-in it was given for.
            maps.asking.remove(&self.portal_id);
            maps.confirmed.remove(&self.portal_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_claim_per_portal_released_when_dropped() {
        let sign_ins = SignIns::default();
        let first = sign_ins.claim(1).expect("free");
        assert!(
            sign_ins.claim(1).is_none(),
            "a double click starts one sign-in"
        );
        assert!(sign_ins.claim(2).is_some(), "other portals are independent");
        assert!(sign_ins.is_running(1));
        drop(first);
        assert!(!sign_ins.is_running(1));
        assert!(
            sign_ins.claim(1).is_some(),
            "free again once the first ended"
        );
    }

    fn key(uid: u32) -> MessageKey {
        MessageKey {
            folder: "INBOX".into(),
            uid_validity: 1,
            uid,
        }
    }

    fn to_confirm(uid: u32) -> CodeToConfirm {
        CodeToConfirm {
            key: key(uid),
            sender: "no-reply@cigna.example".into(),
            delivered_at: 1_000,
        }
    }

    #[test]
    fn a_confirmation_counts_only_for_the_code_shown_and_the_sign_in_it_was_given_for() {
        let sign_ins = SignIns::default();
        sign_ins.ask_to_confirm(1, to_confirm(5));
        assert_eq!(sign_ins.asking(1), None, "no sign-in runs: nothing to ask");
        let claim = sign_ins.claim(1).unwrap();
        sign_ins.ask_to_confirm(1, to_confirm(5));
        assert!(
            !sign_ins.confirm(1, &key(4)),
            "a stale click on another code"
        );
        assert!(!sign_ins.confirm(2, &key(5)), "another portal's sign-in");
        assert!(!sign_ins.is_confirmed(1, &key(5)));
        assert!(sign_ins.confirm(1, &key(5)));
        assert!(sign_ins.is_confirmed(1, &key(5)));
        assert_eq!(sign_ins.asking(1), None, "no longer asked once confirmed");
        drop(claim);
        let _next = sign_ins.claim(1).unwrap();
        assert!(
            !sign_ins.is_confirmed(1, &key(5)),
            "the next sign-in asks again"
        );
    }
}
