//! HTML to plain text without rendering anything: no parser that runs scripts or fetches
//! images, just a single pass over the markup.
//!
//! Tags are dropped; `<style>`, `<script>`, `<head>`, `<title>`, `<template>`, `<svg>` and
//! comments are dropped with their content; block elements and table cells end a line, so
//! neighbouring cells never run together into one number; entities are decoded. Text of hidden
//! elements (an e-mail's preheader) is kept on its own line: the extractor reads the same words a
//! person would see in the inbox preview, and invisible filler characters are removed later.

/// Converts `html` to text, stopping after about `max` bytes of output.
pub fn to_text(html: &str, max: usize) -> String {
    let mut out = String::with_capacity(html.len().min(max) / 2);
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() && out.len() < max {
        match bytes[i] {
            b'<' => i = tag(html, i, &mut out),
            b'&' => i = entity(html, i, &mut out),
            _ => {
                let next = html[i..].find(['<', '&']).map_or(html.len(), |n| i + n);
                push_text(&mut out, &html[i..next]);
                i = next;
            }
        }
    }
    out
}

/// Whitespace in HTML source is one space; line breaks come from elements.
fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

const SKIPPED: &[&str] = &[
    "style", "script", "head", "title", "template", "svg", "noscript", "xml", "object",
];
const BLOCKS: &[&str] = &[
    "br",
    "p",
    "div",
    "tr",
    "td",
    "th",
    "li",
    "ul",
    "ol",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "center",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "dt",
    "dd",
    "caption",
    "body",
];

/// Handles the tag starting at `i` (`<`); returns the position after it.
fn tag(html: &str, i: usize, out: &mut String) -> usize {
    let rest = &html[i..];
    if rest.starts_with("<!--") {
        return rest.find("-->").map_or(html.len(), |n| i + n + 3);
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return rest.find('>').map_or(html.len(), |n| i + n + 1);
    }
    let bytes = rest.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    let name_len = bytes[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        // A lone `<` in text ("a < b").
        out.push('<');
        return i + 1;
    }
    let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
    let end = tag_end(rest).map_or(html.len(), |n| i + n + 1);
    if !closing && SKIPPED.contains(&name.as_str()) && !rest[..end - i].ends_with("/>") {
        return skip_element(html, end, &name);
    }
    if BLOCKS.contains(&name.as_str()) {
        newline(out);
    }
    end
}

/// The end of a tag, with quoted attribute values that may hold `>`.
fn tag_end(rest: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (n, b) in rest.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(n),
            _ => {}
        }
    }
    None
}

/// Skips to after `</name>` (case-insensitive), or to the end.
fn skip_element(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(n) = html[i..].find("</") {
        let at = i + n + 2;
        // Bytes, not a `str` slice: what follows `</` may be any character, and a slice that
        // ends inside one panics (found by the `message` fuzz target).
        if bytes.len() >= at + name.len()
            && bytes[at..at + name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return html[at..].find('>').map_or(html.len(), |m| at + m + 1);
        }
        i = at;
    }
    html.len()
}

/// Decodes the entity starting at `i` (`&`); returns the position after it.
fn entity(html: &str, i: usize, out: &mut String) -> usize {
    let rest = &html[i + 1..];
    let len = rest
        .bytes()
        .take(12)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'#')
        .count();
    let name = &rest[..len];
    let has_semi = rest.as_bytes().get(len) == Some(&b';');
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let value = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        value.and_then(char::from_u32)
    } else {
        named(name)
    };
    match decoded {
        Some(c) => {
            if c.is_whitespace() {
                push_text(out, " ");
            } else {
                out.push(c);
            }
            i + 1 + len + usize::from(has_semi)
        }
        None => {
            out.push('&');
            i + 1
        }
    }
}

fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        "shy" => '\u{ad}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "iexcl" => '¡',
        "iquest" => '¿',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "ntilde" => 'ñ',
        "uuml" => 'ü',
        "Aacute" => 'Á',
        "Eacute" => 'É',
        "Iacute" => 'Í',
        "Oacute" => 'Ó',
        "Uacute" => 'Ú',
        "Ntilde" => 'Ñ',
        "ccedil" => 'ç',
        "atilde" => 'ã',
        "otilde" => 'õ',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_style_script_head_and_comments() {
        let html = "<html><head><title>T 111111</title><style>.a{color:red}</style></head>\
                    <body><!-- 222222 --><script>var x='333333'</script><p>Code: 482913</p></body>";
        assert_eq!(to_text(html, 1000).trim(), "Code: 482913");
    }

    #[test]
    fn table_cells_stay_apart_and_entities_decode() {
        let html = "<table><tr><td>482</td><td>913</td></tr></table><p>C&oacute;digo&nbsp;&amp;&#x41;&#66;</p>";
        let text = to_text(html, 1000);
        assert_eq!(text.trim(), "482\n913\nCódigo &AB");
    }

    #[test]
    fn quoted_attribute_holding_a_bracket_does_not_end_the_tag() {
        let html = r#"<a title="a > b" href="x">Sign in</a>"#;
        assert_eq!(to_text(html, 1000), "Sign in");
    }

    #[test]
    fn a_closing_tag_of_other_characters_inside_a_skipped_element_is_no_panic() {
        // Regression, found by the `message` fuzz target: `</` followed by a multi-byte
        // character inside <style> sliced a `str` in the middle of that character.
        for html in [
            "<style>td{x}</é€€€€></style><p>Code: 482913</p>",
            "<script>a</€",
            "<head></日本語",
        ] {
            let _ = to_text(html, 1000);
        }
        assert_eq!(
            to_text("<style>a</é>b</style><p>Code: 482913</p>", 1000).trim(),
            "Code: 482913"
        );
    }

    #[test]
    fn output_is_bounded() {
        let html = "<p>word</p>".repeat(100_000);
        assert!(to_text(&html, 1000).len() < 1100);
    }
}
