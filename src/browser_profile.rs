//! A portal's browser profile: the web engine's data (cookies, storage) of that portal's Keydesk
//! window — and so its remembered device and its live session. What belongs to a portal is
//! decided here, in one place: where its folder is, the data-store id that keeps portals apart
//! on macOS, which cookies are the portal's, and deleting the profile.
//!
//! On Linux and Windows each portal window gets its own folder (`webviews/<portal id>` under the
//! profile's data folder). WebKit on macOS ignores a data folder; there each window gets its own
//! data store by [`data_store_id`] instead (macOS 14 and later; older versions share one store,
//! which is why clearing a portal's cookies always keeps to [`is_portal_cookie`]).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::portal::Portal;

/// The folder of a portal's browser profile. One per portal under the profile's data folder, so
/// portals never share cookies.
pub fn dir(data_dir: &Path, portal_id: i64) -> PathBuf {
    data_dir.join("webviews").join(portal_id.to_string())
}

/// The folder of a portal's browser profile for `person` on a desk with people
/// (`webviews/person-<id>/<portal id>`), so one person's portal session is never handed to the
/// next; [`dir`] on a desk without people.
pub fn dir_for(data_dir: &Path, person: Option<i64>, portal_id: i64) -> PathBuf {
    match person {
        None => dir(data_dir, portal_id),
        Some(person) => person_dir(data_dir, person).join(portal_id.to_string()),
    }
}

fn person_dir(data_dir: &Path, person: i64) -> PathBuf {
    data_dir.join("webviews").join(format!("person-{person}"))
}

/// The macOS data store of a portal's window for `person` ([`data_store_id`] without people).
pub fn data_store_id_for(profile_id: &str, person: Option<i64>, portal_id: i64) -> [u8; 16] {
    match person {
        None => data_store_id(profile_id, portal_id),
        Some(person) => data_store_id(&format!("{profile_id}/person-{person}"), portal_id),
    }
}

/// Deletes every portal profile of a person who was removed.
pub fn remove_person(data_dir: &Path, person: i64) -> std::io::Result<bool> {
    match std::fs::remove_dir_all(person_dir(data_dir, person)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The data-store identifier of a portal's window on macOS: 16 bytes derived from this profile's
/// id and the portal's id, so every portal of every profile has its own store and the same
/// portal finds its store again after a restart. Shaped as an RFC 9562 version-8 UUID, which is
/// what WebKit takes it as.
pub fn data_store_id(profile_id: &str, portal_id: i64) -> [u8; 16] {
    let mut hash = Sha256::new();
    hash.update(b"keydesk portal window data store\0");
    hash.update(profile_id.as_bytes());
    hash.update(b"\0");
    hash.update(portal_id.to_be_bytes());
    let digest = hash.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id[6] = (id[6] & 0x0f) | 0x80;
    id[8] = (id[8] & 0x3f) | 0x80;
    id
}

/// True when a cookie of `cookie_domain` belongs to the portal: the domain is the host of one of
/// its allowed origins, or a parent domain of one (a cookie set for `.cigna.com` by
/// `cignaforhcp.cigna.com`). Nothing else is the portal's to delete.
pub fn is_portal_cookie(portal: &Portal, cookie_domain: &str) -> bool {
    let domain = cookie_domain.trim_start_matches('.').to_ascii_lowercase();
    if domain.is_empty() {
        return false;
    }
    portal.fields.allowed_origins.iter().any(|origin| {
        let Ok(url) = url::Url::parse(origin) else {
            return false;
        };
        match url.host() {
            Some(url::Host::Domain(host)) => {
                let host = host.to_ascii_lowercase();
                host == domain
                    || (domain.contains('.')
                        && host
                            .strip_suffix(domain.as_str())
                            .is_some_and(|rest| rest.ends_with('.')))
            }
            // An address has no parent domains: only its own cookies.
            Some(host) => host.to_string() == domain,
            None => false,
        }
    })
}

/// Deletes a portal's browser profile folder; true when there was one. Its window must be
/// closed first: a running web view keeps writing there.
pub fn remove(data_dir: &Path, portal_id: i64) -> std::io::Result<bool> {
    // Every person's profile of the portal goes with it.
    let mut removed = false;
    if let Ok(entries) = std::fs::read_dir(data_dir.join("webviews")) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("person-") {
                removed |= remove_folder(&entry.path().join(portal_id.to_string()))?;
            }
        }
    }
    Ok(remove_folder(&dir(data_dir, portal_id))? || removed)
}

fn remove_folder(folder: &Path) -> std::io::Result<bool> {
    match std::fs::remove_dir_all(folder) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// What clears a portal's cookies: the app's web view (only the portal's own cookies, read back
/// to be sure), or — with Keydesk's window not running, as for the command-line tool — the
/// profile folder itself ([`ProfileFolder`]).
pub trait PortalCookies {
    /// Clears the portal's cookies; true when there were any. An error says, in plain words,
    /// what could not be cleared.
    fn clear(&self, portal: &Portal) -> Result<bool, String>;
}

/// Clears a portal's cookies by deleting its whole profile folder. Only while no Keydesk window
/// of this profile runs (the command-line tool says so).
#[derive(Debug, Clone, Copy)]
pub struct ProfileFolder<'a> {
    /// The profile's data folder.
    pub data_dir: &'a Path,
}

impl PortalCookies for ProfileFolder<'_> {
    fn clear(&self, portal: &Portal) -> Result<bool, String> {
        if cfg!(target_os = "macos") {
            // The window's cookies live in WebKit's data store there, which only the app can
            // reach: saying "deleted" after removing an empty folder would be untrue.
            return Err(
                "on macOS the Keydesk window's cookies are kept by the system's web engine; \
                 use Forget this device in Keydesk's Devices view"
                    .into(),
            );
        }
        remove(self.data_dir, portal.id).map_err(|e| {
            format!(
                "the browser profile {} could not be deleted: {e}",
                dir(self.data_dir, portal.id).display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portal::PortalFields;

    fn portal(origins: &[&str]) -> Portal {
        Portal {
            id: 3,
            fields: PortalFields {
                name: "Cigna".into(),
                login_url: format!("{}/app/login", origins[0]),
                allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
                ..Default::default()
            },
            created_at: 0,
            password_changed_at: None,
            last_sign_in_at: None,
        }
    }

    #[test]
    fn only_the_portals_own_cookies_are_its_to_delete() {
        let p = portal(&["https://cignaforhcp.cigna.com", "http://127.0.0.1:18081"]);
        for (domain, theirs) in [
            ("cignaforhcp.cigna.com", true),
            (".cigna.com", true),
            ("CIGNAFORHCP.cigna.com", true),
            ("127.0.0.1", true),
            ("0.0.1", false),
            ("availity.com", false),
            ("apps.availity.com", false),
            ("sub.cignaforhcp.cigna.com", false),
            ("gna.com", false),
            (".com", false),
            ("", false),
        ] {
            assert_eq!(is_portal_cookie(&p, domain), theirs, "{domain}");
        }
    }

    #[test]
    fn each_portal_of_each_profile_has_its_own_data_store_id() {
        let a = data_store_id("profile-a", 1);
        assert_eq!(a, data_store_id("profile-a", 1), "the same after a restart");
        assert_ne!(a, data_store_id("profile-a", 2));
        assert_ne!(a, data_store_id("profile-b", 1));
        assert_eq!(a[6] >> 4, 8, "a version-8 UUID");
        assert_eq!(a[8] >> 6, 0b10, "of the RFC variant");
    }

    #[test]
    #[cfg(not(target_os = "macos"))]
    fn the_profile_folder_is_deleted_whole_and_a_missing_one_is_no_error() {
        let data = tempfile::tempdir().unwrap();
        let folder = dir(data.path(), 3);
        std::fs::create_dir_all(folder.join("storage")).unwrap();
        std::fs::write(folder.join("cookies.sqlite"), b"session").unwrap();
        let other = dir(data.path(), 4);
        std::fs::create_dir_all(&other).unwrap();
        let cookies = ProfileFolder {
            data_dir: data.path(),
        };
        assert_eq!(cookies.clear(&portal(&["https://x.example"])), Ok(true));
        assert!(!folder.exists());
        assert!(other.exists(), "another portal's profile stays");
        assert_eq!(cookies.clear(&portal(&["https://x.example"])), Ok(false));
    }
}
