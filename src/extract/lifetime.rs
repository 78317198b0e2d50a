//! How long a code stays valid, read from the message: "expires in 10 minutes", "valid for 24
//! hours", "vence en 10 minutos", "caduca en 5 min", "within 15 mins", "10分钟内有效".
//!
//! A number with a time unit counts only beside a validity phrase, so "arrive 15 minutes
//! early" in an appointment reminder is not a lifetime.

use std::sync::LazyLock;
use std::time::Duration;

use super::text::Text;

/// Validity phrases (lower case) that may stand before the number.
const CUES_BEFORE: &[&str] = &[
    "working after",
    "stop working",
    "stops working",
    "срок действия",
    "hết hạn",
    "ekspire",
    "expire dans",
    "صالح",
    "لمدة",
    "mag-e-expire",
    "loob ng",
    "expire",
    "expires",
    "expiring",
    "valid",
    "good for",
    "works for",
    "work for",
    "active for",
    "within",
    "exp ",
    "in the next",
    "lasts",
    "vence",
    "vencerá",
    "caduca",
    "caducará",
    "válido",
    "valido",
    "válida",
    "durante",
    "dentro de",
    "expira",
    "gültig",
    "действителен",
    "дійсний",
    "дійсна",
    "діє",
    "действует",
    "有效期",
    "有效时间",
    "有效",
    "유효",
    "hiệu lực",
    "vigencia",
    "vigente",
    "läuft",
    "gilt",
    "valide",
    "scade",
    "scadrà",
    "durata",
    "durée",
    "valable",
    "bon pou",
    "valab",
    "ważny",
    "ważna",
    "ważne",
    "wygaśnie",
    "wygasa",
];
/// Validity phrases that follow the number and unit ("10分钟内有效", "5 minutes to expire").
const CUES_AFTER: &[&str] = &[
    "동안 유효",
    "간 유효",
    "内有效",
    "內有效",
    "有效",
    "以内",
    "内",
    "後に失効",
    "유효",
    "gültig",
    "lang gültig",
    "para usarlo",
    "para usar",
    "para ingresarlo",
    "to use it",
    "to enter it",
    "de validez",
    "de vigencia",
];

/// (unit spelling, seconds). Longer spellings first so "minutes" wins over "min".
const UNITS: &[(&str, u64)] = &[
    ("minutes", 60),
    ("minutos", 60),
    ("minute", 60),
    ("minuto", 60),
    ("minuten", 60),
    ("minuti", 60),
    ("minuty", 60),
    ("minut", 60),
    ("mins", 60),
    ("min", 60),
    ("分钟", 60),
    ("分鐘", 60),
    ("分間", 60),
    ("минут", 60),
    ("minit", 60),
    ("dakika", 60),
    ("دقائق", 60),
    ("دقيقة", 60),
    ("phút", 60),
    ("phut", 60),
    ("분", 60),
    ("分", 60),
    ("मिनट", 60),
    ("daqiiqo", 60),
    ("daqiiqadood", 60),
    ("ደቂቃ", 60),
    ("хвилин", 60),
    ("دقیقه", 60),
    ("دقائق", 60),
    ("m", 60),
    ("hours", 3600),
    ("horas", 3600),
    ("hour", 3600),
    ("hora", 3600),
    ("hrs", 3600),
    ("hr", 3600),
    ("stunden", 3600),
    ("小时", 3600),
    ("時間", 3600),
    ("часов", 3600),
    ("часа", 3600),
    ("час", 3600),
    ("èdtan", 3600),
    ("시간", 3600),
    ("heures", 3600),
    ("heure", 3600),
    ("ore", 3600),
    ("ora", 3600),
    ("oras", 3600),
    ("giờ", 3600),
    ("gio", 3600),
    ("godzin", 3600),
    ("godziny", 3600),
    ("godzinę", 3600),
    ("stunde", 3600),
    ("घंटे", 3600),
    ("घंटा", 3600),
    ("годин", 3600),
    ("ساعة", 3600),
    ("ساعات", 3600),
    ("ساعت", 3600),
    ("saacadood", 3600),
    ("saacad", 3600),
    ("ሰዓት", 3600),
    ("seconds", 1),
    ("segundos", 1),
    ("secs", 1),
    ("sec", 1),
    ("秒", 1),
    ("days", 86400),
    ("day", 86400),
    ("días", 86400),
    ("dias", 86400),
    ("jours", 86400),
    ("jour", 86400),
    ("giorni", 86400),
    ("tage", 86400),
    ("ngày", 86400),
    ("araw", 86400),
    ("dni", 86400),
    ("дней", 86400),
    ("дня", 86400),
    ("днів", 86400),
    ("天", 86400),
];

const NUMBER_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("five", 5),
    ("ten", 10),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("sixty", 60),
    ("un", 1),
    ("una", 1),
    ("dos", 2),
    ("tres", 3),
    ("cinco", 5),
    ("diez", 10),
    ("quince", 15),
    ("veinte", 20),
    ("treinta", 30),
    ("один", 1),
    ("одна", 1),
    ("одну", 1),
    ("два", 2),
    ("три", 3),
    ("yon", 1),
    ("пять", 5),
    ("пяти", 5),
    ("десять", 10),
    ("десяти", 10),
    ("пятнадцать", 15),
    ("пятнадцати", 15),
    ("тридцать", 30),
    ("тридцати", 30),
    // Portuguese, French, Italian, German, Polish.
    ("um", 1),
    ("uma", 1),
    ("dois", 2),
    ("três", 3),
    ("dez", 10),
    ("quinze", 15),
    ("vinte", 20),
    ("trinta", 30),
    ("une", 1),
    ("deux", 2),
    ("trois", 3),
    ("cinq", 5),
    ("dix", 10),
    ("vingt", 20),
    ("trente", 30),
    ("cinque", 5),
    ("dieci", 10),
    ("quindici", 15),
    ("venti", 20),
    ("trenta", 30),
    ("eine", 1),
    ("fünf", 5),
    ("zehn", 10),
    ("fünfzehn", 15),
    ("zwanzig", 20),
    ("dreißig", 30),
    ("pięć", 5),
    ("dziesięć", 10),
    ("piętnaście", 15),
    ("trzydzieści", 30),
    // Vietnamese, Tagalog, Haitian Creole (longer spellings first).
    ("mười lăm", 15),
    ("mười", 10),
    ("hai mươi", 20),
    ("ba mươi", 30),
    ("một", 1),
    ("năm", 5),
    ("isang", 1),
    ("dalawang", 2),
    ("tatlong", 3),
    ("limang", 5),
    ("sampung", 10),
    ("labinlimang", 15),
    ("dalawampung", 20),
    ("tatlumpung", 30),
    ("dis", 10),
    ("kenz", 15),
    ("ven", 20),
    ("trant", 30),
    ("senk", 5),
    // Ukrainian, Arabic, Farsi, Hindi, Somali, Amharic.
    ("п'ять", 5),
    ("п'яти", 5),
    ("п’яти", 5),
    ("десять", 10),
    ("десяти", 10),
    ("п'ятнадцять", 15),
    ("п'ятнадцяти", 15),
    ("п’ятнадцяти", 15),
    ("тридцять", 30),
    ("тридцяти", 30),
    ("خمس عشرة", 15),
    ("خمس", 5),
    ("خمسة", 5),
    ("عشر", 10),
    ("عشرة", 10),
    ("ثلاثين", 30),
    ("ده", 10),
    ("پنج", 5),
    ("पाँच", 5),
    ("पांच", 5),
    ("दस", 10),
    ("पंद्रह", 15),
    ("तीस", 30),
    ("toban", 10),
    ("shan", 5),
    ("двадцать", 20),
    ("двадцати", 20),
    ("двадцять", 20),
    ("двадцяти", 20),
    // Amharic (written with its prepositions attached: "ለአምስት").
    ("አስራ አምስት", 15),
    ("አምስት", 5),
    ("አስር", 10),
    ("አሥር", 10),
    ("ሃያ", 20),
    ("ሰላሳ", 30),
    // Sino-Korean.
    ("이십", 20),
    ("삼십", 30),
    ("십오", 15),
    ("십", 10),
    ("오", 5),
    ("삼", 3),
    // Chinese and Japanese, tens before units.
    ("十五", 15),
    ("二十", 20),
    ("三十", 30),
    ("四十五", 45),
    ("六十", 60),
    ("一", 1),
    ("两", 2),
    ("二", 2),
    ("三", 3),
    ("五", 5),
    ("十", 10),
];

/// The lifetime stated in a plain text, if any.
pub fn lifetime(text: &str) -> Option<Duration> {
    lifetime_in(&Text::new(&[text]), None)
}

/// The lifetime stated in `text`. `code_end`: where the code found in it ends; a duration
/// shortly after the code counts without a validity phrase, unless words around it say it
/// is something else ("arrive 15 minutes early", "try again in 30 minutes").
pub(crate) fn lifetime_in(text: &Text, code_end: Option<usize>) -> Option<Duration> {
    let lower: Vec<char> = text.lower.chars().collect();
    let mut after_code = None;
    let mut i = 0;
    while i < lower.len() {
        let (value, num_start, num_end) = match number_at(&lower, i) {
            Some(found) => found,
            None => {
                i += 1;
                continue;
            }
        };
        i = num_end.max(i + 1);
        // "ten (10) minutes", "10 more min": a bracket or "more" may stand before the unit.
        let mut u = num_end;
        loop {
            while u < lower.len() && matches!(lower[u], ' ' | ')') {
                u += 1;
            }
            match ["more ", "más ", "mais ", "plus "]
                .iter()
                .find(|w| lower[u..].starts_with(&w.chars().collect::<Vec<_>>()))
            {
                Some(w) => u += w.chars().count(),
                None => break,
            }
        }
        let Some((unit_len, secs)) = unit_at(&lower, u) else {
            continue;
        };
        let window_start = num_start.saturating_sub(30);
        let before: String = lower[window_start..num_start].iter().collect();
        let after: String = lower[u + unit_len..(u + unit_len + 14).min(lower.len())]
            .iter()
            .collect();
        let after = after.trim_start_matches(' ');
        let cued = CUES_BEFORE.iter().any(|c| before.contains(c))
            || CUES_AFTER.iter().any(|c| after.starts_with(c));
        if !(value > 0 && value <= 100_000) {
            continue;
        }
        // "1 hour 30 minutes", "2 horas y 15 minutos": a smaller unit after the first adds to it.
        let value_secs = value * secs + smaller_part(&lower, u + unit_len, secs);
        if cued {
            return Some(Duration::from_secs(value_secs));
        }
        let near_code = code_end.is_some_and(|end| num_start >= end && num_start - end <= 200);
        let aside = NOT_VALIDITY
            .iter()
            .any(|w| before.contains(w) || after.starts_with(w));
        // A one-letter unit ("Exp 10m") only beside a validity word.
        let spelled = unit_len > 1 || !lower[u].is_ascii();
        if after_code.is_none()
            && near_code
            && spelled
            && !aside
            && secs >= 60
            && value_secs <= 86_400
        {
            after_code = Some(Duration::from_secs(value_secs));
        }
    }
    half_an_hour(&lower, code_end).or(after_code)
}

/// Words beside a duration that make it something other than a code's lifetime.
const NOT_VALIDITY: &[&str] = &[
    "early",
    "before",
    "ago",
    "late",
    "arrive",
    "try again",
    "wait",
    "lock",
    "every",
    "appointment",
    "visit",
    "antes",
    "hace",
    "llegue",
    "espere",
    "intente",
    "cita",
    "avant",
    "après",
    "trước",
    "前",
    "전",
];

/// The seconds of a smaller unit right after a duration's unit (ending at `from`), if any.
fn smaller_part(lower: &[char], from: usize, first_unit: u64) -> u64 {
    let mut i = from;
    while i < lower.len() && matches!(lower[i], ' ' | ',') {
        i += 1;
    }
    for joint in ["and ", "y ", "e ", "et ", "und "] {
        let joint: Vec<char> = joint.chars().collect();
        if lower[i..].starts_with(&joint) {
            i += joint.len();
            break;
        }
    }
    let Some((value, _, end)) = (i < lower.len()).then(|| number_at(lower, i)).flatten() else {
        return 0;
    };
    let mut u = end;
    while u < lower.len() && lower[u] == ' ' {
        u += 1;
    }
    match unit_at(lower, u) {
        Some((_, secs)) if secs < first_unit && value < 100 => value * secs,
        _ => 0,
    }
}

/// "It expires in half an hour", "vence en media hora", "valid for the next quarter hour".
fn half_an_hour(lower: &[char], code_end: Option<usize>) -> Option<Duration> {
    let text: String = lower.iter().collect();
    [
        ("half an hour", 1800),
        ("half hour", 1800),
        ("media hora", 1800),
        ("meia hora", 1800),
        ("quarter of an hour", 900),
        ("quarter hour", 900),
        ("quart d'heure", 900),
        ("quart d’heure", 900),
        ("cuarto de hora", 900),
        ("an hour and a half", 5400),
        ("hour and a half", 5400),
        ("una hora y media", 5400),
        ("uma hora e meia", 5400),
        ("une heure et demie", 5400),
        ("半小时", 1800),
        ("半小時", 1800),
        ("полчаса", 1800),
        ("півгодини", 1800),
        ("nửa giờ", 1800),
        ("kalahating oras", 1800),
        ("пів години", 1800),
        ("demi-heure", 1800),
        ("mezz'ora", 1800),
        ("halbe stunde", 1800),
        ("pół godziny", 1800),
        ("نصف ساعة", 1800),
        ("an hour", 3600),
        ("в течение часа", 3600),
        ("протягом години", 3600),
        ("une heure", 3600),
        ("un'ora", 3600),
        ("una hora", 3600),
        ("uma hora", 3600),
    ]
    .iter()
    .find_map(|(phrase, secs)| {
        let at = text.find(phrase)?;
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(29)
            .map_or(0, |(i, _)| i);
        let after = text[at + phrase.len()..].trim_start();
        // As a number and unit: shortly after the code it needs no validity word.
        let at_char = text[..at].chars().count();
        let near_code = code_end.is_some_and(|end| at_char >= end && at_char - end <= 200);
        let aside = NOT_VALIDITY.iter().any(|w| text[from..at].contains(w));
        (CUES_BEFORE.iter().any(|c| text[from..at].contains(c))
            || CUES_AFTER.iter().any(|c| after.starts_with(c))
            || near_code && !aside)
            .then(|| Duration::from_secs(*secs))
    })
}

/// A spelling as characters, with whether it is a word of a script written with spaces (which
/// must stand on its own: "ten" in "tenant", "пяти" in "пятидесяти" are not numbers); Chinese,
/// Japanese and Korean numerals and units stand inside words.
struct Spelling {
    chars: Vec<char>,
    whole_word: bool,
    value: u64,
}

/// Whether `c` is a letter of a script written with spaces between words (below the CJK blocks;
/// not Ethiopic, which joins prepositions to the word: "ለአምስት", "for five").
fn spaced_script(c: char) -> bool {
    c.is_alphabetic() && u32::from(c) < 0x2E80 && !matches!(u32::from(c), 0x1200..=0x139F)
}

/// `table` as spellings; `whole_word` says from a spelling's first letter whether it must
/// stand on its own. Sorted by first character, keeping the table's order among those that
/// share it (longer spellings first), so [`starting_with`] finds the few to try at a position.
fn spellings(table: &[(&str, u64)], whole_word: fn(char) -> bool) -> Vec<Spelling> {
    let mut all: Vec<Spelling> = table
        .iter()
        .map(|(word, value)| Spelling {
            chars: word.chars().collect(),
            whole_word: word.chars().next().is_some_and(whole_word),
            value: *value,
        })
        .collect();
    all.sort_by_key(|s| s.chars[0]);
    all
}

/// The spellings whose first character is `first`.
fn starting_with(all: &[Spelling], first: char) -> &[Spelling] {
    let from = all.partition_point(|s| s.chars[0] < first);
    let to = all.partition_point(|s| s.chars[0] <= first);
    &all[from..to]
}

static NUMBER_SPELLINGS: LazyLock<Vec<Spelling>> =
    LazyLock::new(|| spellings(NUMBER_WORDS, spaced_script));
/// Units end a word only in Latin script: "минут" stands for "минуты" and "минута" too.
static UNIT_SPELLINGS: LazyLock<Vec<Spelling>> =
    LazyLock::new(|| spellings(UNITS, |c| c.is_ascii_alphabetic()));

/// Whether `spelling` stands at `i` in `lower`.
fn spelled_at(lower: &[char], i: usize, spelling: &Spelling) -> bool {
    lower.get(i..i + spelling.chars.len()) == Some(&spelling.chars[..])
}

/// A number starting at `i`: ASCII digits (1–5 of them) or a number word on its own.
fn number_at(lower: &[char], i: usize) -> Option<(u64, usize, usize)> {
    let prev_alnum = i > 0 && lower[i - 1].is_alphanumeric();
    if lower[i].is_ascii_digit() {
        if i > 0 && lower[i - 1].is_ascii_digit() {
            return None;
        }
        let mut j = i;
        while j < lower.len() && lower[j].is_ascii_digit() {
            j += 1;
        }
        if j - i > 5 {
            return None;
        }
        let value = lower[i..j].iter().collect::<String>().parse().ok()?;
        return Some((value, i, j));
    }
    // Number words are words standing on their own, or Chinese numerals.
    if lower[i].is_ascii() && (prev_alnum || !lower[i].is_ascii_alphabetic()) {
        return None;
    }
    for word in starting_with(&NUMBER_SPELLINGS, lower[i]) {
        if word.whole_word && prev_alnum {
            continue;
        }
        if spelled_at(lower, i, word) {
            let end = i + word.chars.len();
            let next_ok = !word.whole_word || lower.get(end).is_none_or(|c| !c.is_alphabetic());
            if next_ok {
                return Some((word.value, i, end));
            }
        }
    }
    None
}

fn unit_at(lower: &[char], u: usize) -> Option<(usize, u64)> {
    let first = *lower.get(u)?;
    for unit in starting_with(&UNIT_SPELLINGS, first) {
        if !spelled_at(lower, u, unit) {
            continue;
        }
        let len = unit.chars.len();
        if unit.whole_word && lower.get(u + len).is_some_and(|c| c.is_alphabetic()) {
            continue;
        }
        return Some((len, unit.value));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(s: &str) -> Option<u64> {
        lifetime(s).map(|d| d.as_secs() / 60)
    }

    #[test]
    fn reads_lifetimes_in_several_languages() {
        assert_eq!(minutes("This code expires in 10 minutes."), Some(10));
        assert_eq!(minutes("It is valid for 24 hours."), Some(24 * 60));
        assert_eq!(minutes("El código vence en 10 minutos."), Some(10));
        assert_eq!(minutes("caduca en 5 min"), Some(5));
        assert_eq!(minutes("Enter it within 15 mins"), Some(15));
        assert_eq!(minutes("您的验证码是 199035，10分钟内有效"), Some(10));
        assert_eq!(minutes("有效时间为一分钟"), Some(1));
        assert_eq!(minutes("valid for fifteen minutes"), Some(15));
        assert_eq!(minutes("Der Code ist 5 Minuten gültig."), Some(5));
        assert_eq!(minutes("Er läuft in 10 Minuten ab."), Some(10));
        assert_eq!(minutes("Vigencia: 10 minutos"), Some(10));
        assert_eq!(minutes("Scade tra 5 minuti."), Some(5));
        assert_eq!(minutes("It expires in half an hour."), Some(30));
        assert_eq!(minutes("Tiene 30 minutos para usarlo."), Some(30));
        assert_eq!(minutes("Llegue media hora antes."), None);
    }

    #[test]
    fn reads_lifetimes_in_polish_korean_portuguese_and_russian_words() {
        assert_eq!(minutes("Kod jest ważny przez 5 minut."), Some(5));
        assert_eq!(minutes("인증번호는 3분간 유효합니다."), Some(3));
        assert_eq!(minutes("Válido por meia hora."), Some(30));
        assert_eq!(
            minutes("Код действителен в течение десяти минут."),
            Some(10)
        );
        // A number word is a whole word: "пятидесяти" (fifty) is not "пяти" (five).
        assert_eq!(
            minutes("Код действителен в течение пятидесяти минут."),
            None
        );
    }

    #[test]
    fn a_duration_without_a_validity_phrase_is_not_a_lifetime() {
        assert_eq!(minutes("Please arrive 15 minutes early."), None);
        assert_eq!(minutes("No time here at all"), None);
    }
}
