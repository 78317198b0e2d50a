//! The detector on pages written as the real portals' (see the portals' facts in the issue) and
//! on the pages it must leave alone.

use super::*;

/// A control in form 0, stacked down the page in list order, 200×30 and shown.
pub(crate) fn c(i: u32, tag: &str, kind: &str) -> Control {
    Control {
        i,
        tag: tag.into(),
        kind: kind.into(),
        visible: true,
        x: 100.0,
        y: 40.0 * f64::from(i),
        w: 200.0,
        h: 30.0,
        form: Some(0),
        form_action: Some("https://portal.example".into()),
        ..Control::default()
    }
}

pub(crate) trait Build: Sized {
    fn set(self, f: impl FnOnce(&mut Control)) -> Self;
    fn name(self, v: &str) -> Self {
        self.set(|c| c.name = v.into())
    }
    fn id(self, v: &str) -> Self {
        self.set(|c| c.id = v.into())
    }
    fn label(self, v: &str) -> Self {
        self.set(|c| c.label = v.into())
    }
    fn text(self, v: &str) -> Self {
        self.set(|c| c.text = v.into())
    }
    fn ac(self, v: &str) -> Self {
        self.set(|c| c.autocomplete = v.into())
    }
    fn data(self, v: &str) -> Self {
        self.set(|c| c.data = v.into())
    }
    fn value(self, v: &str) -> Self {
        self.set(|c| c.value = v.into())
    }
    fn form(self, v: Option<u32>) -> Self {
        self.set(|c| c.form = v)
    }
    fn max(self, v: i64) -> Self {
        self.set(|c| c.maxlength = Some(v))
    }
    fn at(self, x: f64, y: f64) -> Self {
        self.set(|c| {
            c.x = x;
            c.y = y;
        })
    }
    fn size(self, w: f64, h: f64) -> Self {
        self.set(|c| {
            c.w = w;
            c.h = h;
        })
    }
    fn hidden(self) -> Self {
        self.set(|c| c.visible = false)
    }
    fn hint(self, v: &str) -> Self {
        self.set(|c| c.hint.push(v.into()))
    }
}

impl Build for Control {
    fn set(mut self, f: impl FnOnce(&mut Control)) -> Self {
        f(&mut self);
        self
    }
}

fn text(i: u32) -> Control {
    c(i, "input", "text")
}
fn password(i: u32) -> Control {
    c(i, "input", "password")
}
fn button(i: u32, words: &str) -> Control {
    c(i, "button", "submit").text(words)
}
fn checkbox(i: u32, label: &str) -> Control {
    c(i, "input", "checkbox").label(label)
}
fn radio(i: u32, label: &str) -> Control {
    c(i, "input", "radio").label(label)
}

#[test]
fn a_textbook_page_gives_username_password_submit_and_remember() {
    let page = [
        text(0).ac("username").name("username"),
        password(1).ac("current-password"),
        checkbox(2, "Remember me"),
        c(3, "a", "").text("Forgot password?"),
        button(4, "Sign in"),
    ];
    let r = read(&page, "Sign in");
    assert_eq!(
        (r.username, r.password, r.remember, r.submit),
        (Some(0), Some(1), Some(2), Some(4))
    );
    assert_eq!(r.refused, None);
    assert_eq!(r.form_action.as_deref(), Some("https://portal.example"));
}

#[test]
fn plainly_named_boxes_are_found_by_their_place_and_words() {
    // Availity's legacy page: #userId, #password, "Sign In"; a "Show" toggle beside the password.
    let page = [
        text(0).id("userId").name("userId"),
        password(1).id("password"),
        c(2, "button", "button").text("Show"),
        button(3, "Sign In"),
    ];
    let r = read(&page, "");
    assert_eq!(
        (r.username, r.password, r.submit),
        (Some(0), Some(1), Some(3))
    );
    // A box named nothing at all before the password is still the username.
    let bare = [text(0).name("x1"), password(1), button(2, "Go")];
    let r = read(&bare, "");
    assert_eq!((r.username, r.submit), (Some(0), Some(2)));
    // The one box before the password is the login name, whatever its name looks like.
    let lname = [
        text(0).name("lname"),
        password(1).name("lpass"),
        button(2, "Login"),
    ];
    assert_eq!(read(&lname, "").username, Some(0));
}

#[test]
fn identifier_first_pages_ohid_and_okta() {
    // One Healthcare ID: #username (data-testid), Continue (#btnLogin); then #login-pwd.
    let first = [
        text(0)
            .id("username")
            .data("username")
            .label("One Healthcare ID"),
        button(1, "Continue").id("btnLogin"),
    ];
    let r = read(&first, "Sign In With Your One Healthcare ID");
    assert_eq!((r.username, r.password, r.submit), (Some(0), None, Some(1)));
    let second = [
        password(0).id("login-pwd"),
        button(1, "Continue").id("btnLogin"),
    ];
    let r = read(&second, "");
    assert_eq!((r.username, r.password, r.submit), (None, Some(0), Some(1)));
    // Okta (Delta Dental): identifier + "Remember me" + Next; then credentials.passcode.
    let okta = [
        text(0).name("identifier").label("Username").ac("username"),
        checkbox(1, "Remember me (providers only)").name("rememberMe"),
        c(2, "input", "submit")
            .value("Next")
            .text("Next")
            .data("save"),
    ];
    let r = read(&okta, "Sign In");
    assert_eq!(
        (r.username, r.remember, r.submit),
        (Some(0), Some(1), Some(2))
    );
    let okta_pw = [
        password(0).name("credentials.passcode").label("Password"),
        c(1, "input", "submit").text("Verify"),
    ];
    let r = read(&okta_pw, "Verify with your password");
    assert_eq!((r.password, r.submit, r.code), (Some(0), Some(1), vec![]));
}

#[test]
fn method_pickers_by_radio_button_or_text_in_english_and_spanish() {
    // Availity: radios name="choice", Continue.
    let availity = [
        radio(0, "Authenticate me using my Authenticator app")
            .name("choice")
            .value("totp"),
        radio(1, "Send me a text message (SMS)")
            .name("choice")
            .value("sms"),
        radio(2, "Enter a one-time use backup code")
            .name("choice")
            .value("backup"),
        button(3, "Continue"),
    ];
    let r = read(&availity, "How would you like to authenticate?");
    assert_eq!(
        r.choices,
        vec![
            (Method::Authenticator, 0),
            (Method::Text, 1),
            (Method::BackupCode, 2)
        ]
    );
    assert_eq!(r.choice_submit, Some(3));
    // OHID: buttons by text only.
    let ohid = [
        c(0, "button", "button").text("Via Text Message"),
        c(1, "button", "button").text("Via Call"),
        c(2, "a", "").text("Contact support"),
    ];
    let r = read(&ohid, "Verify Your Identity");
    assert_eq!(r.choices, vec![(Method::Text, 0), (Method::Call, 1)]);
    // MyChart: "Email to me", "Text to my phone", with no ids; "Resend code" is no choice.
    let mychart = [
        c(0, "a", "").text("Email to me"),
        c(1, "a", "").text("Text to my phone"),
        c(2, "button", "button").text("Resend code"),
    ];
    let r = read(&mychart, "");
    assert_eq!(r.choices, vec![(Method::Email, 0), (Method::Text, 1)]);
    let spanish = [
        c(0, "button", "button").text("Enviar por correo electrónico"),
        c(1, "button", "button").text("Enviar un mensaje de texto"),
    ];
    let r = read(&spanish, "Verifique su identidad");
    assert_eq!(r.choices, vec![(Method::Email, 0), (Method::Text, 1)]);
    // "Send verification code" (Cigna) says no method: the portal's own.
    let cigna = [
        button(0, "Send verification code"),
        c(1, "a", "").text("Sign out"),
    ];
    assert_eq!(read(&cigna, "").choices, vec![(Method::Default, 0)]);
    // A page of links about e-mail is no picker.
    let footer = [
        c(0, "a", "").text("Email Us"),
        c(1, "a", "").text("Context help"),
    ];
    assert!(read(&footer, "").choices.is_empty());
}

#[test]
fn code_pages_of_the_portals_and_their_remember_controls() {
    // OHID: data-testid="accessCodeBox", "Skip this step…" checkbox, Continue.
    let ohid = [
        text(0).data("accessCodeBox"),
        checkbox(
            1,
            "Skip this step in future if this is your private device.",
        ),
        button(2, "Continue"),
    ];
    let r = read(&ohid, "Access Code");
    assert_eq!(
        (r.code.clone(), r.remember, r.code_submit),
        (vec![0], Some(1), Some(2))
    );
    // Cigna: data-test="txt-verification-code", the remember *radio*, btn-submit.
    let cigna = [
        text(0).data("txt-verification-code"),
        radio(1, "Ask me for a code every time").data("rdo-remember-no"),
        radio(2, "Don't ask me for a code the next time I log in")
            .id("rememberYes")
            .data("rdo-remember-yes"),
        button(3, "Submit").data("btn-submit"),
    ];
    let r = read(&cigna, "");
    assert_eq!(
        (r.code.clone(), r.remember, r.code_submit),
        (vec![0], Some(2), Some(3))
    );
    // MyChart: #twofactorcode, "Trust this device for 30 days", a toggle switch elsewhere.
    let mychart = [
        text(0).id("twofactorcode").label("Enter Code"),
        c(1, "div", "")
            .set(|x| x.role = "switch".into())
            .label("Trust this device"),
        button(2, "Verify").id("submitSecondaryValidation"),
    ];
    let r = read(&mychart, "");
    assert_eq!(
        (r.code.clone(), r.remember, r.code_submit),
        (vec![0], Some(1), Some(2))
    );
}

#[test]
fn one_box_per_digit_is_read_in_reading_order() {
    let mut page: Vec<Control> = (0..6)
        .map(|i| text(i).max(1).at(100.0 + 40.0 * f64::from(5 - i), 200.0))
        .collect();
    page.push(button(6, "Verify"));
    let r = read(&page, "Enter the code");
    assert_eq!(r.code, vec![5, 4, 3, 2, 1, 0]);
    assert_eq!(r.code_submit, Some(6));
}

#[test]
fn sign_up_and_change_password_pages_are_refused() {
    let signup = [
        text(0).ac("email").name("email"),
        password(1).ac("new-password"),
        password(2).name("confirm"),
        button(3, "Continue"),
    ];
    assert_eq!(read(&signup, "").refused, Some(Refusal::TwoPasswords));
    let change = [
        password(0),
        password(1),
        password(2),
        button(3, "Change password"),
    ];
    let r = read(&change, "Change your password");
    assert_eq!(r.refused, Some(Refusal::TwoPasswords));
    assert_eq!((r.password, r.username, r.submit), (None, None, None));
    let register = [
        text(0).label("First name"),
        text(1).label("Last name"),
        text(2).ac("email").label("Email"),
        password(3),
        button(4, "Create account"),
    ];
    assert_eq!(read(&register, "").refused, Some(Refusal::Registration));
}

#[test]
fn a_login_form_beside_a_sign_up_form_is_the_one_chosen() {
    let page = [
        text(0).name("email").form(Some(1)),
        password(1).form(Some(1)),
        password(2).form(Some(1)),
        button(3, "Register").form(Some(1)),
        text(4).name("login").form(Some(2)),
        password(5).form(Some(2)),
        button(6, "Log in").form(Some(2)),
    ];
    let r = read(&page, "");
    assert_eq!(
        (r.username, r.password, r.submit),
        (Some(4), Some(5), Some(6))
    );
}

#[test]
fn hidden_and_zero_size_decoys_are_never_chosen() {
    let page = [
        text(0).name("username").size(0.0, 0.0),
        password(1).hidden(),
        text(2).name("username2").at(-5000.0, 10.0),
        text(3).name("user").label("User ID"),
        password(4).name("pass"),
        button(5, "Sign in").size(1.0, 1.0),
        button(6, "Sign in"),
    ];
    let r = read(&page, "");
    assert_eq!(
        (r.username, r.password, r.submit),
        (Some(3), Some(4), Some(6))
    );
    // A page of decoys only is nothing.
    let decoys = [
        text(0).name("username").hidden(),
        password(1).size(0.0, 0.0),
    ];
    assert_eq!(read(&decoys, ""), Reading::default());
}

#[test]
fn search_newsletter_payment_and_recovery_pages_are_left_alone() {
    let search = [
        c(0, "input", "search").name("q").placeholder_("Search"),
        button(1, "Search"),
    ];
    assert_eq!(read(&search, ""), Reading::default());
    let newsletter = [
        c(0, "input", "email")
            .name("email")
            .placeholder_("Your email"),
        button(1, "Subscribe"),
    ];
    assert_eq!(read(&newsletter, "").username, None);
    let payment = [
        text(0).ac("cc-number").name("cardnumber"),
        text(1).name("cvv"),
        button(2, "Pay"),
    ];
    assert_eq!(read(&payment, "").refused, Some(Refusal::Payment));
    let forgot = [
        c(0, "input", "email").name("email").label("Email"),
        button(1, "Continue"),
    ];
    assert_eq!(
        read(&forgot, "Forgot your password?").refused,
        Some(Refusal::Recovery)
    );
    let contact = [
        text(0).label("Your name"),
        c(1, "input", "email").label("Email"),
        c(2, "textarea", "").label("Message"),
        button(3, "Send"),
    ];
    assert_eq!(read(&contact, "").username, None);
}

#[test]
fn spanish_pages_are_read_too() {
    let page = [
        text(0).label("Usuario"),
        password(1).label("Contraseña"),
        c(2, "input", "checkbox").label("Recordar este dispositivo"),
        button(3, "Iniciar sesión"),
    ];
    let r = read(&page, "");
    assert_eq!(
        (r.username, r.password, r.remember, r.submit),
        (Some(0), Some(1), Some(2), Some(3))
    );
    let code = [
        text(0).label("Código de verificación"),
        button(1, "Verificar"),
    ];
    let r = read(&code, "");
    assert_eq!((r.code, r.code_submit), (vec![0], Some(1)));
}

#[test]
fn a_recipe_hint_wins_its_role() {
    let page = [
        text(0).name("email").ac("email"),
        text(1).name("zz9").hint("username"),
        password(2),
        button(3, "Sign in"),
        c(4, "button", "button").text("Proceed").hint("submit"),
    ];
    let r = read(&page, "");
    assert_eq!((r.username, r.submit), (Some(1), Some(4)));
    let code = [text(0).name("weird").hint("code"), button(1, "OK")];
    assert_eq!(read(&code, "").code, vec![0]);
}

#[test]
fn words_are_matched_as_words() {
    assert!(says("text to my phone", "text"));
    assert!(!says("context", "text"));
    assert!(!says("facebook", "ok"));
    assert!(says("ok", "ok"));
    assert!(says("username", "user"));
    assert!(has("txtusername", &["user"]));
}

trait Placeholder {
    fn placeholder_(self, v: &str) -> Self;
}
impl Placeholder for Control {
    fn placeholder_(mut self, v: &str) -> Self {
        self.placeholder = v.into();
        self
    }
}

#[test]
fn a_link_styled_as_the_forms_button_and_an_unloaded_image_button_send_the_form() {
    let page = [
        text(0).name("username"),
        password(1).name("password"),
        c(2, "a", "").text("Forgot password?"),
        c(3, "a", "").text("Login"),
    ];
    assert_eq!(read(&page, "").submit, Some(3));
    let image = [
        text(0).name("email_login"),
        password(1),
        c(2, "input", "image").name("btn_login").size(0.0, 0.0),
        button(3, "OK").form(Some(5)),
    ];
    assert_eq!(
        read(&image, "").submit,
        Some(2),
        "never another form's button"
    );
}

#[test]
fn a_pin_among_other_fields_is_no_code_box() {
    let order = [
        c(0, "input", "email").name("email").label("Email"),
        text(1).name("orderPin").label("Order PIN"),
        button(2, "Check status"),
    ];
    assert_eq!(read(&order, "Order status"), Reading::default());
}

#[test]
fn a_sign_in_form_hidden_until_a_click_is_read_behind_its_link_and_never_as_the_page_form() {
    let page = [
        c(0, "a", "").text("Sign in").form(None),
        c(1, "a", "").text("Sign up").form(None),
        text(2).name("email").label("Email").form(Some(1)).hidden(),
        password(3).name("passwd").form(Some(1)).hidden(),
        button(4, "Log in").form(Some(1)).hidden(),
    ];
    let r = read(&page, "Welcome");
    assert_eq!((r.username, r.password, r.submit), (None, None, None));
    assert_eq!(
        r.behind,
        Some(Behind {
            username: 2,
            password: 3,
            submit: 4,
            reveal: Some(0),
        })
    );
}

#[test]
fn hidden_forms_beside_a_visible_one_a_hidden_sign_up_and_a_half_hidden_form_are_not_behind() {
    // A visible sign-in form wins; the hidden copy (a decoy, or a layer) is never read.
    let visible = [
        text(0).name("username"),
        password(1),
        button(2, "Sign in"),
        text(3).name("user2").form(Some(1)).hidden(),
        password(4).form(Some(1)).hidden(),
    ];
    let r = read(&visible, "Sign in");
    assert_eq!((r.password, r.behind), (Some(1), None));
    // A hidden sign-up (two passwords) is nothing to open.
    let sign_up = [
        c(0, "a", "").text("Log in").form(None),
        text(1).name("email").form(Some(1)).hidden(),
        password(2).form(Some(1)).hidden(),
        password(3).name("confirm").form(Some(1)).hidden(),
        button(4, "Create account").form(Some(1)).hidden(),
    ];
    assert_eq!(read(&sign_up, "").behind, None);
    // A form with a visible field is not behind a click: its hidden password is a decoy.
    let half = [
        text(0).name("search").label("Search"),
        password(1).hidden(),
        button(2, "Go"),
    ];
    assert_eq!(read(&half, "").behind, None);
}
