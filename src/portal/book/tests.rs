use super::*;
use crate::keychain::{KeychainError, MemoryKeychain};
use crate::portal::{PasswordState, Preset, TransferError};

const NOW: i64 = 1_750_000_000;
const DAY: i64 = 86_400;

/// A keychain that is not there: every call fails as a missing Secret Service does.
struct MissingKeychain;

impl Keychain for MissingKeychain {
    fn backend(&self) -> &'static str {
        "missing"
    }
    fn get(&self, _: &ItemKey) -> Result<Option<Secret>, KeychainError> {
        Err(KeychainError::Unavailable(
            "no keychain service is running".into(),
        ))
    }
    fn set(&self, _: &ItemKey, _: &Secret) -> Result<(), KeychainError> {
        Err(KeychainError::Unavailable(
            "no keychain service is running".into(),
        ))
    }
    fn delete(&self, _: &ItemKey) -> Result<(), KeychainError> {
        Err(KeychainError::Unavailable(
            "no keychain service is running".into(),
        ))
    }
}

fn availity() -> PortalFields {
    PortalFields {
        username: "frontdesk1".into(),
        ..Preset::find("availity").unwrap().fields(None).unwrap()
    }
}

fn cigna() -> PortalFields {
    Preset::find("cigna").unwrap().fields(None).unwrap()
}

fn count(store: &mut Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn add_list_find_and_edit() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let added = book.add(availity(), NOW).unwrap();
    book.add(cigna(), NOW).unwrap();
    assert_eq!(added.created_at, NOW);
    assert_eq!(added.password_changed_at, None);
    let names: Vec<_> = book
        .list()
        .unwrap()
        .into_iter()
        .map(|p| p.fields.name)
        .collect();
    assert_eq!(
        names,
        ["Availity", "Cigna for Health Care Professionals"],
        "sorted by name"
    );
    assert_eq!(
        book.find("AVAILITY").unwrap().id,
        added.id,
        "names ignore case"
    );
    assert_eq!(book.find(&added.id.to_string()).unwrap().id, added.id);
    assert!(matches!(book.find("Aetna"), Err(PortalError::NotFound(_))));

    book.record_sign_in(added.id, NOW + 5).unwrap();
    let mut edited = added.fields.clone();
    edited.username = "frontdesk2".into();
    edited.name = "availity".into(); // same portal, other case: not a duplicate of itself
    let after = book.update(added.id, edited).unwrap();
    assert_eq!(after.fields.username, "frontdesk2");
    assert_eq!(
        after.last_sign_in_at,
        Some(NOW + 5),
        "edit keeps timestamps"
    );
    assert_eq!(after.created_at, NOW);
}

#[test]
fn duplicate_names_are_refused_ignoring_case() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    book.add(availity(), NOW).unwrap();
    let err = book
        .add(
            PortalFields {
                name: " AVAILITY ".into(),
                ..cigna()
            },
            NOW,
        )
        .unwrap_err();
    assert!(matches!(err, PortalError::DuplicateName(_)), "{err}");
    assert_eq!(err.code(), "portal_duplicate_name");

    let other = book.add(cigna(), NOW).unwrap();
    let err = book
        .update(
            other.id,
            PortalFields {
                name: "Availity".into(),
                ..cigna()
            },
        )
        .unwrap_err();
    assert!(matches!(err, PortalError::DuplicateName(_)), "{err}");
    assert_eq!(
        book.get(other.id).unwrap().fields.name,
        cigna().name,
        "nothing changed"
    );
}

#[test]
fn invalid_input_writes_nothing() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let err = book
        .add(
            PortalFields {
                login_url: "http://apps.availity.com/".into(),
                ..availity()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "portal_invalid");
    assert!(err.to_string().contains("https://"), "{err}");
    assert_eq!(count(&mut store, "portal"), 0);
}

#[test]
fn password_is_stored_read_changed_and_removed_with_the_portal() {
    let keychain = MemoryKeychain::default();
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let portal = book
        .add_with_password(availity(), &keychain, &Secret::from("kdS3cr3t-one"), NOW)
        .unwrap();
    assert_eq!(portal.password_changed_at, Some(NOW));
    assert_eq!(
        book.password(portal.id, &keychain).unwrap(),
        Some(Secret::from("kdS3cr3t-one"))
    );

    book.set_password(
        portal.id,
        &keychain,
        &Secret::from("kdS3cr3t-two"),
        NOW + DAY,
    )
    .unwrap();
    assert_eq!(
        book.password(portal.id, &keychain).unwrap(),
        Some(Secret::from("kdS3cr3t-two"))
    );
    assert_eq!(
        book.get(portal.id).unwrap().password_changed_at,
        Some(NOW + DAY)
    );

    book.set_recovery_codes(portal.id, &keychain, &[Secret::from("kdS3cr3t-r1")])
        .unwrap();
    book.remove(portal.id, &keychain).unwrap();
    assert_eq!(
        keychain.get(&ItemKey::portal_password(portal.id)).unwrap(),
        None
    );
    assert_eq!(
        keychain
            .get(&ItemKey::portal_recovery_codes(portal.id))
            .unwrap(),
        None
    );
    assert_eq!(count(&mut store, "portal"), 0);
    assert_eq!(count(&mut store, "portal_recovery_code"), 0);
}

#[test]
fn ids_are_never_reused() {
    let keychain = MemoryKeychain::default();
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let first = book.add(availity(), NOW).unwrap();
    book.remove(first.id, &keychain).unwrap();
    let second = book.add(availity(), NOW).unwrap();
    assert_ne!(first.id, second.id);
}

#[test]
fn missing_keychain_fails_clearly_and_everything_else_works() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    // Adding with a password needs the keychain: refused, and no row is left behind.
    let err = book
        .add_with_password(
            availity(),
            &MissingKeychain,
            &Secret::from("kdS3cr3t-pw"),
            NOW,
        )
        .unwrap_err();
    assert!(
        err.to_string().starts_with("keychain unavailable: "),
        "{err}"
    );
    assert!(!err.to_string().contains("kdS3cr3t-"));
    assert!(book.list().unwrap().is_empty(), "half-written portal");

    // Everything that needs no secret works.
    let portal = book.add(availity(), NOW).unwrap();
    assert_eq!(book.list().unwrap().len(), 1);
    assert_eq!(book.summaries(NOW).unwrap().len(), 1);
    assert_eq!(book.export(NOW).unwrap().portals.len(), 1);
    assert_eq!(book.get(portal.id).unwrap().fields.username, "frontdesk1");
    assert!(book.recovery_code_states(portal.id).unwrap().is_empty());

    // Secrets are refused with the keychain's error.
    let err = book.password(portal.id, &MissingKeychain).unwrap_err();
    assert_eq!(err.code(), "keychain_unavailable");
    let err = book
        .set_password(
            portal.id,
            &MissingKeychain,
            &Secret::from("kdS3cr3t-pw"),
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "keychain_unavailable");
    assert_eq!(
        book.get(portal.id).unwrap().password_changed_at,
        None,
        "not recorded as changed"
    );

    // Removing is refused rather than leaving the password behind unreferenced.
    let err = book.remove(portal.id, &MissingKeychain).unwrap_err();
    assert_eq!(err.code(), "portal_remove_blocked");
    assert!(err.to_string().contains("keychain unavailable"), "{err}");
    assert!(book.get(portal.id).is_ok(), "the portal must be kept");
}

#[test]
fn recovery_codes_are_listed_and_marked_used() {
    let keychain = MemoryKeychain::default();
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let portal = book.add(availity(), NOW).unwrap();
    let codes: Vec<Secret> = ["kdS3cr3t-aaa", " kdS3cr3t-bbb ", "kdS3cr3t-ccc"]
        .into_iter()
        .map(Secret::from)
        .collect();
    book.set_recovery_codes(portal.id, &keychain, &codes)
        .unwrap();
    book.mark_recovery_code_used(portal.id, 2, NOW + 10)
        .unwrap();
    book.mark_recovery_code_used(portal.id, 2, NOW + 99)
        .unwrap();

    let listed = book.recovery_codes(portal.id, &keychain).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1].code, Secret::from("kdS3cr3t-bbb"), "trimmed");
    assert_eq!(listed[1].used_at, Some(NOW + 10), "first use time is kept");
    assert_eq!(listed[0].used_at, None);

    let summary = &book.summaries(NOW).unwrap()[0];
    assert_eq!(
        (summary.recovery_codes_total, summary.recovery_codes_unused),
        (3, 2)
    );

    let err = book.mark_recovery_code_used(portal.id, 4, NOW).unwrap_err();
    assert!(matches!(err, PortalError::NoSuchRecoveryCode(4)), "{err}");
    let err = book
        .set_recovery_codes(portal.id, &keychain, &[Secret::from("a\nb")])
        .unwrap_err();
    assert!(matches!(err, PortalError::BadRecoveryCode(1)), "{err}");
    assert_eq!(
        book.recovery_codes(portal.id, &keychain).unwrap().len(),
        3,
        "unchanged"
    );

    // Stored in the database: only numbers and times, never the codes.
    let dump: String = store
        .conn()
        .query_row("SELECT group_concat(details) FROM portal", [], |r| r.get(0))
        .unwrap();
    assert!(!dump.contains("kdS3cr3t-"));
}

#[test]
fn summaries_carry_password_age_warnings() {
    let keychain = MemoryKeychain::default();
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    book.add_with_password(availity(), &keychain, &Secret::from("kdS3cr3t-pw"), NOW)
        .unwrap();
    book.add(cigna(), NOW).unwrap();
    let list = book.summaries(NOW + 56 * DAY).unwrap();
    assert_eq!(list[0].name, "Availity");
    assert_eq!(list[0].password.state, PasswordState::DueSoon);
    assert!(
        list[0]
            .password
            .warning
            .as_deref()
            .unwrap()
            .contains("4 days")
    );
    assert_eq!(list[1].password.state, PasswordState::NotSaved);
    assert_eq!(list[0].second_step_label, "authenticator app");
}

#[test]
fn export_then_import_gives_the_same_portals() {
    let keychain = MemoryKeychain::default();
    let mut source = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut source);
    book.add_with_password(availity(), &keychain, &Secret::from("kdS3cr3t-pw"), NOW)
        .unwrap();
    book.add(cigna(), NOW).unwrap();
    let file = serde_json::to_vec(&book.export(NOW).unwrap()).unwrap();
    let exported = book.list().unwrap();

    let mut target = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut fresh = PortalBook::new(&mut target);
    let report = fresh.import(&file, NOW + 1).unwrap();
    assert!(report.is_complete(), "{report:?}");
    let imported = fresh.list().unwrap();
    let fields =
        |list: &[crate::portal::Portal]| list.iter().map(|p| p.fields.clone()).collect::<Vec<_>>();
    assert_eq!(fields(&imported), fields(&exported));
    assert!(
        imported.iter().all(|p| p.password_changed_at.is_none()),
        "no password came along"
    );
}

#[test]
fn what_the_desk_taught_travels_with_the_portal_list() {
    let mut source = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let added = PortalBook::new(&mut source).add(cigna(), NOW).unwrap();
    let (id, name) = (added.id, added.fields.name);
    crate::portal::taught::learn(&mut source, id, "password", "#pw-old").unwrap();
    crate::portal::taught::learn(&mut source, id, "password", r#"input[name="f_92"]"#).unwrap();
    let export = PortalBook::new(&mut source).export(NOW).unwrap();
    assert_eq!(
        export.recipe_overrides[&name]["password"],
        [r#"input[name="f_92"]"#, "#pw-old"]
    );
    let file = serde_json::to_vec(&export).unwrap();
    let mut target = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    PortalBook::new(&mut target).import(&file, NOW + 1).unwrap();
    let id = PortalBook::new(&mut target).list().unwrap()[0].id;
    let taught = crate::portal::taught::hints(&mut target, id).unwrap();
    assert_eq!(
        taught["password"],
        [r#"input[name="f_92"]"#, "#pw-old"],
        "same order"
    );
}

#[test]
fn import_adds_valid_entries_and_names_rejected_ones() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    book.add(cigna(), NOW).unwrap();
    let file = serde_json::json!({
        "format": "keydesk-portals",
        "version": 1,
        "exported_at": NOW,
        "portals": [
            {"name": "Availity", "login_url": "https://apps.availity.com/", "second_step": "authenticator"},
            {"name": "Plain", "login_url": "http://portal.example.com/"},
            {"name": "CIGNA FOR HEALTH CARE PROFESSIONALS", "login_url": "https://cignaforhcp.cigna.com/"},
            {"name": "Typo", "login_url": "https://a.example.com/", "usrname": "x"},
            {"name": "availity", "login_url": "https://apps.availity.com/"},
            {"login_url": "https://b.example.com/"},
        ]
    });
    let report = book
        .import(&serde_json::to_vec(&file).unwrap(), NOW)
        .unwrap();
    assert_eq!(report.added, ["Availity"]);
    let rejected: Vec<_> = report
        .rejected
        .iter()
        .map(|r| (r.entry, r.name.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "Plain"),
            (3, "CIGNA FOR HEALTH CARE PROFESSIONALS"),
            (4, "Typo"),
            (5, "availity"),
            (6, "entry 6"),
        ]
    );
    assert!(
        report.rejected[0].reason.contains("https://"),
        "{:?}",
        report.rejected[0]
    );
    assert!(report.rejected[1].reason.contains("already exists"));
    assert!(report.rejected[2].reason.contains("usrname"));
    assert!(report.rejected[4].reason.contains("name"));
    assert_eq!(count(&mut store, "portal"), 2);
}

#[test]
fn malformed_or_wrong_version_files_import_nothing() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let entry =
        serde_json::json!([{"name": "Availity", "login_url": "https://apps.availity.com/"}]);
    let cases = [
        (b"{not json".to_vec(), "import_malformed"),
        (
            serde_json::to_vec(
                &serde_json::json!({"format": "bitwarden", "version": 1, "portals": entry}),
            )
            .unwrap(),
            "import_wrong_format",
        ),
        (
            serde_json::to_vec(
                &serde_json::json!({"format": "keydesk-portals", "version": 2, "portals": entry}),
            )
            .unwrap(),
            "import_unsupported_version",
        ),
        (
            serde_json::to_vec(&serde_json::json!({"format": "keydesk-portals", "version": 1}))
                .unwrap(),
            "import_malformed",
        ),
        (
            serde_json::to_vec(&serde_json::json!(["keydesk-portals"])).unwrap(),
            "import_malformed",
        ),
    ];
    for (bytes, code) in cases {
        let err: TransferError = book.import(&bytes, NOW).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains("nothing was imported"), "{err}");
    }
    assert_eq!(count(&mut store, "portal"), 0);
}

#[test]
fn check_import_reports_like_import_and_adds_nothing() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let mut book = PortalBook::new(&mut store);
    let file = serde_json::to_vec(&serde_json::json!({
        "format": "keydesk-portals",
        "version": 1,
        "exported_at": NOW,
        "portals": [
            {"name": "Availity", "login_url": "https://apps.availity.com/"},
            {"name": "Plain", "login_url": "http://portal.example.com/"},
        ]
    }))
    .unwrap();
    let preview = book.check_import(&file).unwrap();
    assert_eq!(preview.added, ["Availity"]);
    assert_eq!(preview.rejected.len(), 1);
    assert_eq!(
        book.list().unwrap().len(),
        0,
        "a check must not add anything"
    );
    let done = book.import(&file, NOW).unwrap();
    assert_eq!(done, preview, "the import does what the check said");
    assert_eq!(book.list().unwrap().len(), 1);
}

#[test]
fn one_recovery_code_is_read_by_number() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    let mut book = PortalBook::new(&mut store);
    let id = book.add(availity(), NOW).unwrap().id;
    let codes = [Secret::from("kdS3cr3t-one"), Secret::from("kdS3cr3t-two")];
    book.set_recovery_codes(id, &keychain, &codes).unwrap();
    book.mark_recovery_code_used(id, 1, NOW).unwrap();
    let second = book.recovery_code(id, 2, &keychain).unwrap();
    assert_eq!(
        (second.code.expose(), second.used_at),
        ("kdS3cr3t-two", None)
    );
    assert_eq!(
        book.recovery_code(id, 1, &keychain).unwrap().used_at,
        Some(NOW)
    );
    assert!(matches!(
        book.recovery_code(id, 3, &keychain),
        Err(PortalError::NoSuchRecoveryCode(3))
    ));
}

#[test]
fn removing_a_portal_unlinks_its_authenticator_entry() {
    let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
    let keychain = MemoryKeychain::default();
    let id = PortalBook::new(&mut store).add(availity(), NOW).unwrap().id;
    let entry =
        crate::otp::uri::parse("otpauth://totp/Availity:desk?secret=KDSECRETAAAAAAAA").unwrap();
    crate::otp::entries::add(store.conn(), &keychain, vec![entry], vec![], &mut || 77, 0).unwrap();
    crate::otp::entries::set_portal(store.conn(), 77, Some(id)).unwrap();
    PortalBook::new(&mut store).remove(id, &keychain).unwrap();
    let entries = crate::otp::entries::list(store.conn()).unwrap();
    assert_eq!(entries.len(), 1, "the entry itself stays");
    assert_eq!(
        entries[0].portal_id, None,
        "no link to a portal that is gone"
    );
}
