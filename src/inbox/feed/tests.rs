//! The feed on paused Tokio time: watch events go in through a channel as a folder watch sends
//! them, and the tests read the inbox events, pending codes and connection states that come out.
//! "Nothing more comes out" is a timeout on the paused clock: it elapses only once the feed has
//! nothing left to do, so it is deterministic and takes no real time.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::timeout;

use super::*;
use crate::inbox::PortalSender;
use crate::mailbox::MailboxError;
use crate::message::MessageError;
use crate::pending::{CodeState, PendingCodeView};

/// When the test messages reached the server, UNIX seconds (2025-11-22).
const DELIVERED: i64 = 1_763_800_000;
/// A moment when their codes are still valid.
const SOON_AFTER: i64 = DELIVERED + 60;
const UID_VALIDITY: u32 = 7;
const ACCOUNT: &str = "desk@127.0.0.1:143";
/// The office's receiving server, which stamps its sender checks.
const AUTHSERV_ID: &str = "mx.clinic.example";

fn rules() -> InboxRules {
    InboxRules {
        portals: vec![PortalSender {
            portal_id: 1,
            name: "Cigna".into(),
            addresses: vec!["@cigna.example".into()],
            code_lifetime: Some(Duration::from_secs(3600)),
            code_shapes: Vec::new(),
        }],
        sms_forwarders: Vec::new(),
        authserv_id: Some(AUTHSERV_ID.into()),
    }
}

/// An RFC 5322 message from the Cigna portal's sender carrying `code`.
fn portal_mail(uid: u32, code: &str) -> Vec<u8> {
    format!(
        "Return-Path: <no-reply@cigna.example>\r\n\
         Authentication-Results: {AUTHSERV_ID}; dkim=pass header.d=cigna.example; dmarc=pass\r\n\
         From: Cigna <no-reply@cigna.example>\r\n\
         To: Front Desk <desk@clinic.example>\r\n\
         Subject: Your verification code\r\n\
         Date: Sat, 22 Nov 2025 08:26:40 +0000\r\n\
         Message-ID: <{uid}.code@cigna.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Your verification code is {code}.\r\n"
    )
    .into_bytes()
}

fn fetched(folder: &str, uid: u32, raw: Vec<u8>, used: bool) -> Fetched {
    Fetched {
        folder: folder.into(),
        uid_validity: UID_VALIDITY,
        uid,
        delivered_at: DELIVERED,
        raw,
        truncated: false,
        used,
    }
}

fn code_message(folder: &str, uid: u32, code: &str) -> WatchEvent {
    WatchEvent::Message(fetched(folder, uid, portal_mail(uid, code), false))
}

fn synced(folder: &str) -> WatchEvent {
    WatchEvent::Synced {
        folder: folder.into(),
        messages: 0,
    }
}

fn key(folder: &str, uid: u32) -> MessageKey {
    MessageKey {
        folder: folder.into(),
        uid_validity: UID_VALIDITY,
        uid,
    }
}

/// A running feed and both ends of it.
struct Running {
    watch: mpsc::Sender<WatchEvent>,
    events: mpsc::Receiver<InboxEvent>,
    pending: Arc<Mutex<PendingCodes>>,
    connections: Arc<Mutex<BTreeMap<String, MailboxStatus>>>,
    task: JoinHandle<()>,
}

impl Running {
    fn start() -> Self {
        let pending = Arc::new(Mutex::new(PendingCodes::default()));
        let connections = Arc::new(Mutex::new(BTreeMap::new()));
        let feed = Feed {
            pending: pending.clone(),
            connections: connections.clone(),
            rules: rules(),
            account: ACCOUNT.into(),
            learned: Default::default(),
        };
        let (watch, watch_rx) = mpsc::channel(16);
        let (events_tx, events) = mpsc::channel(16);
        Self {
            watch,
            events,
            pending,
            connections,
            task: tokio::spawn(feed.run(watch_rx, events_tx)),
        }
    }

    /// Sends a watch event and returns the inbox event it gave.
    async fn pass(&mut self, event: WatchEvent) -> InboxEvent {
        let said = format!("{event:?}");
        self.watch.send(event).await.expect("the feed is running");
        timeout(Duration::from_secs(60), self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("{said} gave no inbox event"))
            .expect("the feed is running")
    }

    /// Sends a watch event that must give no inbox event.
    async fn pass_quietly(&mut self, event: WatchEvent) {
        let said = format!("{event:?}");
        self.watch.send(event).await.expect("the feed is running");
        if let Ok(out) = timeout(Duration::from_secs(60), self.events.recv()).await {
            panic!("{said} should give no inbox event, gave {out:?}");
        }
    }

    /// The code of one message as the window would show it.
    fn view(&self, key: &MessageKey) -> PendingCodeView {
        let views = self.pending.lock().unwrap().view(SOON_AFTER);
        views
            .into_iter()
            .find(|v| &v.key == key)
            .unwrap_or_else(|| panic!("{key:?} should be pending"))
    }

    fn connection(&self, folder: &str) -> Option<MailboxStatus> {
        self.connections.lock().unwrap().get(folder).cloned()
    }
}

/// The `announce` of a new code event, after checking which message it is for.
fn announced(event: InboxEvent, expected: &MessageKey) -> bool {
    match event {
        InboxEvent::NewCode {
            key,
            from,
            expires_at,
            announce,
        } => {
            assert_eq!(&key, expected, "the new code is the message's");
            assert_eq!(
                from, "Cigna",
                "the code is matched to the portal of its sender"
            );
            assert_eq!(
                expires_at,
                DELIVERED + 3600,
                "the portal's lifetime from the delivery time"
            );
            announce
        }
        other => panic!("expected a new code for {expected:?}, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn codes_of_the_first_sync_are_shown_and_only_later_ones_announced() {
    let mut feed = Running::start();
    let connected = feed
        .pass(WatchEvent::Connected {
            folder: "INBOX".into(),
            idle: true,
        })
        .await;
    assert!(
        matches!(
            connected,
            InboxEvent::Connection {
                status: MailboxStatus::Connected { .. },
                ..
            }
        ),
        "a connected watch is told to the owner: {connected:?}"
    );

    let old = feed.pass(code_message("INBOX", 1, "482913")).await;
    assert!(
        !announced(old, &key("INBOX", 1)),
        "a code already in the folder at start is shown, never announced"
    );
    assert_eq!(
        feed.pass(synced("INBOX")).await,
        InboxEvent::Synced {
            folder: "INBOX".into()
        },
        "the first sync's end is passed on"
    );
    let new = feed.pass(code_message("INBOX", 2, "731054")).await;
    assert!(
        announced(new, &key("INBOX", 2)),
        "a code that arrives while the inbox watches is announced"
    );
    assert_eq!(
        feed.view(&key("INBOX", 1)).code.as_deref(),
        Some("482913"),
        "the code of the first sync is pending all the same"
    );
    assert_eq!(feed.view(&key("INBOX", 2)).state, CodeState::Fresh);
}

#[tokio::test(start_paused = true)]
async fn a_folder_is_live_only_after_its_own_first_sync() {
    let mut feed = Running::start();
    feed.pass(synced("INBOX")).await;
    let junk = feed.pass(code_message("Junk", 1, "482913")).await;
    assert!(
        !announced(junk, &key("Junk", 1)),
        "the junk folder's first sync is not over because the inbox's is"
    );
    feed.pass(synced("Junk")).await;
    let junk = feed.pass(code_message("Junk", 2, "731054")).await;
    assert!(
        announced(junk, &key("Junk", 2)),
        "after its own first sync, junk mail's codes are announced"
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_handed_out_again_after_a_reconnect_is_not_a_new_code() {
    let mut feed = Running::start();
    feed.pass(synced("INBOX")).await;
    feed.pass(code_message("INBOX", 1, "482913")).await;
    feed.pass_quietly(code_message("INBOX", 1, "482913")).await;
    assert_eq!(
        feed.pending.lock().unwrap().len(),
        1,
        "the same message is one pending code"
    );
}

#[tokio::test(start_paused = true)]
async fn a_mark_from_another_desk_makes_the_code_used_elsewhere() {
    let mut feed = Running::start();
    feed.pass(synced("INBOX")).await;
    feed.pass(code_message("INBOX", 1, "482913")).await;
    let used = WatchEvent::Used {
        folder: "INBOX".into(),
        uid_validity: UID_VALIDITY,
        uid: 1,
    };
    assert_eq!(
        feed.pass(used).await,
        InboxEvent::Used {
            key: key("INBOX", 1)
        },
        "the owner learns the code was used"
    );
    let view = feed.view(&key("INBOX", 1));
    assert_eq!(
        view.state,
        CodeState::Used,
        "a used code is no longer offered"
    );
    assert!(
        view.used_at_another_desk,
        "the keyword appeared while this desk watched, so another desk used it"
    );

    let again = WatchEvent::Used {
        folder: "INBOX".into(),
        uid_validity: UID_VALIDITY,
        uid: 1,
    };
    feed.pass_quietly(again).await;
    let unknown = WatchEvent::Used {
        folder: "INBOX".into(),
        uid_validity: UID_VALIDITY,
        uid: 99,
    };
    feed.pass_quietly(unknown).await;
}

#[tokio::test(start_paused = true)]
async fn unreadable_mail_is_skipped_and_the_watch_goes_on() {
    let mut feed = Running::start();
    feed.pass(synced("INBOX")).await;
    let garbage = fetched("INBOX", 1, b"\x00\x01\x02 not mail at all".to_vec(), false);
    assert_eq!(
        feed.pass(WatchEvent::Message(garbage)).await,
        InboxEvent::Skipped {
            key: key("INBOX", 1),
            reason: MessageError::NotAMessage.to_string(),
        },
        "a message without headers is skipped, saying why in plain words"
    );
    let next = feed.pass(code_message("INBOX", 2, "731054")).await;
    assert!(
        announced(next, &key("INBOX", 2)),
        "the next message is read as if nothing had happened"
    );
    assert_eq!(
        feed.pending.lock().unwrap().len(),
        1,
        "the skipped message left no pending code"
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_without_a_code_gives_nothing() {
    let mut feed = Running::start();
    feed.pass(synced("INBOX")).await;
    let notice = "From: Cigna <no-reply@cigna.example>\r\n\
         Subject: Claim update\r\n\
         Date: Sat, 22 Nov 2025 08:26:40 +0000\r\n\
         Message-ID: <notice@cigna.example>\r\n\
         \r\n\
         Your claim was processed. Thank you.\r\n";
    let notice = fetched("INBOX", 1, notice.as_bytes().to_vec(), false);
    feed.pass_quietly(WatchEvent::Message(notice)).await;
    assert!(
        feed.pending.lock().unwrap().is_empty(),
        "a message without a code is no pending code"
    );
}

#[tokio::test(start_paused = true)]
async fn codes_already_marked_used_are_used_and_never_announced() {
    let mut feed = Running::start();
    let at_start = fetched("INBOX", 1, portal_mail(1, "482913"), true);
    let event = feed.pass(WatchEvent::Message(at_start)).await;
    assert!(!announced(event, &key("INBOX", 1)));
    let view = feed.view(&key("INBOX", 1));
    assert_eq!(
        view.state,
        CodeState::Used,
        "the server's keyword at the first sync means the code was used before"
    );
    assert!(
        !view.used_at_another_desk,
        "it may have been used here before a restart, so no other desk is blamed"
    );

    feed.pass(synced("INBOX")).await;
    let live = fetched("INBOX", 2, portal_mail(2, "731054"), true);
    let event = feed.pass(WatchEvent::Message(live)).await;
    assert!(
        !announced(event, &key("INBOX", 2)),
        "a code used by the time it is read is not worth a notification"
    );
    assert_eq!(feed.view(&key("INBOX", 2)).state, CodeState::Used);
}

#[tokio::test(start_paused = true)]
async fn a_failed_connection_says_when_it_is_retried_until_it_connects_again() {
    let mut feed = Running::start();
    let failed = WatchEvent::Failed {
        folder: "INBOX".into(),
        error: MailboxError::Unreachable {
            host: "127.0.0.1".into(),
            reason: "Connection refused (os error 111)".into(),
        },
        retry_in: Duration::from_secs(330),
    };
    let expected = MailboxStatus::Error {
        code: crate::error::ErrorCode::MailboxUnreachable,
        message: "cannot reach the mail server 127.0.0.1: Connection refused (os error 111). \
                  Check the server name and the network. Keydesk tries again in 5 minutes."
            .into(),
    };
    assert_eq!(
        feed.pass(failed).await,
        InboxEvent::Connection {
            folder: "INBOX".into(),
            status: expected.clone(),
        },
        "the owner is told what failed and when the watch tries again"
    );
    assert_eq!(
        feed.connection("INBOX"),
        Some(expected),
        "the folder's state holds the error for the status line"
    );

    feed.pass(WatchEvent::Connected {
        folder: "INBOX".into(),
        idle: false,
    })
    .await;
    assert_eq!(
        feed.connection("INBOX"),
        Some(MailboxStatus::Connected {
            account: ACCOUNT.into(),
            folders: vec!["INBOX".into()],
        }),
        "a new connection replaces the error"
    );
}

#[tokio::test(start_paused = true)]
async fn the_feed_ends_once_every_watch_has_stopped() {
    let Running {
        watch,
        mut events,
        task,
        ..
    } = Running::start();
    drop(watch);
    timeout(Duration::from_secs(60), task)
        .await
        .expect("with no watch left the feed has nothing to wait for")
        .expect("the feed ends without panicking");
    assert!(
        events.recv().await.is_none(),
        "the owner sees the end of the events"
    );
}

#[test]
fn retry_delays_read_as_words() {
    assert_eq!(in_words(Duration::from_millis(300)), "a second");
    assert_eq!(in_words(Duration::from_secs(45)), "45 seconds");
    assert_eq!(in_words(Duration::from_secs(330)), "5 minutes");
    assert_eq!(in_words(Duration::from_secs(3600)), "60 minutes");
    assert_eq!(in_words(Duration::from_secs(7200)), "2 hours");
}
