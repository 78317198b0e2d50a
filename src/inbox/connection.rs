//! The running inbox's connection state as one line for the Codes view: every watched folder
//! connected, some failing (which, and why, in plain words), or still signing in.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::ErrorCode;
use crate::mailbox::MailboxStatus;

/// The inbox's connection, as the window shows it above the codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum InboxConnection {
    /// No mailbox is set up.
    NotSetUp,
    /// The inbox could not start (no password in the keychain, the keychain locked…).
    Stopped {
        /// Its code.
        code: ErrorCode,
        /// What happened and what to do.
        message: String,
    },
    /// Signing in; no folder has reported yet.
    Connecting {
        /// `user@host:port`.
        account: String,
    },
    /// Every folder is watched.
    Watching {
        /// `user@host:port`.
        account: String,
        /// The folders.
        folders: Vec<String>,
    },
    /// At least one folder failed; the watch keeps retrying.
    Failing {
        /// `user@host:port`.
        account: String,
        /// The first failing folder's code.
        code: ErrorCode,
        /// What failed, for which folder, and when the next attempt is.
        message: String,
    },
}

/// Sums up each folder's state.
pub(super) fn summarize(
    account: &str,
    folders: &[String],
    states: &BTreeMap<String, MailboxStatus>,
) -> InboxConnection {
    let failures: Vec<(&String, ErrorCode, &String)> = folders
        .iter()
        .filter_map(|f| match states.get(f) {
            Some(MailboxStatus::Error { code, message }) => Some((f, *code, message)),
            _ => None,
        })
        .collect();
    if let Some(&(_, code, first)) = failures.first() {
        // One account: a refused password fails every folder alike (each with its own retry
        // time); say it once.
        let same = failures.iter().all(|(_, c, _)| *c == code);
        let message = if same && failures.len() == folders.len() {
            first.clone()
        } else {
            failures
                .iter()
                .map(|(f, _, m)| format!("{f}: {m}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        return InboxConnection::Failing {
            account: account.to_owned(),
            code,
            message,
        };
    }
    let connected = folders
        .iter()
        .all(|f| matches!(states.get(f), Some(MailboxStatus::Connected { .. })));
    if connected {
        InboxConnection::Watching {
            account: account.to_owned(),
            folders: folders.to_vec(),
        }
    } else {
        InboxConnection::Connecting {
            account: account.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected() -> MailboxStatus {
        MailboxStatus::Connected {
            account: "a".into(),
            folders: vec![],
        }
    }

    fn error(message: &str) -> MailboxStatus {
        MailboxStatus::Error {
            code: ErrorCode::MailboxSignInFailed,
            message: message.into(),
        }
    }

    fn folders() -> Vec<String> {
        vec!["INBOX".into(), "Junk".into()]
    }

    #[test]
    fn connecting_until_every_folder_reports() {
        let mut states = BTreeMap::new();
        assert!(matches!(
            summarize("a", &folders(), &states),
            InboxConnection::Connecting { .. }
        ));
        states.insert("INBOX".to_owned(), connected());
        assert!(matches!(
            summarize("a", &folders(), &states),
            InboxConnection::Connecting { .. }
        ));
        states.insert("Junk".to_owned(), connected());
        assert_eq!(
            summarize("a", &folders(), &states),
            InboxConnection::Watching {
                account: "a".into(),
                folders: folders()
            }
        );
    }

    #[test]
    fn the_same_failure_everywhere_is_said_once_and_others_name_their_folder() {
        let mut states = BTreeMap::new();
        states.insert(
            "INBOX".to_owned(),
            error("mailbox sign-in failed. Keydesk tries again in 5 minutes."),
        );
        states.insert(
            "Junk".to_owned(),
            error("mailbox sign-in failed. Keydesk tries again in 6 minutes."),
        );
        let InboxConnection::Failing { message, code, .. } = summarize("a", &folders(), &states)
        else {
            panic!("failing expected")
        };
        assert_eq!(
            message, "mailbox sign-in failed. Keydesk tries again in 5 minutes.",
            "said once, with the first folder's retry time"
        );
        assert_eq!(code, ErrorCode::MailboxSignInFailed);
        states.insert("INBOX".to_owned(), connected());
        let InboxConnection::Failing { message, .. } = summarize("a", &folders(), &states) else {
            panic!("failing expected")
        };
        assert_eq!(
            message,
            "Junk: mailbox sign-in failed. Keydesk tries again in 6 minutes."
        );
    }
}
