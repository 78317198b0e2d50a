//! The sandbox's clock: real time plus an offset tests can advance through
//! `POST /__sandbox/advance`, so that code expiry and remember-device lapses are tested without
//! sleeping. Logic never reads the clock itself; handlers read it once and pass `now` in.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Real time plus an advance shared by every portal of one sandbox.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    advanced: Arc<AtomicU64>,
}

impl Clock {
    /// Seconds since the Unix epoch, as the sandbox sees it.
    pub fn now(&self) -> u64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        real + self.advanced.load(Ordering::SeqCst)
    }

    /// Moves the sandbox's time forward.
    pub fn advance(&self, secs: u64) {
        self.advanced.fetch_add(secs, Ordering::SeqCst);
    }
}
