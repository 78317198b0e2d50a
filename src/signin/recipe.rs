//! Portal form recipes: which elements of a portal's pages are the username, password, code and
//! "remember this device" fields, the buttons that send a code, and the markers of a signed-in
//! page, as data (`recipes.toml` beside this file, embedded in the binary).
//!
//! A preset's recipe names only what differs from the generic one; [`Recipes::for_preset`] merges
//! it over `[generic]`, and a portal without a preset (or with an unknown one) gets the generic
//! recipe. Everything is checked once, when the recipes are parsed: an empty list where one is
//! required, a selector that could close the script it is embedded in, or an unknown field is
//! refused with the recipe's name.

use std::collections::BTreeMap;

use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

/// The shipped recipes, embedded at build time.
const SHIPPED: &str = include_str!("recipes.toml");

/// Why a recipe file cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecipeError {
    /// The file is not valid TOML for the recipe schema.
    #[error("the sign-in recipes are not valid: {0}")]
    Parse(String),
    /// A recipe parses but cannot work.
    #[error("sign-in recipe \"{recipe}\": {reason}")]
    Invalid {
        /// Which recipe (`generic` or a preset id).
        recipe: String,
        /// What is wrong.
        reason: String,
    },
}

impl RecipeError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Parse(_) => ErrorCode::RecipeParse,
            Self::Invalid { .. } => ErrorCode::RecipeInvalid,
        }
    }
}

/// One recipe with every field filled: what the observe and fill scripts look for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipe {
    /// `generic`, or the preset id this recipe is for.
    pub id: String,
    /// The sign-in name field.
    pub username: Vec<String>,
    /// The password field.
    pub password: Vec<String>,
    /// The button that sends username and password (looked for in the password's form first).
    pub submit: Vec<String>,
    /// The button that asks for a code by e-mail.
    pub send_code_email: Vec<String>,
    /// The button that asks for a code by text message.
    pub send_code_sms: Vec<String>,
    /// The one-time code field.
    pub code: Vec<String>,
    /// The button that sends the code (looked for in the code's form first).
    pub code_submit: Vec<String>,
    /// The "remember this device" checkbox.
    pub remember: Vec<String>,
    /// Something only a signed-in page shows (a sign-out link or form).
    pub signed_in: Vec<String>,
    /// Error and alert banners; their text tells which failure it is.
    pub alert: Vec<String>,
    /// A hand-off to the organization's single sign-on.
    pub sso: Vec<String>,
    /// Hosts of identity providers (`*.okta.com` matches any subdomain of okta.com).
    pub sso_hosts: Vec<String>,
    /// Names of the remember-device cookie (`*` matches any run of characters).
    pub remember_cookie: Vec<String>,
    /// Alert phrases (lower case) meaning the account is locked.
    pub locked_words: Vec<String>,
    /// Alert phrases meaning the password has expired.
    pub password_expired_words: Vec<String>,
    /// Alert phrases meaning the portal is down for maintenance.
    pub maintenance_words: Vec<String>,
    /// Alert phrases meaning the account signs in through its organization.
    pub sso_words: Vec<String>,
    /// Alert phrases meaning a session stored in the browser is in the way of a new sign-in.
    pub session_words: Vec<String>,
    /// Phrases (in the alert or the page's headings) meaning the portal took a new password.
    pub password_changed_words: Vec<String>,
}

/// A recipe as written in the file: any field may be left out (taken from `[generic]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Partial {
    username: Option<Vec<String>>,
    password: Option<Vec<String>>,
    submit: Option<Vec<String>>,
    send_code_email: Option<Vec<String>>,
    send_code_sms: Option<Vec<String>>,
    code: Option<Vec<String>>,
    code_submit: Option<Vec<String>>,
    remember: Option<Vec<String>>,
    signed_in: Option<Vec<String>>,
    alert: Option<Vec<String>>,
    sso: Option<Vec<String>>,
    sso_hosts: Option<Vec<String>>,
    remember_cookie: Option<Vec<String>>,
    locked_words: Option<Vec<String>>,
    password_expired_words: Option<Vec<String>>,
    maintenance_words: Option<Vec<String>>,
    sso_words: Option<Vec<String>>,
    session_words: Option<Vec<String>>,
    password_changed_words: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    generic: Partial,
    #[serde(default)]
    recipe: BTreeMap<String, Partial>,
}

/// Every recipe, checked.
#[derive(Debug, Clone)]
pub struct Recipes {
    generic: Recipe,
    presets: BTreeMap<String, Recipe>,
}

impl Recipes {
    /// The recipes shipped with Keydesk.
    pub fn shipped() -> Result<Self, RecipeError> {
        Self::parse(SHIPPED)
    }

    /// Parses and checks a recipe file.
    pub fn parse(text: &str) -> Result<Self, RecipeError> {
        let file: File = toml::from_str(text).map_err(|e| RecipeError::Parse(e.to_string()))?;
        let generic = merge("generic", &Partial::default(), &file.generic)?;
        let presets = file
            .recipe
            .iter()
            .map(|(id, partial)| Ok((id.clone(), merge(id, &file.generic, partial)?)))
            .collect::<Result<_, RecipeError>>()?;
        Ok(Self { generic, presets })
    }

    /// The recipe for a portal made from `preset`; the generic one when there is none.
    pub fn for_preset(&self, preset: Option<&str>) -> &Recipe {
        preset
            .and_then(|p| self.presets.get(&p.trim().to_ascii_lowercase()))
            .unwrap_or(&self.generic)
    }

    /// The preset ids that have their own recipe.
    pub fn preset_ids(&self) -> impl Iterator<Item = &str> {
        self.presets.keys().map(String::as_str)
    }
}

fn merge(id: &str, base: &Partial, over: &Partial) -> Result<Recipe, RecipeError> {
    let pick = |field: &'static str,
                mine: &Option<Vec<String>>,
                theirs: &Option<Vec<String>>,
                required: bool|
     -> Result<Vec<String>, RecipeError> {
        let list = mine.clone().or_else(|| theirs.clone()).unwrap_or_default();
        let list: Vec<String> = list.iter().map(|s| s.trim().to_owned()).collect();
        let invalid = |reason: String| RecipeError::Invalid {
            recipe: id.to_owned(),
            reason,
        };
        if required && list.is_empty() {
            return Err(invalid(format!("{field} needs at least one entry")));
        }
        for entry in &list {
            if entry.is_empty() {
                return Err(invalid(format!("{field} has an empty entry")));
            }
            // Selectors are embedded in scripts as JSON strings; these could still end a
            // surrounding <script> element or carry control characters, so they are refused.
            if entry.contains("</") || entry.chars().any(char::is_control) {
                return Err(invalid(format!("{field} entry {entry:?} is not allowed")));
            }
        }
        Ok(list)
    };
    let words = |field: &'static str, mine: &Option<Vec<String>>, theirs: &Option<Vec<String>>| {
        let list = pick(field, mine, theirs, false)?;
        if let Some(upper) = list.iter().find(|w| w.to_lowercase() != **w) {
            return Err(RecipeError::Invalid {
                recipe: id.to_owned(),
                reason: format!("{field} entry {upper:?} must be lower case"),
            });
        }
        Ok(list)
    };
    Ok(Recipe {
        id: id.to_owned(),
        username: pick("username", &over.username, &base.username, false)?,
        password: pick("password", &over.password, &base.password, false)?,
        submit: pick("submit", &over.submit, &base.submit, false)?,
        send_code_email: pick(
            "send_code_email",
            &over.send_code_email,
            &base.send_code_email,
            false,
        )?,
        send_code_sms: pick(
            "send_code_sms",
            &over.send_code_sms,
            &base.send_code_sms,
            false,
        )?,
        code: pick("code", &over.code, &base.code, false)?,
        code_submit: pick("code_submit", &over.code_submit, &base.code_submit, false)?,
        remember: pick("remember", &over.remember, &base.remember, false)?,
        signed_in: pick("signed_in", &over.signed_in, &base.signed_in, true)?,
        alert: pick("alert", &over.alert, &base.alert, true)?,
        sso: pick("sso", &over.sso, &base.sso, false)?,
        sso_hosts: pick("sso_hosts", &over.sso_hosts, &base.sso_hosts, false)?,
        remember_cookie: pick(
            "remember_cookie",
            &over.remember_cookie,
            &base.remember_cookie,
            false,
        )?,
        locked_words: words("locked_words", &over.locked_words, &base.locked_words)?,
        password_expired_words: words(
            "password_expired_words",
            &over.password_expired_words,
            &base.password_expired_words,
        )?,
        maintenance_words: words(
            "maintenance_words",
            &over.maintenance_words,
            &base.maintenance_words,
        )?,
        sso_words: words("sso_words", &over.sso_words, &base.sso_words)?,
        session_words: words("session_words", &over.session_words, &base.session_words)?,
        password_changed_words: words(
            "password_changed_words",
            &over.password_changed_words,
            &base.password_changed_words,
        )?,
    })
}

/// `*` matches any run of characters (also none); everything else matches itself, ignoring case.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let (pattern, text) = (pattern.to_ascii_lowercase(), text.to_ascii_lowercase());
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

impl Recipe {
    /// The recipe with a portal's taught hints (see [`super::teach`]) before its own.
    pub fn with_hints(mut self, taught: &super::teach::Override) -> Self {
        for (step, selectors) in taught {
            let list = match step.as_str() {
                "username" => &mut self.username,
                "password" => &mut self.password,
                "submit" => &mut self.submit,
                "code" => &mut self.code,
                "code_submit" => &mut self.code_submit,
                _ => continue,
            };
            let mut all = selectors.clone();
            all.extend(list.drain(..).filter(|s| !selectors.contains(s)));
            *list = all;
        }
        self
    }

    /// True when `name` is this portal's remember-device cookie.
    pub fn is_remember_cookie(&self, name: &str) -> bool {
        self.remember_cookie.iter().any(|p| glob_matches(p, name))
    }

    /// True when `host` is an identity provider's (an SSO hand-off, not a look-alike).
    pub fn is_sso_host(&self, host: &str) -> bool {
        self.sso_hosts.iter().any(|p| {
            glob_matches(p, host)
                || p.strip_prefix("*.")
                    .is_some_and(|d| host.eq_ignore_ascii_case(d))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_recipe_parses_and_every_preset_has_one() {
        let recipes = Recipes::shipped().expect("the shipped recipes must parse");
        for preset in crate::portal::PRESETS {
            let recipe = recipes.for_preset(Some(preset.id));
            assert_eq!(
                recipe.id, preset.id,
                "preset {} has its own recipe",
                preset.id
            );
            assert!(!recipe.signed_in.is_empty() && !recipe.alert.is_empty());
        }
        assert_eq!(recipes.for_preset(None).id, "generic");
        assert_eq!(recipes.for_preset(Some("no-such-portal")).id, "generic");
    }

    #[test]
    fn a_preset_takes_what_it_leaves_out_from_generic() {
        let recipes = Recipes::shipped().unwrap();
        let (generic, cigna) = (recipes.for_preset(None), recipes.for_preset(Some("cigna")));
        assert_eq!(cigna.signed_in, generic.signed_in);
        assert_ne!(cigna.send_code_email, generic.send_code_email);
        assert!(
            generic.username.is_empty(),
            "the detector finds fields, hints are per portal"
        );
    }

    #[test]
    fn bad_recipes_are_refused_with_their_name() {
        let base = "[generic]\nusername=['#u']\npassword=['#p']\nsubmit=['#s']\ncode=['#c']\n\
                    code_submit=['#v']\nsigned_in=['#h']\nalert=['#a']\n";
        assert!(Recipes::parse(base).is_ok());
        let err = Recipes::parse(&format!("{base}[recipe.x]\nalert=[]\n")).unwrap_err();
        assert!(err.to_string().contains("\"x\": alert needs"), "{err}");
        let err = Recipes::parse(&format!("{base}[recipe.y]\ncode=['</script>']\n")).unwrap_err();
        assert!(err.to_string().contains("not allowed"), "{err}");
        let err =
            Recipes::parse(&format!("{base}[recipe.z]\nlocked_words=['Locked']\n")).unwrap_err();
        assert!(err.to_string().contains("lower case"), "{err}");
        let err = Recipes::parse(&format!("{base}[recipe.w]\ncolour=['#c']\n")).unwrap_err();
        assert_eq!(
            err.code(),
            "recipe_parse",
            "unknown fields are refused: {err}"
        );
    }

    #[test]
    fn globs_match_cookie_names_and_hosts() {
        assert!(glob_matches("*device*", "sp_cigna_device"));
        assert!(glob_matches("*device*", "DEVICE"));
        assert!(!glob_matches("*device*", "sp_cigna_session"));
        assert!(glob_matches("a*b*c", "a-x-b-y-c"));
        assert!(!glob_matches("a*b*c", "a-x-c-y-b"));
        let recipe = Recipes::shipped().unwrap().for_preset(None).clone();
        assert!(recipe.is_sso_host("clinic.okta.com"));
        assert!(recipe.is_sso_host("okta.com"));
        assert!(!recipe.is_sso_host("okta.com.evil.example"));
        assert!(recipe.is_remember_cookie("sp_cigna_device"));
    }
}
