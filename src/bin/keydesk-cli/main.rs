//! `keydesk-cli`: Keydesk's core for administrators and scripts, on the same library as the app.
//!
//! Each area has its own file with its arguments and its `run` function; this file only
//! dispatches. Output is for people by default and JSON with `--json` where it makes sense.
//! Exit codes: 0 success, 1 the operation failed (message on stderr), 2 bad usage (clap).

mod audit;
mod device;
mod extract;
mod health;
mod mailbox;
mod notifications;
mod otp;
mod password;
mod people;
mod portal;
mod settings;
mod status;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use keydesk::{Desk, ErrorCode, Keydesk};

#[derive(Parser)]
#[command(name = "keydesk-cli", version, about = "Keydesk from the command line")]
struct Cli {
    /// Profile folder (default: $KEYDESK_DATA_DIR, else the platform's data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// On a desk with people: act as this person; the PIN comes from $KEYDESK_PIN, else the
    /// first line of standard input.
    #[arg(long = "as", global = true, value_name = "NAME")]
    as_person: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the keychain and mailbox status.
    Status(status::Args),
    /// Set up or show the code mailbox.
    #[command(subcommand)]
    Mailbox(mailbox::Command),
    /// Print the one-time code found in each message, one JSON line per file.
    Extract(extract::Args),
    /// How the app announces a new code (whether the code itself is shown).
    #[command(subcommand)]
    Notifications(notifications::Command),
    /// Print codes as they arrive in the code mailbox (one JSON line each with --json).
    Watch(watch::Args),
    /// Portals and their credentials.
    #[command(subcommand)]
    Portal(Box<portal::Command>),
    /// The authenticator: TOTP/HOTP entries, imports, codes and backups.
    #[command(subcommand)]
    Otp(otp::Command),
    /// Remembered devices: which portals remember this desk, and until when.
    #[command(subcommand)]
    Device(device::Command),
    /// The people of the desk and their PINs.
    #[command(subcommand)]
    People(people::Command),
    /// The audit log: list, verify, export.
    #[command(subcommand)]
    Audit(audit::Command),
    /// Support requests after a failed sign-in, and the practice facts they carry.
    #[command(subcommand)]
    Support(health::SupportCommand),
    /// The desk's settings: the language.
    #[command(subcommand)]
    Settings(settings::Command),
}

/// The person named by `--as`, signed in by [`open`].
static AS_PERSON: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The environment variable with the PIN of `--as`.
const PIN_ENV: &str = "KEYDESK_PIN";

/// A failure to report: the message is already in plain words.
type Failure = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    keydesk::secret::withhold_panic_details();
    keydesk::hardening::no_core_dumps();
    let cli = Cli::parse();
    let _ = AS_PERSON.set(cli.as_person.clone());
    let data_dir = cli.data_dir.unwrap_or_else(Desk::default_data_dir);
    let result = match cli.command {
        Command::Status(args) => status::run(&data_dir, args),
        Command::Mailbox(command) => mailbox::run(&data_dir, command),
        Command::Extract(args) => extract::run(&data_dir, args),
        Command::Notifications(command) => notifications::run(&data_dir, command),
        Command::Watch(args) => watch::run(&data_dir, args),
        Command::Portal(command) => portal::run(&data_dir, *command),
        Command::Otp(command) => otp::run(&data_dir, command),
        Command::Device(command) => device::run(&data_dir, command),
        Command::People(command) => people::run(&data_dir, command),
        Command::Audit(command) => audit::run(&data_dir, command),
        Command::Support(command) => health::support(&data_dir, command),
        Command::Settings(command) => settings::run(&data_dir, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("keydesk-cli: {e}{}", hint(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// Where to look next, for errors a script's author can act on. The core's messages are for
/// the desk and name no command; the CLI adds its own.
fn hint(error: &(dyn std::error::Error + 'static)) -> &'static str {
    match error
        .downcast_ref::<keydesk::api::Error>()
        .map(|e| e.code())
    {
        Some(ErrorCode::PortalNotFound) => " (`keydesk-cli portal list` shows the names)",
        Some(ErrorCode::OtpNotFound | ErrorCode::OtpAmbiguous) => {
            " (`keydesk-cli otp list` shows the labels and ids)"
        }
        Some(ErrorCode::MailboxNoPassword) => " (set it with `keydesk-cli mailbox set`)",
        Some(ErrorCode::Locked | ErrorCode::AdminOnly) => {
            " (act as a person with --as NAME and the PIN in $KEYDESK_PIN)"
        }
        _ => "",
    }
}

/// The profile in `data_dir`, for a subcommand; signed in as the person of `--as`.
fn open(data_dir: &std::path::Path) -> Result<Keydesk, Failure> {
    let kd = Keydesk::open(data_dir)?;
    // The CLI writes English, as its own words and its errors are, whatever the desk's window
    // speaks (its language setting is for the window, the tray and the notifications).
    kd.shared_locale().set(keydesk::i18n::Locale::En);
    if let Some(Some(name)) = AS_PERSON.get() {
        let pin = match std::env::var(PIN_ENV) {
            Ok(pin) if !pin.is_empty() => keydesk::Secret::new(pin),
            _ => read_secret_from_stdin()?,
        };
        keydesk::api::people::unlock(&kd, name, &pin, now())?;
    }
    Ok(kd)
}

/// Now, for a subcommand.
fn now() -> keydesk::Now {
    keydesk::Now::system()
}

/// Runs a future on a small runtime; the CLI does one thing and exits.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime can be built")
        .block_on(future)
}

/// Reads a secret from standard input (one line; the newline is not part of it), so that it
/// never appears in the process list or shell history.
fn read_secret_from_stdin() -> Result<keydesk::Secret, Failure> {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_owned();
    zeroize::Zeroize::zeroize(&mut line);
    if trimmed.is_empty() {
        return Err("no secret on standard input".into());
    }
    Ok(keydesk::Secret::new(trimmed))
}
