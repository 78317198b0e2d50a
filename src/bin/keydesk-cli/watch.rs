//! `keydesk-cli watch`: prints codes as they arrive in the code mailbox, one line per code
//! (`--json`: one JSON object per line), until interrupted or `--count` codes were printed.
//!
//! Codes already in the mailbox when the watch starts (within the longest code lifetime) are
//! printed first, as the app shows them after a start. The codes go to standard output only:
//! that is what the command is for; connection problems go to standard error.

use std::path::Path;

use keydesk::api::{self, Event};
use keydesk::inbox::{InboxConnection, InboxEvent};
use keydesk::mailbox::MailboxStatus;
use keydesk::pending::{Channel, Origin, PendingCode};
use serde::Serialize;

/// Arguments of `watch`.
#[derive(clap::Args)]
pub struct Args {
    /// One JSON object per line: portal, code, expires (RFC 3339), expires_at (UNIX seconds)…
    #[arg(long)]
    json: bool,
    /// Stop after this many codes.
    #[arg(long)]
    count: Option<usize>,
}

/// One code, as `--json` prints it; fields print in this order.
#[derive(Serialize)]
struct Line<'a> {
    portal: Option<&'a str>,
    code: &'a str,
    expires: String,
    expires_at: i64,
    channel: &'static str,
    /// `portal`, `unmatched` (unknown sender) or `unverified` (names a portal; the office's mail server did not verify the sender).
    #[serde(rename = "match")]
    matched: &'static str,
    sender: Option<&'a str>,
    used: bool,
}

pub fn run(data_dir: &Path, args: Args) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    if api::mailbox::setup(&kd)?.settings.is_none() {
        return Err("no mailbox is set up; run `keydesk-cli mailbox set` first".into());
    }
    super::block_on(async move {
        let mut events = kd.subscribe();
        kd.start();
        let result = watch(&kd, &mut events, &args).await;
        kd.shutdown(api::SHUTDOWN_WITHIN).await;
        result
    })
}

async fn watch(
    kd: &keydesk::Keydesk,
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    args: &Args,
) -> Result<(), super::Failure> {
    let mut printed = 0;
    while args.count.is_none_or(|n| printed < n) {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return Err("the mailbox watch stopped".into()),
        };
        let Event::Inbox(event) = event else { continue };
        match event {
            InboxEvent::NewCode { key, .. } => {
                let Some((code, used)) = api::codes::code(kd, &key, super::now()) else {
                    continue;
                };
                print(&code, used, args.json)?;
                printed += 1;
            }
            InboxEvent::Restarted => {
                if let InboxConnection::Stopped { message, .. } = api::codes::connection(kd) {
                    return Err(message.into());
                }
            }
            InboxEvent::Connection {
                folder,
                status: MailboxStatus::Error { message, .. },
            } => eprintln!("keydesk-cli: {folder}: {message}"),
            InboxEvent::Skipped { key, reason } => {
                eprintln!("keydesk-cli: {} message {}: {reason}", key.folder, key.uid)
            }
            _ => {}
        }
    }
    Ok(())
}

fn print(code: &PendingCode, used: bool, json: bool) -> Result<(), super::Failure> {
    use std::io::Write;
    // A closed pipe (`| head -1`) ends the watch with an error instead of a panic.
    let mut out = std::io::stdout().lock();
    let (portal, matched, sender) = match &code.origin {
        Origin::Portal { name, .. } => (Some(name.as_str()), "portal", None),
        Origin::Unmatched { sender } => (None, "unmatched", Some(sender.as_str())),
        Origin::Unverified { name, sender, .. } => {
            (Some(name.as_str()), "unverified", Some(sender.as_str()))
        }
    };
    let channel = match code.channel {
        Channel::Email => "email",
        Channel::Sms => "sms",
    };
    if json {
        let line = Line {
            portal,
            code: code.code.expose(),
            expires: keydesk::calendar::rfc3339_utc(code.expires_at),
            expires_at: code.expires_at,
            channel,
            matched,
            sender,
            used,
        };
        writeln!(out, "{}", serde_json::to_string(&line)?)?;
    } else {
        let from = match (&code.origin, sender) {
            (Origin::Portal { name, .. }, _) => name.clone(),
            (Origin::Unverified { name, .. }, Some(s)) => {
                format!("UNVERIFIED (names {name}, from {s})")
            }
            (_, Some(s)) => format!("unknown sender {s}"),
            (_, None) => String::new(),
        };
        let left = (code.expires_at - super::now().secs()).max(0);
        let state = if used { ", used" } else { "" };
        writeln!(
            out,
            "{from}: {} ({channel}, expires in {} min {:02} s{state})",
            code.code.expose(),
            left / 60,
            left % 60
        )?;
    }
    out.flush()?;
    Ok(())
}
