//! `keydesk-cli extract FILE...`: the one-time code in each message, one JSON line per input.
//!
//! `{"input": FILE, "code": "482913" | null, "expires_minutes": 10 | null, "portal": "Cigna" | null,
//! "verified": true | false}`;
//! an input that cannot be read gives `{"input": FILE, "error": "..."}` and the run goes on,
//! ending with exit status 1. The code is printed because that is what was asked for: this
//! command is for administrators checking what the inbox would see.
//!
//! `portal` is the portal the message names, by its sender (or, for a forwarded text, the
//! portal named in it), among the portals of the profile (when one exists; none is created for
//! this); `verified` is true only where a sign-in would fill the code: the office's receiving
//! server (the mailbox's authserv-id) recorded DMARC pass or an aligned DKIM pass. Plain texts
//! (`--text`) have no sender and match none.

use std::path::PathBuf;

use keydesk::Keydesk;
use keydesk::api;
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
    let kd = if data_dir.join("keydesk.db").exists() {
        Some(Keydesk::open(data_dir)?)
    } else {
        None
    };
    let mut failed = 0;
    for file in &args.files {
        let input = file.display().to_string();
        let line = match one(file, args.text, kd.as_ref()) {
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
    /// The portal the message names.
    portal: Option<String>,
    /// True only where a sign-in would fill it (the office's server verified the sender).
    verified: bool,
}

#[derive(Serialize)]
struct Failed {
    input: String,
    error: String,
}

fn one(file: &PathBuf, plain: bool, kd: Option<&Keydesk>) -> Result<Found, String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let found = api::codes::extract(kd, raw, plain).map_err(|e| e.to_string())?;
    Ok(Found {
        input: String::new(),
        code: found.code.as_ref().map(|c| c.expose().to_owned()),
        expires_minutes: found.lifetime.map(|d| d.as_secs() / 60),
        portal: found.portal,
        verified: found.verified,
    })
}
