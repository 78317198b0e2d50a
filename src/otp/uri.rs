//! `otpauth://` URIs (the Key Uri Format that Google Authenticator defined and every
//! authenticator reads): `otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&...`.

use url::Url;

use super::{Algorithm, Kind, NewEntry, OtpError, Seed};
use crate::secret::Secret;

/// Parses one `otpauth://` URI. Missing parameters take the format's defaults (SHA1, 6 digits,
/// 30 s). Error messages name what is wrong, never the secret.
pub fn parse(text: &str) -> Result<NewEntry, OtpError> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|_| OtpError::BadUri("it is not a link".into()))?;
    if url.scheme() != "otpauth" {
        return Err(OtpError::BadUri(format!(
            "it starts with {}:// instead of otpauth://",
            url.scheme().chars().take(30).collect::<String>()
        )));
    }
    let kind_name = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let label = percent_decode(url.path().trim_start_matches('/'));
    let (label_issuer, name) = match label.split_once(':') {
        Some((issuer, name)) => (issuer.trim().to_owned(), name.trim().to_owned()),
        None => (String::new(), label.trim().to_owned()),
    };

    let mut secret = None;
    let mut issuer = None;
    let mut algorithm = Algorithm::Sha1;
    let mut digits = 6u8;
    let mut period = 30u32;
    let mut counter = None;
    for (key, value) in url.query_pairs() {
        match key.to_ascii_lowercase().as_str() {
            "secret" => secret = Some(Seed::from_base32(&value)?),
            "issuer" => issuer = Some(value.trim().to_owned()),
            "algorithm" => algorithm = Algorithm::parse(&value)?,
            "digits" => {
                let n: u32 = value
                    .parse()
                    .map_err(|_| OtpError::BadUri("digits is not a number".into()))?;
                digits = u8::try_from(n)
                    .ok()
                    .filter(|d| (6..=8).contains(d))
                    .ok_or(OtpError::BadDigits(n))?;
            }
            "period" => {
                period = value
                    .parse()
                    .map_err(|_| OtpError::BadUri("period is not a number".into()))?
            }
            "counter" => {
                counter = Some(
                    value
                        .parse()
                        .map_err(|_| OtpError::BadUri("counter is not a number".into()))?,
                )
            }
            _ => {} // image, color, codeDisplay and other app-specific extras
        }
    }
    let kind = match kind_name.as_str() {
        "totp" => Kind::Totp { period },
        "hotp" => Kind::Hotp {
            counter: counter.ok_or_else(|| {
                OtpError::BadUri("a counter-based (hotp) link needs a counter".into())
            })?,
        },
        "steam" => {
            return Err(OtpError::BadUri(
                "Steam Guard codes are not supported".into(),
            ));
        }
        other => {
            return Err(OtpError::BadUri(format!(
                "unknown type \"{}\" (expected totp or hotp)",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    let entry = NewEntry {
        name,
        issuer: issuer.filter(|i| !i.is_empty()).unwrap_or(label_issuer),
        algorithm,
        digits,
        kind,
        seed: secret.ok_or_else(|| OtpError::BadUri("it has no secret".into()))?,
    };
    entry.validate()?;
    Ok(entry)
}

/// The entry as an `otpauth://` URI. It contains the seed, hence a [`Secret`].
pub fn format(entry: &NewEntry) -> Secret {
    let mut label = String::new();
    if !entry.issuer.is_empty() {
        label.push_str(&percent_encode(&entry.issuer));
        label.push(':');
    }
    label.push_str(&percent_encode(&entry.name));
    let (kind, extra) = match entry.kind {
        Kind::Totp { period } => ("totp", format!("period={period}")),
        Kind::Hotp { counter } => ("hotp", format!("counter={counter}")),
    };
    let mut text = format!("otpauth://{kind}/{label}?secret=");
    text.push_str(entry.seed.secret().expose());
    if !entry.issuer.is_empty() {
        text.push_str("&issuer=");
        text.push_str(&percent_encode(&entry.issuer));
    }
    text.push_str(&format!(
        "&algorithm={}&digits={}&{extra}",
        entry.algorithm.as_str(),
        entry.digits
    ));
    Secret::new(text)
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn percent_encode(text: &str) -> String {
    // Unreserved characters stay; everything else (':' and '@' included) is escaped so the
    // label splits unambiguously.
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "KDSECRETAVALLITYFRONTDESK2345672";

    #[test]
    fn parses_issuer_label_and_parameters() {
        let e = parse(&format!(
            "otpauth://totp/Availity:front%20desk%40clinic.example?secret={SEED}&issuer=Availity&algorithm=SHA256&digits=8&period=60"
        ))
        .unwrap();
        assert_eq!(e.issuer, "Availity");
        assert_eq!(e.name, "front desk@clinic.example");
        assert_eq!(e.algorithm, Algorithm::Sha256);
        assert_eq!(e.digits, 8);
        assert_eq!(e.kind, Kind::Totp { period: 60 });
    }

    #[test]
    fn defaults_and_hotp() {
        let e = parse(&format!("otpauth://hotp/desk?secret={SEED}&counter=5")).unwrap();
        assert_eq!(e.issuer, "");
        assert_eq!((e.algorithm, e.digits), (Algorithm::Sha1, 6));
        assert_eq!(e.kind, Kind::Hotp { counter: 5 });
    }

    #[test]
    fn format_then_parse_round_trips() {
        let e = parse(&format!(
            "otpauth://totp/UHC%3AOne%20ID%3Adesk?secret={SEED}&issuer=UHC&digits=7&period=45"
        ))
        .unwrap();
        assert_eq!(
            e.name, "One ID:desk",
            "only the first colon splits the label"
        );
        let again = parse(format(&e).expose()).unwrap();
        assert_eq!(again, e);
    }

    #[test]
    fn bad_input_has_clear_messages() {
        let cases = [
            ("not a uri at all", "otp_bad_uri"),
            ("https://example.org/?secret=AAAA", "otp_bad_uri"),
            ("otpauth://totp/x?issuer=x", "otp_bad_uri"),
            ("otpauth://foo/x?secret=KDSECRETAAAAAAAA", "otp_bad_uri"),
            ("otpauth://hotp/x?secret=KDSECRETAAAAAAAA", "otp_bad_uri"),
            ("otpauth://totp/x?secret=KDSECRET0000", "otp_bad_base32"),
            ("otpauth://totp/x?secret=KDSECRETAA", "otp_seed_too_short"),
            (
                "otpauth://totp/x?secret=KDSECRETAAAAAAAA&algorithm=MD5",
                "otp_unknown_algorithm",
            ),
            (
                "otpauth://totp/x?secret=KDSECRETAAAAAAAA&digits=9",
                "otp_bad_digits",
            ),
            (
                "otpauth://totp/x?secret=KDSECRETAAAAAAAA&period=0",
                "otp_bad_period",
            ),
        ];
        for (text, code) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.code(), code, "{text}: {err}");
            assert!(
                !err.to_string().contains("KDSECRET"),
                "message leaks the seed: {err}"
            );
        }
    }
}
