//! Pending one-time codes, in memory only: what the inbox shows at a glance.
//!
//! A code's countdown runs from the server's delivery time plus its lifetime. Its state is
//! derived, never stored: used (copied or filled, here or at another desk) beats expired, which
//! beats superseded (a newer code of the same portal arrived, and portals void the old one),
//! which beats fresh. Expired codes stay visible for [`FADE`] so the desk sees what happened,
//! then leave. Nothing here is written to disk: after a restart the watcher's first sync brings
//! the codes back from the mailbox.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// How long an expired code stays on screen (faded) before it leaves.
pub const FADE: Duration = Duration::from_secs(120);

/// The most a sign-in allows for a mail server whose clock is behind the desk's: a code counts
/// as new when the server stamped its delivery (INTERNALDATE, the server's clock) at most this
/// long before the desk asked for it (the desk's clock). Once codes have been seen arriving
/// live, the allowance shrinks to the lag they showed ([`PendingCodes::note_live_delivery`]),
/// so a code from a moment before the request is not taken for a new one. Older codes known
/// at the request are kept out by the snapshot (`known_before`), not by the clock.
pub const SERVER_CLOCK_TOLERANCE_SECS: i64 = 30;

/// How many live deliveries the lag estimate remembers, and for how long.
const LAG_SAMPLES: usize = 20;
const LAG_SAMPLE_AGE_SECS: i64 = 3600;

/// A message's identity on the server: unique per folder while UIDVALIDITY holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
pub struct MessageKey {
    /// Folder.
    pub folder: String,
    /// The folder's UIDVALIDITY.
    pub uid_validity: u32,
    /// The message's UID.
    pub uid: u32,
}

/// How the code reached the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An e-mail from the portal.
    Email,
    /// A text message forwarded to the mailbox.
    Sms,
}

/// Who the code is from, as far as Keydesk can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// From a portal, verified by the office's receiving server (DMARC, or aligned DKIM).
    Portal {
        /// The portal's id.
        portal_id: i64,
        /// The portal's name.
        name: String,
    },
    /// From a sender no portal lists. Shown, never filled into a portal.
    Unmatched {
        /// The sender's address.
        sender: String,
    },
    /// Names a portal (its sender address, or its name in a forwarded text) but the office's
    /// receiving server did not verify the sender. Shown and marked, never filled into a portal
    /// by itself, never superseding a verified code.
    Unverified {
        /// The portal it names.
        portal_id: i64,
        /// The portal's name.
        name: String,
        /// The claimed sender.
        sender: String,
        /// Why it is not verified, in plain words.
        reason: String,
        /// The office's server checks no sender at all (the mailbox has no authserv-id), so a
        /// sign-in shows this code for the person to confirm with one click instead of filling
        /// it by itself. False when a check was possible and did not verify it.
        confirmable: bool,
    },
}

impl Origin {
    /// The portal it names, verified or not.
    pub fn names_portal(&self) -> Option<i64> {
        match self {
            Origin::Portal { portal_id, .. } | Origin::Unverified { portal_id, .. } => {
                Some(*portal_id)
            }
            Origin::Unmatched { .. } => None,
        }
    }

    /// True for a code the office's server verified as the portal's.
    pub fn is_verified(&self) -> bool {
        matches!(self, Origin::Portal { .. })
    }
}

/// A code waiting to be used.
#[derive(Debug, Clone)]
pub struct PendingCode {
    /// The message it came in.
    pub key: MessageKey,
    /// The code.
    pub code: Secret,
    /// Who sent it.
    pub origin: Origin,
    /// E-mail or forwarded text.
    pub channel: Channel,
    /// When the server received it, UNIX seconds.
    pub delivered_at: i64,
    /// When it stops working, UNIX seconds.
    pub expires_at: i64,
}

/// A code's state at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    /// Usable.
    Fresh,
    /// A newer code of the same portal arrived; this one was voided.
    Superseded,
    /// Copied or filled already (at this desk or another).
    Used,
    /// Past its lifetime.
    Expired,
}

/// What the inbox list shows for one code. This is the one place a code leaves the core for the
/// UI, so it is built only for the window that displays codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PendingCodeView {
    /// The message it came in (used to copy or mark it).
    pub key: MessageKey,
    /// The code, as the user types it; `None` while Keydesk is locked (the portal and the time
    /// left are still shown).
    pub code: Option<String>,
    /// Who sent it.
    pub origin: Origin,
    /// E-mail or text.
    pub channel: Channel,
    /// Delivery time, UNIX seconds.
    pub delivered_at: i64,
    /// Expiry time, UNIX seconds.
    pub expires_at: i64,
    /// State at the time of the view.
    pub state: CodeState,
    /// True when the code was seen being used at another desk (the server's keyword appeared
    /// while this desk watched). A code found used at start may have been used here before a
    /// restart, so it is not claimed for another desk.
    pub used_at_another_desk: bool,
}

/// Where a code was used, as far as this desk can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedWhere {
    /// Copied or filled at this desk.
    ThisDesk,
    /// Another desk marked it while this one watched.
    AnotherDesk,
    /// Already marked on the server when this desk first read it.
    Unknown,
}

/// How many characters a sign-in page's code field takes: `min..=max` (one box per character
/// gives both; a box's `maxlength` gives the most).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRoom {
    /// Fewest characters.
    pub min: usize,
    /// Most characters.
    pub max: usize,
}

impl CodeRoom {
    /// A field that says nothing of its length.
    pub const ANY: Self = Self {
        min: 1,
        max: usize::MAX,
    };

    /// Whether `code` fits.
    pub fn fits(&self, code: &str) -> bool {
        (self.min..=self.max).contains(&code.chars().count())
    }
}

/// The codes waiting at this desk.
#[derive(Debug, Default)]
pub struct PendingCodes {
    codes: HashMap<MessageKey, PendingCode>,
    used: HashMap<MessageKey, UsedWhere>,
    /// For recent live deliveries: when the code was seen (desk's clock), and that less the
    /// server's delivery stamp (its clock lag plus the delivery's own delay).
    lags: VecDeque<(i64, i64)>,
}

impl PendingCodes {
    /// Notes that a portal's code stamped `delivered_at` by the server (its INTERNALDATE, never
    /// the sender's Date header) was seen as it arrived, at `seen_at` by the desk's clock: the
    /// smallest difference of the last hour's bounds how far the server's clock is behind.
    pub fn note_live_delivery(&mut self, delivered_at: i64, seen_at: i64) {
        if self.lags.len() == LAG_SAMPLES {
            self.lags.pop_front();
        }
        self.lags.push_back((seen_at, seen_at - delivered_at));
    }

    /// How many seconds before a sign-in's request a code's delivery stamp may be at `now`:
    /// the lag the last hour's live deliveries showed, with 2 s for the stamp's whole seconds,
    /// at most [`SERVER_CLOCK_TOLERANCE_SECS`] (and that when none was seen).
    pub fn clock_allowance(&self, now: i64) -> i64 {
        self.lags
            .iter()
            .filter(|(seen_at, _)| now - seen_at <= LAG_SAMPLE_AGE_SECS)
            .map(|(_, lag)| *lag)
            .min()
            .map_or(SERVER_CLOCK_TOLERANCE_SECS, |lag| {
                (lag.max(0) + 2).min(SERVER_CLOCK_TOLERANCE_SECS)
            })
    }

    /// Adds a code; returns false when that message was already known (a resync repeat).
    pub fn insert(&mut self, code: PendingCode) -> bool {
        if self.codes.contains_key(&code.key) {
            return false;
        }
        self.codes.insert(code.key.clone(), code);
        true
    }

    /// Marks a code used at this desk (copied or filled); false when unknown or used already.
    pub fn mark_used(&mut self, key: &MessageKey) -> bool {
        self.mark_used_at(key, UsedWhere::ThisDesk)
    }

    /// Marks a code used, saying where; false when unknown or used already (the first mark
    /// stands).
    pub fn mark_used_at(&mut self, key: &MessageKey, place: UsedWhere) -> bool {
        if !self.codes.contains_key(key) || self.used.contains_key(key) {
            return false;
        }
        self.used.insert(key.clone(), place);
        true
    }

    /// A code by its message.
    pub fn get(&self, key: &MessageKey) -> Option<&PendingCode> {
        self.codes.get(key)
    }

    /// The state of one code at `now`.
    pub fn state(&self, code: &PendingCode, now: i64) -> CodeState {
        if self.used.contains_key(&code.key) {
            CodeState::Used
        } else if now >= code.expires_at {
            CodeState::Expired
        } else if self.is_superseded(code) {
            CodeState::Superseded
        } else {
            CodeState::Fresh
        }
    }

    /// A newer code of the same portal replaces it (a new code voids the old) — unless the newer
    /// one is a forwarded "text" and this one is not: anyone who knows the forwarding number
    /// can send a text naming the portal, and it must not push the portal's e-mailed code aside.
    fn is_superseded(&self, code: &PendingCode) -> bool {
        let Origin::Portal { portal_id, .. } = code.origin else {
            return false;
        };
        self.codes.values().any(|other| {
            matches!(other.origin, Origin::Portal { portal_id: id, .. } if id == portal_id)
                && (other.channel == code.channel || other.channel == Channel::Email)
                && (other.delivered_at, &other.key.folder, other.key.uid)
                    > (code.delivered_at, &code.key.folder, code.key.uid)
        })
    }

    /// The newest usable code of a portal that arrived at or after `since` (a sign-in's start).
    pub fn fresh_for_portal(&self, portal_id: i64, since: i64, now: i64) -> Option<&PendingCode> {
        self.codes
            .values()
            .filter(|c| matches!(c.origin, Origin::Portal { portal_id: id, .. } if id == portal_id))
            .filter(|c| c.delivered_at >= since && self.state(c, now) == CodeState::Fresh)
            .max_by_key(|c| (c.delivered_at, c.key.uid))
    }

    /// The messages of a portal's codes known now, in any state: a sign-in notes them when it
    /// asks for a code, so that only a code that arrives afterwards can be filled.
    pub fn keys_of_portal(&self, portal_id: i64) -> Vec<MessageKey> {
        self.codes
            .values()
            .filter(|c| c.origin.names_portal() == Some(portal_id))
            .map(|c| c.key.clone())
            .collect()
    }

    /// The code a sign-in may fill: the newest fresh code of the portal (from its own sender,
    /// so never an unmatched or unverified one) that came by `channel` — an e-mail-code sign-in
    /// never takes a forwarded text, which anyone who knows the forwarding number can send, nor
    /// the other way round — arrived at or after `since` — whole seconds, as servers stamp
    /// delivery, and less [`PendingCodes::clock_allowance`] for the server's clock — and is not
    /// one of `known_before` (codes that were already in the inbox when the sign-in asked for
    /// its code, which the portal has voided since). `since` is the desk's clock.
    /// Only a code that fits the page's code field (`room`) is taken: a code too long for the
    /// box, or not one character per box, is never typed.
    pub fn for_sign_in(
        &self,
        portal_id: i64,
        channel: Channel,
        since: i64,
        known_before: &[MessageKey],
        now: i64,
        room: CodeRoom,
    ) -> Option<&PendingCode> {
        self.newest_for_sign_in(channel, since, known_before, now, |code| {
            matches!(code.origin, Origin::Portal { portal_id: id, .. } if id == portal_id)
                && room.fits(code.code.expose())
        })
    }

    /// The code a sign-in may offer for the person's confirmation when the office's server
    /// checks no sender (see [`Origin::Unverified`]'s `confirmable`): chosen exactly as
    /// [`PendingCodes::for_sign_in`] chooses, among the portal's confirmable codes. A code a
    /// check did not verify is never offered.
    pub fn to_confirm_for_sign_in(
        &self,
        portal_id: i64,
        channel: Channel,
        since: i64,
        known_before: &[MessageKey],
        now: i64,
        room: CodeRoom,
    ) -> Option<&PendingCode> {
        self.newest_for_sign_in(channel, since, known_before, now, |code| {
            matches!(code.origin, Origin::Unverified { portal_id: id, confirmable: true, .. }
                if id == portal_id)
                && room.fits(code.code.expose())
        })
    }

    fn newest_for_sign_in(
        &self,
        channel: Channel,
        since: i64,
        known_before: &[MessageKey],
        now: i64,
        fits: impl Fn(&PendingCode) -> bool,
    ) -> Option<&PendingCode> {
        let since = since - self.clock_allowance(now);
        self.codes
            .values()
            .filter(|c| fits(c))
            .filter(|c| c.channel == channel)
            .filter(|c| c.delivered_at >= since && !known_before.contains(&c.key))
            .filter(|c| self.state(c, now) == CodeState::Fresh)
            .max_by_key(|c| (c.delivered_at, c.key.uid))
    }

    /// Drops codes that expired more than [`FADE`] ago.
    pub fn prune(&mut self, now: i64) {
        let fade = FADE.as_secs() as i64;
        self.codes.retain(|_, c| now < c.expires_at + fade);
        let codes = &self.codes;
        self.used.retain(|k, _| codes.contains_key(k));
    }

    /// Everything to show at `now`, newest first.
    pub fn view(&self, now: i64) -> Vec<PendingCodeView> {
        let mut views: Vec<PendingCodeView> = self
            .codes
            .values()
            .map(|c| PendingCodeView {
                key: c.key.clone(),
                code: Some(c.code.expose().to_owned()),
                origin: c.origin.clone(),
                channel: c.channel,
                delivered_at: c.delivered_at,
                expires_at: c.expires_at,
                state: self.state(c, now),
                used_at_another_desk: self.used.get(&c.key) == Some(&UsedWhere::AnotherDesk),
            })
            .collect();
        views.sort_by_key(|v| std::cmp::Reverse((v.delivered_at, v.key.uid)));
        views
    }

    /// How many codes are known.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when no code is known.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(uid: u32, portal: Option<i64>, delivered_at: i64, lifetime: i64) -> PendingCode {
        PendingCode {
            key: MessageKey {
                folder: "INBOX".into(),
                uid_validity: 1,
                uid,
            },
            code: Secret::new(format!("{:06}", uid * 111)),
            origin: match portal {
                Some(id) => Origin::Portal {
                    portal_id: id,
                    name: format!("portal {id}"),
                },
                None => Origin::Unmatched {
                    sender: "someone@example.org".into(),
                },
            },
            channel: Channel::Email,
            delivered_at,
            expires_at: delivered_at + lifetime,
        }
    }

    fn unverified(uid: u32, portal_id: i64, delivered_at: i64) -> PendingCode {
        PendingCode {
            origin: Origin::Unverified {
                portal_id,
                name: format!("portal {portal_id}"),
                sender: "no-reply@portal.example".into(),
                reason: "the office mail server recorded no sender check on this message".into(),
                confirmable: false,
            },
            ..code(uid, Some(portal_id), delivered_at, 600)
        }
    }

    #[test]
    fn only_a_code_no_check_could_verify_is_offered_for_confirmation() {
        let mut pending = PendingCodes::default();
        let mut unchecked = unverified(2, 7, 1010);
        if let Origin::Unverified { confirmable, .. } = &mut unchecked.origin {
            *confirmable = true;
        }
        pending.insert(unverified(1, 7, 1005));
        pending.insert(unchecked);
        let now = 1020;
        assert!(
            pending
                .for_sign_in(7, Channel::Email, 990, &[], now, CodeRoom::ANY)
                .is_none(),
            "neither is filled by itself"
        );
        let offered = pending
            .to_confirm_for_sign_in(7, Channel::Email, 990, &[], now, CodeRoom::ANY)
            .expect("the unchecked one is offered");
        assert_eq!(offered.key.uid, 2, "never the one a check did not verify");
        assert!(
            pending
                .to_confirm_for_sign_in(8, Channel::Email, 990, &[], now, CodeRoom::ANY)
                .is_none(),
            "another portal's sign-in is offered nothing"
        );
        assert!(
            pending
                .to_confirm_for_sign_in(7, Channel::Sms, 990, &[], now, CodeRoom::ANY)
                .is_none(),
            "nor one of another channel"
        );
        let known = vec![offered.key.clone()];
        assert!(
            pending
                .to_confirm_for_sign_in(7, Channel::Email, 990, &known, now, CodeRoom::ANY)
                .is_none(),
            "nor one that was there before the sign-in asked"
        );
    }

    #[test]
    fn an_unverified_code_is_never_filled_and_never_supersedes_a_verified_one() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(7), 1000, 600));
        pending.insert(unverified(2, 7, 1010));
        let now = 1020;
        let genuine = pending
            .for_sign_in(7, Channel::Email, 990, &[], now, CodeRoom::ANY)
            .unwrap();
        assert_eq!(
            genuine.key.uid, 1,
            "the verified code is still the one filled"
        );
        let states: Vec<_> = pending
            .view(now)
            .iter()
            .map(|v| (v.key.uid, v.state))
            .collect();
        assert_eq!(states, vec![(2, CodeState::Fresh), (1, CodeState::Fresh)]);
        assert_eq!(
            pending.keys_of_portal(7).len(),
            2,
            "both are known at a request"
        );
        // A newer verified code still supersedes an older one.
        pending.insert(code(3, Some(7), 1015, 600));
        assert_eq!(
            pending
                .for_sign_in(7, Channel::Email, 990, &[], now, CodeRoom::ANY)
                .unwrap()
                .key
                .uid,
            3
        );
    }

    #[test]
    fn a_resynced_message_is_not_added_twice() {
        let mut pending = PendingCodes::default();
        assert!(pending.insert(code(1, Some(1), 1000, 600)));
        assert!(!pending.insert(code(1, Some(1), 1000, 600)));
        assert_eq!(pending.len(), 1);
    }

    #[test]
    fn a_newer_code_of_the_same_portal_supersedes_the_older() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 600));
        pending.insert(code(2, Some(1), 1060, 600));
        pending.insert(code(3, Some(2), 1030, 600));
        let view = pending.view(1100);
        let states: Vec<(u32, CodeState)> = view.iter().map(|v| (v.key.uid, v.state)).collect();
        assert_eq!(
            states,
            vec![
                (2, CodeState::Fresh),
                (3, CodeState::Fresh),
                (1, CodeState::Superseded)
            ],
            "newest first; only portal 1's older code is voided"
        );
    }

    #[test]
    fn a_forwarded_text_never_pushes_the_emailed_code_aside() {
        // Regression: anyone can text "Cigna 123456" to the forwarding number; the newer
        // "text" superseded the real e-mailed code and the sign-in found no code.
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 600));
        let mut text = code(2, Some(1), 1010, 600);
        text.channel = Channel::Sms;
        pending.insert(text);
        assert!(
            pending
                .view(1020)
                .iter()
                .all(|v| v.state == CodeState::Fresh),
            "a text does not void the e-mailed code"
        );
        let mut newer_mail = code(3, Some(1), 1015, 600);
        newer_mail.channel = Channel::Email;
        pending.insert(newer_mail);
        let states: Vec<(u32, CodeState)> = pending
            .view(1020)
            .iter()
            .map(|v| (v.key.uid, v.state))
            .collect();
        assert_eq!(
            states,
            vec![
                (3, CodeState::Fresh),
                (2, CodeState::Superseded),
                (1, CodeState::Superseded)
            ],
            "a newer e-mail voids both"
        );
    }

    #[test]
    fn a_sign_in_never_takes_a_code_that_does_not_fit_its_page() {
        let mut pending = PendingCodes::default();
        let mut seven = code(2, Some(1), 1_010, 600);
        seven.code = Secret::new("7403918".into());
        pending.insert(seven);
        let fills = |room| {
            pending
                .for_sign_in(1, Channel::Email, 1_000, &[], 1_020, room)
                .map(|c| c.key.uid)
        };
        assert_eq!(fills(CodeRoom::ANY), Some(2));
        assert_eq!(fills(CodeRoom { min: 7, max: 7 }), Some(2));
        assert_eq!(
            fills(CodeRoom { min: 1, max: 6 }),
            None,
            "seven characters do not go into a six-character box: the sign-in waits"
        );
        assert_eq!(fills(CodeRoom { min: 8, max: 8 }), None);
    }

    #[test]
    fn the_allowance_for_the_servers_clock_follows_what_live_deliveries_showed() {
        // Regression: a fixed 30 s let a sign-in retried within 30 s take the first try's code,
        // fetched late (polling, a reconnect), which the portal had voided.
        let mut pending = PendingCodes::default();
        assert_eq!(
            pending.clock_allowance(1_300),
            SERVER_CLOCK_TOLERANCE_SECS,
            "nothing seen yet"
        );
        pending.insert(code(1, Some(1), 990, 600));
        // A server in step with the desk: codes are seen within a second of their stamp.
        pending.note_live_delivery(1_100, 1_101);
        pending.note_live_delivery(1_200, 1_200);
        assert_eq!(pending.clock_allowance(1_300), 2);
        assert!(
            pending
                .for_sign_in(1, Channel::Email, 1_000, &[], 1_001, CodeRoom::ANY)
                .is_none(),
            "stamped 10 s before the request, by a clock in step: an older code"
        );
        // A server 20 s behind: every code seen 20 s after its stamp.
        let mut behind = PendingCodes::default();
        behind.insert(code(2, Some(1), 980, 600));
        behind.note_live_delivery(1_080, 1_100);
        assert_eq!(behind.clock_allowance(1_300), 22);
        assert_eq!(
            behind
                .for_sign_in(1, Channel::Email, 1_000, &[], 1_001, CodeRoom::ANY)
                .map(|c| c.key.uid),
            Some(2),
            "stamped 980 by a clock 20 s behind: asked for at 1000, it is new"
        );
        // A server ahead of the desk never widens it past the stamp's rounding.
        behind.note_live_delivery(1_300, 1_290);
        assert_eq!(behind.clock_allowance(1_300), 2);
        assert_eq!(
            behind.clock_allowance(1_290 + 3_601),
            SERVER_CLOCK_TOLERANCE_SECS,
            "an hour later the samples are stale"
        );
    }

    #[test]
    fn unmatched_codes_never_supersede_or_get_superseded() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, None, 1000, 600));
        pending.insert(code(2, None, 1010, 600));
        assert!(
            pending
                .view(1020)
                .iter()
                .all(|v| v.state == CodeState::Fresh)
        );
    }

    #[test]
    fn codes_expire_at_delivery_plus_lifetime_then_fade_out() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 300));
        assert_eq!(pending.view(1299)[0].state, CodeState::Fresh);
        assert_eq!(pending.view(1300)[0].state, CodeState::Expired);
        pending.prune(1300 + FADE.as_secs() as i64 - 1);
        assert_eq!(pending.len(), 1, "an expired code stays while it fades");
        pending.prune(1300 + FADE.as_secs() as i64);
        assert!(pending.is_empty(), "then it leaves");
    }

    #[test]
    fn used_beats_every_other_state() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 300));
        let key = pending.view(1000)[0].key.clone();
        assert!(pending.mark_used(&key));
        assert_eq!(pending.view(1001)[0].state, CodeState::Used);
        assert_eq!(pending.view(5000)[0].state, CodeState::Used);
    }

    #[test]
    fn a_code_used_at_another_desk_says_so_and_the_first_mark_stands() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 300));
        pending.insert(code(2, Some(2), 1000, 300));
        pending.insert(code(3, Some(3), 1000, 300));
        let key = |uid| MessageKey {
            folder: "INBOX".into(),
            uid_validity: 1,
            uid,
        };
        assert!(pending.mark_used_at(&key(1), UsedWhere::AnotherDesk));
        assert!(pending.mark_used(&key(2)));
        assert!(pending.mark_used_at(&key(3), UsedWhere::Unknown));
        assert!(
            !pending.mark_used_at(&key(2), UsedWhere::AnotherDesk),
            "already used here"
        );
        let view = pending.view(1001);
        let by_uid = |uid| view.iter().find(|v| v.key.uid == uid).unwrap();
        assert!(by_uid(1).used_at_another_desk);
        assert!(!by_uid(2).used_at_another_desk, "used here");
        assert!(
            !by_uid(3).used_at_another_desk,
            "found used at start: may have been this desk before a restart"
        );
        assert!(view.iter().all(|v| v.state == CodeState::Used));
        assert!(!pending.mark_used(&key(9)), "unknown code");
    }

    #[test]
    fn a_sign_in_takes_only_a_fresh_code_that_arrived_after_it_started() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 600));
        assert!(
            pending.fresh_for_portal(1, 1001, 1100).is_none(),
            "older than the sign-in"
        );
        pending.insert(code(2, Some(1), 1010, 600));
        assert_eq!(pending.fresh_for_portal(1, 1001, 1100).unwrap().key.uid, 2);
        assert!(
            pending.fresh_for_portal(2, 0, 1100).is_none(),
            "another portal's code"
        );
        assert!(pending.fresh_for_portal(1, 1001, 1700).is_none(), "expired");
    }

    #[test]
    fn a_sign_in_never_takes_a_code_that_was_there_before_it_asked_or_was_used() {
        let mut pending = PendingCodes::default();
        pending.insert(code(1, Some(1), 1000, 600));
        let known = pending.keys_of_portal(1);
        assert_eq!(known.len(), 1);
        // Delivered in the same whole second as the request, but already known: voided.
        assert!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &known, 1001, CodeRoom::ANY)
                .is_none()
        );
        pending.insert(code(2, Some(1), 1000, 600));
        assert_eq!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &known, 1001, CodeRoom::ANY)
                .unwrap()
                .key
                .uid,
            2
        );
        pending.insert(code(3, None, 1001, 600));
        assert_eq!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &known, 1001, CodeRoom::ANY)
                .unwrap()
                .key
                .uid,
            2,
            "an unmatched sender is never taken"
        );
        let key = pending
            .get(&code(2, Some(1), 1000, 600).key)
            .unwrap()
            .key
            .clone();
        pending.mark_used(&key);
        assert!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &known, 1001, CodeRoom::ANY)
                .is_none(),
            "used"
        );
    }

    #[test]
    fn a_sign_in_takes_only_a_code_of_the_channel_it_asked_for() {
        // Regression: a forwarded "text" (anyone who knows the forwarding number can send one)
        // was filled into an e-mail-code sign-in, and an e-mail into a text-code one.
        let mut pending = PendingCodes::default();
        let mut text = code(1, Some(1), 1000, 600);
        text.channel = Channel::Sms;
        pending.insert(text);
        assert!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &[], 1001, CodeRoom::ANY)
                .is_none(),
            "an e-mail-code sign-in ignores the text"
        );
        assert_eq!(
            pending
                .for_sign_in(1, Channel::Sms, 1000, &[], 1001, CodeRoom::ANY)
                .map(|c| c.key.uid),
            Some(1)
        );
        pending.insert(code(2, Some(1), 1001, 600));
        assert_eq!(
            pending
                .for_sign_in(1, Channel::Sms, 1000, &[], 1002, CodeRoom::ANY)
                .map(|c| c.key.uid),
            None,
            "the newer e-mail supersedes the text (a new code voids the old), and is not a text"
        );
        assert_eq!(
            pending
                .for_sign_in(1, Channel::Email, 1000, &[], 1002, CodeRoom::ANY)
                .map(|c| c.key.uid),
            Some(2)
        );
    }
}
