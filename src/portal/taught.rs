//! A portal's taught sign-in hints (*Teach Keydesk this page*, see `crate::signin::teach`): the
//! selectors of the fields and buttons the person clicked in the portal window, kept in the
//! database as the portal's own recipe override and carried in the portal-list export.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;

use crate::store::{Store, StoreError};

/// The steps a person can teach, as the recipe names their hints.
pub const STEPS: [&str; 5] = ["username", "password", "submit", "code", "code_submit"];

/// A portal's taught hints: step → selectors, newest first.
pub type Override = BTreeMap<String, Vec<String>>;

fn key(portal_id: i64) -> String {
    format!("signin.recipe_override.{portal_id}")
}

/// The portal's taught hints (none when nothing was taught).
pub fn hints(store: &mut Store, portal_id: i64) -> Result<Override, StoreError> {
    let text: Option<String> = store
        .conn()
        .query_row(
            "SELECT value FROM setting WHERE key = ?1",
            [key(portal_id)],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// Why a taught selector was not kept.
#[derive(Debug, thiserror::Error)]
pub enum TeachError {
    /// Not a step that can be taught, or a selector that cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for TeachError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

/// Keeps `selector` as the portal's hint for `step` (before the ones taught earlier; at most
/// five per step).
pub fn learn(
    store: &mut Store,
    portal_id: i64,
    step: &str,
    selector: &str,
) -> Result<(), TeachError> {
    if !STEPS.contains(&step) {
        return Err(TeachError::Invalid(format!(
            "Keydesk cannot be taught the step {step:?}."
        )));
    }
    let selector = selector.trim();
    if selector.is_empty()
        || selector.len() > 300
        || selector.contains("</")
        || selector.chars().any(char::is_control)
    {
        return Err(TeachError::Invalid(
            "The clicked element could not be named.".into(),
        ));
    }
    let mut all = hints(store, portal_id)?;
    let list = all.entry(step.to_owned()).or_default();
    list.retain(|s| s != selector);
    list.insert(0, selector.to_owned());
    list.truncate(5);
    let text = serde_json::to_string(&all).expect("a map of strings serializes");
    store.conn().execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key(portal_id), text],
    )?;
    Ok(())
}

/// Forgets everything the portal was taught; true when there was something. Takes the
/// connection so a portal's removal forgets it in the same transaction.
pub fn forget(conn: &rusqlite::Connection, portal_id: i64) -> Result<bool, rusqlite::Error> {
    Ok(conn.execute("DELETE FROM setting WHERE key = ?1", [key(portal_id)])? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taught_selectors_are_kept_newest_first_and_bad_ones_refused() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        assert!(hints(&mut store, 3).unwrap().is_empty());
        learn(&mut store, 3, "password", r#"input[name="f_92"]"#).unwrap();
        learn(&mut store, 3, "password", "#pw").unwrap();
        learn(&mut store, 3, "password", r#"input[name="f_92"]"#).unwrap();
        let taught = hints(&mut store, 3).unwrap();
        assert_eq!(taught["password"], [r#"input[name="f_92"]"#, "#pw"]);
        assert!(hints(&mut store, 4).unwrap().is_empty(), "per portal");
        assert!(learn(&mut store, 3, "colour", "#x").is_err());
        assert!(learn(&mut store, 3, "submit", "</script>").is_err());
    }

    #[test]
    fn forgetting_drops_one_portals_hints_only() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        learn(&mut store, 3, "password", "#pw").unwrap();
        learn(&mut store, 4, "password", "#other").unwrap();
        assert!(forget(store.conn(), 3).unwrap());
        assert!(hints(&mut store, 3).unwrap().is_empty());
        assert!(!forget(store.conn(), 3).unwrap(), "nothing left to forget");
        assert_eq!(hints(&mut store, 4).unwrap()["password"], ["#other"]);
    }
}
