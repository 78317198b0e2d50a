//! One-click sign-in, the core's half: preparing a sign-in (the portal, the claim that keeps it
//! to one at a time, the retry guard, the recipe, the password), the code the machine asks for,
//! and the bookkeeping as it goes and when it ends. The window's driver only observes the
//! portal's page and performs the machine's actions between these calls.

use super::{Area, Error, Keydesk, Now};
use crate::devices::DeviceBook;
use crate::error::ErrorCode;
use crate::pending::MessageKey;
use crate::portal::PortalBook;
use crate::secret::Secret;
use crate::signin::{
    Claim, CodeToConfirm, CodeWanted, Failure, OfferedCode, RetryGuard, SignIn, SignInView,
    StartError, codes,
};

/// A sign-in ready to be driven: the machine, the password to fill (or why there is none) and
/// the claim that keeps the portal to this one sign-in until [`finish`].
#[derive(Debug)]
pub struct Prepared {
    /// The state machine, started.
    pub machine: SignIn,
    /// The password, or the failure that ends the sign-in before anything opens.
    pub password: Result<Secret, Failure>,
    claim: Claim,
}

/// Prepares a sign-in to `portal_id`. `confirm` is the person's explicit "try once more" after
/// a failure the portal counts towards a lockout; without it such a portal refuses to start.
/// A second start while one runs is refused too.
pub fn prepare(kd: &Keydesk, portal_id: i64, confirm: bool, now: Now) -> Result<Prepared, Error> {
    kd.unlocked()?;
    super::portals::visible(kd, portal_id)?;
    let prepared = prepare_unlocked(kd, portal_id, confirm, now)?;
    kd.audit(
        crate::audit::Action::SignInStarted,
        kd.portal_name(portal_id),
        "",
    );
    Ok(prepared)
}

fn prepare_unlocked(
    kd: &Keydesk,
    portal_id: i64,
    confirm: bool,
    now: Now,
) -> Result<Prepared, Error> {
    let mut desk = kd.desk();
    let portal = PortalBook::new(desk.store()).get(portal_id)?;
    // Checked and taken under one lock before anything else happens, so a double click cannot
    // start two sign-ins; every early return below drops the claim again.
    let claim = kd
        .sign_ins
        .claim(portal_id)
        .ok_or_else(|| StartError::AlreadyRunning(portal.fields.name.clone()))?;
    RetryGuard::new(desk.store()).check(&portal, confirm)?;
    let taught = crate::signin::teach::hints(desk.store(), portal_id)?;
    let recipe = kd
        .recipes
        .for_preset(portal.fields.preset.as_deref())
        .clone()
        .with_hints(&taught);
    let (store, keychain) = desk.parts();
    // A change cut short after its form was sent: this sign-in tries the new password, once.
    let checking = super::password::password_to_check(store, keychain, portal_id);
    if checking.is_some() {
        tracing::info!(
            portal = portal_id,
            "a password change was cut short: this sign-in tries the new password once"
        );
    }
    let saved = match checking {
        Some(new) => Ok(Some(new)),
        None => PortalBook::new(store).password(portal_id, keychain),
    };
    let password = match saved {
        Ok(Some(password)) => Ok(password),
        Ok(None) => Err(Failure::NoPassword),
        Err(e) => Err(Failure::Keychain {
            message: e.to_string(),
        }),
    };
    Ok(Prepared {
        machine: SignIn::new(&portal, &recipe, now.millis()),
        password,
        claim,
    })
}

/// Tells the window how the sign-in stands (only if it changed since `last`); the view it sent.
pub fn publish(kd: &Keydesk, machine: &SignIn, last: Option<&SignInView>) -> SignInView {
    let locale = kd.locale();
    let view = SignInView::of(machine, locale)
        .with_code_to_confirm(kd.sign_ins.asking(machine.portal().id), locale);
    if last != Some(&view) {
        tracing::info!(portal = view.portal_id, state = view.failure_code.unwrap_or("ok"), words = %view.words, "sign-in");
        kd.publish_sign_in(view.clone());
    }
    view
}

/// Ends a sign-in before its window opened (no password, the window could not open).
pub fn end(
    kd: &Keydesk,
    mut machine: SignIn,
    claim: Claim,
    failure: Failure,
    now: Now,
) -> SignInView {
    machine.fail(failure, now.millis());
    finish(kd, machine, claim, now)
}

/// The codes of this portal already in the inbox when the sign-in asked for one: a code filled
/// later must not be one of them.
pub fn codes_known_now(kd: &Keydesk, portal_id: i64) -> Vec<MessageKey> {
    kd.inbox
        .with(|inbox| inbox.keys_of_portal(portal_id))
        .unwrap_or_default()
}

/// The code the machine wants: from the inbox, or the authenticator entry linked to the portal.
/// `None` while none has come; a failure ends the sign-in.
///
/// From a mail server that checks no sender, a code naming the portal is filled only once the
/// person confirmed it ([`confirm_code`]); until then the sign-in shows it and waits. A
/// verified code, when one comes, is always taken first.
pub fn find_code(
    kd: &Keydesk,
    wanted: CodeWanted,
    known_before: &[MessageKey],
    now: Now,
) -> Result<Option<OfferedCode>, Failure> {
    // While locked no code is read: the sign-in waits (its window is hidden) until unlocked.
    if kd.check_idle() {
        return Ok(None);
    }
    match wanted {
        CodeWanted::Mailed {
            portal_id,
            channel,
            since,
            room,
        } => Ok(kd
            .inbox
            .with(|inbox| {
                let now = now.secs();
                if let Some(code) =
                    inbox.code_for_sign_in(portal_id, channel, since, known_before, now, room)
                {
                    return Some(code);
                }
                let code = inbox.code_to_confirm_for_sign_in(
                    portal_id,
                    channel,
                    since,
                    known_before,
                    now,
                    room,
                )?;
                if kd.sign_ins.is_confirmed(portal_id, &code.key) {
                    return Some(code);
                }
                kd.sign_ins
                    .ask_to_confirm(portal_id, CodeToConfirm::from(&code));
                None
            })
            // Without a watched mailbox the desk can still type the code in the window itself.
            .flatten()
            .map(OfferedCode::from)),
        CodeWanted::Authenticator { portal_id } => {
            let code = {
                let mut desk = kd.desk();
                let (store, keychain) = desk.parts();
                codes::authenticator_code(store.conn(), keychain, portal_id, now.millis())?
            };
            kd.audit(
                crate::audit::Action::CodeFilled,
                kd.portal_name(portal_id),
                "authenticator code",
            );
            Ok(Some(code))
        }
    }
}

/// The person confirmed the code their running sign-in to `portal_id` shows (see
/// [`find_code`]): the sign-in fills it at its next look. Refused when that sign-in has ended
/// or shows another code by now.
pub fn confirm_code(kd: &Keydesk, portal_id: i64, key: &MessageKey) -> Result<(), Error> {
    kd.unlocked()?;
    if !kd.sign_ins.confirm(portal_id, key) {
        return Err(Error::other(
            ErrorCode::CodeGone,
            "This sign-in no longer waits for that code. Start the sign-in again if it ended.",
        ));
    }
    tracing::info!(portal = portal_id, "the person confirmed an unchecked code");
    Ok(())
}

/// A code was written into the portal's page: it is used, here and for every other desk.
pub fn code_written(kd: &Keydesk, key: &MessageKey) {
    kd.inbox.with(|inbox| inbox.mark_used(key));
    kd.audit(
        crate::audit::Action::CodeFilled,
        None,
        format!("mailed code {}/{}", key.folder, key.uid),
    );
    kd.changed(Area::Codes);
}

/// Records a sign-in that got through: on the portal, and as a remembered device when
/// "remember" was ticked or the portal let the code step be skipped. `cookie_expiry` is the
/// remember cookie's end, where it could be read.
pub fn signed_in(
    kd: &Keydesk,
    machine: &SignIn,
    skipped_code: bool,
    remember_ticked: bool,
    cookie_expiry: Option<i64>,
    now: Now,
) {
    let portal = machine.portal();
    {
        let mut desk = kd.desk();
        if let Err(e) = PortalBook::new(desk.store()).record_sign_in(portal.id, now.secs()) {
            tracing::warn!(error = %e, "could not record the sign-in");
        }
        if let Err(e) = DeviceBook::new(desk.store()).after_sign_in(
            portal,
            remember_ticked,
            skipped_code,
            cookie_expiry,
            now.secs(),
        ) {
            tracing::warn!(error = %e, "could not record the remembered device");
        }
    }
    kd.changed(Area::Portals);
    kd.changed(Area::Devices);
}

/// Whether the machine's remember cookie must be read: "remember" was ticked, or the portal
/// let the code step be skipped.
pub fn wants_cookie_expiry(skipped_code: bool, remember_ticked: bool) -> bool {
    remember_ticked || skipped_code
}

/// Ends a sign-in: notes how it ended for the retry guard (kept across restarts), tells the
/// window with the guard's lockout warning, and only then lets a new one start.
pub fn finish(kd: &Keydesk, machine: SignIn, claim: Claim, now: Now) -> SignInView {
    let warning = {
        let mut desk = kd.desk();
        let mut guard = RetryGuard::new(desk.store());
        if let Err(e) = guard.record(&machine, now.secs()) {
            tracing::warn!(error = %e, "could not note how the sign-in ended");
        }
        guard
            .lockout_warning(machine.portal(), kd.locale())
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read the failures in a row");
                None
            })
    };
    let view = SignInView::of(&machine, kd.locale()).with_lockout_warning(warning);
    tracing::info!(portal = view.portal_id, state = view.failure_code.unwrap_or("ok"), words = %view.words, "sign-in ended");
    kd.audit(
        crate::audit::Action::SignInEnded,
        kd.portal_name(view.portal_id),
        view.failure_code.unwrap_or("signed in"),
    );
    // The view is published before the claim goes, so a new start sees this one's end.
    kd.publish_sign_in(view.clone());
    // Into the portal's history, with its class (and the health check that explains it).
    super::troubleshoot::record(kd, &machine, now);
    // A sign-in that tried the new password of a change cut short tells which one the portal has.
    super::password::after_check(kd, &machine, now);
    drop(claim);
    view
}

/// The latest state of every sign-in of this run.
pub fn views(kd: &Keydesk) -> Vec<SignInView> {
    kd.sign_ins.views()
}

/// The portal's sign-in page, for the system browser (the desk copies the username and password
/// from the Portals view). Only an `https://` page, or one on this computer.
pub fn browser_url(kd: &Keydesk, portal_id: i64) -> Result<String, Error> {
    let url = PortalBook::new(kd.desk().store())
        .get(portal_id)?
        .fields
        .login_url;
    if !(url.starts_with("https://")
        || url.starts_with("http://127.0.0.1")
        || url.starts_with("http://localhost"))
    {
        return Err(Error::other(
            ErrorCode::Browser,
            format!("{url} is not a secure address, so Keydesk does not open it."),
        ));
    }
    Ok(url)
}

impl Prepared {
    /// Splits it for the driver: the machine, the password, and the claim to hand back to
    /// [`finish`].
    pub fn into_parts(self) -> (SignIn, Result<Secret, Failure>, Claim) {
        (self.machine, self.password, self.claim)
    }
}

/// *Teach Keydesk this page*: keeps the selector of the element the person clicked in the
/// portal window as the portal's own hint for `step` (username, password, submit, code,
/// code_submit); the next sign-in uses it.
pub fn teach(kd: &Keydesk, portal_id: i64, step: &str, selector: &str) -> Result<(), Error> {
    kd.unlocked()?;
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(portal_id)?;
    crate::signin::teach::learn(desk.store(), portal_id, step, selector).map_err(|e| match e {
        crate::signin::teach::TeachError::Invalid(message) => {
            Error::other(ErrorCode::RecipeInvalid, message)
        }
        crate::signin::teach::TeachError::Store(e) => Error::from(e),
    })?;
    drop(desk);
    tracing::info!(portal = portal_id, step, "a sign-in step was taught");
    kd.audit(
        crate::audit::Action::PortalChanged,
        kd.portal_name(portal_id),
        format!("taught its {step}"),
    );
    Ok(())
}

/// Forgets what the person taught Keydesk of the portal's pages: the next sign-in reads them
/// with the shipped recipe alone. False when nothing had been taught.
pub fn forget_taught(kd: &Keydesk, portal_id: i64) -> Result<bool, Error> {
    kd.unlocked()?;
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(portal_id)?;
    let forgot = crate::signin::teach::forget(desk.store().conn(), portal_id)
        .map_err(|e| Error::from(crate::store::StoreError::Sqlite(e)))?;
    tracing::info!(
        portal = portal_id,
        forgot,
        "what a portal was taught is forgotten"
    );
    drop(desk);
    if forgot {
        kd.audit(
            crate::audit::Action::PortalChanged,
            kd.portal_name(portal_id),
            "forgot what it was taught",
        );
    }
    Ok(forgot)
}

/// The browser profile folder of the portal's window for whoever is signed in: each person's
/// own on a desk with people, so one person's portal session is never handed to the next.
pub fn profile_folder(kd: &Keydesk, portal_id: i64) -> std::path::PathBuf {
    crate::browser_profile::dir_for(kd.data_dir(), kd.person_id(), portal_id)
}

/// The macOS data store of the portal's window for whoever is signed in.
pub fn profile_data_store(kd: &Keydesk, portal_id: i64) -> [u8; 16] {
    crate::browser_profile::data_store_id_for(kd.profile_id(), kd.person_id(), portal_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Platform;
    use crate::portal::{PortalFields, SecondStep};

    fn desk(dir: &std::path::Path, password: Option<&str>) -> (Keydesk, i64) {
        let kd = Keydesk::for_tests(dir, Platform::default());
        let portal = crate::api::portals::add(
            &kd,
            PortalFields {
                name: "Cigna".into(),
                login_url: "https://cignaforhcp.cigna.com/app/login".into(),
                username: "frontdesk".into(),
                second_step: SecondStep::EmailCode,
                code_senders: vec!["@cigna.com".into()],
                lockout_threshold: Some(3),
                ..Default::default()
            },
            password.map(Secret::from).as_ref(),
            Now::from_secs(0),
        )
        .unwrap();
        (kd, portal.id)
    }

    #[test]
    fn a_second_start_while_one_runs_is_refused_and_allowed_after_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path(), Some("kdS3cr3t-pw"));
        let first = prepare(&kd, id, false, Now::from_secs(10)).unwrap();
        assert_eq!(
            first.password.as_ref().unwrap(),
            &Secret::from("kdS3cr3t-pw")
        );
        let err = prepare(&kd, id, false, Now::from_secs(11)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SigninRunning);
        let (mut machine, _, claim) = first.into_parts();
        machine.fail(Failure::NotResponding, 12_000);
        finish(&kd, machine, claim, Now::from_secs(12));
        assert!(prepare(&kd, id, false, Now::from_secs(13)).is_ok());
    }

    #[test]
    fn after_a_refused_password_a_new_start_needs_confirmation_even_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (kd, id) = desk(dir.path(), Some("kdS3cr3t-pw"));
            let (mut machine, _, claim) = prepare(&kd, id, false, Now::from_secs(10))
                .unwrap()
                .into_parts();
            machine.fail(Failure::WrongCredentials, 11_000);
            let view = finish(&kd, machine, claim, Now::from_secs(11));
            assert!(view.retry_needs_confirmation);
        }
        let kd = Keydesk::for_tests(dir.path(), Platform::default());
        let id = crate::api::portals::find(&kd, "Cigna").unwrap().id;
        let err = prepare(&kd, id, false, Now::from_secs(20)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::SigninNeedsConfirmation);
        assert!(
            prepare(&kd, id, true, Now::from_secs(21)).is_ok(),
            "confirmed once more"
        );
    }

    #[test]
    fn without_a_saved_password_the_sign_in_ends_before_anything_opens() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path(), None);
        let mut events = kd.subscribe();
        let (machine, password, claim) = prepare(&kd, id, false, Now::from_secs(10))
            .unwrap()
            .into_parts();
        let view = end(
            &kd,
            machine,
            claim,
            password.unwrap_err(),
            Now::from_secs(10),
        );
        assert_eq!(view.failure_code, Some("no_password"));
        assert_eq!(views(&kd), vec![view.clone()], "kept for the window");
        assert!(matches!(
            events.try_recv(),
            Ok(crate::api::Event::SignIn(v)) if v == view
        ));
    }

    #[tokio::test]
    async fn what_a_portal_was_taught_is_forgotten_on_request_and_with_the_portal() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path(), None);
        let taught = |kd: &Keydesk| crate::signin::teach::hints(kd.desk().store(), id).unwrap();
        teach(&kd, id, "password", "#pw").unwrap();
        assert_eq!(taught(&kd)["password"], ["#pw"]);
        assert!(forget_taught(&kd, id).unwrap());
        assert!(taught(&kd).is_empty());
        assert!(!forget_taught(&kd, id).unwrap(), "nothing left");
        teach(&kd, id, "submit", "#go").unwrap();
        crate::api::portals::remove(&kd, id).await.unwrap();
        assert!(taught(&kd).is_empty(), "removed with its portal");
    }

    #[test]
    fn only_a_secure_address_opens_in_the_browser() {
        let dir = tempfile::tempdir().unwrap();
        let (kd, id) = desk(dir.path(), None);
        assert_eq!(
            browser_url(&kd, id).unwrap(),
            "https://cignaforhcp.cigna.com/app/login"
        );
    }
}
