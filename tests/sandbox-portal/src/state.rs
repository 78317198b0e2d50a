//! What one portal remembers: failures and lockouts, pending sign-ins and their codes, sessions,
//! remembered devices, used backup codes, and the record of every attempt. Pure logic: every
//! decision takes `now` (unix seconds) from the caller, so tests can move time.

use crate::config::{PortalConfig, UserConfig};
use crate::otp;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How the second step was (or is to be) done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Code e-mailed.
    Email,
    /// Code texted (arrives as a forwarded-SMS e-mail).
    Sms,
    /// Authenticator app code.
    Totp,
    /// One-time backup code.
    Backup,
    /// Federated sign-in: no second step.
    Sso,
}

/// Which step an attempt was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Username and password.
    Password,
    /// Asking for a code to be sent.
    SendCode,
    /// Entering a code.
    Code,
    /// Changing an expired password.
    ChangePassword,
}

/// What came of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Fully signed in.
    SignedIn,
    /// Password right; a second step is needed.
    CodeRequired,
    /// No such user (never locks anything).
    UnknownUser,
    /// Wrong password.
    WrongPassword,
    /// The account is (now) locked.
    Locked,
    /// The password has expired.
    PasswordExpired,
    /// A code was sent.
    CodeSent,
    /// The code could not be delivered.
    DeliveryFailed,
    /// Not the current code.
    WrongCode,
    /// The current code, but past its lifetime.
    CodeExpired,
    /// An earlier code, voided by a newer one.
    CodeVoided,
    /// A backup code already used.
    BackupCodeReused,
    /// An authenticator code already used.
    TotpReused,
    /// The portal is in maintenance.
    Maintenance,
    /// The password was changed.
    PasswordChanged,
    /// A password change was refused (wrong current password, or a new one against the rules).
    PasswordChangeRefused,
}

/// One recorded attempt, as `GET /__sandbox/attempts` returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// Order of the attempt on this portal, from 1.
    pub seq: u64,
    /// Unix seconds (sandbox time).
    pub time: u64,
    /// Portal name.
    pub portal: String,
    /// Username typed (or of the pending sign-in).
    pub user: String,
    /// Which step.
    pub step: Step,
    /// What came of it.
    pub outcome: Outcome,
    /// How the second step was done, where it applies.
    pub method: Option<Method>,
    /// Which sent code (1 = the portal's first), for send and code steps.
    pub code_seq: Option<u32>,
    /// A valid remember-device cookie was presented and skipped the second step.
    pub device_remembered: bool,
    /// "Remember this device" was ticked on a successful code.
    pub remember_requested: bool,
}

#[derive(Debug, Clone)]
struct IssuedCode {
    value: String,
    seq: u32,
    expires: u64,
}

#[derive(Debug, Default)]
struct Account {
    failures: u32,
    locked: bool,
    code: Option<IssuedCode>,
    voided: Vec<(String, u32)>,
    used_backup: HashSet<String>,
    last_totp_step: Option<u64>,
    /// The password after a change (the configured one until then).
    changed_password: Option<String>,
    /// Earlier passwords, newest last (a change may not reuse one of the last few).
    history: Vec<String>,
}

/// A sign-in past its password, waiting for its second step.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Who is signing in.
    pub user: String,
    /// How the code was sent, once it was.
    pub method: Option<Method>,
}

#[derive(Debug)]
struct Device {
    user: String,
    until: u64,
}

/// Result of the password step.
#[derive(Debug)]
pub enum PasswordResult {
    /// Signed in; the session token.
    SignedIn(String),
    /// Second step needed; the pending-sign-in token.
    NeedCode(String),
    /// Wrong username or password.
    Wrong,
    /// Locked (now or before).
    Locked,
    /// Password expired; the token of the change it asks for.
    Expired(String),
}

/// Result of the code step.
#[derive(Debug)]
pub enum CodeResult {
    /// Signed in: session token, and remember-device token if asked for.
    SignedIn {
        /// Session cookie value.
        session: String,
        /// Remember-device cookie value.
        device: Option<String>,
    },
    /// Refused with this outcome; the account may now be locked.
    Refused(Outcome),
    /// The account is locked.
    Locked,
}

/// The state of one portal.
#[derive(Debug, Default)]
pub struct PortalState {
    /// Maintenance mode on.
    pub maintenance: bool,
    accounts: HashMap<String, Account>,
    pending: HashMap<String, Pending>,
    sessions: HashMap<String, String>,
    /// Password changes asked for by an expired-password page: token → user.
    changes: HashMap<String, String>,
    devices: HashMap<String, Device>,
    attempts: Vec<Attempt>,
    codes_sent: u32,
}

/// How many earlier passwords a change may not reuse.
pub const PASSWORD_HISTORY: usize = 6;

/// The rule of the portal's change form a new password breaks, in the portal's words.
pub fn password_rule_broken(new: &str) -> Option<&'static str> {
    let length = new.chars().count();
    let has = |f: fn(&char) -> bool| new.chars().any(|c| f(&c));
    if !(12..=64).contains(&length)
        || !has(char::is_ascii_uppercase)
        || !has(char::is_ascii_lowercase)
        || !has(char::is_ascii_digit)
        || !has(|c| !c.is_ascii_alphanumeric())
    {
        Some(
            "Your new password must be 12 to 64 characters long and include an upper-case \
             letter, a lower-case letter, a number and a symbol.",
        )
    } else {
        None
    }
}

fn new_attempt(cfg: &PortalConfig, user: &str, step: Step, outcome: Outcome, now: u64) -> Attempt {
    Attempt {
        seq: 0,
        time: now,
        portal: cfg.name.clone(),
        user: user.to_string(),
        step,
        outcome,
        method: None,
        code_seq: None,
        device_remembered: false,
        remember_requested: false,
    }
}

impl PortalState {
    /// A fresh state for a portal.
    pub fn new(cfg: &PortalConfig) -> PortalState {
        let accounts = cfg
            .users
            .iter()
            .filter(|u| u.locked)
            .map(|u| {
                let locked = Account {
                    locked: true,
                    ..Account::default()
                };
                (u.username.clone(), locked)
            })
            .collect();
        PortalState {
            maintenance: cfg.maintenance,
            accounts,
            ..PortalState::default()
        }
    }

    /// Records an attempt.
    pub fn record(&mut self, mut a: Attempt) {
        a.seq = self.attempts.len() as u64 + 1;
        self.attempts.push(a);
    }

    /// Records a simple attempt.
    pub fn note(&mut self, cfg: &PortalConfig, user: &str, step: Step, outcome: Outcome, now: u64) {
        self.record(new_attempt(cfg, user, step, outcome, now));
    }

    /// Every attempt so far.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The signed-in user of a session token.
    pub fn session_user(&self, token: &str) -> Option<&str> {
        self.sessions.get(token).map(String::as_str)
    }

    /// Ends a session.
    pub fn end_session(&mut self, token: &str) {
        self.sessions.remove(token);
    }

    /// The pending sign-in of a token.
    pub fn pending(&self, token: &str) -> Option<&Pending> {
        self.pending.get(token)
    }

    /// Whether the user is locked.
    pub fn is_locked(&self, user: &str) -> bool {
        self.accounts.get(user).is_some_and(|a| a.locked)
    }

    fn sign_in(&mut self, user: &str) -> String {
        let acct = self.accounts.entry(user.to_string()).or_default();
        acct.failures = 0;
        let token = otp::random_token();
        self.sessions.insert(token.clone(), user.to_string());
        token
    }

    /// Counts a failure; returns true when the account just locked.
    fn fail(&mut self, cfg: &PortalConfig, user: &str) -> bool {
        let acct = self.accounts.entry(user.to_string()).or_default();
        acct.failures += 1;
        if acct.failures >= cfg.lockout_after {
            acct.locked = true;
        }
        acct.locked
    }

    /// The password step. `device` is the remember-device cookie presented, if any.
    pub fn password(
        &mut self,
        cfg: &PortalConfig,
        username: &str,
        password: &str,
        device: Option<&str>,
        now: u64,
    ) -> PasswordResult {
        let mut a = new_attempt(cfg, username, Step::Password, Outcome::WrongPassword, now);
        let Some(user) = cfg.user(username) else {
            a.outcome = Outcome::UnknownUser;
            self.record(a);
            return PasswordResult::Wrong;
        };
        let result = if self.is_locked(username) {
            PasswordResult::Locked
        } else if self.current_password(user) != password {
            if self.fail(cfg, username) {
                PasswordResult::Locked
            } else {
                PasswordResult::Wrong
            }
        } else if user.password_expired && !self.was_changed(username) {
            let token = otp::random_token();
            self.changes.insert(token.clone(), username.into());
            PasswordResult::Expired(token)
        } else if user.sso {
            a.method = Some(Method::Sso);
            PasswordResult::SignedIn(self.sign_in(username))
        } else if self.device_valid(device, username, now) {
            a.device_remembered = true;
            PasswordResult::SignedIn(self.sign_in(username))
        } else {
            let token = otp::random_token();
            self.pending.insert(
                token.clone(),
                Pending {
                    user: username.into(),
                    method: None,
                },
            );
            PasswordResult::NeedCode(token)
        };
        a.outcome = match &result {
            PasswordResult::SignedIn(_) => Outcome::SignedIn,
            PasswordResult::NeedCode(_) => Outcome::CodeRequired,
            PasswordResult::Wrong => Outcome::WrongPassword,
            PasswordResult::Locked => Outcome::Locked,
            PasswordResult::Expired(_) => Outcome::PasswordExpired,
        };
        self.record(a);
        result
    }

    /// The user's password now: the configured one, or the one it was changed to.
    pub fn current_password<'a>(&'a self, user: &'a UserConfig) -> &'a str {
        self.accounts
            .get(&user.username)
            .and_then(|a| a.changed_password.as_deref())
            .unwrap_or(&user.password)
    }

    fn was_changed(&self, user: &str) -> bool {
        self.accounts
            .get(user)
            .is_some_and(|a| a.changed_password.is_some())
    }

    /// The user a change token was given to.
    pub fn change_user(&self, token: &str) -> Option<&str> {
        self.changes.get(token).map(String::as_str)
    }

    /// A password change (the expired-password form). The portal's rules: 12 to 64 characters
    /// with an upper- and a lower-case letter, a digit and a symbol, the new one twice, and none
    /// of the last [`PASSWORD_HISTORY`] passwords. `Err` holds the portal's words.
    pub fn change_password(
        &mut self,
        cfg: &PortalConfig,
        token: &str,
        current: &str,
        new: &str,
        confirm: &str,
        now: u64,
    ) -> Result<(), &'static str> {
        let Some(username) = self.changes.get(token).cloned() else {
            return Err("Your session has timed out. Please sign in again.");
        };
        let user = cfg
            .user(&username)
            .expect("a change token is for a known user");
        let mut a = new_attempt(
            cfg,
            &username,
            Step::ChangePassword,
            Outcome::PasswordChangeRefused,
            now,
        );
        let old = self.current_password(user).to_owned();
        let result = if current != old {
            Err("The current password you entered is incorrect.")
        } else if new != confirm {
            Err("The new passwords do not match.")
        } else if let Some(words) = password_rule_broken(new) {
            Err(words)
        } else if new == old
            || self.accounts.get(&username).is_some_and(|acct| {
                acct.history
                    .iter()
                    .rev()
                    .take(PASSWORD_HISTORY)
                    .any(|p| p == new)
            })
        {
            Err("Your new password cannot be one of your last 6 passwords.")
        } else {
            Ok(())
        };
        if result.is_ok() {
            let acct = self.accounts.entry(username.clone()).or_default();
            acct.history.push(old);
            acct.changed_password = Some(new.to_owned());
            self.changes.remove(token);
            a.outcome = Outcome::PasswordChanged;
        }
        self.record(a);
        result
    }

    fn device_valid(&self, device: Option<&str>, user: &str, now: u64) -> bool {
        device
            .and_then(|t| self.devices.get(t))
            .is_some_and(|d| d.user == user && now < d.until)
    }

    /// Issues a new code for a pending sign-in, voiding the previous one. Returns the user and
    /// the code, or `None` when the pending sign-in is unknown or its account locked.
    pub fn issue_code(
        &mut self,
        cfg: &PortalConfig,
        token: &str,
        method: Method,
        now: u64,
    ) -> Option<(UserConfig, String, u32)> {
        let pending = self.pending.get_mut(token)?;
        pending.method = Some(method);
        let user = pending.user.clone();
        if self.is_locked(&user) {
            return None;
        }
        self.codes_sent += 1;
        let seq = self.codes_sent;
        let value = otp::random_code(cfg.code_format);
        let acct = self.accounts.entry(user.clone()).or_default();
        if let Some(old) = acct.code.take() {
            acct.voided.push((old.value, old.seq));
        }
        let expires = now + cfg.code_lifetime_secs;
        acct.code = Some(IssuedCode {
            value: value.clone(),
            seq,
            expires,
        });
        let mut a = new_attempt(cfg, &user, Step::SendCode, Outcome::CodeSent, now);
        a.method = Some(method);
        a.code_seq = Some(seq);
        self.record(a);
        Some((cfg.user(&user)?.clone(), value, seq))
    }

    /// The code step. `method` is `Backup` for a backup code, `Totp` for an authenticator code,
    /// else the method the code was sent by.
    pub fn verify(
        &mut self,
        cfg: &PortalConfig,
        token: &str,
        method: Method,
        code: &str,
        remember: bool,
        now: u64,
    ) -> Option<CodeResult> {
        let user_name = self.pending.get(token)?.user.clone();
        let user = cfg.user(&user_name)?.clone();
        let mut a = new_attempt(cfg, &user_name, Step::Code, Outcome::WrongCode, now);
        a.method = Some(method);
        if self.is_locked(&user_name) {
            a.outcome = Outcome::Locked;
            self.record(a);
            return Some(CodeResult::Locked);
        }
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let acct = self.accounts.entry(user_name.clone()).or_default();
        let outcome = match method {
            Method::Totp => {
                let seed = user.totp_seed.as_deref().and_then(otp::base32_decode);
                match seed.and_then(|k| otp::totp_step_matching(&k, &typed, now)) {
                    Some(step) if acct.last_totp_step.is_some_and(|l| step <= l) => {
                        Outcome::TotpReused
                    }
                    Some(step) => {
                        acct.last_totp_step = Some(step);
                        Outcome::SignedIn
                    }
                    None => Outcome::WrongCode,
                }
            }
            Method::Backup => {
                if !user.backup_codes.contains(&typed) {
                    Outcome::WrongCode
                } else if !acct.used_backup.insert(typed) {
                    Outcome::BackupCodeReused
                } else {
                    Outcome::SignedIn
                }
            }
            Method::Email | Method::Sms | Method::Sso => {
                let same = |v: &str| v.eq_ignore_ascii_case(&typed);
                match &acct.code {
                    Some(c) if same(&c.value) => {
                        a.code_seq = Some(c.seq);
                        if now >= c.expires {
                            Outcome::CodeExpired
                        } else {
                            Outcome::SignedIn
                        }
                    }
                    _ => match acct.voided.iter().find(|(v, _)| same(v)) {
                        Some((_, seq)) => {
                            a.code_seq = Some(*seq);
                            Outcome::CodeVoided
                        }
                        None => Outcome::WrongCode,
                    },
                }
            }
        };
        a.outcome = outcome;
        let result = if outcome == Outcome::SignedIn {
            acct.code = None;
            acct.voided.clear();
            self.pending.remove(token);
            a.remember_requested = remember;
            let device = remember.then(|| {
                let t = otp::random_token();
                let until = now + u64::from(cfg.remember_days) * 86_400;
                self.devices.insert(
                    t.clone(),
                    Device {
                        user: user_name.clone(),
                        until,
                    },
                );
                t
            });
            CodeResult::SignedIn {
                session: self.sign_in(&user_name),
                device,
            }
        } else if self.fail(cfg, &user_name) {
            a.outcome = Outcome::Locked;
            CodeResult::Locked
        } else {
            CodeResult::Refused(outcome)
        };
        self.record(a);
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn portal() -> PortalConfig {
        let toml = "[[portal]]\nname='p'\nkind='cigna'\nlockout_after=3\ncode_lifetime_secs=60\n\
                    remember_days=1\n[[portal.user]]\nusername='a'\npassword='pa'\n\
                    [[portal.user]]\nusername='b'\npassword='pb'\n";
        Config::from_toml(toml).unwrap().portals.remove(0)
    }

    fn pending(st: &mut PortalState, cfg: &PortalConfig, user: &str, pw: &str) -> String {
        match st.password(cfg, user, pw, None, 0) {
            PasswordResult::NeedCode(t) => t,
            other => panic!("expected a code step, got {other:?}"),
        }
    }

    #[test]
    fn a_successful_sign_in_resets_the_failure_count() {
        let (cfg, mut st) = (portal(), PortalState::default());
        for _ in 0..2 {
            assert!(matches!(
                st.password(&cfg, "a", "x", None, 0),
                PasswordResult::Wrong
            ));
        }
        let t = pending(&mut st, &cfg, "a", "pa");
        let (_, code, _) = st.issue_code(&cfg, &t, Method::Email, 0).unwrap();
        assert!(matches!(
            st.verify(&cfg, &t, Method::Email, &code, false, 1),
            Some(CodeResult::SignedIn { .. })
        ));
        for _ in 0..2 {
            assert!(
                matches!(st.password(&cfg, "a", "x", None, 2), PasswordResult::Wrong),
                "not locked"
            );
        }
        assert!(matches!(
            st.password(&cfg, "a", "x", None, 3),
            PasswordResult::Locked
        ));
    }

    #[test]
    fn a_new_code_voids_the_old_and_expiry_is_at_the_lifetime() {
        let (cfg, mut st) = (portal(), PortalState::default());
        let t = pending(&mut st, &cfg, "a", "pa");
        let (_, first, _) = st.issue_code(&cfg, &t, Method::Email, 0).unwrap();
        let (_, second, seq) = st.issue_code(&cfg, &t, Method::Email, 10).unwrap();
        assert_eq!(seq, 2);
        let r = st.verify(&cfg, &t, Method::Email, &first, false, 11);
        assert!(
            matches!(r, Some(CodeResult::Refused(Outcome::CodeVoided))),
            "{r:?}"
        );
        let r = st.verify(&cfg, &t, Method::Email, &second, false, 70);
        assert!(
            matches!(r, Some(CodeResult::Refused(Outcome::CodeExpired))),
            "{r:?}"
        );
    }

    #[test]
    fn a_remembered_device_is_for_its_user_and_lapses() {
        let (cfg, mut st) = (portal(), PortalState::default());
        let t = pending(&mut st, &cfg, "a", "pa");
        let (_, code, _) = st.issue_code(&cfg, &t, Method::Email, 0).unwrap();
        let Some(CodeResult::SignedIn {
            device: Some(d), ..
        }) = st.verify(&cfg, &t, Method::Email, &code, true, 0)
        else {
            panic!("a device token when asked to remember");
        };
        assert!(matches!(
            st.password(&cfg, "a", "pa", Some(&d), 86_399),
            PasswordResult::SignedIn(_)
        ));
        assert!(matches!(
            st.password(&cfg, "b", "pb", Some(&d), 10),
            PasswordResult::NeedCode(_)
        ));
        assert!(matches!(
            st.password(&cfg, "a", "pa", Some(&d), 86_400),
            PasswordResult::NeedCode(_)
        ));
    }
}
