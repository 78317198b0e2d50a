//! Pages in the markup of the real portals (facts from public automation scripts of them, see
//! the README): identifier-first sign-in (One Healthcare ID, Okta at Delta Dental), method
//! pickers by radio (Availity) or by buttons known only by their text (OHID, MyChart), remember
//! as a radio (Cigna) or a labelled checkbox, and one box per digit (OHID). English only.
//!
//! `/__sandbox/redesign` switches a portal to a redesigned markup: no names, ids, labels or
//! types a reader (or a stored recipe) could go by, so a sign-in must stop before typing.

use crate::config::{Markup, PortalConfig};
use crate::pages::{Banner, Lang, escape, layout};

fn banner(b: Banner) -> String {
    match b {
        Banner::None => String::new(),
        Banner::Error(t) => {
            format!(r#"<div class="error-msg sandbox-error" role="alert">{t}</div>"#)
        }
        Banner::Notice(t) => format!(r#"<div class="sandbox-notice" role="status">{t}</div>"#),
    }
}

/// True when the markup asks for the username on a page of its own.
pub fn identifier_first(m: Markup) -> bool {
    matches!(m, Markup::Ohid | Markup::Okta)
}

/// The first sign-in page: the username alone (identifier-first) or username and password.
pub fn login(cfg: &PortalConfig, b: Banner, redesigned: bool) -> String {
    let b = banner(b);
    let body = if redesigned {
        format!(
            r#"<h2>Welcome</h2>{b}
<form method="post" action="/login" class="f9">
<div class="r1"><input class="q1" name="f_91" type="text"></div>
<div class="r2"><input class="q2" name="f_92" type="text" style="-webkit-text-security:disc"></div>
<div class="q3" tabindex="0" onclick="this.closest('form').submit()">&#8594;</div>
</form>
<script>
setInterval(function () {{
  fetch('/__sandbox/pending-click').then(function (r) {{ return r.text(); }}).then(function (s) {{
    var el = s && document.querySelector(s);
    if (el) el.click();
  }});
}}, 200);
</script>"#
        )
    } else {
        match cfg.markup {
            Markup::Ohid => format!(
                r#"<h2>Sign In With Your One Healthcare ID</h2>{b}
<form method="post" action="/identify">
<label for="username">One Healthcare ID</label><input id="username" data-testid="username" name="username" type="text">
<button id="btnLogin" type="submit">Continue</button>
</form><p><a href="/forgot">Forgot your One Healthcare ID?</a></p>"#
            ),
            Markup::Okta => format!(
                r#"<h2>Sign In</h2>{b}
<form method="post" action="/identify" data-se="o-form">
<label for="input28">Username</label><input type="text" name="identifier" id="input28" autocomplete="username">
<label><input type="checkbox" name="rememberMe" id="input36"> Remember me (providers only)</label>
<input class="button button-primary" type="submit" value="Next" data-type="save">
</form>"#
            ),
            Markup::Cigna => format!(
                r#"<h2>Log In</h2>{b}
<form method="post" action="/login">
<label for="username">Username</label><input data-test="username" id="username" name="username" type="text">
<label for="password">Password</label><input data-test="password" id="password" name="password" type="password">
<button data-test="login-submit-button" type="submit">Log In</button>
</form><p><a data-test="forgot" href="/forgot">Forgot username or password?</a></p>"#
            ),
            Markup::Availity => format!(
                r#"<h2>Availity Essentials</h2>{b}
<form method="post" action="/login">
<input type="text" name="trap" style="position:absolute;left:-9999px;width:0;height:0" tabindex="-1" autocomplete="off">
<label for="userId">User ID</label><input id="userId" name="userId" type="text">
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="button" aria-label="Show password">Show</button>
<button type="submit">Sign In</button>
</form>"#
            ),
            Markup::Mychart => format!(
                r#"<h2>MyChart Login</h2>{b}
<form method="post" action="/login">
<label for="Login">MyChart Username</label><input id="Login" name="Login" type="text" autocomplete="username webauthn">
<label for="Password">Password</label><input id="Password" name="Password" type="password">
<input id="submit" type="submit" value="Sign In">
</form><p><a href="/signup">Sign Up Now</a></p>"#
            ),
            Markup::Classic => unreachable!("classic pages are pages::login"),
        }
    };
    layout(cfg, Lang::En, "login", &body)
}

/// The password page of an identifier-first portal (the username carried in a hidden field).
pub fn password(cfg: &PortalConfig, b: Banner, username: &str) -> String {
    let (b, user) = (banner(b), escape(username));
    let body = match cfg.markup {
        Markup::Okta => format!(
            r#"<h2>Verify with your password</h2>{b}<p class="identifier">{user}</p>
<form method="post" action="/login" data-se="o-form">
<input type="hidden" name="identifier" value="{user}">
<label for="input60">Password</label><input type="password" name="credentials.passcode" id="input60" autocomplete="current-password">
<input class="button button-primary" type="submit" value="Verify" data-type="save">
</form>"#
        ),
        _ => format!(
            r#"<h2>Enter your password</h2>{b}<p>{user}</p>
<form method="post" action="/login">
<input type="hidden" name="username" value="{user}">
<label for="login-pwd">Password</label><input id="login-pwd" name="password" type="password">
<button id="btnLogin" type="submit">Continue</button>
</form>"#
        ),
    };
    layout(cfg, Lang::En, "password", &body)
}

/// How the code should be sent or made.
pub fn choose(cfg: &PortalConfig, b: Banner) -> String {
    let b = banner(b);
    let body = match cfg.markup {
        Markup::Ohid => format!(
            r#"<h2>Verify Your Identity</h2>{b}
<form method="post" action="/send-code">
<button type="submit" name="method" value="sms" class="btn">Via Text Message</button>
<button type="submit" name="method" value="call" class="btn">Via Call</button>
</form>"#
        ),
        Markup::Availity => format!(
            r#"<h2>How would you like to authenticate?</h2>{b}
<form method="post" action="/send-code">
<label><input type="radio" name="choice" value="totp"> Authenticate me using my Authenticator app</label>
<label><input type="radio" name="choice" value="sms"> Send me a text message (SMS)</label>
<label><input type="radio" name="choice" value="backup"> Enter a one-time use backup code</label>
<button type="submit">Continue</button>
</form>"#
        ),
        Markup::Mychart => format!(
            r#"<h2>We need to verify your identity</h2>{b}
<form method="post" action="/send-code">
<p>Where should we send your code?</p>
<button type="submit" name="method" value="email" class="button">Email to me</button>
<button type="submit" name="method" value="sms" class="button">Text to my phone</button>
</form>"#
        ),
        Markup::Okta => format!(
            r#"<h2>Verify it's you with a security method</h2>{b}
<form method="post" action="/send-code" data-se="o-form">
<a href="javascript:void 0" class="select-factor" data-se="email" onclick="var f=this.closest('form');f.querySelector('[name=method]').value='email';f.submit()">Receive a code by email</a>
<a href="javascript:void 0" class="select-factor" data-se="phone" onclick="var f=this.closest('form');f.querySelector('[name=method]').value='sms';f.submit()">Receive a code via SMS</a>
<input type="hidden" name="method" value="">
</form>"#
        ),
        _ => format!(
            r#"<h2>Verification</h2>{b}
<form method="post" action="/send-code">
<input type="hidden" name="method" value="email">
<button data-test="btn-send-code" type="submit">Send verification code</button>
</form>"#
        ),
    };
    layout(cfg, Lang::En, "choose", &body)
}

/// The code page; `method` is `email`, `sms`, `totp` or `backup`.
pub fn code(cfg: &PortalConfig, b: Banner, method: &str) -> String {
    let b = banner(b);
    let body = match cfg.markup {
        Markup::Ohid => {
            let boxes: String = (1..=6)
                .map(|i| {
                    format!(
                        r#"<input data-testid="accessCodeBox-{i}" name="d{i}" type="text" maxlength="1" inputmode="numeric" style="width:2em">"#
                    )
                })
                .collect();
            format!(
                r#"<h2>Access Code</h2>{b}
<form method="post" action="/verify">
<input type="hidden" name="method" value="{method}">
<div class="code-row">{boxes}</div>
<label><input type="checkbox" name="remember" value="on"> Skip this step in future if this is your private device.</label>
<button type="submit">Continue</button>
</form>"#
            )
        }
        Markup::Cigna => format!(
            r#"<h2>Enter verification code</h2>{b}
<form method="post" action="/verify">
<input type="hidden" name="method" value="{method}">
<label for="code">Verification code</label><input data-test="txt-verification-code" id="code" name="code" type="text">
<label><input type="radio" name="remember" value="no" data-test="rdo-remember-no" checked> Ask me for a code every time</label>
<label><input type="radio" name="remember" value="on" id="rememberYes" data-test="rdo-remember-yes"> Don't ask me for a code the next time I log in</label>
<button data-test="btn-submit" type="submit">Submit</button>
</form>"#
        ),
        Markup::Mychart => format!(
            r#"<h2>Enter your code</h2>{b}
<form method="post" action="/verify">
<input type="hidden" name="method" value="{method}">
<label for="twofactorcode">Enter Code</label><input id="twofactorcode" name="code" type="text">
<label><input type="checkbox" name="remember" value="on"> Trust this device for 30 days</label>
<button id="submitSecondaryValidation" type="submit">Verify</button>
</form><form method="post" action="/send-code"><input type="hidden" name="method" value="{method}"><button type="submit">Resend code</button></form>"#
        ),
        Markup::Okta => format!(
            r#"<h2>Verify with your {what}</h2>{b}
<form method="post" action="/verify" data-se="o-form">
<input type="hidden" name="method" value="{method}">
<label for="input90">Enter Code</label><input type="text" name="credentials.passcode" id="input90" autocomplete="one-time-code">
<input class="button button-primary" type="submit" value="Verify" data-type="save">
</form>"#,
            what = if method == "sms" { "phone" } else { "email" },
        ),
        _ => format!(
            r#"<h2>Enter your code</h2>{b}
<form method="post" action="/verify">
<input type="hidden" name="method" value="{method}">
<label for="code">{label}</label><input id="code" name="code" type="text" inputmode="numeric">
<label><input type="checkbox" name="remember" value="on"> Remember this device</label>
<button type="submit">Continue</button>
</form>"#,
            label = if method == "backup" {
                "Backup code"
            } else {
                "Code"
            },
        ),
    };
    layout(cfg, Lang::En, "code", &body)
}

/// The code a code form posted: its `code` or `credentials.passcode` field, or its one-digit
/// boxes `d1`…`d6` joined.
pub fn posted_code(f: &std::collections::HashMap<String, String>) -> String {
    if let Some(c) = f.get("code").or_else(|| f.get("credentials.passcode")) {
        return c.clone();
    }
    (1..=8)
        .filter_map(|i| f.get(&format!("d{i}")).cloned())
        .collect()
}

/// The username and password a sign-in form posted, by the real portals' field names.
pub fn posted_credentials(f: &std::collections::HashMap<String, String>) -> (String, String) {
    let user = ["username", "identifier", "userId", "Login", "f_91"]
        .iter()
        .find_map(|k| f.get(*k))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let password = ["password", "credentials.passcode", "Password", "f_92"]
        .iter()
        .find_map(|k| f.get(*k))
        .cloned()
        .unwrap_or_default();
    (user, password)
}
