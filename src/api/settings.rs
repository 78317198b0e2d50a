//! The desk's settings: how long a copied password or code stays on the clipboard.

use std::time::Duration;

use super::{Area, Error, Keydesk};

/// The clipboard clearing delay in force.
pub fn clipboard_delay(kd: &Keydesk) -> Duration {
    kd.clipboard.clear_after()
}

/// Saves a new clearing delay (1 second to 10 minutes) and uses it from the next copy on.
/// Nothing changes when it is out of bounds.
pub fn set_clipboard_delay(kd: &Keydesk, delay: Duration) -> Result<(), Error> {
    if let Some(max) = kd.policy().policy.max_clipboard_secs
        && delay > Duration::from_secs(max)
    {
        return Err(Error::other(
            crate::error::ErrorCode::SetByOffice,
            format!("Your office keeps copies on the clipboard for at most {max} seconds."),
        ));
    }
    kd.unlocked()?;
    crate::clipboard::save_clear_after(kd.desk().store(), delay)?;
    kd.clipboard.set_clear_after(delay)?;
    kd.audit(
        crate::audit::Action::SettingChanged,
        None,
        format!("clipboard cleared after {} s", delay.as_secs()),
    );
    kd.changed(Area::Settings);
    Ok(())
}

/// What the office's policy sets, for Settings to show as "set by your office".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct OfficeSettings {
    /// The policy in force, where it came from, and what was wrong with it.
    pub office: crate::policy::OfficePolicy,
    /// The desk's chosen idle lock, minutes.
    pub lock_minutes: u32,
    /// Where audit records also go ("journald").
    pub system_log: Option<String>,
    /// Why they do not go to the system log, when they do not.
    pub system_log_problem: Option<String>,
    /// Whether core dumps are off for this process.
    pub core_dumps_off: bool,
}

/// The office's policy and the lock setting.
pub fn office(kd: &Keydesk) -> OfficeSettings {
    OfficeSettings {
        office: kd.policy().clone(),
        lock_minutes: super::people::lock_minutes(kd).0,
        system_log: crate::audit::system_log::available()
            .ok()
            .map(str::to_owned),
        system_log_problem: crate::audit::system_log::available().err(),
        core_dumps_off: crate::hardening::core_dumps_off(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::error::ErrorCode;

    #[test]
    fn a_delay_is_kept_for_the_next_start_and_a_bad_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let kd = Keydesk::for_tests(dir.path(), Platform::default());
            set_clipboard_delay(&kd, Duration::from_secs(45)).unwrap();
            assert_eq!(
                clipboard_delay(&kd),
                Duration::from_secs(45),
                "in force at once"
            );
            let err = set_clipboard_delay(&kd, Duration::from_secs(601)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::ClipboardInvalidDelay);
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        assert_eq!(
            clipboard_delay(&kd),
            Duration::from_secs(45),
            "kept across starts"
        );
    }
}
