//! The desk profile shared by all commands.

use std::ops::Deref;

use keydesk::Desk;
use tokio::sync::Mutex;

/// The open profile. An async mutex: status checks hold it across network waits.
pub struct DeskState(Mutex<Desk>);

impl DeskState {
    /// Wraps an opened profile.
    pub fn new(desk: Desk) -> Self {
        Self(Mutex::new(desk))
    }
}

impl Deref for DeskState {
    type Target = Mutex<Desk>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
