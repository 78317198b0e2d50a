//! Integration tests against the real servers of the test bed (tests/bed/bed.sh): a private
//! Dovecot, a gnome-keyring Secret Service on a private D-Bus session, and the real app under
//! Xvfb through tauri-driver. `tests/run` starts the bed; a test run without it fails with a
//! message saying so — nothing is skipped. Tests that need no server (the extractor's corpus
//! scores) live here too, so one run reports everything.

// The tests write their fixtures; what Keydesk writes goes through its own writer.
#![allow(clippy::disallowed_methods)]

mod audit;
mod bed;
mod cli_watch;
mod devices;
mod e2e;
mod e2e_a11y;
mod e2e_desktop;
mod e2e_inbox;
mod e2e_lock;
mod e2e_manage;
mod e2e_password;
mod e2e_safety;
mod e2e_trouble;
mod e2e_trouble_more;
mod extract;
mod faults;
mod health;
mod inbox;
mod keychain;
mod mailbox;
mod notify;
mod otp;
mod pages;
mod portal;
mod signin;
mod signin_real;
mod signin_support;
mod trust;
mod watcher;
