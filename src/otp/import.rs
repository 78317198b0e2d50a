//! Other authenticators' plain exports: Aegis (JSON), 2FAS (`.2fas` JSON), Ente Auth (a text
//! file of `otpauth://` lines), Bitwarden (JSON or CSV, the `login.totp` field) and Google
//! Authenticator (`otpauth-migration://` lines).
//!
//! Reading never stores anything: it yields [`Candidate`]s. Entries Keydesk cannot use by design
//! (Steam codes, a Bitwarden login without a key) are skipped with a reason; an entry that is
//! broken (bad key, unknown algorithm) fails the whole file, so nothing is imported in part.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Algorithm, Kind, NewEntry, OtpError, Seed, migration, uri};

/// The export formats Keydesk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aegis Authenticator, plain JSON export.
    Aegis,
    /// 2FAS Authenticator, unencrypted `.2fas` backup.
    TwoFas,
    /// Ente Auth plain text export, or any list of `otpauth://` links (Keydesk's own plain export).
    Ente,
    /// Bitwarden, unencrypted JSON or CSV export.
    Bitwarden,
    /// Google Authenticator `otpauth-migration://` links, one per line.
    Google,
}

impl Format {
    /// Parses the command-line name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "aegis" => Self::Aegis,
            "2fas" | "twofas" => Self::TwoFas,
            "ente" | "otpauth" => Self::Ente,
            "bitwarden" => Self::Bitwarden,
            "google" => Self::Google,
            _ => return None,
        })
    }

    /// Guesses the format from the file's content.
    pub fn detect(text: &str) -> Option<Self> {
        let start = text.trim_start();
        if start.starts_with('{') {
            let value: Value = serde_json::from_str(start).ok()?;
            return if value.get("db").is_some() && value.get("header").is_some() {
                Some(Self::Aegis)
            } else if value.get("services").is_some() || value.get("servicesEncrypted").is_some() {
                Some(Self::TwoFas)
            } else if value.get("items").is_some() || value.get("encrypted").is_some() {
                Some(Self::Bitwarden)
            } else {
                None
            };
        }
        if start.starts_with("otpauth-migration://") {
            Some(Self::Google)
        } else if start.starts_with("otpauth://") {
            Some(Self::Ente)
        } else if start.lines().next()?.contains("login_totp") {
            Some(Self::Bitwarden)
        } else {
            None
        }
    }
}

/// One record of an export, judged.
#[derive(Debug)]
pub enum Candidate {
    /// Usable.
    Take(NewEntry),
    /// Well-formed but not something Keydesk keeps.
    Skip(Skipped),
    /// Broken: the whole import fails with this error.
    Invalid(String, OtpError),
}

/// A record not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "OtpSkipped")]
pub struct Skipped {
    /// The record's label (never its seed).
    pub label: String,
    /// Why, in plain words.
    pub reason: String,
}

/// What an import took and what it skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(rename = "OtpImportReport")]
pub struct ImportReport {
    /// Labels of the entries added.
    pub taken: Vec<String>,
    /// Records left out, each with its reason.
    pub skipped: Vec<Skipped>,
}

/// Reads an export of `format` (detected when `None`).
pub fn read(text: &str, format: Option<Format>) -> Result<Vec<Candidate>, OtpError> {
    let format = format.or_else(|| Format::detect(text)).ok_or_else(|| OtpError::BadExport {
        format: "the",
        reason: "its format was not recognised (Aegis, 2FAS, Ente Auth, Bitwarden or Google Authenticator exports are read)".into(),
    })?;
    match format {
        Format::Aegis => aegis(text),
        Format::TwoFas => two_fas(text),
        Format::Ente => otpauth_lines(text),
        Format::Bitwarden if text.trim_start().starts_with('{') => bitwarden_json(text),
        Format::Bitwarden => bitwarden_csv(text),
        Format::Google => {
            let mut out = Vec::new();
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                out.extend(migration::parse(line)?);
            }
            Ok(out)
        }
    }
}

/// Splits judged records into entries and skips; the first broken record fails everything.
pub fn validate_all(candidates: Vec<Candidate>) -> Result<(Vec<NewEntry>, Vec<Skipped>), OtpError> {
    let (mut take, mut skip) = (Vec::new(), Vec::new());
    for candidate in candidates {
        match candidate {
            Candidate::Take(entry) => take.push(entry),
            Candidate::Skip(skipped) => skip.push(skipped),
            Candidate::Invalid(label, error) => return Err(error.in_entry(&label)),
        }
    }
    Ok((take, skip))
}

fn bad(format: &'static str) -> impl Fn(serde_json::Error) -> OtpError {
    move |e| OtpError::BadExport {
        format,
        // serde_json's message names the line and column, never the values.
        reason: format!(
            "it is not valid {format} JSON (line {}, column {})",
            e.line(),
            e.column()
        ),
    }
}

/// One record's loose fields, as the JSON and CSV exports carry them.
struct Record<'a> {
    name: &'a str,
    issuer: &'a str,
    kind: &'a str,
    secret: &'a str,
    algorithm: &'a str,
    digits: u64,
    period: u64,
    counter: u64,
}

/// Builds an entry from a record's fields, judging it.
fn judge(record: Record<'_>) -> Candidate {
    let Record {
        name,
        issuer,
        kind,
        secret,
        algorithm,
        digits,
        period,
        counter,
    } = record;
    let label = super::label(issuer, name);
    match kind.to_ascii_lowercase().as_str() {
        "totp" | "hotp" => {}
        "steam" => {
            return Candidate::Skip(Skipped {
                label,
                reason: "Steam Guard codes are not supported".into(),
            });
        }
        other => {
            return Candidate::Skip(Skipped {
                label,
                reason: format!("its type \"{other}\" is not supported"),
            });
        }
    }
    let entry = (|| {
        let entry = NewEntry {
            name: name.trim().to_owned(),
            issuer: issuer.trim().to_owned(),
            algorithm: Algorithm::parse(if algorithm.is_empty() {
                "SHA1"
            } else {
                algorithm
            })?,
            digits: u8::try_from(digits).map_err(|_| OtpError::BadDigits(u32::MAX))?,
            kind: if kind.eq_ignore_ascii_case("hotp") {
                Kind::Hotp { counter }
            } else {
                Kind::Totp {
                    period: u32::try_from(period).map_err(|_| OtpError::BadPeriod(0))?,
                }
            },
            seed: Seed::from_base32(secret)?,
        };
        entry.validate()?;
        Ok(entry)
    })();
    match entry {
        Ok(entry) => Candidate::Take(entry),
        Err(e) => Candidate::Invalid(label, e),
    }
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn num_of(value: &Value, key: &str, default: u64) -> u64 {
    value.get(key).and_then(Value::as_u64).unwrap_or(default)
}

fn aegis(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let root: Value = serde_json::from_str(text).map_err(bad("Aegis"))?;
    let db = root.get("db").ok_or_else(|| OtpError::BadExport {
        format: "Aegis",
        reason: "it has no \"db\"".into(),
    })?;
    if db.is_string() {
        return Err(OtpError::EncryptedExport("Aegis"));
    }
    let entries =
        db.get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| OtpError::BadExport {
                format: "Aegis",
                reason: "it has no list of entries".into(),
            })?;
    Ok(entries
        .iter()
        .map(|e| {
            let info = e.get("info").unwrap_or(&Value::Null);
            judge(Record {
                name: str_of(e, "name"),
                issuer: str_of(e, "issuer"),
                kind: str_of(e, "type"),
                secret: str_of(info, "secret"),
                algorithm: str_of(info, "algo"),
                digits: num_of(info, "digits", 6),
                period: num_of(info, "period", 30),
                counter: num_of(info, "counter", 0),
            })
        })
        .collect())
}

fn two_fas(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let root: Value = serde_json::from_str(text).map_err(bad("2FAS"))?;
    if root.get("servicesEncrypted").is_some_and(|v| !v.is_null()) {
        return Err(OtpError::EncryptedExport("2FAS"));
    }
    let services = root
        .get("services")
        .and_then(Value::as_array)
        .ok_or_else(|| OtpError::BadExport {
            format: "2FAS",
            reason: "it has no list of services".into(),
        })?;
    Ok(services
        .iter()
        .map(|s| {
            let otp = s.get("otp").unwrap_or(&Value::Null);
            let account = [str_of(otp, "account"), str_of(otp, "label")]
                .into_iter()
                .find(|a| !a.is_empty())
                .unwrap_or_default();
            let issuer = [str_of(otp, "issuer"), str_of(s, "name")]
                .into_iter()
                .find(|i| !i.is_empty())
                .unwrap_or_default();
            judge(Record {
                name: account,
                issuer,
                kind: [str_of(otp, "tokenType"), "TOTP"]
                    .into_iter()
                    .find(|t| !t.is_empty())
                    .unwrap_or_default(),
                secret: str_of(s, "secret"),
                algorithm: str_of(otp, "algorithm"),
                digits: num_of(otp, "digits", 6),
                period: num_of(otp, "period", 30),
                counter: num_of(otp, "counter", 0),
            })
        })
        .collect())
}

fn otpauth_lines(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(match uri::parse(line) {
            Ok(entry) => Candidate::Take(entry),
            Err(e) => Candidate::Invalid(format!("line {}", number + 1), e),
        });
    }
    if out.is_empty() {
        return Err(OtpError::BadExport {
            format: "Ente Auth",
            reason: "it holds no otpauth:// links".into(),
        });
    }
    Ok(out)
}

/// Bitwarden keeps a `totp` value that is an `otpauth://` link, a bare base32 key or `steam://`.
fn bitwarden_item(name: &str, username: &str, totp: &str) -> Candidate {
    let label = super::label(name, username);
    let totp = totp.trim();
    if totp.is_empty() {
        Candidate::Skip(Skipped {
            label,
            reason: "it has no authenticator key".into(),
        })
    } else if totp.starts_with("steam://") {
        Candidate::Skip(Skipped {
            label,
            reason: "Steam Guard codes are not supported".into(),
        })
    } else if totp.starts_with("otpauth://") {
        match uri::parse(totp) {
            Ok(mut entry) => {
                if entry.issuer.is_empty() {
                    entry.issuer = name.to_owned();
                }
                if entry.name.is_empty() {
                    entry.name = username.to_owned();
                }
                Candidate::Take(entry)
            }
            Err(e) => Candidate::Invalid(label, e),
        }
    } else {
        judge(Record {
            name: username,
            issuer: name,
            kind: "totp",
            secret: totp,
            algorithm: "SHA1",
            digits: 6,
            period: 30,
            counter: 0,
        })
    }
}

#[derive(Deserialize)]
struct BitwardenExport {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    items: Vec<BitwardenItem>,
}

#[derive(Deserialize)]
struct BitwardenItem {
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    kind: u8,
    login: Option<BitwardenLogin>,
}

/// Only the fields Keydesk needs; the password in the export is never read into memory here
/// beyond serde's parse.
#[derive(Deserialize)]
struct BitwardenLogin {
    username: Option<String>,
    totp: Option<String>,
}

fn bitwarden_json(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let export: BitwardenExport = serde_json::from_str(text).map_err(bad("Bitwarden"))?;
    if export.encrypted {
        return Err(OtpError::EncryptedExport("Bitwarden"));
    }
    Ok(export
        .items
        .iter()
        .filter(|item| item.kind == 1) // logins; cards, notes and identities have no TOTP
        .map(|item| {
            let login = item.login.as_ref();
            bitwarden_item(
                &item.name,
                login
                    .and_then(|l| l.username.as_deref())
                    .unwrap_or_default(),
                login.and_then(|l| l.totp.as_deref()).unwrap_or_default(),
            )
        })
        .collect())
}

fn bitwarden_csv(text: &str) -> Result<Vec<Candidate>, OtpError> {
    let bad = |reason: String| OtpError::BadExport {
        format: "Bitwarden CSV",
        reason,
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| bad("it has no header line".into()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("it has no \"{name}\" column")))
    };
    let (name, kind, username, totp) = (
        column("name")?,
        column("type")?,
        column("login_username")?,
        column("login_totp")?,
    );
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| bad(format!("row {} is damaged", index + 2)))?;
        if record.get(kind) != Some("login") {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default();
        out.push(bitwarden_item(field(name), field(username), field(totp)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        assert_eq!(
            Format::detect(r#"{"version":1,"header":{},"db":{}}"#),
            Some(Format::Aegis)
        );
        assert_eq!(
            Format::detect(r#"{"services":[],"schemaVersion":4}"#),
            Some(Format::TwoFas)
        );
        assert_eq!(
            Format::detect(r#"{"encrypted":false,"items":[]}"#),
            Some(Format::Bitwarden)
        );
        assert_eq!(
            Format::detect(
                "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n"
            ),
            Some(Format::Bitwarden)
        );
        assert_eq!(
            Format::detect("otpauth://totp/x?secret=A\n"),
            Some(Format::Ente)
        );
        assert_eq!(
            Format::detect("otpauth-migration://offline?data=x"),
            Some(Format::Google)
        );
        assert_eq!(Format::detect("hello"), None);
    }

    #[test]
    fn a_broken_entry_fails_the_whole_file() {
        let text =
            "otpauth://totp/A:a?secret=KDSECRETAAAAAAAA\notpauth://totp/B:b?secret=KDSECRET0000\n";
        let err = validate_all(read(text, None).unwrap()).unwrap_err();
        assert_eq!(err.code(), "otp_bad_entry");
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(err.to_string().contains("Nothing was imported"), "{err}");
    }

    #[test]
    fn encrypted_exports_are_named() {
        let err = read(r#"{"version":1,"header":{"slots":[]},"db":"AAAA"}"#, None).unwrap_err();
        assert_eq!(err.code(), "otp_encrypted_export");
        let err = read(r#"{"services":[],"servicesEncrypted":"x:y:z"}"#, None).unwrap_err();
        assert_eq!(err.code(), "otp_encrypted_export");
        let err = read(r#"{"encrypted":true,"items":[]}"#, Some(Format::Bitwarden)).unwrap_err();
        assert_eq!(err.code(), "otp_encrypted_export");
    }
}
