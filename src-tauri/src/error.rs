//! What a failed command sends to the UI: a closed set of codes and a plain-words message.

use serde::Serialize;

/// A command's failure as the UI receives it.
#[derive(Debug, Serialize)]
pub struct CommandError {
    /// Stable code from the core's error (e.g. `keychain_unavailable`).
    pub code: &'static str,
    /// What happened and what to do, in plain words. Never contains a secret.
    pub message: String,
}

impl CommandError {
    /// A failure of the shell itself (not from the core).
    pub fn new(code: &'static str, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
        }
    }
}

impl From<keydesk::DeskError> for CommandError {
    fn from(error: keydesk::DeskError) -> Self {
        let code = match &error {
            keydesk::DeskError::Keychain(e) => e.code(),
            keydesk::DeskError::Mailbox(e) => e.code(),
            keydesk::DeskError::Portal(e) => e.code(),
            keydesk::DeskError::Store(_) | keydesk::DeskError::DataDir { .. } => "profile",
            _ => "internal",
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

impl From<keydesk::portal::PortalError> for CommandError {
    fn from(error: keydesk::portal::PortalError) -> Self {
        Self {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

impl From<keydesk::otp::OtpError> for CommandError {
    fn from(error: keydesk::otp::OtpError) -> Self {
        Self {
            code: error.code(),
            message: error.to_string(),
        }
    }
}
