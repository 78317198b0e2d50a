//! Files Keydesk writes for people to carry to another desk (a portal list, an authenticator
//! backup): written whole or not at all — into a temporary file beside the target, flushed, then
//! renamed over it — and readable by their owner only, since even a list without secrets names
//! the office's accounts.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` so that a reader sees either the old file or the whole new one.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let staging = dir.join(format!(
        ".{}.{:08x}.part",
        name.to_string_lossy(),
        rand::random::<u32>()
    ));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&staging)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&staging, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_whole_file_and_replaces_an_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("portals.json");
        std::fs::write(&path, b"old").unwrap();
        write_whole(&path, b"new content").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new content");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file may stay behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "owner only");
        }
    }

    #[test]
    fn a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("backup.kdbackup");
        assert!(write_whole(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
