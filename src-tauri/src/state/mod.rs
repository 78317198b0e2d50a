//! Managed state, one type per file.

mod desk;
mod inbox;
mod signin;

pub use desk::DeskState;
pub use inbox::InboxState;
pub use signin::{RunningSignIn, SignInState};
