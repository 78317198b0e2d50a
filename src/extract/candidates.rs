//! Strings in a message that could be a one-time code, before any word around them is read.
//!
//! An *atom* is a run of ASCII letters and digits. Atoms joined by `-`, a single space, or
//! `.`/`,`/`/`/`:` form *chains*; a chain decides what its atoms are: `482 913` and `105-876`
//! join into one code, `800.981.9114`, `03/08/2026`, `17:23`, `1,234.56` and
//! `1-800-555-0199` are never codes, and `G-412157` loses Google's prefix.

use super::text::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The code as typed: groups joined, ASCII.
    pub code: String,
    /// Position of the first and one past the last character in the text.
    pub start: usize,
    pub end: usize,
    pub shape: Shape,
    /// The print itself says "one-time code": Google's `G-` prefix.
    pub self_labelled: bool,
    /// A shape that is a code only when labelled right beside it, or when it is the portal's
    /// own shape: a 3+4 split that also reads as a local phone number (`740 3918`), nine
    /// digits (a member ID's or a ZIP+4's length), five letters and digits (`K7Q2M`).
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Digits only.
    Digits,
    /// Letters and digits, letters mostly upper case (`TM3KX2`, `123ABC78`).
    Mixed,
    /// Letters and digits in mixed case (`LeeeSe2`): a code only when clearly labelled.
    MixedCase,
    /// Letters only (`mifsuc`): a code only when clearly labelled.
    Letters,
}

#[derive(Clone, Copy)]
struct Atom {
    start: usize,
    end: usize,
    digits: usize,
    letters: usize,
}

impl Atom {
    fn len(&self) -> usize {
        self.end - self.start
    }
    fn all_digits(&self) -> bool {
        self.digits == self.len()
    }
    fn has_digit(&self) -> bool {
        self.digits > 0
    }
}

/// How two neighbouring atoms are joined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Hyphen,
    Space,
    /// `.`, `,`, `/`, `:` between digits: a date, time, amount, version or dotted phone.
    Numeric,
    /// One character per table cell or per line: `| 9 | 0 | 4 |`, `3\n8\n1`, between
    /// single characters only.
    Cell,
    None,
}

fn atoms(text: &Text) -> Vec<Atom> {
    let mut out = Vec::new();
    let chars = &text.chars;
    let mut i = 0;
    while i < chars.len() {
        if !(chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            i += 1;
            continue;
        }
        let start = i;
        let (mut digits, mut letters, mut underscore) = (0, 0, false);
        while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            match chars[i] {
                '0'..='9' => digits += 1,
                '_' => underscore = true,
                _ => letters += 1,
            }
            i += 1;
        }
        // Identifiers like `_Part_153214_` are machine text, never a code; "Mã", "código9"
        // are pieces of words.
        let in_a_word = |c: Option<&char>| {
            c.is_some_and(|&c| {
                c.is_alphabetic() && matches!(u32::from(c), 0xC0..=0x24F | 0x1E00..=0x1EFF)
            })
        };
        let touches_word =
            in_a_word(start.checked_sub(1).and_then(|p| chars.get(p))) || in_a_word(chars.get(i));
        if !underscore && !touches_word {
            out.push(Atom {
                start,
                end: i,
                digits,
                letters,
            });
        }
    }
    out
}

fn link(text: &Text, a: &Atom, b: &Atom) -> Link {
    let gap = &text.chars[a.end..b.start];
    if a.len() <= 2 && a.start > 0 && text.chars[a.start - 1] == '#' {
        // "#1 502 118 934": a list's number, then the item.
        return Link::None;
    }
    match gap {
        ['-']
            if (a.has_digit() && b.has_digit())
                || text.chars[a.start..a.end] == ['G']
                || ((a.len() == 3 && b.len() == 3 && (a.has_digit() || b.has_digit())
                    // "R4T9-WK": a group of both kinds, not a word and a number ("BMG-7710").
                    || (6..=8).contains(&(a.len() + b.len()))
                        && a.len() >= 2
                        && b.len() >= 2
                        && (a.has_digit() && a.letters > 0 || b.has_digit() && b.letters > 0))
                    && upper_or_digit(text, a)
                    && upper_or_digit(text, b)) =>
        {
            Link::Hyphen
        }
        [' '] if a.all_digits() && b.all_digits() => Link::Space,
        // "3 0 8 - 5 5 2": spaced digits in two groups; "4. 8. 1. 9.": digits read out one by
        // one (a voicemail's transcript).
        [' ', '-', ' '] | ['.', ' '] | [',', ' ']
            if a.len() == 1 && b.len() == 1 && a.all_digits() && b.all_digits() =>
        {
            Link::Space
        }
        gap if a.len() == 1
            && b.len() == 1
            && gap.len() <= 3
            && gap.iter().all(|c| matches!(c, ' ' | '\n' | '|'))
            && (gap.contains(&'|') || gap.contains(&'\n')) =>
        {
            Link::Cell
        }
        ['.' | ',' | '/' | ':'] if a.all_digits() && b.all_digits() => Link::Numeric,
        _ => Link::None,
    }
}

fn upper_or_digit(text: &Text, a: &Atom) -> bool {
    text.chars[a.start..a.end]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Every candidate code in the text, in order.
pub(crate) fn candidates(text: &Text) -> Vec<Candidate> {
    let atoms = atoms(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < atoms.len() {
        let mut j = i;
        let mut links = Vec::new();
        while j + 1 < atoms.len() {
            let l = link(text, &atoms[j], &atoms[j + 1]);
            if l == Link::None {
                break;
            }
            links.push(l);
            j += 1;
        }
        // "803 114 10 min": the last number is a duration of its own (a table's next cell).
        if j > i && atoms[j].all_digits() && unit_follows(text, &atoms[j], atoms.get(j + 1)) {
            j -= 1;
            links.pop();
        }
        chain_candidates(text, &atoms[i..=j], &links, &mut out);
        i = j + 1;
    }
    let before = out.len();
    spoken(text, &mut out);
    if out.len() > before {
        out.sort_by_key(|c| c.start);
    }
    out
}

/// "four, seven, two, nine, one, eight": a code read out in words, as a voicemail's transcript
/// prints it (English and Spanish digit words, four to nine of them in a row).
fn spoken(text: &Text, out: &mut Vec<Candidate>) {
    const DIGITS: &[(&str, char)] = &[
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("cero", '0'),
        ("uno", '1'),
        ("dos", '2'),
        ("tres", '3'),
        ("cuatro", '4'),
        ("cinco", '5'),
        ("seis", '6'),
        ("siete", '7'),
        ("ocho", '8'),
        ("nueve", '9'),
    ];
    let lower: Vec<char> = text.lower.chars().collect();
    let flush = |run: &mut Vec<(usize, usize, char)>, out: &mut Vec<Candidate>| {
        if let ([first, ..], [.., last]) = (run.as_slice(), run.as_slice())
            && (4..=9).contains(&run.len())
        {
            out.push(Candidate {
                code: run.iter().map(|r| r.2).collect(),
                start: first.0,
                end: last.1,
                shape: Shape::Digits,
                self_labelled: false,
                strict: true,
            });
        }
        run.clear();
    };
    let mut run: Vec<(usize, usize, char)> = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        if !lower[i].is_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lower.len() && lower[i].is_alphabetic() {
            i += 1;
        }
        let word = &lower[start..i];
        let Some(&(_, digit)) = DIGITS
            .iter()
            .find(|(w, _)| w.len() == word.len() && w.chars().eq(word.iter().copied()))
        else {
            flush(&mut run, out);
            continue;
        };
        let follows = run.last().is_some_and(|&(_, end, _)| {
            start - end <= 3
                && lower[end..start]
                    .iter()
                    .all(|c| matches!(c, ' ' | ',' | '.' | '-'))
        });
        if !follows {
            flush(&mut run, out);
        }
        run.push((start, i, digit));
    }
    flush(&mut run, out);
}

/// A unit word ("min", "hours", "USD") follows `atom` after one space.
fn unit_follows(text: &Text, atom: &Atom, next: Option<&Atom>) -> bool {
    next.is_some_and(|n| {
        n.start == atom.end + 1
            && text.chars[atom.end] == ' '
            && super::lexicon::UNITS_AFTER.contains(&text.lower_slice(n.start, n.end).as_str())
    })
}

fn chain_candidates(text: &Text, chain: &[Atom], links: &[Link], out: &mut Vec<Candidate>) {
    let first = chain[0];
    let last = chain[chain.len() - 1];
    if text.chars.get(last.end) == Some(&'#') {
        // "482 9103#": digits for a phone's keypad (a meeting's access code).
        return;
    }
    if chain.len() == 1 {
        push_single(text, &first, out);
        return;
    }
    let plus_before = first.start > 0 && text.chars[first.start - 1] == '+';
    // A run that trails off with a hyphen ("388-941-") is part of a longer number.
    let dangling = (first.start > 0 && text.chars[first.start - 1] == '-')
        || text.chars.get(last.end) == Some(&'-');
    let numeric = links.contains(&Link::Numeric);
    if !(numeric || plus_before || dangling) && spelled_out(text, chain, links) {
        out.extend(joined(text, chain, false));
        return;
    }
    let digits_in = |len: std::ops::RangeInclusive<usize>| {
        chain
            .iter()
            .all(|a| a.all_digits() && len.contains(&a.len()))
    };
    let total: usize = chain.iter().map(Atom::len).sum();
    let year = chain.iter().any(|a| a_year(text, a));
    let ssn = chain.len() == 3
        && links.iter().all(|l| *l == Link::Hyphen)
        && chain.iter().map(Atom::len).eq([3, 2, 4]);
    let one_kind_of_link = links.iter().all(|l| *l == links[0]);
    let grouped = one_kind_of_link
        && matches!(links[0], Link::Space | Link::Hyphen)
        && ((chain.len() == 3 && digits_in(2..=4) && (7..=9).contains(&total))
            || (chain.len() == 4 && digits_in(2..=2)))
        && !year
        && !ssn;
    if grouped && !(numeric || plus_before || dangling) {
        // "418 207 935", "204-118-653", "881 432 99", "80 51 44 27": seven to nine digits in
        // groups (a bypass code's print, a code in pairs); only beside their label, as such
        // groups are also IDs and phone numbers.
        out.extend(joined(text, chain, true));
        return;
    }
    let list_of_codes = chain.len() > 2
        && links.iter().all(|l| *l == Link::Space)
        && chain
            .iter()
            .all(|a| a.all_digits() && a.len() == first.len() && (6..=9).contains(&a.len()));
    if list_of_codes && !(plus_before || dangling) {
        // "passcodes: 1498563 2958461 3012847": a batch on one line, each a code of its own.
        for atom in chain {
            push_single(text, atom, out);
        }
        return;
    }
    if numeric || plus_before || dangling || chain.len() > 2 {
        // Dates, times, amounts, dotted or international phone numbers, SSN-like runs.
        return;
    }
    let (a, b) = (chain[0], chain[1]);
    let word = |x: &Atom| text.chars[x.start..x.end].iter().collect::<String>();
    if links[0] == Link::Hyphen && word(&a) == "G" && b.all_digits() {
        // Google prints `G-412157`; the box asks for the digits.
        push_single(text, &b, out);
        if let Some(c) = out.last_mut().filter(|c| c.start == b.start) {
            c.self_labelled = true;
        }
        return;
    }
    let mixed_groups = links[0] == Link::Hyphen
        && (a.letters + b.letters) > 0
        && (6..=8).contains(&(a.len() + b.len()))
        && upper_or_digit(text, &a)
        && upper_or_digit(text, &b);
    if mixed_groups && a.len() != b.len() {
        // "RX4-92KM": letters and digits in two uneven groups, only beside their label.
        out.extend(joined(text, chain, true).filter(|c| c.shape == Shape::Mixed));
        return;
    }
    let equal_groups = a.len() == b.len() && (a.len() == 3 || a.len() == 4);
    if equal_groups {
        let digits = a.all_digits() && b.all_digits();
        if digits || links[0] == Link::Hyphen {
            let pair = joined(text, chain, false);
            if let Some(c) = pair.filter(|c| digits || c.shape == Shape::Mixed) {
                out.push(c);
                return;
            }
        }
    }
    // Only 4+2 and 2+4: 3+4 is a local phone number ("555 0199"), and a group that reads as
    // a year is a date ("Mar 14 2026").
    let uneven_groups =
        matches!((a.len(), b.len()), (4, 2) | (2, 4)) && !a_year(text, &a) && !a_year(text, &b);
    if matches!(links[0], Link::Space | Link::Hyphen)
        && a.all_digits()
        && b.all_digits()
        && uneven_groups
    {
        // "7782 01", "48 2913", "2918-44": a code printed in two uneven groups.
        out.extend(joined(text, chain, false));
        return;
    }
    let seven = matches!((a.len(), b.len()), (3, 4) | (4, 3)) && !a_year(text, &a);
    if links[0] == Link::Space && a.all_digits() && b.all_digits() && seven {
        // "555 0199" is a local phone number, neither half a code; "code: 740 3918" and
        // "3107 552 is your code" are seven-digit codes: only a label beside them tells.
        let words_before = text.lower_slice(a.start.saturating_sub(24), a.start);
        let phone_word = [
            "call", "phone", "tel", "fax", "dial", "text", "line", "llame",
        ]
        .iter()
        .any(|w| words_before.contains(w));
        if !phone_word && !matches!(text.get(a.start.wrapping_sub(1)), Some(')')) {
            out.extend(joined(text, chain, true));
        }
        return;
    }
    if links[0] == Link::Space {
        // Two unrelated numbers side by side ("code 123456 10"): each stands alone.
        push_single(text, &a, out);
        push_single(text, &b, out);
    }
}

/// Four digits that read as a year of a date ("Mar 14 2026"): 1900 to 2039, not "2084".
fn a_year(text: &Text, a: &Atom) -> bool {
    let w: String = text.chars[a.start..a.end].iter().collect();
    w.len() == 4 && w.parse::<u32>().is_ok_and(|y| (1900..=2039).contains(&y))
}

/// The chain's atoms as one code, its pieces joined; `None` for a mix of cases no code takes.
fn joined(text: &Text, chain: &[Atom], strict: bool) -> Option<Candidate> {
    let code: String = chain
        .iter()
        .flat_map(|a| text.chars[a.start..a.end].iter())
        .collect();
    Some(Candidate {
        shape: shape_of(&code)?,
        code,
        start: chain.first()?.start,
        end: chain.last()?.end,
        self_labelled: false,
        strict,
    })
}

/// A code printed in pieces longer chains than two groups can be: digit boxes flattened to text
/// ("8 2 0 4 1 7", four to eight single digits with spaces), or three pairs ("83 12 09",
/// "84-21-93"). Four or five pairs are a phone number ("06 12 34 56 78"), and pairs with
/// hyphens that read as a day and a month are a date ("12-03-26").
fn spelled_out(text: &Text, chain: &[Atom], links: &[Link]) -> bool {
    let digits = chain.iter().all(Atom::all_digits);
    let spaces = links.iter().all(|l| *l == Link::Space);
    let hyphens = links.iter().all(|l| *l == Link::Hyphen);
    if digits && spaces && (4..=8).contains(&chain.len()) && chain.iter().all(|a| a.len() == 1) {
        return true;
    }
    // One character per cell or line: digits, or capitals with at least two digits.
    let cells =
        links.iter().all(|l| matches!(l, Link::Space | Link::Cell)) && links.contains(&Link::Cell);
    if cells
        && (4..=8).contains(&chain.len())
        && chain.iter().all(|a| a.len() == 1)
        && chain.iter().filter(|a| a.all_digits()).count() >= 2
    {
        return true;
    }
    if !(digits && chain.len() == 3 && chain.iter().all(|a| a.len() == 2)) {
        return false;
    }
    let value = |a: &Atom| -> u32 {
        text.chars[a.start..a.end]
            .iter()
            .filter_map(|c| c.to_digit(10))
            .fold(0, |n, d| n * 10 + d)
    };
    let (x, y) = (value(&chain[0]), value(&chain[1]));
    let day_month = (1..=31).contains(&x) && (1..=12).contains(&y);
    let month_day = (1..=12).contains(&x) && (1..=31).contains(&y);
    spaces || (hyphens && !day_month && !month_day)
}

fn push_single(text: &Text, atom: &Atom, out: &mut Vec<Candidate>) {
    let len = atom.len();
    let code: String = text.chars[atom.start..atom.end].iter().collect();
    let Some(shape) = shape_of(&code) else { return };
    let (ok_len, strict) = if atom.all_digits() {
        ((3..=9).contains(&len), len == 9)
    } else if len == 5 {
        // Five capitals and digits with both kinds ("K7Q2M"); not "HELLO", "Hello" or "H2O",
        // nor a letter and four digits, the shape of a procedure code (HCPCS "G0438", CDT
        // "D0801").
        let procedure = atom.letters == 1 && text.chars[atom.start].is_ascii_alphabetic();
        (shape == Shape::Mixed && atom.digits > 0 && !procedure, true)
    } else {
        ((6..=8).contains(&len) && atom.letters > 0, false)
    };
    if ok_len {
        out.push(Candidate {
            code,
            start: atom.start,
            end: atom.end,
            shape,
            self_labelled: false,
            strict,
        });
    }
}

fn shape_of(code: &str) -> Option<Shape> {
    let digits = code.bytes().filter(u8::is_ascii_digit).count();
    let upper = code.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = code.bytes().filter(u8::is_ascii_lowercase).count();
    Some(match (digits, upper, lower) {
        (_, 0, 0) => Shape::Digits,
        (0, _, _) if upper == 0 || lower == 0 => Shape::Letters,
        (0, _, _) => return None,
        (_, _, 0) => Shape::Mixed,
        _ => Shape::MixedCase,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(s: &str) -> Vec<String> {
        candidates(&Text::new(&[s]))
            .into_iter()
            .map(|c| c.code)
            .collect()
    }

    #[test]
    fn groups_join_and_google_prefix_drops() {
        assert_eq!(codes("is 482 913."), ["482913"]);
        assert_eq!(codes("is 482-913."), ["482913"]);
        assert_eq!(codes("G-412157 is"), ["412157"]);
        assert_eq!(codes("RKJ-YP6"), ["RKJYP6"]);
        assert_eq!(codes("Code: 83 12 09"), ["831209"]);
        assert!(codes("06 12 34 56 78").is_empty(), "a French phone number");
        assert!(codes("12-03-26").is_empty(), "a date");
        assert_eq!(codes("84-21-93 is"), ["842193"]);
        assert_eq!(codes("  8 2 0 4 1 7\n"), ["820417"]);
        assert!(
            codes("1 2 3").is_empty(),
            "three single digits are not a code"
        );
    }

    #[test]
    fn phones_dates_times_amounts_are_not_candidates() {
        for s in [
            "800.981.9114",
            "1-800-555-0199",
            "+20 10 1234 5678",
            "03/08/2026",
            "17:23:35",
            "$1,234.56",
            "555-0199",
            "2024-04-02",
        ] {
            assert!(codes(s).is_empty(), "{s} gave {:?}", codes(s));
        }
    }

    #[test]
    fn machine_identifiers_and_long_numbers_are_not_candidates() {
        assert!(codes("=_Part_153214_622935313.1755708437680").is_empty());
        assert!(codes("15670006000 1234567890").is_empty());
    }
}
