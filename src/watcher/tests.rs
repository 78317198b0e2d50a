//! The folder watch's logic without a server: what it does with the clock it is given.

use std::time::Duration;

use super::marks::tracked_since;
use super::sync::oldest_handed_out;
use super::*;

#[test]
fn a_first_sync_without_within_hands_out_only_the_lookback_of_now() {
    let lookback = Duration::from_secs(3600);
    let now = 1_763_800_000;
    assert_eq!(
        oldest_handed_out(lookback, false, false, now),
        now - 3600,
        "SINCE finds whole days; older mail of that day is left out by delivery time"
    );
    assert_eq!(
        oldest_handed_out(lookback, true, false, now),
        i64::MIN,
        "with WITHIN the server already bounded the search by its own clock"
    );
    assert_eq!(
        oldest_handed_out(lookback, false, true, now),
        i64::MIN,
        "a resync hands out all that arrived since the cursor, however long the outage"
    );
}

#[test]
fn tracked_messages_are_kept_an_hour_past_the_lookback_of_now() {
    let now = 1_763_800_000;
    let since = tracked_since(Duration::from_secs(600), now);
    assert_eq!(
        since,
        now - 600 - 3600,
        "an hour more than the lookback, for a server clock behind the desk's"
    );
    let mut tracked = Tracked::default();
    tracked.check_validity(1);
    tracked.record(1, since - 1, false);
    tracked.record(2, since, false);
    tracked.prune(since);
    assert_eq!(
        tracked.unmarked_set().as_deref(),
        Some("2"),
        "a message delivered before the margin's start is no longer re-read; one at it still is"
    );
}
