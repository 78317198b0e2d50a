//! The authenticator: every entry's codes, copying one, an HOTP entry's next code, linking an
//! entry to a portal, removing one, adding and importing entries, the encrypted backup and the
//! plain export, and the clock check.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::portals::Exported;
use super::{Area, Error, Keydesk, Now};
use crate::error::ErrorCode;
use crate::otp::entries::{self, Entry, EntryCodesView};
use crate::otp::import::Format;
use crate::otp::{self, ImportReport, OtpError, backup, clock};
use crate::portal::PortalBook;
use crate::secret::Secret;

/// One server's answer to the clock check, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClockLine {
    /// The server asked.
    pub server: String,
    /// True when the server answered.
    pub answered: bool,
    /// True when the clock is off enough to make codes fail.
    pub warn: bool,
    /// What to tell the person.
    pub message: String,
}

/// Every entry with its codes at `now`. While the keychain cannot be read the entries are still
/// listed, each saying why it has no code.
pub fn codes(kd: &Keydesk, now: Now) -> Result<Vec<EntryCodesView>, Error> {
    if kd.check_idle() {
        let mut desk = kd.desk();
        let codes = entries::without_codes(desk.store().conn(), "Keydesk is locked")?;
        return Ok(codes.iter().map(|c| c.view()).collect());
    }
    let mut desk = kd.desk();
    let (store, keychain) = desk.parts();
    let codes = match entries::codes(store.conn(), keychain, now.secs_unsigned()) {
        Err(OtpError::Keychain(e)) => entries::without_codes(store.conn(), &e.to_string())?,
        other => other?,
    };
    Ok(codes.iter().map(|c| c.view()).collect())
}

/// The entries, without seeds or codes.
pub fn list(kd: &Keydesk) -> Result<Vec<Entry>, Error> {
    Ok(entries::list(kd.desk().store().conn())?)
}

/// The entry whose label, name, issuer or id is `query`.
pub fn find(kd: &Keydesk, query: &str) -> Result<Entry, Error> {
    Ok(entries::find(kd.desk().store().conn(), query)?)
}

/// The code to type now: TOTP at `now`; an HOTP entry's next code (its counter moves on, so a
/// code is never given twice).
pub fn use_code(kd: &Keydesk, id: i64, now: Now) -> Result<Secret, Error> {
    kd.unlocked()?;
    let mut desk = kd.desk();
    let (store, keychain) = desk.parts();
    let code = entries::use_code(store.conn(), keychain, id, now.secs_unsigned())?;
    Ok(code)
}

/// Copies an entry's code ([`use_code`]); returns the delay until the clipboard is cleared.
pub fn copy(kd: &Keydesk, id: i64, now: Now) -> Result<Duration, Error> {
    let code = use_code(kd, id, now)?;
    let delay = kd.clipboard.copy(&kd.tasks, &code)?;
    kd.audit(
        crate::audit::Action::CodeCopied,
        None,
        format!("authenticator entry {id}"),
    );
    Ok(delay)
}

/// Makes `portal` (or none) the portal whose sign-in uses this entry's codes.
pub fn link(kd: &Keydesk, id: i64, portal: Option<i64>) -> Result<(), Error> {
    {
        let mut desk = kd.desk();
        if let Some(portal) = portal {
            // Refuse a link to a portal that is not there (the list may be stale).
            PortalBook::new(desk.store()).get(portal)?;
        }
        entries::set_portal(desk.store().conn(), id, portal)?;
    }
    kd.changed(Area::Authenticator);
    kd.changed(Area::Portals);
    Ok(())
}

/// Removes an entry and its secret key.
pub fn remove(kd: &Keydesk, id: i64) -> Result<(), Error> {
    {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        entries::remove(store.conn(), keychain, id)?;
    }
    kd.changed(Area::Authenticator);
    Ok(())
}

fn added(kd: &Keydesk, report: ImportReport) -> ImportReport {
    if !report.taken.is_empty() {
        kd.changed(Area::Authenticator);
    }
    report
}

/// Adds the entries of a pasted `otpauth://` or Google Authenticator `otpauth-migration://`
/// link. A broken link adds nothing.
pub fn add_link(kd: &Keydesk, link: &Secret, now: Now) -> Result<ImportReport, Error> {
    let report = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        otp::add_link(store.conn(), keychain, link.expose(), now.secs_unsigned())?
    };
    Ok(added(kd, report))
}

/// Adds the entries of every QR code in an image file (PNG or JPEG).
pub fn add_qr_file(kd: &Keydesk, path: &Path, now: Now) -> Result<ImportReport, Error> {
    let report = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        otp::add_qr_file(store.conn(), keychain, path, now.secs_unsigned())?
    };
    Ok(added(kd, report))
}

/// Adds the entries of the QR code in a picture already in memory (the clipboard's), given as
/// RGBA pixels; `None` when the clipboard held no picture.
pub fn add_qr_picture(
    kd: &Keydesk,
    picture: Option<(u32, u32, Vec<u8>)>,
    now: Now,
) -> Result<ImportReport, Error> {
    let (width, height, rgba) = picture.ok_or_else(|| {
        Error::other(
            ErrorCode::OtpNoClipboardImage,
            "The clipboard holds no picture. Take a screenshot of the QR code (for example with \
             Shift+Print Screen to copy it), then try again.",
        )
    })?;
    let image = otp::qr::image_from_rgba(width, height, rgba)?;
    let report = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        otp::add_qr_image(store.conn(), keychain, &image, now.secs_unsigned())?
    };
    Ok(added(kd, report))
}

/// Adds every entry of an Aegis, 2FAS, Ente Auth, Bitwarden or Google Authenticator export, or
/// of a plain `otpauth://` list; the format is recognised from the content unless given. All
/// or nothing.
pub fn import_file(
    kd: &Keydesk,
    path: &Path,
    format: Option<Format>,
    now: Now,
) -> Result<ImportReport, Error> {
    let bytes = zeroize::Zeroizing::new(super::read_file(path)?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::other(
            ErrorCode::OtpBadExport,
            "The file is not a text export (Aegis, 2FAS, Ente Auth, Bitwarden or a list of \
             otpauth:// links). For a QR code picture use \"QR code image\"; for a Keydesk \
             backup use \"Keydesk backup\". Nothing was imported.",
        )
    })?;
    let report = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        otp::add_text(store.conn(), keychain, text, format, now.secs_unsigned())?
    };
    Ok(added(kd, report))
}

/// Writes every entry to an encrypted backup (Argon2id and XChaCha20-Poly1305) at `path`. The
/// password must be at least [`otp::MIN_BACKUP_PASSWORD_CHARS`] long. The key derivation takes
/// a while, so it runs off the async runtime.
pub async fn export_backup(kd: &Keydesk, path: &Path, password: Secret) -> Result<Exported, Error> {
    kd.unlocked()?;
    let desk = kd.desk.clone();
    let path = path.to_owned();
    let written = blocking(move || {
        let (bytes, count) = {
            let mut desk = desk.lock().unwrap_or_else(|e| e.into_inner());
            let (store, keychain) = desk.parts();
            let bytes = otp::export_backup(
                store.conn(),
                keychain,
                &password,
                backup::KdfParams::DEFAULT,
                backup::Randomness::from_os(),
            )?;
            (bytes, entries::list(store.conn())?.len())
        };
        super::write_file(&path, &bytes)?;
        Ok(Exported { count, path })
    })
    .await?;
    kd.audit(
        crate::audit::Action::BackupWritten,
        None,
        format!("{} authenticator entries, encrypted", written.count),
    );
    Ok(written)
}

/// Writes every entry as a plain `otpauth://` list: anyone with the file can make the codes.
/// Refused unless the person confirmed (`understood`) the warning.
pub fn export_plain(kd: &Keydesk, path: &Path, understood: bool) -> Result<Exported, Error> {
    kd.unlocked()?;
    if kd.policy().policy.plain_export == Some(false) {
        return Err(Error::other(
            ErrorCode::PolicyForbids,
            "Your office does not allow plain lists of the authenticator's keys. Make an \
             encrypted backup instead.",
        ));
    }
    if !understood {
        return Err(Error::other(
            ErrorCode::OtpPlainNotConfirmed,
            "A plain list holds every secret key readable by anyone with the file. Tick the box \
             to confirm, or make an encrypted backup instead.",
        ));
    }
    let (text, count) = {
        let mut desk = kd.desk();
        let (store, keychain) = desk.parts();
        (
            otp::export_plain(store.conn(), keychain)?,
            entries::list(store.conn())?.len(),
        )
    };
    super::write_file(path, text.expose().as_bytes())?;
    tracing::warn!("wrote a plain authenticator list (secret keys readable in the file)");
    kd.audit(
        crate::audit::Action::ExportWritten,
        None,
        format!("{count} authenticator entries, plain"),
    );
    Ok(Exported {
        count,
        path: path.to_owned(),
    })
}

/// Adds the entries of a Keydesk backup; entries already here are skipped. The key derivation
/// runs off the async runtime.
pub async fn import_backup(
    kd: &Keydesk,
    path: &Path,
    password: Secret,
    now: Now,
) -> Result<ImportReport, Error> {
    let bytes = super::read_file(path)?;
    let desk = kd.desk.clone();
    let report = blocking(move || {
        let mut desk = desk.lock().unwrap_or_else(|e| e.into_inner());
        let (store, keychain) = desk.parts();
        Ok(otp::import_backup(
            store.conn(),
            keychain,
            &bytes,
            &password,
            now.secs_unsigned(),
        )?)
    })
    .await?;
    Ok(added(kd, report))
}

/// Compares this computer's clock with each portal's server (codes fail when it is more than
/// 15 seconds off). Nothing of the desk is held during the network wait.
pub fn clock_check(kd: &Keydesk) -> Result<impl Future<Output = Vec<ClockLine>> + use<>, Error> {
    let servers = clock::portal_servers(&PortalBook::new(kd.desk().store()).list()?);
    Ok(clock_check_servers(servers))
}

/// Compares this computer's clock with the servers at `urls`.
pub async fn clock_check_servers(urls: Vec<String>) -> Vec<ClockLine> {
    let readings = clock::check(&urls, &SystemTime::now).await;
    readings
        .into_iter()
        .zip(urls)
        .map(|(reading, server)| match reading {
            Ok(r) => ClockLine {
                message: r.message(),
                server,
                answered: true,
                warn: r.warn,
            },
            Err(e) => ClockLine {
                message: e.to_string(),
                server,
                answered: false,
                warn: false,
            },
        })
        .collect()
}

/// Runs `work` on a blocking thread (or in place without a runtime).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::other(ErrorCode::Internal, format!("the work stopped: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;

    const LINK: &str =
        "otpauth://totp/Availity:frontdesk?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Availity";

    #[test]
    fn a_linked_entry_gives_rfc_codes_and_a_locked_keychain_keeps_the_list() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let report = add_link(&kd, &Secret::from(LINK), Now::from_secs(0)).unwrap();
        assert_eq!(report.taken.len(), 1);
        let entry = find(&kd, "Availity").unwrap();
        let at = Now::from_secs(59);
        let shown = codes(&kd, at).unwrap();
        let used = use_code(&kd, entry.id, at).unwrap();
        assert_eq!(
            shown[0].current.as_deref(),
            Some(used.expose()),
            "the same code either way"
        );
        assert_eq!(shown[0].seconds_left, Some(1));
    }

    #[test]
    fn a_plain_export_needs_the_warning_ticked() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        add_link(&kd, &Secret::from(LINK), Now::from_secs(0)).unwrap();
        let path = dir.path().join("plain.txt");
        let err = export_plain(&kd, &path, false).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OtpPlainNotConfirmed);
        assert!(!path.exists(), "nothing written");
        assert_eq!(export_plain(&kd, &path, true).unwrap().count, 1);
    }

    #[tokio::test]
    async fn a_backup_restores_on_another_desk_and_refuses_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(&dir.path().join("a"), Platform::default());
        add_link(&kd, &Secret::from(LINK), Now::from_secs(0)).unwrap();
        let path = dir.path().join("backup.kdbackup");
        let written = export_backup(&kd, &path, Secret::from("kdS3cr3t-backup"))
            .await
            .unwrap();
        assert_eq!(written.count, 1);
        let other = Keydesk::for_tests(&dir.path().join("b"), Platform::default());
        let err = import_backup(
            &other,
            &path,
            Secret::from("kdS3cr3t-wrong!"),
            Now::from_secs(0),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::OtpWrongPassword);
        let report = import_backup(
            &other,
            &path,
            Secret::from("kdS3cr3t-backup"),
            Now::from_secs(0),
        )
        .await
        .unwrap();
        assert_eq!(report.taken.len(), 1);
    }

    #[test]
    fn linking_to_a_portal_that_is_gone_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        add_link(&kd, &Secret::from(LINK), Now::from_secs(0)).unwrap();
        let entry = find(&kd, "Availity").unwrap();
        let err = link(&kd, entry.id, Some(99)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::PortalNotFound);
    }
}
