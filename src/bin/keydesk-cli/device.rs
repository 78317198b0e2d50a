//! `keydesk-cli device`: which portals remember this desk — list, add a record for another
//! browser by hand, forget.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use keydesk::Desk;
use keydesk::browser_profile::ProfileFolder;
use keydesk::devices::{DeviceBook, DeviceSource};
use keydesk::portal::PortalBook;

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
        #[arg(long, value_parser = parse_date)]
        since: Option<i64>,
        /// Remembered until (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date, conflicts_with = "days")]
        until: Option<i64>,
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

/// `YYYY-MM-DD` as UNIX seconds at 00:00 UTC.
fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("\"{text}\" is not a date like 2026-03-31");
    let mut parts = text.trim().splitn(3, '-').map(|p| p.parse::<i64>());
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=days_in_month).contains(&d) {
        return Err(bad());
    }
    // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

/// UNIX seconds as `YYYY-MM-DD` (UTC).
fn date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    let mut desk = Desk::open(data_dir)?;
    let now = now();
    match command {
        Command::List { json } => {
            let list = DeviceBook::new(desk.store()).list(now)?;
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
            let portal = PortalBook::new(desk.store()).find(&portal)?;
            let since = since.unwrap_or(now);
            let until = until.or(days.map(|d| since + i64::from(d) * 86_400));
            DeviceBook::new(desk.store()).add_by_hand(&portal, &browser, since, until)?;
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
            let portal = PortalBook::new(desk.store()).find(&portal)?;
            // Keydesk's window is not running (see the help): its profile folder is the jar.
            let data_dir = desk.data_dir().to_owned();
            let cookies = ProfileFolder {
                data_dir: &data_dir,
            };
            let done = DeviceBook::new(desk.store()).forget(&portal, source, &cookies)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2026-03-01"), Ok(1_772_323_200));
        assert_eq!(date(1_772_323_200), "2026-03-01");
        assert_eq!(date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("tomorrow").is_err());
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused() {
        // Regression: 2026-02-31 was taken, and became 2026-03-03.
        for bad in [
            "2026-02-31",
            "2026-02-29",
            "2026-04-31",
            "2100-02-29",
            "2026-06-00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(date(parse_date("2000-02-29").unwrap()), "2000-02-29");
        assert_eq!(date(parse_date("2026-12-31").unwrap()), "2026-12-31");
    }
}
