//! Files the person names in the window (import and export): where a typed name points, and
//! reading and writing them with a message that says which file and why.

use std::path::{Path, PathBuf};

use crate::error::{CommandError, file_error};

/// The biggest file an import reads: every real export is far smaller, and a wrong pick (a
/// video, a disk image) must fail at once rather than fill the memory.
pub const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;

/// Where `typed` points: `~/…` and a bare or relative name are taken from the home folder (the
/// app's working folder means nothing to the person at the desk).
pub fn resolve(typed: &str) -> Result<PathBuf, CommandError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(CommandError::new(
            "file_missing",
            "Enter a file name, for example ~/Documents/keydesk-portals.json.",
        ));
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

/// Reads a file the person picked, refusing what is too big to be an export.
pub fn read(typed: &str) -> Result<Vec<u8>, CommandError> {
    let path = resolve(typed)?;
    let size = std::fs::metadata(&path)
        .map_err(|e| file_error(&path, "open", &e))?
        .len();
    if size > MAX_IMPORT_BYTES {
        return Err(CommandError::new(
            "file_too_big",
            &format!(
                "{} is {} MB, far bigger than any export; check that you picked the right file.",
                path.display(),
                size / 1_000_000
            ),
        ));
    }
    std::fs::read(&path).map_err(|e| file_error(&path, "read", &e))
}

/// Writes a file whole or not at all (owner-only), returning where it went.
pub fn write(typed: &str, bytes: &[u8]) -> Result<PathBuf, CommandError> {
    let path = resolve(typed)?;
    keydesk::file::write_whole(&path, bytes).map_err(|e| file_error(&path, "write", &e))?;
    Ok(path)
}
