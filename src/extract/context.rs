//! What a candidate's surroundings say it is not, whatever phrase stands near it: part of an
//! address, amount, identifier or example, a coupon in a sales pitch, a number a label names
//! (claim, member, phone…), a code the message reports spent or refused.

use super::candidates::{Candidate, Shape};
use super::lexicon::{Cue, STATES, STREET_WORDS, UNITS_AFTER};
use super::text::Text;
use super::{LONG_WORD, Phrase};

/// Drops candidates whose immediate surroundings say what they are: part of a URL or address,
/// an amount, a quantity, a ZIP code, or a year.
pub(super) fn plausible_in_context(text: &Text, cand: &Candidate) -> bool {
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

/// "Fake codes like 123456", "por exemplo, \"123456\"", a code looks like "Your code is
/// 123456": a number given as an example, in the words before it or before the quotation
/// that holds it.
pub(super) fn an_example(text: &Text, cand: &Candidate) -> bool {
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
pub(super) fn in_a_sales_pitch(text: &Text, cand: &Candidate) -> bool {
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
pub(super) fn verification_named(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
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
pub(super) fn labelled_not_code(text: &Text, cand: &Candidate, phrases: &[Phrase]) -> bool {
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

/// "Your code 123456 was used to sign in": the message reports a spent code.
/// Not when the message only says what to do if it were: "If it has expired, select Resend".
pub(super) fn spent(text: &Text, cand: &Candidate, phrases: &[Phrase], next_number: usize) -> bool {
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

/// Whether `gap` holds a sentence's end followed by more words.
pub(super) fn sentence_ends(gap: &[char]) -> bool {
    gap.windows(2).any(|w| {
        (matches!(w[0], '.' | '!' | '?') && w[1] == ' ') || matches!(w[0], '。' | '！' | '？' | '।')
    })
}
