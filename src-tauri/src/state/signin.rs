//! The sign-ins of this run: the latest view per portal, which are still running, and the guard
//! that keeps Keydesk from trying a refused password again by itself.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use keydesk::signin::{Recipes, RetryGuard, SignInView};

/// Everything the sign-in commands and drivers share. A plain mutex: it is held only to read or
/// update these maps, never across an await.
pub struct SignInState(Mutex<SignIns>);

/// The shared maps.
pub struct SignIns {
    /// The form recipes, parsed and checked at start.
    pub recipes: Recipes,
    /// The latest view of each portal's sign-in.
    pub views: HashMap<i64, SignInView>,
    /// Portals whose sign-in driver is running.
    pub running: HashSet<i64>,
    /// Failures a new sign-in must be confirmed after.
    pub guard: RetryGuard,
}

impl SignInState {
    /// With the shipped recipes (checked once, here).
    pub fn new(recipes: Recipes) -> Self {
        Self(Mutex::new(SignIns {
            recipes,
            views: HashMap::new(),
            running: HashSet::new(),
            guard: RetryGuard::default(),
        }))
    }

    /// The maps, for a short update.
    pub fn lock(&self) -> MutexGuard<'_, SignIns> {
        // A driver that panicked mid-update leaves views only; keep serving.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
