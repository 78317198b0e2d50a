//! `keydesk-cli extract FILE...`: the one-time code in each message, one JSON line per input.
//!
//! `{"input": FILE, "code": "482913" | null, "expires_minutes": 10 | null, "portal": "Cigna" | null}`;
//! an input that cannot be read gives `{"input": FILE, "error": "..."}` and the run goes on,
//! ending with exit status 1. The code is printed because that is what was asked for: this
//! command is for administrators checking what the inbox would see.
//!
//! `portal` is the portal the inbox would match a message to, by its sender and the receiving
//! server's DKIM/DMARC verdict, among the portals of the profile (when one exists; none is
//! created for this). Plain texts (`--text`) have no sender and match none.

use std::path::PathBuf;

use keydesk::inbox::{self, InboxRules, Reading};
use keydesk::pending::Origin;
use keydesk::{Desk, extract, message};
use serde::Serialize;

/// Arguments of `extract`.
#[derive(clap::Args)]
pub struct Args {
    /// Read each file as plain text rather than an RFC 5322 message (.eml).
    #[arg(long)]
    text: bool,
    /// Messages (.eml) or, with --text, plain-text files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(data_dir: &std::path::Path, args: Args) -> Result<(), super::Failure> {
    // Matching needs the profile's portals; a missing profile is not made just to say "none".
    let rules = if data_dir.join("keydesk.db").exists() {
        Desk::open(data_dir)?.inbox_rules()?
    } else {
        InboxRules::default()
    };
    let mut failed = 0;
    for file in &args.files {
        let input = file.display().to_string();
        let line = match one(file, args.text, &rules) {
            Ok(found) => serde_json::to_string(&Found { input, ..found })?,
            Err(error) => {
                failed += 1;
                serde_json::to_string(&Failed { input, error })?
            }
        };
        println!("{line}");
    }
    if failed > 0 {
        return Err(format!("{failed} of {} inputs could not be read", args.files.len()).into());
    }
    Ok(())
}

/// One input's line; fields print in this order.
#[derive(Serialize)]
struct Found {
    input: String,
    code: Option<String>,
    expires_minutes: Option<u64>,
    /// The portal the inbox would match it to.
    portal: Option<String>,
}

#[derive(Serialize)]
struct Failed {
    input: String,
    error: String,
}

fn one(file: &PathBuf, plain: bool, rules: &InboxRules) -> Result<Found, String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let (subject, body) = if plain {
        (String::new(), String::from_utf8_lossy(&raw).into_owned())
    } else {
        let parsed = message::parse(&raw).map_err(|e| e.to_string())?;
        (parsed.subject, parsed.text)
    };
    let found = extract::extract(&subject, &body);
    let portal = if plain || found.is_none() {
        None
    } else {
        matched_portal(raw, rules)
    };
    Ok(Found {
        input: String::new(),
        code: found.as_ref().map(|f| f.code.expose().to_owned()),
        expires_minutes: found
            .as_ref()
            .and_then(|f| f.lifetime)
            .map(|d| d.as_secs() / 60),
        portal,
    })
}

/// The portal the inbox would match the message to: only a portal match, never an unmatched
/// or suspicious sender.
fn matched_portal(raw: Vec<u8>, rules: &InboxRules) -> Option<String> {
    let fetched = keydesk::watcher::Fetched {
        folder: String::new(),
        uid_validity: 0,
        uid: 0,
        delivered_at: 0,
        truncated: false,
        used: false,
        raw,
    };
    match inbox::read(&fetched, rules) {
        Reading::Code(code) => match code.origin {
            Origin::Portal { name, .. } => Some(name),
            _ => None,
        },
        _ => None,
    }
}
