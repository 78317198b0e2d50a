//! One control of a portal page as the observe script reports it (see [`super::script`]): what
//! a person at the desk could see of it, never its typed value. The page detector
//! ([`super::detect`]) decides from a list of these which control plays which part.

/// One input, button, link or ARIA widget of the page.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Control {
    /// Its place in the page's list of controls: the handle a fill script acts on.
    pub i: u32,
    /// The element's tag, lower case (`input`, `button`, `a`, `select`, `div`…).
    pub tag: String,
    /// For an input its `type` (lower case, `text` when missing); for a button its `type`.
    pub kind: String,
    /// Its ARIA `role`.
    pub role: String,
    /// Its `autocomplete`.
    pub autocomplete: String,
    /// Its `name`.
    pub name: String,
    /// Its `id`.
    pub id: String,
    /// The text of its label (`<label for>`, a wrapping label, `aria-label`, `aria-labelledby`).
    pub label: String,
    /// Its `placeholder`.
    pub placeholder: String,
    /// Its visible text (a button's or link's text; a submit input's value).
    pub text: String,
    /// Its test and automation attributes (`data-test`, `data-testid`, `data-se`, …), joined.
    pub data: String,
    /// A choice's or checkbox's `value` attribute (never a text field's value).
    pub value: String,
    /// Its `inputmode`.
    pub inputmode: String,
    /// Its `maxlength`, when set.
    pub maxlength: Option<i64>,
    /// The index of its form among the page's forms.
    pub form: Option<u32>,
    /// The origin its form posts to (the action resolved against the page), when in a form.
    pub form_action: Option<String>,
    /// Shown: not `display: none`, not `visibility: hidden`, not `aria-hidden`, has a box.
    pub visible: bool,
    /// Disabled.
    pub disabled: bool,
    /// Checked (checkbox, radio, switch).
    pub checked: bool,
    /// Its box on the page, in CSS pixels.
    pub x: f64,
    /// Its box's top.
    pub y: f64,
    /// Its box's width.
    pub w: f64,
    /// Its box's height.
    pub h: f64,
    /// The recipe roles whose selectors match it (`username`, `password`, `submit`, `code`,
    /// `code_submit`, `remember`, `send_code_email`, `send_code_sms`): the portal's hints.
    pub hint: Vec<String>,
    /// Its opening tag as `outerHTML` begins, up to the first `>` (for `tests/pages/inspect`).
    pub tag_html: String,
}

impl Control {
    /// Something a person could see and use: shown, enabled, at least 2×2 pixels and not
    /// pushed off the page. Hidden and zero-size decoys are never filled.
    pub fn usable(&self) -> bool {
        // An image button whose picture did not load has no size but is still the button.
        let image_button = self.tag == "input" && self.kind == "image" && self.visible;
        (image_button && !self.disabled && self.x >= 0.0 && self.y >= 0.0)
            || self.visible
                && !self.disabled
                && self.w >= 2.0
                && self.h >= 2.0
                && self.x + self.w > 0.0
                && self.y + self.h > 0.0
    }

    /// An input a person types into (text, e-mail, telephone, number, password, plain).
    pub fn is_text_box(&self) -> bool {
        (self.tag == "input"
            && matches!(
                self.kind.as_str(),
                "" | "text" | "email" | "tel" | "number" | "password" | "search" | "url"
            ))
            || self.tag == "textarea"
    }

    /// A password field (or a box the portal's taught hints name as its password: a redesign
    /// may draw one with dots over a text box).
    pub fn is_password(&self) -> bool {
        (self.tag == "input" && self.kind == "password")
            || (self.hinted("password") && self.tag == "input" && self.kind == "text")
    }

    /// A button: `<button>`, a submit, button or image input, an ARIA button, or anything the
    /// portal's taught hints name as its button.
    pub fn is_button(&self) -> bool {
        self.hinted("submit")
            || self.hinted("code_submit")
            || (self.tag == "button" && self.kind != "reset")
            || (self.tag == "input" && matches!(self.kind.as_str(), "submit" | "button" | "image"))
            || self.role == "button"
    }

    /// A link (`<a href>` or an ARIA link).
    pub fn is_link(&self) -> bool {
        self.tag == "a" || self.role == "link"
    }

    /// A checkbox or a switch (input or ARIA).
    pub fn is_toggle(&self) -> bool {
        (self.tag == "input" && self.kind == "checkbox")
            || matches!(self.role.as_str(), "checkbox" | "switch")
    }

    /// A radio button (input or ARIA).
    pub fn is_radio(&self) -> bool {
        (self.tag == "input" && self.kind == "radio") || self.role == "radio"
    }

    /// The portal's recipe names it for `role`.
    pub fn hinted(&self, role: &str) -> bool {
        self.hint.iter().any(|h| h == role)
    }

    /// Its attributes (name, id, autocomplete, test attributes), lower case.
    pub fn attrs(&self) -> String {
        format!(
            "{} {} {} {}",
            self.name, self.id, self.autocomplete, self.data
        )
        .to_lowercase()
    }

    /// What a person reads of it (label, placeholder, text), lower case.
    pub fn words(&self) -> String {
        format!("{} {} {}", self.label, self.placeholder, self.text).to_lowercase()
    }
}
