//! The sandbox portal's behaviour, through HTTP as a browser sees it. Codes are read from the
//! in-memory outbox here; `mail_delivery.rs` checks the same messages arrive in real Dovecot.

// Tests of a test tool: they write its configuration and mail files.
#![allow(clippy::disallowed_methods)]

mod common;

use common::*;
use sandbox_portal::otp;

fn outcomes(list: &[serde_json::Value]) -> Vec<&str> {
    list.iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn cigna_password_then_emailed_code_signs_in() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let (path, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert_eq!(path, "/mfa", "a password alone does not sign in");
    assert!(
        page.contains(r#"id="send-code""#),
        "Cigna asks to send the code: {page}"
    );
    let (path, page) = post(&c, &format!("{base}/send-code"), &[("method", "email")]).await;
    assert_eq!(path, "/verify");
    assert!(
        page.contains(r#"class="sandbox-notice""#) && page.contains(r#"id="code""#),
        "{page}"
    );
    let mail = outbox(base).await;
    assert_eq!(mail.len(), 1, "one e-mail sent");
    assert_eq!(
        header(&mail[0], "From"),
        "Cigna for HCP <no-reply@cigna.example>"
    );
    assert!(mail[0].contains("multipart/alternative") && mail[0].contains("text/html"));
    assert!(mail[0].contains("800.981.9114") && mail[0].contains("quoted-printable"));
    let code = code_in(&mail[0]);
    assert!(
        code.bytes().all(|b| b.is_ascii_digit()),
        "Cigna codes are digits: {code}"
    );
    let (path, page) = post(&c, &format!("{base}/verify"), &[("code", &code)]).await;
    assert_eq!(path, "/home");
    assert!(
        page.contains(r#"<strong class="user">frontdesk</strong>"#),
        "{page}"
    );
    let list = attempts(base).await;
    assert_eq!(outcomes(&list), ["code_required", "code_sent", "signed_in"]);
    assert_eq!(list[2]["code_seq"], 1, "the code used is the first sent");
    assert_eq!(list[2]["method"], "email");
    assert_eq!(list[2]["remember_requested"], false);
    sb.stop().await;
}

#[tokio::test]
async fn wrong_passwords_lock_the_account() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    for _ in 0..2 {
        let (path, page) = password(&c, base, "frontdesk", "kdS3cr3t-wrong").await;
        assert_eq!(path, "/login");
        assert!(
            page.contains(r#"class="sandbox-error""#),
            "an error banner: {page}"
        );
    }
    let (_, page) = password(&c, base, "frontdesk", "kdS3cr3t-wrong").await;
    assert!(
        page.contains(r#"class="sandbox-locked""#),
        "third wrong password locks: {page}"
    );
    let (_, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert!(
        page.contains(r#"id="locked-notice""#),
        "the right password no longer helps: {page}"
    );
    let (_, page) = password(&c, base, "nobody", "kdS3cr3t-x").await;
    assert!(
        page.contains(r#"id="error-banner""#),
        "unknown users get the same error: {page}"
    );
    let list = attempts(base).await;
    assert_eq!(
        outcomes(&list),
        [
            "wrong_password",
            "wrong_password",
            "locked",
            "locked",
            "unknown_user"
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn wrong_codes_lock_the_account() {
    let sb = start_outbox().await;
    let base = &sb.urls["mychart"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    post(&c, &format!("{base}/send-code"), &[("method", "email")]).await;
    for _ in 0..2 {
        let (_, page) = post(&c, &format!("{base}/verify"), &[("code", "ZZZZZZ")]).await;
        assert!(page.contains(r#"class="sandbox-error""#), "{page}");
    }
    let (_, page) = post(&c, &format!("{base}/verify"), &[("code", "ZZZZZZ")]).await;
    assert!(
        page.contains(r#"class="sandbox-locked""#),
        "third wrong code locks: {page}"
    );
    let code = code_in(&outbox(base).await[0]);
    let (path, page) = post(&c, &format!("{base}/verify"), &[("code", &code)]).await;
    assert_ne!(
        path, "/home",
        "a locked account cannot finish with the right code"
    );
    assert!(page.contains("sandbox-locked"), "{page}");
    let list = attempts(base).await;
    assert_eq!(
        outcomes(&list),
        [
            "code_required",
            "code_sent",
            "wrong_code",
            "wrong_code",
            "locked",
            "locked"
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn code_expires_after_its_lifetime() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    post(&c, &format!("{base}/send-code"), &[]).await;
    let code = code_in(&outbox(base).await[0]);
    assert!(
        unqp(&outbox(base).await[0]).contains("expires in 10 minutes"),
        "lifetime stated"
    );
    advance(base, 600).await;
    let (path, page) = post(&c, &format!("{base}/verify"), &[("code", &code)]).await;
    assert_eq!(path, "/verify", "an expired code does not sign in");
    assert!(page.contains("has expired"), "{page}");
    assert_eq!(
        attempts(base).await.last().unwrap()["outcome"],
        "code_expired"
    );
    sb.stop().await;
}

#[tokio::test]
async fn resend_voids_the_earlier_code() {
    let sb = start_outbox().await;
    let base = &sb.urls["mychart"];
    let (c, _) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    post(&c, &format!("{base}/send-code"), &[("method", "email")]).await;
    let (_, page) = get(&c, &format!("{base}/verify")).await;
    assert!(
        page.contains(r#"id="resend-code""#),
        "MyChart offers a resend: {page}"
    );
    post(&c, &format!("{base}/send-code"), &[("method", "email")]).await;
    let mail = outbox(base).await;
    let (first, second) = (code_in(&mail[0]), code_in(&mail[1]));
    assert_ne!(first, second, "a resend sends a new code");
    let (path, _) = post(&c, &format!("{base}/verify"), &[("code", &first)]).await;
    assert_eq!(path, "/verify", "the voided code is refused");
    let (path, _) = post(
        &c,
        &format!("{base}/verify"),
        &[("code", &second.to_lowercase())],
    )
    .await;
    assert_eq!(path, "/home", "the new code works (case-insensitively)");
    let list = attempts(base).await;
    let tail: Vec<_> = list[3..]
        .iter()
        .map(|a| (a["outcome"].clone(), a["code_seq"].clone()))
        .collect();
    assert_eq!(
        tail,
        [
            ("code_voided".into(), 1.into()),
            ("signed_in".into(), 2.into())
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn remembered_device_skips_the_code_until_it_lapses() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, raw) = browser();
    password(&c, base, "frontdesk", PASSWORD).await;
    post(&c, &format!("{base}/send-code"), &[]).await;
    let code = code_in(&outbox(base).await[0]);
    let r = raw
        .post(format!("{base}/verify"))
        .form(&[("code", code.as_str()), ("remember", "on")]);
    let r = r.send().await.unwrap();
    let cookies: Vec<_> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let device = cookies
        .iter()
        .find(|c| c.starts_with("sp_cigna_device="))
        .expect("a device cookie");
    for attr in ["Max-Age=2592000", "HttpOnly", "SameSite=Lax"] {
        assert!(device.contains(attr), "{attr} in {device}");
    }
    post(&c, &format!("{base}/logout"), &[]).await;
    let (path, _) = password(&c, base, "frontdesk", PASSWORD).await;
    assert_eq!(path, "/home", "the remembered device skips the code");
    let list = attempts(base).await;
    assert_eq!(list.last().unwrap()["device_remembered"], true);
    assert_eq!(list[2]["remember_requested"], true);
    assert_eq!(outbox(base).await.len(), 1, "no second code was sent");

    // Another browser (no cookie) still needs the code.
    let (other, _) = browser();
    assert_eq!(
        password(&other, base, "frontdesk", PASSWORD).await.0,
        "/mfa"
    );
    // 30 days later the portal no longer honours the cookie.
    advance(base, 30 * 86_400).await;
    post(&c, &format!("{base}/logout"), &[]).await;
    assert_eq!(
        password(&c, base, "frontdesk", PASSWORD).await.0,
        "/mfa",
        "lapsed"
    );
    sb.stop().await;
}

#[tokio::test]
async fn sso_user_skips_the_second_step() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let (path, page) = password(&c, base, "sso.user", PASSWORD).await;
    assert_eq!(path, "/home");
    assert!(page.contains("sso.user"), "{page}");
    assert_eq!(attempts(base).await[0]["method"], "sso");
    assert!(outbox(base).await.is_empty(), "no code for SSO users");
    sb.stop().await;
}

#[tokio::test]
async fn expired_password_user_gets_the_change_form_and_signs_in_after_the_change() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let (path, page) = password(&c, base, "expired", PASSWORD).await;
    assert_eq!(path, "/login");
    assert!(
        page.contains("Your password has expired. You must change your password to continue.")
            && page.contains(r#"id="change-password-form""#),
        "{page}"
    );
    let (path, _) = get(&c, &format!("{base}/home")).await;
    assert_eq!(path, "/login", "not signed in");
    let change = format!("{base}/change-password");
    let new = "kdS3cr3t-New-2345";
    // The portal's own words for each thing wrong; nothing changes.
    for (current, new_pw, confirm, said) in [
        (
            "kdS3cr3t-wrong",
            new,
            new,
            "current password you entered is incorrect",
        ),
        (PASSWORD, new, "kdS3cr3t-Other-2345", "do not match"),
        (PASSWORD, "kdS3cr3t-x", "kdS3cr3t-x", "12 to 64 characters"),
        (PASSWORD, PASSWORD, PASSWORD, "last 6 passwords"),
    ] {
        let fields = [
            ("current_password", current),
            ("new_password", new_pw),
            ("confirm_password", confirm),
        ];
        let (_, page) = post(&c, &change, &fields).await;
        assert!(
            page.contains(said) && page.contains("change-password-form"),
            "{said}: {page}"
        );
    }
    let fields = [
        ("current_password", PASSWORD),
        ("new_password", new),
        ("confirm_password", new),
    ];
    let (_, page) = post(&c, &change, &fields).await;
    assert!(page.contains("Your password has been changed"), "{page}");
    // The old password is now wrong, the new one goes on to the code.
    let (c, _) = browser();
    let (_, page) = password(&c, base, "expired", PASSWORD).await;
    assert!(page.contains("incorrect"), "{page}");
    let (path, _) = password(&c, base, "expired", new).await;
    assert_eq!(
        path, "/mfa",
        "the new password is taken and no longer expired"
    );
    assert_eq!(
        outcomes(&attempts(base).await),
        [
            "password_expired",
            "password_change_refused",
            "password_change_refused",
            "password_change_refused",
            "password_change_refused",
            "password_changed",
            "wrong_password",
            "code_required"
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn maintenance_mode_shows_a_notice_and_can_be_toggled() {
    let sb = start_outbox().await;
    let r = reqwest::get(format!("{}/login", sb.urls["closed"]))
        .await
        .unwrap();
    assert_eq!(r.status(), 503, "the config flag starts it in maintenance");
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let toggle = |on: bool| {
        let url = format!("{base}/__sandbox/maintenance?on={on}");
        async move { reqwest::Client::new().post(url).send().await.unwrap() }
    };
    assert!(toggle(true).await.status().is_success());
    let (_, page) = get(&c, &format!("{base}/login")).await;
    assert!(page.contains(r#"class="sandbox-maintenance""#), "{page}");
    let (_, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert!(page.contains(r#"id="maintenance-notice""#), "{page}");
    toggle(false).await;
    let (_, page) = get(&c, &format!("{base}/login")).await;
    assert!(page.contains(r#"id="login-form""#), "{page}");
    assert_eq!(outcomes(&attempts(base).await), ["maintenance"]);
    sb.stop().await;
}

#[tokio::test]
async fn mychart_text_arrives_as_forwarded_sms_with_alnum_code() {
    let sb = start_outbox().await;
    let base = &sb.urls["mychart"];
    let (c, _) = browser();
    let (_, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert!(
        page.contains(r#"id="send-sms""#) && page.contains(r#"id="send-email""#),
        "{page}"
    );
    let (_, page) = post(&c, &format!("{base}/send-code"), &[("method", "sms")]).await;
    assert!(page.contains("to your phone"), "{page}");
    let mail = outbox(base).await;
    assert_eq!(header(&mail[0], "From"), "+15551234567@sms.example");
    assert!(!mail[0].contains("text/html"), "a text is plain");
    assert!(
        unqp(&mail[0]).contains("MyChart: Your verification code is"),
        "{}",
        mail[0]
    );
    let code = code_in(&mail[0]);
    assert!(
        code.bytes().any(|b| b.is_ascii_uppercase()),
        "alphanumeric: {code}"
    );
    assert_eq!(
        post(&c, &format!("{base}/verify"), &[("code", &code)])
            .await
            .0,
        "/home"
    );
    assert_eq!(attempts(base).await.last().unwrap()["method"], "sms");
    sb.stop().await;
}

#[tokio::test]
async fn spanish_pages_by_query_and_accept_language() {
    let sb = start_outbox().await;
    let base = &sb.urls["mychart"];
    let (c, _) = browser();
    let (_, page) = get(&c, &format!("{base}/login?lang=es")).await;
    assert!(
        page.contains(r#"<html lang="es">"#) && page.contains("Iniciar sesión"),
        "{page}"
    );
    // The choice sticks (cookie) through the next pages and the text message.
    let (_, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert!(
        page.contains("Enviar un mensaje de texto a mi teléfono"),
        "{page}"
    );
    post(&c, &format!("{base}/send-code"), &[("method", "sms")]).await;
    let sms = unqp(&outbox(base).await[0]);
    assert!(sms.contains("Su código de verificación es"), "{sms}");
    let r = reqwest::Client::new()
        .get(format!("{base}/login"))
        .header("Accept-Language", "es-MX,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert!(
        r.text().await.unwrap().contains("Contraseña"),
        "Accept-Language picks Spanish"
    );
    let (_, page) = get(&browser().0, &format!("{base}/login")).await;
    assert!(page.contains("Password"), "English by default");
    sb.stop().await;
}

#[tokio::test]
async fn availity_totp_signs_in_and_refuses_reuse() {
    let sb = start_outbox().await;
    let base = &sb.urls["availity"];
    let key = otp::base32_decode(SEED).unwrap();
    let (c, _) = browser();
    let (path, page) = password(&c, base, "frontdesk", PASSWORD).await;
    assert_eq!(path, "/verify", "straight to the authenticator code");
    assert!(
        page.contains(r#"data-method="totp""#) && page.contains("use-backup-code"),
        "{page}"
    );
    let wrong = otp::totp(&key, sb.clock.now() + 3600);
    let (path, _) = post(&c, &format!("{base}/verify"), &[("code", &wrong)]).await;
    assert_eq!(path, "/verify", "a code from an hour later is refused");
    let right = otp::totp(&key, sb.clock.now());
    let (path, _) = post(&c, &format!("{base}/verify"), &[("code", &right)]).await;
    assert_eq!(path, "/home");
    let (c2, _) = browser();
    password(&c2, base, "frontdesk", PASSWORD).await;
    let (path, _) = post(&c2, &format!("{base}/verify"), &[("code", &right)]).await;
    assert_eq!(path, "/verify", "the same code cannot be replayed");
    assert_eq!(
        outcomes(&attempts(base).await),
        [
            "code_required",
            "wrong_code",
            "signed_in",
            "code_required",
            "totp_reused"
        ]
    );
    sb.stop().await;
}

#[tokio::test]
async fn availity_backup_code_works_once() {
    let sb = start_outbox().await;
    let base = &sb.urls["availity"];
    for expect in ["/home", "/verify"] {
        let (c, _) = browser();
        password(&c, base, "frontdesk", PASSWORD).await;
        let (_, page) = get(&c, &format!("{base}/verify?method=backup")).await;
        assert!(page.contains(r#"data-method="backup""#), "{page}");
        let form = [("method", "backup"), ("code", "kdS3cr3t-backup-1")];
        assert_eq!(post(&c, &format!("{base}/verify"), &form).await.0, expect);
    }
    let list = attempts(base).await;
    assert_eq!(outcomes(&list)[3], "backup_code_reused");
    assert_eq!(list[3]["method"], "backup");
    sb.stop().await;
}

#[tokio::test]
async fn portals_listen_on_distinct_origins_and_reset_clears_state() {
    let sb = start_outbox().await;
    let ports: std::collections::HashSet<_> = sb.urls.values().collect();
    assert_eq!(
        ports.len(),
        sb.urls.len(),
        "one port per portal: {:?}",
        sb.urls
    );
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    for _ in 0..3 {
        password(&c, base, "frontdesk", "kdS3cr3t-wrong").await;
    }
    let r = reqwest::Client::new()
        .post(format!("{base}/__sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    assert!(attempts(base).await.is_empty(), "attempts cleared");
    assert_eq!(
        password(&c, base, "frontdesk", PASSWORD).await.0,
        "/mfa",
        "lock cleared"
    );
    sb.stop().await;
}

#[test]
fn binary_writes_ready_file_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("sandbox-portal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cfg, ready) = (dir.join("c.toml"), dir.join("ready.json"));
    std::fs::write(&cfg, config("delivery = \"outbox\"", "user@localhost")).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sandbox-portal"))
        .arg("--config")
        .arg(&cfg)
        .arg("--ready-file")
        .arg(&ready)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while !ready.exists() {
        assert!(t0.elapsed().as_secs() < 20, "no ready file within 20 s");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let urls: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&ready).unwrap()).unwrap();
    assert_eq!(urls.len(), 4, "{urls:?}");
    let kill = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    assert!(kill.unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "clean exit on SIGTERM: {:?}",
        out.status
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    for (name, url) in &urls {
        assert!(
            stdout.contains(&format!("portal {name} listening on {url}\n")),
            "{stdout}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn demo_config_serves_three_portals_on_fixed_ports() {
    let cfg = sandbox_portal::config::Config::from_toml(include_str!("../demo.toml")).unwrap();
    let ports: Vec<_> = cfg
        .portals
        .iter()
        .map(|p| (p.name.as_str(), p.port))
        .collect();
    assert_eq!(
        ports,
        [("cigna", 18081), ("mychart", 18082), ("availity", 18083)]
    );
    let seed = cfg.portals[2].users[0].totp_seed.as_deref().unwrap();
    assert_eq!(
        otp::base32_decode(seed).as_deref(),
        Some(&b"Hello!\xde\xad\xbe\xef"[..])
    );
}

#[tokio::test]
async fn a_user_configured_locked_is_locked_from_the_start_even_with_the_right_password() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let (path, page) = password(&c, base, "locked.user", PASSWORD).await;
    assert_eq!(path, "/login");
    assert!(page.contains(r#"class="sandbox-locked""#), "{page}");
    assert_eq!(outcomes(&attempts(base).await), ["locked"]);
    sb.stop().await;
}

#[tokio::test]
async fn goto_redirects_to_another_origin_and_refuses_other_schemes() {
    let sb = start_outbox().await;
    let (cigna, mychart) = (&sb.urls["cigna"], &sb.urls["mychart"]);
    let (c, raw) = browser();
    let r = raw
        .get(format!("{cigna}/__sandbox/goto?to={mychart}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("{mychart}/login").as_str());
    let r = c
        .get(format!("{cigna}/__sandbox/goto?to={mychart}/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.url().as_str(),
        format!("{mychart}/login"),
        "a browser lands on the other origin"
    );
    let r = c
        .get(format!("{cigna}/__sandbox/goto?to=javascript:alert(1)"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    sb.stop().await;
}

#[tokio::test]
async fn the_ipc_probe_page_reports_through_its_endpoint_and_reset_clears_it() {
    let sb = start_outbox().await;
    let base = &sb.urls["cigna"];
    let (c, _) = browser();
    let (_, page) = get(&c, &format!("{base}/__sandbox/ipc-probe")).await;
    assert!(page.contains("__TAURI_INTERNALS__.invoke"), "{page}");
    assert!(page.contains("/__sandbox/ipc-report"), "{page}");
    let report = serde_json::json!({"internals": true, "results": [
        {"command": "portal_reveal", "outcome": "refused", "detail": "not allowed"}]});
    let r = c
        .post(format!("{base}/__sandbox/ipc-report"))
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let reports: Vec<serde_json::Value> = c
        .get(format!("{base}/__sandbox/ipc-reports"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reports, vec![report]);
    reqwest::Client::new()
        .post(format!("{base}/__sandbox/reset"))
        .send()
        .await
        .unwrap();
    let reports: Vec<serde_json::Value> = reqwest::get(format!("{base}/__sandbox/ipc-reports"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(reports.is_empty());
    sb.stop().await;
}

#[tokio::test]
async fn a_stale_session_cookie_gets_a_session_notice_instead_of_the_form_until_cleared() {
    let cfg = sandbox_portal::config::Config::from_toml(&format!(
        "[mail]\ndelivery = \"outbox\"\n[[portal]]\nname = \"sess\"\nkind = \"cigna\"\n\
         session_in_the_way = true\n[[portal.user]]\nusername = \"sso.user\"\n\
         password = \"{PASSWORD}\"\nsso = true\n"
    ))
    .unwrap();
    let sb = sandbox_portal::start(cfg).await.unwrap();
    let base = &sb.urls["sess"];
    let (c, _) = browser();
    let (path, _) = password(&c, base, "sso.user", PASSWORD).await;
    assert_eq!(path, "/home", "an SSO user signs in with the password");
    let (_, page) = get(&c, &format!("{base}/login")).await;
    assert!(
        page.contains(r#"id="login-form""#),
        "a live session is not in the way: {page}"
    );
    let reset = reqwest::Client::new()
        .post(format!("{base}/__sandbox/reset"))
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_success());
    let (_, page) = get(&c, &format!("{base}/login")).await;
    assert!(
        page.contains(r#"class="sandbox-session-in-use" role="alert""#)
            && page.contains("A session is already open in this browser")
            && !page.contains(r#"id="login-form""#),
        "the stale session's cookie is in the way: {page}"
    );
    // A browser without the portal's cookies (cleared, or a clean profile) gets the form.
    let (fresh, _) = browser();
    let (_, page) = get(&fresh, &format!("{base}/login")).await;
    assert!(page.contains(r#"id="login-form""#), "{page}");
    sb.stop().await;
}
