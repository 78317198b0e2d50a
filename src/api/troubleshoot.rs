//! After a failed sign-in, the use-cases: the portal's sign-in history, the guided fix for the
//! last failure with what each step found, the steps Keydesk runs itself (the health check, the
//! mailbox, the support line, forgetting the cookies) and the practice facts a support call
//! needs. The portal window's steps (the Forgot password page, a try in a clean profile) are
//! the shell's; it notes what they found here ([`note`]).

use serde::Serialize;

use super::{Area, Error, Keydesk, Now};
use crate::browser_profile::PortalCookies;
use crate::devices::DeviceSource;
use crate::health::HealthState;
use crate::health::book::HealthBook;
use crate::i18n::{Locale, error_in, msg, text};
use crate::inbox::InboxConnection;
use crate::pending::Origin;
use crate::portal::PortalBook;
use crate::signin::{Failure, SignIn, State};
use crate::troubleshoot::history::{Attempt, History, Tried};
use crate::troubleshoot::{FailureClass, Fix, FixAction};

/// The guided fix after a portal's last failed sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FixView {
    /// The portal.
    pub portal_id: i64,
    /// Its name.
    pub portal: String,
    /// The failed attempt, with the steps tried since and what they found.
    pub attempt: Attempt,
    /// The fix.
    pub fix: Fix,
}

/// Records how a sign-in ended in the portal's history, with its class; a failure the page did
/// not explain is explained by a health check of the portal (and of the identity host it was
/// handed to) in the background, and its class set then.
pub(crate) fn record(kd: &Keydesk, machine: &SignIn, now: Now) {
    let portal_id = machine.portal().id;
    let failure = match machine.state() {
        State::Failed { failure } => Some(failure.clone()),
        _ => None,
    };
    let recent = HealthBook::new(kd.desk().store())
        .fresh(portal_id, now.secs())
        .ok()
        .flatten()
        .map(|c| c.state);
    let class = failure.as_ref().map(|f| FailureClass::of(f, recent, None));
    let id = match History::new(kd.desk().store()).record(machine, class, now.millis()) {
        Ok(id) => id,
        Err(e) => {
            tracing::warn!(error = %e, "could not keep the sign-in in the history");
            None
        }
    };
    kd.shown_changed(Area::Portals);
    let (Some(id), Some(failure)) = (id, failure) else {
        return;
    };
    if !explained_by_health(&failure) || tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    let outside = machine.outside_url().map(str::to_owned);
    let desk = kd.desk.clone();
    let recipes = kd.recipes.clone();
    let events = kd.events.clone();
    let portal = machine.portal().clone();
    kd.spawn(async move {
        let target = super::health::target(&recipes, &portal);
        let portal_state = super::health::check_targets(&desk, vec![target], now)
            .await
            .first()
            .map(|h| h.state);
        let identity_state = match (&failure, outside) {
            (
                Failure::Sso | Failure::LookAlikeOrigin { .. } | Failure::NotResponding,
                Some(url),
            ) => Some(super::health::check_host(&url, now).await.state),
            _ => None,
        };
        let class = FailureClass::of(&failure, portal_state, identity_state);
        let mut lock = desk.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = History::new(lock.store()).set_class(id, class) {
            tracing::warn!(error = %e, "could not keep the failure's class");
        }
        drop(lock);
        tracing::info!(
            portal = portal.id,
            class = class.code(),
            "sign-in failure explained"
        );
        let _ = events.send(super::Event::Changed(Area::Portals));
    });
}

/// True for failures where the page said nothing and the network may be why.
fn explained_by_health(failure: &Failure) -> bool {
    matches!(
        failure,
        Failure::NotResponding
            | Failure::FormNotFound
            | Failure::StepNotFound { .. }
            | Failure::SubmitNotFound { .. }
            | Failure::ChannelNotOffered { .. }
            | Failure::Window { .. }
            | Failure::Sso
            | Failure::LookAlikeOrigin { .. }
    )
}

/// The portal's sign-ins, newest first (at most `limit`).
pub fn history(kd: &Keydesk, portal_id: i64, limit: u32) -> Result<Vec<Attempt>, Error> {
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(portal_id)?;
    Ok(History::new(desk.store()).of_portal(portal_id, i64::from(limit))?)
}

/// The guided fix after the portal's last sign-in, if that one failed.
pub fn fix(kd: &Keydesk, portal_id: i64) -> Result<Option<FixView>, Error> {
    let mut desk = kd.desk();
    let portal = PortalBook::new(desk.store()).get(portal_id)?;
    let Some(attempt) = History::new(desk.store()).last_failed(portal_id)? else {
        return Ok(None);
    };
    let class = attempt.class.unwrap_or(FailureClass::Other);
    Ok(Some(FixView {
        portal_id,
        portal: portal.fields.name.clone(),
        fix: Fix::for_class(
            class,
            &portal.fields.name,
            portal.fields.second_step,
            kd.locale(),
        ),
        attempt,
    }))
}

/// Whether a fix step may run now: only while Keydesk is unlocked (a step opens portal
/// windows, clears cookies, starts sign-ins).
pub fn may_run(kd: &Keydesk) -> Result<(), Error> {
    kd.unlocked().map(drop)
}

/// Notes what a fix step the shell ran found (the Forgot password page, a clean-profile try),
/// on the portal's last failed sign-in.
pub fn note(
    kd: &Keydesk,
    portal_id: i64,
    action: FixAction,
    found: &str,
    now: Now,
) -> Result<Option<Tried>, Error> {
    let tried = {
        let mut desk = kd.desk();
        let mut history = History::new(desk.store());
        let Some(attempt) = history.last_failed(portal_id)? else {
            return Ok(None);
        };
        let tried = Tried {
            action: action.code().to_owned(),
            at_ms: now.millis(),
            found: found.to_owned(),
        };
        history.note_tried(attempt.id, tried.clone())?;
        tried
    };
    tracing::info!(portal = portal_id, action = action.code(), "fix step tried");
    kd.shown_changed(Area::Portals);
    Ok(Some(tried))
}

/// Runs a step Keydesk can do in the core — the health check, a look at the mailbox, the
/// support line — and notes what it found. The window's steps go through the shell.
pub async fn run(
    kd: &Keydesk,
    portal_id: i64,
    action: FixAction,
    now: Now,
) -> Result<String, Error> {
    may_run(kd)?;
    // In the desk's language now; the history keeps it as it was shown.
    let locale = kd.locale();
    let found = match action {
        FixAction::HealthCheck => {
            let checks = super::health::checked(kd, Some(portal_id), now).await?;
            let words = |h: &super::health::PortalHealth| match locale {
                Locale::En => h.words.clone(),
                locale => super::health::state_words(h.state, locale),
            };
            let portal = match checks.first() {
                Some(h) if h.reused => text(
                    locale,
                    msg::FOUND_HEALTH_REUSED,
                    &[
                        ("words", &words(h)),
                        ("seconds", &(now.secs() - h.checked_at)),
                    ],
                ),
                Some(h) => words(h),
                None => text(locale, msg::FOUND_HEALTH_NONE, &[]),
            };
            match identity_host(kd, portal_id) {
                Some(url) => {
                    let checked = super::health::check_host(&url, now).await;
                    let host_words = match locale {
                        Locale::En => checked.words,
                        locale => super::health::state_words(checked.state, locale),
                    };
                    text(
                        locale,
                        msg::FOUND_IDENTITY,
                        &[
                            ("portal", &portal),
                            ("origin", &origin_of(&url)),
                            ("words", &host_words),
                        ],
                    )
                }
                None => portal,
            }
        }
        FixAction::CheckMailbox => mailbox_words(kd, portal_id, now, locale),
        FixAction::CheckClock => clock_words(kd, portal_id, locale).await?,
        FixAction::ShowSupport => support_words(kd, portal_id, locale)?,
        FixAction::ChangePassword => {
            let proposed = super::password::propose(kd, portal_id, now)?;
            match locale {
                Locale::En => proposed.words,
                locale => text(
                    locale,
                    msg::CHANGE_PROPOSED,
                    &[("portal", &proposed.portal)],
                ),
            }
        }
        other => {
            return Err(Error::other(
                crate::error::ErrorCode::Internal,
                format!(
                    "“{}” is done in the portal window.",
                    other.label(crate::i18n::Locale::En)
                ),
            ));
        }
    };
    note(kd, portal_id, action, &found, now)?;
    Ok(found)
}

/// Where the last failed sign-in was handed to its organization's sign-in service, when its
/// class is about that service.
fn identity_host(kd: &Keydesk, portal_id: i64) -> Option<String> {
    let attempt = History::new(kd.desk().store())
        .last_failed(portal_id)
        .ok()
        .flatten()?;
    matches!(
        attempt.class,
        Some(FailureClass::IdentityHostUnreachable | FailureClass::SsoHandOff)
    )
    .then_some(attempt.handed_to)
    .flatten()
}

fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_owned())
}

/// Forgets this device's cookies for the portal (through the window's web engine when it
/// runs, else by deleting the portal's browser profile) and notes what that found.
pub fn forget_cookies(
    kd: &Keydesk,
    portal_id: i64,
    cookies: Option<&dyn PortalCookies>,
    now: Now,
) -> Result<String, Error> {
    let cleared = match super::devices::forget(kd, portal_id, DeviceSource::KeydeskWindow, cookies)
    {
        Ok(forgotten) => forgotten.cookies_cleared,
        // Nothing kept for the portal on this device: nothing was in the way.
        Err(e) if e.code() == crate::error::ErrorCode::DeviceNotFound => false,
        Err(e) => return Err(e),
    };
    let found = text(
        kd.locale(),
        if cleared {
            msg::FOUND_COOKIES_CLEARED
        } else {
            msg::FOUND_NO_COOKIES
        },
        &[],
    );
    note(kd, portal_id, FixAction::ForgetCookies, &found, now)?;
    Ok(found)
}

fn mailbox_words(kd: &Keydesk, portal_id: i64, now: Now, locale: Locale) -> String {
    let connection = match kd.inbox.connection() {
        InboxConnection::NotSetUp => text(locale, msg::FOUND_MAILBOX_NOT_SET_UP, &[]),
        InboxConnection::Stopped { code, message } => text(
            locale,
            msg::FOUND_MAILBOX_STOPPED,
            &[("message", &error_in(locale, code, message))],
        ),
        InboxConnection::Connecting { account } => text(
            locale,
            msg::FOUND_MAILBOX_CONNECTING,
            &[("account", &account)],
        ),
        InboxConnection::Watching { account, .. } => text(
            locale,
            msg::FOUND_MAILBOX_CONNECTED,
            &[("account", &account)],
        ),
        InboxConnection::Failing { code, message, .. } => text(
            locale,
            msg::FOUND_MAILBOX_FAILING,
            &[("message", &error_in(locale, code, message))],
        ),
    };
    let codes = super::codes::pending(kd, now)
        .into_iter()
        .filter(|c| matches!(&c.origin, Origin::Portal { portal_id: p, .. } if *p == portal_id))
        .count();
    // Only how many: a code's digits never go into the history.
    text(
        locale,
        msg::FOUND_CODES_WAITING,
        &[("connection", &connection), ("count", &codes)],
    )
}

/// The clock compared with the portal's own server (its sign-in page's origin). The
/// comparison's line is the authenticator's clock check's, in English.
async fn clock_words(kd: &Keydesk, portal_id: i64, locale: Locale) -> Result<String, Error> {
    let portal = super::portals::get(kd, portal_id)?;
    let servers = crate::otp::clock::portal_servers(std::slice::from_ref(&portal));
    Ok(super::authenticator::clock_check_servers(servers)
        .await
        .into_iter()
        .next()
        .map_or_else(
            || text(locale, msg::FOUND_NO_CLOCK_SERVER, &[]),
            |line| line.message,
        ))
}

fn support_words(kd: &Keydesk, portal_id: i64, locale: Locale) -> Result<String, Error> {
    let facts = super::support::facts(kd, portal_id)?;
    let portal: (&str, &dyn std::fmt::Display) = ("portal", &facts.portal);
    Ok(match (&facts.support_phone, &facts.support_hours) {
        (Some(phone), Some(hours)) => text(
            locale,
            msg::FOUND_SUPPORT_PHONE_HOURS,
            &[portal, ("phone", phone), ("hours", hours)],
        ),
        (Some(phone), None) => text(
            locale,
            msg::FOUND_SUPPORT_PHONE,
            &[portal, ("phone", phone)],
        ),
        (None, _) => text(locale, msg::FOUND_NO_SUPPORT_PHONE, &[portal]),
    })
}

/// The portal's health state in the history's terms (for a fix's summary).
pub fn health_state(kd: &Keydesk, portal_id: i64) -> Option<HealthState> {
    HealthBook::new(kd.desk().store())
        .latest(portal_id)
        .ok()
        .flatten()
        .map(|c| c.state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::portal::{PortalFields, SecondStep};
    use crate::secret::Secret;

    fn desk(dir: &std::path::Path) -> (Keydesk, i64) {
        let kd = Keydesk::for_tests(dir, Platform::default());
        let portal = crate::api::portals::add(
            &kd,
            PortalFields {
                name: "Cigna".into(),
                login_url: "https://cignaforhcp.cigna.com/app/login".into(),
                username: "frontdesk".into(),
                second_step: SecondStep::EmailCode,
                code_senders: vec!["@cigna.com".into()],
                lockout_threshold: Some(3),
                support_phone: Some("800-981-9114".into()),
                ..Default::default()
            },
            Some(&Secret::from("kdS3cr3t-pw")),
            Now::from_secs(0),
        )
        .unwrap();
        (kd, portal.id)
    }

    /// A desk with one portal signing in at `login_url` (on loopback), without a password.
    fn desk_at(
        dir: &std::path::Path,
        login_url: String,
        second_step: SecondStep,
    ) -> (Keydesk, i64) {
        let kd = Keydesk::for_tests(dir, Platform::default());
        let fields = PortalFields {
            name: "Portal".into(),
            login_url,
            username: "frontdesk".into(),
            second_step,
            ..Default::default()
        };
        let id = crate::api::portals::add(&kd, fields, None, Now::from_secs(0))
            .unwrap()
            .id;
        (kd, id)
    }

    fn fail(kd: &Keydesk, id: i64, failure: Failure, at: i64) {
        let (mut machine, _, claim) = crate::api::signin::prepare(kd, id, true, Now::from_secs(at))
            .unwrap()
            .into_parts();
        machine.fail(failure, (at + 2) * 1000);
        crate::api::signin::finish(kd, machine, claim, Now::from_secs(at + 2));
    }

    #[test]
    fn a_failed_sign_in_is_kept_with_its_class_step_and_time_and_gets_its_fix() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        fail(&kd, id, Failure::Locked, 100);
        let history = history(&kd, id, 10).unwrap();
        assert_eq!(history.len(), 1);
        let a = &history[0];
        assert_eq!(a.outcome, "failed");
        assert_eq!(a.class, Some(FailureClass::Locked));
        assert_eq!(a.step, "opening", "it failed before the page was read");
        assert_eq!(a.duration_ms, 2000);
        let view = fix(&kd, id).unwrap().expect("a fix after a failure");
        assert_eq!(view.fix.class, FailureClass::Locked);
        assert_eq!(view.fix.first_action(), Some(FixAction::ShowSupport));
    }

    #[test]
    fn the_portals_exact_alert_text_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        let (mut machine, _, claim) =
            crate::api::signin::prepare(&kd, id, false, Now::from_secs(10))
                .unwrap()
                .into_parts();
        let said = "Your account has been locked. Call 1-800-555-0100 to unlock it.";
        let page = crate::signin::Observation {
            origin: "https://cignaforhcp.cigna.com".into(),
            url: "https://cignaforhcp.cigna.com/app/login?x=1".into(),
            document: "d1".into(),
            ready: true,
            seen: crate::signin::observation::Seen {
                alert: true,
                ..Default::default()
            },
            alert_text: Some(said.into()),
            ..Default::default()
        };
        machine.step(&page, None, 11_000);
        crate::api::signin::finish(&kd, machine, claim, Now::from_secs(12));
        let a = &history(&kd, id, 1).unwrap()[0];
        assert_eq!(a.failure_code.as_deref(), Some("locked"));
        assert_eq!(a.alert_text.as_deref(), Some(said));
        assert_eq!(a.class, Some(FailureClass::Locked));
    }

    #[tokio::test]
    async fn a_step_run_from_the_fix_is_noted_with_what_it_found() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        fail(&kd, id, Failure::CodeNeverCame, 100);
        let found = run(&kd, id, FixAction::ShowSupport, Now::from_secs(200))
            .await
            .unwrap();
        assert!(found.contains("800-981-9114"), "{found}");
        let found = run(&kd, id, FixAction::CheckMailbox, Now::from_secs(201))
            .await
            .unwrap();
        assert!(found.contains("No mailbox is set up"), "{found}");
        let attempt = fix(&kd, id).unwrap().unwrap().attempt;
        let actions: Vec<_> = attempt.tried.iter().map(|t| t.action.as_str()).collect();
        assert_eq!(actions, ["show_support", "check_mailbox"]);
    }

    #[tokio::test]
    async fn on_a_spanish_desk_a_step_finds_in_spanish_and_is_kept_as_shown() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        crate::api::settings::set_language(&kd, crate::api::settings::LanguageSetting::Es).unwrap();
        fail(&kd, id, Failure::CodeNeverCame, 100);
        let view = fix(&kd, id).unwrap().unwrap();
        assert_eq!(view.fix.title, "El código nunca llegó");
        let found = run(&kd, id, FixAction::ShowSupport, Now::from_secs(200))
            .await
            .unwrap();
        assert_eq!(
            found,
            "Soporte de Cigna: 800-981-9114 (horario desconocido)."
        );
        let found = run(&kd, id, FixAction::CheckMailbox, Now::from_secs(201))
            .await
            .unwrap();
        assert_eq!(
            found,
            "No hay ningún buzón configurado, así que no se puede recibir ningún código. \
             Códigos de este portal pendientes ahora: 0."
        );
        let found = forget_cookies(&kd, id, None, Now::from_secs(202)).unwrap();
        assert!(found.contains("cookies"), "{found}");
        assert!(!found.contains("device"), "Spanish: {found}");
        let tried = fix(&kd, id).unwrap().unwrap().attempt.tried;
        assert_eq!(
            tried[0].found,
            "Soporte de Cigna: 800-981-9114 (horario desconocido)."
        );
    }

    #[tokio::test]
    async fn a_refused_authenticator_code_starts_with_the_clock_checked_against_the_portal() {
        // The portal's server: answers every request with its Date, which is this clock's.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let date = httpdate::fmt_http_date(std::time::SystemTime::now());
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk_at(
            dir.path(),
            format!("http://127.0.0.1:{port}/login"),
            SecondStep::Authenticator,
        );
        fail(&kd, id, Failure::CodeRefused, 100);
        let view = fix(&kd, id).unwrap().unwrap();
        assert_eq!(view.fix.first_action(), Some(FixAction::CheckClock));
        let found = run(&kd, id, FixAction::CheckClock, Now::from_secs(200))
            .await
            .unwrap();
        assert!(
            found.contains(&format!("The clock agrees with http://127.0.0.1:{port}")),
            "{found}"
        );
        let tried = fix(&kd, id).unwrap().unwrap().attempt.tried;
        assert_eq!(tried[0].action, "check_clock");
    }

    #[tokio::test]
    async fn handed_to_an_identity_host_that_never_answers_the_fix_checks_that_host_too() {
        let closed = || {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let (portal_port, idp_port) = (closed(), closed());
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk_at(
            dir.path(),
            format!("http://127.0.0.1:{portal_port}/login"),
            SecondStep::EmailCode,
        );
        let (mut machine, _, claim) =
            crate::api::signin::prepare(&kd, id, true, Now::from_secs(100))
                .unwrap()
                .into_parts();
        let gone = crate::signin::Observation {
            origin: format!("http://127.0.0.1:{idp_port}"),
            url: format!("http://127.0.0.1:{idp_port}/sso/saml2?SAMLRequest=x"),
            ..Default::default()
        };
        machine.step(&gone, None, 100_500);
        machine.fail(Failure::NotResponding, 131_000);
        crate::api::signin::finish(&kd, machine, claim, Now::from_secs(131));
        // The class comes from the health checks run in the background.
        let mut view = None;
        for _ in 0..100 {
            view = fix(&kd, id).unwrap();
            if view.as_ref().and_then(|v| v.attempt.class)
                == Some(FailureClass::IdentityHostUnreachable)
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let view = view.expect("a fix");
        assert_eq!(
            view.attempt.class,
            Some(FailureClass::IdentityHostUnreachable),
            "{view:?}"
        );
        assert_eq!(
            view.attempt.handed_to.as_deref(),
            Some(format!("http://127.0.0.1:{idp_port}/sso/saml2").as_str())
        );
        assert_eq!(view.fix.first_action(), Some(FixAction::HealthCheck));
        let found = run(&kd, id, FixAction::HealthCheck, Now::from_secs(1_000))
            .await
            .unwrap();
        assert!(
            found.contains(&format!(
                "Your organization's sign-in service (http://127.0.0.1:{idp_port}): "
            )) && found.matches("refuses connections").count() == 2,
            "the portal and its identity host were both checked: {found}"
        );
    }

    #[test]
    fn a_sign_in_that_got_through_ends_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        fail(&kd, id, Failure::CodeRefused, 100);
        assert!(fix(&kd, id).unwrap().is_some());
        let (mut machine, _, claim) =
            crate::api::signin::prepare(&kd, id, true, Now::from_secs(300))
                .unwrap()
                .into_parts();
        let page = crate::signin::Observation {
            origin: "https://cignaforhcp.cigna.com".into(),
            url: "https://cignaforhcp.cigna.com/app/home".into(),
            document: "d1".into(),
            ready: true,
            seen: crate::signin::observation::Seen {
                signed_in: true,
                ..Default::default()
            },
            ..Default::default()
        };
        machine.step(&page, None, 301_000);
        crate::api::signin::finish(&kd, machine, claim, Now::from_secs(302));
        assert!(fix(&kd, id).unwrap().is_none());
        assert_eq!(history(&kd, id, 10).unwrap()[0].outcome, "signed_in");
    }

    #[test]
    fn the_support_zip_holds_the_failures_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path());
        fail(&kd, id, Failure::WrongCredentials, 100);
        crate::api::support::set_practice(
            &kd,
            &crate::api::support::Practice {
                name: "Main Street Dental".into(),
                address: "1 Main Street".into(),
            },
        )
        .unwrap();
        crate::api::support::keep_screenshot_rgba(&kd, id, 2, 1, vec![255; 8]).unwrap();
        let out = dir.path().join("support.zip");
        let options = crate::api::support::PacketOptions::default();
        let packet =
            crate::api::support::packet(&kd, id, &out, &options, Now::from_secs(400)).unwrap();
        assert!(packet.has_screenshot);
        assert!(
            packet.summary.contains("Main Street Dental"),
            "{}",
            packet.summary
        );
        assert!(
            packet.summary.contains("1970-01-01T00:01:40Z"),
            "the attempt's time: {}",
            packet.summary
        );
        assert!(
            !packet.summary.contains("frontdesk"),
            "the username only when ticked"
        );
        let bytes = std::fs::read(&out).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("kdS3cr3t"), "no secret in the zip");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        for name in [
            "summary.txt",
            "attempts.json",
            "health.json",
            "screenshot.png",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        let mut summary = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("summary.txt").unwrap(), &mut summary)
            .unwrap();
        assert_eq!(summary, packet.summary);
        let with_user = crate::api::support::PacketOptions {
            include_username: true,
            engine: None,
        };
        let summary = crate::api::support::summary(&kd, id, &with_user).unwrap();
        assert!(summary.contains("Username: frontdesk"));
    }
}
