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
//! | [`otp`] | the authenticator: TOTP/HOTP codes, `otpauth://` and QR and other apps' exports, encrypted backup, clock check |
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

pub mod desk;
pub mod keychain;
pub mod mailbox;
pub mod otp;
pub mod secret;
pub mod store;

pub use desk::{Desk, DeskError, DeskStatus};
pub use keychain::{Keychain, KeychainError, KeychainStatus};
pub use secret::Secret;
