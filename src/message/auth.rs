//! The `Authentication-Results` header (RFC 8601), read to its grammar: who stamped it (the
//! authserv-id) and each method's result with its properties.
//!
//! ```text
//! authres-header = authserv-id [ CFWS authres-version ] ( no-result / 1*resinfo )
//! resinfo        = ";" methodspec [ reasonspec ] *propspec
//! methodspec     = method [ "/" version ] "=" result
//! reasonspec     = "reason" "=" value
//! propspec       = ptype "." property "=" pvalue
//! ```
//!
//! Comments (nested, with quoted pairs) are whitespace, so `dkim=fail (dkim=pass)` is a fail;
//! a quoted value keeps its `;` and `=`. A result clause that does not fit the grammar is
//! dropped on its own: it can only make a message less trusted, never more.

/// One result: `dkim=pass header.d=example.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResult {
    /// The method, lower-cased, without its version: `dkim`, `dmarc`, `spf`, `arc`…
    pub method: String,
    /// The result, lower-cased: `pass`, `fail`, `none`…
    pub result: String,
    /// `ptype.property` (lower-cased) and its value, in order; `reason` is kept as `reason`.
    pub properties: Vec<(String, String)>,
}

impl MethodResult {
    /// The value of `ptype.property` (as written lower-case: `header.d`), if present.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One header: who stamped it and what it recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResults {
    /// The stamping server's authserv-id, as written (compare ignoring case).
    pub authserv_id: String,
    /// Its results, in order (none for `none`).
    pub results: Vec<MethodResult>,
}

/// Results kept from one header; the rest is ignored (a real header has a handful).
const MAX_RESULTS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Quoted(String),
    Semi,
    Eq,
}

/// Splits a header value into words, quoted strings, `;` and `=`, dropping whitespace and
/// comments. `None` on an unterminated quoted string or comment.
fn lex(value: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                let mut depth = 1u32;
                while depth > 0 {
                    match chars.next()? {
                        '\\' => {
                            chars.next()?;
                        }
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                }
            }
            ')' => return None,
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        '\\' => s.push(chars.next()?),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(Tok::Quoted(s));
            }
            ';' => {
                chars.next();
                out.push(Tok::Semi);
            }
            '=' => {
                chars.next();
                out.push(Tok::Eq);
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | ';' | '=') {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Some(out)
}

/// Parses one header value (unfolded or not). `None` when it has no authserv-id or does not
/// lex (an unterminated comment or quoted string): such a header says nothing.
pub fn parse(value: &str) -> Option<AuthResults> {
    let toks = lex(value)?;
    let mut groups = toks.split(|t| *t == Tok::Semi);
    let head = groups.next()?;
    // authserv-id [ CFWS version ]: the id is a value (token or quoted string).
    let authserv_id = match head {
        [Tok::Word(id)] | [Tok::Word(id), Tok::Word(_)] => id.clone(),
        [Tok::Quoted(id)] | [Tok::Quoted(id), Tok::Word(_)] => id.clone(),
        _ => return None,
    };
    if authserv_id.is_empty() {
        return None;
    }
    let results = groups
        .filter_map(resinfo)
        .take(MAX_RESULTS)
        .collect::<Vec<_>>();
    Some(AuthResults {
        authserv_id,
        results,
    })
}

/// One `;`-separated result clause, or `None` when it does not fit the grammar (or is the
/// `none` of a header that recorded nothing).
fn resinfo(toks: &[Tok]) -> Option<MethodResult> {
    let [Tok::Word(method), Tok::Eq, Tok::Word(result), rest @ ..] = toks else {
        return None;
    };
    let method = method.split('/').next().unwrap_or_default();
    if !is_keyword(method) || !is_keyword(result) {
        return None;
    }
    let mut properties = Vec::new();
    let mut rest = rest;
    while !rest.is_empty() {
        let [Tok::Word(key), Tok::Eq, value, tail @ ..] = rest else {
            return None;
        };
        let value = match value {
            Tok::Word(v) | Tok::Quoted(v) => v.clone(),
            _ => return None,
        };
        let key = key.to_ascii_lowercase();
        let well_formed = key == "reason"
            || key
                .split_once('.')
                .is_some_and(|(ptype, prop)| is_keyword(ptype) && !prop.is_empty());
        if !well_formed {
            return None;
        }
        properties.push((key, value));
        rest = tail;
    }
    Some(MethodResult {
        method: method.to_ascii_lowercase(),
        result: result.to_ascii_lowercase(),
        properties,
    })
}

/// RFC 8601 `Keyword`: letters, digits and inner hyphens.
fn is_keyword(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.ends_with('-')
        && !s.starts_with('-')
}

/// The domain of `header.d`, or of `header.i` (`user@sub.example.com`), lower-cased.
pub fn dkim_domain(result: &MethodResult) -> Option<String> {
    let d = result.property("header.d").or_else(|| {
        result
            .property("header.i")
            .and_then(|i| i.rsplit_once('@').map(|(_, d)| d))
    })?;
    let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
    (!d.is_empty()).then_some(d)
}

/// The organizational domain (the registrable domain under the public suffix list):
/// `mail.portal.example.com` → `example.com`. `None` for a public suffix itself.
pub fn organizational_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&domain).map(str::to_owned)
}

/// DMARC relaxed alignment: both domains share their organizational domain.
pub fn aligned(a: &str, b: &str) -> bool {
    match (organizational_domain(a), organizational_domain(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> AuthResults {
        parse(v).unwrap_or_else(|| panic!("parses: {v}"))
    }

    #[test]
    fn a_typical_header_reads_every_result_and_property() {
        let h = one(
            "mx.office.example;\r\n dkim=pass (2048-bit key; unprotected) header.d=cigna.com \
             header.i=@cigna.com header.s=s1 header.b=\"AbC+1/\";\r\n spf=pass \
             smtp.mailfrom=bounce@mail.cigna.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) \
             header.from=cigna.com",
        );
        assert_eq!(h.authserv_id, "mx.office.example");
        assert_eq!(h.results.len(), 3);
        assert_eq!(h.results[0].method, "dkim");
        assert_eq!(h.results[0].result, "pass");
        assert_eq!(h.results[0].property("header.d"), Some("cigna.com"));
        assert_eq!(h.results[0].property("header.b"), Some("AbC+1/"));
        assert_eq!(
            h.results[1].property("smtp.mailfrom"),
            Some("bounce@mail.cigna.com")
        );
        assert_eq!(h.results[2].property("header.from"), Some("cigna.com"));
    }

    #[test]
    fn comments_and_quoted_strings_cannot_smuggle_a_result() {
        let h = one(
            "mx.office.example; dkim=fail (dkim=pass header.d=portal.example; dmarc=pass) \
             reason=\"; dkim=pass header.d=portal.example\" header.d=evil.example",
        );
        assert_eq!(h.results.len(), 1);
        assert_eq!(h.results[0].result, "fail");
        assert_eq!(h.results[0].property("header.d"), Some("evil.example"));
        // A nested comment with an escaped parenthesis.
        let h = one("mx (a (b \\) c) d) 1; dmarc=fail (x) header.from=portal.example");
        assert_eq!(h.authserv_id, "mx");
        assert_eq!(h.results[0].result, "fail");
    }

    #[test]
    fn the_authserv_id_may_be_quoted_and_carry_a_version() {
        assert_eq!(
            one("\"mx.office.example\" 1; none").authserv_id,
            "mx.office.example"
        );
        assert!(one("mx.office.example 1; none").results.is_empty());
        assert_eq!(one("MX.Office.Example;spf=fail").results[0].method, "spf");
        assert_eq!(
            one("mx; dkim/1=pass header.d=a.example").results[0].method,
            "dkim"
        );
    }

    #[test]
    fn malformed_headers_and_clauses_say_nothing() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("; dkim=pass"), None, "no authserv-id");
        assert_eq!(parse("mx; dkim=pass (unterminated"), None);
        assert_eq!(parse("mx; dkim=pass reason=\"open"), None);
        assert_eq!(
            parse("a b c; dkim=pass"),
            None,
            "more than an id and a version"
        );
        let h = one("mx; dkim pass; dkim=pass header.d; spf=pass smtp.mailfrom=a@b.example");
        assert_eq!(h.results.len(), 1, "{h:?}");
        assert_eq!(h.results[0].method, "spf");
    }

    #[test]
    fn dkim_domains_come_from_header_d_or_header_i() {
        let d = |v: &str| dkim_domain(&one(v).results[0]);
        assert_eq!(
            d("mx; dkim=pass header.d=Mail.Portal.Example."),
            Some("mail.portal.example".into())
        );
        assert_eq!(
            d("mx; dkim=pass header.i=@sub.portal.example"),
            Some("sub.portal.example".into())
        );
        assert_eq!(d("mx; dkim=pass header.s=x"), None);
    }

    #[test]
    fn relaxed_alignment_compares_organizational_domains() {
        assert!(aligned("mail.cigna.com", "cigna.com"));
        assert!(aligned("e.availity.com", "notify.availity.com"));
        assert!(!aligned("cigna.com.evil.example", "cigna.com"));
        assert!(!aligned("cigna.co.uk", "other.co.uk"));
        assert!(aligned("a.nhs.co.uk", "b.nhs.co.uk"));
        assert!(
            !aligned("co.uk", "co.uk"),
            "a public suffix aligns with nothing"
        );
        assert!(aligned("no-reply.portal.example", "portal.example"));
        assert!(!aligned("portal.example", "attacker.example"));
    }
}
