//! `keydesk-cli mailbox`: set up the mailbox the portals send their codes to.

use std::path::{Path, PathBuf};

use keydesk::api;
use keydesk::mailbox::{MailboxSettings, Security};

/// `mailbox` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Save the mailbox settings; the password is read from standard input.
    Set {
        /// Server host name.
        #[arg(long)]
        host: String,
        /// Server port (default: 993 for TLS, 143 otherwise).
        #[arg(long)]
        port: Option<u16>,
        /// tls, starttls or plain (plain only to this computer).
        #[arg(long, default_value = "tls", value_parser = parse_security)]
        security: Security,
        /// Sign-in name.
        #[arg(long)]
        user: String,
        /// Folder to watch; repeat for several (default: INBOX and Junk).
        #[arg(long = "folder")]
        folders: Vec<String>,
        /// A PEM certificate to trust for this server instead of the public roots.
        #[arg(long)]
        trust_certificate: Option<PathBuf>,
        /// An address that forwards the office phone's texts here; repeat for several.
        #[arg(long = "sms-forwarder")]
        sms_forwarders: Vec<String>,
        /// The authserv-id of the office's receiving server: only the Authentication-Results
        /// it adds verify a code (see `mailbox ids` for those on recent mail). Without it no
        /// code is verified and sign-in asks to confirm each one.
        #[arg(long)]
        authserv_id: Option<String>,
    },
    /// Show the saved settings (never the password).
    Show,
    /// List the authserv-ids the mail server stamps on the newest messages (read-only), most
    /// frequent first: the first is the one to confirm with `mailbox set … --authserv-id`.
    Ids,
}

fn parse_security(text: &str) -> Result<Security, String> {
    match text {
        "tls" => Ok(Security::Tls),
        "starttls" => Ok(Security::StartTls),
        "plain" => Ok(Security::Plain),
        other => Err(format!("\"{other}\" is not tls, starttls or plain")),
    }
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    match command {
        Command::Set {
            host,
            port,
            security,
            user,
            folders,
            trust_certificate,
            sms_forwarders,
            authserv_id,
        } => {
            let settings = MailboxSettings {
                port: port.unwrap_or(if security == Security::Tls { 993 } else { 143 }),
                host,
                security,
                username: user,
                folders: if folders.is_empty() {
                    vec!["INBOX".into(), "Junk".into()]
                } else {
                    folders
                },
                trusted_certificate: trust_certificate,
                sms_forwarders,
                authserv_id,
            };
            let password = super::read_secret_from_stdin()?;
            // Checks everything (the certificate file too) before anything is written.
            api::mailbox::save(&kd, &settings, Some(&password))?;
            println!(
                "mailbox saved: {}@{}:{}",
                settings.username, settings.host, settings.port
            );
        }
        Command::Ids => {
            let seen = super::block_on(api::mailbox::seen_authserv_ids(&kd))?;
            if seen.is_empty() {
                println!("no Authentication-Results on recent mail: this server checks no sender");
            }
            for s in seen {
                println!("{}\t{} of {} recent messages", s.id, s.messages, s.of);
            }
        }
        Command::Show => match api::mailbox::setup(&kd)?.settings {
            Some(settings) => println!("{}", serde_json::to_string_pretty(&settings)?),
            None => println!("mailbox: not set up"),
        },
    }
    Ok(())
}
