//! Leftover exposure closed: a crash leaves no core file holding secrets, and a data folder
//! someone else could write (so could swap the database or the portal windows' profiles) is
//! refused rather than used.

use std::path::Path;

/// Turns core dumps off for this process (and what it starts). Called first thing by the app
/// and the CLI; a failure is logged, never fatal.
pub fn no_core_dumps() {
    #[cfg(unix)]
    {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads the struct we pass and nothing else.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) } != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "could not turn core dumps off");
        }
    }
    // Windows writes no core file of its own; Windows Error Reporting's dumps are the
    // office's setting.
}

/// Whether core dumps are off for this process.
pub fn core_dumps_off() -> bool {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: getrlimit writes into the struct we own.
        unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 && limit.rlim_cur == 0 }
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Why `dir`, an existing data folder, must not be used: someone other than its owner may
/// write it, or its owner is not the person running Keydesk. `None` when it is safe.
pub fn unsafe_data_dir(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).ok()?;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Some(format!(
                "The data folder {} belongs to another user of this computer, so Keydesk does \
                 not use it. Ask IT to give it back to you, or choose another folder.",
                dir.display()
            ));
        }
        if meta.mode() & 0o022 != 0 {
            return Some(format!(
                "Other users of this computer can change the data folder {}, so Keydesk does \
                 not use it. Ask IT to make it yours only.",
                dir.display()
            ));
        }
        None
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_dumps_can_be_turned_off() {
        no_core_dumps();
        assert!(core_dumps_off());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(unsafe_data_dir(dir.path()), None);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let why = unsafe_data_dir(dir.path()).unwrap();
        assert!(why.contains("Other users"), "{why}");
    }
}
