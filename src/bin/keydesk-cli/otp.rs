//! `keydesk-cli otp`: the authenticator — add, list, show codes, back up and restore.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use keydesk::otp::{self, ImportReport, Kind, backup, entries, import::Format};
use keydesk::{Desk, Keychain};

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

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
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
        let readings = super::block_on(otp::clock::check(urls, &SystemTime::now));
        let (mut warned, mut answered) = (false, false);
        for reading in readings {
            match reading {
                Ok(r) => {
                    (warned, answered) = (warned || r.warn, true);
                    println!("{}", r.message());
                }
                Err(e) => println!("{e}"),
            }
        }
        return match (answered, warned) {
            (false, _) => Err("no server answered, so the clock could not be checked".into()),
            (true, true) => Err("the clock is off; authenticator codes will fail".into()),
            (true, false) => Ok(()),
        };
    }
    let mut desk = Desk::open(data_dir)?;
    let keychain = desk.keychain()?;
    let conn = desk.store().conn();
    match command {
        Command::Add {
            uri,
            qr,
            import,
            format,
            json,
        } => {
            let report = if let Some(path) = qr {
                otp::add_qr_file(conn, &keychain, &path, now())?
            } else if let Some(path) = import {
                let text = zeroize::Zeroizing::new(std::fs::read_to_string(&path)?);
                otp::add_text(conn, &keychain, &text, format, now())?
            } else {
                let text = match uri.as_deref() {
                    Some("-") => super::read_secret_from_stdin()?,
                    _ => keydesk::Secret::new(uri.unwrap_or_default()),
                };
                otp::add_link(conn, &keychain, text.expose(), now())?
            };
            print_report(&report, json)?;
        }
        Command::List { json } => {
            let list = entries::list(conn)?;
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
            let entry = entries::find(conn, &name)?;
            let at = at.unwrap_or_else(now);
            let code = entries::use_code(conn, &keychain, entry.id, at)?;
            match entry.kind {
                Kind::Totp { period } => {
                    println!("{}", code.expose());
                    eprintln!(
                        "{}: valid {} s more",
                        entry.label,
                        otp::code::seconds_left(at, period)
                    );
                }
                Kind::Hotp { counter } => {
                    println!("{}", code.expose());
                    eprintln!("{}: counter {counter} used", entry.label);
                }
            }
        }
        Command::Export { out, plain, .. } => {
            let bytes = if plain {
                eprintln!(
                    "WARNING: {} will hold every secret key in the clear. Delete it after use.",
                    out.display()
                );
                otp::export_plain(conn, &keychain)?
                    .expose()
                    .as_bytes()
                    .to_vec()
            } else {
                let password = super::read_secret_from_stdin()?;
                otp::export_backup(
                    conn,
                    &keychain,
                    &password,
                    backup::KdfParams::DEFAULT,
                    backup::Randomness::from_os(),
                )?
            };
            write_private(&out, &bytes)?;
            println!(
                "exported {} entries to {}",
                entries::list(conn)?.len(),
                out.display()
            );
        }
        Command::ImportBackup { file, json } => {
            let bytes = std::fs::read(&file)?;
            let password = super::read_secret_from_stdin()?;
            let report = otp::import_backup(conn, &keychain, &bytes, &password, now())?;
            print_report(&report, json)?;
        }
        Command::Link { name, portal, .. } => {
            let entry = entries::find(conn, &name)?;
            let portal = match portal {
                Some(p) => Some(keydesk::portal::PortalBook::new(desk.store()).find(&p)?),
                None => None,
            };
            let conn = desk.store().conn();
            entries::set_portal(conn, entry.id, portal.as_ref().map(|p| p.id))?;
            match portal {
                Some(p) => println!("{} now gives the codes of {}", entry.label, p.fields.name),
                None => println!("{} is linked to no portal", entry.label),
            }
        }
        Command::Remove { name } => {
            let entry = entries::find(conn, &name)?;
            entries::remove(conn, &keychain as &dyn Keychain, entry.id)?;
            println!("removed {}", entry.label);
        }
        Command::Clock { .. } => unreachable!("handled above"),
    }
    Ok(())
}

/// Writes a file only its owner can read (a backup is still worth guarding).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}
