//! `keydesk-cli extract FILE...`: the one-time code in each message, one JSON line per input.
//!
//! `{"input": FILE, "code": "482913" | null, "expires_minutes": 10 | null, "portal": null}`;
//! an input that cannot be read gives `{"input": FILE, "error": "..."}` and the run goes on,
//! ending with exit status 1. The code is printed because that is what was asked for: this
//! command is for administrators checking what the inbox would see.

use std::path::PathBuf;

use keydesk::{extract, message};
use serde_json::{Value, json};

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

pub fn run(args: Args) -> Result<(), super::Failure> {
    let mut failed = 0;
    for file in &args.files {
        let line = match one(file, args.text) {
            Ok(found) => found,
            Err(error) => {
                failed += 1;
                json!({ "input": file.display().to_string(), "error": error })
            }
        };
        println!("{line}");
    }
    if failed > 0 {
        return Err(format!("{failed} of {} inputs could not be read", args.files.len()).into());
    }
    Ok(())
}

fn one(file: &PathBuf, plain: bool) -> Result<Value, String> {
    let raw = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let (subject, body) = if plain {
        (String::new(), String::from_utf8_lossy(&raw).into_owned())
    } else {
        let parsed = message::parse(&raw).map_err(|e| e.to_string())?;
        (parsed.subject, parsed.text)
    };
    let found = extract::extract(&subject, &body);
    Ok(json!({
        "input": file.display().to_string(),
        "code": found.as_ref().map(|f| f.code.expose()),
        "expires_minutes": found.as_ref().and_then(|f| f.lifetime).map(|d| d.as_secs() / 60),
        "portal": Value::Null,
    }))
}
