//! Time for the whole core: [`Now`], the one place the wall clock is read, and the calendar
//! arithmetic for the few places that read or print dates (IMAP searches, the CLI's dates), so
//! no date library is needed for them.
//!
//! Logic takes `now` as an argument; only the adapters (the window's commands, the CLI's
//! subcommands, the watch loops) call [`Now::system`].

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment as UNIX time, to the millisecond. Passed into every use-case, so that logic never
/// reads the clock itself and tests choose the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Now {
    millis: i64,
}

impl Now {
    /// The wall clock now. A clock before 1970 reads as 1970.
    pub fn system() -> Self {
        Self::at(SystemTime::now())
    }

    /// The moment `time`.
    pub fn at(time: SystemTime) -> Self {
        let millis = time
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Self { millis }
    }

    /// UNIX second `secs`.
    pub const fn from_secs(secs: i64) -> Self {
        Self {
            millis: secs.saturating_mul(1000),
        }
    }

    /// UNIX millisecond `millis`.
    pub const fn from_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// Whole UNIX seconds (rounded down).
    pub const fn secs(self) -> i64 {
        self.millis.div_euclid(1000)
    }

    /// Whole UNIX seconds, never negative (the authenticator's counters are unsigned).
    pub const fn secs_unsigned(self) -> u64 {
        let secs = self.secs();
        if secs < 0 { 0 } else { secs as u64 }
    }

    /// UNIX milliseconds.
    pub const fn millis(self) -> i64 {
        self.millis
    }
}

/// The civil date `(year, month 1–12, day 1–31)` of a day number since 1970-01-01
/// (Howard Hinnant's civil-from-days).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number since 1970-01-01 of a civil date, or `None` when the month has no such day
/// (the inverse of [`civil_from_days`], proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date typed as `YYYY-MM-DD` (years 1970 to 9999), as UNIX seconds at 00:00 UTC; `None` for
/// anything else, a day the month does not have included.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&year) {
        return None;
    }
    Some(days_from_civil(year, month, day)? * 86_400)
}

/// UNIX seconds as `YYYY-MM-DD` (UTC).
pub fn date(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// UNIX seconds as an RFC 3339 time in UTC, e.g. `2025-11-22T08:26:40Z`.
pub fn rfc3339_utc(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(unix),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_map_to_the_civil_calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn civil_dates_map_back_to_the_same_days() {
        // Every day of four centuries, across leap years and the 100/400 rules, both ways.
        for days in -1_000..146_097 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), Some(days), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn a_day_the_month_does_not_have_is_refused() {
        assert_eq!(parse_date("2026-02-29"), None, "2026 is no leap year");
        assert_eq!(parse_date("2024-02-29"), Some(19_782 * 86_400));
        assert_eq!(parse_date("2026-04-31"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-00-10"), None);
        assert_eq!(parse_date("1969-12-31"), None, "before UNIX time");
        assert_eq!(parse_date("31/03/2026"), None);
        assert_eq!(parse_date(" 2026-03-31 "), Some(20_543 * 86_400));
    }

    #[test]
    fn dates_print_as_typed() {
        let at = parse_date("2026-03-31").unwrap();
        assert_eq!(date(at), "2026-03-31");
        assert_eq!(date(at + 86_399), "2026-03-31", "the whole day");
    }

    #[test]
    fn rfc3339_prints_utc_seconds() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_763_800_000), "2025-11-22T08:26:40Z");
    }

    #[test]
    fn now_converts_between_units() {
        let now = Now::from_millis(1_700_000_000_999);
        assert_eq!(now.secs(), 1_700_000_000, "seconds round down");
        assert_eq!(Now::from_secs(5).millis(), 5_000);
        assert_eq!(
            Now::from_millis(-1).secs(),
            -1,
            "before 1970 rounds down too"
        );
        assert_eq!(Now::from_millis(-1).secs_unsigned(), 0);
    }
}
