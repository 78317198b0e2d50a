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
    crate::clipboard::save_clear_after(kd.desk().store(), delay)?;
    kd.clipboard.set_clear_after(delay)?;
    kd.changed(Area::Settings);
    Ok(())
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
