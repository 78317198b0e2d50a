//! The small scripts the shell runs in a portal window: one that observes the page for the
//! machine, and one per fill action. Built here, in the core, so what they do is tested headless;
//! the shell only evaluates them.
//!
//! Every fill script starts by comparing `location.origin` with the origin the machine approved,
//! in the same run that writes into the page: the second of two independent origin checks (the
//! machine's is the first). A script carrying a secret is itself a [`Secret`], so it is redacted
//! in logs and wiped when dropped; it is built in buffers sized up front, so Keydesk's own
//! building leaves no stray copy behind. The copies Tauri and the web engine make once the
//! script is handed over are beyond Keydesk's reach.

use serde_json::json;
use zeroize::Zeroizing;

use super::recipe::Recipe;
use crate::pending::Channel;
use crate::secret::Secret;

/// Shared helpers: visibility, the first visible match of a selector list (inside `root` first),
/// and setting a value the way typing does (frameworks listen for `input` events).
const HELPERS: &str = r#"
function kdVisible(el) {
  if (!el || el.type === 'hidden' || el.disabled) return false;
  if (!el.getClientRects().length) return false;
  var s = window.getComputedStyle(el);
  return s.visibility !== 'hidden' && s.display !== 'none';
}
function kdFind(list, root) {
  var scopes = root ? [root, document] : [document];
  for (var k = 0; k < scopes.length; k++) {
    for (var i = 0; i < list.length; i++) {
      var els;
      try { els = scopes[k].querySelectorAll(list[i]); } catch (e) { continue; }
      for (var j = 0; j < els.length; j++) if (kdVisible(els[j])) return els[j];
    }
  }
  return null;
}
function kdSet(el, value) {
  var proto = Object.getPrototypeOf(el);
  var desc = Object.getOwnPropertyDescriptor(proto, 'value');
  el.focus();
  if (desc && desc.set) desc.set.call(el, value); else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}
function kdSubmit(list, field) {
  var button = kdFind(list, field.form);
  if (button) { button.click(); return true; }
  if (field.form) {
    if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
    return true;
  }
  return false;
}
"#;

fn selectors(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serializes")
}

/// The script that reports an [`Observation`](super::Observation) of the page as JSON.
pub fn observe(recipe: &Recipe) -> String {
    let watched = json!({
        "username": recipe.username,
        "password": recipe.password,
        "send_code_email": recipe.send_code_email,
        "send_code_sms": recipe.send_code_sms,
        "code": recipe.code,
        "remember": recipe.remember,
        "signed_in": recipe.signed_in,
        "alert": recipe.alert,
        "sso": recipe.sso,
    });
    format!(
        r#"(function () {{
{HELPERS}
var R = {watched};
if (!window.__keydeskDocument) window.__keydeskDocument = String(performance.timeOrigin) + '-' + Math.random();
var seen = {{}};
for (var name in R) seen[name] = !!kdFind(R[name]);
var alerts = [];
for (var i = 0; i < R.alert.length; i++) {{
  var els;
  try {{ els = document.querySelectorAll(R.alert[i]); }} catch (e) {{ continue; }}
  for (var j = 0; j < els.length; j++) {{
    var t = kdVisible(els[j]) ? (els[j].innerText || '').trim() : '';
    if (t && alerts.indexOf(t) < 0) alerts.push(t);
  }}
}}
var text = alerts.join(' ').slice(0, 400);
return {{ origin: location.origin, url: location.href, document: window.__keydeskDocument,
  ready: document.readyState !== 'loading', seen: seen, alert_text: text || null }};
}})()"#
    )
}

fn origin_guard(origin: &str) -> String {
    let origin = serde_json::to_string(origin).expect("a string serializes");
    format!(
        "if (location.origin !== {origin}) return {{ origin_ok: false, origin: location.origin, \
         written: false, submitted: false }};"
    )
}

/// Fills username and password and sends the form, only on `origin`.
pub fn fill_credentials(
    recipe: &Recipe,
    origin: &str,
    username: &str,
    password: &Secret,
) -> Secret {
    let username = serde_json::to_string(username).expect("a string serializes");
    let before = format!(
        r#"(function () {{
{guard}
{HELPERS}
var pw = kdFind({pw_sel});
if (!pw) return {{ origin_ok: true, written: false, submitted: false }};
var user = kdFind({user_sel}, pw.form);
if (user && user !== pw) kdSet(user, {username});
kdSet(pw, "#,
        guard = origin_guard(origin),
        pw_sel = selectors(&recipe.password),
        user_sel = selectors(&recipe.username),
    );
    let after = format!(
        r#");
return {{ origin_ok: true, written: true, submitted: kdSubmit({submit_sel}, pw) }};
}})()"#,
        submit_sel = selectors(&recipe.submit),
    );
    around(&before, password, &after)
}

/// `before`, the secret as a JSON string, then `after`, as one [`Secret`]. Every buffer that
/// holds the secret is reserved at its final size first and wiped when dropped.
fn around(before: &str, secret: &Secret, after: &str) -> Secret {
    // JSON escapes a byte into at most six (`\u001f`), plus the two quotes.
    let mut literal = Zeroizing::new(Vec::with_capacity(secret.expose().len() * 6 + 2));
    serde_json::to_writer(&mut *literal, secret.expose()).expect("a string serializes");
    let mut script = String::with_capacity(before.len() + literal.len() + after.len());
    script.push_str(before);
    script.push_str(std::str::from_utf8(&literal).expect("JSON is UTF-8"));
    script.push_str(after);
    Secret::new(script)
}

/// Presses the button that asks for a code by `channel`, only on `origin`.
pub fn choose_channel(recipe: &Recipe, origin: &str, channel: Channel) -> String {
    let buttons = match channel {
        Channel::Email => &recipe.send_code_email,
        Channel::Sms => &recipe.send_code_sms,
    };
    format!(
        r#"(function () {{
{guard}
{HELPERS}
var b = kdFind({sel});
if (!b) return {{ origin_ok: true, written: false, submitted: false }};
b.click();
return {{ origin_ok: true, written: true, submitted: true }};
}})()"#,
        guard = origin_guard(origin),
        sel = selectors(buttons),
    )
}

/// Fills the code, ticks "remember this device" where the page offers it, and sends the form,
/// only on `origin`. The box is ticked before the code is written: a code box that sends itself
/// on input would otherwise go before the tick.
pub fn fill_code(recipe: &Recipe, origin: &str, code: &Secret) -> Secret {
    let before = format!(
        r#"(function () {{
{guard}
{HELPERS}
var c = kdFind({code_sel});
if (!c) return {{ origin_ok: true, written: false, submitted: false }};
var r = kdFind({remember_sel}, c.form);
if (r && !r.checked) r.click();
var ticked = !!(r && r.checked);
kdSet(c, "#,
        guard = origin_guard(origin),
        code_sel = selectors(&recipe.code),
        remember_sel = selectors(&recipe.remember),
    );
    let after = format!(
        r#");
return {{ origin_ok: true, written: true, submitted: kdSubmit({submit_sel}, c), remember_ticked: ticked }};
}})()"#,
        submit_sel = selectors(&recipe.code_submit),
    );
    around(&before, code, &after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signin::Recipes;

    fn recipe() -> Recipe {
        Recipes::shipped()
            .unwrap()
            .for_preset(Some("cigna"))
            .clone()
    }

    #[test]
    fn fill_scripts_check_the_origin_before_touching_the_page() {
        let password = Secret::from("pa\"ss</script>word");
        let script = fill_credentials(
            &recipe(),
            "https://cignaforhcp.cigna.com",
            "desk",
            &password,
        );
        let text = script.expose();
        let guard = text
            .find("location.origin !== \"https://cignaforhcp.cigna.com\"")
            .unwrap();
        let first_write = text.find("kdSet(pw").unwrap();
        assert!(guard < first_write, "the origin check comes first");
        assert!(
            text.contains(r#""pa\"ss</script>word""#),
            "the password is a JSON string"
        );
        assert_eq!(
            format!("{script:?}"),
            "<redacted>",
            "a fill script is a secret"
        );
        let code = fill_code(&recipe(), "https://x.example", &Secret::from("482913"));
        assert!(
            code.expose()
                .starts_with("(function () {\nif (location.origin !== \"https://x.example\")")
        );
    }

    #[test]
    fn a_secret_of_control_characters_is_escaped_whole() {
        // The worst case for the size reserved up front: every byte escaped as `\u00XX`.
        let nasty = Secret::new("\u{1}\u{1f}\"\\\n".repeat(40));
        let script = fill_code(&recipe(), "https://x.example", &nasty);
        let literal = serde_json::to_string(nasty.expose()).unwrap();
        assert!(script.expose().contains(&format!("kdSet(c, {literal});")));
        let back: String = serde_json::from_str(&literal).unwrap();
        assert_eq!(back, nasty.expose());
    }

    #[test]
    fn the_observe_and_channel_scripts_carry_the_recipe() {
        let script = observe(&recipe());
        assert!(script.contains("#send-code"));
        assert!(script.contains("input[type=password]"));
        assert!(script.contains("location.origin"));
        let sms = choose_channel(&recipe(), "https://x.example", Channel::Sms);
        assert!(
            sms.contains("kdFind([])"),
            "cigna has no text-message button: {sms}"
        );
    }
}
