//! Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=...`,
//! where `data` is base64 of a small protobuf (`MigrationPayload`). Read with a hand-written
//! protobuf reader because only varints and length-delimited fields occur.
//!
//! ```text
//! MigrationPayload { repeated OtpParameters otp_parameters = 1; int32 version = 2; ... }
//! OtpParameters { bytes secret = 1; string name = 2; string issuer = 3;
//!                 Algorithm algorithm = 4;   // 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5
//!                 DigitCount digits = 5;     // 0 unspecified, 1 six, 2 eight
//!                 OtpType type = 6;          // 0 unspecified, 1 HOTP, 2 TOTP
//!                 int64 counter = 7; }
//! ```

use zeroize::Zeroizing;

use super::import::{Candidate, Skipped};
use super::{Algorithm, Kind, NewEntry, OtpError, Seed};

const FORMAT: &str = "Google Authenticator export";

/// Reads one `otpauth-migration://` link into entries (or skips, with reasons).
pub fn parse(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let bad = |reason: &str| OtpError::BadExport {
        format: FORMAT,
        reason: reason.to_owned(),
    };
    let url = url::Url::parse(text.trim()).map_err(|_| bad("the link is not valid"))?;
    if url.scheme() != "otpauth-migration" {
        return Err(bad("the link does not start with otpauth-migration://"));
    }
    let data = url
        .query_pairs()
        .find(|(k, _)| k == "data")
        .map(|(_, v)| Zeroizing::new(v.into_owned()))
        .ok_or_else(|| bad("the link has no data"))?;
    let bytes = Zeroizing::new(
        data_encoding::BASE64
            .decode(data.trim().as_bytes())
            .or_else(|_| {
                data_encoding::BASE64_NOPAD.decode(data.trim().trim_end_matches('=').as_bytes())
            })
            .map_err(|_| bad("the data is not base64"))?,
    );
    let mut out = Vec::new();
    for field in Fields::new(&bytes) {
        let (number, value) = field.map_err(bad)?;
        if let (1, Value::Bytes(account)) = (number, value) {
            out.push(account_entry(account).map_err(bad)?);
        }
    }
    if out.is_empty() {
        return Err(bad("it holds no accounts"));
    }
    Ok(out)
}

fn account_entry(bytes: &[u8]) -> Result<Candidate, &'static str> {
    let (mut secret, mut name, mut issuer) =
        (Zeroizing::new(Vec::new()), String::new(), String::new());
    let (mut algorithm, mut digits, mut kind, mut counter) = (0, 0, 0, 0u64);
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => secret = Zeroizing::new(b.to_vec()),
            (2, Value::Bytes(b)) => name = String::from_utf8_lossy(b).into_owned(),
            (3, Value::Bytes(b)) => issuer = String::from_utf8_lossy(b).into_owned(),
            (4, Value::Varint(v)) => algorithm = v,
            (5, Value::Varint(v)) => digits = v,
            (6, Value::Varint(v)) => kind = v,
            (7, Value::Varint(v)) => counter = v,
            _ => {}
        }
    }
    // Google puts "Issuer:account" in name as well; keep the account part.
    if let Some((prefix, rest)) = name.split_once(':')
        && prefix.trim() == issuer
    {
        name = rest.trim().to_owned();
    }
    let label = super::label(&issuer, &name);
    let skip = |reason: &str| {
        Candidate::Skip(Skipped {
            label: label.clone(),
            reason: reason.to_owned(),
        })
    };
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        _ => return Ok(skip("its algorithm (MD5) is not supported")),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        _ => return Ok(skip("its number of digits is unknown")),
    };
    let kind = match kind {
        1 => Kind::Hotp { counter },
        0 | 2 => Kind::Totp { period: 30 },
        _ => return Ok(skip("its type is unknown")),
    };
    let entry = Seed::from_bytes(&secret).and_then(|seed| {
        let entry = NewEntry {
            name,
            issuer,
            algorithm,
            digits,
            kind,
            seed,
        };
        entry.validate().map(|()| entry)
    });
    Ok(match entry {
        Ok(entry) => Candidate::Take(entry),
        Err(e) => Candidate::Invalid(label, e),
    })
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Iterates over the top-level fields of one protobuf message.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.rest.split_first().ok_or("the data is cut short")?;
            self.rest = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("the data is damaged (a number is too long)")
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let result = (|| {
            let tag = self.varint()?;
            let value = match tag & 7 {
                0 => Value::Varint(self.varint()?),
                2 => {
                    let len = usize::try_from(self.varint()?).map_err(|_| "the data is damaged")?;
                    if len > self.rest.len() {
                        return Err("the data is cut short");
                    }
                    let (bytes, rest) = self.rest.split_at(len);
                    self.rest = rest;
                    Value::Bytes(bytes)
                }
                1 if self.rest.len() >= 8 => {
                    self.rest = &self.rest[8..];
                    Value::Varint(0)
                }
                5 if self.rest.len() >= 4 => {
                    self.rest = &self.rest[4..];
                    Value::Varint(0)
                }
                _ => return Err("the data is damaged (unknown field type)"),
            };
            Ok((tag >> 3, value))
        })();
        if result.is_err() {
            self.rest = &[]; // stop after the first error
        }
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u8, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(number << 3) | 2, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }

    fn link(payload: &[u8]) -> String {
        let data = data_encoding::BASE64.encode(payload);
        let mut url = url::Url::parse("otpauth-migration://offline").unwrap();
        url.query_pairs_mut().append_pair("data", &data);
        url.to_string()
    }

    #[test]
    fn reads_accounts_and_maps_enums() {
        let secret = b"KDSECRET-google-0001"; // 20 bytes
        let mut account = field(1, secret);
        account.extend(field(2, b"Availity:desk@clinic.example"));
        account.extend(field(3, b"Availity"));
        account.extend([4 << 3, 2, 5 << 3, 2, 6 << 3, 2]); // SHA256, 8 digits, TOTP
        let mut payload = field(1, &account);
        payload.extend([2 << 3, 1]);
        let got = parse(&link(&payload)).unwrap();
        let [Candidate::Take(e)] = got.as_slice() else {
            panic!("one account expected")
        };
        assert_eq!(
            (e.issuer.as_str(), e.name.as_str()),
            ("Availity", "desk@clinic.example")
        );
        assert_eq!(
            (e.algorithm, e.digits, e.kind),
            (Algorithm::Sha256, 8, Kind::Totp { period: 30 })
        );
        assert_eq!(e.seed.key().as_slice(), secret);
    }

    #[test]
    fn damaged_data_is_an_error_not_a_partial_import() {
        let mut account = field(1, b"KDSECRET-google-0001");
        account.truncate(10);
        let payload = field(1, &account);
        let mut payload = payload.clone();
        payload[1] = 40; // claims more bytes than there are
        let err = parse(&link(&payload)).unwrap_err();
        assert_eq!(err.code(), "otp_bad_export", "{err}");
        let err = parse("otpauth-migration://offline?data=%%%").unwrap_err();
        assert_eq!(err.code(), "otp_bad_export", "{err}");
    }
}
