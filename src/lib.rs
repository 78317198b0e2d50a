//! # Keydesk core
//!
//! The whole domain of Keydesk — a desktop authenticator and portal companion for clinic front
//! desks — with no user interface and no Tauri. The desktop app (`src-tauri/`) and the
//! command-line tool (`keydesk-cli`) are thin adapters over this library; everything here runs
//! and is tested headless.
//!
//! ## Map
//!
//! | module | what it owns |
//! |---|---|
//! | [`secret`] | [`Secret`], the only type that carries a password, seed or code: redacted, never serialized, wiped on drop |
//! | [`keychain`] | the OS keychain behind the [`Keychain`] trait; the only place secrets persist |
//! | [`store`] | the local SQLite database (WAL, versioned migrations, damaged files moved aside) |
//! | [`mailbox`] | the code mailbox: settings, TLS/STARTTLS connection, sign-in and its status |
//! | [`pending`] | pending one-time codes in memory: countdown, superseded, used, expired, newest first |
//! | [`watcher`] | the IMAP watch per folder: IDLE or polling, reconnect with backoff, exactly-once resync by UIDVALIDITY/UID, the shared "used" keyword |
//! | [`message`] | an RFC 5322 message to plain text and the sender headers, bounded in time and memory |
//! | [`notification`] | the words of a new code's desktop notification (the code only if the desk turned that on) |
//! | [`extract`] | the one-time code and its lifetime in a message's text |
//! | [`inbox`] | the code inbox: a fetched message to a pending code matched to its portal (DKIM/DMARC-aware), and the running watch of every folder |
//! | [`portal`] | [`Portal`](portal::Portal)s: model and validation, presets, the [`PortalBook`](portal::PortalBook) (SQLite + keychain), password age, export/import |
//! | [`calendar`] | civil dates from UNIX time, for IMAP searches and printed times |
//! | [`clipboard`] | when to clear a copied secret: after a delay (a profile setting, 1 s to 10 min), and only if the clipboard still holds it |
//! | [`file`](mod@file) | files people carry to another desk (portal list, backup): written whole or not at all, owner-only |
//! | [`otp`] | the authenticator: TOTP/HOTP codes, `otpauth://` and QR and other apps' exports, encrypted backup, clock check |
//! | [`signin`] | one-click sign-in: the state machine, the portal form recipes (data), the page scripts, failures in plain words |
//! | [`devices`] | remembered devices per portal: since, until (cookie or policy), days left, reminders, outside-browser records |
//! | [`browser_profile`] | what of the web engine's data is a portal's: its profile folder, its macOS data store, its cookies; deleting it |
//! | [`desk`] | [`Desk`], one desk's profile (data folder, database, keychain) and its [`DeskStatus`] |
//!
//! ## Decisions
//!
//! - **Secrets flow one way**: keychain → core → (clipboard | a portal page of a matching
//!   origin). They never reach the database, a log, an error message or a UI event other than the
//!   one that shows them. [`Secret`] enforces what the type system can.
//! - **Errors are per area** (`thiserror`, `#[non_exhaustive]`), each with a stable `code()` for
//!   the UI and a message that tells a front-desk user what happened and what to do next.
//! - **The keychain is reached through `keyring-core`** and the platform stores directly, as the
//!   `keyring` project recommends for applications, and reconnected on demand: a keychain that
//!   appears or unlocks after start is picked up without a restart.
//! - **Time is passed in** to logic that depends on it; tests never sleep to wait for a clock.
//!
//! ## Example
//!
//! ```
//! use keydesk::{Desk, mailbox::MailboxStatus};
//!
//! let dir = tempfile::tempdir()?;
//! let desk = Desk::open(dir.path())?;
//! let status = tokio::runtime::Runtime::new()?.block_on(desk.status());
//! // A new profile has no mailbox yet; the keychain state depends on the machine.
//! assert_eq!(status.mailbox, MailboxStatus::NotSetUp);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod api;
pub mod browser_profile;
pub mod calendar;
pub mod clipboard;
pub mod desk;
pub mod devices;
pub mod error;
pub mod extract;
pub mod file;
pub mod inbox;
pub mod keychain;
pub mod logs;
pub mod mailbox;
pub mod message;
pub mod notification;
pub mod otp;
pub mod pending;
pub mod portal;
pub mod secret;
pub mod signin;
pub mod store;
pub mod tasks;
pub mod watcher;

pub use api::{Keydesk, Now};
pub use desk::{Desk, DeskError};
pub use error::{ErrorCode, Field};
pub use keychain::{Keychain, KeychainError, KeychainStatus};
pub use secret::Secret;
