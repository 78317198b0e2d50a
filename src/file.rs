//! Files people carry between desks (a portal list, an authenticator backup or export).
//! Keydesk writes them only here ([`write_whole`]): whole or not at all — into a temporary file
//! beside the target, flushed, then renamed over it — and readable by their owner only, since
//! even a list without secrets names the office's accounts. It reads them only here too
//! ([`read_import`]), never more than [`MAX_IMPORT_BYTES`].

use std::io::{Read, Write};
use std::path::Path;

/// The biggest file an import reads: every real export is far smaller, and a wrong pick (a
/// video, a disk image, a device that never ends) must fail at once rather than fill the memory.
pub const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;

/// Why a file to import could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The system refused or failed.
    Io(std::io::Error),
    /// The file is bigger than [`MAX_IMPORT_BYTES`]; reading stopped there.
    TooBig,
}

/// Reads a file to import, at most [`MAX_IMPORT_BYTES`] of it (a pipe or a device that reports
/// no size is cut off there too).
pub fn read_import(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ReadError::TooBig);
    }
    Ok(bytes)
}

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
    fn an_import_reads_the_whole_file_up_to_the_limit_and_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.json");
        write_whole(&path, b"[]").unwrap();
        assert_eq!(read_import(&path).unwrap(), b"[]");
        let big = dir.path().join("video.mp4");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_IMPORT_BYTES + 1).unwrap();
        assert!(matches!(read_import(&big), Err(ReadError::TooBig)));
        #[cfg(unix)]
        assert!(
            matches!(read_import(Path::new("/dev/zero")), Err(ReadError::TooBig)),
            "a device without end is cut off"
        );
    }

    #[test]
    fn a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no-such-folder").join("backup.kdbackup");
        assert!(write_whole(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
