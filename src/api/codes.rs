//! The code inbox at the desk: the pending codes, copying one (which marks it used for every
//! desk on the mailbox), the mailbox connection, and the inbox that watches in the background.

use std::time::Duration;

use super::{Area, Error, Event, Keydesk};
use crate::desk::Desk;
use crate::error::ErrorCode;
use crate::inbox::{InboxConnection, InboxEvent, InboxRules, PortalSender};
use crate::keychain::ItemKey;
use crate::mailbox::{self, MailboxError};
use crate::pending::{MessageKey, PendingCodeView};
use crate::portal::PortalBook;

use super::Now;

/// The codes to show at `now`, newest first (none while the mailbox is not watched).
/// While Keydesk is locked each code shows its portal and time left, never its digits.
pub fn pending(kd: &Keydesk, now: Now) -> Vec<PendingCodeView> {
    let locked = kd.check_idle();
    let mut views = kd
        .inbox
        .with(|inbox| inbox.view(now.secs()))
        .unwrap_or_default();
    if locked {
        views.iter_mut().for_each(|v| v.code = None);
    }
    views
}

/// The mailbox connection above the codes, with the last error in plain words in the desk's
/// language.
pub fn connection(kd: &Keydesk) -> InboxConnection {
    connection_in(kd.inbox.connection(), kd.locale())
}

fn connection_in(connection: InboxConnection, locale: crate::i18n::Locale) -> InboxConnection {
    use crate::i18n::error_in;
    match connection {
        InboxConnection::Stopped { code, message } => InboxConnection::Stopped {
            code,
            message: error_in(locale, code, message),
        },
        InboxConnection::Failing {
            account,
            code,
            message,
        } => InboxConnection::Failing {
            account,
            code,
            message: error_in(locale, code, message),
        },
        other => other,
    }
}

/// Copies a code to the clipboard and marks it used, here and on the server for the other
/// desks. Returns the delay until the clipboard is cleared.
pub fn copy(kd: &Keydesk, key: &MessageKey) -> Result<Duration, Error> {
    kd.unlocked()?;
    let code = kd
        .inbox
        .with(|inbox| inbox.code(key))
        .ok_or_else(|| {
            Error::other(
                ErrorCode::InboxNotRunning,
                "The mailbox is not being watched, so there are no codes to copy.",
            )
        })?
        .ok_or_else(|| Error::other(ErrorCode::CodeGone, "That code is no longer pending."))?;
    let delay = kd.clipboard.copy(&kd.tasks, &code.code)?;
    kd.inbox.with(|inbox| inbox.mark_used(key));
    kd.audit(
        crate::audit::Action::CodeCopied,
        None,
        format!("mailed code {}/{}", key.folder, key.uid),
    );
    kd.changed(Area::Codes);
    Ok(delay)
}

/// What the inbox matches codes against: every portal's senders and lifetime, and the
/// mailbox's SMS forwarders.
fn rules(desk: &mut Desk) -> Result<InboxRules, Error> {
    let (sms_forwarders, authserv_id) = mailbox::saved_settings(desk.store_ref())?
        .map(|m| (m.sms_forwarders, m.authserv_id))
        .unwrap_or_default();
    let portals = PortalBook::new(desk.store()).list()?;
    let learned = crate::portal::code_shapes::learned(desk.store().conn())?;
    Ok(InboxRules {
        portals: portals
            .iter()
            .map(|p| PortalSender::from_portal(p, &learned))
            .collect(),
        sms_forwarders,
        authserv_id,
    })
}

/// The saved mailbox, its password and the rules; `Ok(None)` when no mailbox is set up.
fn prepare(desk: &mut Desk) -> crate::inbox::Prepared {
    let prepared = (|| {
        let Some(settings) = mailbox::saved_settings(desk.store_ref())? else {
            return Ok(None);
        };
        let password = desk
            .keychain()
            .get(&ItemKey::mailbox_password())?
            .ok_or(MailboxError::NoPassword)?;
        Ok::<_, Error>(Some((settings, password, rules(desk)?)))
    })();
    prepared.map_err(|e| (e.code(), e.desk_message()))
}

/// Starts the inbox task: it watches the saved mailbox and starts again when the mailbox or the
/// portals change; each new code is announced, and the window is told of every change.
pub(crate) fn start_inbox(kd: &Keydesk) {
    let runner = kd.inbox.clone();
    let desk = kd.desk.clone();
    let events = kd.events.clone();
    let announcer = Announcer {
        session: kd.session.clone(),
        inbox: kd.inbox.clone(),
        desk: kd.desk.clone(),
        notifier: kd.notifier.clone(),
        tasks: kd.tasks.clone(),
        locale: kd.shared_locale(),
    };
    kd.tasks.spawn_with(move |cancel| {
        runner.run(
            move || prepare(&mut desk.lock().unwrap_or_else(|e| e.into_inner())),
            move |event| {
                if let InboxEvent::NewCode { key, announce, .. } = &event {
                    announcer.learn_shape(key);
                    if *announce {
                        announcer.announce(key.clone());
                    }
                }
                let _ = events.send(Event::Changed(Area::Codes));
                let _ = events.send(Event::Inbox(event));
            },
            cancel,
        )
    });
}

/// What the owner does with each new code: keeps the shape of a portal's verified code, and
/// shows the notification of a code that just arrived.
struct Announcer {
    session: std::sync::Arc<std::sync::Mutex<crate::session::Session>>,
    inbox: std::sync::Arc<crate::inbox::InboxRunner>,
    desk: std::sync::Arc<std::sync::Mutex<Desk>>,
    notifier: Option<std::sync::Arc<dyn crate::notification::Notifier>>,
    tasks: crate::tasks::Tasks,
    locale: crate::i18n::SharedLocale,
}

impl Announcer {
    /// Keeps the shape of a portal's verified code, so later runs of the inbox expect it.
    fn learn_shape(&self, key: &MessageKey) {
        let Some(code) = self.inbox.with(|i| i.code(key)).flatten() else {
            return;
        };
        let crate::pending::Origin::Portal { portal_id, .. } = code.origin else {
            return;
        };
        let Some(shape) = crate::extract::CodeShape::of(code.code.expose()) else {
            return;
        };
        let mut desk = self.desk.lock().unwrap_or_else(|e| e.into_inner());
        let learned = crate::portal::code_shapes::learn(
            desk.store().conn(),
            portal_id,
            shape,
            Now::system().secs(),
        );
        if let Err(e) = learned {
            tracing::warn!(error = %e, "could not keep the shape of a portal's code");
        }
    }

    fn announce(&self, key: MessageKey) {
        let Some(notifier) = self.notifier.clone() else {
            return;
        };
        let Some(code) = self.inbox.with(|i| i.code(&key)).flatten() else {
            return;
        };
        let mut settings = {
            let desk = self.desk.lock().unwrap_or_else(|e| e.into_inner());
            crate::notification::saved_settings(desk.store_ref()).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot read the notification settings; the code is left out");
                Default::default()
            })
        };
        // Never a code in a notification while Keydesk is locked (or about to lock).
        let locked = {
            let mut session = self.session.lock().unwrap_or_else(|e| e.into_inner());
            session.expire(std::time::Instant::now());
            session.is_locked()
        };
        if locked {
            settings.show_code = false;
        }
        let text = crate::notification::for_code(
            &code,
            Now::system().secs(),
            &settings,
            self.locale.get(),
        );
        self.tasks.spawn(async move {
            // notify-rust talks D-Bus synchronously; it fails fast when no daemon is there.
            let shown = tokio::task::spawn_blocking(move || notifier.show(&text)).await;
            match shown {
                // Never the text: it may hold the code.
                Ok(Ok(())) => {
                    tracing::info!(folder = %key.folder, uid = key.uid, "announced a new code")
                }
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not show the new-code notification")
                }
                Err(e) => tracing::warn!(error = %e, "the new-code notification failed"),
            }
        });
    }
}

/// What the inbox would make of one message: its code and the code's stated lifetime, and the
/// portal it would be matched to (by its sender and the receiving server's verdict).
#[derive(Debug)]
pub struct Extracted {
    /// The code, if the message holds one.
    pub code: Option<crate::secret::Secret>,
    /// The lifetime the message states.
    pub lifetime: Option<Duration>,
    /// The portal the message names (by its sender, or its name in a forwarded text).
    pub portal: Option<String>,
    /// True only when a sign-in would fill it: the office's server verified the sender.
    pub verified: bool,
}

/// Reads one message as the inbox would, against the portals of `kd` (none without a profile).
/// `plain`: the bytes are a text, not an RFC 5322 message (no sender, so no portal).
pub fn extract(kd: Option<&Keydesk>, raw: Vec<u8>, plain: bool) -> Result<Extracted, Error> {
    let (subject, body) = if plain {
        (String::new(), String::from_utf8_lossy(&raw).into_owned())
    } else {
        let parsed = crate::message::parse(&raw)
            .map_err(|e| Error::other(ErrorCode::Internal, e.to_string()))?;
        (parsed.subject, parsed.text)
    };
    let found = crate::extract::extract(&subject, &body);
    // The inbox's reading, when there is a sender to match: it reads a verified portal's
    // message expecting the portal's code shape, so its code is the one to print.
    let read = match (plain, kd) {
        (false, Some(kd)) => Some({
            let rules = rules(&mut kd.desk())?;
            let fetched = crate::watcher::Fetched {
                folder: String::new(),
                uid_validity: 0,
                uid: 0,
                delivered_at: 0,
                truncated: false,
                used: false,
                raw,
            };
            match crate::inbox::read(&fetched, &rules) {
                crate::inbox::Reading::Code(code) => Some(code),
                _ => None,
            }
        }),
        _ => None,
    };
    let inbox_read = read.is_some();
    let (origin, read_code) = read
        .flatten()
        .map_or((None, None), |c| (Some(c.origin), Some(c.code)));
    let verified = origin
        .as_ref()
        .is_some_and(crate::pending::Origin::is_verified);
    let portal = match origin {
        Some(
            crate::pending::Origin::Portal { name, .. }
            | crate::pending::Origin::Unverified { name, .. },
        ) => Some(name),
        _ => None,
    };
    let lifetime = found.as_ref().and_then(|f| f.lifetime);
    // What the inbox would make of it, where it read the message; the text's code else.
    let code = if inbox_read {
        read_code
    } else {
        found.map(|f| f.code)
    };
    Ok(Extracted {
        verified,
        lifetime: lifetime.filter(|_| code.is_some()),
        code,
        portal,
    })
}

/// One pending code with its code, for `keydesk-cli watch` (the command exists to print them),
/// and whether it is used.
pub fn code(
    kd: &Keydesk,
    key: &MessageKey,
    now: Now,
) -> Option<(crate::pending::PendingCode, bool)> {
    if kd.check_idle() {
        return None;
    }
    kd.inbox
        .with(|inbox| {
            let used = inbox
                .view(now.secs())
                .iter()
                .any(|v| &v.key == key && v.state == crate::pending::CodeState::Used);
            inbox.code(key).map(|code| (code, used))
        })
        .flatten()
}
