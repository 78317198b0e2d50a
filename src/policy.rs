//! The office's policy: settings IT sets for every desk, which the window shows as "set by your
//! office" and refuses to change.
//!
//! Where it comes from: `/etc/keydesk/policy.toml` on Linux (and the BSDs), the registry under
//! `HKLM\Software\Policies\Keydesk` on Windows, the managed preferences of `org.keydesk.Keydesk`
//! on macOS (`/Library/Managed Preferences/org.keydesk.Keydesk.plist`). A further file named by
//! `KEYDESK_POLICY_FILE` (tests, a pilot) is merged in, strictest value of each wins, so an
//! environment variable can only tighten what IT set, never loosen it. A policy that cannot be
//! read is reported and the strictest values apply.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The extra policy file (only tightens).
pub const POLICY_FILE_ENV: &str = "KEYDESK_POLICY_FILE";

/// Who may see a portal's password in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RevealWho {
    /// Everyone signed in.
    Everyone,
    /// Office admins only.
    Admins,
    /// Nobody; copying still works.
    Nobody,
}

/// The office's settings; `None` leaves the desk free to choose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The longest idle time before the desk locks, minutes.
    pub max_idle_minutes: Option<u32>,
    /// The longest a copy stays on the clipboard, seconds.
    pub max_clipboard_secs: Option<u64>,
    /// Whether plain (unencrypted) exports of authenticator keys may be written.
    pub plain_export: Option<bool>,
    /// Who may see passwords.
    pub reveal_passwords: Option<RevealWho>,
    /// Whether the desk must have people with PINs.
    pub pin_required: Option<bool>,
    /// How long audit records are kept, days.
    pub audit_retention_days: Option<u32>,
}

/// Six years (HIPAA's documentation retention, 45 CFR 164.316(b)(2)).
pub const DEFAULT_RETENTION_DAYS: u32 = 6 * 366;

impl Policy {
    /// What applies when the policy cannot be read: the strictest value of each.
    pub fn strictest() -> Self {
        Self {
            max_idle_minutes: Some(1),
            max_clipboard_secs: Some(10),
            plain_export: Some(false),
            reveal_passwords: Some(RevealWho::Nobody),
            pin_required: Some(true),
            audit_retention_days: Some(DEFAULT_RETENTION_DAYS),
        }
    }

    /// The stricter of each value of `self` and `other`.
    pub fn tighten(self, other: Self) -> Self {
        fn pick<T: Copy>(a: Option<T>, b: Option<T>, f: fn(T, T) -> T) -> Option<T> {
            match (a, b) {
                (Some(a), Some(b)) => Some(f(a, b)),
                (a, b) => a.or(b),
            }
        }
        Self {
            max_idle_minutes: pick(self.max_idle_minutes, other.max_idle_minutes, u32::min),
            max_clipboard_secs: pick(self.max_clipboard_secs, other.max_clipboard_secs, u64::min),
            plain_export: pick(self.plain_export, other.plain_export, |a, b| a && b),
            reveal_passwords: pick(self.reveal_passwords, other.reveal_passwords, Ord::max),
            pin_required: pick(self.pin_required, other.pin_required, |a, b| a || b),
            // Keeping the log longer is the stricter choice.
            audit_retention_days: pick(
                self.audit_retention_days,
                other.audit_retention_days,
                u32::max,
            ),
        }
    }

    /// True when the office sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The idle time in force for the desk's `chosen` one.
    pub fn idle(&self, chosen_minutes: u32) -> Duration {
        let minutes = self
            .max_idle_minutes
            .map_or(chosen_minutes, |max| chosen_minutes.min(max.max(1)));
        Duration::from_secs(u64::from(minutes) * 60)
    }

    /// The clipboard time in force for the desk's `chosen` one.
    pub fn clipboard(&self, chosen: Duration) -> Duration {
        self.max_clipboard_secs
            .map_or(chosen, |max| chosen.min(Duration::from_secs(max.max(1))))
    }

    /// How long audit records are kept.
    pub fn retention_days(&self) -> u32 {
        self.audit_retention_days.unwrap_or(DEFAULT_RETENTION_DAYS)
    }
}

/// The policy in force and where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct OfficePolicy {
    /// The merged values.
    pub policy: Policy,
    /// Where values came from (files, registry key).
    pub sources: Vec<String>,
    /// What went wrong reading it, in plain words; the strictest values then apply.
    pub problem: Option<String>,
}

/// Reads the office's policy from the platform's place and the test file.
pub fn load() -> OfficePolicy {
    let mut found = OfficePolicy::default();
    match platform() {
        Ok(Some((source, policy))) => {
            found.policy = policy;
            found.sources.push(source);
        }
        Ok(None) => {}
        Err(problem) => fail(&mut found, problem),
    }
    if let Some(path) = std::env::var_os(POLICY_FILE_ENV).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        match read_file(&path) {
            Ok(Some(policy)) => {
                found.policy = found.policy.clone().tighten(policy);
                found.sources.push(path.display().to_string());
            }
            Ok(None) => {}
            Err(problem) => fail(&mut found, problem),
        }
    }
    found
}

fn fail(found: &mut OfficePolicy, problem: String) {
    tracing::warn!(%problem, "the office policy cannot be read; the strictest settings apply");
    found.policy = found.policy.clone().tighten(Policy::strictest());
    found.problem = Some(problem);
}

/// A policy file; `Ok(None)` when there is none.
pub fn read_file(path: &Path) -> Result<Option<Policy>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "The office policy {} cannot be read: {e}.",
                path.display()
            ));
        }
    };
    parse(&text).map(Some).map_err(|e| {
        format!(
            "The office policy {} is not valid ({e}); the strictest settings apply until IT \
             fixes it.",
            path.display()
        )
    })
}

/// A policy in TOML.
pub fn parse(text: &str) -> Result<Policy, String> {
    toml::from_str(text).map_err(|e| e.message().to_owned())
}

#[cfg(all(unix, not(target_os = "macos")))]
fn platform() -> Result<Option<(String, Policy)>, String> {
    let path = Path::new("/etc/keydesk/policy.toml");
    Ok(read_file(path)?.map(|p| (path.display().to_string(), p)))
}

#[cfg(target_os = "macos")]
fn platform() -> Result<Option<(String, Policy)>, String> {
    // Managed preferences are a property list; plutil (part of macOS) turns it into JSON.
    let path = Path::new("/Library/Managed Preferences/org.keydesk.Keydesk.plist");
    if !path.exists() {
        return Ok(None);
    }
    let out = std::process::Command::new("/usr/bin/plutil")
        .args(["-convert", "json", "-o", "-"])
        .arg(path)
        .output()
        .map_err(|e| format!("The managed preferences cannot be read: {e}."))?;
    if !out.status.success() {
        return Err("The managed preferences of Keydesk cannot be read.".into());
    }
    let policy = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("The managed preferences of Keydesk are not valid ({e})."))?;
    Ok(Some((path.display().to_string(), policy)))
}

#[cfg(windows)]
fn platform() -> Result<Option<(String, Policy)>, String> {
    use winreg::RegKey;
    use winreg::enums::HKEY_LOCAL_MACHINE;
    const KEY: &str = r"Software\Policies\Keydesk";
    let Ok(key) = RegKey::predef(HKEY_LOCAL_MACHINE).open_subkey(KEY) else {
        return Ok(None);
    };
    let dword = |name: &str| key.get_value::<u32, _>(name).ok();
    let reveal = match key
        .get_value::<String, _>("RevealPasswords")
        .ok()
        .as_deref()
    {
        None => None,
        Some("everyone") => Some(RevealWho::Everyone),
        Some("admins") => Some(RevealWho::Admins),
        Some("nobody") => Some(RevealWho::Nobody),
        Some(other) => {
            return Err(format!(
                "The office policy's RevealPasswords is \"{other}\"; it must be everyone, admins \
                 or nobody."
            ));
        }
    };
    let policy = Policy {
        max_idle_minutes: dword("MaxIdleMinutes"),
        max_clipboard_secs: dword("MaxClipboardSecs").map(u64::from),
        plain_export: dword("PlainExport").map(|v| v != 0),
        reveal_passwords: reveal,
        pin_required: dword("PinRequired").map(|v| v != 0),
        audit_retention_days: dword("AuditRetentionDays"),
    };
    Ok(Some((format!(r"HKLM\{KEY}"), policy)))
}

#[cfg(not(any(unix, windows)))]
fn platform() -> Result<Option<(String, Policy)>, String> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_file_only_tightens() {
        let it = parse(
            "max_idle_minutes = 10\nplain_export = true\nreveal_passwords = \"admins\"\n\
             max_clipboard_secs = 30",
        )
        .unwrap();
        let loose = parse(
            "max_idle_minutes = 30\nplain_export = true\nreveal_passwords = \"everyone\"\n\
             max_clipboard_secs = 600\npin_required = false",
        )
        .unwrap();
        let merged = it.clone().tighten(loose);
        assert_eq!(merged.max_idle_minutes, Some(10));
        assert_eq!(merged.reveal_passwords, Some(RevealWho::Admins));
        assert_eq!(merged.max_clipboard_secs, Some(30));
        let tight = parse("max_idle_minutes = 2\nplain_export = false").unwrap();
        let merged = it.tighten(tight);
        assert_eq!(merged.max_idle_minutes, Some(2));
        assert_eq!(merged.plain_export, Some(false));
    }

    #[test]
    fn a_broken_file_is_reported_and_the_strictest_values_apply() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(&path, "max_idle_minutes = \"soon\"").unwrap();
        let err = read_file(&path).unwrap_err();
        assert!(err.contains("not valid"), "{err}");
        let mut found = OfficePolicy::default();
        fail(&mut found, err);
        assert_eq!(found.policy.plain_export, Some(false));
        assert_eq!(found.policy.max_idle_minutes, Some(1));
        assert!(
            parse("unknown_key = 1").is_err(),
            "a misspelt key is not ignored"
        );
        assert_eq!(read_file(&dir.path().join("none.toml")), Ok(None));
    }

    #[test]
    fn the_office_caps_what_the_desk_chose() {
        let p = parse("max_idle_minutes = 2\nmax_clipboard_secs = 15").unwrap();
        assert_eq!(p.idle(5), Duration::from_secs(120));
        assert_eq!(p.idle(1), Duration::from_secs(60));
        assert_eq!(
            p.clipboard(Duration::from_secs(20)),
            Duration::from_secs(15)
        );
        assert_eq!(Policy::default().idle(5), Duration::from_secs(300));
    }
}
