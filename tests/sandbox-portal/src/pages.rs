//! The portal pages, as plain HTML with stable ids, names and classes (the sign-in recipes rely
//! on them: see README.md), in English or Spanish.

use crate::config::{PortalConfig, PortalKind};

/// Page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

/// The words of the pages in one language.
pub struct Words {
    pub sign_in: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub wrong_password: &'static str,
    pub send_code: &'static str,
    pub send_email: &'static str,
    pub send_sms: &'static str,
    pub choose: &'static str,
    pub code_sent_email: &'static str,
    pub code_sent_sms: &'static str,
    pub enter_code: &'static str,
    pub enter_totp: &'static str,
    pub enter_backup: &'static str,
    pub use_backup: &'static str,
    pub remember: &'static str,
    pub verify: &'static str,
    pub resend: &'static str,
    pub wrong_code: &'static str,
    pub expired_code: &'static str,
    pub locked: &'static str,
    pub expired_password: &'static str,
    pub maintenance: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub delivery_failed: &'static str,
    pub start_over: &'static str,
}

const EN: Words = Words {
    sign_in: "Sign in",
    username: "Username",
    password: "Password",
    wrong_password: "The username or password you entered is incorrect.",
    send_code: "Send verification code",
    send_email: "Send to my email",
    send_sms: "Text to my phone",
    choose: "How would you like to receive your verification code?",
    code_sent_email: "We sent a verification code to your email address.",
    code_sent_sms: "We sent a verification code to your phone.",
    enter_code: "Verification code",
    enter_totp: "Enter the 6-digit code from your authenticator app.",
    enter_backup: "Backup code",
    use_backup: "Use a backup code instead",
    remember: "Remember this device",
    verify: "Verify",
    resend: "Resend code",
    wrong_code: "The code you entered is incorrect.",
    expired_code: "That code has expired. Request a new code.",
    locked: "Your account is locked because of too many failed attempts. Call support to unlock it.",
    expired_password: "Your password has expired. You must change your password to continue.",
    maintenance: "This site is down for scheduled maintenance. Please try again later.",
    signed_in_as: "Signed in as",
    sign_out: "Sign out",
    delivery_failed: "We could not send your code. Try again later.",
    start_over: "Your sign-in has timed out. Please sign in again.",
};

const ES: Words = Words {
    sign_in: "Iniciar sesión",
    username: "Nombre de usuario",
    password: "Contraseña",
    wrong_password: "El nombre de usuario o la contraseña que ingresó son incorrectos.",
    send_code: "Enviar código de verificación",
    send_email: "Enviar a mi correo electrónico",
    send_sms: "Enviar un mensaje de texto a mi teléfono",
    choose: "¿Cómo desea recibir su código de verificación?",
    code_sent_email: "Enviamos un código de verificación a su correo electrónico.",
    code_sent_sms: "Enviamos un código de verificación a su teléfono.",
    enter_code: "Código de verificación",
    enter_totp: "Ingrese el código de 6 dígitos de su aplicación de autenticación.",
    enter_backup: "Código de respaldo",
    use_backup: "Usar un código de respaldo",
    remember: "Recordar este dispositivo",
    verify: "Verificar",
    resend: "Reenviar código",
    wrong_code: "El código que ingresó es incorrecto.",
    expired_code: "Ese código ha vencido. Solicite un código nuevo.",
    locked: "Su cuenta está bloqueada por demasiados intentos fallidos. Llame a soporte.",
    expired_password: "Su contraseña ha vencido. Debe cambiar su contraseña para continuar.",
    maintenance: "Este sitio está en mantenimiento programado. Inténtelo de nuevo más tarde.",
    signed_in_as: "Sesión iniciada como",
    sign_out: "Cerrar sesión",
    delivery_failed: "No pudimos enviar su código. Inténtelo más tarde.",
    start_over: "Su inicio de sesión ha caducado. Vuelva a iniciar sesión.",
};

impl Lang {
    /// The words of this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A banner above a form.
#[derive(Debug, Clone, Copy)]
pub enum Banner {
    /// No banner.
    None,
    /// An error: `.sandbox-error` (`#error-banner`).
    Error(&'static str),
    /// Information: `.sandbox-notice` (`#notice-banner`).
    Notice(&'static str),
}

fn banner(b: Banner) -> String {
    match b {
        Banner::None => String::new(),
        Banner::Error(t) => format!(
            r#"<div id="error-banner" class="sandbox-error" role="alert">{}</div>"#,
            escape(t)
        ),
        Banner::Notice(t) => format!(
            r#"<div id="notice-banner" class="sandbox-notice" role="status">{}</div>"#,
            escape(t)
        ),
    }
}

/// The page frame; `page` names the page in `<body data-page=…>`.
pub fn layout(cfg: &PortalConfig, lang: Lang, page: &str, body: &str) -> String {
    let brand = escape(cfg.brand());
    format!(
        r#"<!doctype html>
<html lang="{l}"><head><meta charset="utf-8"><title>{brand}</title>
<style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}.sandbox-error{{color:#a00;border:1px solid #a00;padding:.5em}}.sandbox-notice{{color:#050;padding:.5em}}label{{display:block;margin:.6em 0}}</style>
</head><body data-portal="{name}" data-page="{page}">
<header><h1 id="portal-brand">{brand}</h1></header>
<main>
{body}
</main>
<footer><small>Sandbox portal for Keydesk tests. Not a real service.</small></footer>
</body></html>
"#,
        l = lang.code(),
        name = escape(&cfg.name),
    )
}

/// The username/password form.
pub fn login(cfg: &PortalConfig, lang: Lang, b: Banner, username: &str) -> String {
    let w = lang.words();
    let form = format!(
        r#"<form id="login-form" method="post" action="/login">
<label for="username">{u}</label><input id="username" name="username" type="text" autocomplete="username" value="{user}">
<label for="password">{p}</label><input id="password" name="password" type="password" autocomplete="current-password">
<button id="sign-in" type="submit">{t}</button>
</form>"#,
        t = w.sign_in,
        u = w.username,
        p = w.password,
        user = escape(username),
    );
    let form = if cfg.login_behind_link {
        format!(
            r##"<p><a id="open-sign-in" href="#" onclick="document.getElementById('sign-in-layer').style.display='block'; this.style.display='none'; return false;">{t}</a></p>
<div id="sign-in-layer" style="display:none">{form}</div>"##,
            t = w.sign_in,
        )
    } else {
        form
    };
    let body = format!(
        r#"<h2>{t}</h2>{banner}
{form}
<p><a id="forgot" href="/forgot">Forgot password?</a></p>"#,
        t = w.sign_in,
        banner = banner(b),
    );
    layout(cfg, lang, "login", &body)
}

/// The page that asks for a code to be sent (Cigna: one button; MyChart: e-mail or text).
pub fn choose(cfg: &PortalConfig, lang: Lang, b: Banner) -> String {
    let w = lang.words();
    let buttons = match cfg.kind {
        PortalKind::Mychart => format!(
            r#"<p>{c}</p>
<button id="send-email" type="submit" name="method" value="email">{e}</button>
<button id="send-sms" type="submit" name="method" value="sms">{s}</button>"#,
            c = w.choose,
            e = w.send_email,
            s = w.send_sms
        ),
        _ => format!(
            r#"<input type="hidden" name="method" value="email">
<button id="send-code" type="submit">{s}</button>"#,
            s = w.send_code
        ),
    };
    let body = format!(
        r#"<h2>{t}</h2>{banner}
<form id="send-code-form" method="post" action="/send-code">
{buttons}
</form>"#,
        t = w.enter_code,
        banner = banner(b),
    );
    layout(cfg, lang, "choose", &body)
}

/// The code form. `method` is `email`, `sms`, `totp` or `backup`.
pub fn code(cfg: &PortalConfig, lang: Lang, b: Banner, method: &str) -> String {
    let w = lang.words();
    let (label, extra) = match method {
        "totp" => (
            w.enter_totp,
            format!(
                r#"<p><a id="use-backup-code" href="/verify?method=backup">{}</a></p>"#,
                w.use_backup
            ),
        ),
        "backup" => (w.enter_backup, String::new()),
        _ => (
            w.enter_code,
            format!(
                r#"<form id="resend-form" method="post" action="/send-code"><input type="hidden" name="method" value="{method}"><button id="resend-code" type="submit">{r}</button></form>"#,
                r = w.resend
            ),
        ),
    };
    if let Some(wait_ms) = cfg.code_auto_submit_ms.filter(|_| method != "backup") {
        return layout(
            cfg,
            lang,
            "code",
            &auto_submit_code(b, label, w.remember, method, wait_ms),
        );
    }
    let body = format!(
        r#"<h2>{label}</h2>{banner}
<form id="code-form" method="post" action="/verify" data-method="{method}">
<input type="hidden" name="method" value="{method}">
<label for="code">{label}</label><input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code">
<label><input id="remember-device" name="remember" type="checkbox" value="on"> {rem}</label>
<button id="verify" type="submit">{v}</button>
</form>
{extra}"#,
        banner = banner(b),
        rem = w.remember,
        v = w.verify,
    );
    layout(cfg, lang, "code", &body)
}

/// A single-page portal's code box: no form, no button. Its script posts the code `wait_ms`
/// after the last input (a new input restarts the wait, as debounced boxes do), then shows
/// where the portal answered: the home page, or the code page again with its banner.
fn auto_submit_code(b: Banner, label: &str, remember: &str, method: &str, wait_ms: u64) -> String {
    format!(
        r#"<h2>{label}</h2>{banner}
<div id="code-box" data-method="{method}">
<label for="code">{label}</label><input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code">
<label><input id="remember-device" name="remember" type="checkbox" value="on"> {remember}</label>
</div>
<script>
(function () {{
  var box = document.getElementById('code'), rem = document.getElementById('remember-device'), timer = null;
  box.addEventListener('input', function () {{
    clearTimeout(timer);
    if (box.value.length < 6) return;
    timer = setTimeout(function () {{
      var body = new URLSearchParams({{ method: '{method}', code: box.value }});
      if (rem.checked) body.set('remember', 'on');
      fetch('/verify', {{ method: 'POST', body: body, credentials: 'same-origin' }}).then(function (res) {{
        if (res.redirected) {{ location.assign(res.url); return; }}
        return res.text().then(function (html) {{ document.open(); document.write(html); document.close(); }});
      }});
    }}, {wait_ms});
  }});
}})();
</script>"#,
        banner = banner(b),
    )
}

/// A page that only states something: locked, expired password, maintenance.
pub fn notice(cfg: &PortalConfig, lang: Lang, page: &str, text: &str) -> String {
    let body = format!(
        r#"<div id="{page}-notice" class="sandbox-{page}" role="alert">{}</div>
<p><a id="back-to-sign-in" href="/login">{}</a></p>"#,
        escape(text),
        lang.words().sign_in
    );
    layout(cfg, lang, page, &body)
}

/// The expired-password page: the portal's notice and its change form (current password, the
/// new one twice). The rules are stated as the portal states them.
pub fn change_password(cfg: &PortalConfig, lang: Lang, b: Banner) -> String {
    let body = format!(
        r#"<h2>Change your password</h2>{banner}
<p id="password-rules">Your new password must be 12 to 64 characters long and include an upper-case letter, a lower-case letter, a number and a symbol. It cannot be one of your last 6 passwords.</p>
<form id="change-password-form" method="post" action="/change-password">
<label for="current-password">Current password</label><input id="current-password" name="current_password" type="password" autocomplete="current-password">
<label for="new-password">New password</label><input id="new-password" name="new_password" type="password" autocomplete="new-password">
<label for="confirm-password">Confirm new password</label><input id="confirm-password" name="confirm_password" type="password" autocomplete="new-password">
<button id="change-password" type="submit">Change password</button>
</form>"#,
        banner = banner(b),
    );
    layout(cfg, lang, "change-password", &body)
}

/// The page after a password change: it says so, and leads back to the sign-in page.
pub fn password_changed(cfg: &PortalConfig, lang: Lang) -> String {
    let body = format!(
        r#"<h2 id="password-changed">Your password has been changed</h2>
<div id="password-changed-notice" class="sandbox-notice" role="status">Sign in with your new password.</div>
<p><a id="back-to-sign-in" href="/login">{}</a></p>"#,
        lang.words().sign_in
    );
    layout(cfg, lang, "password-changed", &body)
}

/// The landing page after sign-in.
pub fn home(cfg: &PortalConfig, lang: Lang, user: &str) -> String {
    let w = lang.words();
    let body = format!(
        r#"<p id="signed-in-as">{s} <strong class="user">{u}</strong></p>
<form id="logout-form" method="post" action="/logout"><button id="sign-out" type="submit">{o}</button></form>"#,
        s = w.signed_in_as,
        u = escape(user),
        o = w.sign_out
    );
    layout(cfg, lang, "home", &body)
}
