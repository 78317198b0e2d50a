//! When a sign-in fails: which of the known kinds of failure it is ([`FailureClass`]), and the
//! guided fix for each ([`Fix`]): the steps a payer's own troubleshooting guide gives, in order
//! and in plain words, each with the action Keydesk can take itself where it can. The history of
//! sign-ins and what each step found is in [`history`].
//!
//! A fix never offers a new try of the password after a refused password or a locked account:
//! a new sign-in still goes through the retry guard ([`crate::signin::RetryGuard`]).

pub mod history;

use serde::{Deserialize, Serialize};

use crate::health::HealthState;
use crate::i18n::{Locale, Msg, msg, text};
use crate::portal::SecondStep;
use crate::signin::Failure;

/// The kinds of sign-in failure a front desk meets, each with its own fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// The portal refused the username or password.
    WrongPassword,
    /// The account is locked.
    Locked,
    /// The password has expired.
    PasswordExpired,
    /// The hand-off to the organization's single sign-on did not complete.
    SsoHandOff,
    /// The organization's identity host (SSO) does not answer.
    IdentityHostUnreachable,
    /// The e-mailed or texted code never arrived (or the portal did not send it).
    CodeNeverArrived,
    /// The portal refused the code.
    CodeRefused,
    /// The page loaded but showed no sign-in form: a stored session or cookie is in the way.
    StoredSession,
    /// The portal cannot be reached: network, firewall, VPN or proxy.
    Network,
    /// The portal's secure connection (its certificate) is not right.
    Tls,
    /// The portal is down for maintenance.
    Maintenance,
    /// The portal's page changed so that Keydesk cannot find a field or button.
    PageChanged,
    /// Something else (no password saved, keychain locked, window closed, a look-alike page).
    Other,
}

impl FailureClass {
    /// Every class, in the order a guide lists them.
    pub const ALL: [FailureClass; 13] = [
        Self::WrongPassword,
        Self::Locked,
        Self::PasswordExpired,
        Self::SsoHandOff,
        Self::IdentityHostUnreachable,
        Self::CodeNeverArrived,
        Self::CodeRefused,
        Self::StoredSession,
        Self::Network,
        Self::Tls,
        Self::Maintenance,
        Self::PageChanged,
        Self::Other,
    ];

    /// Its stable code (as serialized).
    pub fn code(self) -> &'static str {
        match self {
            Self::WrongPassword => "wrong_password",
            Self::Locked => "locked",
            Self::PasswordExpired => "password_expired",
            Self::SsoHandOff => "sso_hand_off",
            Self::IdentityHostUnreachable => "identity_host_unreachable",
            Self::CodeNeverArrived => "code_never_arrived",
            Self::CodeRefused => "code_refused",
            Self::StoredSession => "stored_session",
            Self::Network => "network",
            Self::Tls => "tls",
            Self::Maintenance => "maintenance",
            Self::PageChanged => "page_changed",
            Self::Other => "other",
        }
    }

    /// The class of a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The class of `failure`, refined by what the health check found of the portal
    /// (`portal_health`) and of the identity host the sign-in was handed to (`identity_health`).
    /// A failure the page itself explained (a refused password, a locked account) is taken as
    /// the page said; one where the page said nothing (no answer, no form) is explained by the
    /// health check where it can be.
    pub fn of(
        failure: &Failure,
        portal_health: Option<HealthState>,
        identity_health: Option<HealthState>,
    ) -> Self {
        let by_health = |otherwise: Self| match portal_health {
            Some(HealthState::Unreachable) => Self::Network,
            Some(HealthState::Certificate) => Self::Tls,
            Some(HealthState::Maintenance) => Self::Maintenance,
            _ => otherwise,
        };
        match failure {
            Failure::WrongCredentials => Self::WrongPassword,
            Failure::Locked => Self::Locked,
            Failure::PasswordExpired => Self::PasswordExpired,
            Failure::Maintenance => Self::Maintenance,
            Failure::CodeNeverCame | Failure::CodeNotSent => Self::CodeNeverArrived,
            Failure::CodeRefused => Self::CodeRefused,
            Failure::StoredSession => Self::StoredSession,
            Failure::Sso => match identity_health {
                Some(HealthState::Unreachable | HealthState::Certificate | HealthState::Error) => {
                    Self::IdentityHostUnreachable
                }
                _ => Self::SsoHandOff,
            },
            // Handed to a host outside the portal's own that does not answer: the identity host
            // the portal sent the sign-in to is down.
            Failure::LookAlikeOrigin { .. }
                if matches!(identity_health, Some(HealthState::Unreachable)) =>
            {
                Self::IdentityHostUnreachable
            }
            // The portal handed the sign-in to a host that never answered (the page stayed
            // unreadable): the identity host is down.
            Failure::NotResponding
                if matches!(
                    identity_health,
                    Some(HealthState::Unreachable | HealthState::Certificate | HealthState::Error)
                ) =>
            {
                Self::IdentityHostUnreachable
            }
            Failure::FormNotFound => by_health(Self::StoredSession),
            Failure::NotResponding => by_health(Self::Network),
            Failure::StepNotFound { .. }
            | Failure::SubmitNotFound { .. }
            | Failure::ChannelNotOffered { .. } => by_health(Self::PageChanged),
            Failure::Window { .. } => by_health(Self::Other),
            _ => Self::Other,
        }
    }

    /// A heading for the fix, in plain words, in `locale`.
    pub fn title(self, locale: Locale) -> String {
        let title = match self {
            Self::WrongPassword => msg::FIX_WRONG_PASSWORD_TITLE,
            Self::Locked => msg::FIX_LOCKED_TITLE,
            Self::PasswordExpired => msg::FIX_PASSWORD_EXPIRED_TITLE,
            Self::SsoHandOff => msg::FIX_SSO_HAND_OFF_TITLE,
            Self::IdentityHostUnreachable => msg::FIX_IDENTITY_HOST_UNREACHABLE_TITLE,
            Self::CodeNeverArrived => msg::FIX_CODE_NEVER_ARRIVED_TITLE,
            Self::CodeRefused => msg::FIX_CODE_REFUSED_TITLE,
            Self::StoredSession => msg::FIX_STORED_SESSION_TITLE,
            Self::Network => msg::FIX_NETWORK_TITLE,
            Self::Tls => msg::FIX_TLS_TITLE,
            Self::Maintenance => msg::FIX_MAINTENANCE_TITLE,
            Self::PageChanged => msg::FIX_PAGE_CHANGED_TITLE,
            Self::Other => msg::FIX_OTHER_TITLE,
        };
        text(locale, title, &[])
    }
}

/// The script that follows the sign-in page's own *Forgot password* link (English or Spanish
/// words), once: its address as JSON, or `null` when the page has none (yet).
pub const FORGOT_LINK_SCRIPT: &str = r#"(() => {
  if (document.readyState === 'loading') return null;
  const words = /forgot|reset (your )?password|olvid/i;
  const links = Array.from(document.querySelectorAll('a[href]'))
    .filter(a => words.test(a.textContent || '') && a.offsetParent !== null);
  if (!links.length) return null;
  const href = links[0].href;
  window.location.assign(href);
  return href;
})()"#;

/// What Keydesk can do itself for a step of a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FixAction {
    /// Makes a new password meeting the portal's rules, for the person to confirm: Keydesk
    /// then fills the portal's change form and saves it once the portal took it.
    ChangePassword,
    /// Opens the portal's *Forgot password* page in its window.
    OpenForgotPassword,
    /// Forgets this device's cookies for the portal (its stored session goes too).
    ForgetCookies,
    /// Tries one sign-in in a clean, throwaway profile (no cookies, nothing kept).
    CleanProfileTry,
    /// Runs the portal's health check now.
    HealthCheck,
    /// Looks at the mailbox connection and the codes that came for the portal.
    CheckMailbox,
    /// Compares this computer's clock with the portal's server (authenticator codes depend on
    /// it).
    CheckClock,
    /// Shows the portal's support phone and hours.
    ShowSupport,
    /// Prepares a support request (a summary and a zip to send).
    PrepareSupportRequest,
}

impl FixAction {
    /// The button's words, in `locale`.
    pub fn label(self, locale: Locale) -> String {
        let label = match self {
            Self::ChangePassword => msg::FIX_ACTION_CHANGE_PASSWORD,
            Self::OpenForgotPassword => msg::FIX_ACTION_OPEN_FORGOT_PASSWORD,
            Self::ForgetCookies => msg::FIX_ACTION_FORGET_COOKIES,
            Self::CleanProfileTry => msg::FIX_ACTION_CLEAN_PROFILE_TRY,
            Self::HealthCheck => msg::FIX_ACTION_HEALTH_CHECK,
            Self::CheckMailbox => msg::FIX_ACTION_CHECK_MAILBOX,
            Self::CheckClock => msg::FIX_ACTION_CHECK_CLOCK,
            Self::ShowSupport => msg::FIX_ACTION_SHOW_SUPPORT,
            Self::PrepareSupportRequest => msg::FIX_ACTION_PREPARE_SUPPORT_REQUEST,
        };
        text(locale, label, &[])
    }

    /// Its stable code (as serialized).
    pub fn code(self) -> &'static str {
        match self {
            Self::ChangePassword => "change_password",
            Self::OpenForgotPassword => "open_forgot_password",
            Self::ForgetCookies => "forget_cookies",
            Self::CleanProfileTry => "clean_profile_try",
            Self::HealthCheck => "health_check",
            Self::CheckMailbox => "check_mailbox",
            Self::CheckClock => "check_clock",
            Self::ShowSupport => "show_support",
            Self::PrepareSupportRequest => "prepare_support_request",
        }
    }
}

/// One step of a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FixStep {
    /// What to do, in plain words.
    pub words: String,
    /// What Keydesk can do for it, if anything.
    pub action: Option<FixAction>,
    /// The action's button words.
    pub label: Option<String>,
}

/// The guided fix of one failure class for one portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Fix {
    /// The class.
    pub class: FailureClass,
    /// Its heading.
    pub title: String,
    /// The steps, in order.
    pub steps: Vec<FixStep>,
}

impl Fix {
    /// The fix for `class` at `portal` (its name), whose codes come by `second_step`, in
    /// `locale`. Support is named with its phone and hours where they are known.
    pub fn for_class(
        class: FailureClass,
        portal: &str,
        second_step: SecondStep,
        locale: Locale,
    ) -> Self {
        use FailureClass as C;
        use FixAction as A;
        let step = |words: Msg, action: Option<FixAction>| {
            let words = if words.params.is_empty() {
                text(locale, words, &[])
            } else {
                text(locale, words, &[("portal", &portal)])
            };
            FixStep {
                words,
                action,
                label: action.map(|a| a.label(locale)),
            }
        };
        let support = || step(msg::FIX_CALL_SUPPORT, Some(A::ShowSupport));
        let request = || step(msg::FIX_PREPARE_REQUEST, Some(A::PrepareSupportRequest));
        let steps = match class {
            C::WrongPassword => vec![
                step(msg::FIX_WRONG_PASSWORD_CHECK, None),
                step(msg::FIX_WRONG_PASSWORD_RESET, Some(A::OpenForgotPassword)),
                support(),
            ],
            C::Locked => vec![
                step(msg::FIX_LOCKED_ASK, Some(A::ShowSupport)),
                step(msg::FIX_LOCKED_UNLOCK_YOURSELF, Some(A::OpenForgotPassword)),
                request(),
            ],
            C::PasswordExpired => vec![
                step(
                    msg::FIX_PASSWORD_EXPIRED_LET_KEYDESK,
                    Some(A::ChangePassword),
                ),
                step(
                    msg::FIX_PASSWORD_EXPIRED_YOURSELF,
                    Some(A::OpenForgotPassword),
                ),
                support(),
            ],
            C::SsoHandOff => vec![
                step(msg::FIX_SSO_FORGET_COOKIES, Some(A::ForgetCookies)),
                step(msg::FIX_CLEAN_PROFILE, Some(A::CleanProfileTry)),
                step(msg::FIX_SSO_ASK_IT, None),
                support(),
            ],
            C::IdentityHostUnreachable => vec![
                step(msg::FIX_IDENTITY_CHECK, Some(A::HealthCheck)),
                step(msg::FIX_IDENTITY_TELL_IT, None),
                request(),
            ],
            C::CodeNeverArrived => vec![
                step(msg::FIX_CODE_NEVER_ARRIVED_MAILBOX, Some(A::CheckMailbox)),
                step(msg::FIX_CODE_NEVER_ARRIVED_ADDRESS, None),
                support(),
            ],
            // An authenticator's code is refused when the clock is off or the entry is not the
            // one the portal set up; a mailed one when a newer code replaced it.
            C::CodeRefused if second_step == SecondStep::Authenticator => vec![
                step(msg::FIX_CODE_REFUSED_CLOCK, Some(A::CheckClock)),
                step(msg::FIX_CODE_REFUSED_ENTRY, None),
                support(),
            ],
            C::CodeRefused => vec![
                step(msg::FIX_CODE_REFUSED_MAILBOX, Some(A::CheckMailbox)),
                step(msg::FIX_CODE_REFUSED_ASK_NEW, None),
                support(),
            ],
            C::StoredSession => vec![
                step(msg::FIX_STORED_SESSION_FORGET, Some(A::ForgetCookies)),
                step(msg::FIX_CLEAN_PROFILE, Some(A::CleanProfileTry)),
                support(),
            ],
            C::Network => vec![
                step(msg::FIX_CHECK_ANSWERS, Some(A::HealthCheck)),
                step(msg::FIX_NETWORK_CHECK, None),
                request(),
            ],
            C::Tls => vec![
                step(msg::FIX_TLS_CERTIFICATE, Some(A::HealthCheck)),
                step(msg::FIX_TLS_CLOCK, None),
                request(),
            ],
            C::Maintenance => vec![
                step(msg::FIX_MAINTENANCE_CHECK, Some(A::HealthCheck)),
                step(msg::FIX_MAINTENANCE_LATER, None),
                support(),
            ],
            C::PageChanged => vec![
                step(msg::FIX_PAGE_CHANGED_YOURSELF, None),
                step(
                    msg::FIX_PAGE_CHANGED_CLEAN_PROFILE,
                    Some(A::CleanProfileTry),
                ),
                request(),
            ],
            C::Other => vec![
                step(msg::FIX_CHECK_ANSWERS, Some(A::HealthCheck)),
                support(),
            ],
        };
        Self {
            class,
            title: class.title(locale),
            steps,
        }
    }

    /// The first step's action, if it has one.
    pub fn first_action(&self) -> Option<FixAction> {
        self.steps.first().and_then(|s| s.action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_a_fix_with_steps_in_plain_words() {
        for class in FailureClass::ALL {
            let fix = Fix::for_class(class, "Cigna", SecondStep::EmailCode, Locale::En);
            assert!(fix.steps.len() >= 2, "{class:?} has a sequence of steps");
            assert_eq!(FailureClass::from_code(class.code()), Some(class));
            for s in &fix.steps {
                assert!(!s.words.contains("keydesk-cli"), "no command to type");
                assert_eq!(s.label.is_some(), s.action.is_some());
            }
        }
    }

    #[test]
    fn a_fix_reads_the_same_in_spanish_step_for_step_with_the_portal_named() {
        for class in FailureClass::ALL {
            for second in [SecondStep::EmailCode, SecondStep::Authenticator] {
                let en = Fix::for_class(class, "Cigna", second, Locale::En);
                let es = Fix::for_class(class, "Cigna", second, Locale::Es);
                assert_ne!(en.title, es.title, "{class:?}");
                assert_eq!(en.steps.len(), es.steps.len());
                for (e, s) in en.steps.iter().zip(&es.steps) {
                    assert_eq!(e.action, s.action, "the same steps in both");
                    assert_ne!(e.words, s.words, "{class:?}: {}", s.words);
                    assert_eq!(e.words.contains("Cigna"), s.words.contains("Cigna"));
                    assert_eq!(e.label.is_some(), s.label.is_some());
                }
            }
        }
        let fix = Fix::for_class(
            FailureClass::WrongPassword,
            "Cigna",
            SecondStep::EmailCode,
            Locale::En,
        );
        assert_eq!(
            fix.title, "The password was not accepted",
            "English as before"
        );
        assert_eq!(
            fix.steps[1].words,
            "Reset the password on Cigna's Forgot password page, then save the new one in Keydesk."
        );
        assert_eq!(fix.steps[1].label.as_deref(), Some("Open Forgot password"));
    }

    #[test]
    fn no_fix_of_a_refused_password_or_locked_account_tries_the_password_again() {
        for class in [FailureClass::WrongPassword, FailureClass::Locked] {
            let fix = Fix::for_class(class, "Cigna", SecondStep::EmailCode, Locale::En);
            assert!(
                fix.steps
                    .iter()
                    .all(|s| s.action != Some(FixAction::CleanProfileTry)),
                "{class:?}: a new try would count towards the lockout"
            );
        }
    }

    #[test]
    fn failures_the_page_did_not_explain_are_explained_by_the_health_check() {
        use HealthState as H;
        assert_eq!(
            FailureClass::of(&Failure::NotResponding, Some(H::Unreachable), None),
            FailureClass::Network
        );
        assert_eq!(
            FailureClass::of(&Failure::FormNotFound, Some(H::Certificate), None),
            FailureClass::Tls
        );
        assert_eq!(
            FailureClass::of(&Failure::FormNotFound, Some(H::Ok), None),
            FailureClass::StoredSession
        );
        assert_eq!(
            FailureClass::of(&Failure::Sso, Some(H::Ok), Some(H::Unreachable)),
            FailureClass::IdentityHostUnreachable
        );
        let away = Failure::LookAlikeOrigin {
            origin: "http://127.0.0.1:9".into(),
        };
        assert_eq!(
            FailureClass::of(&away, Some(H::Ok), Some(H::Unreachable)),
            FailureClass::IdentityHostUnreachable
        );
        assert_eq!(
            FailureClass::of(&away, Some(H::Ok), Some(H::Ok)),
            FailureClass::Other
        );
        assert_eq!(
            FailureClass::of(&Failure::NotResponding, Some(H::Ok), Some(H::Unreachable)),
            FailureClass::IdentityHostUnreachable,
            "handed to a host that never answered"
        );
        assert_eq!(
            FailureClass::of(&Failure::NotResponding, Some(H::Ok), None),
            FailureClass::Network,
            "never handed anywhere: the portal's own path"
        );
        assert_eq!(
            FailureClass::of(&Failure::Sso, Some(H::Ok), Some(H::Ok)),
            FailureClass::SsoHandOff
        );
        assert_eq!(
            FailureClass::of(&Failure::WrongCredentials, Some(H::Unreachable), None),
            FailureClass::WrongPassword,
            "what the page said wins over a later health check"
        );
        let step = Failure::StepNotFound {
            step: "password".into(),
            page: "https://x/login".into(),
        };
        assert_eq!(
            FailureClass::of(&step, None, None),
            FailureClass::PageChanged
        );
        assert_eq!(
            FailureClass::of(&step, Some(H::Maintenance), None),
            FailureClass::Maintenance
        );
    }

    #[test]
    fn each_class_starts_with_the_step_a_guide_puts_first() {
        let first =
            |c| Fix::for_class(c, "Cigna", SecondStep::EmailCode, Locale::En).first_action();
        assert_eq!(
            first(FailureClass::StoredSession),
            Some(FixAction::ForgetCookies)
        );
        assert_eq!(first(FailureClass::Network), Some(FixAction::HealthCheck));
        assert_eq!(first(FailureClass::Tls), Some(FixAction::HealthCheck));
        assert_eq!(
            first(FailureClass::CodeNeverArrived),
            Some(FixAction::CheckMailbox)
        );
        assert_eq!(
            first(FailureClass::PasswordExpired),
            Some(FixAction::ChangePassword)
        );
        assert_eq!(first(FailureClass::WrongPassword), None);
        assert_eq!(
            first(FailureClass::CodeRefused),
            Some(FixAction::CheckMailbox),
            "a mailed code: a newer one may have replaced it"
        );
        let totp = Fix::for_class(
            FailureClass::CodeRefused,
            "Availity",
            SecondStep::Authenticator,
            Locale::En,
        );
        assert_eq!(
            totp.first_action(),
            Some(FixAction::CheckClock),
            "an authenticator code: no mailbox to look at, the clock decides"
        );
        assert!(
            totp.steps
                .iter()
                .all(|s| s.action != Some(FixAction::CheckMailbox)),
            "{totp:?}"
        );
        assert_eq!(
            FailureClass::of(&Failure::StoredSession, Some(HealthState::Ok), None),
            FailureClass::StoredSession,
            "the page said a session is in the way"
        );
    }
}
