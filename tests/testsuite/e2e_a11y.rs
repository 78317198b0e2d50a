//! Accessibility end to end, in the real app: axe-core (the ui's own copy, from node_modules) run
//! on every view and dialog with no serious or critical violation, in English and Spanish; and the
//! desk's main path — add a portal, sign in, copy a code — by keyboard alone, with Escape closing
//! what it opened and the focus going back where it was.

use std::path::Path;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::bed;
use crate::e2e::{ONE_SESSION, find_click, run, screenshot, wait_for_text, with_app};
use crate::signin_support::{set_mailbox, start_sandbox, wait_for_end};

/// axe-core as the ui's package lock pins it.
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (tests/run installs the ui's packages)",
            path.display()
        )
    })
}

/// What axe found on one view: violations by impact, with each rule's first nodes.
#[derive(Debug, Default)]
struct Found {
    critical: usize,
    serious: usize,
    moderate: usize,
    minor: usize,
    passes: usize,
    rules: Vec<String>,
}

/// Runs axe-core on the window as it is now: WCAG 2.2 A and AA and axe's best practices.
async fn axe(client: &Client, source: &str, view: &str) -> Found {
    let loaded = client
        .execute(
            &format!("if (!window.axe) {{ {source}\n }} return typeof window.axe;"),
            vec![],
        )
        .await
        .expect("axe-core loads in the window");
    assert_eq!(loaded, json!("object"), "axe-core is there");
    // Let a dialog's or a view's first frame settle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
          .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({
              id: v.id, impact: v.impact, nodes: v.nodes.length,
              targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })) }))
          .catch(e => done({ error: String(e) }));";
    let result = client
        .execute_async(script, vec![])
        .await
        .expect("axe runs");
    assert!(result["error"].is_null(), "axe failed on {view}: {result}");
    let mut found = Found {
        passes: result["passes"].as_u64().unwrap_or(0) as usize,
        ..Found::default()
    };
    for v in result["violations"].as_array().expect("violations") {
        let nodes = v["nodes"].as_u64().unwrap_or(1) as usize;
        match v["impact"].as_str() {
            Some("critical") => found.critical += nodes,
            Some("serious") => found.serious += nodes,
            Some("moderate") => found.moderate += nodes,
            _ => found.minor += nodes,
        }
        found
            .rules
            .push(format!("{} ({}) on {}", v["id"], v["impact"], v["targets"]));
    }
    println!(
        "axe: {view}: {} critical, {} serious, {} moderate, {} minor; {} rules passed{}",
        found.critical,
        found.serious,
        found.moderate,
        found.minor,
        found.passes,
        if found.rules.is_empty() {
            String::new()
        } else {
            format!(" — {}", found.rules.join("; "))
        }
    );
    found
}

/// A profile with something on every view: a mailbox with a code waiting, a portal with a mailed
/// code and one with an authenticator code.
fn busy_profile(name: &str) -> (std::path::PathBuf, bed::MailUser) {
    let user = bed::fresh_mail_user();
    let profile = bed::profile_dir(name);
    bed::set_mailbox(&profile, &user, &user.password, &["--folder", "INBOX"]);
    bed::cli_ok(
        &profile,
        &[
            "portal",
            "add",
            "--preset",
            "cigna",
            "--name",
            "Cigna",
            "--username",
            "frontdesk",
            "--sender",
            "no-reply@cigna.example",
        ],
        None,
    );
    bed::availity_with_authenticator(
        &profile,
        "frontdesk-a11y",
        &bed::test_secret("a11y"),
        "KDSECRETGEZDGNBVGY3TQOJQ",
    );
    bed::deliver(&user, &bed::code_mail("no-reply@cigna.example", "604518"));
    (profile, user)
}

/// Every view and dialog, each checked by axe; returns (view, found) in the order visited.
async fn every_view(client: &Client, axe_js: &str, lang: &str) -> Vec<(String, Found)> {
    let mut all = Vec::new();
    let mut check = async |view: &str| {
        let found = axe(client, axe_js, &format!("{lang} {view}")).await;
        all.push((view.to_owned(), found));
    };
    find_click(client, "[data-testid=tab-home]").await;
    wait_for_text(client, "[data-testid=pending-code]", "604 518").await;
    check("home").await;
    find_click(client, "[data-testid=portal-menu]").await;
    check("home, a portal's menu open").await;
    find_click(client, "[data-testid=portal-menu]").await;
    find_click(client, "[data-testid=add-portal]").await;
    check("add portal: presets").await;
    find_click(client, "[data-testid=preset-cigna]").await;
    check("add portal: the form").await;
    send(client, &[KEY_ESCAPE]).await;
    find_click(client, "[data-testid=portal-transfer-open]").await;
    check("import / export").await;
    send(client, &[KEY_ESCAPE]).await;
    find_click(client, "[data-testid=tab-authenticator]").await;
    wait_for_text(client, "[data-testid=otp-entry]", "Availity").await;
    check("authenticator").await;
    find_click(client, "[data-testid=add-entry-open]").await;
    check("authenticator: add entry").await;
    send(client, &[KEY_ESCAPE]).await;
    find_click(client, "[data-testid=tab-devices]").await;
    check("devices").await;
    find_click(client, "[data-testid=tab-status]").await;
    wait_for_text(client, "[data-testid=status-mailbox]", "").await;
    check("status").await;
    find_click(client, "[data-testid=mailbox-edit]").await;
    check("status: mailbox form").await;
    find_click(client, "[data-testid=tab-settings]").await;
    check("settings").await;
    find_click(client, "[data-testid=tab-home]").await;
    all
}

/// At 200 % text size (the root font doubled: every size is in rem) each view still fits the
/// window's width: nothing needs scrolling sideways or is cut off. Returns the views that overflow.
async fn overflow_at_double_text(client: &Client) -> Vec<String> {
    client
        .execute("document.documentElement.style.fontSize = '200%';", vec![])
        .await
        .expect("text size");
    let mut wide = Vec::new();
    for tab in ["home", "authenticator", "devices", "status", "settings"] {
        find_click(client, &format!("[data-testid=tab-{tab}]")).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let widths = client
            .execute(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                vec![],
            )
            .await
            .expect("widths");
        let (scroll, client_width) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
        println!("200 % text: {tab}: content {scroll} px wide in a {client_width} px window");
        if scroll > client_width + 1.0 {
            // The innermost elements reaching past the window's edge, to name the culprit.
            let culprits = client
                .execute(
                    "const w = document.documentElement.clientWidth + 1; \
                     return [...document.querySelectorAll('main *')] \
                       .filter(e => e.getBoundingClientRect().right > w \
                         && ![...e.children].some(c => c.getBoundingClientRect().right > w)) \
                       .slice(0, 4) \
                       .map(e => e.tagName.toLowerCase() + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') \
                         + (e.className ? '.' + String(e.className).split(' ')[0] : ''));",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            wide.push(format!(
                "{tab}: {scroll} px in {client_width} px ({culprits})"
            ));
        }
        if tab == "home" {
            screenshot(client, "home-200-percent.png").await;
        }
    }
    client
        .execute("document.documentElement.style.fontSize = '';", vec![])
        .await
        .expect("text size back");
    find_click(client, "[data-testid=tab-home]").await;
    wide
}

#[test]
fn e2e_a11y_every_view_passes_axe_with_no_serious_or_critical_violation() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let axe_js = axe_source();
    let (profile, _user) = busy_profile("e2e-a11y-axe");
    let mut failing = Vec::new();
    run(with_app(&profile, "a11y-axe", |client| async move {
        for (view, found) in every_view(&client, &axe_js, "en").await {
            if found.critical + found.serious > 0 {
                failing.push(format!("{view}: {}", found.rules.join("; ")));
            }
        }
        screenshot(&client, "home-en.png").await;
        let wide = overflow_at_double_text(&client).await;
        assert!(
            wide.is_empty(),
            "views wider than the window at 200 % text: {wide:?}"
        );

        // In Spanish, chosen in Settings: the whole window redraws at once, every view again.
        find_click(&client, "[data-testid=tab-settings]").await;
        crate::e2e_manage::find(&client, "[data-testid=language]")
            .await
            .select_by_value("es")
            .await
            .expect("choose Spanish");
        wait_for_text(&client, "[data-testid=tab-home]", "Inicio").await;
        let lang = client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap();
        assert_eq!(lang, json!("es"), "the page says its language");
        for (view, found) in every_view(&client, &axe_js, "es").await {
            if found.critical + found.serious > 0 {
                failing.push(format!("es {view}: {}", found.rules.join("; ")));
            }
        }
        let home = wait_for_text(&client, "main", "Portales").await;
        assert!(
            home.contains("Iniciar sesión"),
            "the home is in Spanish: {home}"
        );
        screenshot(&client, "home-es.png").await;
        assert!(
            failing.is_empty(),
            "serious or critical violations: {failing:#?}"
        );
    }));

    // A desk with people: the lock screen, and Settings with its people (in Spanish, as the
    // profile was left).
    let pin = bed::test_secret("a11y-pin");
    bed::cli_ok(
        &profile,
        &["people", "add", "Maria"],
        Some(&format!("{pin}\n")),
    );
    let axe_js = axe_source();
    run(with_app(&profile, "a11y-axe-locked", |client| async move {
        let mut failing = Vec::new();
        crate::e2e_manage::find(&client, "[data-testid=lock-screen]").await;
        let found = axe(&client, &axe_js, "es lock screen").await;
        if found.critical + found.serious > 0 {
            failing.push(format!("lock screen: {}", found.rules.join("; ")));
        }
        client
            .find(Locator::Css("[data-testid=lock-person]"))
            .await
            .unwrap()
            .select_by_value("Maria")
            .await
            .unwrap();
        crate::e2e_manage::type_into(&client, "[data-testid=lock-pin]", &pin).await;
        find_click(&client, "[data-testid=lock-unlock]").await;
        wait_for_text(&client, "[data-testid=signed-in-as]", "Maria").await;
        find_click(&client, "[data-testid=tab-settings]").await;
        let found = axe(&client, &axe_js, "es settings, a desk with people").await;
        if found.critical + found.serious > 0 {
            failing.push(format!("settings with people: {}", found.rules.join("; ")));
        }
        assert!(
            failing.is_empty(),
            "serious or critical violations: {failing:#?}"
        );
    }));
}

// WebDriver's key codes.
const KEY_TAB: char = '\u{E004}';
const KEY_ENTER: char = '\u{E007}';
const KEY_ESCAPE: char = '\u{E00C}';
const KEY_SHIFT: char = '\u{E008}';
const KEY_CONTROL: char = '\u{E009}';
const KEY_DOWN: char = '\u{E015}';

/// Presses keys one after another, as a keyboard does, into whatever has the focus: WebDriver's
/// actions, so nothing is clicked or focused by the test.
async fn send(client: &Client, keys: &[char]) {
    let mut actions = KeyActions::new("keyboard".to_owned());
    for &key in keys {
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
    }
    client
        .perform_actions(actions)
        .await
        .expect("the keys are pressed");
}

/// Types text into the focused field, replacing what it held (Ctrl+A selects it first).
async fn type_text(client: &Client, text: &str) {
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: KEY_CONTROL })
        .then(KeyAction::Down { value: 'a' })
        .then(KeyAction::Up { value: 'a' })
        .then(KeyAction::Up { value: KEY_CONTROL });
    client.perform_actions(actions).await.expect("select all");
    let mut actions = KeyActions::new("keyboard".to_owned());
    for c in text.chars() {
        actions = actions
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    client.perform_actions(actions).await.expect("typed");
}

/// What has the focus: its data-testid, else its name, else its tag.
async fn focused(client: &Client) -> String {
    let found = client
        .execute(
            "const e = document.activeElement; return e ? (e.dataset.testid || e.getAttribute('name') || e.tagName.toLowerCase()) : null;",
            vec![],
        )
        .await
        .unwrap_or(Value::Null);
    found.as_str().unwrap_or("nothing").to_owned()
}

/// Presses Tab (or Shift+Tab) until the focused element matches `css`, and fails if 60 presses
/// never reach it: the tab order must get there. The focus ring must show on it.
async fn tab_to(client: &Client, css: &str, backwards: bool) {
    // The bed has no window manager: a window another test or a portal opened may hold the X
    // focus, and a page without it draws no focus ring. Give it back first, as Alt+Tab would.
    let has_focus = client.execute("return document.hasFocus();", vec![]).await;
    if !has_focus.is_ok_and(|v| v == Value::Bool(true)) {
        back_to_main_window(client).await;
    }
    let matches =
        "return !!document.activeElement && document.activeElement.matches(arguments[0]);";
    for _ in 0..60 {
        let at = client
            .execute(matches, vec![json!(css)])
            .await
            .unwrap_or(Value::Bool(false));
        if at == Value::Bool(true) {
            let ring = client
                .execute(
                    "const e = document.activeElement, s = getComputedStyle(e); \
                     return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 \
                       || `${s.outlineStyle} ${s.outlineWidth} focus-visible=${e.matches(':focus-visible')} doc-focus=${document.hasFocus()}`;",
                    vec![],
                )
                .await
                .unwrap_or(Value::Bool(false));
            assert_eq!(ring, Value::Bool(true), "{css} shows where the focus is");
            return;
        }
        if backwards {
            let actions = KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down { value: KEY_SHIFT })
                .then(KeyAction::Down { value: KEY_TAB })
                .then(KeyAction::Up { value: KEY_TAB })
                .then(KeyAction::Up { value: KEY_SHIFT });
            client.perform_actions(actions).await.expect("Shift+Tab");
        } else {
            send(client, &[KEY_TAB]).await;
        }
    }
    panic!(
        "60 presses of Tab never reached {css}; the focus is on {}",
        focused(client).await
    );
}

/// Gives the keyboard back to Keydesk's main window, as Alt+Tab does: the X input focus on the
/// window titled "Keydesk…" (the bed has no window manager to do it).
async fn back_to_main_window(client: &Client) {
    let main = client.window().await.expect("the main window");
    client.switch_to_window(main).await.expect("back to it");
    for _ in 0..50 {
        let _ = std::process::Command::new("xdotool")
            .args([
                "search",
                "--onlyvisible",
                "--name",
                "^Keydesk",
                "windowfocus",
            ])
            .status();
        let _ = client.execute("window.focus();", vec![]).await;
        if client
            .execute("return document.hasFocus();", vec![])
            .await
            .is_ok_and(|v| v == Value::Bool(true))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("Keydesk's window never got the keyboard back");
}

/// The codes' live region as a screen reader reads it (its text, though it is not drawn).
async fn live_region_text(client: &Client, needle: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        let text = client
            .execute(
                "const e = document.querySelector('[data-testid=codes-announcement]'); \
                 return e && e.getAttribute('aria-live') === 'polite' ? e.textContent : null;",
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        last = text.as_str().unwrap_or_default().to_owned();
        if last.contains(needle) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the polite live region never said {needle:?}; it says {last:?}");
}

#[test]
fn e2e_a11y_keyboard_alone_adds_a_portal_signs_in_and_copies_a_code() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let password = bed::test_secret("keyboard");
    let sandbox = start_sandbox(&crate::signin::cigna_sandbox(
        &user,
        &password,
        Some(bed::AUTHSERV_ID),
    ));
    let base = sandbox.urls["cigna"].clone();
    let profile = bed::profile_dir("e2e-a11y-keyboard");
    set_mailbox(&profile, &user);

    run(with_app(&profile, "a11y-keyboard", |client| async move {
        wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;

        // Add portal: Escape closes the dialog and the focus comes back to its button.
        tab_to(&client, "[data-testid=add-portal]", false).await;
        send(&client, &[KEY_ENTER]).await;
        wait_for_text(&client, "[data-testid=portal-form]", "Cigna").await;
        send(&client, &[KEY_ESCAPE]).await;
        assert!(
            client
                .find(Locator::Css("[data-testid=portal-form]"))
                .await
                .is_err(),
            "Escape closes the dialog"
        );
        assert_eq!(
            focused(&client).await,
            "add-portal",
            "the focus is back on its button"
        );

        // Again, through the Cigna preset, every field typed.
        send(&client, &[KEY_ENTER]).await;
        tab_to(&client, "[data-testid=preset-cigna]", false).await;
        send(&client, &[KEY_ENTER]).await;
        tab_to(&client, "input[name=login_url]", false).await;
        type_text(&client, &format!("{base}/login")).await;
        tab_to(&client, "input[name=username]", false).await;
        type_text(&client, "frontdesk").await;
        tab_to(&client, "input[name=password]", false).await;
        type_text(&client, &password).await;
        tab_to(&client, "textarea[name=code_senders]", false).await;
        type_text(&client, "no-reply@cigna.example").await;
        tab_to(&client, "[data-testid=save-portal]", false).await;
        send(&client, &[' ']).await;
        wait_for_text(&client, "[data-testid=portal-row]", "frontdesk").await;

        // The row's menu: Enter opens it on its first item, arrows move, Escape closes it and
        // gives the focus back to its button.
        tab_to(&client, "[data-testid=portal-menu]", false).await;
        send(&client, &[KEY_ENTER]).await;
        assert_eq!(
            focused(&client).await,
            "copy-username",
            "the menu opens on its first item"
        );
        send(&client, &[KEY_DOWN]).await;
        assert_eq!(focused(&client).await, "copy-password");
        send(&client, &[KEY_ESCAPE]).await;
        assert_eq!(
            focused(&client).await,
            "portal-menu",
            "Escape gives the focus back"
        );
        assert!(
            client.find(Locator::Css("[role=menu]")).await.is_err(),
            "and closes the menu"
        );

        // Sign in by Enter: the mailed code is found and filled.
        tab_to(&client, "[data-testid=signin-button]", true).await;
        let clicked = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as f64;
        send(&client, &[KEY_ENTER]).await;
        let shown = wait_for_end(
            &client,
            "Cigna for Health Care Professionals",
            clicked - 1000.0,
        )
        .await;
        assert_eq!(shown.state, "signed_in", "{}", shown.text);
        // The portal's window opened on top; the person comes back to Keydesk's (Alt+Tab).
        back_to_main_window(&client).await;

        // A new code arrives; Space on its Copy button puts it on the clipboard.
        bed::deliver(&user, &bed::code_mail("no-reply@cigna.example", "319274"));
        wait_for_text(&client, "[data-testid=pending-code]", "319 274").await;
        let announced = live_region_text(&client, "Cigna").await;
        assert!(
            !announced.contains("319"),
            "the announcement names the portal, not the digits"
        );
        tab_to(&client, "[data-testid=copy-code]:not(:disabled)", true).await;
        send(&client, &[' ']).await;
        crate::e2e_safety::wait_for_clipboard("held the code", |t| t == Some("319274")).await;
        wait_for_text(&client, "[data-testid=codes-notice]", "Copied").await;
    }));
    drop(sandbox);
}
