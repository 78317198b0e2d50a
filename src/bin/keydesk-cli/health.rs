//! `keydesk-cli portal health`, `portal history` and `support`: whether portals answer, how
//! sign-ins went, and the support request after a failed one.

use std::path::{Path, PathBuf};

use keydesk::Keydesk;
use keydesk::api::{self, Now};

/// Checks one portal (name or id) or all, printing a line (or a JSON line) each.
pub fn run(kd: &Keydesk, portal: Option<&str>, json: bool, now: Now) -> Result<(), super::Failure> {
    let id = portal
        .map(|p| api::portals::find(kd, p))
        .transpose()?
        .map(|p| p.id);
    let checks = super::block_on(api::health::check(kd, id, now))?;
    for h in checks {
        if json {
            let line = serde_json::json!({
                "portal": h.portal,
                "portal_id": h.portal_id,
                "state": h.state,
                "checked_at": h.checked_at,
                "words": h.words,
                "reused": h.reused,
                "checkup": h.checkup,
            });
            println!("{line}");
        } else {
            println!("{:<30} {:<12} {}", h.portal, h.state.code(), h.words);
        }
    }
    Ok(())
}

/// Prints a portal's sign-in history, newest first.
pub fn history(kd: &Keydesk, portal: &str, json: bool) -> Result<(), super::Failure> {
    let found = api::portals::find(kd, portal)?;
    let attempts = api::troubleshoot::history(kd, found.id, 50)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&attempts)?);
        return Ok(());
    }
    for a in attempts {
        println!(
            "{}  {:<9} {:>6} ms  {:<22} step: {}{}",
            keydesk::calendar::rfc3339_utc(a.started_ms.div_euclid(1000)),
            a.outcome,
            a.duration_ms,
            a.class.map(|c| c.code()).unwrap_or("-"),
            a.step,
            a.alert_text.map(|t| format!("  “{t}”")).unwrap_or_default()
        );
    }
    Ok(())
}

/// `support` subcommands.
#[derive(clap::Subcommand)]
pub enum SupportCommand {
    /// Write a support request about a portal's failed sign-ins: a zip with a summary, the
    /// attempts, the health checks and the screenshot at the failure. No password, code or
    /// cookie is ever in it; the username only with --include-username.
    Packet {
        /// The portal (name or id).
        #[arg(long)]
        portal: String,
        /// The zip to write.
        #[arg(long)]
        out: PathBuf,
        /// Put the portal's username in the request.
        #[arg(long)]
        include_username: bool,
    },
    /// Show or set the practice's name and address.
    Practice {
        /// The practice's name.
        #[arg(long)]
        name: Option<String>,
        /// Its address.
        #[arg(long)]
        address: Option<String>,
    },
    /// Set a portal's support hours (empty: none).
    Hours {
        /// The portal (name or id).
        portal: String,
        /// The hours, e.g. "Mon-Fri 8 AM-6 PM ET".
        hours: String,
    },
}

/// Runs a `support` subcommand.
pub fn support(data_dir: &Path, command: SupportCommand) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    let now = super::now();
    match command {
        SupportCommand::Packet {
            portal,
            out,
            include_username,
        } => {
            let found = api::portals::find(&kd, &portal)?;
            let options = api::support::PacketOptions {
                include_username,
                engine: None,
            };
            let packet = api::support::packet(&kd, found.id, &out, &options, now)?;
            print!("{}", packet.summary);
            println!("\nwritten: {}", packet.path);
        }
        SupportCommand::Practice { name, address } => {
            let mut practice = api::support::practice(&kd)?;
            if name.is_some() || address.is_some() {
                practice.name = name.unwrap_or(practice.name);
                practice.address = address.unwrap_or(practice.address);
                api::support::set_practice(&kd, &practice)?;
            }
            println!("{}\n{}", practice.name, practice.address);
        }
        SupportCommand::Hours { portal, hours } => {
            let found = api::portals::find(&kd, &portal)?;
            api::support::set_support_hours(&kd, found.id, &hours)?;
        }
    }
    Ok(())
}
