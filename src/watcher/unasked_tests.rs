//! The folder watch against a scripted IMAP server on an in-memory stream, on paused Tokio time:
//! mail announced outside IDLE's wait (in the answer to the sync's own SEARCH or FETCH, or just
//! before "+ idling") is handed out at once, exactly once, not after the 25-minute IDLE renewal.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};
use tokio::sync::{mpsc, watch};
use tokio::time::timeout;

use super::tests::settings;
use super::*;
use crate::mailbox::ImapTransport;

/// Where the scripted server announces the message that lands after the first sync began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announce {
    /// In the answer to the first sync's UID SEARCH, after its result.
    InSearch,
    /// In the answer to the first sync's UID FETCH of the message bodies.
    InFetch,
    /// Right before the first IDLE's "+ idling".
    BeforeIdling,
    /// Nowhere new: every SEARCH answer repeats the unchanged count.
    RepeatedCount,
}

/// A folder (UIDVALIDITY 7) holding UID 1; UID 2 lands once, where `announce` says.
struct Server {
    uids: Vec<u32>,
    announce: Announce,
    announced: bool,
    commands: Vec<String>,
}

fn body(uid: u32) -> String {
    format!("From: portal@example.com\r\nSubject: code {uid}\r\n\r\nYour code is 40{uid}417\r\n")
}

/// The UIDs held that `set` ("1", "2:*", "1,3:4") names.
fn in_set(uids: &[u32], set: &str) -> Vec<u32> {
    let ranges: Vec<(u32, u32)> = set
        .split(',')
        .map(|part| match part.split_once(':') {
            Some((a, b)) => (a.parse().unwrap_or(0), b.parse().unwrap_or(u32::MAX)),
            None => {
                let n = part.parse().unwrap_or(0);
                (n, n)
            }
        })
        .collect();
    uids.iter()
        .copied()
        .filter(|uid| ranges.iter().any(|&(a, b)| (a..=b).contains(uid)))
        .collect()
}

impl Server {
    fn new(announce: Announce) -> Self {
        Self {
            uids: vec![1],
            announce,
            announced: false,
            commands: Vec::new(),
        }
    }

    /// Delivers UID 2 and returns its announcement, the first time `at` is the scripted place.
    fn land(&mut self, at: Announce) -> String {
        if at == Announce::RepeatedCount {
            return format!("* {} EXISTS\r\n", self.uids.len());
        }
        if self.announce != at || self.announced {
            return String::new();
        }
        self.announced = true;
        self.uids.push(2);
        format!("* {} EXISTS\r\n* 1 RECENT\r\n", self.uids.len())
    }

    fn fetch(&mut self, set: &str, bodies: bool) -> String {
        let mut out = String::new();
        for uid in in_set(&self.uids, set) {
            let seq = self.uids.iter().position(|&u| u == uid).unwrap_or(0) + 1;
            if bodies {
                let text = body(uid);
                let len = text.len();
                out += &format!(
                    "* {seq} FETCH (UID {uid} FLAGS () INTERNALDATE \"06-Dec-2026 05:00:00 +0000\" \
                     RFC822.SIZE {len} BODY[]<0> {{{len}}}\r\n{text})\r\n"
                );
            } else {
                out += &format!("* {seq} FETCH (UID {uid} FLAGS ())\r\n");
            }
        }
        out
    }

    /// Answers commands until LOGOUT or the end of the stream; returns the commands it got.
    async fn run(mut self, stream: DuplexStream) -> Vec<String> {
        let (read, mut write) = tokio::io::split(stream);
        let mut lines = BufReader::new(read).lines();
        let greeting = "* OK [CAPABILITY IMAP4rev1 IDLE WITHIN] ready\r\n";
        write.write_all(greeting.as_bytes()).await.expect("greet");
        while let Ok(Some(line)) = lines.next_line().await {
            let (tag, command) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            let tag = tag.to_string();
            self.commands.push(command.to_string());
            let upper = command.to_ascii_uppercase();
            let mut out = String::new();
            if upper.starts_with("CAPABILITY") {
                out += "* CAPABILITY IMAP4rev1 IDLE WITHIN\r\n";
            } else if upper.starts_with("SELECT") {
                out += &format!(
                    "* FLAGS (\\Seen)\r\n* OK [PERMANENTFLAGS (\\Seen \\*)] Ok\r\n\
                     * {} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] Ok\r\n\
                     * OK [UIDNEXT 2] Ok\r\n",
                    self.uids.len()
                );
            } else if upper.starts_with("UID SEARCH") {
                let found = match upper.strip_prefix("UID SEARCH UID ") {
                    Some(set) => in_set(&self.uids, set),
                    None => self.uids.clone(),
                };
                let found: Vec<String> = found.iter().map(u32::to_string).collect();
                out += &format!("* SEARCH {}\r\n", found.join(" "));
                out += &self.land(Announce::InSearch);
                out += &self.land(Announce::RepeatedCount);
            } else if let Some(rest) = upper.strip_prefix("UID FETCH ") {
                let (set, items) = rest.split_once(' ').unwrap_or((rest, ""));
                let bodies = items.contains("BODY");
                out += &self.fetch(set, bodies);
                if bodies {
                    out += &self.land(Announce::InFetch);
                }
            } else if upper == "IDLE" {
                out += &self.land(Announce::BeforeIdling);
                out += "+ idling\r\n";
                write.write_all(out.as_bytes()).await.expect("answer IDLE");
                out.clear();
                match lines.next_line().await {
                    Ok(Some(done)) if done.eq_ignore_ascii_case("DONE") => {}
                    _ => break,
                }
            } else if upper == "LOGOUT" {
                let bye = format!("* BYE logging out\r\n{tag} OK Logout completed\r\n");
                write
                    .write_all(bye.as_bytes())
                    .await
                    .expect("answer LOGOUT");
                break;
            }
            out += &format!("{tag} OK done\r\n");
            write.write_all(out.as_bytes()).await.expect("answer");
        }
        self.commands
    }
}

async fn signed_in(stream: DuplexStream) -> Session {
    let transport: Box<dyn ImapTransport> = Box::new(stream);
    let mut client = async_imap::Client::new(transport);
    client
        .read_response()
        .await
        .expect("the greeting is read")
        .expect("the server greets");
    client
        .login("desk", "not a secret")
        .await
        .map_err(|(e, _)| e)
        .expect("the scripted server signs the desk in")
}

fn message_uid(event: Option<WatchEvent>) -> u32 {
    match event {
        Some(WatchEvent::Message(m)) => {
            assert_eq!((m.folder.as_str(), m.uid_validity), ("INBOX", 7));
            m.uid
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

/// Runs a watch on the scripted server until it hands out UID 2 (or a minute of paused time
/// passes), then stops it; returns the UIDs handed out after the first sync, the cursor kept,
/// and the server's commands.
async fn watch_scripted(announce: Announce) -> (Vec<u32>, Option<Cursor>, Vec<String>) {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    let server = tokio::spawn(Server::new(announce).run(theirs));
    let session = signed_in(ours).await;
    let folder = FolderWatch::new(
        settings(1),
        Secret::from("not a secret"),
        "INBOX".into(),
        Duration::from_secs(3600),
    );
    let (events_tx, mut events) = mpsc::channel(16);
    let (stop, mut stop_rx) = watch::channel(false);
    let mut state = State::new(None);
    let mut backoff = Backoff::with_timings(RetryTimings::default());

    let watching = async {
        let halt = folder
            .serve(
                session,
                std::time::Instant::now(),
                &mut state,
                &mut backoff,
                &events_tx,
                &mut stop_rx,
            )
            .await;
        drop(events_tx);
        assert!(
            matches!(halt, Err(Halt::Stopped)),
            "the watch ends only when stopped"
        );
    };
    let desk = async {
        assert!(matches!(
            events.recv().await,
            Some(WatchEvent::Connected { idle: true, .. })
        ));
        assert_eq!(
            message_uid(events.recv().await),
            1,
            "the first sync finds UID 1"
        );
        assert!(matches!(
            events.recv().await,
            Some(WatchEvent::Synced { messages: 1, .. })
        ));
        let mut later = Vec::new();
        // Far less than the 25-minute IDLE renewal; on the paused clock this ends as soon as
        // the watch sits in IDLE with nothing left to hand out.
        if let Ok(event) = timeout(Duration::from_secs(60), events.recv()).await {
            later.push(message_uid(event));
        }
        stop.send(true).expect("the watch listens for the stop");
        while let Some(event) = events.recv().await {
            later.push(message_uid(Some(event)));
        }
        later
    };
    let ((), later) = tokio::join!(watching, desk);
    let commands = server.await.expect("the scripted server ends");
    (later, state.cursor, commands)
}

async fn assert_handed_out_at_once(announce: Announce) {
    let (later, cursor, commands) = watch_scripted(announce).await;
    assert_eq!(
        later,
        [2],
        "{announce:?}: the message announced outside IDLE's wait is handed out at once and \
         once, not at the next IDLE renewal; commands: {commands:?}"
    );
    assert_eq!(
        cursor,
        Some(Cursor {
            uid_validity: 7,
            last_uid: 2
        })
    );
}

#[tokio::test(start_paused = true)]
async fn mail_announced_in_the_answer_to_the_syncs_search_is_handed_out_at_once() {
    assert_handed_out_at_once(Announce::InSearch).await;
}

#[tokio::test(start_paused = true)]
async fn mail_announced_in_the_answer_to_the_syncs_fetch_is_handed_out_at_once() {
    assert_handed_out_at_once(Announce::InFetch).await;
}

#[tokio::test(start_paused = true)]
async fn mail_announced_just_before_idling_is_handed_out_at_once() {
    assert_handed_out_at_once(Announce::BeforeIdling).await;
}

#[tokio::test(start_paused = true)]
async fn an_unchanged_count_repeated_in_every_answer_does_not_make_the_watch_sync_in_a_loop() {
    let (later, cursor, commands) = watch_scripted(Announce::RepeatedCount).await;
    assert!(later.is_empty(), "nothing new landed: {later:?}");
    assert_eq!(
        cursor,
        Some(Cursor {
            uid_validity: 7,
            last_uid: 1
        })
    );
    let searches = commands
        .iter()
        .filter(|c| c.starts_with("UID SEARCH"))
        .count();
    let idles = commands.iter().filter(|c| c.as_str() == "IDLE").count();
    assert_eq!(
        (searches, idles),
        (1, 1),
        "one sync, then IDLE until stopped: {commands:?}"
    );
}
