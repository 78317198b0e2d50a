//! Portal health, the use-cases: check one portal or all of them now (each portal asked at most
//! once in five minutes: a newer check stands for a new one), see the latest and the last 30
//! days, and the check every 15 minutes while Keydesk runs.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::{Area, Error, Keydesk, Now};
use crate::desk::Desk;
use crate::health::book::{EVERY_SECS, HealthBook};
use crate::health::{self, Checkup, HealthState, Probe};
use crate::i18n::{Locale, msg, text};
use crate::portal::{Portal, PortalBook};
use crate::signin::Recipes;

/// One portal's health as the window and `keydesk-cli portal health` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PortalHealth {
    /// The portal's id.
    pub portal_id: i64,
    /// Its name.
    pub portal: String,
    /// How it stands.
    pub state: HealthState,
    /// When it was checked (UNIX seconds).
    pub checked_at: i64,
    /// One line in plain words.
    pub words: String,
    /// This check was not made now: one made less than five minutes ago stands for it.
    pub reused: bool,
    /// Everything the check found.
    pub checkup: Checkup,
}

/// What to check of a portal: its sign-in page and its maintenance words.
pub(super) struct Target {
    id: i64,
    name: String,
    url: String,
    maintenance_words: Vec<String>,
}

pub(super) fn target(recipes: &Recipes, portal: &Portal) -> Target {
    Target {
        id: portal.id,
        name: portal.fields.name.clone(),
        url: portal.fields.login_url.clone(),
        maintenance_words: recipes
            .for_preset(portal.fields.preset.as_deref())
            .maintenance_words
            .clone(),
    }
}

/// Checks `portal_id` (or every portal) now, all at once; a portal checked less than five
/// minutes ago is not asked again, its last check stands. Its words are in the desk's
/// language.
pub async fn check(
    kd: &Keydesk,
    portal_id: Option<i64>,
    now: Now,
) -> Result<Vec<PortalHealth>, Error> {
    let views = checked(kd, portal_id, now).await?;
    Ok(in_locale(views, kd.locale()))
}

/// [`check`] with each check's own detailed line, in English (a guided fix words what it found
/// in the desk's language itself).
pub(super) async fn checked(
    kd: &Keydesk,
    portal_id: Option<i64>,
    now: Now,
) -> Result<Vec<PortalHealth>, Error> {
    let portals = match portal_id {
        Some(id) => vec![PortalBook::new(kd.desk().store()).get(id)?],
        None => PortalBook::new(kd.desk().store()).list()?,
    };
    let targets: Vec<Target> = portals.iter().map(|p| target(&kd.recipes, p)).collect();
    let out = check_targets(&kd.desk, targets, now).await;
    kd.shown_changed(Area::Portals);
    Ok(out)
}

/// Checks the portal whose sign-in ended with `failure`'s class still open, and the identity
/// host the sign-in was handed to (a connection only), for the guided fix.
pub(crate) async fn check_host(url: &str, now: Now) -> Checkup {
    health::check(url, &Probe::system(url), &[], now.secs()).await
}

pub(super) async fn check_targets(
    desk: &Arc<Mutex<Desk>>,
    targets: Vec<Target>,
    now: Now,
) -> Vec<PortalHealth> {
    let lock = || desk.lock().unwrap_or_else(|e| e.into_inner());
    let mut fresh = Vec::new();
    let mut due = Vec::new();
    for t in targets {
        match HealthBook::new(lock().store()).fresh(t.id, now.secs()) {
            Ok(Some(c)) => fresh.push((t, c)),
            _ => due.push(t),
        }
    }
    let checks = due.iter().map(|t| {
        let probe = Probe::system(&t.url);
        async move { health::check(&t.url, &probe, &t.maintenance_words, now.secs()).await }
    });
    let done = futures::future::join_all(checks).await;
    let mut out = Vec::new();
    for (t, c) in due.into_iter().zip(done) {
        if let Err(e) = HealthBook::new(lock().store()).keep(t.id, &c) {
            tracing::warn!(error = %e, "could not keep a portal's health check");
        }
        tracing::info!(portal = t.id, state = c.state.code(), "portal health");
        out.push(view(t, c, false));
    }
    out.extend(fresh.into_iter().map(|(t, c)| view(t, c, true)));
    out.sort_by_key(|h| h.portal.to_lowercase());
    out
}

fn view(t: Target, c: Checkup, reused: bool) -> PortalHealth {
    PortalHealth {
        portal_id: t.id,
        portal: t.name,
        state: c.state,
        checked_at: c.checked_at,
        words: c.words.clone(),
        reused,
        checkup: c,
    }
}

/// In English each check's own detailed line; in Spanish its state's plain words.
fn in_locale(mut views: Vec<PortalHealth>, locale: Locale) -> Vec<PortalHealth> {
    if locale != Locale::En {
        for v in &mut views {
            v.words = state_words(v.state, locale);
        }
    }
    views
}

/// A health state's plain words in `locale`.
pub fn state_words(state: HealthState, locale: Locale) -> String {
    let words = match state {
        HealthState::Ok => msg::HEALTH_OK,
        HealthState::Maintenance => msg::HEALTH_MAINTENANCE,
        HealthState::Certificate => msg::HEALTH_CERTIFICATE,
        HealthState::Unreachable => msg::HEALTH_UNREACHABLE,
        HealthState::Error => msg::HEALTH_ERROR,
    };
    text(locale, words, &[])
}

/// The latest check of each portal (none for a portal never checked), in the desk's language.
pub fn latest(kd: &Keydesk) -> Result<Vec<PortalHealth>, Error> {
    let mut desk = kd.desk();
    let portals = PortalBook::new(desk.store()).list()?;
    let mut out = Vec::new();
    for p in portals {
        if let Some(c) = HealthBook::new(desk.store()).latest(p.id)? {
            out.push(view(target(&kd.recipes, &p), c, true));
        }
    }
    Ok(in_locale(out, kd.locale()))
}

/// The states of a portal's checks in the last 30 days, oldest first.
pub fn history(kd: &Keydesk, portal_id: i64, now: Now) -> Result<Vec<(i64, HealthState)>, Error> {
    Ok(HealthBook::new(kd.desk().store())
        .states_since(portal_id, now.secs() - crate::health::book::KEEP_SECS)?)
}

/// Checks every portal shortly after start and then every 15 minutes.
pub(crate) fn start_checks(kd: &Keydesk) {
    let desk = kd.desk.clone();
    let recipes = kd.recipes.clone();
    let events = kd.events.clone();
    kd.tasks.spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(20)).await;
        loop {
            let targets = {
                let mut lock = desk.lock().unwrap_or_else(|e| e.into_inner());
                PortalBook::new(lock.store())
                    .list()
                    .map(|ps| ps.iter().map(|p| target(&recipes, p)).collect::<Vec<_>>())
                    .unwrap_or_default()
            };
            if !targets.is_empty() {
                check_targets(&desk, targets, Now::system()).await;
                let _ = events.send(super::Event::Changed(Area::Portals));
            }
            tokio::time::sleep(std::time::Duration::from_secs(EVERY_SECS)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_spanish_desk_reads_the_states_plain_words_and_english_the_checks_own_line() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{closed}/login");
        let c = health::check(&url, &Probe::system(&url), &[], 1_000).await;
        let target = Target {
            id: 1,
            name: "Cigna".into(),
            url,
            maintenance_words: Vec::new(),
        };
        let views = vec![view(target, c, false)];
        let english = in_locale(views.clone(), Locale::En);
        assert_eq!(english, views, "English keeps the check's own line");
        assert!(
            english[0].words.contains("refuses connections"),
            "{english:?}"
        );
        let spanish = in_locale(views, Locale::Es);
        assert_eq!(spanish[0].state, HealthState::Unreachable);
        assert_eq!(
            spanish[0].words,
            "No se puede conectar con el portal desde esta computadora."
        );
    }
}
