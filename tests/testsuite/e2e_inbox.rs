//! End to end, the inbox in the real app: the mailbox set up through the settings form, the
//! connection state above the codes (a refused password in plain words, then watching), and a
//! code used at another desk shown as such.

use std::time::Duration;

use fantoccini::{Client, Locator};
use keydesk::mailbox::Security;
use keydesk::pending::CodeState;

use crate::bed;
use crate::e2e::{ONE_SESSION, run, screenshot, wait_for_text, with_app};
use crate::inbox;

/// Clicks an element once it is on the page. It is scrolled into view first: WebKitWebDriver
/// clicks at the element's place in the window without scrolling, so a button below the fold
/// would miss.
async fn click(client: &Client, css: &str) {
    let element = find(client, css).await;
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&element).unwrap()],
        )
        .await
        .unwrap();
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
}

/// Waits up to 10 s for an element (views load their data after they appear).
async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            return element;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared on the page");
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = find(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

#[test]
fn e2e_mailbox_form_sets_up_the_inbox_and_codes_view_shows_its_state() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir("e2e-mailbox-form");
    let mut settings = bed::mailbox_settings(&user, Security::Tls);
    settings.folders = vec!["INBOX".into()];
    let wrong = bed::test_secret("wrong");
    let ca = settings.trusted_certificate.clone().unwrap();

    run(with_app(&profile, "mailbox-form", |client| async move {
        // A new profile: set the mailbox up from the Status view, first with a wrong password.
        click(&client, "[data-testid=tab-status]").await;
        wait_for_text(&client, "[data-testid=status-mailbox]", "Not set up").await;
        click(&client, "[data-testid=mailbox-edit]").await;
        type_into(&client, "[data-testid=mailbox-host]", &settings.host).await;
        type_into(
            &client,
            "[data-testid=mailbox-port]",
            &settings.port.to_string(),
        )
        .await;
        type_into(&client, "[data-testid=mailbox-username]", &user.name).await;
        type_into(&client, "[data-testid=mailbox-password]", &wrong).await;
        type_into(&client, "[data-testid=mailbox-folders]", "INBOX").await;
        type_into(
            &client,
            "[data-testid=mailbox-certificate]",
            ca.to_str().unwrap(),
        )
        .await;
        screenshot(&client, "mailbox-form.png").await;
        click(&client, "[data-testid=mailbox-save]").await;
        wait_for_text(&client, "[data-testid=mailbox-saved]", "Saved").await;

        click(&client, "[data-testid=tab-home]").await;
        let line = wait_for_text(
            &client,
            "[data-testid=inbox-connection]",
            "Mailbox sign-in failed",
        )
        .await;
        assert!(
            line.contains("minutes"),
            "the next attempt is minutes away: {line}"
        );
        screenshot(&client, "codes-sign-in-failed.png").await;

        // Correct the password: saving restarts the inbox.
        click(&client, "[data-testid=tab-status]").await;
        click(&client, "[data-testid=mailbox-edit]").await;
        // The form loads the saved settings (never the password) when it opens.
        let mut host = None;
        for _ in 0..50 {
            host = find(&client, "[data-testid=mailbox-host]")
                .await
                .prop("value")
                .await
                .unwrap();
            if host.as_deref().is_some_and(|h| !h.is_empty()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            host.as_deref(),
            Some(settings.host.as_str()),
            "the saved settings are shown"
        );
        let password_field = find(&client, "[data-testid=mailbox-password]").await;
        assert_eq!(
            password_field.prop("value").await.unwrap().as_deref(),
            Some(""),
            "the password is never sent back to the page"
        );
        type_into(&client, "[data-testid=mailbox-password]", &user.password).await;
        click(&client, "[data-testid=mailbox-save]").await;
        wait_for_text(&client, "[data-testid=mailbox-saved]", "Saved").await;
        let page = client.source().await.unwrap();
        assert!(
            !page.contains(&user.password) && !page.contains(&wrong),
            "a saved password never stays in (or comes back to) the page"
        );
        click(&client, "[data-testid=tab-home]").await;
        wait_for_text(&client, "[data-testid=inbox-connection]", "Watching INBOX").await;

        // A code from a sender no portal lists, then used at another desk on the same mailbox.
        let mut other_desk = inbox::desk(&settings, &user);
        inbox::synced(&mut other_desk, 1).await;
        bed::deliver(
            &user,
            &bed::code_mail("someone@elsewhere.example", "418266"),
        );
        let shown = wait_for_text(&client, "[data-testid=pending-code]", "418 266").await;
        assert!(
            shown.contains("Not from a known portal"),
            "unmatched is marked: {shown}"
        );
        let (key, _) = inbox::new_code(&mut other_desk).await;
        assert!(other_desk.inbox.mark_used(&key));
        wait_for_text(&client, "[data-testid=code-state]", "Used at another desk").await;
        let at_other = other_desk.inbox.view(bed::unix_now());
        assert_eq!(at_other[0].state, CodeState::Used);
        tokio::time::sleep(Duration::from_millis(100)).await;
        screenshot(&client, "codes-used-elsewhere.png").await;
    }));
}
