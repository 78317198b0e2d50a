//! The shapes a portal's codes take (`6 digits`, `6 letters and digits`), learned from its
//! verified codes and kept per desk, so the inbox can prefer a candidate of the portal's own
//! shape ([`crate::extract::extract_expecting`]). A shape is a length and whether letters
//! occur: it tells nothing of any code, so it may be stored. Only a code the office's server
//! verified as the portal's teaches a shape: a spoofed message cannot skew it.

use rusqlite::{Connection, params};

use super::Portal;
use crate::extract::CodeShape;
use crate::store::StoreError;

/// The learned shapes, per portal; deleting a portal deletes its shapes.
pub const MIGRATION: &str = "CREATE TABLE portal_code_shape (
        portal_id INTEGER NOT NULL REFERENCES portal (id) ON DELETE CASCADE,
        len INTEGER NOT NULL,
        letters INTEGER NOT NULL,
        seen INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        PRIMARY KEY (portal_id, len, letters)
     ) STRICT;";

/// Records that the portal's verified code had this shape at `now` (UNIX seconds).
pub fn learn(
    conn: &Connection,
    portal_id: i64,
    shape: CodeShape,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO portal_code_shape (portal_id, len, letters, seen, last_seen_at)
         VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (portal_id, len, letters)
         DO UPDATE SET seen = seen + 1, last_seen_at = excluded.last_seen_at",
        params![portal_id, shape.len, shape.letters, now],
    )?;
    Ok(())
}

/// Every learned shape, as `(portal id, shape)`.
pub fn learned(conn: &Connection) -> Result<Vec<(i64, CodeShape)>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT portal_id, len, letters FROM portal_code_shape ORDER BY portal_id, len, letters",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            CodeShape {
                len: r.get(1)?,
                letters: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The shapes the inbox expects of a portal: its preset's published ones, and those learned.
pub fn expected(portal: &Portal, learned: &[(i64, CodeShape)]) -> Vec<CodeShape> {
    let published = portal
        .fields
        .preset
        .as_deref()
        .and_then(|id| super::Preset::find(id).ok())
        .map_or(&[][..], |p| p.code_shapes);
    let mut shapes: Vec<CodeShape> = published
        .iter()
        .copied()
        .chain(
            learned
                .iter()
                .filter(|(id, _)| *id == portal.id)
                .map(|(_, s)| *s),
        )
        .collect();
    shapes.sort();
    shapes.dedup();
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::{PortalBook, PortalFields};
    use crate::store::Store;

    #[test]
    fn shapes_are_learned_once_each_kept_with_the_preset_and_go_with_their_portal() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let mut book = PortalBook::new(&mut store);
        let fields = crate::portal::Preset::find("mychart")
            .unwrap()
            .fields(Some("https://mychart.example.org/MyChart/"))
            .unwrap();
        let mychart = book.add(fields, 0).unwrap();
        let other = book
            .add(
                PortalFields {
                    name: "Clearinghouse".into(),
                    login_url: "https://ch.example.com/login".into(),
                    ..Default::default()
                },
                0,
            )
            .unwrap();
        let seven = CodeShape::of("7403918").unwrap();
        learn(store.conn(), other.id, seven, 10).unwrap();
        learn(store.conn(), other.id, seven, 20).unwrap();
        learn(store.conn(), mychart.id, CodeShape::of("4821").unwrap(), 30).unwrap();
        let all = learned(store.conn()).unwrap();
        assert_eq!(all.len(), 2, "one row per portal and shape: {all:?}");
        assert_eq!(expected(&other, &all), [seven]);
        let six = CodeShape {
            len: 6,
            letters: false,
        };
        let six_mixed = CodeShape {
            len: 6,
            letters: true,
        };
        let four = CodeShape {
            len: 4,
            letters: false,
        };
        assert_eq!(expected(&mychart, &all), [four, six, six_mixed]);

        PortalBook::new(&mut store)
            .remove(other.id, &crate::keychain::MemoryKeychain::default())
            .unwrap();
        assert_eq!(
            learned(store.conn()).unwrap().len(),
            1,
            "gone with the portal"
        );
    }
}
