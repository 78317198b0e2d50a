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
mod context;
mod kinds;
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
use context::{
    in_a_sales_pitch, labelled_not_code, plausible_in_context, sentence_ends, spent,
    verification_named,
};
use kinds::{labelled_for_something_else, meeting_invite, not_for_signing_in, quoted_reply};
use lexicon::{Cue, LEXICON, VALIDITY_WEIGHT};
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
pub(crate) struct Phrase {
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
pub(crate) const LONG_WORD: usize = 128;

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
