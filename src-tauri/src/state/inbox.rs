//! The running inbox, once a mailbox is set up.

use std::ops::Deref;

use keydesk::inbox::Inbox;
use tokio::sync::Mutex;

/// `None` until the inbox starts (no mailbox set up, or it could not start).
#[derive(Default)]
pub struct InboxState(Mutex<Option<Inbox>>);

impl Deref for InboxState {
    type Target = Mutex<Option<Inbox>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
