//! The one gate every add, edit and import goes through: [`PortalFields::validate`] checks each
//! field and returns the normalized form that is stored (trimmed text, lower-case addresses,
//! origins as `scheme://host[:port]`, identifiers as bare digits).

use url::{Host, Url};

use super::{OfficeIds, PortalError, PortalFields};
use crate::error::Field;

const MAX_NAME: usize = 80;
const MAX_TEXT: usize = 200;

fn invalid(field: Field, reason: impl Into<String>) -> PortalError {
    PortalError::Invalid {
        field,
        reason: reason.into(),
    }
}

impl PortalFields {
    /// Checks every field; returns the normalized fields, or the first problem found.
    pub fn validate(self) -> Result<Self, PortalError> {
        let name = text(&self.name, Field::Name, MAX_NAME)?;
        if name.is_empty() {
            return Err(invalid(Field::Name, "a portal needs a name"));
        }
        let login = login_url(&self.login_url)?;
        let own_origin = login.origin().ascii_serialization();
        let mut allowed_origins = vec![own_origin];
        for entry in &self.allowed_origins {
            let normalized = origin(entry, Field::AllowedOrigins)?;
            if !allowed_origins.contains(&normalized) {
                allowed_origins.push(normalized);
            }
        }
        let mut code_senders = Vec::new();
        for entry in &self.code_senders {
            let normalized = sender(entry)?;
            if !code_senders.contains(&normalized) {
                code_senders.push(normalized);
            }
        }
        Ok(Self {
            name,
            preset: self
                .preset
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty()),
            login_url: login.to_string(),
            allowed_origins,
            username: text(&self.username, Field::Username, MAX_TEXT)?,
            second_step: self.second_step,
            code_senders,
            code_lifetime_secs: within(self.code_lifetime_secs, Field::CodeLifetime, 7 * 86_400)?,
            remember_device_days: within(
                self.remember_device_days,
                Field::RememberDeviceDays,
                3650,
            )?,
            password_change_days: within(
                self.password_change_days,
                Field::PasswordChangeDays,
                3650,
            )?,
            lockout_threshold: within(self.lockout_threshold, Field::LockoutThreshold, 100)?,
            support_phone: optional(self.support_phone, phone)?,
            office: office(self.office)?,
        })
    }

    /// The key that makes names unique: trimmed and lower-cased (Unicode-aware).
    pub(crate) fn name_key(&self) -> String {
        self.name.trim().to_lowercase()
    }
}

/// True for the hosts where plain `http://` is allowed: this computer only.
pub fn is_loopback_host(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Parses a web address that may receive credentials: https, or http to this computer, with a
/// host and without a user name or password inside it.
fn web_address(text: &str, field: Field) -> Result<Url, PortalError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(invalid(
            field,
            "is empty; enter an address starting with https://",
        ));
    }
    let url = Url::parse(text).map_err(|e| {
        invalid(
            field,
            format!("\"{text}\" is not a web address ({e}); enter it as https://host/path"),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        // Not echoed: the part before '@' may be a password pasted into the wrong field.
        return Err(invalid(
            field,
            "the address contains a user name or password; remove the part before '@'",
        ));
    }
    let Some(host) = url.host() else {
        return Err(invalid(field, format!("\"{text}\" has no host name")));
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&host) => Ok(url),
        "http" => Err(invalid(
            field,
            format!(
                "\"{text}\" is not encrypted; use https:// (plain http:// is allowed only for \
                 localhost, 127.0.0.1 and ::1)"
            ),
        )),
        other => Err(invalid(
            field,
            format!("\"{other}:\" addresses cannot be portals; use https://"),
        )),
    }
}

fn login_url(text: &str) -> Result<Url, PortalError> {
    web_address(text, Field::LoginUrl)
}

/// Normalizes an origin to `scheme://host[:port]`; refuses anything with a path, query or
/// fragment, so that "origin" never silently means "this prefix".
pub(super) fn origin(text: &str, field: Field) -> Result<String, PortalError> {
    let url = web_address(text, field)?;
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            field,
            format!(
                "\"{}\" is more than an origin; give only scheme, host and port, like \
                 https://apps.availity.com",
                text.trim()
            ),
        ));
    }
    Ok(url.origin().ascii_serialization())
}

fn sender(text: &str) -> Result<String, PortalError> {
    let lower = text.trim().to_ascii_lowercase();
    let (local, domain) = lower.rsplit_once('@').unwrap_or(("", ""));
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let local_ok =
        !local.contains('@') && !local.chars().any(|c| c.is_whitespace() || c.is_control());
    if !lower.contains('@') || !domain_ok || !local_ok {
        return Err(invalid(
            Field::CodeSenders,
            format!(
                "\"{}\" is not an e-mail address; enter name@domain, or @domain for any sender \
                 there",
                text.trim()
            ),
        ));
    }
    Ok(lower)
}

fn text(value: &str, field: Field, max: usize) -> Result<String, PortalError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(invalid(field, format!("is longer than {max} characters")));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(field, "contains a line break or control character"));
    }
    Ok(value.to_owned())
}

fn within(value: Option<u32>, field: Field, max: u32) -> Result<Option<u32>, PortalError> {
    match value {
        Some(0) => Err(invalid(
            field,
            "must be at least 1 (leave it empty if unknown)",
        )),
        Some(v) if v > max => Err(invalid(field, format!("must be at most {max}"))),
        other => Ok(other),
    }
}

fn optional(
    value: Option<String>,
    check: fn(&str) -> Result<String, PortalError>,
) -> Result<Option<String>, PortalError> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| check(v.trim()))
        .transpose()
}

fn phone(value: &str) -> Result<String, PortalError> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let rest = value.to_ascii_lowercase().replace("ext", "");
    let allowed = rest
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()x".contains(c));
    if !(7..=20).contains(&digits) || !allowed {
        return Err(invalid(
            Field::SupportPhone,
            format!("\"{value}\" is not a phone number; enter it like 800-981-9114"),
        ));
    }
    Ok(value.to_owned())
}

fn office(ids: OfficeIds) -> Result<OfficeIds, PortalError> {
    Ok(OfficeIds {
        provider_id: optional(ids.provider_id, |v| text(v, Field::ProviderId, 50))?,
        npi: optional(ids.npi, npi)?,
        tin: optional(ids.tin, tin)?,
    })
}

fn digits_only(value: &str, separators: &[char]) -> Option<String> {
    let kept: String = value.chars().filter(|c| !separators.contains(c)).collect();
    kept.chars().all(|c| c.is_ascii_digit()).then_some(kept)
}

fn npi(value: &str) -> Result<String, PortalError> {
    match digits_only(value, &[' ', '-']) {
        Some(d) if d.len() == 10 && npi_is_valid(&d) => Ok(d),
        Some(d) if d.len() == 10 => Err(invalid(
            Field::Npi,
            format!("{d} fails the NPI check digit; check it for a typo"),
        )),
        _ => Err(invalid(Field::Npi, format!("\"{value}\" is not 10 digits"))),
    }
}

/// The NPI check: Luhn over the 10 digits prefixed with the card issuer code 80840 (as the
/// CMS NPI standard defines it).
pub fn npi_is_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = format!("80840{npi}")
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn tin(value: &str) -> Result<String, PortalError> {
    match digits_only(value, &[' ', '-']) {
        Some(d) if d.len() == 9 => Ok(d),
        _ => Err(invalid(
            Field::Tin,
            format!("\"{value}\" is not a 9-digit tax ID; enter it like 12-3456789"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::SecondStep;

    fn base() -> PortalFields {
        PortalFields {
            name: "  Availity ".into(),
            login_url: "https://apps.availity.com/availity/web/public.elegant.login".into(),
            second_step: SecondStep::Authenticator,
            ..Default::default()
        }
    }

    fn field_of(result: Result<PortalFields, PortalError>) -> Field {
        match result {
            Err(PortalError::Invalid { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn normalizes_name_origins_and_senders() {
        let fields = PortalFields {
            allowed_origins: vec![
                "https://Login.Availity.com:443".into(),
                "https://apps.availity.com".into(),
            ],
            code_senders: vec![" NoReply@Availity.com ".into(), "@availity.com".into()],
            ..base()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.name, "Availity");
        assert_eq!(
            fields.allowed_origins,
            ["https://apps.availity.com", "https://login.availity.com"],
            "login origin first, normalized, no duplicates"
        );
        assert_eq!(
            fields.code_senders,
            ["noreply@availity.com", "@availity.com"]
        );
    }

    #[test]
    fn login_url_must_be_https_except_on_this_computer() {
        for bad in [
            "http://apps.availity.com/login",
            "ftp://apps.availity.com/",
            "javascript:alert(1)",
            "not a url",
            "",
            "https://user:kdS3cr3t-pw@example.com/",
        ] {
            let result = PortalFields {
                login_url: bad.into(),
                ..base()
            }
            .validate();
            assert_eq!(field_of(result), Field::LoginUrl, "{bad:?} must be refused");
        }
        for good in [
            "http://localhost:8080/login",
            "http://127.0.0.1/",
            "http://[::1]:9000/",
        ] {
            let result = PortalFields {
                login_url: good.into(),
                ..base()
            }
            .validate();
            assert!(result.is_ok(), "{good} must be allowed: {result:?}");
        }
    }

    #[test]
    fn credentials_in_a_url_are_not_echoed() {
        let err = PortalFields {
            login_url: "https://frontdesk:kdS3cr3t-pasted@example.com/".into(),
            ..base()
        }
        .validate()
        .unwrap_err();
        assert!(!err.to_string().contains("kdS3cr3t-"), "{err}");
    }

    #[test]
    fn origins_with_a_path_are_refused() {
        let result = PortalFields {
            allowed_origins: vec!["https://apps.availity.com/availity".into()],
            ..base()
        }
        .validate();
        assert_eq!(field_of(result), Field::AllowedOrigins);
    }

    #[test]
    fn npi_uses_the_luhn_check_with_prefix_80840() {
        // 1234567893 is the worked example in the CMS NPI check-digit document.
        assert!(npi_is_valid("1234567893"));
        assert!(!npi_is_valid("1234567890"));
        assert!(!npi_is_valid("123456789"));
        let ok = PortalFields {
            office: OfficeIds {
                npi: Some("123 456 7893".into()),
                ..Default::default()
            },
            ..base()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.office.npi.as_deref(), Some("1234567893"));
        let bad = PortalFields {
            office: OfficeIds {
                npi: Some("1234567890".into()),
                ..Default::default()
            },
            ..base()
        }
        .validate();
        assert_eq!(field_of(bad), Field::Npi);
    }

    #[test]
    fn tin_is_nine_digits_stored_without_dash() {
        let ok = PortalFields {
            office: OfficeIds {
                tin: Some("12-3456789".into()),
                ..Default::default()
            },
            ..base()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.office.tin.as_deref(), Some("123456789"));
        for bad in ["12-345678", "12-34567890", "AB-3456789"] {
            let result = PortalFields {
                office: OfficeIds {
                    tin: Some(bad.into()),
                    ..Default::default()
                },
                ..base()
            }
            .validate();
            assert_eq!(field_of(result), Field::Tin, "{bad}");
        }
    }

    #[test]
    fn other_fields_are_checked() {
        let cases: Vec<(PortalFields, Field)> = vec![
            (
                PortalFields {
                    name: "   ".into(),
                    ..base()
                },
                Field::Name,
            ),
            (
                PortalFields {
                    name: "a\nb".into(),
                    ..base()
                },
                Field::Name,
            ),
            (
                PortalFields {
                    code_senders: vec!["cigna".into()],
                    ..base()
                },
                Field::CodeSenders,
            ),
            (
                PortalFields {
                    code_senders: vec!["a@b".into()],
                    ..base()
                },
                Field::CodeSenders,
            ),
            (
                PortalFields {
                    code_lifetime_secs: Some(0),
                    ..base()
                },
                Field::CodeLifetime,
            ),
            (
                PortalFields {
                    password_change_days: Some(99_999),
                    ..base()
                },
                Field::PasswordChangeDays,
            ),
            (
                PortalFields {
                    support_phone: Some("call us".into()),
                    ..base()
                },
                Field::SupportPhone,
            ),
        ];
        for (fields, field) in cases {
            assert_eq!(field_of(fields.validate()), field);
        }
    }

    #[test]
    fn empty_optional_text_becomes_none() {
        let fields = PortalFields {
            support_phone: Some("  ".into()),
            office: OfficeIds {
                provider_id: Some("".into()),
                ..Default::default()
            },
            ..base()
        }
        .validate()
        .unwrap();
        assert_eq!(fields.support_phone, None);
        assert_eq!(fields.office.provider_id, None);
    }
}
