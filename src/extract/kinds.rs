//! What kind of message it is, where that decides whether its code is one to sign in with: a
//! reply quoting old mail, a booking, receipt or gift card whose "code" names something else,
//! a meeting invitation, a code for a driver, a door or a coding newsletter.

use super::Phrase;
use super::candidates::Candidate;
use super::text::Text;

/// Where a reply ("Re: …", or one that says "… wrote:") starts quoting the earlier messages
/// ("> …", "On … wrote:", "From: … Sent:"): a code in them is an old one the reply speaks of.
/// A forward is quoted to be read, and a message that is not a reply may start with its own
/// headers, so for those `None`.
pub(super) fn quoted_reply(text: &Text) -> Option<usize> {
    const FORWARD: &[&str] = &[
        "forwarded message",
        "fwd:",
        "fw:",
        "mensaje reenviado",
        "转发",
    ];
    const REPLY: &[&str] = &["re:", "re :", "aw:", "rv:", "res:", "sv:", "回复", "답장"];
    let reply = REPLY.iter().any(|w| text.lower.starts_with(w))
        || ["wrote:", "escribió:", "original message"]
            .iter()
            .any(|w| text.lower.contains(w));
    if !reply || FORWARD.iter().any(|w| text.lower.contains(w)) {
        return None;
    }
    let mut byte = 0;
    // The last "From:" header line seen: (line number, its position).
    let mut from: Option<(usize, usize)> = None;
    for (n, line) in text.lower.split('\n').enumerate() {
        let at = text
            .char_of_byte
            .get(byte)
            .map_or(text.len(), |&c| c as usize);
        byte += line.len() + 1;
        let line = line.trim();
        let header = |names: &[&str]| names.iter().any(|h| line.starts_with(h));
        if line.starts_with('>')
            || line.ends_with("wrote:")
            || line.ends_with("escribió:")
            || line.ends_with("a écrit :")
            || line.contains("original message")
        {
            return Some(at);
        }
        if header(&["from:", "de:"]) {
            from = Some((n, at));
        } else if header(&["sent:", "date:", "enviado:", "fecha:"])
            && let Some((_, from_at)) = from.filter(|(f, _)| n - f <= 3)
        {
            return Some(from_at);
        }
    }
    None
}

/// A code-like label that, in this message, names something else: "Confirmation code: 7QX4M2"
/// in an appointment or flight notice (a booking's reference), "Auth code: 04821B" on a card
/// receipt, "PIN: 0419" of a gift card. Only when that label stands right before the candidate
/// and nothing in the message is about signing in or verifying.
pub(super) fn labelled_for_something_else(
    text: &Text,
    cand: &Candidate,
    phrases: &[Phrase],
) -> bool {
    const BOOKING: &[&str] = &[
        "appointment",
        "flight",
        "reservation",
        "booking",
        "itinerary",
        "check in",
        "check-in",
        "is confirmed",
        "pickup",
        "pick up",
        "cita",
        "reserva",
        "prenotazione",
        "appuntamento",
        "rendez-vous",
        "order confirmed",
        "your order",
        "order #",
        "for your records",
        "wire",
        "has been processed",
    ];
    const RECEIPT: &[&str] = &["receipt", "approval", "approved", "copay", "transaction"];
    const CARD: &[&str] = &["gift card", "card number", "balance"];
    let Some(label) = phrases.iter().rev().find(|p| p.end <= cand.start) else {
        return false;
    };
    if cand.start - label.end > 4 {
        return false;
    }
    let words = text.lower_slice(label.start, label.end);
    let context: &[&str] = if words.contains("confirm") || words.contains("conferm") {
        BOOKING
    } else if matches!(
        words.as_str(),
        "auth code" | "authorization code" | "approval code"
    ) {
        RECEIPT
    } else if words == "pin" {
        CARD
    } else {
        return false;
    };
    context.iter().any(|w| text.lower.contains(w)) && !about_signing_in(text, true)
}

/// The message speaks of signing in or verifying, or asks for a code to be typed somewhere.
/// `accounts`: "password" and "account" count too (not in a meeting invite, whose password
/// opens the call).
pub(super) fn about_signing_in(text: &Text, accounts: bool) -> bool {
    const SIGNING_IN: &[&str] = &[
        "sign in",
        "sign-in",
        "signing in",
        "log in",
        "login",
        "logging in",
        "verif",
        "one-time",
        "enter it",
        "enter this code",
        "type it",
        "confirm your phone",
        "confirm your number",
        "confirm your email",
        "confirm your e-mail",
        "confirm it's you",
        "iniciar sesión",
        "ingréselo",
        "introdúzcalo",
    ];
    SIGNING_IN.iter().any(|w| text.lower.contains(w))
        || (accounts
            && ["password", "account"]
                .iter()
                .any(|w| text.lower.contains(w)))
}

/// A code to give a delivery driver, or to key into a door, alarm or lockbox: it signs nobody
/// in.
pub(super) fn not_for_signing_in(text: &Text) -> bool {
    // A coding newsletter or claim notice: several coding systems named, nobody signing in.
    let coding = ["cpt", "icd-10", "hcpcs", "cdt", "modifier", "e/m"]
        .iter()
        .filter(|w| text.lower.contains(*w))
        .count()
        >= 2;
    (coding && !about_signing_in(text, false))
        || [
            "to the driver",
            "to your driver",
            "to the courier",
            "delivery driver",
            "al repartidor",
            "au livreur",
            "keypad",
            "door code",
            "parking",
            "estacionamiento",
            "alarm code",
            "gate code",
            "lockbox",
        ]
        .iter()
        .any(|w| text.lower.contains(w))
            && !["sign in", "sign-in", "log in", "login", "verif"]
                .iter()
                .any(|w| text.lower.contains(w))
}

/// A meeting invitation: its passcode, password or PIN opens a call, it signs nobody in.
pub(super) fn meeting_invite(text: &Text) -> bool {
    [
        "meeting id",
        "meeting number",
        "meeting password",
        "meeting passcode",
        "meeting pin",
        "join zoom meeting",
        "join the meeting",
        "join microsoft teams meeting",
        "webex meeting",
        "join by phone",
        "conference id",
        "dial-in",
        "dial in number",
        "id de reunión",
    ]
    .iter()
    .any(|w| text.lower.contains(w))
        && !about_signing_in(text, false)
}
