//! The search that bounds a first sync to recent mail.

use std::time::Duration;

/// The search for mail younger than `lookback` at `now` (UNIX seconds): exact with WITHIN
/// (RFC 5032), else by whole days with SINCE (the caller filters by delivery time).
pub(super) fn recent_query(lookback: Duration, within: bool, now: i64) -> String {
    if within {
        return format!("YOUNGER {}", lookback.as_secs().max(1));
    }
    let since = now.saturating_sub(lookback.as_secs() as i64).max(0);
    format!("SINCE {}", imap_date(since / 86_400))
}

/// `DD-Mon-YYYY` for a day number since 1970-01-01 (civil-from-days, Howard Hinnant).
fn imap_date(days: i64) -> String {
    let (year, month, day) = crate::calendar::civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{day:02}-{}-{year}", MONTHS[(month - 1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_mail_query_is_exact_with_within_and_by_day_without() {
        assert_eq!(
            recent_query(Duration::from_secs(86_400), true, 0),
            "YOUNGER 86400"
        );
        let now = 1_763_800_000; // 2025-11-22
        assert_eq!(
            recent_query(Duration::from_secs(86_400), false, now),
            "SINCE 21-Nov-2025"
        );
    }

    #[test]
    fn imap_dates_follow_the_calendar() {
        assert_eq!(imap_date(0), "01-Jan-1970");
        assert_eq!(imap_date(11_016), "29-Feb-2000");
        assert_eq!(imap_date(20_780), "23-Nov-2026");
    }
}
