//! End to end: one-click sign-in on sandbox portals in the real portals' markup (see
//! `tests/sandbox-portal/src/real.rs`): identifier-first (One Healthcare ID, Okta at Delta
//! Dental), method pickers by radio (Availity) or by buttons known only by their text (OHID,
//! MyChart), remember as a radio (Cigna) or a labelled checkbox, one box per digit (OHID). The
//! page detector in the core reads every page; no portal's recipe names these fields for it.

use crate::bed;
use crate::e2e::ONE_SESSION;
use crate::signin_support::{
    add_portal, attempts, cli_ok, click, print_timing, row_text, row_xpath, session, set_mailbox,
    sign_in, start_sandbox, steps,
};
use fantoccini::Locator;

#[test]
fn e2e_signin_real_markup_identifier_first_pickers_split_boxes_and_remember_of_every_kind() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let user = bed::fresh_mail_user();
    let pw = bed::test_secret("real-markup");
    let seed = "KDSECRETJBSWY3DPEHPK3PXP";
    let mail = format!("{}@localhost", user.name);
    let sandbox = start_sandbox(&format!(
        r#"[mail]
delivery = "lmtp"
authserv_id = "{authserv_id}"
[[portal]]
name = "ohid"
kind = "mychart"
markup = "ohid"
landing = true
title = "One Healthcare ID"
sms_from = "+15551234567@sms.example"
[[portal.user]]
username = "frontdesk"
password = "{pw}"
email = "{mail}"
[[portal]]
name = "delta"
kind = "cigna"
markup = "okta"
landing = true
title = "Delta Dental"
mail_from = "Delta Dental <noreply@deltadental.example>"
remember_days = 365
[[portal.user]]
username = "frontdesk"
password = "{pw}"
email = "{mail}"
[[portal]]
name = "availity"
kind = "availity"
markup = "availity"
landing = true
[[portal.user]]
username = "frontdesk"
password = "{pw}"
totp_seed = "{seed}"
[[portal]]
name = "cigna"
kind = "cigna"
markup = "cigna"
mail_from = "Cigna for HCP <no-reply@cigna.example>"
[[portal.user]]
username = "frontdesk"
password = "{pw}"
email = "{mail}"
[[portal]]
name = "mychart"
kind = "mychart"
markup = "mychart"
mail_from = "MyChart <mychart-noreply@mychart.example>"
[[portal.user]]
username = "frontdesk"
password = "{pw}"
email = "{mail}"
"#,
        authserv_id = bed::AUTHSERV_ID,
    ));
    let url = |name: &str| sandbox.urls[name].clone();
    let profile = bed::profile_dir("e2e-signin-real-markup");
    set_mailbox(&profile, &user);
    let portals: [(&str, &str, &[&str]); 5] = [
        (
            "One Healthcare ID",
            "ohid",
            &["--preset", "uhc", "--second-step", "sms_code"],
        ),
        (
            "Delta Dental",
            "delta",
            &[
                "--preset",
                "delta-dental",
                "--second-step",
                "email_code",
                "--sender",
                "noreply@deltadental.example",
            ],
        ),
        ("Availity", "availity", &["--preset", "availity"]),
        (
            "Cigna",
            "cigna",
            &["--preset", "cigna", "--sender", "no-reply@cigna.example"],
        ),
        (
            "MyChart",
            "mychart",
            &[
                "--preset",
                "mychart",
                "--second-step",
                "email_code",
                "--sender",
                "mychart-noreply@mychart.example",
            ],
        ),
    ];
    for (name, key, extra) in portals {
        // Three of them are entered at their landing site on another origin (as people arrive
        // from uhcprovider.com or Delta Dental's www host), the sign-in origin in their set.
        let landing = sandbox.urls.get(&format!("{key}_landing")).cloned();
        let login = match (&landing, key) {
            (Some(site), "delta") => format!("{site}/ciam/login?TARGET=%2Fprovider-tools%2Fv2"),
            (Some(site), _) => format!("{site}/"),
            (None, _) => format!("{}/login", url(key)),
        };
        let own = url(key);
        let mut args = vec!["--name", name, "--username", "frontdesk"];
        if key == "mychart" {
            args.extend(["--organization-url", login.as_str()]);
        } else {
            args.extend(["--login-url", login.as_str()]);
        }
        if landing.is_some() {
            args.extend(["--origin", own.as_str()]);
        }
        args.extend_from_slice(extra);
        add_portal(&profile, &args, &pw);
    }
    // Delta Dental entered without its identity host in the set: the hop there is never filled.
    let www_only = format!("{}/ciam/login", url("delta_landing"));
    add_portal(
        &profile,
        &[
            "--preset",
            "delta-dental",
            "--name",
            "Delta without its identity host",
            "--username",
            "frontdesk",
            "--login-url",
            &www_only,
        ],
        &pw,
    );
    // The Cigna-like portal's own sign-in page, tampered with: its form posts to another origin.
    let tampered = format!(
        "{}/__sandbox/posts-elsewhere?to={}",
        url("cigna"),
        url("delta")
    );
    add_portal(
        &profile,
        &[
            "--preset",
            "cigna",
            "--name",
            "Tampered",
            "--username",
            "frontdesk",
            "--login-url",
            &tampered,
        ],
        &pw,
    );
    let uri = format!("otpauth://totp/Availity:frontdesk?secret={seed}&issuer=Availity");
    cli_ok(&profile, &["otp", "add", "-"], Some(&uri));
    cli_ok(
        &profile,
        &["otp", "link", "Availity", "--portal", "Availity"],
        None,
    );

    let profile_for_cli = profile.clone();
    session(&profile, |client| async move {
        crate::e2e::wait_for_text(&client, "[data-testid=inbox-connection]", "Watching").await;
        let cases: [(&str, &str, &[&str], &str, bool); 5] = [
            (
                "One Healthcare ID",
                "ohid",
                &[
                    "password:code_required",
                    "send_code:code_sent",
                    "code:signed_in",
                ],
                "sms",
                true,
            ),
            (
                "Delta Dental",
                "delta",
                &[
                    "password:code_required",
                    "send_code:code_sent",
                    "code:signed_in",
                ],
                "email",
                true,
            ),
            (
                "Availity",
                "availity",
                &["password:code_required", "code:signed_in"],
                "totp",
                false,
            ),
            (
                "Cigna",
                "cigna",
                &[
                    "password:code_required",
                    "send_code:code_sent",
                    "code:signed_in",
                ],
                "email",
                true,
            ),
            (
                "MyChart",
                "mychart",
                &[
                    "password:code_required",
                    "send_code:code_sent",
                    "code:signed_in",
                ],
                "email",
                true,
            ),
        ];
        for (name, key, expected, method, mailed) in cases {
            let shown = sign_in(&client, name).await;
            assert_eq!(shown.state, "signed_in", "{name}: {}", shown.text);
            print_timing(&format!("{key} markup, {method}"), &shown, mailed);
            let list = attempts(&url(key)).await;
            assert_eq!(steps(&list), expected, "{name}: {list:?}");
            let last = list.last().unwrap();
            assert_eq!(last["method"], method, "{name}: {list:?}");
            assert_eq!(
                last["remember_requested"], true,
                "{name}: remember was ticked: {list:?}"
            );
        }
        // Okta's DT cookie on the identity host gives the remembered device its end.
        let out = bed::cli_ok(&profile_for_cli, &["device", "list", "--json"], None);
        let devices: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let delta = devices
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["portal"] == "Delta Dental")
            .unwrap_or_else(|| panic!("Delta Dental is remembered: {devices}"));
        assert_eq!(delta["until_from"], "cookie", "{delta}");
        let days = (delta["until"].as_i64().unwrap() - delta["since"].as_i64().unwrap()) / 86_400;
        assert!((364..=365).contains(&days), "DT lasts a year: {delta}");

        // Remembered: the next sign-in to One Healthcare ID skips the code.
        let again = sign_in(&client, "One Healthcare ID").await;
        assert_eq!(again.state, "signed_in", "{}", again.text);
        let list = attempts(&url("ohid")).await;
        assert_eq!(
            steps(&list[3..]),
            ["password:signed_in"],
            "one password, no code: {list:?}"
        );
        assert!(again.text.contains("remembered"), "{}", again.text);

        // A hop to an origin outside the portal's set stops before anything is typed.
        let before = attempts(&url("delta")).await.len();
        let shown = sign_in(&client, "Delta without its identity host").await;
        assert_eq!(shown.state, "failed", "{}", shown.text);
        assert_eq!(shown.failure, "look_alike_origin", "{}", shown.text);
        assert_eq!(attempts(&url("delta")).await.len(), before);

        // A form that posts elsewhere is never filled: nothing reaches the other origin.
        let before = attempts(&url("delta")).await.len();
        let shown = sign_in(&client, "Tampered").await;
        assert_eq!(shown.state, "failed", "{}", shown.text);
        assert_eq!(shown.failure, "form_posts_elsewhere", "{}", shown.text);
        assert_eq!(attempts(&url("delta")).await.len(), before);

        // The portal redesigns its pages: the sign-in stops before typing, naming the step.
        let before = attempts(&url("cigna")).await.len();
        reqwest::Client::new()
            .post(format!("{}/__sandbox/redesign?on=true", url("cigna")))
            .send()
            .await
            .expect("the sandbox answers");
        let shown = sign_in(&client, "Cigna").await;
        assert_eq!(shown.state, "failed", "{}", shown.text);
        assert_eq!(shown.failure, "step_not_found", "{}", shown.text);
        assert!(
            shown.text.contains("username and password"),
            "{}",
            shown.text
        );
        assert_eq!(
            attempts(&url("cigna")).await.len(),
            before,
            "nothing was sent"
        );

        // Teach Keydesk this page: each step by a click in the portal window (the sandbox's
        // redesigned page clicks where a person would), then the next sign-in succeeds.
        let http = reqwest::Client::new();
        for (step, label, selector) in [
            ("username", "the username field", r#"input[name="f_91"]"#),
            ("password", "the password field", r#"input[name="f_92"]"#),
            ("submit", "the sign-in button", ".q3"),
        ] {
            click(
                &client,
                Locator::XPath(&row_xpath("Cigna", &format!("teach-{step}"))),
            )
            .await;
            row_text(&client, "Cigna", "signin-notice", &format!("Click {label}")).await;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let asked = url::Url::parse_with_params(
                &format!("{}/__sandbox/click", url("cigna")),
                [("selector", selector)],
            )
            .expect("a URL");
            http.post(asked).send().await.expect("the sandbox answers");
            row_text(
                &client,
                "Cigna",
                "signin-notice",
                &format!("learned {label}"),
            )
            .await;
        }
        let taught = sign_in(&client, "Cigna").await;
        assert_eq!(taught.state, "signed_in", "after teaching: {}", taught.text);
        let list = attempts(&url("cigna")).await;
        assert_eq!(
            steps(&list[before..]),
            ["password:signed_in"],
            "one password on the redesigned page, the desk remembered: {list:?}"
        );
    });
}
