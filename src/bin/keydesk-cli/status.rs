//! `keydesk-cli status`: the same two connection states the main window shows.

use std::path::Path;

use keydesk::api;
use keydesk::keychain::KeychainStatus;
use keydesk::mailbox::MailboxStatus;

/// Arguments of `status`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(data_dir: &Path, args: Args) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    let status = super::block_on(api::status::check(&kd));
    if args.json {
        println!("{}", serde_json::to_string(&status)?);
        return Ok(());
    }
    match &status.keychain {
        KeychainStatus::Available { backend } => println!("keychain: available ({backend})"),
        KeychainStatus::Unavailable { reason, .. } => println!("keychain: {reason}"),
    }
    match &status.mailbox {
        MailboxStatus::NotSetUp => println!("mailbox: not set up"),
        MailboxStatus::Connected { account, folders } => {
            println!(
                "mailbox: connected to {account} (watching {})",
                folders.join(", ")
            )
        }
        MailboxStatus::Error { message, .. } => println!("mailbox: error: {message}"),
    }
    for notice in &status.notices {
        println!("notice: {notice}");
    }
    Ok(())
}
