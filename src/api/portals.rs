//! Portals: the list, adding, editing and removing, a credential copied or shown, recovery
//! codes, and the portal list file an office manager carries to every desk.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Area, Error, Keydesk, Now};
use crate::error::ErrorCode;
use crate::portal::{
    ExportFile, ImportReport, Portal, PortalBook, PortalError, PortalFields, PortalSummary, Preset,
    RecoveryCode, RecoveryCodeState,
};
use crate::secret::Secret;

/// A preset as the "Add portal" picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PresetChoice {
    /// Stable id, passed back to [`preset_fields`].
    pub id: String,
    /// The portal's name.
    pub name: String,
    /// What the front desk should know about it.
    pub note: String,
    /// The sign-in address, or `None` when each organization has its own.
    pub login_url: Option<String>,
    /// True when the organization's own sign-in address must be given (MyChart).
    pub needs_organization_url: bool,
}

/// Which credential to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// The sign-in name.
    Username,
    /// The password, from the keychain.
    Password,
}

/// What writing a file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Exported {
    /// How many portals or entries it holds.
    pub count: usize,
    /// The file.
    #[ts(as = "String")]
    pub path: PathBuf,
}

/// The shipped presets.
pub fn presets() -> Vec<PresetChoice> {
    crate::portal::PRESETS
        .iter()
        .map(|p| PresetChoice {
            id: p.id.to_owned(),
            name: p.name.to_owned(),
            note: p.note.to_owned(),
            login_url: p.login_url.map(str::to_owned),
            needs_organization_url: p.needs_organization_url(),
        })
        .collect()
}

/// The fields a preset fills, for the form to show before anything is saved; MyChart needs
/// the organization's own sign-in address.
pub fn preset_fields(preset: &str, organization_url: Option<&str>) -> Result<PortalFields, Error> {
    Ok(Preset::find(preset)?.fields(organization_url)?)
}

/// Every portal the person signed in sees (the desk's and their own) with its method, username,
/// last sign-in and password age at `now`.
pub fn list(kd: &Keydesk, now: Now) -> Result<Vec<PortalSummary>, Error> {
    let hidden = hidden_from(kd)?;
    let mut all = PortalBook::new(kd.desk().store()).summaries(now.secs())?;
    all.retain(|p| !hidden.contains(&p.id));
    if let Some(me) = kd.person_id() {
        let mine = owned_by(kd.desk().store(), me)?;
        for p in &mut all {
            p.own = Some(mine.contains(&p.id));
        }
    }
    Ok(all)
}

/// One portal.
pub fn get(kd: &Keydesk, id: i64) -> Result<Portal, Error> {
    visible(kd, id)?;
    Ok(PortalBook::new(kd.desk().store()).get(id)?)
}

/// The portal named `name_or_id` (its name ignoring case, or its id).
pub fn find(kd: &Keydesk, name_or_id: &str) -> Result<Portal, Error> {
    let portal = PortalBook::new(kd.desk().store()).find(name_or_id)?;
    visible(kd, portal.id)?;
    Ok(portal)
}

/// The ids of the portals another person owns: hidden from whoever is signed in.
fn hidden_from(kd: &Keydesk) -> Result<Vec<i64>, Error> {
    let me = kd.person_id();
    let mut desk = kd.desk();
    let mut stmt = desk
        .store()
        .conn()
        .prepare("SELECT id FROM portal WHERE owner IS NOT NULL AND owner IS NOT ?1")
        .map_err(crate::store::StoreError::from)?;
    let ids = stmt
        .query_map([me], |r| r.get(0))
        .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
        .map_err(crate::store::StoreError::from)?;
    Ok(ids)
}

/// Another person's own portal reads as missing.
pub(crate) fn visible(kd: &Keydesk, id: i64) -> Result<(), Error> {
    if hidden_from(kd)?.contains(&id) {
        return Err(PortalError::NotFound(id.to_string()).into());
    }
    Ok(())
}

/// The portals `person` owns.
pub(crate) fn owned_by(store: &mut crate::store::Store, person: i64) -> Result<Vec<i64>, Error> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id FROM portal WHERE owner = ?1")
        .map_err(crate::store::StoreError::from)?;
    let ids = stmt
        .query_map([person], |r| r.get(0))
        .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
        .map_err(crate::store::StoreError::from)?;
    Ok(ids)
}

/// Who owns the portal: `None` for the desk's (shared) portals.
pub fn owner(kd: &Keydesk, id: i64) -> Result<Option<i64>, Error> {
    visible(kd, id)?;
    Ok(kd
        .desk()
        .store()
        .conn()
        .query_row("SELECT owner FROM portal WHERE id = ?1", [id], |r| r.get(0))
        .map_err(crate::store::StoreError::from)?)
}

/// Makes the portal the signed-in person's own (`own`), which only they then see, or the
/// desk's again. One Healthcare ID and Availity want one account per person.
pub fn set_own(kd: &Keydesk, id: i64, own: bool) -> Result<(), Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let owner = if own {
        Some(kd.person_id().ok_or_else(|| {
            Error::other(
                ErrorCode::PersonNotFound,
                "Only a person signed in can own a portal; add people in Settings first.",
            )
        })?)
    } else {
        None
    };
    kd.desk()
        .store()
        .conn()
        .execute(
            "UPDATE portal SET owner = ?2 WHERE id = ?1",
            rusqlite::params![id, owner],
        )
        .map_err(crate::store::StoreError::from)?;
    kd.audit(
        crate::audit::Action::PortalChanged,
        kd.portal_name(id),
        if own {
            "made a person's own"
        } else {
            "made the desk's"
        },
    );
    kd.changed(Area::Portals);
    Ok(())
}

/// Adds a portal; with a password, that goes to the keychain in the same step: both are saved
/// or neither. Every field is checked first.
pub fn add(
    kd: &Keydesk,
    fields: PortalFields,
    password: Option<&Secret>,
    now: Now,
) -> Result<Portal, Error> {
    kd.unlocked()?;
    let portal = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        let mut book = PortalBook::new(store);
        match password {
            Some(password) => book.add_with_password(fields, keychain, password, now.secs())?,
            None => book.add(fields, now.secs())?,
        }
    };
    tracing::info!(portal = portal.id, "portal added");
    kd.audit(
        crate::audit::Action::PortalAdded,
        Some(portal.fields.name.clone()),
        "",
    );
    kd.changed(Area::Portals);
    Ok(portal)
}

/// Replaces a portal's settings (not its password).
pub fn update(kd: &Keydesk, id: i64, fields: PortalFields) -> Result<Portal, Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let portal = PortalBook::new(kd.desk().store()).update(id, fields)?;
    kd.audit(
        crate::audit::Action::PortalChanged,
        Some(portal.fields.name.clone()),
        "settings",
    );
    kd.changed(Area::Portals);
    Ok(portal)
}

/// Saves a new password (after it was changed at the portal) and records `now` as its date.
pub fn change_password(kd: &Keydesk, id: i64, password: &Secret, now: Now) -> Result<(), Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        PortalBook::new(store).set_password(id, keychain, password, now.secs())?;
    }
    kd.audit(
        crate::audit::Action::PortalChanged,
        kd.portal_name(id),
        "password",
    );
    kd.changed(Area::Portals);
    Ok(())
}

/// Whether the portal can be removed now: it exists and the keychain answers (its items must go
/// first). The window asks before it closes the portal's window, so a blocked removal changes
/// nothing.
pub fn removable(kd: &Keydesk, id: i64) -> Result<(), Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(id)?;
    desk.keychain()
        .get(&crate::keychain::ItemKey::portal_password(id))
        .map_err(PortalError::RemoveBlocked)?;
    Ok(())
}

/// How long a removal waits for the portal's running sign-in to end (its window was closed).
const REMOVE_WAITS: Duration = Duration::from_secs(5);

/// Removes a portal with everything that belongs to it: its keychain items, its records
/// (recovery codes, remembered devices, retry guard) and its browser profile, whose cookies may
/// hold a live session. The keychain must answer first, or nothing is removed; the profile goes
/// before the records, so one that cannot be deleted keeps the portal and the desk can try
/// again. A sign-in of the portal still running (its window just closed) is waited for, and no
/// new one starts meanwhile. The window closes the portal's window before calling this.
pub async fn remove(kd: &Keydesk, id: i64) -> Result<(), Error> {
    removable(kd, id)?;
    let name = kd.portal_name(id);
    let claim = {
        let until = tokio::time::Instant::now() + REMOVE_WAITS;
        loop {
            if let Some(claim) = kd.sign_ins.claim(id) {
                break claim;
            }
            if tokio::time::Instant::now() >= until {
                return Err(Error::other(
                    ErrorCode::PortalRemoveBusy,
                    "The portal was not removed: its sign-in is still running. Try again in a \
                     moment.",
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    {
        let mut desk = kd.desk();
        let data_dir = desk.data_dir().to_owned();
        crate::browser_profile::remove(&data_dir, id).map_err(|e| {
            PortalError::ProfileKept(format!(
                "{}: {e}",
                crate::browser_profile::dir(&data_dir, id).display()
            ))
        })?;
        let (store, keychain) = desk.parts();
        PortalBook::new(store).remove(id, keychain)?;
    }
    drop(claim);
    tracing::info!(portal = id, "portal removed");
    kd.audit(crate::audit::Action::PortalRemoved, name, "");
    kd.changed(Area::Portals);
    Ok(())
}

/// A credential of the portal to show: its username, or its password from the keychain (for
/// the few seconds the window shows it, or the CLI's `--reveal`). Refused while locked, and
/// for a password when the office's policy keeps it from this person.
pub fn credential(kd: &Keydesk, id: i64, which: Credential) -> Result<Secret, Error> {
    let actor = kd.unlocked()?;
    if which == Credential::Password {
        may_show_passwords(kd, &actor)?;
    }
    let secret = read_credential(kd, id, which)?;
    if which == Credential::Password {
        kd.audit(crate::audit::Action::PasswordShown, kd.portal_name(id), "");
    }
    Ok(secret)
}

/// Refuses when the office's policy keeps passwords from being shown to `actor` (the saved one
/// and a proposed new one alike).
pub(super) fn may_show_passwords(kd: &Keydesk, actor: &super::Actor) -> Result<(), Error> {
    use crate::policy::RevealWho;
    match kd.policy().policy.reveal_passwords {
        Some(RevealWho::Nobody) => Err(Error::other(
            ErrorCode::PolicyForbids,
            "Your office does not allow showing passwords. Copy it instead.",
        )),
        Some(RevealWho::Admins) if !actor.is_admin() => Err(Error::other(
            ErrorCode::PolicyForbids,
            "Your office allows only office admins to show passwords. Copy it instead.",
        )),
        _ => Ok(()),
    }
}

fn read_credential(kd: &Keydesk, id: i64, which: Credential) -> Result<Secret, Error> {
    visible(kd, id)?;
    let mut desk = kd.desk();
    match which {
        Credential::Username => Ok(Secret::new(
            PortalBook::new(desk.store()).get(id)?.fields.username,
        )),
        Credential::Password => {
            let (store, keychain) = desk.parts();
            PortalBook::new(store)
                .password(id, keychain)?
                .ok_or_else(|| {
                    Error::other(
                        ErrorCode::PortalNoPassword,
                        "No password is saved for this portal.",
                    )
                })
        }
    }
}

/// Copies a credential; the clipboard is cleared again after the delay, which is returned.
pub fn copy(kd: &Keydesk, id: i64, which: Credential) -> Result<Duration, Error> {
    kd.unlocked()?;
    let secret = read_credential(kd, id, which)?;
    let delay = kd.clipboard.copy(&kd.tasks, &secret)?;
    if which == Credential::Password {
        kd.audit(crate::audit::Action::PasswordCopied, kd.portal_name(id), "");
    }
    Ok(delay)
}

/// Which of the portal's recovery codes are used (no code text; works without the keychain).
pub fn recovery_codes(kd: &Keydesk, id: i64) -> Result<Vec<RecoveryCodeState>, Error> {
    Ok(PortalBook::new(kd.desk().store()).recovery_code_states(id)?)
}

/// The portal's recovery codes with their text, from the keychain (the CLI's `--reveal`).
pub fn recovery_codes_revealed(kd: &Keydesk, id: i64) -> Result<Vec<RecoveryCode>, Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let codes = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        PortalBook::new(store).recovery_codes(id, keychain)?
    };
    kd.audit(
        crate::audit::Action::RecoveryCodeUsed,
        kd.portal_name(id),
        "all shown",
    );
    Ok(codes)
}

/// Saves the codes typed or pasted, one per line, replacing the portal's earlier set (a portal
/// that issues new codes voids the old ones); blank lines are ignored. How many were saved.
pub fn set_recovery_codes(kd: &Keydesk, id: i64, lines: &Secret) -> Result<usize, Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let codes: Vec<Secret> = lines
        .expose()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(Secret::from)
        .collect();
    if codes.is_empty() {
        return Err(Error::other(
            ErrorCode::PortalNoRecoveryCodes,
            "Type or paste the codes, one per line.",
        ));
    }
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        PortalBook::new(store).set_recovery_codes(id, keychain, &codes)?;
    }
    kd.changed(Area::Portals);
    Ok(codes.len())
}

/// Marks recovery code `number` (1-based) used at `now`.
pub fn mark_recovery_code_used(
    kd: &Keydesk,
    id: i64,
    number: usize,
    now: Now,
) -> Result<(), Error> {
    PortalBook::new(kd.desk().store()).mark_recovery_code_used(id, number, now.secs())?;
    kd.changed(Area::Portals);
    Ok(())
}

/// Copies recovery code `number`; returns the delay until the clipboard is cleared.
pub fn copy_recovery_code(kd: &Keydesk, id: i64, number: usize) -> Result<Duration, Error> {
    kd.unlocked()?;
    visible(kd, id)?;
    let code = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        PortalBook::new(store).recovery_code(id, number, keychain)?
    };
    let delay = kd.clipboard.copy(&kd.tasks, &code.code)?;
    kd.audit(
        crate::audit::Action::RecoveryCodeUsed,
        kd.portal_name(id),
        format!("number {number} copied"),
    );
    Ok(delay)
}

/// The portal list (no passwords, no recovery codes) as the file's text.
pub fn export_text(kd: &Keydesk, now: Now) -> Result<(String, usize), Error> {
    kd.unlocked()?;
    let file: ExportFile = PortalBook::new(kd.desk().store()).export(now.secs())?;
    let text = serde_json::to_string_pretty(&file)
        .map_err(|e| Error::other(ErrorCode::Internal, e.to_string()))?
        + "\n";
    Ok((text, file.portals.len()))
}

/// Writes the portal list (no passwords, no recovery codes) to `path`, whole or not at all and
/// readable by its owner only.
pub fn export(kd: &Keydesk, path: &Path, now: Now) -> Result<Exported, Error> {
    kd.unlocked()?;
    let (text, count) = export_text(kd, now)?;
    super::write_file(path, text.as_bytes())?;
    kd.audit(
        crate::audit::Action::ExportWritten,
        None,
        format!("portal list, {count} portals, no passwords"),
    );
    Ok(Exported {
        count,
        path: path.to_owned(),
    })
}

/// What importing the list in `path` would add and reject; adds nothing.
pub fn import_check(kd: &Keydesk, path: &Path) -> Result<ImportReport, Error> {
    let bytes = super::read_file(path)?;
    Ok(PortalBook::new(kd.desk().store()).check_import(&bytes)?)
}

/// Adds the valid portals of the list in `path` in one transaction; the report names each
/// rejected one and why.
pub fn import(kd: &Keydesk, path: &Path, now: Now) -> Result<ImportReport, Error> {
    kd.unlocked()?;
    let bytes = super::read_file(path)?;
    let report = PortalBook::new(kd.desk().store()).import(&bytes, now.secs())?;
    for name in &report.added {
        kd.audit(
            crate::audit::Action::PortalAdded,
            Some(name.clone()),
            "imported",
        );
    }
    if !report.added.is_empty() {
        kd.changed(Area::Portals);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;

    fn fields(name: &str) -> PortalFields {
        PortalFields {
            name: name.into(),
            login_url: "https://portal.example/login".into(),
            username: "frontdesk".into(),
            code_senders: vec!["@portal.example".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_portal_added_with_a_password_reads_it_back_and_restarts_the_inbox() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let mut events = kd.subscribe();
        let restarts = kd.inbox.restarts.subscribe();
        let portal = add(
            &kd,
            fields("Cigna"),
            Some(&Secret::from("kdS3cr3t-pw")),
            Now::from_secs(100),
        )
        .unwrap();
        assert_eq!(
            credential(&kd, portal.id, Credential::Password).unwrap(),
            Secret::from("kdS3cr3t-pw")
        );
        assert!(
            matches!(
                events.try_recv(),
                Ok(super::super::Event::Changed(Area::Portals))
            ),
            "the window is told"
        );
        assert!(
            restarts.has_changed().unwrap(),
            "a new sender must reach the inbox"
        );
        let summaries = list(&kd, Now::from_secs(100 + 3 * 86_400)).unwrap();
        assert_eq!(summaries[0].password.age_days, Some(3));
    }

    #[test]
    fn a_bad_field_saves_nothing_and_names_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let mut bad = fields("Cigna");
        bad.login_url = "ftp://portal.example".into();
        let err = add(
            &kd,
            bad,
            Some(&Secret::from("kdS3cr3t-pw")),
            Now::from_secs(0),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some(crate::error::Field::LoginUrl));
        assert!(list(&kd, Now::from_secs(0)).unwrap().is_empty());
    }

    #[test]
    fn without_a_saved_password_a_copy_says_so_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let portal = add(&kd, fields("Humana"), None, Now::from_secs(0)).unwrap();
        let err = copy(&kd, portal.id, Credential::Password).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PortalNoPassword);
    }

    #[test]
    fn recovery_codes_are_counted_from_lines_and_blank_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let portal = add(&kd, fields("Availity"), None, Now::from_secs(0)).unwrap();
        let saved = set_recovery_codes(&kd, portal.id, &Secret::from(" a1 \n\n b2\n")).unwrap();
        assert_eq!(saved, 2);
        let err = set_recovery_codes(&kd, portal.id, &Secret::from("\n \n")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PortalNoRecoveryCodes);
        mark_recovery_code_used(&kd, portal.id, 2, Now::from_secs(9)).unwrap();
        let states = recovery_codes(&kd, portal.id).unwrap();
        assert_eq!(states[1].used_at, Some(9));
    }

    #[test]
    fn an_exported_list_imports_on_another_desk() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(&dir.path().join("a"), Platform::default());
        add(
            &kd,
            fields("Cigna"),
            Some(&Secret::from("kdS3cr3t-pw")),
            Now::from_secs(0),
        )
        .unwrap();
        let file = dir.path().join("portals.json");
        let written = export(&kd, &file, Now::from_secs(0)).unwrap();
        assert_eq!(written.count, 1);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("kdS3cr3t"), "no secret in the list");
        let other = Keydesk::for_tests(&dir.path().join("b"), Platform::default());
        let report = import(&other, &file, Now::from_secs(0)).unwrap();
        assert_eq!(report.added, ["Cigna"]);
        let err = import(&other, &dir.path().join("missing.json"), Now::from_secs(0)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::File);
    }

    #[tokio::test]
    async fn removing_a_portal_takes_its_password_and_waits_for_no_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let portal = add(
            &kd,
            fields("Cigna"),
            Some(&Secret::from("kdS3cr3t-pw")),
            Now::from_secs(0),
        )
        .unwrap();
        remove(&kd, portal.id).await.unwrap();
        assert_eq!(
            get(&kd, portal.id).unwrap_err().code(),
            ErrorCode::PortalNotFound
        );
        let item = kd
            .desk()
            .keychain()
            .get(&crate::keychain::ItemKey::portal_password(portal.id))
            .unwrap();
        assert_eq!(item, None, "the keychain item went with it");
    }

    #[tokio::test(start_paused = true)]
    async fn a_portal_whose_sign_in_keeps_running_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let portal = add(&kd, fields("Cigna"), None, Now::from_secs(0)).unwrap();
        let _running = kd.sign_ins.claim(portal.id).unwrap();
        let err = remove(&kd, portal.id).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::PortalRemoveBusy);
        assert!(get(&kd, portal.id).is_ok());
    }
}
