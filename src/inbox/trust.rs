//! Whether a message is verified as coming from its `From:` domain, by the office's own
//! receiving server, the way a mail-security person would decide it.
//!
//! - Only the `Authentication-Results` header stamped by the office's server counts: the one
//!   with its authserv-id (a mailbox setting), and of those only the topmost, the one that
//!   server added on receipt. Headers of other ids, and a forged header with the office's id
//!   further down (written by the sender before the message left), are ignored.
//! - Verified: that header records `dmarc=pass` for the `From:` domain, or `dkim=pass` with a
//!   signing domain (`header.d`) aligned with the `From:` domain under DMARC's relaxed rule
//!   (same organizational domain). SPF alone never verifies: it vouches for the envelope
//!   sender, which the person never sees.
//! - Anything else is unverified, with the reason in plain words.

use crate::message::auth::{self, AuthResults};

/// Why a mailbox without an authserv-id verifies nothing, in the words Status uses.
pub const NO_CHECKS: &str = "this mail server does not check who sent a message: sign-in will \
                             ask you to confirm each code";

/// Whether a mailbox with this authserv-id setting can verify a sender at all.
pub fn checks_senders(authserv_id: Option<&str>) -> bool {
    authserv_id.is_some_and(|id| !id.trim().is_empty())
}

/// `Ok(())` when the office's server verified that the message comes from `from_domain`;
/// otherwise why not, in plain words (never quoting the message).
pub fn check(
    headers: &[String],
    authserv_id: Option<&str>,
    from_domain: Option<&str>,
) -> Result<(), String> {
    let Some(id) = authserv_id
        .map(str::trim)
        .filter(|_| checks_senders(authserv_id))
    else {
        return Err(NO_CHECKS.into());
    };
    let Some(from_domain) = from_domain
        .map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
    else {
        return Err("the message names no sender address to check".into());
    };
    let Some(ours) = ours(headers, id) else {
        return Err("the office mail server recorded no sender check on this message".into());
    };
    let dmarc_failed = ours
        .results
        .iter()
        .any(|r| r.method == "dmarc" && r.result != "pass" && r.result != "none");
    if dmarc_failed {
        return Err(format!("the sender check (DMARC) failed for {from_domain}"));
    }
    let dmarc_pass = ours.results.iter().any(|r| {
        r.method == "dmarc"
            && r.result == "pass"
            && r.property("header.from").is_none_or(|d| {
                d.trim()
                    .trim_end_matches('.')
                    .eq_ignore_ascii_case(&from_domain)
            })
    });
    let dkim_aligned = ours.results.iter().any(|r| {
        r.method == "dkim"
            && r.result == "pass"
            && auth::dkim_domain(r).is_some_and(|d| auth::aligned(&d, &from_domain))
    });
    if dmarc_pass || dkim_aligned {
        Ok(())
    } else {
        Err(format!(
            "the office mail server found no passing DMARC or aligned DKIM check for \
             {from_domain}"
        ))
    }
}

/// The topmost header stamped with `authserv_id` (compared ignoring case), parsed. A topmost
/// header of that id that does not parse counts as recording nothing: a later one is never
/// taken in its place.
pub fn ours(headers: &[String], authserv_id: &str) -> Option<AuthResults> {
    headers.iter().find_map(|h| {
        let parsed = auth::parse(h);
        let id_matches = match &parsed {
            Some(p) => p.authserv_id.eq_ignore_ascii_case(authserv_id),
            None => first_word(h).eq_ignore_ascii_case(authserv_id),
        };
        id_matches.then_some(parsed).map(|p| {
            p.unwrap_or(AuthResults {
                authserv_id: authserv_id.to_owned(),
                results: Vec::new(),
            })
        })
    })
}

fn first_word(h: &str) -> &str {
    h.trim_start()
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .next()
        .unwrap_or_default()
}

/// The domain of an address, lower-cased.
pub fn domain_of(address: &str) -> Option<String> {
    let (_, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('>').trim().to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Option<&str> = Some("mx.office.example");

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dmarc_pass_for_the_from_domain_verifies() {
        let ok = h(&["mx.office.example; spf=pass; dmarc=pass header.from=portal.example"]);
        assert_eq!(check(&ok, ID, Some("portal.example")), Ok(()));
        assert!(
            check(&ok, ID, Some("other.example")).is_err(),
            "another domain's pass"
        );
    }

    #[test]
    fn only_aligned_dkim_verifies() {
        let sub = h(&["mx.office.example; dkim=pass header.d=mail.portal.example"]);
        assert_eq!(check(&sub, ID, Some("portal.example")), Ok(()), "relaxed");
        let other = h(&["mx.office.example; dkim=pass header.d=attacker.example; dmarc=none"]);
        assert!(check(&other, ID, Some("portal.example")).is_err());
        let spf = h(&["mx.office.example; spf=pass smtp.mailfrom=portal.example"]);
        assert!(
            check(&spf, ID, Some("portal.example")).is_err(),
            "SPF alone"
        );
    }

    #[test]
    fn only_the_topmost_header_of_the_office_id_counts() {
        let forged_other_id = h(&[
            "attacker.example; dkim=pass header.d=portal.example; dmarc=pass",
            "mx.office.example; dkim=fail header.d=portal.example",
        ]);
        assert!(check(&forged_other_id, ID, Some("portal.example")).is_err());
        let forged_below = h(&[
            "MX.Office.Example; spf=fail",
            "mx.office.example; dkim=pass header.d=portal.example; dmarc=pass",
        ]);
        assert!(check(&forged_below, ID, Some("portal.example")).is_err());
        let broken_top = h(&[
            "mx.office.example; dkim=pass (unterminated",
            "mx.office.example; dmarc=pass",
        ]);
        assert!(check(&broken_top, ID, Some("portal.example")).is_err());
    }

    #[test]
    fn no_id_no_header_no_sender_or_a_failed_dmarc_is_unverified() {
        let pass = h(&["mx.office.example; dmarc=pass"]);
        assert_eq!(
            check(&pass, None, Some("portal.example")),
            Err(NO_CHECKS.into())
        );
        assert!(check(&[], ID, Some("portal.example")).is_err());
        assert!(check(&pass, ID, None).is_err());
        let fail = h(&["mx.office.example; dkim=pass header.d=portal.example; dmarc=fail"]);
        assert!(check(&fail, ID, Some("portal.example")).is_err());
    }

    #[test]
    fn domains_of_addresses() {
        assert_eq!(
            domain_of("No-Reply@Portal.Example"),
            Some("portal.example".into())
        );
        assert_eq!(domain_of("nobody"), None);
    }
}
