//! The one-time-code extractor: from a message's subject and text to the code a person types
//! into the portal's box, and how long it stays valid.
//!
//! ```
//! use std::time::Duration;
//! let found = keydesk::extract::extract(
//!     "Your Cigna verification code",
//!     "Your code is 482 913. It expires in 10 minutes. Questions? Call 800.981.9114.",
//! )
//! .expect("a code");
//! assert_eq!(found.code.expose(), "482913");
//! assert_eq!(found.lifetime, Some(Duration::from_secs(600)));
//! ```
//!
//! How it decides, in order:
//! 1. **Candidates** (`candidates.rs`): runs of letters and digits of a code's shape, with digit
//!    groups joined and phones, dates, times and amounts set aside by their punctuation.
//! 2. **Context**: each candidate is dropped when it touches a URL or e-mail address, a
//!    currency sign, a unit ("10 minutes"), a state abbreviation (ZIP code), or stands right
//!    after a label of a number that is not a code (claim, order, member, NPI, phone…).
//! 3. **Keyword gate and proximity**: a candidate scores only when a phrase that labels a code
//!    ("verification code", "código", "验证码", "passcode"…) stands within that phrase's reach;
//!    the nearer, the higher. A message that is nothing but a code (a forwarded text) counts too.
//! 4. The best score wins; "was used" next to it means the code is spent and nothing is returned.

mod candidates;
mod lexicon;
mod lifetime;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod rules_tests;
mod text;

use std::time::Duration;

use crate::Secret;
use candidates::{Candidate, Shape};
use lexicon::{Cue, LEXICON, STATES, STREET_WORDS, UNITS_AFTER, VALIDITY_WEIGHT};
use text::Text;

pub use lifetime::lifetime;

/// A code found in a message.
#[derive(Debug)]
pub struct Extracted {
    /// The code as the person types it: digit groups joined, Google's `G-` dropped.
    pub code: Secret,
    /// How long the message says the code stays valid, when it says so.
    pub lifetime: Option<Duration>,
}

/// The shape of a portal's codes: how many characters, and whether letters occur. A shape says
/// nothing of a code's value, so it may be stored and learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeShape {
    /// Characters typed.
    pub len: u8,
    /// Letters occur besides digits.
    pub letters: bool,
}

impl CodeShape {
    /// The shape of a code as typed; `None` for anything but 3 to 12 ASCII letters and digits.
    pub fn of(code: &str) -> Option<Self> {
        let ok = (3..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
        ok.then(|| Self {
            len: code.len() as u8,
            letters: code.bytes().any(|b| b.is_ascii_alphabetic()),
        })
    }
}

/// Finds the one-time code in a message, if it carries one.
///
/// `subject` may be empty (a text message). Only the first 16 Ki characters are read.
pub fn extract(subject: &str, body: &str) -> Option<Extracted> {
    extract_expecting(subject, body, &[])
}

/// As [`extract`], for a message known to come from a portal whose codes take one of the
/// `expected` shapes (from its preset, and learned from its earlier codes): a candidate of such
/// a shape is preferred to others, and a shape that is otherwise a code only when labelled right
/// beside it (`740 3918` for a portal of seven-digit codes) counts as any other candidate.
pub fn extract_expecting(subject: &str, body: &str, expected: &[CodeShape]) -> Option<Extracted> {
    let text = Text::new(&[subject, body]);
    let (code, code_end) = find_code(&text, expected)?;
    Some(Extracted {
        code: Secret::new(code),
        lifetime: lifetime::lifetime_in(&text, Some(code_end)),
    })
}

/// A matched phrase, in character positions.
#[derive(Clone, Copy, Debug)]
struct Phrase {
    start: usize,
    end: usize,
    cue: Cue,
}

fn phrases(text: &Text) -> Vec<Phrase> {
    let mut out = Vec::new();
    phrases_in(text, 0, text.lower.len(), &mut out);
    out
}

/// The phrases in `lower[from..to]`. A match that is not a whole word ("pass code" inside
/// "bypass code") hides the phrases inside it ("code"), so those are looked for again.
fn phrases_in(text: &Text, from: usize, to: usize, out: &mut Vec<Phrase>) {
    let lex = &*LEXICON;
    for m in lex.matcher.find_iter(&text.lower[from..to]) {
        let (m_start, m_end) = (from + m.start(), from + m.end());
        let start = text.char_of_byte[m_start] as usize;
        let end = text.char_of_byte[m_end - 1] as usize + 1;
        let id = m.pattern().as_usize();
        if lex.bounded[id] && !on_word_boundaries(text, start, end) {
            let next = text.lower[m_start..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            if m_start + next < m_end {
                phrases_in(text, m_start + next, m_end, out);
            }
            continue;
        }
        out.push(Phrase {
            start,
            end,
            cue: lex.cues[id],
        });
    }
}

/// A Latin-script phrase must start and end a word; a camel-case join (`VerifyCode`) and a
/// plural `s` count as boundaries.
fn on_word_boundaries(text: &Text, start: usize, end: usize) -> bool {
    let letter = |c: char| c.is_alphabetic();
    let left_ok = match start.checked_sub(1).and_then(|i| text.get(i)) {
        None => true,
        Some(p) => {
            !letter(p) || (p.is_lowercase() && text.get(start).is_some_and(char::is_uppercase))
        }
    };
    let right_ok = match text.get(end) {
        None => true,
        Some('s') => !text.get(end + 1).is_some_and(letter),
        Some(n) => {
            !letter(n) || (n.is_uppercase() && text.get(end - 1).is_some_and(char::is_lowercase))
        }
    };
    left_ok && right_ok
}

/// The code and where it ends.
fn find_code(text: &Text, expected: &[CodeShape]) -> Option<(String, usize)> {
    let candidates = candidates::candidates(text);
    if candidates.is_empty() {
        return None;
    }
    if let Some(code) = whole_message_code(text, &candidates) {
        return Some((code, text.len()));
    }
    let phrases = phrases(text);
    let quoted_from = quoted_reply(text).unwrap_or(usize::MAX);
    let mut best: Option<(i32, &Candidate)> = None;
    // Candidates that nothing around them rules out, scored or not: a list's other items.
    let mut plausible: Vec<&Candidate> = Vec::new();
    for (index, cand) in candidates.iter().enumerate().take(MAX_CANDIDATES) {
        // Only phrases within reach of the candidate are read: the work per candidate is
        // bounded, so a message full of code-like tokens and phrases costs linear time.
        let phrases = near(&phrases, cand);
        if cand.start >= quoted_from
            || !plausible_in_context(text, cand)
            || labelled_not_code(text, cand, phrases)
            || (in_a_sales_pitch(text, cand) && !verification_named(text, cand, phrases))
        {
            continue;
        }
        // "code 662019 has been canceled … your new code is 318840": a code the message
        // reports spent or replaced is never the one; another may be.
        // Only up to the next number: "219 744. The earlier code (558 302) is no longer
        // valid" speaks of the second.
        let next_number = candidates[index + 1..]
            .iter()
            .take(8)
            .find(|c| c.start >= cand.end && matches!(c.shape, Shape::Digits | Shape::Mixed))
            .map_or(usize::MAX, |c| c.start);
        if spent(text, cand, phrases, next_number) {
            continue;
        }
        plausible.push(cand);
        let listed = cand.strict && in_a_list(text, cand, &candidates, index);
        let Some(score) = score(text, cand, phrases, expected, listed) else {
            continue;
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, cand));
        }
    }
    let (_, cand) = best?;
    let cand = first_of_a_list(text, cand, &plausible);
    let phrases = near(&phrases, cand);
    if labelled_for_something_else(text, cand, phrases)
        || meeting_invite(text)
        || not_for_signing_in(text)
    {
        return None;
    }
    Some((cand.code.clone(), cand.end))
}

/// A batch of codes printed as a list ("1. 51927364", "2. 80413752", or one per line): the
/// first is the one to type now. When the winner is an item of such a list, the list's first
/// item of the same shape and length wins instead, labelled or not.
fn first_of_a_list<'c>(
    text: &Text,
    best: &'c Candidate,
    plausible: &[&'c Candidate],
) -> &'c Candidate {
    if !list_item(text, best) {
        return best;
    }
    plausible
        .iter()
        .copied()
        .filter(|c| c.start < best.start && same_kind(c, best) && list_item(text, c))
        .min_by_key(|c| c.start)
        .filter(|first| lines_between(text, first, best) <= 10)
        .unwrap_or(best)
}

/// The candidate is an item of a list of at least three codes of its kind, one per line
/// ("#1  502 118 934", "#2  771 093 215"…): the list is what labels it.
fn in_a_list(text: &Text, cand: &Candidate, candidates: &[Candidate], index: usize) -> bool {
    if !list_item(text, cand) {
        return false;
    }
    let near = &candidates[index.saturating_sub(12)..(index + 13).min(candidates.len())];
    near.iter()
        .filter(|c| c.start != cand.start && same_kind(c, cand) && list_item(text, c))
        .filter(|c| {
            let (a, b) = if c.start < cand.start {
                (*c, cand)
            } else {
                (cand, *c)
            };
            lines_between(text, a, b) <= 10
        })
        .count()
        >= 2
}

fn same_kind(a: &Candidate, b: &Candidate) -> bool {
    a.code.len() == b.code.len() && a.shape == b.shape
}

fn lines_between(text: &Text, first: &Candidate, last: &Candidate) -> usize {
    text.chars[first.end..last.start]
        .iter()
        .filter(|c| **c == '\n')
        .count()
}

/// The candidate fills its line but for a list marker before it: "1.", "2)", "#3", "-", "•".
fn list_item(text: &Text, c: &Candidate) -> bool {
    let line_start = (c.start.saturating_sub(LONG_WORD)..c.start)
        .rev()
        .find(|&i| text.chars[i] == '\n')
        .map_or(0, |i| i + 1);
    let marker: String = text.chars[line_start..c.start].iter().collect();
    let marker = marker.trim();
    let numbered = |m: &str| !m.is_empty() && m.len() <= 2 && m.bytes().all(|b| b.is_ascii_digit());
    let is_marker = marker.is_empty()
        || matches!(marker, "-" | "•" | "*")
        || marker.strip_suffix(['.', ')']).is_some_and(numbered)
        || marker.strip_prefix('#').is_some_and(numbered);
    let ends_line = text.chars[c.end..]
        .iter()
        .take_while(|ch| **ch != '\n')
        .all(|ch| ch.is_whitespace());
    is_marker && ends_line
}

/// Candidates weighed per message: a real message has a few dozen code-shaped tokens; the rest
/// of a message with thousands is never read.
const MAX_CANDIDATES: usize = 200;

/// The farthest any rule looks from a candidate to a phrase: the longest reach of a code
/// phrase in the lexicon, and the label rules' 20 + 60 characters.
const REACH: usize = 240;

/// The phrases that start or end within [`REACH`] of the candidate (phrases come in text
/// order and do not overlap, so both ends are sorted).
fn near<'p>(phrases: &'p [Phrase], cand: &Candidate) -> &'p [Phrase] {
    let from = phrases.partition_point(|p| p.end + REACH < cand.start);
    let to = phrases.partition_point(|p| p.start <= cand.end + REACH);
    &phrases[from..to.max(from)]
}

/// A forwarded text that is nothing but the code (`2715`, `G-830829`, `5WGU8G`).
fn whole_message_code(text: &Text, candidates: &[Candidate]) -> Option<String> {
    let [only] = candidates else { return None };
    let rest = |range: std::ops::Range<usize>| {
        text.chars[range]
            .iter()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '.' | 'G'))
    };
    let strong_shape = match only.shape {
        Shape::Digits => only.code.len() >= 4,
        Shape::Mixed => true,
        _ => false,
    };
    (strong_shape && rest(0..only.start) && rest(only.end..text.len())).then(|| only.code.clone())
}

/// The longest stretch of ASCII without a space read on either side of a candidate.
const LONG_WORD: usize = 128;

/// Drops candidates whose immediate surroundings say what they are: part of a URL or address,
/// an amount, a quantity, a ZIP code, or a year.
fn plausible_in_context(text: &Text, cand: &Candidate) -> bool {
    let chars = &text.chars;
    // The ASCII "word" around the candidate: a URL, e-mail address, hash or path. A word
    // longer than [`LONG_WORD`] on either side is machine text (a token, base64, a run with
    // no spaces), never where a code is printed; looking no further keeps this bounded.
    let mut s = cand.start;
    while s > 0 && chars[s - 1].is_ascii() && !chars[s - 1].is_ascii_whitespace() {
        s -= 1;
        if cand.start - s > LONG_WORD {
            return false;
        }
    }
    let mut e = cand.end;
    while e < chars.len() && chars[e].is_ascii() && !chars[e].is_ascii_whitespace() {
        e += 1;
        if e - cand.end > LONG_WORD {
            return false;
        }
    }
    let word: String = chars[s..e].iter().collect();
    if word.contains("://")
        || word.contains("www.")
        || word
            .chars()
            .any(|c| matches!(c, '/' | '@' | '=' | '?' | '&' | '+' | '\\' | '~' | '%'))
    {
        return false;
    }
    let before = cand.start.checked_sub(1).and_then(|i| text.get(i));
    let before2 = cand.start.checked_sub(2).and_then(|i| text.get(i));
    // "PWCHG-88120", "NG-4410": the number part of an identifier (Google's "G-" aside).
    let googles = before2 == Some('G')
        && cand
            .start
            .checked_sub(3)
            .and_then(|i| text.get(i))
            .is_none_or(|c| !c.is_alphanumeric());
    if before == Some('-') && before2.is_some_and(|c| c.is_ascii_alphabetic()) && !googles {
        return false;
    }
    if an_example(text, cand) {
        return false;
    }
    if matches!(before, Some('$' | '£' | '€' | '¥' | '₹' | '#' | '.' | '©'))
        || (before == Some(' ') && matches!(before2, Some('$' | '£' | '€' | '¥' | '₹' | '©')))
    {
        return false;
    }
    if text.get(cand.end) == Some('.') && text.get(cand.end + 1).is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    // "(***) ***-4821", "XXX-XXX-0199": the visible end of a masked number.
    let mut k = cand.start;
    while k > 0 && cand.start - k < 3 && matches!(chars[k - 1], '-' | '.' | ' ' | ')') {
        k -= 1;
    }
    // "••••0093" with nothing between takes three ("**194 603**" is bold).
    let mask = |c: char| matches!(c, '*' | '•' | '●' | 'x' | 'X');
    let masked = |n: usize| k >= n && chars[k - n..k].iter().all(|c| mask(*c));
    if (k < cand.start && masked(2)) || masked(3) {
        return false;
    }
    // A unit right after: "15 minutes", "20 USD".
    let after = text.lower_slice(cand.end, cand.end + 10);
    let after = after.trim_start_matches([' ', '-']);
    if after.len() < text.lower_slice(cand.end, cand.end + 10).len() || after.starts_with('%') {
        let next_word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        if UNITS_AFTER.contains(&next_word.as_str()) || after.starts_with('%') {
            return false;
        }
    }
    // "5555 Gate Parkway": a street number.
    if cand.shape == Shape::Digits {
        let after = text.lower_slice(cand.end, cand.end + 40);
        // The clause ends at a full stop, but not at the one of "N." or "St.".
        let mut end = after.len();
        let mut word_len = 0;
        for (i, c) in after.char_indices() {
            let abbreviation = c == '.' && (word_len == 1 || after[..i].ends_with("st"));
            if matches!(c, '\n' | ',' | ';') || (c == '.' && !abbreviation) {
                end = i;
                break;
            }
            word_len = if c.is_alphabetic() { word_len + 1 } else { 0 };
        }
        let same_clause = &after[..end];
        let street = same_clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(4)
            .any(|w| STREET_WORDS.contains(&w));
        if street {
            return false;
        }
        // "text STOP to 85069": a short code to send a text to.
        let before = text.lower_slice(cand.start.saturating_sub(40), cand.start);
        let to_before = before.trim_end_matches([' ', ':']).ends_with(" to");
        let texting = ["text", "txt", "send", "reply", "sms"]
            .iter()
            .any(|w| before.contains(w));
        // "أرسل STOP إلى 55012", "envía STOP al 55012": the carrier's opt-out word, in any
        // language's sentence, is sent to a short code.
        let near_before: String = chars[cand.start.saturating_sub(25)..cand.start]
            .iter()
            .collect();
        if (to_before && texting) || near_before.contains("STOP") {
            return false;
        }
    }
    // "Bloomfield, CT 06002": a ZIP code.
    if cand.shape == Shape::Digits && cand.code.len() == 5 && cand.start >= 3 {
        let state: String = chars[cand.start - 3..cand.start - 1].iter().collect();
        if chars[cand.start - 1] == ' ' && STATES.contains(&state.as_str()) {
            return false;
        }
        // "…، 1200 شارع ماين، ديربورن، ميشيغان 48126": five digits ending an address line (a
        // street word before them on the line), whatever the script of the state's name.
        let ends_line = text.get(cand.end).is_none_or(|c| matches!(c, '\n' | '.'));
        let line = text.lower_slice(cand.start.saturating_sub(160), cand.start);
        let line = line.rsplit('\n').next().unwrap_or_default();
        let words: Vec<&str> = line
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // A street number with its street word: "1200 شارع", "55 Maple Circle".
        let street = words.iter().enumerate().any(|(i, w)| {
            (1..=5).contains(&w.len())
                && w.bytes().all(|b| b.is_ascii_digit())
                && words[i + 1..]
                    .iter()
                    .take(3)
                    .any(|n| STREET_WORDS.contains(n))
        });
        if ends_line && street {
            return false;
        }
    }
    true
}

/// Where a reply ("Re: …", or one that says "… wrote:") starts quoting the earlier messages
/// ("> …", "On … wrote:", "From: … Sent:"): a code in them is an old one the reply speaks of.
/// A forward is quoted to be read, and a message that is not a reply may start with its own
/// headers, so for those `None`.
fn quoted_reply(text: &Text) -> Option<usize> {
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

/// The candidate opens its line, and the line before it ends with a colon after a phrase that
/// can only name a one-time code: "Your one-time code for the portal is:\n\nR4T9-WK".
fn introduced(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
    let mut k = cand.start;
    let mut newline = false;
    while k > 0 && text.chars[k - 1].is_whitespace() {
        newline |= text.chars[k - 1] == '\n';
        k -= 1;
    }
    if !newline || k == 0 {
        return false;
    }
    let line_end = k;
    let line_start = (line_end.saturating_sub(240)..line_end)
        .rev()
        .find(|&i| text.chars[i] == '\n')
        .map_or(0, |i| i + 1);
    let colon = matches!(text.chars[line_end - 1], ':' | '：');
    // Without a colon, only a code that has its line to itself ("…letras maiúsculas de
    // minúsculas.\nRt8Wq2\n").
    let alone = text.chars[cand.end..]
        .iter()
        .take_while(|c| **c != '\n')
        .all(|c| c.is_whitespace());
    (colon || alone)
        && phrases.iter().any(|p| {
            matches!(p.cue, Cue::Code { weight, .. } if weight >= 100)
                && p.start >= line_start
                && p.end <= line_end
                && (!colon || line_end - p.end <= 80)
        })
}

/// Whether `gap` holds a sentence's end followed by more words.
fn sentence_ends(gap: &[char]) -> bool {
    gap.windows(2).any(|w| {
        (matches!(w[0], '.' | '!' | '?') && w[1] == ' ') || matches!(w[0], '。' | '！' | '？' | '।')
    })
}

/// "Fake codes like 123456", "por exemplo, \"123456\"", a code looks like "Your code is
/// 123456": a number given as an example, in the words before it or before the quotation
/// that holds it.
fn an_example(text: &Text, cand: &Candidate) -> bool {
    const EXAMPLE: &[&str] = &[
        "like",
        "reads",
        "that reads",
        "that says",
        "which says",
        "like this",
        "like this one",
        "como esta",
        "como este",
        "comme celui-ci",
        "such as",
        "e.g.",
        "e.g",
        "example",
        "for instance",
        "ejemplo",
        "exemplo",
        "exemple",
        "beispiel",
        "esempio",
        "ví dụ",
        "halimbawa",
        "例如",
        "예를 들어",
        "например",
    ];
    let ends_with_example = |s: &str| {
        let s = s.trim_end_matches([' ', '\n', ':', ',', '"', '“', '«', '\'']);
        EXAMPLE.iter().any(|w| s.ends_with(w))
    };
    let from = cand.start.saturating_sub(40);
    if ends_with_example(&text.lower_slice(from, cand.start)) {
        return true;
    }
    // The quotation the candidate stands in, on its line.
    let quote = (cand.start.saturating_sub(160)..cand.start)
        .rev()
        .take_while(|&i| text.chars[i] != '\n')
        .find(|&i| matches!(text.chars[i], '"' | '“' | '«'));
    quote.is_some_and(|q| ends_with_example(&text.lower_slice(q.saturating_sub(30), q)))
}

/// "30% off with code FALL2024 at checkout": a code in the same sentence as words of a sale is
/// a discount, even where the word "promo" is missing.
fn in_a_sales_pitch(text: &Text, cand: &Candidate) -> bool {
    const SALE: &[&str] = &[
        "% off",
        " off your",
        " off with",
        " off at",
        " discount",
        " coupon",
        "% de descuento",
        " descuento",
        " promo",
        "promocional",
        " cupón",
        " cupon",
    ];
    let ends = |c: &char| matches!(c, '.' | '!' | '?' | '\n');
    let from = (cand.start.saturating_sub(120)..cand.start)
        .rev()
        .find(|&i| text.chars.get(i).is_some_and(ends))
        .map_or(cand.start.saturating_sub(120), |i| i + 1);
    let to = (cand.end..(cand.end + 120).min(text.len()))
        .find(|&i| text.chars.get(i).is_some_and(ends))
        .unwrap_or((cand.end + 120).min(text.len()));
    let sentence = text.lower_slice(from, to);
    let percent_saved = sentence.contains('%')
        && ["save", "saving", "ahorra", "ahorro"]
            .iter()
            .any(|w| sentence.contains(w));
    if percent_saved || SALE.iter().any(|w| sentence.contains(w)) {
        return true;
    }
    // "Use code SAVE25 at checkout", "WINTER24": a word with a number after it is a coupon
    // in a message about buying, wherever the message says so.
    let word_then_number = {
        let letters = cand.code.bytes().take_while(u8::is_ascii_uppercase).count();
        let rest = &cand.code.as_bytes()[letters..];
        letters >= 3 && !rest.is_empty() && rest.len() <= 4 && rest.iter().all(u8::is_ascii_digit)
    };
    // "Show code 2847 at checkout", "Register with code EARLY150 to save $150".
    // (The whole message is searched only for a candidate that could be a coupon.)
    let couponish = word_then_number || sentence.contains("checkout") || sentence.contains("save");
    if couponish
        && ["save $", "coupon", "% off", "discount", "early bird"]
            .iter()
            .any(|w| text.lower.contains(w))
    {
        return true;
    }
    word_then_number
        && [
            "checkout", "order", "shop", "sale", "savings", "%", "shipping", "compra",
        ]
        .iter()
        .any(|w| text.lower.contains(w))
}

/// True when a phrase that can only mean a one-time code ("verification code", "código de
/// verificación", "one-time", "passcode" — not the bare "code") stands within 80 characters.
fn verification_named(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
    phrases.iter().any(|p| {
        let Cue::Code { weight, .. } = p.cue else {
            return false;
        };
        let words = text.lower_slice(p.start, p.end);
        let near = (p.end <= cand.start && cand.start - p.end <= 80)
            || (cand.end <= p.start && p.start - cand.end <= 80);
        // The bare word for "code" in each language says nothing of what kind.
        let bare = matches!(
            words.as_str(),
            "code"
                | "código"
                | "codigo"
                | "codice"
                | "pin"
                | "رمز"
                | "كود"
                | "کد"
                | "код"
                | "kod"
                | "kòd"
                | "코드"
                | "コード"
                | "代码"
        );
        near && weight >= 100 && !bare
    })
}

/// True when a label of a non-code number stands right before the candidate ("Claim #
/// 12345678", "member ID: 12345678") or right after it ("12345678 is your claim number").
fn labelled_not_code(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
    let before = phrases.iter().rev().find(|p| p.end <= cand.start);
    if let Some(p) = before
        && p.cue == Cue::NotCode
        && cand.start - p.end <= 20
    {
        let gap = text.lower_slice(p.end, cand.start);
        // "Code de procédure (CPT) : 99214": a label in brackets of its own.
        let bracketed = p.start > 0 && text.get(p.start - 1) == Some('(');
        let gap = gap.strip_prefix(')').filter(|_| bracketed).unwrap_or(&gap);
        let gap = gap.trim_matches(|c: char| c.is_whitespace() || ":#.-=(".contains(c));
        let joined_by_is = matches!(gap, "is" | "es" | "is:");
        let bare = gap.is_empty()
            || matches!(
                gap,
                "no" | "no." | "number" | "id" | "number is" | "ending in"
            );
        // "CVS Pharmacy: 631045 is your verification code": the label is the sender's name.
        let named_a_code_after = phrases
            .iter()
            .find(|q| q.start >= cand.end)
            .is_some_and(|q| {
                matches!(q.cue, Cue::Code { weight, .. } if weight >= 100)
                    && q.start - cand.end <= 30
                    && {
                        let gap = text.lower_slice(cand.end, q.start);
                        let words: Vec<&str> = gap.split_whitespace().collect();
                        // "is your CVS verification code": the sender's name may come again.
                        // ("ID.me": a dot inside a word is no sentence's end.)
                        !gap.contains(['\n', ',', ';'])
                            && !gap.contains(". ")
                            && matches!(words.first(), Some(&("is" | "es")))
                            && matches!(words.get(1), Some(&("your" | "the" | "su" | "tu" | "el")))
                            && words.len() <= 4
                    }
            });
        // "Use the code below to sign in to your provider account:\n481907": the label ends a
        // sentence that is about the code, it labels nothing after it.
        let ends_a_code_sentence = phrases.iter().any(|q| {
            matches!(q.cue, Cue::Code { weight, .. } if weight >= 70)
                && q.end <= p.start
                && p.start - q.end <= 80
                && !text.chars[q.end..p.start]
                    .iter()
                    .any(|c| matches!(c, '\n' | '.' | '!' | '?' | ';'))
        }) && text.chars[p.end..cand.start].contains(&'\n');
        // "came to my phone 3316 75": a phone number has seven digits at least.
        let label = text.lower_slice(p.start, p.end);
        let phone_too_short = [
            "phone",
            "tel",
            "cell",
            "mobile",
            "fax",
            "teléfono",
            "celular",
        ]
        .contains(&label.as_str())
            && cand.code.len() < 7;
        if bare && !named_a_code_after && !ends_a_code_sentence && !phone_too_short {
            return true;
        }
        if joined_by_is {
            // "the code for your account is 123456": a code phrase before the label wins.
            let code_before = phrases.iter().any(|q| {
                matches!(q.cue, Cue::Code { weight, .. } if weight >= 70)
                    && q.end <= p.start
                    && p.start - q.end <= 60
            });
            return !code_before;
        }
    }
    let mut after = phrases.iter().skip_while(|p| p.start < cand.end);
    if let Some(p) = after.next()
        && p.cue == Cue::NotCode
        && p.start - cand.end <= 20
    {
        // "Use 5677 as Microsoft account security code": the label qualifies a code phrase.
        // "482091 is your ID.me verification code": so does a brand name ending in one.
        let qualifies_code = after.next().is_some_and(|q| {
            let between = text.lower_slice(p.end, q.start);
            matches!(q.cue, Cue::Code { weight, .. } if weight >= 70)
                && q.start - p.end <= 8
                && !between.contains(". ")
                && !between.contains('\n')
        });
        // Only a label that names the number: "12345678 is your claim number".
        let gap = text.lower_slice(cand.end, p.start);
        // "your 0930 appointment": the label right after the number names it too.
        let right_after = gap.trim().is_empty() && !gap.contains('\n');
        let names_it = right_after
            || !gap.trim().is_empty()
                && !gap.contains(['\n', '.', ','])
                && gap.split_whitespace().all(|w| {
                    matches!(
                        w,
                        "is" | "your"
                            | "the"
                            | "our"
                            | "a"
                            | "an"
                            | "es"
                            | "su"
                            | "tu"
                            | "de"
                            | "was"
                    )
                });
        return !qualifies_code && names_it;
    }
    false
}

/// The candidate's score from the nearest code phrases, or `None` when none is in reach.
/// `listed`: the candidate is an item of a list of codes of its kind ([`in_a_list`]).
fn score(
    text: &Text,
    cand: &Candidate,
    phrases: &[Phrase],
    expected: &[CodeShape],
    listed: bool,
) -> Option<i32> {
    let mut best: Option<i32> = cand.self_labelled.then_some(100);
    let line_edge = |i: Option<char>| i.is_none_or(|c| c == '\n');
    let alone = line_edge(cand.start.checked_sub(1).and_then(|i| text.get(i)))
        || line_edge(
            text.chars[cand.end..]
                .iter()
                .copied()
                .find(|c| !matches!(c, ' ' | '.' | ',' | ')' | ']')),
        );
    let mut direct = cand.self_labelled;
    let mut direct_before = false;
    let mut labelled_sentence = false;
    for p in phrases {
        let Cue::Code {
            weight,
            before,
            after,
        } = p.cue
        else {
            continue;
        };
        // `before`: the code stands before the phrase; `after`: after it.
        let (distance, reach) = if p.end <= cand.start {
            (cand.start - p.end, after)
        } else if cand.end <= p.start {
            (p.start - cand.end, before)
        } else {
            continue;
        };
        if distance > reach {
            continue;
        }
        // "(… Los Angeles 90012). Never tell anyone your code": a phrase in a later sentence
        // does not name a number inside an earlier one; a number on a line of its own (or
        // opening the message) may still be named by the sentence below it, and "X. Valid for
        // 10 minutes" still supports the number it follows.
        if cand.end <= p.start
            && weight > VALIDITY_WEIGHT
            && !alone
            && sentence_ends(&text.chars[cand.end..p.start])
        {
            continue;
        }
        // "code: X", "code is X", "X is your code".
        let close = if p.end <= cand.start { 4 } else { 10 };
        // "code is: X", "código es: X", "mã là X": a short joining word counts as beside it.
        let joined = p.end <= cand.start && distance <= 8 && {
            let gap = text.lower_slice(p.end, cand.start);
            let words: Vec<&str> = gap
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .collect();
            !gap.contains('\n') && words.len() <= 1 && words.iter().all(|w| w.chars().count() <= 3)
        };
        if (distance <= close || joined) && weight >= 70 {
            direct = true;
            direct_before |= p.end <= cand.start;
        }
        // "Enter this reset code on the reset page: b7k2mq": the code phrase opens the
        // sentence the candidate ends.
        labelled_sentence |= p.end <= cand.start
            && weight >= 100
            && distance <= 100
            && !sentence_ends(&text.chars[p.end..cand.start])
            && !text.chars[p.end..cand.start].contains(&'\n');
        let s = weight - (weight * distance as i32) / (reach as i32 + 1);
        best = Some(best.map_or(s, |b| b.max(s)));
    }
    let mut score = best?;
    let len = cand.code.len();
    match cand.shape {
        Shape::Digits if len == 3 => {
            // Three digits only right after the word: "enter code 548".
            let before = text.lower_slice(cand.start.saturating_sub(10), cand.start);
            let label = before.trim_end_matches([' ', ':']);
            if !["code", "código", "codigo", "pin"]
                .iter()
                .any(|w| label.ends_with(w))
            {
                return None;
            }
        }
        Shape::Digits => {
            let year = len == 4 && (cand.code.starts_with("19") || cand.code.starts_with("20"));
            if year && !direct {
                return None;
            }
            score += if len == 6 { 12 } else { 6 };
        }
        Shape::Mixed => score += 4,
        Shape::MixedCase => {
            let ends_sentence = text
                .get(cand.end)
                .is_none_or(|c| matches!(c, '\n' | '.' | ' '))
                && text
                    .get(cand.start.wrapping_sub(1))
                    .is_some_and(|c| c == ' ')
                && cand.code.bytes().filter(u8::is_ascii_digit).count() >= 2;
            // One character per line or cell is a code laid out to be typed ("K\n7\nq\n2…").
            let laid_out = text.chars[cand.start..cand.end]
                .iter()
                .any(|c| matches!(c, '\n' | '|'));
            if !(direct_before
                || labelled_sentence && ends_sentence
                || laid_out
                || introduced(text, cand, phrases))
            {
                return None;
            }
        }
        Shape::Letters => {
            let label_colon = text.lower_slice(cand.start.saturating_sub(2), cand.start);
            let line_end = text.get(cand.end).is_none_or(|c| c == '\n' || c == '.');
            if !direct_before || !label_colon.contains(':') || !line_end {
                return None;
            }
        }
    }
    let portal_shape = CodeShape::of(&cand.code).is_some_and(|s| expected.contains(&s));
    // "HbA1c (001453)": a number in brackets after a name is that thing's number.
    let bracketed =
        cand.start > 0 && text.get(cand.start - 1) == Some('(') && text.get(cand.end) == Some(')');
    // "… code … ay K7Q2M.", "Your code is:\n\nR4T9-WK": named by the sentence it ends, or
    // by the line that introduces it with a colon.
    let ends_clause = text
        .get(cand.end)
        .is_none_or(|c| matches!(c, '\n' | '.' | '!'));
    let named = direct || (labelled_sentence && ends_clause) || introduced(text, cand, phrases);
    if (cand.strict && !listed || bracketed) && !named && !portal_shape {
        return None;
    }
    if direct {
        score += 20;
    }
    if !expected.is_empty() {
        // The portal's own shape is the likelier code; another may still be, when labelled.
        score += if portal_shape { 15 } else { -25 };
    }
    (score >= 25).then_some(score)
}

/// A code-like label that, in this message, names something else: "Confirmation code: 7QX4M2"
/// in an appointment or flight notice (a booking's reference), "Auth code: 04821B" on a card
/// receipt, "PIN: 0419" of a gift card. Only when that label stands right before the candidate
/// and nothing in the message is about signing in or verifying.
fn labelled_for_something_else(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
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
fn about_signing_in(text: &Text, accounts: bool) -> bool {
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
fn not_for_signing_in(text: &Text) -> bool {
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
fn meeting_invite(text: &Text) -> bool {
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

/// "Your code 123456 was used to sign in": the message reports a spent code.
/// Not when the message only says what to do if it were: "If it has expired, select Resend".
fn spent(text: &Text, cand: &Candidate, phrases: &[Phrase], next_number: usize) -> bool {
    phrases.iter().any(|p| {
        let supposed = || {
            let lead = text.lower_slice(p.start.saturating_sub(16), p.start);
            ["if ", "si ", "once ", "when ", "cuando "]
                .iter()
                .any(|w| lead.contains(w))
        };
        p.cue == Cue::Spent
            && p.start >= cand.end
            && p.start - cand.end <= 60
            && p.start < next_number
            && !supposed()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &str) -> Option<String> {
        extract("", body).map(|e| e.code.expose().to_owned())
    }

    #[test]
    fn a_code_to_disregard_a_billing_code_and_a_training_module_are_not_the_code() {
        assert_eq!(
            code("Waystar: Disregard code 614207. Your correct code is 930582, valid 10 min."),
            Some("930582".into())
        );
        assert_eq!(
            code("Provider bulletin: CDT 2027 code changes apply to claims from January."),
            None
        );
        assert_eq!(
            code("Never read a verification code to anyone. Training due: module SEC-204."),
            None
        );
        assert_eq!(
            code(
                "Use code SCRUBS30 at checkout for 30% off. Free shipping to ZIP codes in the US.\n\
                 MedWear, 2290 Commerce Row, Reno, NV 89502"
            ),
            None
        );
        assert_eq!(
            code("athenahealth: Twój kod weryfikacyjny to 583 196."),
            Some("583196".into())
        );
    }

    #[test]
    fn finds_labelled_codes_in_english_and_spanish() {
        assert_eq!(
            code("Your verification code is 048291."),
            Some("048291".into())
        );
        assert_eq!(
            code("Su código de verificación es: 733 104"),
            Some("733104".into())
        );
        assert_eq!(code("MyChart code: TM3KX2"), Some("TM3KX2".into()));
        assert_eq!(
            code("Use 4820 to confirm the transfer."),
            Some("4820".into())
        );
        assert_eq!(
            code("Enter 803356 to finish signing in to Atlassian."),
            Some("803356".into())
        );
        assert_eq!(code("Code: 83 12 09"), Some("831209".into()));
        assert_eq!(
            code("CVS Pharmacy: 631045 is your verification code."),
            Some("631045".into())
        );
        assert_eq!(
            code("CVS Pharmacy: 488213 is your CVS verification code."),
            Some("488213".into())
        );
        assert_eq!(
            code("Su código de seguridad es 7782 01."),
            Some("778201".into())
        );
        for (body, want) in [
            (
                "Your verification code for the SingleCare prescription discount card is 482913.",
                "482913",
            ),
            (
                "Su código de verificación para su tarjeta de descuento es 482913.",
                "482913",
            ),
            (
                "Enter 482913 at checkout to complete your payment.",
                "482913",
            ),
            (
                "Verification code (for your Mar 14 2026 visit): 482913",
                "482913",
            ),
            ("Your verification code:\n• 482913", "482913"),
            (
                "Your confirmation code is 482913. Enter it on the check-in screen to start your \
                 video visit.",
                "482913",
            ),
            (
                "Use code 482913 to verify your identity and join the meeting.",
                "482913",
            ),
            (
                "ID.me: 482091 is your ID.me verification code. It expires in 15 minutes.",
                "482091",
            ),
            (
                "Please confirm your phone number for appointment reminders. Your confirmation \
                 code is 7730.",
                "7730",
            ),
        ] {
            assert_eq!(code(body), Some(want.into()), "{body}");
        }
        assert_eq!(
            code("Enter this code on the sign-in page:\n\n  8 2 0 4 1 7\n"),
            Some("820417".into())
        );
        assert_eq!(
            code("Enter 51407 within the next 15 minutes to verify your phone number."),
            Some("51407".into())
        );
    }

    #[test]
    fn refuses_numbers_that_are_not_codes() {
        for body in [
            "Your claim number is 48291037. Call 800.981.9114 for help.",
            "Appointment on 03/14/2026 at 10:30 AM. Confirmation #: 58213",
            "Member ID: 84736291. Your balance is $1,234.56.",
            "Use promo code SAVE2026 for 20% off",
            "Take 30% off with code FALL2024 at checkout.",
            "We sent a 6-digit verification code to (***) ***-4821. Enter it to continue.",
            "Your appointment is confirmed for 04/02 at 8:15 AM. Confirmation code: 7QX4M2.",
            "Dial-in: +1 646-555-0123, Access code: 482 9103#.",
            "Tu código promocional para tu próxima visita es SALUD25. Válido hasta el 30/04.",
            "Save 25% on paper and ink with code SPRING25. Offer valid through 04/30.",
            "Meeting ID: 938 1200 4712\nPasscode: 481920",
            "Le enviamos un código de verificación al teléfono que termina en 4821.",
            "Member ID: 84736291 is required for verification when you call.",
            "Reply Y to confirm your 0930 appointment on 03/14.",
            "Please confirm your visit at 1400.",
            "Please call us at 555 0199 to confirm your appointment.",
            "Webex meeting\nMeeting number (access code): 2634 118 4402\nMeeting password: uT4mPq7K",
            "Card: Mastercard •••• 5531\nAuth code: 04821B\nApproval: 118204",
            "Prenotazione confermata. Codice prenotazione: 4KX92M.",
            "Your e-gift card number: 6104 2291 8830 4472, PIN: 0419. Balance: $50.00.",
            "Your prior authorization for MRI (CPT 72148) expires on 05/15/2025.",
            "Video visit on 04/10 at 3:30 PM. Join from MyChart 15 minutes early. Meeting PIN: 5521.",
            "Your order confirmation code is 772049. Show it at the pickup counter.",
            "Questions? Call (800) 555-0199 or write to PO Box 1234, Hartford, CT 06002.",
        ] {
            assert_eq!(code(body), None, "{body}");
        }
    }

    #[test]
    fn a_spent_code_is_not_offered() {
        assert_eq!(
            code("Your verification code 482913 was used to sign in at 9:41."),
            None
        );
    }
}
