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

use super::action::Targets;
use super::recipe::Recipe;
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
"#;

fn index(i: Option<u32>) -> String {
    i.map_or_else(|| "null".to_owned(), |i| i.to_string())
}

/// What the observe script collects of every control, and its helpers to act on them later by
/// their place in `window.__kdControls`.
const CONTROLS: &str = r#"
function kdShown(el) {
  if (!el.getClientRects().length) return false;
  var s = window.getComputedStyle(el);
  if (s.visibility === 'hidden' || s.display === 'none') return false;
  if (el.closest('[aria-hidden=true]')) return false;
  for (var a = el, n = 0; a && a.nodeType === 1 && n < 8; a = a.parentElement, n++) {
    if (window.getComputedStyle(a).opacity === '0') return false;
  }
  return true;
}
function kdClip(t, n) { return (t || '').replace(/\s+/g, ' ').trim().slice(0, n); }
function kdLabel(el) {
  var parts = [];
  if (el.labels) for (var i = 0; i < el.labels.length; i++) parts.push(el.labels[i].innerText);
  var wrap = el.closest('label');
  if (wrap && parts.length === 0) parts.push(wrap.innerText);
  var aria = el.getAttribute('aria-label');
  if (aria) parts.push(aria);
  var by = el.getAttribute('aria-labelledby');
  if (by) by.split(/\s+/).forEach(function (id) {
    var t = document.getElementById(id); if (t) parts.push(t.innerText);
  });
  var t = (el.type || '').toLowerCase();
  if (!parts.length && (t === 'checkbox' || t === 'radio' || el.getAttribute('role')) && el.parentElement) {
    parts.push(el.parentElement.innerText);
  }
  // A field's title names it when nothing else does (a button's title is often a whole sentence).
  var field = (el.tagName === 'INPUT' && ['submit', 'button', 'image', 'reset'].indexOf(t) < 0) || el.tagName === 'TEXTAREA';
  if (!parts.length && field && el.getAttribute('title')) parts.push(el.getAttribute('title'));
  return kdClip(parts.join(' '), 200);
}
function kdData(el) {
  var out = [];
  for (var i = 0; i < el.attributes.length; i++) {
    var a = el.attributes[i];
    if (a.name.indexOf('data-') === 0 && a.value.length < 80) out.push(a.value);
  }
  // What a click does often names the button ("validateSignInSubmit(…)").
  var click = el.getAttribute('onclick');
  if (click) out.push(click.slice(0, 80));
  return kdClip(out.join(' '), 200);
}
function kdText(el) {
  var t = (el.innerText || '').trim();
  if (t) return t;
  // A button or link drawn by a picture: its alternative text.
  var img = el.querySelector && el.querySelector('img[alt]');
  return img ? img.getAttribute('alt') : '';
}
function kdControls(H) {
  // Fields and buttons first, then links and ARIA widgets: a page of many links keeps its form.
  var fields = document.querySelectorAll('input:not([type=hidden]), select, textarea, button');
  var others = document.querySelectorAll('a[href], [role=button], [role=link], [role=radio], [role=checkbox], [role=switch]');
  var els = Array.prototype.slice.call(fields);
  for (var o = 0; o < others.length; o++) if (els.indexOf(others[o]) < 0) els.push(others[o]);
  // Whatever the portal's hints name, whatever its tag (a taught "button" may be a div).
  for (var hr in H) for (var hj = 0; hj < H[hr].length; hj++) {
    var hs = [];
    try { hs = document.querySelectorAll(H[hr][hj]); } catch (e) {}
    for (var hk = 0; hk < hs.length; hk++) if (els.indexOf(hs[hk]) < 0) els.push(hs[hk]);
  }
  var forms = Array.prototype.slice.call(document.forms);
  var list = [], out = [];
  for (var k = 0; k < els.length && out.length < 600; k++) {
    var el = els[k], tag = el.tagName.toLowerCase();
    var shown = kdShown(el);
    if (tag === 'a' && !shown) continue;
    var r = el.getBoundingClientRect();
    var f = el.form || el.closest('form');
    var fi = f ? forms.indexOf(f) : -1;
    var action = null;
    if (f) { try { action = new URL(f.getAttribute('action') || location.href, location.href).origin; } catch (e) {} }
    var hint = [];
    for (var role in H) {
      for (var j = 0; j < H[role].length; j++) {
        var m = false;
        try { m = el.matches(H[role][j]); } catch (e) {}
        if (m) { hint.push(role); break; }
      }
    }
    var type = (tag === 'input' || tag === 'button') ? (el.type || '').toLowerCase() : '';
    var choice = type === 'checkbox' || type === 'radio' || tag === 'button';
    var html = el.outerHTML || '';
    var ml = (tag === 'input' && el.maxLength > 0) ? el.maxLength : null;
    out.push({ i: list.length, tag: tag, kind: type, role: el.getAttribute('role') || '',
      autocomplete: el.getAttribute('autocomplete') || '', name: el.getAttribute('name') || '',
      id: el.id || '', label: kdLabel(el), placeholder: el.getAttribute('placeholder') || '',
      text: kdClip(tag === 'input' ? (choice || type === 'submit' || type === 'button' ? el.value : (type === 'image' ? el.alt : '')) : kdText(el), 150),
      data: kdData(el), value: choice ? kdClip(el.value, 60) : '', inputmode: el.getAttribute('inputmode') || '',
      maxlength: ml, form: fi >= 0 ? fi : null, form_action: action, visible: shown,
      disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true',
      checked: !!el.checked || el.getAttribute('aria-checked') === 'true',
      x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
      hint: hint, tag_html: html.slice(0, html.indexOf('>') + 1) });
    list.push(el);
  }
  window.__kdControls = list;
  return out;
}
function kdHeading() {
  var parts = [document.title];
  var hs = document.querySelectorAll('h1, h2, h3, legend');
  for (var i = 0; i < hs.length && i < 8; i++) if (kdShown(hs[i])) parts.push(hs[i].innerText);
  return kdClip(parts.join(' | '), 300);
}
"#;

/// The helpers of a fill script: the control at a place of the last observation (only while it
/// is still in the page and shown), ticking a remember control, and sending.
const ACT: &str = r#"
var K = window.__kdControls || [];
function kdAt(i) {
  if (i === null || i === undefined) return null;
  var e = K[i];
  return e && e.isConnected && kdVisible(e) ? e : null;
}
function kdOn(r) { return !!r.checked || r.getAttribute('aria-checked') === 'true'; }
function kdTick(r) { if (!r) return false; if (!kdOn(r)) r.click(); return kdOn(r); }
function kdSend(b, field) {
  if (b) { b.click(); return true; }
  if (field && field.form) {
    if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
    return true;
  }
  return false;
}
"#;

/// The script that reports an [`Observation`](super::Observation) of the page as JSON: the
/// recipe's page markers, every control (with the recipe roles it matches as hints), the
/// headings.
pub fn observe(recipe: &Recipe) -> String {
    let markers = json!({
        "signed_in": recipe.signed_in,
        "alert": recipe.alert,
        "sso": recipe.sso,
    });
    let hints = json!({
        "username": recipe.username,
        "password": recipe.password,
        "submit": recipe.submit,
        "code": recipe.code,
        "code_submit": recipe.code_submit,
        "remember": recipe.remember,
        "send_code_email": recipe.send_code_email,
        "send_code_sms": recipe.send_code_sms,
    });
    format!(
        r#"(function () {{
{HELPERS}
{CONTROLS}
var R = {markers};
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
var ready = document.readyState !== 'loading';
return {{ origin: location.origin, url: location.href, document: window.__keydeskDocument,
  ready: ready, seen: seen, alert_text: text || null,
  controls: ready ? kdControls({hints}) : [], heading: ready ? kdHeading() : '' }};
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

/// Fills the username and/or the password into the controls `targets` names (ticking its
/// remember control first) and sends the form, only on `origin`. Nothing is written unless
/// every named field is still there.
pub fn fill_credentials(
    targets: &Targets,
    origin: &str,
    username: &str,
    password: Option<&Secret>,
) -> Secret {
    let username = serde_json::to_string(username).expect("a string serializes");
    let before = format!(
        r#"(function () {{
{guard}
{HELPERS}
{ACT}
var u = kdAt({u}), p = kdAt({p});
if (({u} !== null && !u) || ({p} !== null && !p)) return {{ origin_ok: true, written: false, submitted: false }};
var ticked = kdTick(kdAt({r}));
if (u) kdSet(u, {username});
if (p) kdSet(p, "#,
        guard = origin_guard(origin),
        u = index(targets.username),
        p = index(targets.password),
        r = index(targets.remember),
    );
    let after = format!(
        r#");
return {{ origin_ok: true, written: true, submitted: kdSend(kdAt({s}), p || u), remember_ticked: ticked }};
}})()"#,
        s = index(targets.submit),
    );
    match password {
        Some(password) => around(&before, password, &after),
        None => Secret::new(format!("{before}null{after}")),
    }
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

/// Fills a change-password form: the current password (when the form asks for it), the new
/// one into its box and its confirmation, and sends the form, only on `origin`. Nothing is
/// written unless every named field is still there.
pub fn fill_change(
    targets: &super::change::ChangeTargets,
    origin: &str,
    current: Option<&Secret>,
    new: &Secret,
) -> Secret {
    let before = format!(
        r#"(function () {{
{guard}
{HELPERS}
{ACT}
var c = kdAt({c}), n = kdAt({n}), f = kdAt({f});
if (({c} !== null && !c) || !n || !f) return {{ origin_ok: true, written: false, submitted: false }};
var current = "#,
        guard = origin_guard(origin),
        c = index(targets.current),
        n = targets.new,
        f = targets.confirm,
    );
    let middle = ";\nvar fresh = ";
    let after = format!(
        r#";
if (c) kdSet(c, current);
kdSet(n, fresh);
kdSet(f, fresh);
return {{ origin_ok: true, written: true, submitted: kdSend(kdAt({s}), n) }};
}})()"#,
        s = index(targets.submit),
    );
    let current = match current {
        Some(current) => around(&before, current, middle),
        None => Secret::new(format!("{before}null{middle}")),
    };
    around(current.expose(), new, &after)
}

/// Picks how the code is sent: clicks `target` (a button, link or radio) and then, for a radio,
/// its `submit` button a moment later (frameworks update their state on the click first), only
/// on `origin`.
pub fn choose_channel(origin: &str, target: u32, submit: Option<u32>) -> String {
    format!(
        r#"(function () {{
{guard}
{HELPERS}
{ACT}
var t = kdAt({target});
if (!t) return {{ origin_ok: true, written: false, submitted: false }};
var s = kdAt({submit});
t.click();
if (s) setTimeout(function () {{ s.click(); }}, 80);
return {{ origin_ok: true, written: true, submitted: true }};
}})()"#,
        guard = origin_guard(origin),
        submit = index(submit),
    )
}

/// Clicks `target` (the link or button that opens a hidden sign-in form), only on `origin`.
pub fn reveal(origin: &str, target: u32) -> String {
    choose_channel(origin, target, None)
}

/// Fills the code into its box (or one character per box), ticks "remember this device" where
/// the page offers it, and sends the form, only on `origin`. The remember control is ticked
/// before the code is written: a code box that sends itself on input would otherwise go first.
pub fn fill_code(
    boxes: &[u32],
    submit: Option<u32>,
    remember: Option<u32>,
    origin: &str,
    code: &Secret,
) -> Secret {
    let boxes = serde_json::to_string(boxes).expect("numbers serialize");
    let before = format!(
        r#"(function () {{
{guard}
{HELPERS}
{ACT}
var B = {boxes}.map(kdAt);
if (!B.length || B.some(function (b) {{ return !b; }})) return {{ origin_ok: true, written: false, submitted: false }};
var ticked = kdTick(kdAt({remember}));
var code = "#,
        guard = origin_guard(origin),
        remember = index(remember),
    );
    let after = format!(
        r#";
if (B.length === 1) kdSet(B[0], code);
else for (var j = 0; j < B.length; j++) kdSet(B[j], code.charAt(j));
code = null;
return {{ origin_ok: true, written: true, submitted: kdSend(kdAt({submit}), B[B.length - 1]), remember_ticked: ticked }};
}})()"#,
        submit = index(submit),
    );
    around(&before, code, &after)
}

/// Waits for the person's next click in the page: the clicked field or button (not sent on)
/// is named by a selector that finds it again (its id, its name, else its path), kept in
/// `window.__kdTaught` for [`TAUGHT`] to read.
pub const TEACH: &str = r#"(function () {
function kdName(el) {
  var pick = el.closest('input, select, textarea, button, a, [role], [onclick]') || el;
  if (pick.id && document.querySelectorAll('#' + CSS.escape(pick.id)).length === 1) return '#' + CSS.escape(pick.id);
  var tag = pick.tagName.toLowerCase();
  var name = pick.getAttribute('name');
  if (name) {
    var s = tag + '[name="' + name.replace(/["\\]/g, '\\$&') + '"]';
    if (document.querySelectorAll(s).length === 1) return s;
  }
  var path = [];
  for (var e = pick; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
    var n = 1;
    for (var sib = e.previousElementSibling; sib; sib = sib.previousElementSibling) if (sib.tagName === e.tagName) n++;
    path.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + n + ')');
  }
  return 'html > ' + path.join(' > ');
}
window.__kdTaught = null;
document.addEventListener('click', function once(ev) {
  ev.preventDefault();
  ev.stopPropagation();
  document.removeEventListener('click', once, true);
  window.__kdTaught = kdName(ev.target);
}, true);
return true;
})()"#;

/// Reads (and clears) what [`TEACH`] caught: the selector, or `null` while no click came.
pub const TAUGHT: &str =
    "(function () { var t = window.__kdTaught || null; window.__kdTaught = null; return t; })()";

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

    fn targets() -> Targets {
        Targets {
            username: Some(0),
            password: Some(1),
            submit: Some(3),
            remember: None,
        }
    }

    #[test]
    fn fill_scripts_check_the_origin_before_touching_the_page() {
        let password = Secret::from("pa\"ss</script>word");
        let script = fill_credentials(
            &targets(),
            "https://cignaforhcp.cigna.com",
            "desk",
            Some(&password),
        );
        let text = script.expose();
        let guard = text
            .find("location.origin !== \"https://cignaforhcp.cigna.com\"")
            .unwrap();
        let first_write = text.find("kdSet(u").unwrap();
        assert!(guard < first_write, "the origin check comes first");
        assert!(
            text.contains(r#"kdSet(p, "pa\"ss</script>word")"#),
            "the password is a JSON string"
        );
        assert!(text.contains("var u = kdAt(0), p = kdAt(1);"));
        assert!(text.contains("kdSend(kdAt(3), p || u)"));
        assert_eq!(
            format!("{script:?}"),
            "<redacted>",
            "a fill script is a secret"
        );
        let code = fill_code(
            &[4],
            Some(5),
            None,
            "https://x.example",
            &Secret::from("482913"),
        );
        assert!(
            code.expose()
                .starts_with("(function () {\nif (location.origin !== \"https://x.example\")")
        );
    }

    #[test]
    fn the_change_script_checks_the_origin_then_writes_the_new_password_twice() {
        let targets = crate::signin::change::ChangeTargets {
            current: Some(0),
            new: 1,
            confirm: 2,
            submit: Some(3),
        };
        let script = fill_change(
            &targets,
            "https://x.example",
            Some(&Secret::from("old\"pw")),
            &Secret::from("New</script>pw1!"),
        );
        let text = script.expose();
        let guard = text
            .find("location.origin !== \"https://x.example\"")
            .unwrap();
        assert!(
            guard < text.find("kdSet(").unwrap(),
            "the origin check comes first"
        );
        assert!(text.contains(r#"var current = "old\"pw";"#));
        assert!(text.contains(r#"var fresh = "New</script>pw1!";"#));
        assert!(text.contains("kdSet(n, fresh);\nkdSet(f, fresh);"));
        assert!(text.contains("var c = kdAt(0), n = kdAt(1), f = kdAt(2);"));
        assert!(text.contains("kdSend(kdAt(3), n)"));
        assert_eq!(format!("{script:?}"), "<redacted>");
        let without_current = crate::signin::change::ChangeTargets {
            current: None,
            ..targets
        };
        let script = fill_change(
            &without_current,
            "https://x.example",
            None,
            &Secret::from("N1!"),
        );
        assert!(script.expose().contains("var current = null;"));
    }

    #[test]
    fn a_username_page_gets_no_password() {
        let only_user = Targets {
            password: None,
            ..targets()
        };
        let script = fill_credentials(&only_user, "https://x.example", "desk", None);
        assert!(script.expose().contains("kdAt(null)"));
        assert!(script.expose().contains("if (p) kdSet(p, null);"));
    }

    #[test]
    fn a_secret_of_control_characters_is_escaped_whole() {
        // The worst case for the size reserved up front: every byte escaped as `\u00XX`.
        let nasty = Secret::new("\u{1}\u{1f}\"\\\n".repeat(40));
        let script = fill_code(&[0, 1, 2], None, Some(7), "https://x.example", &nasty);
        let literal = serde_json::to_string(nasty.expose()).unwrap();
        assert!(script.expose().contains(&format!("var code = {literal};")));
        assert!(script.expose().contains("var B = [0,1,2].map(kdAt);"));
        assert!(script.expose().contains("kdTick(kdAt(7))"));
        let back: String = serde_json::from_str(&literal).unwrap();
        assert_eq!(back, nasty.expose());
    }

    #[test]
    fn the_observe_script_carries_the_recipe_as_hints_and_markers() {
        let script = observe(&recipe());
        assert!(script.contains("#send-code"), "cigna's hint");
        assert!(script.contains("window.__kdControls = list"));
        assert!(script.contains("location.origin"));
        let pick = choose_channel("https://x.example", 2, Some(4));
        assert!(pick.contains("var t = kdAt(2);") && pick.contains("var s = kdAt(4);"));
    }
}
