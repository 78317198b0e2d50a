//! The OS keychain adapter against gnome-keyring's Secret Service.

use keydesk::Secret;
use keydesk::keychain::{ItemKey, Keychain, KeychainStatus, OsKeychain};

use crate::bed;

fn keychain() -> OsKeychain {
    bed::var("DBUS_SESSION_BUS_ADDRESS");
    OsKeychain::new(&format!("test-{}", rand::random::<u64>()))
}

#[test]
fn keychain_stores_reads_overwrites_and_deletes_a_secret() {
    let keychain = keychain();
    let key = ItemKey::custom(format!("test/{}", bed::test_secret("key")));
    assert_eq!(
        keychain.get(&key).unwrap(),
        None,
        "a new key must read as missing, not fail"
    );

    let first = Secret::new(bed::test_secret("first"));
    keychain.set(&key, &first).unwrap();
    assert_eq!(keychain.get(&key).unwrap().as_ref(), Some(&first));

    let second = Secret::new(bed::test_secret("second"));
    keychain.set(&key, &second).unwrap();
    assert_eq!(
        keychain.get(&key).unwrap().as_ref(),
        Some(&second),
        "set must replace, not add"
    );

    keychain.delete(&key).unwrap();
    assert_eq!(keychain.get(&key).unwrap(), None);
    keychain
        .delete(&key)
        .expect("deleting a missing item is not an error");
}

#[test]
fn keychain_items_are_visible_to_other_secret_service_clients() {
    // Proves the adapter writes to the real Secret Service, not to something of its own.
    let keychain = keychain();
    let key = ItemKey::custom(format!("test/visible-{}", rand::random::<u32>()));
    let value = Secret::new(bed::test_secret("visible"));
    keychain.set(&key, &value).unwrap();
    let out = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            keydesk::keychain::SERVICE,
            "username",
            &keychain.account(&key),
        ])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed by the bed");
    keychain.delete(&key).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        value.expose()
    );
}

#[test]
fn keychain_items_of_two_profiles_never_collide() {
    let (one, two) = (keychain(), keychain());
    let key = ItemKey::portal_password(1);
    let (a, b) = (
        Secret::new(bed::test_secret("desk-a")),
        Secret::new(bed::test_secret("desk-b")),
    );
    one.set(&key, &a).unwrap();
    two.set(&key, &b).unwrap();
    assert_eq!(
        one.get(&key).unwrap().as_ref(),
        Some(&a),
        "the second profile overwrote the first"
    );
    one.delete(&key).unwrap();
    assert_eq!(
        two.get(&key).unwrap().as_ref(),
        Some(&b),
        "deleting one profile's item hit the other"
    );
    two.delete(&key).unwrap();
}

#[test]
fn keychain_status_is_available_on_the_bed() {
    bed::var("DBUS_SESSION_BUS_ADDRESS");
    match OsKeychain::new("status").status() {
        KeychainStatus::Available { backend } => assert!(!backend.is_empty()),
        other => panic!("the bed's keychain must be available, got {other:?}"),
    }
}

#[test]
fn keychain_unavailable_is_a_clear_state_not_a_crash() {
    let profile = bed::profile_dir("no-keychain");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(&profile)
        .args(["status", "--json"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/keydesk-no-bus",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "status must still work: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["keychain"]["state"], "unavailable", "{status}");
    let reason = status["keychain"]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("keychain unavailable"),
        "reason should say so plainly: {reason}"
    );
    assert_eq!(
        status["mailbox"]["state"], "not_set_up",
        "the rest keeps working: {status}"
    );
}
