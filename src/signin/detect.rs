//! The page detector: from the controls the observe script saw ([`Control`]), which one is the
//! username, the password, the button that sends them, the code box (or boxes, one per digit),
//! "remember this device", and the choices of how the code is sent — or that the page is not a
//! sign-in page at all (sign-up or password change, registration, payment, search), which is
//! never filled.
//!
//! It reads what a person reads: a control's type, `autocomplete`, name and id, label,
//! placeholder, visible text (English and Spanish), its form and where it sits. A portal's recipe
//! adds hints (a control its selectors match wins its role); a page the recipe and the detector
//! both find nothing on stops the sign-in before anything is typed. Only controls a person could
//! see and use count ([`Control::usable`]): hidden and zero-size decoys are never chosen.

use super::control::Control;

/// How a portal may send or make the code, as a page offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// By e-mail.
    Email,
    /// By text message.
    Text,
    /// By a voice call.
    Call,
    /// From an authenticator app.
    Authenticator,
    /// A backup (recovery) code.
    BackupCode,
    /// "Send verification code", without saying how: the way the portal always sends it.
    Default,
}

/// Why a page is not a sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Two password fields in one form: signing up or changing the password.
    TwoPasswords,
    /// A registration form (names, birth date, "Create account").
    Registration,
    /// A payment form (card number, security code).
    Payment,
    /// A page to recover or reset a forgotten password or username.
    Recovery,
}

/// What the detector decided about a page. Every control is named by its [`Control::i`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Reading {
    /// The username (or e-mail) box.
    pub username: Option<u32>,
    /// The password box.
    pub password: Option<u32>,
    /// The button that sends the username and/or password.
    pub submit: Option<u32>,
    /// The code box, or its boxes in reading order (one per character).
    pub code: Vec<u32>,
    /// The button that sends the code.
    pub code_submit: Option<u32>,
    /// "Remember this device" (checkbox, radio or switch).
    pub remember: Option<u32>,
    /// The ways the page offers to send the code, with the control that picks each.
    pub choices: Vec<(Method, u32)>,
    /// The button that confirms a choice made with a radio ("Continue").
    pub choice_submit: Option<u32>,
    /// The page is not a sign-in page.
    pub refused: Option<Refusal>,
    /// The origin the chosen form posts to, when it is a form with an action.
    pub form_action: Option<String>,
    /// A sign-in form the page keeps hidden until a click, when nothing visible is one.
    pub behind: Option<Behind>,
}

/// A sign-in form hidden until a click ("Sign in" opens a layer over the page). Its controls
/// are never filled while hidden: the machine clicks `reveal` and reads the page again.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Behind {
    /// Its username box.
    pub username: u32,
    /// Its password box.
    pub password: u32,
    /// Its button.
    pub submit: u32,
    /// The visible link or button that says it opens the sign-in ("Sign in", "Log in").
    pub reveal: Option<u32>,
}

impl Reading {
    /// The page asks for a code.
    pub fn asks_code(&self) -> bool {
        !self.code.is_empty()
    }
}

#[path = "words.rs"]
mod words;
use words::*;

/// Decides the roles of a page's controls; `heading` is the page's title and headings.
pub fn read(controls: &[Control], heading: &str) -> Reading {
    let heading = heading.to_lowercase();
    let usable: Vec<&Control> = controls.iter().filter(|c| c.usable()).collect();
    let mut reading = Reading::default();
    if usable.iter().any(|c| is_payment(c)) {
        reading.refused = Some(Refusal::Payment);
        return reading;
    }
    let passwords: Vec<&Control> = usable.iter().copied().filter(|c| c.is_password()).collect();
    // One password per form is a sign-in form; two or more are a sign-up or a change.
    let mut login_groups: Vec<Option<u32>> = Vec::new();
    let mut refused_groups = 0;
    for p in &passwords {
        let in_group = passwords.iter().filter(|q| q.form == p.form).count();
        if in_group >= 2 {
            refused_groups += 1;
        } else if !login_groups.contains(&p.form) {
            login_groups.push(p.form);
        }
    }
    if login_groups.is_empty() && refused_groups > 0 {
        reading.refused = Some(Refusal::TwoPasswords);
        return reading;
    }
    let group = |form: Option<u32>| -> Vec<&Control> {
        usable.iter().copied().filter(|c| c.form == form).collect()
    };
    // Among the sign-in forms, the first that is not a registration form.
    let mut registration_seen = false;
    for form in login_groups {
        let members = group(form);
        if is_registration(&members) {
            registration_seen = true;
            continue;
        }
        let password = members
            .iter()
            .copied()
            .filter(|c| c.is_password())
            .max_by_key(|c| c.hinted("password") as u8)
            .expect("a login group has its password");
        reading.password = Some(password.i);
        reading.username = username_for(&members, Some(password)).map(|c| c.i);
        reading.submit = submit_in(&members, &usable, password, "submit").map(|c| c.i);
        reading.remember = remember_in(&members).map(|c| c.i);
        reading.form_action = password.form_action.clone();
        return reading;
    }
    if registration_seen {
        reading.refused = Some(Refusal::Registration);
        return reading;
    }
    // No password: a code page, an identifier-first page, or a choice of channel.
    if let Some(boxes) = code_boxes(&usable) {
        let first = boxes[0];
        let members = group(first.form);
        reading.code = boxes.iter().map(|c| c.i).collect();
        reading.code_submit = submit_in(&members, &usable, first, "code_submit").map(|c| c.i);
        reading.remember = remember_in(&members)
            .or_else(|| remember_in(&usable))
            .map(|c| c.i);
        reading.form_action = first.form_action.clone();
        return reading;
    }
    if let Some(user) = identifier_first(&usable) {
        if any(&heading, RECOVERY) {
            reading.refused = Some(Refusal::Recovery);
            return reading;
        }
        let members = group(user.form);
        if is_registration(&members) {
            reading.refused = Some(Refusal::Registration);
            return reading;
        }
        if let Some(submit) = submit_in(&members, &usable, user, "submit") {
            let login_like = user.hinted("username")
                || submit.hinted("submit")
                || any(&text_of(submit), NEXT_BUTTON);
            if login_like {
                reading.username = Some(user.i);
                reading.submit = Some(submit.i);
                reading.remember = remember_in(&members).map(|c| c.i);
                reading.form_action = user.form_action.clone();
                return reading;
            }
        }
    }
    reading.choices = choices(&usable);
    if reading.choices.is_empty() {
        reading.behind = behind_a_click(controls, &usable);
    }
    if let Some((_, first)) = reading.choices.first() {
        let first = usable.iter().find(|c| c.i == *first).copied();
        if let Some(radio) = first.filter(|c| c.is_radio()) {
            let members = group(radio.form);
            reading.choice_submit = submit_in(&members, &usable, radio, "submit").map(|c| c.i);
            reading.form_action = radio.form_action.clone();
        }
    }
    reading
}

/// The first form whose every control is hidden and that would be a sign-in form if shown:
/// one password, a username and a button, not a registration. A lone hidden field beside a visible form is a
/// decoy and never counts; so does a disabled one.
fn behind_a_click(controls: &[Control], usable: &[&Control]) -> Option<Behind> {
    let hidden_password = |c: &&Control| c.is_password() && !c.usable() && !c.disabled;
    controls
        .iter()
        .filter(hidden_password)
        .find_map(|password| {
            let form = password.form?;
            let members: Vec<&Control> = controls.iter().filter(|c| c.form == Some(form)).collect();
            if members.iter().any(|c| c.usable())
                || members.iter().filter(|c| c.is_password()).count() != 1
                || is_registration(&members)
            {
                return None;
            }
            let username = username_for(&members, Some(password))?;
            let submit = submit_in(&members, &members, password, "submit")?;
            Some(Behind {
                username: username.i,
                password: password.i,
                submit: submit.i,
                reveal: reveal_in(usable).map(|c| c.i),
            })
        })
}

/// The visible link or button that opens a hidden sign-in form: it says "Sign in" or "Log in"
/// (in English or Spanish) and nothing of signing up.
fn reveal_in<'a>(usable: &[&'a Control]) -> Option<&'a Control> {
    usable.iter().copied().find(|c| {
        let clickable = matches!(c.tag.as_str(), "a" | "button")
            || c.role == "button"
            || (c.tag == "input" && matches!(c.kind.as_str(), "button" | "submit"));
        let words = c.words();
        clickable && any(&words, REVEAL) && !any(&words, REGISTER)
    })
}

fn is_payment(c: &Control) -> bool {
    let attrs = c.attrs();
    c.autocomplete.to_lowercase().starts_with("cc-")
        || has(
            &attrs,
            &[
                "cardnumber",
                "card-number",
                "card_number",
                "cvv",
                "cvc",
                "securitycode",
            ],
        )
}

/// A form that asks for more than a sign-in does: names, birth date, address, a second e-mail,
/// or whose only buttons create an account.
fn is_registration(members: &[&Control]) -> bool {
    let extra = members
        .iter()
        .filter(|c| c.is_text_box() && !c.is_password())
        .filter(|c| {
            has(
                &text_of(c),
                &[
                    "first", "last", "fname", "lname", "birth", "zip", "postal", "street", "phone",
                    "confirm", "apellido", "company",
                ],
            )
        })
        .count();
    let buttons: Vec<&&Control> = members.iter().filter(|c| c.is_button()).collect();
    let registers = buttons.iter().any(|b| any(&b.words(), REGISTER));
    let logs_in = buttons
        .iter()
        .any(|b| any(&b.words(), LOGIN_BUTTON) && !any(&b.words(), REGISTER));
    extra >= 2 || (registers && !logs_in)
}

fn username_score(c: &Control) -> i32 {
    if !c.is_text_box() || c.is_password() {
        return i32::MIN;
    }
    let (attrs, words) = (c.attrs(), c.words());
    let mut score = 0;
    if c.hinted("username") {
        score += 100;
    }
    let ac = c.autocomplete.to_lowercase();
    if ac.contains("username") {
        score += 10;
    } else if ac.contains("email") {
        score += 6;
    }
    if c.kind == "email" {
        score += 6;
    }
    if has(&attrs, USER_ATTRS) {
        score += 5;
    }
    if any(&words, USER_WORDS) {
        score += 5;
    }
    if c.kind == "search" || c.name == "q" || c.role == "searchbox" {
        score -= 50;
    }
    if has(&format!("{attrs} {words}"), NOT_USER) && !c.hinted("username") {
        score -= 20;
    }
    if c.maxlength == Some(1) {
        score -= 20;
    }
    score
}

/// The username box of a sign-in form: the best-named text box before the password, or else
/// the nearest text box before it.
fn username_for<'a>(members: &[&'a Control], password: Option<&Control>) -> Option<&'a Control> {
    let before = |c: &&&Control| password.is_none_or(|p| c.i < p.i);
    let best = members
        .iter()
        .filter(before)
        .map(|c| (username_score(c), *c))
        .filter(|(s, _)| *s > i32::MIN)
        .max_by_key(|(s, c)| (*s, c.i))?;
    if best.0 > 0 {
        return Some(best.1);
    }
    // A plain box just before the password (name="x"), unless it is clearly something else;
    // the one box before the password of a form holding nothing else is its username whatever
    // its name says ("lname" is a login name there, not a last name).
    let boxes: Vec<&Control> = members
        .iter()
        .filter(before)
        .filter(|c| c.is_text_box() && !c.is_password() && username_score(c) > -50)
        .copied()
        .collect();
    if let [only] = boxes.as_slice()
        && password.is_some()
        && members.iter().filter(|c| c.is_text_box()).count() == 2
    {
        return Some(only);
    }
    boxes
        .into_iter()
        .filter(|c| username_score(c) > -20)
        .max_by_key(|c| c.i)
}

/// A page that asks for the username alone (the password comes on the next page).
fn identifier_first<'a>(usable: &[&'a Control]) -> Option<&'a Control> {
    let user = usable
        .iter()
        .map(|c| (username_score(c), *c))
        .filter(|(s, _)| *s >= 5)
        .max_by_key(|(s, c)| (*s, std::cmp::Reverse(c.i)))?
        .1;
    let others = usable
        .iter()
        .filter(|c| c.form == user.form && c.is_text_box() && c.i != user.i)
        .count();
    (others == 0 || (others == 1 && user.hinted("username"))).then_some(user)
}

fn submit_score(c: &Control, near: &Control, role: &str) -> i32 {
    // A link in the form styled as its button ("Login") may send it; elsewhere a link is no
    // submit.
    let form_link = c.is_link() && near.form.is_some() && c.form == near.form;
    if !c.is_button() && !form_link {
        return i32::MIN;
    }
    let text = text_of(c);
    let mut score = 0;
    if c.hinted(role) {
        score += 100;
    }
    if c.kind == "submit" || c.kind == "image" {
        score += 4;
    }
    if any(&text, LOGIN_BUTTON) {
        score += 6;
    } else if form_link {
        return i32::MIN;
    }
    if any(&text, NOT_SUBMIT) {
        score -= 20;
    }
    if c.i > near.i {
        score += 1;
    }
    if c.form.is_none() || c.form != near.form {
        // Outside the form: the nearer below the field, the likelier.
        let distance = ((c.y - near.y).abs() + (c.x - near.x).abs()) as i32;
        score -= 2 + distance / 200;
    }
    score
}

/// The button that sends the form `near` is in (looked for in its form, then on the page).
fn submit_in<'a>(
    members: &[&'a Control],
    usable: &[&'a Control],
    near: &Control,
    role: &str,
) -> Option<&'a Control> {
    let pick = |list: &[&'a Control]| {
        list.iter()
            .map(|c| (submit_score(c, near, role), *c))
            .filter(|(s, _)| *s > 0)
            .max_by_key(|(s, c)| (*s, std::cmp::Reverse(c.i)))
            .map(|(_, c)| c)
    };
    match near.form {
        // In a form: its own buttons, else one outside every form (never another form's).
        Some(_) => pick(members).or_else(|| {
            let formless: Vec<&Control> = usable
                .iter()
                .copied()
                .filter(|c| c.form.is_none())
                .collect();
            pick(&formless)
        }),
        None => pick(usable),
    }
}

fn remember_score(c: &Control) -> i32 {
    if !c.is_toggle() && !c.is_radio() {
        return i32::MIN;
    }
    let text = text_of(c);
    let mut score = 0;
    if c.hinted("remember") {
        score += 100;
    }
    if any(&text, REMEMBER) {
        score += 10;
    }
    if any(&text, NOT_REMEMBER) {
        score -= 30;
    }
    score
}

fn remember_in<'a>(members: &[&'a Control]) -> Option<&'a Control> {
    members
        .iter()
        .map(|c| (remember_score(c), *c))
        .filter(|(s, _)| *s >= 10)
        .max_by_key(|(s, c)| (*s, std::cmp::Reverse(c.i)))
        .map(|(_, c)| c)
}

fn code_score(c: &Control) -> i32 {
    if !c.is_text_box() || c.is_password() || c.kind == "email" {
        return i32::MIN;
    }
    let (attrs, words) = (c.attrs(), c.words());
    let mut score = 0;
    if c.hinted("code") {
        score += 100;
    }
    if c.autocomplete.to_lowercase().contains("one-time-code") {
        score += 10;
    }
    if has(&attrs, CODE_ATTRS) {
        score += 6;
    }
    if any(&words, CODE_WORDS) {
        score += 5;
    }
    if c.inputmode == "numeric" || c.kind == "number" || c.kind == "tel" {
        score += 1;
    }
    if has(&format!("{attrs} {words}"), NOT_CODE) && !c.hinted("code") {
        score -= 20;
    }
    score
}

/// The code box, or a row of 4 to 8 one-character boxes in one form (in reading order).
fn code_boxes<'a>(usable: &[&'a Control]) -> Option<Vec<&'a Control>> {
    let singles: Vec<&Control> = usable
        .iter()
        .copied()
        .filter(|c| c.is_text_box() && c.maxlength == Some(1))
        .collect();
    if let Some(first) = singles.first() {
        let mut row: Vec<&Control> = singles
            .iter()
            .copied()
            .filter(|c| c.form == first.form && (c.y - first.y).abs() < 12.0)
            .collect();
        if (4..=8).contains(&row.len()) {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            return Some(row);
        }
    }
    // A code box stands alone in its form: one among other fields is something else (an
    // order number's PIN, a coupon).
    let alone = |c: &Control| {
        !usable.iter().any(|o| {
            o.i != c.i && o.form == c.form && o.is_text_box() && o.kind != "search" && o.name != "q"
        })
    };
    usable
        .iter()
        .map(|c| (code_score(c), *c))
        .filter(|(s, c)| *s >= 5 && (alone(c) || c.hinted("code")))
        .max_by_key(|(s, c)| (*s, std::cmp::Reverse(c.i)))
        .map(|(_, c)| vec![c])
}

/// The method a choice control offers, from its text (or its recipe hint).
pub fn method_of(c: &Control) -> Option<Method> {
    if c.hinted("send_code_email") {
        return Some(Method::Email);
    }
    if c.hinted("send_code_sms") {
        return Some(Method::Text);
    }
    if !(c.is_radio() || c.is_button() || c.is_link()) {
        return None;
    }
    let words = c.words();
    let text = format!("{} {}", words, c.value.to_lowercase());
    if text.trim().is_empty() || words.len() > 120 || any(&words, NOT_CHOICE) {
        return None;
    }
    let bare = matches!(
        words.trim(),
        "email" | "e-mail" | "sms" | "text" | "text message" | "call" | "voice call" | "correo"
    );
    if !c.is_radio() && !bare && !any(&words, SEND_CONTEXT) {
        return None;
    }
    let method = if any(&text, &["backup", "recovery code", "respaldo"]) {
        Method::BackupCode
    } else if any(
        &text,
        &[
            "authenticator",
            "autenticador",
            "authentication app",
            "okta verify",
        ],
    ) {
        Method::Authenticator
    } else if any(&text, &["email", "e-mail", "correo"]) {
        Method::Email
    } else if any(&text, &["text", "sms", "mensaje", "texto"]) {
        Method::Text
    } else if any(&text, &["call", "voice", "llamada", "llamar", "voz"]) {
        Method::Call
    } else if any(&words, &["send", "enviar", "get", "recibir"])
        && any(&words, &["code", "código", "codigo"])
    {
        Method::Default
    } else {
        return None;
    };
    Some(method)
}

fn choices(usable: &[&Control]) -> Vec<(Method, u32)> {
    let mut found: Vec<(Method, u32)> = Vec::new();
    for c in usable {
        if let Some(m) = method_of(c)
            && !found.iter().any(|(seen, _)| *seen == m)
        {
            found.push((m, c.i));
        }
    }
    found
}

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;
