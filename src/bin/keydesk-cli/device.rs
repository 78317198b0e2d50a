//! `keydesk-cli device`: which portals remember this desk — list, add a record for another
//! browser by hand, forget.

use std::path::Path;

use keydesk::api::{self, devices::OutsideRecord};
use keydesk::calendar::date;
use keydesk::devices::DeviceSource;

/// `device` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// List the remembered devices: since, until, days left.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep a record for a desk remembered in another browser.
    Add {
        /// Portal name or id.
        portal: String,
        /// Which browser, e.g. "Chrome on the front desk PC".
        #[arg(long, default_value = "")]
        browser: String,
        /// Remembered since (YYYY-MM-DD; default today).
        #[arg(long)]
        since: Option<String>,
        /// Remembered until (YYYY-MM-DD).
        #[arg(long, conflicts_with = "days")]
        until: Option<String>,
        /// Remembered for this many days from --since.
        #[arg(long)]
        days: Option<u32>,
    },
    /// Forget a remembered device. For the Keydesk window this also deletes the portal's
    /// browser profile (its cookies); do it while Keydesk is closed, or use its Devices view.
    Forget {
        /// Portal name or id.
        portal: String,
        /// keydesk (the Keydesk window) or browser (an outside browser).
        #[arg(long, default_value = "keydesk", value_parser = parse_source)]
        source: DeviceSource,
    },
}

fn parse_source(text: &str) -> Result<DeviceSource, String> {
    DeviceSource::parse(text).ok_or_else(|| format!("\"{text}\" is not keydesk or browser"))
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let kd = super::open(data_dir)?;
    let now = super::now();
    match command {
        Command::List { json } => {
            let list = api::devices::list(&kd, now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                println!("no remembered devices yet");
            }
            for d in list {
                let place = &d.place;
                let until = match (d.until, d.lapsed) {
                    (None, _) => "until unknown".to_owned(),
                    (Some(u), true) => format!("lapsed {}", date(u)),
                    (Some(u), false) => format!(
                        "until {} ({} left{})",
                        date(u),
                        match d.days_left.unwrap_or(0) {
                            1 => "1 day".to_owned(),
                            n => format!("{n} days"),
                        },
                        if d.lapses_soon { ", lapses soon" } else { "" }
                    ),
                };
                println!(
                    "{:<38} {:<28} since {}  {until}",
                    d.portal,
                    place,
                    date(d.since)
                );
            }
        }
        Command::Add {
            portal,
            browser,
            since,
            until,
            days,
        } => {
            let portal = api::portals::find(&kd, &portal)?;
            let record = OutsideRecord {
                browser: browser.clone(),
                since,
                until,
                days,
            };
            api::devices::add(&kd, portal.id, &record, now)?;
            println!(
                "recorded: {} remembers {}",
                portal.fields.name,
                if browser.is_empty() {
                    "an outside browser"
                } else {
                    &browser
                }
            );
        }
        Command::Forget { portal, source } => {
            let portal = api::portals::find(&kd, &portal)?;
            // Keydesk's window is not running (see the help): its profile folder is the jar.
            let done = api::devices::forget(&kd, portal.id, source, None)?;
            if done.cookies_cleared {
                println!(
                    "deleted the {} window's browser profile",
                    portal.fields.name
                );
            }
            println!("forgot the remembered device of {}", portal.fields.name);
        }
    }
    Ok(())
}
