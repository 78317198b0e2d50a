//! The message text as the extractor reads it: one `char` per position, digits of every
//! script turned into ASCII, invisible characters dropped, whitespace runs collapsed, plus a
//! lower-cased copy for phrase matching whose byte offsets map back to positions.

/// Longest text looked at, in characters: codes sit near the top of a message, and a bound
/// keeps the extractor's time and memory fixed whatever arrives.
pub(crate) const MAX_CHARS: usize = 16 * 1024;

pub(crate) struct Text {
    /// Normalized characters.
    pub chars: Vec<char>,
    /// Lower-cased `chars`, as a string for the phrase matcher.
    pub lower: String,
    /// For each byte of `lower`, the index in `chars` it came from.
    pub char_of_byte: Vec<u32>,
}

impl Text {
    pub fn new(parts: &[&str]) -> Self {
        let mut chars = Vec::new();
        let mut pending_space: Option<char> = None;
        'outer: for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                pending_space = Some('\n');
            }
            for c in part.chars() {
                if chars.len() >= MAX_CHARS {
                    break 'outer;
                }
                let Some(c) = normalize(c) else { continue };
                if c == ' ' || c == '\n' {
                    pending_space = match (pending_space, c) {
                        (Some('\n'), _) | (_, '\n') => Some('\n'),
                        _ => Some(' '),
                    };
                    continue;
                }
                if let Some(space) = pending_space.take()
                    && !chars.is_empty()
                {
                    chars.push(space);
                }
                chars.push(c);
            }
        }
        let mut lower = String::with_capacity(chars.len());
        let mut char_of_byte = Vec::with_capacity(chars.len());
        for (i, c) in chars.iter().enumerate() {
            let l = if c.is_ascii() {
                c.to_ascii_lowercase()
            } else {
                c.to_lowercase().next().unwrap_or(*c)
            };
            lower.push(l);
            for _ in 0..l.len_utf8() {
                char_of_byte.push(i as u32);
            }
        }
        Self {
            chars,
            lower,
            char_of_byte,
        }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn get(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The lower-cased characters in `start..end`.
    pub fn lower_slice(&self, start: usize, end: usize) -> String {
        self.chars[start.min(self.len())..end.min(self.len())]
            .iter()
            .flat_map(|c| c.to_lowercase())
            .collect()
    }
}

/// Maps one input character to what the extractor reads, or drops it.
fn normalize(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' | 'a'..='z' | 'A'..='Z' => c,
        // Arabic-Indic, Eastern Arabic (Persian), full-width digits.
        '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
        '\u{6f0}'..='\u{6f9}' => char::from(b'0' + (c as u32 - 0x6f0) as u8),
        // Full-width digits, letters, colon and parentheses. The full-width comma and full
        // stop stay: in CJK text they end a clause and must not join numbers ("199035，10分钟").
        '\u{ff10}'..='\u{ff1a}'
        | '\u{ff21}'..='\u{ff3a}'
        | '\u{ff41}'..='\u{ff5a}'
        | '\u{ff08}'
        | '\u{ff09}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        // Invisible: zero-width spaces and joiners, soft hyphen, BOM, combining grapheme joiner.
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{34f}' | '\u{180e}' => {
            return None;
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\n' => '\n',
        '\u{2028}' | '\u{2029}' => '\n',
        c if c.is_whitespace() => ' ',
        c if c.is_control() => return None,
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_other_scripts_become_ascii() {
        let t = Text::new(&["٥٨٢٩١٤ ۱۲۳ １２"]);
        assert_eq!(t.chars.iter().collect::<String>(), "582914 123 12");
    }

    #[test]
    fn whitespace_collapses_and_invisibles_vanish() {
        let t = Text::new(&["a \t\u{a0} b\r\n\n c4\u{200b}8\u{ad}2"]);
        assert_eq!(t.chars.iter().collect::<String>(), "a b\nc482");
    }

    #[test]
    fn lower_bytes_map_back_to_chars() {
        let t = Text::new(&["Código 12"]);
        let byte = t.lower.find("12").expect("digits present");
        assert_eq!(t.char_of_byte[byte], 7);
    }
}
