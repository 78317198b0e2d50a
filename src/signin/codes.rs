//! Where a sign-in's code comes from: a mailed or texted code in the inbox, or the authenticator
//! entry linked to the portal. The shell's adapter calls these when the machine asks
//! ([`SignIn::wants`](super::SignIn::wants)), which it does only once the page shows its code
//! field, and once per code.

use rusqlite::Connection;

use super::action::OfferedCode;
use super::failure::Failure;
use crate::keychain::Keychain;
use crate::otp::{Kind, OtpError, entries};
use crate::pending::PendingCode;

/// A TOTP code with less than this left in its period is not filled: it could expire between
/// the fill and the portal's check. The machine waits for the next period instead.
pub const TOTP_MARGIN_MS: i64 = 3_000;

impl From<PendingCode> for OfferedCode {
    /// A code from the inbox: filled as it is, and marked used once it was written.
    fn from(code: PendingCode) -> Self {
        Self {
            code: code.code,
            key: Some(code.key),
            good_until_ms: None,
        }
    }
}

/// The code of the authenticator entry linked to `portal_id` at `now_ms` (UNIX milliseconds).
/// Reads the keychain, and moves an HOTP entry's counter on: call it once per code.
pub fn authenticator_code(
    conn: &mut Connection,
    keychain: &dyn Keychain,
    portal_id: i64,
    now_ms: i64,
) -> Result<OfferedCode, Failure> {
    let no_source = |missing: String| Failure::NoCodeSource { missing };
    let entry = entries::for_portal(conn, portal_id)
        .map_err(|e| no_source(e.to_string()))?
        .ok_or_else(|| {
            no_source(
                "no authenticator entry is linked to this portal; link one under Authenticator"
                    .into(),
            )
        })?;
    let now = now_ms.div_euclid(1000).max(0) as u64;
    let code = entries::use_code(conn, keychain, entry.id, now).map_err(|e| match e {
        OtpError::Keychain(e) => Failure::Keychain {
            message: e.to_string(),
        },
        e => no_source(e.to_string()),
    })?;
    let good_until_ms = match entry.kind {
        Kind::Totp { period } => {
            let period = i64::from(period.max(1)) * 1000;
            Some((now_ms.div_euclid(period) + 1) * period)
        }
        Kind::Hotp { .. } => None,
    };
    Ok(OfferedCode {
        code,
        key: None,
        good_until_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryKeychain;
    use crate::store::Store;

    fn linked(store: &mut Store, keychain: &MemoryKeychain, uri: &str) -> i64 {
        let portal = crate::portal::PortalBook::new(store)
            .add(
                crate::portal::PortalFields {
                    name: "Availity".into(),
                    login_url: "https://apps.availity.com/login".into(),
                    ..Default::default()
                },
                0,
            )
            .unwrap();
        crate::otp::add_link(store.conn(), keychain, uri, 0).unwrap();
        let id = entries::list(store.conn()).unwrap()[0].id;
        entries::set_portal(store.conn(), id, Some(portal.id)).unwrap();
        portal.id
    }

    #[test]
    fn a_totp_code_says_when_its_period_ends_and_an_hotp_code_moves_its_counter_once() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let keychain = MemoryKeychain::default();
        let portal = linked(
            &mut store,
            &keychain,
            "otpauth://totp/Availity:desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Availity",
        );
        // RFC 6238's SHA-1 vector at T = 59 s: 94287082 (8 digits) → 287082 with 6.
        let code = authenticator_code(store.conn(), &keychain, portal, 59_000).unwrap();
        assert_eq!(code.code.expose(), "287082");
        assert_eq!(
            code.good_until_ms,
            Some(60_000),
            "the 30-second period ends at 60 s"
        );
        assert!(code.key.is_none());

        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let portal = linked(
            &mut store,
            &keychain,
            "otpauth://hotp/Bank:desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0",
        );
        // RFC 4226's first two codes: 755224, 287082.
        let first = authenticator_code(store.conn(), &keychain, portal, 0).unwrap();
        assert_eq!((first.code.expose(), first.good_until_ms), ("755224", None));
        let second = authenticator_code(store.conn(), &keychain, portal, 0).unwrap();
        assert_eq!(
            second.code.expose(),
            "287082",
            "each call makes a new code: the machine asks once and keeps it"
        );
    }

    #[test]
    fn no_linked_entry_is_no_code_source() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        let keychain = MemoryKeychain::default();
        let err = authenticator_code(store.conn(), &keychain, 1, 0).unwrap_err();
        assert_eq!(err.code(), "no_code_source");
        let words = err.words("Availity", crate::i18n::Locale::En);
        assert!(words.contains("link one under Authenticator"), "{words}");
        assert!(
            !words.contains("keydesk-cli"),
            "no command for the desk to type: {words}"
        );
    }
}
