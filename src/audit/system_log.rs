//! Each audit record also goes to the system's own log, so an office that collects its desks'
//! logs has them away from the desk: journald on Linux (its native socket protocol, no
//! library), the Windows Event Log (source "Keydesk"), the macOS unified log (`logger`). Where
//! there is no system log (a container without journald) the record goes to Keydesk's log file
//! instead and [`available`] says so, for the status page.

use super::Record;

/// The one line a record becomes: no secret is ever in a record, so none is here.
pub fn line(record: &Record) -> String {
    format!(
        "keydesk audit seq={} person={:?} action={} portal={:?} desk={:?} detail={:?} hash={}",
        record.seq,
        record.person,
        record.action,
        record.portal.as_deref().unwrap_or(""),
        record.desk,
        record.detail,
        record.hash
    )
}

/// Sends `record` to the system log; a failure is logged to Keydesk's own log, never fatal.
pub fn send(record: &Record) {
    if let Err(e) = platform::send(record) {
        tracing::info!(target: "keydesk::audit", seq = record.seq, action = %record.action,
            why = %e, "audit record (no system log)");
    }
}

/// Whether the system log takes records here, and which it is.
pub fn available() -> Result<&'static str, String> {
    platform::available()
}

#[cfg(target_os = "linux")]
mod platform {
    use super::Record;
    use std::os::unix::net::UnixDatagram;

    const SOCKET: &str = "/run/systemd/journal/socket";

    pub fn available() -> Result<&'static str, String> {
        if std::path::Path::new(SOCKET).exists() {
            Ok("journald")
        } else {
            Err(
                "there is no journald on this machine; audit records are kept in Keydesk's \
                 database and log file only"
                    .into(),
            )
        }
    }

    /// journald's native protocol: KEY=value lines; values are single-line here.
    pub fn send(record: &Record) -> std::io::Result<()> {
        let clean = |s: &str| s.replace(['\n', '\r'], " ");
        let mut msg = String::new();
        for (key, value) in [
            ("MESSAGE", super::line(record)),
            ("PRIORITY", "5".to_owned()),
            ("SYSLOG_IDENTIFIER", "keydesk".to_owned()),
            ("KEYDESK_SEQ", record.seq.to_string()),
            ("KEYDESK_ACTION", record.action.clone()),
            ("KEYDESK_PERSON", record.person.clone()),
            ("KEYDESK_PORTAL", record.portal.clone().unwrap_or_default()),
            ("KEYDESK_DESK", record.desk.clone()),
            ("KEYDESK_HASH", record.hash.clone()),
        ] {
            msg.push_str(key);
            msg.push('=');
            msg.push_str(&clean(&value));
            msg.push('\n');
        }
        let socket = UnixDatagram::unbound()?;
        socket.send_to(msg.as_bytes(), SOCKET)?;
        Ok(())
    }
}

#[cfg(target_os = "macos")]
mod platform {
    use super::Record;

    pub fn available() -> Result<&'static str, String> {
        Ok("the unified log")
    }

    /// `logger` writes to the unified log (subsystem of the process, here "logger").
    pub fn send(record: &Record) -> std::io::Result<()> {
        let status = std::process::Command::new("/usr/bin/logger")
            .args(["-t", "keydesk", &super::line(record)])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other("logger failed"))
        }
    }
}

#[cfg(windows)]
mod platform {
    use super::Record;
    use windows_sys::Win32::System::EventLog::{
        DeregisterEventSource, EVENTLOG_INFORMATION_TYPE, RegisterEventSourceW, ReportEventW,
    };

    pub fn available() -> Result<&'static str, String> {
        Ok("the Windows Event Log")
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    pub fn send(record: &Record) -> std::io::Result<()> {
        let source = wide("Keydesk");
        let text = wide(&super::line(record));
        // SAFETY: both strings are NUL-terminated and live across the calls; the handle is
        // released before returning.
        unsafe {
            let handle = RegisterEventSourceW(std::ptr::null(), source.as_ptr());
            if handle.is_null() {
                return Err(std::io::Error::last_os_error());
            }
            let strings = [text.as_ptr()];
            let ok = ReportEventW(
                handle,
                EVENTLOG_INFORMATION_TYPE,
                0,
                1000,
                std::ptr::null_mut(),
                1,
                0,
                strings.as_ptr(),
                std::ptr::null(),
            );
            DeregisterEventSource(handle);
            if ok == 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod platform {
    use super::Record;

    pub fn available() -> Result<&'static str, String> {
        Err("this system's log is not supported; audit records stay in Keydesk".into())
    }

    pub fn send(_record: &Record) -> std::io::Result<()> {
        Err(std::io::Error::other("no system log"))
    }
}
