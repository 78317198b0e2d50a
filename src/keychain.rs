//! The operating system's keychain: the only place a secret is ever persisted.
//!
//! [`Keychain`] is the seam: [`OsKeychain`] talks to the platform store through the `keyring`
//! crate (v4), whose store selection picks the Secret Service on Linux and the BSDs, the Keychain
//! on macOS and the Credential Manager on Windows; unit tests use an in-memory store behind the
//! same trait. Every item lives under
//! one service name, [`SERVICE`], keyed by the profile's id and an [`ItemKey`], such as
//! `3f2a…/portal/7/password`: two profiles (two desks on one login, or tests) never share items.
//!
//! "Not found" is `Ok(None)`, never an error. Errors carry a stable [`KeychainError::code`] and a
//! message a front-desk user can act on; they never contain the secret.

use crate::error::ErrorCode;
use crate::secret::Secret;

/// The service name every Keydesk item is stored under.
pub const SERVICE: &str = "keydesk";

/// Which item inside the keychain: what it belongs to and what kind of secret it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemKey(String);

impl ItemKey {
    /// The password of portal `portal_id`.
    pub fn portal_password(portal_id: i64) -> Self {
        Self(format!("portal/{portal_id}/password"))
    }

    /// The new password of portal `portal_id` while a change is underway: kept beside the
    /// current one until the portal took it (see [`crate::portal::change`]).
    pub fn portal_pending_password(portal_id: i64) -> Self {
        Self(format!("portal/{portal_id}/pending-password"))
    }

    /// The recovery or backup codes of portal `portal_id`.
    pub fn portal_recovery_codes(portal_id: i64) -> Self {
        Self(format!("portal/{portal_id}/recovery-codes"))
    }

    /// The password of the watched mailbox.
    pub fn mailbox_password() -> Self {
        Self("mailbox/password".to_owned())
    }

    /// The seed of authenticator entry `entry_id`.
    pub fn otp_seed(entry_id: i64) -> Self {
        Self(format!("otp/{entry_id}/seed"))
    }

    /// Any other key; used by tests to keep their items apart.
    pub fn custom(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The key as stored (the Secret Service `username` attribute).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why the keychain could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// No keychain service is running or reachable (e.g. no Secret Service on the session bus).
    #[error("keychain unavailable: {0}")]
    Unavailable(String),
    /// The keychain is there but locked, or access was refused.
    #[error("keychain locked: {0}. Unlock it (sign in to the desktop again) and retry.")]
    Locked(String),
    /// The stored value is not text; it was not written by Keydesk.
    #[error("keychain item {0} is damaged (not text); delete it and enter the secret again")]
    Damaged(String),
    /// Any other failure reported by the platform.
    #[error("keychain error: {0}")]
    Platform(String),
}

impl KeychainError {
    /// Its code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Unavailable(_) => ErrorCode::KeychainUnavailable,
            Self::Locked(_) => ErrorCode::KeychainLocked,
            Self::Damaged(_) => ErrorCode::KeychainDamaged,
            Self::Platform(_) => ErrorCode::KeychainError,
        }
    }
}

/// Where secrets are kept. Implemented by the OS keychain and, in unit tests, by memory.
pub trait Keychain: Send + Sync {
    /// Reads an item; `Ok(None)` when there is none.
    fn get(&self, key: &ItemKey) -> Result<Option<Secret>, KeychainError>;
    /// Creates or replaces an item.
    fn set(&self, key: &ItemKey, value: &Secret) -> Result<(), KeychainError>;
    /// Deletes an item; deleting a missing item is not an error.
    fn delete(&self, key: &ItemKey) -> Result<(), KeychainError>;
    /// Whether items can be used now, and if not, why: reads an item that need not exist.
    fn status(&self) -> KeychainStatus {
        match self.get(&ItemKey::custom("status-probe")) {
            Ok(_) => KeychainStatus::Available {
                backend: self.backend().to_owned(),
            },
            Err(e) => KeychainStatus::Unavailable {
                code: e.code(),
                reason: e.to_string(),
            },
        }
    }
    /// The store's name as people know it ("Secret Service").
    fn backend(&self) -> &'static str;
}

/// Whether the keychain can be used right now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeychainStatus {
    /// Items can be read and written.
    Available {
        /// Which platform store answered, e.g. "Secret Service".
        backend: String,
    },
    /// Items cannot be used; `reason` says why in plain words, `code` is stable.
    Unavailable {
        /// Its code (see [`KeychainError::code`]).
        code: ErrorCode,
        /// What happened, in plain words.
        reason: String,
    },
}

/// The platform keychain: every item of one profile, under [`SERVICE`].
#[derive(Debug)]
pub struct OsKeychain {
    namespace: String,
}

impl OsKeychain {
    /// The items of one profile (`namespace`, the profile's id). The platform store is chosen
    /// and connected once per process, by the `keyring` crate, at the first use; when none
    /// answered then, every operation fails fast with [`KeychainError::Unavailable`] (a store
    /// that was only locked is used as soon as it is unlocked).
    pub fn new(namespace: &str) -> Self {
        Self {
            namespace: namespace.to_owned(),
        }
    }

    /// The name an item is stored under (the Secret Service `username` attribute).
    pub fn account(&self, key: &ItemKey) -> String {
        format!("{}/{}", self.namespace, key.as_str())
    }

    fn entry(&self, key: &ItemKey) -> Result<keyring::Entry, KeychainError> {
        if let Err(e) = keyring::Entry::store_status() {
            return Err(describe(e));
        }
        keyring::Entry::new(SERVICE, &self.account(key)).map_err(|e| map_error(e, key.as_str()))
    }
}

impl Keychain for OsKeychain {
    fn get(&self, key: &ItemKey) -> Result<Option<Secret>, KeychainError> {
        match self.entry(key)?.get_secret() {
            Ok(bytes) => Secret::from_utf8(bytes)
                .map(Some)
                .ok_or_else(|| KeychainError::Damaged(key.as_str().to_owned())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e, key.as_str())),
        }
    }

    fn set(&self, key: &ItemKey, value: &Secret) -> Result<(), KeychainError> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| map_error(e, key.as_str()))
    }

    fn delete(&self, key: &ItemKey) -> Result<(), KeychainError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, key.as_str())),
        }
    }

    fn backend(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        }
    }
}

/// The store's one-time connection failed: the same error, described again (the `keyring`
/// crate keeps the original).
fn describe(error: &keyring::Error) -> KeychainError {
    use keyring::Error as E;
    match error {
        E::NoStorageAccess(e) => KeychainError::Locked(e.to_string()),
        E::PlatformFailure(e) => classify_platform_failure(e.to_string()),
        E::NoDefaultStore => KeychainError::Unavailable("no keychain service is running".into()),
        other => KeychainError::Platform(other.to_string()),
    }
}

/// Turns a platform error into ours. Platform errors describe the store, never the secret, but
/// `BadEncoding`/`BadDataFormat` carry the stored bytes, so those are dropped here.
fn map_error(error: keyring::Error, what: &str) -> KeychainError {
    use keyring::Error as E;
    match error {
        E::NoStorageAccess(e) => KeychainError::Locked(e.to_string()),
        E::NoDefaultStore => KeychainError::Unavailable("no keychain service is running".into()),
        E::BadEncoding(_) | E::BadDataFormat(_, _) => KeychainError::Damaged(what.to_owned()),
        E::PlatformFailure(e) => classify_platform_failure(e.to_string()),
        other => KeychainError::Platform(other.to_string()),
    }
}

/// zbus reports a missing session bus or Secret Service as a platform failure.
fn classify_platform_failure(text: String) -> KeychainError {
    if text.contains("org.freedesktop.secrets")
        || text.contains("DBUS_SESSION_BUS_ADDRESS")
        || text.contains("ServiceUnknown")
        || text.contains("No such file or directory")
        || text.contains("Connection refused")
    {
        KeychainError::Unavailable(format!("no Secret Service answered ({text})"))
    } else {
        KeychainError::Platform(text)
    }
}

/// An in-memory keychain for unit tests of code that stores secrets.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct MemoryKeychain {
    items: std::sync::Mutex<std::collections::HashMap<ItemKey, Secret>>,
}

#[cfg(test)]
impl Keychain for MemoryKeychain {
    fn backend(&self) -> &'static str {
        "memory"
    }
    fn get(&self, key: &ItemKey) -> Result<Option<Secret>, KeychainError> {
        Ok(self.items.lock().unwrap().get(key).cloned())
    }
    fn set(&self, key: &ItemKey, value: &Secret) -> Result<(), KeychainError> {
        self.items
            .lock()
            .unwrap()
            .insert(key.clone(), value.clone());
        Ok(())
    }
    fn delete(&self, key: &ItemKey) -> Result<(), KeychainError> {
        self.items.lock().unwrap().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_keys_are_distinct_per_portal_and_kind() {
        assert_ne!(ItemKey::portal_password(1), ItemKey::portal_password(2));
        assert_ne!(
            ItemKey::portal_password(1),
            ItemKey::portal_recovery_codes(1)
        );
        assert_eq!(ItemKey::portal_password(7).as_str(), "portal/7/password");
    }

    #[test]
    fn memory_keychain_behaves_like_a_keychain() {
        // Unit tests of other modules rely on this fake; it must keep the trait's contract.
        let keychain = MemoryKeychain::default();
        let key = ItemKey::portal_password(3);
        assert_eq!(keychain.get(&key).unwrap(), None);
        keychain.set(&key, &Secret::from("one")).unwrap();
        keychain.set(&key, &Secret::from("two")).unwrap();
        assert_eq!(keychain.get(&key).unwrap(), Some(Secret::from("two")));
        keychain.delete(&key).unwrap();
        keychain.delete(&key).unwrap();
        assert_eq!(keychain.get(&key).unwrap(), None);
    }

    #[test]
    fn error_messages_never_carry_stored_bytes() {
        let e = map_error(keyring::Error::BadEncoding(b"s3cret-bytes".to_vec()), "k");
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert_eq!(e.code(), ErrorCode::KeychainDamaged);
    }
}
