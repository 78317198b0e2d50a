use super::*;
use crate::keychain::{KeychainError, MemoryKeychain};
use crate::otp::uri;
use crate::store::Store;

fn ids() -> impl FnMut() -> i64 {
    let mut next = 100;
    move || {
        next += 1;
        next
    }
}

fn entry(text: &str) -> NewEntry {
    uri::parse(text).unwrap()
}

#[test]
fn add_list_code_and_skip_duplicates() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    let a = entry("otpauth://totp/Availity:desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8");
    let report = add(
        store.conn(),
        &keychain,
        vec![a.clone()],
        vec![],
        &mut ids(),
        0,
    )
    .unwrap();
    assert_eq!(report.taken, ["Availity (desk)"]);
    let report = add(store.conn(), &keychain, vec![a], vec![], &mut ids(), 0).unwrap();
    assert!(
        report.taken.is_empty(),
        "a duplicate must not be added twice"
    );
    assert_eq!(report.skipped.len(), 1);

    let found = find(store.conn(), "availity").unwrap();
    // RFC 6238 SHA-1 seed: T=59 gives 94287082; the next period 37359152 (counter 2: 359152 in RFC 4226).
    let view = codes(store.conn(), &keychain, 59).unwrap();
    assert_eq!(view[0].current.as_ref().unwrap().expose(), "94287082");
    assert_eq!(view[0].seconds_left, Some(1));
    assert_eq!(view[0].next.as_ref().unwrap().expose(), "37359152");
    assert_eq!(
        use_code(store.conn(), &keychain, found.id, 59)
            .unwrap()
            .expose(),
        "94287082"
    );
}

#[test]
fn hotp_counter_moves_on_with_each_use() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    let e = entry("otpauth://hotp/desk?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0");
    add(store.conn(), &keychain, vec![e], vec![], &mut ids(), 0).unwrap();
    let id = find(store.conn(), "desk").unwrap().id;
    let got: Vec<String> = (0..3)
        .map(|_| {
            use_code(store.conn(), &keychain, id, 0)
                .unwrap()
                .expose()
                .to_owned()
        })
        .collect();
    assert_eq!(
        got,
        ["755224", "287082", "359152"],
        "RFC 4226 counters 0, 1, 2"
    );
    assert_eq!(
        find(store.conn(), "desk").unwrap().kind,
        Kind::Hotp { counter: 3 }
    );
}

/// A keychain that fails on its second write, to prove the import is all or nothing.
struct FailingSecondWrite(MemoryKeychain, std::sync::atomic::AtomicUsize);
impl Keychain for FailingSecondWrite {
    fn backend(&self) -> &'static str {
        "failing"
    }
    fn get(&self, key: &ItemKey) -> Result<Option<Secret>, KeychainError> {
        self.0.get(key)
    }
    fn set(&self, key: &ItemKey, value: &Secret) -> Result<(), KeychainError> {
        if self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
            return Err(KeychainError::Locked("test".into()));
        }
        self.0.set(key, value)
    }
    fn delete(&self, key: &ItemKey) -> Result<(), KeychainError> {
        self.0.delete(key)
    }
}

#[test]
fn keychain_failure_leaves_nothing_behind() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = FailingSecondWrite(MemoryKeychain::default(), Default::default());
    let two = vec![
        entry("otpauth://totp/A:a?secret=KDSECRETAAAAAAAA"),
        entry("otpauth://totp/B:b?secret=KDSECRETBBBBBBBB"),
    ];
    let err = add(store.conn(), &keychain, two, vec![], &mut ids(), 0).unwrap_err();
    assert_eq!(err.code(), "keychain_locked");
    assert!(list(store.conn()).unwrap().is_empty(), "no row may remain");
    assert!(
        keychain.0.get(&ItemKey::otp_seed(101)).unwrap().is_none(),
        "first seed must be rolled back"
    );
}

#[test]
fn remove_deletes_row_and_seed_and_portal_link_is_kept() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    add(
        store.conn(),
        &keychain,
        vec![entry("otpauth://totp/A:a?secret=KDSECRETAAAAAAAA")],
        vec![],
        &mut ids(),
        0,
    )
    .unwrap();
    set_portal(store.conn(), 101, Some(7)).unwrap();
    assert_eq!(find(store.conn(), "101").unwrap().portal_id, Some(7));
    assert_eq!(
        for_portal(store.conn(), 7).unwrap().map(|e| e.id),
        Some(101)
    );
    assert!(for_portal(store.conn(), 8).unwrap().is_none());
    remove(store.conn(), &keychain, 101).unwrap();
    assert!(keychain.get(&ItemKey::otp_seed(101)).unwrap().is_none());
    assert_eq!(find(store.conn(), "a").unwrap_err().code(), "otp_not_found");
}

#[test]
fn a_missing_seed_is_that_entrys_problem_not_everyones() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    let two = vec![
        entry("otpauth://totp/A:a?secret=KDSECRETAAAAAAAA"),
        entry("otpauth://totp/B:b?secret=KDSECRETBBBBBBBB"),
    ];
    add(store.conn(), &keychain, two, vec![], &mut ids(), 0).unwrap();
    keychain.delete(&ItemKey::otp_seed(101)).unwrap();
    let view = codes(store.conn(), &keychain, 59).unwrap();
    let a = view.iter().find(|c| c.entry.id == 101).unwrap();
    assert!(a.current.is_none());
    assert!(
        a.problem.as_deref().unwrap().contains("missing"),
        "{:?}",
        a.problem
    );
    let b = view.iter().find(|c| c.entry.id == 102).unwrap();
    assert!(
        b.current.is_some() && b.problem.is_none(),
        "B keeps its codes"
    );

    let closed = without_codes(store.conn(), "keychain unavailable: test").unwrap();
    assert_eq!(closed.len(), 2, "the list stays without the keychain");
    assert!(
        closed
            .iter()
            .all(|c| c.current.is_none()
                && c.problem.as_deref() == Some("keychain unavailable: test"))
    );
}
