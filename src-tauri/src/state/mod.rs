//! Managed state, one type per file.

mod desk;
mod inbox;

pub use desk::DeskState;
pub use inbox::InboxState;
