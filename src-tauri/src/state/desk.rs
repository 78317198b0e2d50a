//! The desk profile shared by all commands.

use std::ops::Deref;
use std::path::PathBuf;

use keydesk::Desk;
use tokio::sync::Mutex;

/// The open profile. An async mutex: status checks hold it across network waits.
pub struct DeskState {
    desk: Mutex<Desk>,
    /// The profile's folder, readable without the lock (portal windows keep their browser
    /// profiles under it).
    pub profile_dir: PathBuf,
    /// The profile's id, readable without the lock (portal windows' data stores on macOS are
    /// derived from it).
    #[cfg(target_os = "macos")]
    pub profile_id: String,
}

impl DeskState {
    /// Wraps an opened profile.
    pub fn new(desk: Desk) -> Self {
        Self {
            profile_dir: desk.data_dir().to_owned(),
            #[cfg(target_os = "macos")]
            profile_id: desk.profile_id().to_owned(),
            desk: Mutex::new(desk),
        }
    }
}

impl Deref for DeskState {
    type Target = Mutex<Desk>;
    fn deref(&self) -> &Self::Target {
        &self.desk
    }
}
