//! A support request ready to send: the practice facts a payer's support line asks for (the
//! practice's name and address here; the provider ID, TIN and NPI in the portal's settings; the
//! support phone and hours), and a packet — a plain-text summary and a zip with the exact alert
//! text, each failed attempt's time, the fix steps tried and what they found, the versions, the
//! system, the network path and proxy, SSO or not, the health checks, and the screenshot of the
//! portal window at the failure. Never a password, code, seed, cookie or token; the username
//! only when the person ticks it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, Keydesk, Now};
use crate::calendar::rfc3339_utc;
use crate::error::ErrorCode;
use crate::health::book::HealthBook;
use crate::portal::PortalBook;
use crate::troubleshoot::history::History;

const PRACTICE_KEY: &str = "support.practice";
const HOURS_KEY: &str = "support.hours";

/// The practice's own facts, shared by every portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Practice {
    /// The practice's name.
    #[serde(default)]
    pub name: String,
    /// Its address.
    #[serde(default)]
    pub address: String,
}

/// Everything a support call about one portal needs, but the failure itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SupportFacts {
    /// The portal's name.
    pub portal: String,
    /// Its sign-in page.
    pub login_url: String,
    /// The practice.
    pub practice: Practice,
    /// The payer's provider ID for the office.
    pub provider_id: Option<String>,
    /// The practice's TIN.
    pub tin: Option<String>,
    /// The NPI (its check digit was validated when saved).
    pub npi: Option<String>,
    /// The portal's support phone.
    pub support_phone: Option<String>,
    /// Its hours.
    pub support_hours: Option<String>,
}

/// The support hours a preset knows. None yet: the project's portal notes name no payer's
/// hours, and hours are not guessed; the desk types them once per portal.
fn preset_hours(_preset: Option<&str>) -> Option<&'static str> {
    None
}

/// The longest practice name kept, in characters.
pub const PRACTICE_NAME_MAX: usize = 200;
/// The longest practice address kept, in characters.
pub const PRACTICE_ADDRESS_MAX: usize = 500;

impl Practice {
    /// The practice as it is kept: trimmed, the address's line breaks as `\n`; or why it
    /// cannot be kept, in plain words.
    pub fn checked(&self) -> Result<Practice, Error> {
        let bad = |message: String| Err(Error::other(ErrorCode::PracticeInvalid, message));
        let name = self.name.trim();
        let address = self.address.trim().replace("\r\n", "\n");
        if name.chars().count() > PRACTICE_NAME_MAX {
            return bad(format!(
                "The practice's name is too long: keep it to {PRACTICE_NAME_MAX} characters."
            ));
        }
        if name.chars().any(char::is_control) {
            return bad("Write the practice's name on one line.".to_owned());
        }
        if address.chars().count() > PRACTICE_ADDRESS_MAX {
            return bad(format!(
                "The practice's address is too long: keep it to {PRACTICE_ADDRESS_MAX} characters."
            ));
        }
        if address.chars().any(|c| c.is_control() && c != '\n') {
            return bad(
                "The practice's address may have line breaks, but no tabs or other hidden \
                 characters."
                    .to_owned(),
            );
        }
        Ok(Practice {
            name: name.to_owned(),
            address,
        })
    }
}

/// The practice's facts.
pub fn practice(kd: &Keydesk) -> Result<Practice, Error> {
    Ok(kd.desk().store().setting(PRACTICE_KEY)?.unwrap_or_default())
}

/// Keeps the practice's name and address.
pub fn set_practice(kd: &Keydesk, practice: &Practice) -> Result<(), Error> {
    kd.unlocked()?;
    let practice = practice.checked()?;
    kd.desk().store().set_setting(PRACTICE_KEY, &practice)?;
    kd.shown_changed(super::Area::Portals);
    Ok(())
}

/// Keeps the portal's support hours (empty: the preset's again).
pub fn set_support_hours(kd: &Keydesk, portal_id: i64, hours: &str) -> Result<(), Error> {
    kd.unlocked()?;
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(portal_id)?;
    let mut all: std::collections::BTreeMap<String, String> =
        desk.store().setting(HOURS_KEY)?.unwrap_or_default();
    if hours.trim().is_empty() {
        all.remove(&portal_id.to_string());
    } else {
        all.insert(portal_id.to_string(), hours.trim().to_owned());
    }
    desk.store().set_setting(HOURS_KEY, &all)?;
    drop(desk);
    kd.shown_changed(super::Area::Portals);
    Ok(())
}

/// The facts for a support call about `portal_id`.
pub fn facts(kd: &Keydesk, portal_id: i64) -> Result<SupportFacts, Error> {
    let mut desk = kd.desk();
    let portal = PortalBook::new(desk.store()).get(portal_id)?;
    let practice = desk.store().setting(PRACTICE_KEY)?.unwrap_or_default();
    let hours: std::collections::BTreeMap<String, String> =
        desk.store().setting(HOURS_KEY)?.unwrap_or_default();
    let f = portal.fields;
    Ok(SupportFacts {
        support_hours: hours
            .get(&portal_id.to_string())
            .cloned()
            .or_else(|| preset_hours(f.preset.as_deref()).map(str::to_owned)),
        portal: f.name,
        login_url: f.login_url,
        practice,
        provider_id: f.office.provider_id,
        tin: f.office.tin,
        npi: f.office.npi,
        support_phone: f.support_phone,
    })
}

/// Where the screenshot of a portal window at its last failure is kept.
fn screenshot_path(kd: &Keydesk, portal_id: i64) -> PathBuf {
    kd.data_dir()
        .join("support")
        .join(format!("portal-{portal_id}-failure.png"))
}

/// Keeps the screenshot of the portal window taken at a failure (a PNG), for the support
/// request. It shows the portal's page, never a field's value: the window masks passwords.
pub fn keep_screenshot(kd: &Keydesk, portal_id: i64, png: &[u8]) -> Result<(), Error> {
    let path = screenshot_path(kd, portal_id);
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|source| Error::File {
            action: "write",
            path: folder.to_owned(),
            source,
        })?;
    }
    super::write_file(&path, png)
}

/// Keeps a picture of the portal window given as RGBA pixels (the shell reads them from the
/// screen), as a PNG.
pub fn keep_screenshot_rgba(
    kd: &Keydesk,
    portal_id: i64,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Result<(), Error> {
    let image = image::RgbaImage::from_raw(width, height, rgba).ok_or_else(|| {
        Error::other(
            ErrorCode::Internal,
            "The picture of the portal window is incomplete.",
        )
    })?;
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| {
            Error::other(
                ErrorCode::Internal,
                format!("The picture could not be saved: {e}."),
            )
        })?;
    keep_screenshot(kd, portal_id, &png.into_inner())
}

/// What goes into the request besides what Keydesk knows itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
pub struct PacketOptions {
    /// Put the portal's username in (only when the person ticks it).
    #[serde(default)]
    pub include_username: bool,
    /// The web engine's name and version, as the window knows it.
    #[serde(default)]
    pub engine: Option<String>,
}

/// A support request: the summary to copy and the zip written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Packet {
    /// The plain-text summary.
    pub summary: String,
    /// Where the zip was written.
    pub path: String,
    /// A screenshot of the portal window at the failure is in it.
    pub has_screenshot: bool,
}

/// The plain-text summary of a support request about `portal_id`.
pub fn summary(kd: &Keydesk, portal_id: i64, options: &PacketOptions) -> Result<String, Error> {
    let facts = facts(kd, portal_id)?;
    let (attempts, username, health, second_step) = {
        let mut desk = kd.desk();
        let portal = PortalBook::new(desk.store()).get(portal_id)?;
        let attempts = History::new(desk.store()).of_portal(portal_id, 20)?;
        let health = HealthBook::new(desk.store()).latest(portal_id)?;
        (
            attempts,
            portal.fields.username,
            health,
            portal.fields.second_step,
        )
    };
    let mut s = String::new();
    let mut line = |k: &str, v: &str| {
        if !v.is_empty() {
            s.push_str(&format!("{k}: {v}\n"));
        }
    };
    line("Portal", &facts.portal);
    line("Sign-in page", &facts.login_url);
    line("Practice", &facts.practice.name);
    // One line in the summary, however the address was written.
    line("Address", &facts.practice.address.replace('\n', ", "));
    line("Provider ID", facts.provider_id.as_deref().unwrap_or(""));
    line("TIN", facts.tin.as_deref().unwrap_or(""));
    line("NPI", facts.npi.as_deref().unwrap_or(""));
    if options.include_username {
        line("Username", &username);
    }
    line(
        "Support phone",
        facts.support_phone.as_deref().unwrap_or(""),
    );
    line(
        "Support hours",
        facts.support_hours.as_deref().unwrap_or(""),
    );
    let sso = attempts
        .iter()
        .any(|a| a.failure_code.as_deref() == Some("sso"));
    line(
        "Single sign-on (SSO) involved",
        if sso { "yes" } else { "no" },
    );
    line("Second step", second_step.label());
    line("Keydesk", env!("CARGO_PKG_VERSION"));
    line("Web engine", options.engine.as_deref().unwrap_or("unknown"));
    line("System", &os_words());
    match &health {
        Some(h) => {
            line(
                "Health check",
                &format!(
                    "{} — {} ({})",
                    h.state.code(),
                    h.words,
                    rfc3339_utc(h.checked_at)
                ),
            );
            line(
                "Network path",
                &if h.addresses.is_empty() {
                    "no address".to_owned()
                } else {
                    h.addresses.join(", ")
                },
            );
            line("Proxy", h.proxy.as_deref().unwrap_or("none"));
            if let Some(tls) = &h.tls {
                line(
                    "Certificate",
                    &format!(
                        "{}; ends {}; chain: {}",
                        if tls.valid { "valid" } else { "NOT valid" },
                        tls.not_after.map(crate::calendar::date).unwrap_or_default(),
                        tls.chain.join(" <- ")
                    ),
                );
            }
        }
        None => line("Health check", "none yet"),
    }
    let failed: Vec<_> = attempts.iter().filter(|a| a.outcome == "failed").collect();
    s.push_str(&format!(
        "\nFailed sign-ins ({}), newest first:\n",
        failed.len()
    ));
    for a in &failed {
        s.push_str(&format!(
            "- {} ({} ms, stopped at: {}): {}{}\n",
            rfc3339_utc(a.started_ms.div_euclid(1000)),
            a.duration_ms,
            a.step,
            // In English whatever the desk speaks: the summary is for the payer's support line.
            a.class.map_or_else(
                || "unknown".to_owned(),
                |c| c.title(crate::i18n::Locale::En)
            ),
            a.alert_text
                .as_deref()
                .map(|t| format!("; the portal said: “{t}”"))
                .unwrap_or_default()
        ));
        for t in &a.tried {
            s.push_str(&format!(
                "    tried {} at {}: {}\n",
                t.action,
                rfc3339_utc(t.at_ms.div_euclid(1000)),
                t.found
            ));
        }
    }
    Ok(s)
}

/// Writes the support request about `portal_id` to `out` (a zip: `summary.txt`,
/// `attempts.json`, `health.json`, and `screenshot.png` when one was kept) and returns it.
pub fn packet(
    kd: &Keydesk,
    portal_id: i64,
    out: &Path,
    options: &PacketOptions,
    now: Now,
) -> Result<Packet, Error> {
    // A file leaves the desk: only for someone signed in, and on the record.
    kd.unlocked()?;
    let summary = summary(kd, portal_id, options)?;
    let (attempts, health) = {
        let mut desk = kd.desk();
        let attempts = History::new(desk.store()).of_portal(portal_id, 20)?;
        let health = HealthBook::new(desk.store())
            .states_since(portal_id, now.secs() - crate::health::book::KEEP_SECS)?;
        let latest = HealthBook::new(desk.store()).latest(portal_id)?;
        (
            attempts,
            serde_json::json!({ "latest": latest, "last_30_days": health }),
        )
    };
    let screenshot = std::fs::read(screenshot_path(kd, portal_id)).ok();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, bytes: &[u8]| -> Result<(), Error> {
        zip.start_file(name, opts)
            .and_then(|()| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| {
                Error::other(
                    ErrorCode::Internal,
                    format!("The zip could not be made: {e}."),
                )
            })
    };
    put("summary.txt", summary.as_bytes())?;
    put(
        "attempts.json",
        serde_json::to_string_pretty(&attempts)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    put(
        "health.json",
        serde_json::to_string_pretty(&health)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    if let Some(png) = &screenshot {
        put("screenshot.png", png)?;
    }
    let bytes = zip
        .finish()
        .map_err(|e| {
            Error::other(
                ErrorCode::Internal,
                format!("The zip could not be made: {e}."),
            )
        })?
        .into_inner();
    super::write_file(out, &bytes)?;
    tracing::info!(
        portal = portal_id,
        screenshot = screenshot.is_some(),
        "support request written"
    );
    kd.audit(
        crate::audit::Action::ExportWritten,
        kd.portal_name(portal_id),
        "support request",
    );
    Ok(Packet {
        summary,
        path: out.display().to_string(),
        has_screenshot: screenshot.is_some(),
    })
}

fn os_words() -> String {
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    match pretty {
        Some(p) => format!("{p} ({} {})", std::env::consts::OS, std::env::consts::ARCH),
        None => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;

    #[test]
    fn the_practice_is_kept_trimmed_and_a_bad_one_is_refused_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        set_practice(
            &kd,
            &Practice {
                name: "  Main Street Dental ".into(),
                address: "1 Main Street\r\nSpringfield  ".into(),
            },
        )
        .unwrap();
        assert_eq!(
            practice(&kd).unwrap(),
            Practice {
                name: "Main Street Dental".into(),
                address: "1 Main Street\nSpringfield".into(),
            }
        );
        for (bad, says) in [
            (
                Practice {
                    name: "x".repeat(PRACTICE_NAME_MAX + 1),
                    address: String::new(),
                },
                "name is too long",
            ),
            (
                Practice {
                    name: "Main\nStreet".into(),
                    address: String::new(),
                },
                "on one line",
            ),
            (
                Practice {
                    name: "Main".into(),
                    address: "1 Main\tStreet".into(),
                },
                "no tabs",
            ),
        ] {
            let e = set_practice(&kd, &bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::PracticeInvalid);
            assert!(e.to_string().contains(says), "{e}");
        }
        assert_eq!(
            practice(&kd).unwrap().name,
            "Main Street Dental",
            "nothing kept of a refused one"
        );
    }
}
