//! What a failed command sends to the UI: a closed set of codes and a plain-words message.

use serde::Serialize;

/// A command's failure as the UI receives it.
#[derive(Debug, Serialize)]
pub struct CommandError {
    /// Stable code from the core's error (e.g. `keychain_unavailable`).
    pub code: &'static str,
    /// What happened and what to do, in plain words. Never contains a secret.
    pub message: String,
    /// The form field at fault, as the core names it (e.g. `login URL`), so the window can show
    /// the message next to that field. Only for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl CommandError {
    /// A failure of the shell itself (not from the core).
    pub fn new(code: &'static str, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
            field: None,
        }
    }

    fn from_core(code: &'static str, error: &dyn std::fmt::Display) -> Self {
        Self {
            code,
            message: error.to_string(),
            field: None,
        }
    }
}

impl From<keydesk::DeskError> for CommandError {
    fn from(error: keydesk::DeskError) -> Self {
        match error {
            keydesk::DeskError::Portal(e) => Self::from(*e),
            error => {
                let code = match &error {
                    keydesk::DeskError::Keychain(e) => e.code(),
                    keydesk::DeskError::Mailbox(e) => e.code(),
                    keydesk::DeskError::Store(_) | keydesk::DeskError::DataDir { .. } => "profile",
                    _ => "internal",
                };
                Self::from_core(code, &error)
            }
        }
    }
}

impl From<keydesk::KeychainError> for CommandError {
    fn from(error: keydesk::KeychainError) -> Self {
        Self::from_core(error.code(), &error)
    }
}

impl From<keydesk::portal::PortalError> for CommandError {
    fn from(error: keydesk::portal::PortalError) -> Self {
        let field = match &error {
            keydesk::portal::PortalError::Invalid { field, .. } => Some(*field),
            keydesk::portal::PortalError::DuplicateName(_) => Some("name"),
            _ => None,
        };
        Self {
            field,
            ..Self::from_core(error.code(), &error)
        }
    }
}

impl From<keydesk::portal::TransferError> for CommandError {
    fn from(error: keydesk::portal::TransferError) -> Self {
        match error {
            keydesk::portal::TransferError::Portal(e) => Self::from(e),
            error => Self::from_core(error.code(), &error),
        }
    }
}

impl From<keydesk::otp::OtpError> for CommandError {
    fn from(error: keydesk::otp::OtpError) -> Self {
        Self::from_core(error.code(), &error)
    }
}

impl From<keydesk::clipboard::ClipboardError> for CommandError {
    fn from(error: keydesk::clipboard::ClipboardError) -> Self {
        Self::from_core(error.code(), &error)
    }
}

impl From<keydesk::store::StoreError> for CommandError {
    fn from(error: keydesk::store::StoreError) -> Self {
        Self::from_core("database", &error)
    }
}

/// A file the person named could not be read or written; the message says which and why.
pub fn file_error(path: &std::path::Path, action: &str, error: &std::io::Error) -> CommandError {
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => "there is no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "Keydesk is not allowed to use it".to_owned(),
        _ => error.to_string(),
    };
    CommandError::new(
        "file",
        &format!(
            "Could not {action} {}: {why}. Check the file name and folder.",
            path.display()
        ),
    )
}
