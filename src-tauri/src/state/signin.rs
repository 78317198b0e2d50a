//! The sign-ins of this run: the latest view per portal, and which are still running — each
//! held by a [`RunningSignIn`] claim, so that one portal never has two. (The retry guard is in
//! the profile's database: see `keydesk::signin::RetryGuard`.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use keydesk::signin::{Recipes, SignInView};
use tauri::{AppHandle, Manager};

/// Everything the sign-in commands and drivers share. A plain mutex: it is held only to read or
/// update these maps, never across an await.
pub struct SignInState(Mutex<SignIns>);

/// The shared maps.
pub struct SignIns {
    /// The form recipes, parsed and checked at start.
    pub recipes: Recipes,
    /// The latest view of each portal's sign-in.
    pub views: HashMap<i64, SignInView>,
    /// Portals whose sign-in is running, each with the token of the claim that holds it.
    running: HashMap<i64, Arc<()>>,
}

impl SignInState {
    /// With the shipped recipes (checked once, here).
    pub fn new(recipes: Recipes) -> Self {
        Self(Mutex::new(SignIns {
            recipes,
            views: HashMap::new(),
            running: HashMap::new(),
        }))
    }

    /// The maps, for a short update.
    pub fn lock(&self) -> MutexGuard<'_, SignIns> {
        // A driver that panicked mid-update leaves views only; keep serving.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A portal's claim on its one running sign-in. Taken — checked and inserted under one lock —
/// before anything else of a sign-in starts, so a double click cannot start two; released when
/// dropped: on every early return of the start, and when the driver ends.
pub struct RunningSignIn {
    app: AppHandle,
    portal_id: i64,
    token: Arc<()>,
}

impl RunningSignIn {
    /// The claim, or `None` when a sign-in to this portal is already running.
    pub fn claim(app: &AppHandle, portal_id: i64) -> Option<Self> {
        let state = app.state::<SignInState>();
        let mut sign_ins = state.lock();
        if sign_ins.running.contains_key(&portal_id) {
            return None;
        }
        let token = Arc::new(());
        sign_ins.running.insert(portal_id, token.clone());
        Some(Self {
            app: app.clone(),
            portal_id,
            token,
        })
    }
}

impl Drop for RunningSignIn {
    fn drop(&mut self) {
        let state = self.app.state::<SignInState>();
        let mut sign_ins = state.lock();
        // Only this claim's own entry: never one a later claim made.
        if sign_ins
            .running
            .get(&self.portal_id)
            .is_some_and(|s| Arc::ptr_eq(s, &self.token))
        {
            sign_ins.running.remove(&self.portal_id);
        }
    }
}
