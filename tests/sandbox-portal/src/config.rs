//! The sandbox's configuration: which portals to serve, on which ports, with which users.
//!
//! Read from TOML (see `demo.toml`). Every knob a real portal's policy differs on is here, so a
//! test states the policy it exercises instead of relying on defaults.

use serde::Deserialize;
use std::path::Path;

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("could not read the sandbox config {path}: {source}")]
    Read {
        /// The file asked for.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("the sandbox config is not valid: {0}")]
    Parse(#[from] toml::de::Error),
    /// The file parses but describes something the sandbox cannot serve.
    #[error("the sandbox config is not usable: {0}")]
    Invalid(String),
}

/// The whole sandbox: how codes are delivered and the portals served.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where e-mailed and texted codes go.
    #[serde(default)]
    pub mail: MailConfig,
    /// One entry per portal; each listens on its own port (its own origin).
    #[serde(rename = "portal")]
    pub portals: Vec<PortalConfig>,
    /// Failures below the page: an expired certificate, a refusing port, a dropping proxy.
    #[serde(rename = "fault", default)]
    pub faults: Vec<crate::faults::FaultConfig>,
}

/// How code messages leave the sandbox.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `lmtp` (into a real Dovecot) or `outbox` (kept in memory, read via `/__sandbox/outbox`).
    #[serde(default)]
    pub delivery: Delivery,
    /// LMTP host; 127.0.0.1 when unset.
    pub lmtp_host: Option<String>,
    /// LMTP port; `$KEYDESK_TEST_LMTP_PORT` when unset.
    pub lmtp_port: Option<u16>,
    /// The authserv-id of the office's receiving server. When set, LMTP delivery adds the
    /// `Authentication-Results` that server would add to the sandbox's mail (its DKIM signature
    /// and DMARC checks passed for the From domain), as the MTA in front of a real office's
    /// Dovecot does. Unset: the mail arrives unchecked.
    pub authserv_id: Option<String>,
}

/// Where code messages go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// LMTP delivery into a mail server.
    #[default]
    Lmtp,
    /// An in-memory outbox, for tests that do not need a mail server.
    Outbox,
}

/// Which real portal a sandbox portal imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortalKind {
    /// Password, then "Send verification code" by e-mail; SSO users skip the code.
    Cigna,
    /// Password, then a code by e-mail or by text (a forwarded-SMS e-mail); Spanish pages.
    Mychart,
    /// Password, then an authenticator (TOTP) code or a one-time backup code.
    Availity,
}

/// Whose page markup a portal serves (its flow follows `kind`; see `real.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Markup {
    /// Textbook pages: autocomplete everywhere, ids Keydesk's first recipes named.
    #[default]
    Classic,
    /// One Healthcare ID: identifier-first, "Verify Your Identity" by text or call buttons, one
    /// box per digit, "Skip this step…" checkbox.
    Ohid,
    /// Okta (Delta Dental): identifier-first with "Remember me", `credentials.passcode`, the
    /// `DT` device cookie.
    Okta,
    /// Availity: decoy input, "How would you like to authenticate?" radios, then the code.
    Availity,
    /// Cigna: `data-test` attributes, remember as a radio.
    Cigna,
    /// MyChart: `#Login`/`#Password`, delivery buttons known only by their text, `#twofactorcode`.
    Mychart,
}

/// The shape of e-mailed and texted codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeFormat {
    /// Six decimal digits.
    #[default]
    Digits6,
    /// Six upper-case letters and digits, without look-alikes (0/O, 1/I), like `TM3KX2`.
    Alnum6,
}

/// One portal and its policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Short name: used in URLs of the ready file, cookie names and attempt records.
    pub name: String,
    /// Which portal it behaves like.
    pub kind: PortalKind,
    /// Whose page markup it serves.
    #[serde(default)]
    pub markup: Markup,
    /// Also serve a landing site on a second port (its own origin), as One Healthcare ID's
    /// uhcprovider.com or Delta Dental's www host: `/` and `/ciam/login` send people to the
    /// sign-in origin, and a completed sign-in comes back to its `/home`. Ready file key
    /// `NAME_landing`.
    #[serde(default)]
    pub landing: bool,
    /// Port on 127.0.0.1; 0 picks a free one.
    #[serde(default)]
    pub port: u16,
    /// Brand shown on pages and in e-mails.
    #[serde(default)]
    pub title: Option<String>,
    /// How long an e-mailed or texted code is valid.
    #[serde(default = "default_code_lifetime")]
    pub code_lifetime_secs: u64,
    /// How long "Remember this device" lasts.
    #[serde(default = "default_remember_days")]
    pub remember_days: u32,
    /// Wrong passwords or codes in a row before the account locks.
    #[serde(default = "default_lockout")]
    pub lockout_after: u32,
    /// Starts in maintenance mode.
    #[serde(default)]
    pub maintenance: bool,
    /// Shape of e-mailed and texted codes.
    #[serde(default)]
    pub code_format: CodeFormat,
    /// From header of code e-mails, e.g. `Cigna <no-reply@cigna.example>`.
    #[serde(default = "default_mail_from")]
    pub mail_from: String,
    /// From address of forwarded texts, e.g. `+15551234567@sms.example`.
    #[serde(default = "default_sms_from")]
    pub sms_from: String,
    /// The code page of a single-page portal: no form and no button; the page's script sends
    /// the code this many milliseconds after the last change to the code box (each new input
    /// starts the wait again). Unset: the usual form with its Verify button.
    #[serde(default)]
    pub code_auto_submit_ms: Option<u64>,
    /// The sign-in form sits in a layer hidden until its "Sign in" link is clicked, as many
    /// sites' headers keep it (textbook markup only).
    #[serde(default)]
    pub login_behind_link: bool,
    /// A browser that still holds a session cookie of this portal that the portal no longer
    /// knows (a stale session: after `/__sandbox/reset`, say) gets, at `/login`, a notice that a
    /// session is already open, and no sign-in form, until its cookies for the portal are
    /// cleared: the stored session in the way that payers' guides say to clear cookies for.
    #[serde(default)]
    pub session_in_the_way: bool,
    /// The portal's users.
    #[serde(rename = "user", default)]
    pub users: Vec<UserConfig>,
}

/// One account on a portal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// Sign-in name.
    pub username: String,
    /// Sign-in password (test data, not a secret of anyone).
    pub password: String,
    /// Where e-mailed and texted codes are delivered.
    #[serde(default = "default_email")]
    pub email: String,
    /// A federated (SSO) user whose organization's identity host is down: after the password
    /// the portal hands them to a port nobody listens on.
    #[serde(default)]
    pub identity_host_down: bool,
    /// A federated (SSO) user whose hand-off fails: after the password the portal shows its
    /// sign-in page again saying the organization's sign-in did not complete.
    #[serde(default)]
    pub sso_hand_off_fails: bool,
    /// A federated (SSO) user: no second step.
    #[serde(default)]
    pub sso: bool,
    /// The password has expired: the user gets the expired-password page.
    #[serde(default)]
    pub password_expired: bool,
    /// The account starts locked (as if an earlier client had used up its tries).
    #[serde(default)]
    pub locked: bool,
    /// Base32 authenticator seed (Availity-like portals).
    #[serde(default)]
    pub totp_seed: Option<String>,
    /// One-time backup codes (Availity-like portals).
    #[serde(default)]
    pub backup_codes: Vec<String>,
}

fn default_code_lifetime() -> u64 {
    600
}
fn default_remember_days() -> u32 {
    30
}
fn default_lockout() -> u32 {
    5
}
fn default_mail_from() -> String {
    "Sandbox Portal <no-reply@portal.example>".into()
}
fn default_sms_from() -> String {
    "+15551234567@sms.example".into()
}
fn default_email() -> String {
    "user@localhost".into()
}

impl Config {
    /// Reads and checks a TOML config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml(&text)
    }

    /// Parses and checks TOML text.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError::Invalid(m));
        let mut names = std::collections::HashSet::new();
        for p in &self.portals {
            if p.name.is_empty()
                || !p
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return bad(format!(
                    "portal name {:?}: use letters, digits and _",
                    p.name
                ));
            }
            if !names.insert(&p.name) {
                return bad(format!("portal name {} is used twice", p.name));
            }
            if p.lockout_after == 0 {
                return bad(format!(
                    "portal {}: lockout_after must be at least 1",
                    p.name
                ));
            }
            for u in &p.users {
                let seed = u.totp_seed.as_deref().map(crate::otp::base32_decode);
                if p.kind == PortalKind::Availity && !u.sso && !matches!(seed, Some(Some(_))) {
                    return bad(format!(
                        "portal {} user {}: needs a valid base32 totp_seed",
                        p.name, u.username
                    ));
                }
            }
        }
        if self.portals.is_empty() {
            return bad("no [[portal]] configured".into());
        }
        Ok(())
    }

    /// Whether any portal sends codes by mail.
    pub fn needs_mail(&self) -> bool {
        self.portals.iter().any(|p| p.kind != PortalKind::Availity)
    }
}

impl PortalConfig {
    /// The brand shown on pages.
    pub fn brand(&self) -> &str {
        self.title.as_deref().unwrap_or(match self.kind {
            PortalKind::Cigna => "Cigna for Health Care Professionals (sandbox)",
            PortalKind::Mychart => "MyChart (sandbox)",
            PortalKind::Availity => "Availity Essentials (sandbox)",
        })
    }

    /// The user with this name, if any.
    pub fn user(&self, username: &str) -> Option<&UserConfig> {
        self.users.iter().find(|u| u.username == username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availity_user_without_seed_is_refused() {
        let err = Config::from_toml(
            "[[portal]]\nname='a'\nkind='availity'\n[[portal.user]]\nusername='u'\npassword='p'\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("totp_seed"), "got {err}");
    }

    #[test]
    fn duplicate_portal_names_are_refused() {
        let one = "[[portal]]\nname='a'\nkind='cigna'\n";
        let err = Config::from_toml(&format!("{one}{one}")).unwrap_err();
        assert!(err.to_string().contains("twice"), "got {err}");
    }
}
