//! End to end, managing what the core holds from the window: a portal added from a preset,
//! edited (a bad field refused next to the field, nothing saved), exported, and deleted with its
//! keychain item; the clipboard delay set in Settings; authenticator entries added from a pasted
//! link and from a QR code on the clipboard, one linked to a portal whose row then shows its code,
//! backed up and read back. Checked against the core's own view of the profile, the real keychain
//! and the real X clipboard. Keyboard: Escape closes a dialog, Enter saves a form.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use keydesk::api;
use keydesk::keychain::{ItemKey, Keychain, OsKeychain};
use keydesk::portal::Portal;

use crate::bed;
use crate::e2e::{ONE_SESSION, launch, run, screenshot, wait_for_text};

pub(crate) async fn click(client: &Client, css: &str) {
    find(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Waits for an element to be there (a dialog opening takes a frame or two).
pub(crate) async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            return element;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared");
}

/// Presses a key in the focused element.
pub(crate) async fn press(client: &Client, key: Key) {
    let focused = client.active_element().await.expect("a focused element");
    focused
        .send_keys(&char::from(key).to_string())
        .await
        .expect("key press");
}

pub(crate) async fn wait_until_gone(client: &Client, css: &str) {
    for _ in 0..100 {
        if client.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} is still there");
}

pub(crate) async fn type_into(client: &Client, css: &str, text: &str) {
    let field = find(client, css).await;
    field
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// The profile's own items in the real keychain.
fn os_keychain(profile: &Path) -> OsKeychain {
    let desk = keydesk::Desk::open(profile).expect("open the app's profile");
    OsKeychain::new(desk.profile_id())
}

/// The profile's portals and, for each, its password from the real keychain, as the core sees
/// them (the app holds the same database open; SQLite's WAL lets both read).
pub(crate) fn core_view(profile: &Path) -> Vec<(Portal, Option<String>)> {
    let kd = keydesk::Keydesk::open(profile).expect("open the app's profile");
    let keychain = os_keychain(profile);
    let list = api::portals::list(&kd, keydesk::Now::system()).expect("portal list");
    list.into_iter()
        .map(|p| {
            let portal = api::portals::get(&kd, p.id).expect("the portal");
            let password = keychain
                .get(&ItemKey::portal_password(p.id))
                .expect("keychain read")
                .map(|s| s.expose().to_owned());
            (portal, password)
        })
        .collect()
}

#[test]
fn e2e_portal_is_added_from_a_preset_edited_and_deleted_with_its_keychain_item() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-manage-portal");
    let password = bed::test_secret("window-portal");
    let user = bed::fresh_mail_user();
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);

    run(async {
        let client = launch(&profile).await;

        // Settings: the clipboard delay is bounded, and a good one is kept in the profile.
        click(&client, "[data-testid=tab-settings]").await;
        type_into(&client, "input[name=clear_after]", "0").await;
        click(&client, "[data-testid=save-clear-after]").await;
        wait_for_text(
            &client,
            "[data-testid=settings-failure]",
            "between 1 and 600",
        )
        .await;
        type_into(&client, "input[name=clear_after]", "45").await;
        click(&client, "[data-testid=save-clear-after]").await;
        wait_for_text(&client, "[data-testid=settings-notice]", "45 seconds").await;
        let delay = api::settings::clipboard_delay(&keydesk::Keydesk::open(&profile).unwrap());
        assert_eq!(delay, Duration::from_secs(45), "saved in the profile");

        click(&client, "[data-testid=tab-home]").await;
        wait_for_text(&client, "[data-testid=portals-empty]", "No portals yet").await;

        // Escape closes a dialog without saving anything.
        click(&client, "[data-testid=add-portal]").await;
        find(&client, "[data-testid=preset-availity]").await;
        press(&client, Key::Escape).await;
        wait_until_gone(&client, "[data-testid=portal-form]").await;

        // Add from the Availity preset: its published facts come filled in.
        click(&client, "[data-testid=add-portal]").await;
        click(&client, "[data-testid=preset-availity]").await;
        let interval = find(&client, "input[name=password_change_days]").await;
        assert_eq!(
            interval.prop("value").await.unwrap().as_deref(),
            Some("60"),
            "the preset fills Availity's 60-day password interval"
        );
        type_into(&client, "input[name=username]", "frontdesk-window").await;
        type_into(&client, "input[name=password]", &password).await;
        click(&client, "[data-testid=save-portal]").await;
        let row = wait_for_text(&client, "[data-testid=portal-row]", "frontdesk-window").await;
        assert!(row.contains("Availity"), "{row}");
        assert!(!row.contains(&password), "the password is not shown: {row}");

        let saved = core_view(&profile);
        assert_eq!(saved.len(), 1, "one portal in the core");
        let (portal, stored) = &saved[0];
        assert_eq!(portal.fields.preset.as_deref(), Some("availity"));
        assert_eq!(portal.fields.username, "frontdesk-window");
        assert_eq!(
            stored.as_deref(),
            Some(password.as_str()),
            "the password typed is in the keychain"
        );
        let id = portal.id;

        // Edit: a wrong NPI is refused next to its field and nothing is saved.
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=edit-portal]").await;
        type_into(&client, "input[name=username]", "frontdesk-renamed").await;
        type_into(&client, "input[name=npi]", "1234567890").await;
        click(&client, "[data-testid=save-portal]").await;
        let error = wait_for_text(&client, "[data-testid=error-npi]", "check digit").await;
        assert!(error.contains("1234567890"), "says which number: {error}");
        let unchanged = core_view(&profile);
        assert_eq!(
            unchanged[0].0.fields.username, "frontdesk-window",
            "a refused edit saves nothing, not even the valid fields"
        );
        screenshot(&client, "portal-edit-error.png").await;
        // This office gets Availity's codes by e-mail: the senders field appears.
        click(&client, "select[name=second_step] option[value=email_code]").await;
        type_into(
            &client,
            "textarea[name=code_senders]",
            "codes@availity-window.example",
        )
        .await;
        type_into(&client, "input[name=npi]", "1234567893").await;
        type_into(&client, "input[name=support_phone]", "800-555-0142").await;
        // Enter in a field saves the form.
        press(&client, Key::Enter).await;
        wait_for_text(&client, "[data-testid=portal-row]", "frontdesk-renamed").await;
        let edited = core_view(&profile);
        let fields = &edited[0].0.fields;
        assert_eq!(fields.username, "frontdesk-renamed");
        assert_eq!(fields.office.npi.as_deref(), Some("1234567893"));
        assert_eq!(fields.support_phone.as_deref(), Some("800-555-0142"));
        assert_eq!(
            fields.password_change_days,
            Some(60),
            "untouched fields kept"
        );
        assert_eq!(
            edited[0].1.as_deref(),
            Some(password.as_str()),
            "editing keeps the password"
        );
        screenshot(&client, "portals-managed.png").await;

        // The running inbox takes the edit at once: mail from the sender just added is the
        // portal's code, not an unknown sender's.
        bed::deliver(
            &user,
            &bed::code_mail("codes@availity-window.example", "583920"),
        );
        click(&client, "[data-testid=tab-home]").await;
        let shown = wait_for_text(&client, "[data-testid=pending-code]", "583").await;
        assert!(shown.contains("Availity"), "matched to the portal: {shown}");
        assert!(
            !shown.contains("Not from a known portal"),
            "the new sender counts without a restart: {shown}"
        );
        click(&client, "[data-testid=tab-home]").await;
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=copy-username]").await;
        wait_for_text(
            &client,
            "[data-testid=portals-notice]",
            "cleared again in 45 seconds",
        )
        .await;

        // The list goes to a file without the password; importing it here again is refused
        // entry by entry, with the reason, before anything is added.
        let file = profile.join("portals-export.json");
        click(&client, "[data-testid=portal-transfer-open]").await;
        type_into(&client, "input[name=export_path]", file.to_str().unwrap()).await;
        click(&client, "[data-testid=export-portals]").await;
        wait_for_text(&client, "[data-testid=portal-transfer]", "Wrote 1 portal").await;
        let written = std::fs::read_to_string(&file).expect("the export file");
        assert!(written.contains("frontdesk-renamed"), "{written}");
        assert!(!written.contains(&password), "no password in the export");
        type_into(&client, "input[name=import_path]", file.to_str().unwrap()).await;
        click(&client, "[data-testid=check-import]").await;
        let report = wait_for_text(&client, "[data-testid=import-report]", "already exists").await;
        assert!(
            report.contains("Nothing in this file can be imported"),
            "{report}"
        );
        click(&client, "[data-testid=portal-transfer] > .buttons button").await;

        // Delete: the confirmation says the keychain items go too, and they do.
        click(&client, "[data-testid=portal-menu]").await;
        click(&client, "[data-testid=delete-portal]").await;
        let confirm = wait_for_text(&client, "[data-testid=confirm-dialog]", "keychain").await;
        assert!(confirm.contains("cannot be undone"), "{confirm}");
        click(&client, "[data-testid=confirm]").await;
        wait_for_text(&client, "[data-testid=portals-empty]", "No portals yet").await;
        assert!(core_view(&profile).is_empty(), "no portal left in the core");
        let keychain = os_keychain(&profile);
        assert_eq!(
            keychain.get(&ItemKey::portal_password(id)).unwrap(),
            None,
            "the password is gone from the keychain"
        );
        client.close().await.unwrap();
    });
}

/// The codes the CLI computes for the periods around now: a window reading that falls on a
/// period boundary may show either neighbour.
fn codes_around_now(profile: &Path, label: &str) -> Vec<String> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    [now - 30, now, now + 30]
        .iter()
        .map(|at| {
            bed::cli_ok(
                profile,
                &["otp", "code", label, "--at", &at.to_string()],
                None,
            )
            .trim()
            .to_owned()
        })
        .collect()
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[test]
fn e2e_authenticator_adds_from_a_link_and_a_clipboard_qr_shows_the_code_in_its_portal_and_backs_up()
{
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let profile = bed::profile_dir("e2e-manage-otp");
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--preset",
            "uhc",
            "--username",
            "frontdesk-otp",
        ],
        None,
    );
    let link = "otpauth://totp/UnitedHealthcare:frontdesk-otp?secret=KDSECRETGEZDGNBVGY3TQOJQ&issuer=UnitedHealthcare";

    run(async {
        let client = launch(&profile).await;
        click(&client, "[data-testid=tab-authenticator]").await;
        wait_for_text(
            &client,
            "[data-testid=otp-empty]",
            "No authenticator entries",
        )
        .await;

        // A malformed link is refused in plain words and adds nothing.
        click(&client, "[data-testid=add-entry-open]").await;
        type_into(
            &client,
            "textarea[name=link]",
            "otpauth://totp/X?secret=0189",
        )
        .await;
        click(&client, "[data-testid=add-entry-submit]").await;
        wait_for_text(&client, "[data-testid=add-failure]", "not valid").await;

        type_into(&client, "textarea[name=link]", link).await;
        click(&client, "[data-testid=add-entry-submit]").await;
        let report = wait_for_text(&client, "[data-testid=add-report]", "Added 1 entry").await;
        assert!(
            report.contains("UnitedHealthcare (frontdesk-otp)"),
            "names what it took: {report}"
        );
        click(
            &client,
            "[data-testid=add-entry] .buttons button[type=button]",
        )
        .await;

        let shown = wait_for_text(&client, "[data-testid=otp-entry]", "UnitedHealthcare").await;
        let expected = codes_around_now(&profile, "UnitedHealthcare");
        let shown_digits = digits(&shown);
        assert!(
            expected.iter().any(|c| shown_digits.contains(c.as_str())),
            "window shows {shown:?}, core says {expected:?}"
        );
        screenshot(&client, "authenticator-added.png").await;

        // Link it to the portal, whose row then shows the same code.
        let select = find(&client, "[data-testid=otp-link]").await;
        select
            .select_by_label("UnitedHealthcare One Healthcare ID")
            .await
            .expect("choose the portal");
        wait_for_text(&client, "[data-testid=otp-notice]", "now gives").await;
        click(&client, "[data-testid=tab-home]").await;
        let code = wait_for_text(&client, "[data-testid=portal-otp]", " s").await;
        let expected = codes_around_now(&profile, "UnitedHealthcare");
        assert!(
            expected
                .iter()
                .any(|c| digits(&code).starts_with(c.as_str())),
            "portal row shows {code:?}, core says {expected:?}"
        );
        screenshot(&client, "portal-with-authenticator-code.png").await;

        // A QR code screenshot on the clipboard: the app reads the picture and the core decodes it.
        let qr = image::open(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otp/qr-availity.png"),
        )
        .expect("the QR fixture")
        .to_rgba8();
        let mut clipboard = arboard::Clipboard::new().expect("the bed's X clipboard");
        clipboard
            .set_image(arboard::ImageData {
                width: qr.width() as usize,
                height: qr.height() as usize,
                bytes: qr.into_raw().into(),
            })
            .expect("a picture on the clipboard");
        click(&client, "[data-testid=tab-authenticator]").await;
        click(&client, "[data-testid=add-entry-open]").await;
        click(&client, "input[name=source][value=clipboard]").await;
        click(&client, "[data-testid=add-entry-submit]").await;
        let report = wait_for_text(&client, "[data-testid=add-report]", "Added 1 entry").await;
        assert!(report.contains("Availity"), "the QR code's entry: {report}");
        clipboard.clear().unwrap();
        click(
            &client,
            "[data-testid=add-entry] .buttons button[type=button]",
        )
        .await;
        wait_for_text(&client, "section[aria-label=Authenticator] ul", "Availity").await;

        // An encrypted backup: the password typed twice, no seed readable in the file; read
        // back here, where both entries already are, it names each as skipped and why.
        let backup = profile.join("authenticator.kdbackup");
        let secret = bed::test_secret("backup");
        click(&client, "[data-testid=backup-open]").await;
        type_into(&client, "input[name=backup_path]", backup.to_str().unwrap()).await;
        type_into(&client, "input[name=backup_password]", &secret).await;
        type_into(
            &client,
            "input[name=backup_password_again]",
            &format!("{secret}x"),
        )
        .await;
        click(&client, "[data-testid=write-backup]").await;
        wait_for_text(&client, "[data-testid=backup-failure]", "not the same").await;
        assert!(!backup.exists(), "nothing written on a mistyped password");
        type_into(&client, "input[name=backup_password_again]", &secret).await;
        click(&client, "[data-testid=write-backup]").await;
        wait_for_text(&client, "[data-testid=backup-notice]", "of 2 entries").await;
        let bytes = std::fs::read(&backup).expect("the backup file");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("KDSECRET"),
            "no seed in the clear"
        );
        click(&client, "[data-testid=backup-dialog] > .buttons button").await;
        click(&client, "[data-testid=add-entry-open]").await;
        click(&client, "input[name=source][value=backup]").await;
        type_into(&client, "input[name=path]", backup.to_str().unwrap()).await;
        type_into(
            &client,
            "input[name=backup_password]",
            &format!("{secret}x"),
        )
        .await;
        click(&client, "[data-testid=add-entry-submit]").await;
        wait_for_text(&client, "[data-testid=add-failure]", "password is wrong").await;
        type_into(&client, "input[name=backup_password]", &secret).await;
        click(&client, "[data-testid=add-entry-submit]").await;
        let report = wait_for_text(&client, "[data-testid=add-report]", "skipped 2").await;
        assert!(report.contains("already in Keydesk"), "says why: {report}");
        client.close().await.unwrap();
    });
}
