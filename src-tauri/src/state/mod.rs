//! Managed state, one type per file.

mod desk;

pub use desk::DeskState;
