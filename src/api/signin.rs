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
    Claim, CodeWanted, Failure, OfferedCode, RetryGuard, SignIn, SignInView, StartError, codes,
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
    let password = match PortalBook::new(store).password(portal_id, keychain) {
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
    let view = SignInView::of(machine);
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
pub fn find_code(
    kd: &Keydesk,
    wanted: CodeWanted,
    known_before: &[MessageKey],
    now: Now,
) -> Result<Option<OfferedCode>, Failure> {
    match wanted {
        CodeWanted::Mailed {
            portal_id,
            channel,
            since,
        } => Ok(kd
            .inbox
            .with(|inbox| {
                inbox.code_for_sign_in(portal_id, channel, since, known_before, now.secs())
            })
            // Without a watched mailbox the desk can still type the code in the window itself.
            .flatten()
            .map(OfferedCode::from)),
        CodeWanted::Authenticator { portal_id } => {
            let mut desk = kd.desk();
            let (store, keychain) = desk.parts();
            codes::authenticator_code(store.conn(), keychain, portal_id, now.millis()).map(Some)
        }
    }
}

/// A code was written into the portal's page: it is used, here and for every other desk.
pub fn code_written(kd: &Keydesk, key: &MessageKey) {
    kd.inbox.with(|inbox| inbox.mark_used(key));
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
        guard.lockout_warning(machine.portal()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read the failures in a row");
            None
        })
    };
    let view = SignInView::of(&machine).with_lockout_warning(warning);
    tracing::info!(portal = view.portal_id, state = view.failure_code.unwrap_or("ok"), words = %view.words, "sign-in ended");
    // The view is published before the claim goes, so a new start sees this one's end.
    kd.publish_sign_in(view.clone());
    // Into the portal's history, with its class (and the health check that explains it).
    super::troubleshoot::record(kd, &machine, now);
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
    let mut desk = kd.desk();
    PortalBook::new(desk.store()).get(portal_id)?;
    crate::signin::teach::learn(desk.store(), portal_id, step, selector).map_err(|e| match e {
        crate::signin::teach::TeachError::Invalid(message) => {
            Error::other(ErrorCode::RecipeInvalid, message)
        }
        crate::signin::teach::TeachError::Store(e) => Error::from(e),
    })?;
    tracing::info!(portal = portal_id, step, "a sign-in step was taught");
    Ok(())
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
