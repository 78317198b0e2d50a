//! The sign-ins of a running desk: the latest [`SignInView`] of each portal, and which portals
//! have one running — each held by a [`Claim`], so that one portal never has two. (How earlier
//! sign-ins ended is kept across restarts by the [`RetryGuard`](super::RetryGuard).)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::SignInView;

#[derive(Debug, Default)]
struct Maps {
    views: HashMap<i64, SignInView>,
    /// Portals whose sign-in is running, each with the token of the claim that holds it.
    running: HashMap<i64, Arc<()>>,
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
}
