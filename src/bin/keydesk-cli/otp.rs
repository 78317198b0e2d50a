//! `keydesk-cli otp`: the authenticator — add, list, show codes, back up and restore.

use std::path::{Path, PathBuf};

use keydesk::api::{self, Now};
use keydesk::otp::{self, ImportReport, Kind, import::Format};

/// `otp` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Add an entry from an otpauth:// link, a QR image, or another app's export.
    Add {
        /// An otpauth:// or otpauth-migration:// link, or `-` to read it from standard input.
        /// Prefer `-`: a link given here holds the secret key, and arguments are visible to
        /// other programs on this computer and kept in the shell's history.
        #[arg(conflicts_with_all = ["qr", "import"], required_unless_present_any = ["qr", "import"])]
        uri: Option<String>,
        /// An image file (PNG or JPEG) showing the QR code.
        #[arg(long, conflicts_with = "import")]
        qr: Option<PathBuf>,
        /// An export file of Aegis, 2FAS, Ente Auth, Bitwarden or Google Authenticator.
        #[arg(long)]
        import: Option<PathBuf>,
        /// The export's format (default: recognised from the content).
        #[arg(long, requires = "import", value_parser = parse_format)]
        format: Option<Format>,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the entries (never seeds or codes).
    List {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the current code of an entry (an HOTP entry's counter moves on).
    Code {
        /// Label, name, issuer or id (see `otp list`).
        name: String,
        /// Unix time to compute a TOTP code for (default: now).
        #[arg(long)]
        at: Option<u64>,
    },
    /// Write an encrypted backup; the password is read from standard input.
    Export {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Write a plain otpauth:// list instead: anyone with the file can make the codes.
        #[arg(long, requires = "i_understand_this_exposes_seeds")]
        plain: bool,
        /// Confirms that the plain file exposes every secret key.
        #[arg(long)]
        i_understand_this_exposes_seeds: bool,
    },
    /// Add the entries of an encrypted backup; the password is read from standard input.
    ImportBackup {
        /// The backup file.
        file: PathBuf,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Link an entry to the portal whose second step uses it (or unlink it with --none).
    Link {
        /// Label, name, issuer or id of the entry.
        name: String,
        /// The portal's name or id.
        #[arg(long, conflicts_with = "none", required_unless_present = "none")]
        portal: Option<String>,
        /// Unlink the entry from any portal.
        #[arg(long)]
        none: bool,
    },
    /// Remove an entry and its secret key.
    Remove {
        /// Label, name, issuer or id.
        name: String,
    },
    /// Compare this computer's clock with web servers' clocks.
    Clock {
        /// Server addresses, e.g. `https://apps.availity.com`.
        #[arg(required = true)]
        urls: Vec<String>,
    },
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not aegis, 2fas, ente, bitwarden or google"))
}

fn print_report(report: &ImportReport, json: bool) -> Result<(), super::Failure> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    println!("added {}:", report.taken.len());
    for label in &report.taken {
        println!("  + {label}");
    }
    if !report.skipped.is_empty() {
        println!("skipped {}:", report.skipped.len());
        for s in &report.skipped {
            println!("  - {}: {}", s.label, s.reason);
        }
    }
    Ok(())
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    if let Command::Clock { urls } = &command {
        let lines = super::block_on(api::authenticator::clock_check_servers(urls.clone()));
        for line in &lines {
            println!("{}", line.message);
        }
        return match (
            lines.iter().any(|l| l.answered),
            lines.iter().any(|l| l.warn),
        ) {
            (false, _) => Err("no server answered, so the clock could not be checked".into()),
            (true, true) => Err("the clock is off; authenticator codes will fail".into()),
            (true, false) => Ok(()),
        };
    }
    let kd = super::open(data_dir)?;
    let now = super::now();
    match command {
        Command::Add {
            uri,
            qr,
            import,
            format,
            json,
        } => {
            let report = if let Some(path) = qr {
                api::authenticator::add_qr_file(&kd, &path, now)?
            } else if let Some(path) = import {
                api::authenticator::import_file(&kd, &path, format, now)?
            } else {
                let link = match uri.as_deref() {
                    Some("-") => super::read_secret_from_stdin()?,
                    _ => keydesk::Secret::new(uri.unwrap_or_default()),
                };
                api::authenticator::add_link(&kd, &link, now)?
            };
            print_report(&report, json)?;
        }
        Command::List { json } => {
            let list = api::authenticator::list(&kd)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("no authenticator entries");
            }
            for e in list.iter().filter(|_| !json) {
                let kind = match e.kind {
                    Kind::Totp { period } => format!("TOTP {period}s"),
                    Kind::Hotp { counter } => format!("HOTP #{counter}"),
                };
                println!(
                    "{:>16}  {}  [{kind}, {} digits, {}]",
                    e.id,
                    e.label,
                    e.digits,
                    e.algorithm.as_str()
                );
            }
        }
        Command::Code { name, at } => {
            let entry = api::authenticator::find(&kd, &name)?;
            let at = at.map_or(now, |secs| Now::from_secs(secs as i64));
            let code = api::authenticator::use_code(&kd, entry.id, at)?;
            println!("{}", code.expose());
            match entry.kind {
                Kind::Totp { period } => eprintln!(
                    "{}: valid {} s more",
                    entry.label,
                    otp::code::seconds_left(at.secs_unsigned(), period)
                ),
                Kind::Hotp { counter } => eprintln!("{}: counter {counter} used", entry.label),
            }
        }
        Command::Export { out, plain, .. } => {
            let written = if plain {
                eprintln!(
                    "WARNING: {} will hold every secret key in the clear. Delete it after use.",
                    out.display()
                );
                api::authenticator::export_plain(&kd, &out, true)?
            } else {
                let password = super::read_secret_from_stdin()?;
                super::block_on(api::authenticator::export_backup(&kd, &out, password))?
            };
            println!(
                "exported {} entries to {}",
                written.count,
                written.path.display()
            );
        }
        Command::ImportBackup { file, json } => {
            let password = super::read_secret_from_stdin()?;
            let report =
                super::block_on(api::authenticator::import_backup(&kd, &file, password, now))?;
            print_report(&report, json)?;
        }
        Command::Link { name, portal, .. } => {
            let entry = api::authenticator::find(&kd, &name)?;
            let portal = portal.map(|p| api::portals::find(&kd, &p)).transpose()?;
            api::authenticator::link(&kd, entry.id, portal.as_ref().map(|p| p.id))?;
            match portal {
                Some(p) => println!("{} now gives the codes of {}", entry.label, p.fields.name),
                None => println!("{} is linked to no portal", entry.label),
            }
        }
        Command::Remove { name } => {
            let entry = api::authenticator::find(&kd, &name)?;
            api::authenticator::remove(&kd, entry.id)?;
            println!("removed {}", entry.label);
        }
        Command::Clock { .. } => unreachable!("handled above"),
    }
    Ok(())
}
