//! # Keydesk core
//!
//! The whole domain of Keydesk — a desktop authenticator and portal companion for clinic front
//! desks — with no user interface and no Tauri. The desktop app (`src-tauri/`) and the
//! command-line tool (`keydesk-cli`) are thin adapters over this library; everything here runs
//! and is tested headless.
//!
//! ## Map
//!
//! Start at the top: **[`api`], the use-case layer.** Each thing a person can do is one function
//! there, taking the running desk ([`Keydesk`]) and the time ([`Now`]); the window's commands and
//! the CLI's subcommands are each one call to it, and nothing else reaches the database or the
//! keychain.
//!
//! | module | what it owns |
//! |---|---|
//! | [`api`] | the use-cases, one module per area (status, mailbox, codes, portals, password changes, authenticator, sign-in, devices, settings); [`Keydesk`], a desk at work; its events |
//! | [`error`] | [`ErrorCode`], the one closed set of codes every area reports, and the form [`Field`] an error belongs to |
//! | [`tasks`] | [`Tasks`](tasks::Tasks), the one owner of every background task: cancelled and waited for at quit |
//! | [`desk`] | [`Desk`], one desk's profile (data folder, database, keychain) and the database's schema, listed where every owner is known |
//! | [`secret`] | [`Secret`], the only type that carries a password, seed or code: redacted, never serialized, wiped on drop |
//! | [`keychain`] | the OS keychain (the `keyring` crate's store selection) behind the [`Keychain`] trait; the only place secrets persist |
//! | [`store`] | the local SQLite database (WAL, versioned migrations, damaged files moved aside); the lowest layer, it imports no domain module |
//! | [`mailbox`] | the code mailbox: settings, TLS/STARTTLS connection, sign-in and its status |
//! | [`inbox`] | the code inbox: a fetched message to a pending code matched to its portal (DKIM/DMARC-aware), the running watch of every folder, and the runner that restarts it when its rules change |
//! | [`watcher`] | the IMAP watch per folder: IDLE or polling, reconnect with backoff, exactly-once resync by UIDVALIDITY/UID, the shared "used" keyword |
//! | [`message`] | an RFC 5322 message to plain text and the sender headers, bounded in time and memory |
//! | [`extract`] | the one-time code and its lifetime in a message's text |
//! | [`pending`] | pending one-time codes in memory: countdown, superseded, used, expired, newest first |
//! | [`notification`] | the words of a new code's desktop notification (the code only if the desk turned that on), and the [`Notifier`](notification::Notifier) the shell provides |
//! | [`portal`] | [`Portal`](portal::Portal)s: model and validation, presets, the [`PortalBook`](portal::PortalBook) (SQLite + keychain), password age, password rules and their generator, a password change underway (the new password kept beside the old until the portal took it), export/import |
//! | [`otp`] | the authenticator: TOTP/HOTP codes, `otpauth://` and QR and other apps' exports, encrypted backup, clock check |
//! | [`signin`] | one-click sign-in: the page detector (which control is which, or not a sign-in page), the state machine, the per-portal recipe hints (data), the page scripts, failures in plain words, the sign-ins of this run |
//! | [`devices`] | remembered devices per portal: since, until (cookie or policy), days left, reminders, outside-browser records |
//! | [`browser_profile`] | what of the web engine's data is a portal's: its profile folder, its macOS data store, its cookies; deleting it |
//! | [`health`] | portal health: DNS, connection, certificate, sign-in page, maintenance notice, proxy; 30 days kept |
//! | [`troubleshoot`] | when a sign-in fails: its class, the guided fix per class, the sign-in history and what each fix step found |
//! | [`clipboard`] | when to clear a copied secret (after a delay, only if the clipboard still holds it) and the keeper whose timers do it |
//! | [`file`](mod@file) | files people carry to another desk: written whole or not at all, owner-only; read with a size cap |
//! | [`calendar`] | [`Now`], the one place the clock is read; civil dates for IMAP searches and typed or printed dates |
//! | [`people`] | the people of a desk: name, role, PIN kept as an Argon2id hash, wrong tries that back off (kept across restarts), the last admin kept |
//! | [`session`] | locked or not, who is signed in, the idle deadline the window's input moves on |
//! | [`audit`] | the append-only, hash-chained audit log with its anchor, `verify`, retention, CSV/JSON lines, and its copy to the system log |
//! | [`policy`] | the office's policy (`/etc/keydesk/policy.toml`, the Windows registry, macOS managed preferences; a test file that only tightens) |
//! | [`hardening`] | leftover exposure closed: no core dumps, a data folder others can write refused |
//! | [`i18n`] | the words for people in English or Spanish, from the catalogue the window shares (`ui/messages/`); the language setting's system default |
//! | [`logs`] | what the logs may say (libraries that see credentials stay quiet at any level) and the rotated, capped log file |
//!
//! ## Decisions
//!
//! - **One use-case layer.** The window and the CLI never assemble an operation themselves; a
//!   use-case that changes something names the [`api::Area`] it changed, the window refreshes
//!   it and the inbox restarts itself when its rules (portals, mailbox) changed.
//! - **Secrets flow one way**: keychain → core → (clipboard | a portal page of a matching
//!   origin). They never reach the database, a log, an error message or a UI event other than the
//!   one that shows them. [`Secret`] enforces what the type system can.
//! - **Errors are per area** (`thiserror`), each mapping every variant, exhaustively, to one
//!   [`ErrorCode`]; messages tell a front-desk person what happened and what to do next, and
//!   never name a command to type.
//! - **The keychain is the `keyring` crate's** (v4): its store selection picks the platform's
//!   store once per process. A store that is locked is used as soon as it is unlocked; one that
//!   was missing at the first use needs a restart of Keydesk.
//! - **Time is passed in** to logic that depends on it ([`Now`]); timers are tested on Tokio's
//!   paused clock.
//! - **Background work is owned**: every task runs under [`Tasks`](tasks::Tasks); quitting
//!   clears a copy still on the clipboard and waits, bounded, until the mailbox watches signed
//!   out.
//!
//! ## Example
//!
//! ```
//! use keydesk::api::{self, Now};
//! use keydesk::portal::PortalFields;
//!
//! let dir = tempfile::tempdir()?;
//! let kd = keydesk::Keydesk::open(dir.path())?;
//! let now = Now::from_secs(1_765_000_000);
//! let fields = PortalFields {
//!     name: "Delta Dental".into(),
//!     login_url: "https://www.deltadentalins.com/ciam/login".into(),
//!     ..Default::default()
//! };
//! // Without a password nothing reaches the keychain, so this runs on any machine.
//! api::portals::add(&kd, fields, None, now)?;
//! let list = api::portals::list(&kd, now)?;
//! assert_eq!(list[0].name, "Delta Dental");
//! assert_eq!(list[0].password.age_days, None, "no password saved yet");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Unit tests write the fixture files they need; the library itself may not (clippy.toml).
#![cfg_attr(test, allow(clippy::disallowed_methods))]

pub mod api;
pub mod audit;
pub mod browser_profile;
pub mod calendar;
pub mod clipboard;
pub mod desk;
pub mod devices;
pub mod error;
pub mod extract;
pub mod file;
pub mod hardening;
pub mod health;
pub mod i18n;
pub mod inbox;
pub mod keychain;
pub mod logs;
pub mod mailbox;
pub mod message;
pub mod notification;
pub mod otp;
pub mod pending;
pub mod people;
pub mod policy;
pub mod portal;
pub mod secret;
pub mod session;
pub mod signin;
pub mod store;
pub mod tasks;
pub mod troubleshoot;
pub mod watcher;

pub use api::{Keydesk, Now};
pub use desk::{Desk, DeskError};
pub use error::{ErrorCode, Field};
pub use keychain::{Keychain, KeychainError, KeychainStatus};
pub use secret::Secret;

#[cfg(test)]
mod tests;
