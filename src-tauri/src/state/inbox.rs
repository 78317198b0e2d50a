//! The running inbox, once a mailbox is set up.

use std::ops::Deref;

use keydesk::inbox::Inbox;
use tokio::sync::Mutex;

/// `None` until the inbox starts (no mailbox set up, or it could not start).
#[derive(Default)]
pub struct InboxState {
    inbox: Mutex<Option<Inbox>>,
    /// Why the inbox is not running when a mailbox is set up but it could not start (no
    /// password in the keychain…): a stable code and plain words, for the Codes view.
    pub not_running: std::sync::Mutex<Option<(&'static str, String)>>,
}

impl Deref for InboxState {
    type Target = Mutex<Option<Inbox>>;
    fn deref(&self) -> &Self::Target {
        &self.inbox
    }
}
