//! An RFC 5322 message as the code inbox reads it: plain text and the headers that say who sent
//! it, with MIME, quoted-printable, base64 and charsets decoded by `mail-parser`, and HTML
//! turned into text without rendering anything ([`html`]).
//!
//! Bounded whatever arrives: only the first [`MAX_RAW`] bytes are parsed, at most [`MAX_PARTS`]
//! body parts are read, and each yields at most [`MAX_PART_TEXT`] bytes of text. A 50 MB message
//! or a 1,000-part tree costs no more than that.
//!
//! ```
//! let raw = b"From: Cigna <noreply@cigna.com>\r\nSubject: Your code\r\n\r\nYour code is 482913.\r\n";
//! let message = keydesk::message::parse(raw)?;
//! assert_eq!(message.from.as_deref(), Some("noreply@cigna.com"));
//! assert!(message.text.contains("482913"));
//! # Ok::<(), keydesk::message::MessageError>(())
//! ```

pub mod auth;
pub mod html;

use mail_parser::{MessageParser, PartType};

/// Bytes of a raw message that are parsed; the rest is ignored (codes sit at the top).
pub const MAX_RAW: usize = 2 * 1024 * 1024;
/// Body parts read, in the order the message lists them.
pub const MAX_PARTS: usize = 8;
/// Bytes of text taken from one part.
pub const MAX_PART_TEXT: usize = 64 * 1024;

/// A message reduced to what the code inbox needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedMessage {
    /// The From address (lower-cased), if one could be read.
    pub from: Option<String>,
    /// The From display name.
    pub from_name: Option<String>,
    /// The Return-Path address, without angle brackets.
    pub return_path: Option<String>,
    /// Every Authentication-Results header, raw, newest (topmost) first.
    pub authentication_results: Vec<String>,
    /// The decoded subject, empty when absent.
    pub subject: String,
    /// The Date header as seconds since the Unix epoch.
    pub date: Option<i64>,
    /// The Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// The body as plain text: text/plain when it carries the content, else the HTML as text.
    pub text: String,
    /// True when the message was larger than what was read.
    pub truncated: bool,
}

/// Why a message could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageError {
    /// The input was empty.
    #[error("The message is empty. Nothing to read; it is skipped.")]
    Empty,
    /// The input has no e-mail headers (From, Subject, Date…): it is not an e-mail message.
    #[error("This is not an e-mail message (no headers were found). It is skipped.")]
    NotAMessage,
    /// Reading it failed inside Keydesk (a bug); the watcher keeps going without it.
    #[error("Keydesk could not read this message (an internal error). It is skipped.")]
    Unreadable,
}

impl MessageError {
    /// A stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            MessageError::Empty => "message_empty",
            MessageError::NotAMessage => "message_not_rfc5322",
            MessageError::Unreadable => "message_unreadable",
        }
    }
}

/// Parses a raw RFC 5322 message.
pub fn parse(raw: &[u8]) -> Result<ParsedMessage, MessageError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MessageError::Empty);
    }
    let truncated = raw.len() > MAX_RAW;
    let raw = &raw[..raw.len().min(MAX_RAW)];
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(MessageError::NotAMessage)?;
    // mail-parser reads almost anything as a message; a real one has at least one of these.
    let known = message.headers_raw().any(|(name, _)| {
        [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "received",
            "return-path",
            "mime-version",
            "content-type",
            "sender",
            "reply-to",
        ]
        .iter()
        .any(|k| name.eq_ignore_ascii_case(k))
    });
    if !known {
        return Err(MessageError::NotAMessage);
    }
    let from = message.from().and_then(|a| a.first());
    let mut authentication_results: Vec<String> = message
        .headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, value)| unfold(value))
        .collect();
    authentication_results.truncate(16);
    Ok(ParsedMessage {
        from: from.and_then(|a| a.address()).map(str::to_ascii_lowercase),
        from_name: from.and_then(|a| a.name()).map(str::to_owned),
        return_path: message
            .return_address()
            .map(|a| a.trim_matches(['<', '>', ' ']).to_owned()),
        authentication_results,
        subject: message.subject().unwrap_or_default().to_owned(),
        date: message.date().map(|d| d.to_timestamp()),
        message_id: message.message_id().map(str::to_owned),
        text: body_text(&message),
        truncated,
    })
}

/// Chooses the body: the plain-text alternative when it carries the content (it has the
/// digits the HTML has, or there is no HTML), else the HTML as text.
fn body_text(message: &mail_parser::Message<'_>) -> String {
    let mut plain = String::new();
    let mut html_text = String::new();
    let parts = message
        .text_body
        .iter()
        .chain(message.html_body.iter())
        .take(MAX_PARTS * 2);
    let mut seen = Vec::new();
    for id in parts {
        if seen.contains(id) || seen.len() >= MAX_PARTS {
            continue;
        }
        seen.push(*id);
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(t) => push_capped(&mut plain, t),
            PartType::Html(h) => {
                let h = &h[..floor_char_boundary(h, MAX_PART_TEXT * 4)];
                let text = html::to_text(h, MAX_PART_TEXT);
                push_capped(&mut html_text, &text);
            }
            _ => {}
        }
    }
    let has_digit = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    let plain_carries = !plain.trim().is_empty() && (has_digit(&plain) || !has_digit(&html_text));
    if plain_carries || html_text.trim().is_empty() {
        plain
    } else {
        html_text
    }
}

fn push_capped(out: &mut String, text: &str) {
    let room = (MAX_PARTS * MAX_PART_TEXT).saturating_sub(out.len());
    let take = floor_char_boundary(text, room.min(MAX_PART_TEXT));
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&text[..take]);
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn unfold(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
