//! Files the person names in the window (import and export): where a typed name points. Reading
//! and writing them is the core's (`keydesk::api`), whole or not at all.

use std::path::{Path, PathBuf};

use keydesk::ErrorCode;
use keydesk::api::Error;

use crate::error::CommandError;

/// Where `typed` points: `~/…` and a bare or relative name are taken from the home folder (the
/// app's working folder means nothing to the person at the desk).
pub fn resolve(typed: &str) -> Result<PathBuf, CommandError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::other(
            ErrorCode::FileMissing,
            "Enter a file name, for example ~/Documents/keydesk-portals.json.",
        )
        .into());
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    let path = Path::new(typed);
    if let Some(rest) = typed.strip_prefix("~/").or(typed.strip_prefix("~\\")) {
        if let Some(home) = home {
            return Ok(home.join(rest));
        }
    } else if path.is_relative()
        && let Some(home) = home
    {
        return Ok(home.join(path));
    }
    Ok(path.to_owned())
}
