//! The folder watch without a server. Its timing runs on paused Tokio time, with no real sleep:
//! the backoff between failed connections, the commands it keeps meanwhile, and how soon a stop
//! ends it. A paused clock jumps to the next timer whenever every task waits, and a connection to
//! a closed loopback port is refused at once, so each test takes milliseconds whatever the
//! delays. Its cut-offs by delivery time are checked against a `now` the test chooses.

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, advance, timeout};

use super::marks::tracked_since;
use super::sync::oldest_handed_out;
use super::*;
use crate::mailbox::Security;

/// Network failures back off from 10 s to at most 80 s, before jitter.
const TIMINGS: RetryTimings = RetryTimings {
    network_first: Duration::from_secs(10),
    network_cap: Duration::from_secs(80),
    refused_first: Duration::from_secs(300),
    refused_cap: Duration::from_secs(3600),
    setup_first: Duration::from_secs(60),
    setup_cap: Duration::from_secs(3600),
};

/// A fixed jitter: each delay is its base times 1 + 0.25 × 0.5.
const JITTER: f64 = 0.5;

pub(super) fn settings(port: u16) -> MailboxSettings {
    MailboxSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::Plain,
        username: "desk".into(),
        folders: vec!["INBOX".into()],
        trusted_certificate: None,
        sms_forwarders: Vec::new(),
        authserv_id: None,
    }
}

/// A loopback port nothing listens on: bound to find a free one, then closed again.
fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("its address").port()
}

/// A watch of INBOX on a server that refuses every connection.
fn refused_watch() -> FolderWatch {
    let mut watch = FolderWatch::new(
        settings(refused_port()),
        Secret::from("never sent"),
        "INBOX".into(),
        Duration::from_secs(3600),
    );
    watch.retry = TIMINGS;
    watch
}

/// The next event, which must be a failure; returns its error and delay.
async fn next_failure(events: &mut mpsc::Receiver<WatchEvent>) -> (MailboxError, Duration) {
    match events.recv().await {
        Some(WatchEvent::Failed {
            folder,
            error,
            retry_in,
        }) => {
            assert_eq!(folder, "INBOX", "the failure names the watched folder");
            (error, retry_in)
        }
        other => panic!("a refused connection must be reported as Failed, got {other:?}"),
    }
}

fn assert_refused(error: &MailboxError) {
    assert!(
        matches!(error, MailboxError::Unreachable { reason, .. } if !reason.contains("no answer")),
        "a closed port is refused at once, not timed out on the paused clock: {error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_backoff_doubles_between_failures_up_to_its_cap_and_is_waited_in_full() {
    let (events_tx, mut events) = mpsc::channel(16);
    let (_stop, stop_rx) = watch::channel(false);
    tokio::spawn(refused_watch().run_with(events_tx, None, stop_rx, || JITTER));

    let mut delays = Vec::new();
    let mut last = None::<(Instant, Duration)>;
    for _ in 0..5 {
        let (error, retry_in) = next_failure(&mut events).await;
        assert_refused(&error);
        let now = Instant::now();
        if let Some((at, waited)) = last {
            let between = now - at;
            assert!(
                between >= waited && between < waited + Duration::from_secs(1),
                "the watch reconnects once its {waited:?} backoff is over, not {between:?} later"
            );
        }
        last = Some((now, retry_in));
        delays.push(retry_in.as_millis());
    }
    assert_eq!(
        delays,
        [11_250, 22_500, 45_000, 90_000, 90_000],
        "10 s doubling per failure, capped at 80 s, each stretched by the jitter's eighth"
    );
}

#[tokio::test(start_paused = true)]
async fn settings_the_server_cannot_fix_are_retried_on_the_slow_timings() {
    let mut watch = refused_watch();
    watch.settings.username = String::new();
    let (events_tx, mut events) = mpsc::channel(16);
    let (_stop, stop_rx) = watch::channel(false);
    tokio::spawn(watch.run_with(events_tx, None, stop_rx, || 0.0));

    let (error, retry_in) = next_failure(&mut events).await;
    assert!(
        matches!(error, MailboxError::Invalid(_)),
        "an empty user name is refused before any connection: {error:?}"
    );
    assert_eq!(
        retry_in,
        Duration::from_secs(300),
        "settings that waiting cannot fix are retried after minutes, like a refused password"
    );
}

#[tokio::test(start_paused = true)]
async fn a_mark_sent_during_the_backoff_is_kept_for_the_next_connection() {
    let (commands_tx, commands_rx) = mpsc::unbounded_channel();
    let mut state = State::new(Some(commands_rx));
    let (events_tx, mut events) = mpsc::channel(16);
    let (stop, stop_rx) = watch::channel(false);
    let watch = refused_watch();

    let desk = async {
        let (_, first) = next_failure(&mut events).await;
        let failed_at = Instant::now();
        advance(first / 2).await;
        let mark = FolderCommand::MarkUsed {
            uid_validity: 7,
            uid: 42,
        };
        commands_tx
            .send(mark)
            .expect("the watch keeps its command channel open while it waits to reconnect");
        let (error, _) = next_failure(&mut events).await;
        assert_refused(&error);
        assert_eq!(
            failed_at.elapsed(),
            first,
            "a command neither cuts the backoff short nor starts it again"
        );
        next_failure(&mut events).await;
        stop.send(true).expect("the watch listens for the stop");
    };
    tokio::join!(
        watch.run_on(&mut state, events_tx, stop_rx, || JITTER),
        desk
    );

    assert_eq!(
        state.to_mark.iter().copied().collect::<Vec<_>>(),
        [(7, 42)],
        "the mark taken during the first backoff outlives two failed reconnects, to be stored \
         once the server answers"
    );
}

#[tokio::test(start_paused = true)]
async fn commands_during_the_backoff_neither_end_the_watch_nor_close_its_channel() {
    let (commands_tx, commands_rx) = mpsc::unbounded_channel();
    let (events_tx, mut events) = mpsc::channel(16);
    let (stop, stop_rx) = watch::channel(false);
    let running =
        tokio::spawn(refused_watch().run_with(events_tx, Some(commands_rx), stop_rx, || JITTER));

    for uid in 1..=3 {
        next_failure(&mut events).await;
        let mark = FolderCommand::MarkUsed {
            uid_validity: 7,
            uid,
        };
        assert!(
            commands_tx.send(mark).is_ok(),
            "mark {uid}: the watch still takes commands after a failure"
        );
    }
    let (error, _) = next_failure(&mut events).await;
    assert_refused(&error);
    assert!(
        !commands_tx.is_closed() && !running.is_finished(),
        "the watch is still running and listening after the commands"
    );

    stop.send(true).expect("the watch listens for the stop");
    running.await.expect("the watch ends without panicking");
    assert!(
        commands_tx.is_closed(),
        "a stopped watch lets go of its commands, so the owner can tell"
    );
}

#[tokio::test(start_paused = true)]
async fn a_dropped_command_sender_does_not_end_the_watch_or_shorten_its_backoff() {
    let (commands_tx, commands_rx) = mpsc::unbounded_channel::<FolderCommand>();
    let (events_tx, mut events) = mpsc::channel(16);
    let (_stop, stop_rx) = watch::channel(false);
    tokio::spawn(refused_watch().run_with(events_tx, Some(commands_rx), stop_rx, || JITTER));

    let (_, retry_in) = next_failure(&mut events).await;
    let failed_at = Instant::now();
    drop(commands_tx);
    let (error, _) = next_failure(&mut events).await;
    assert_refused(&error);
    assert_eq!(
        failed_at.elapsed(),
        retry_in,
        "without an owner to send commands the watch goes on, still waiting out its backoff"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stop_during_the_backoff_ends_the_watch_at_once() {
    let (events_tx, mut events) = mpsc::channel(16);
    let (stop, stop_rx) = watch::channel(false);
    let running = tokio::spawn(refused_watch().run_with(events_tx, None, stop_rx, || JITTER));

    let (_, retry_in) = next_failure(&mut events).await;
    advance(retry_in / 2).await;
    let asked = Instant::now();
    stop.send(true).expect("the watch listens for the stop");
    // On the paused clock this timeout fires before the backoff would end, were the watch
    // still waiting for it.
    timeout(retry_in / 4, running)
        .await
        .expect("the watch returns when stopped, without waiting out its backoff")
        .expect("the watch ends without panicking");
    assert_eq!(
        asked.elapsed(),
        Duration::ZERO,
        "no time passed between the stop and the watch's end"
    );
    assert!(
        events.recv().await.is_none(),
        "a stopped watch makes no further attempt and drops its events sender"
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stop_sender_during_the_backoff_ends_the_watch_at_once() {
    let (events_tx, mut events) = mpsc::channel(16);
    let (stop, stop_rx) = watch::channel(false);
    let running = tokio::spawn(refused_watch().run_with(events_tx, None, stop_rx, || JITTER));

    let (_, retry_in) = next_failure(&mut events).await;
    drop(stop);
    timeout(retry_in / 4, running)
        .await
        .expect("an owner gone is a stop: the watch returns without waiting out its backoff")
        .expect("the watch ends without panicking");
}

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
