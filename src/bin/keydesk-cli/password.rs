//! `keydesk-cli portal password-rules` and `portal password-change`: a portal's password rules
//! (shown or edited) and how a password change stands, settling one cut short. The change
//! itself fills the portal's own page, so it runs in the app's portal window.

use keydesk::Keydesk;
use keydesk::api::{self, Now};
use keydesk::portal::change::Took;

/// Edits to a portal's password rules; none given: the rules are only shown.
#[derive(clap::Args)]
pub struct RulesArgs {
    /// At least this many characters.
    #[arg(long)]
    min: Option<u32>,
    /// At most this many characters.
    #[arg(long)]
    max: Option<u32>,
    /// Wants an upper-case letter (true or false).
    #[arg(long)]
    upper: Option<bool>,
    /// Wants a lower-case letter.
    #[arg(long)]
    lower: Option<bool>,
    /// Wants a digit.
    #[arg(long)]
    digit: Option<bool>,
    /// Wants a symbol.
    #[arg(long)]
    symbol: Option<bool>,
    /// The symbols the portal accepts ("" for none).
    #[arg(long)]
    symbols: Option<String>,
    /// The portal refuses any of the last N passwords.
    #[arg(long)]
    not_last: Option<u32>,
}

impl RulesArgs {
    fn is_empty(&self) -> bool {
        self.min.is_none()
            && self.max.is_none()
            && self.upper.is_none()
            && self.lower.is_none()
            && self.digit.is_none()
            && self.symbol.is_none()
            && self.symbols.is_none()
            && self.not_last.is_none()
    }
}

/// Shows the portal's rules, or edits them first.
pub fn rules(
    kd: &Keydesk,
    portal: &str,
    edit: RulesArgs,
    json: bool,
) -> Result<(), super::Failure> {
    let found = api::portals::find(kd, portal)?;
    let mut view = api::password::rules(kd, found.id)?;
    if !edit.is_empty() {
        let mut rules = view.rules.clone();
        rules.min_length = edit.min.unwrap_or(rules.min_length);
        rules.max_length = edit.max.unwrap_or(rules.max_length);
        rules.upper = edit.upper.unwrap_or(rules.upper);
        rules.lower = edit.lower.unwrap_or(rules.lower);
        rules.digit = edit.digit.unwrap_or(rules.digit);
        rules.symbol = edit.symbol.unwrap_or(rules.symbol);
        rules.symbols = edit.symbols.unwrap_or(rules.symbols);
        rules.not_last = edit.not_last.unwrap_or(rules.not_last);
        view = api::password::set_rules(kd, found.id, rules)?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        println!("{}: {}", found.fields.name, view.words);
    }
    Ok(())
}

/// How the portal's password change stands; with `took`, settles one cut short.
pub fn change(
    kd: &Keydesk,
    portal: &str,
    took: Option<&str>,
    json: bool,
    now: Now,
) -> Result<(), super::Failure> {
    let found = api::portals::find(kd, portal)?;
    let view = match took {
        Some(took) => {
            let took = if took == "new" { Took::New } else { Took::Old };
            Some(api::password::settle(kd, found.id, took, now)?)
        }
        None => api::password::changes(kd)?
            .into_iter()
            .find(|v| v.portal_id == found.id),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    match view {
        Some(view) => println!("{} ({}): {}", found.fields.name, view.state, view.words),
        None => println!(
            "{}: no password change underway. Change it from the app's portal window (Change the password).",
            found.fields.name
        ),
    }
    Ok(())
}
