//! `keydesk-cli portal`: list, add, show, edit, remove, export and import portals.
//!
//! Passwords come only from standard input (`--password-stdin`), never from arguments, and are
//! printed only by `show --reveal`. Commands that need no secret never open the keychain, so
//! they work while it is locked or missing.

use std::path::{Path, PathBuf};

use keydesk::api::{self, portals::Credential};
use keydesk::portal::{Portal, PortalFields, SecondStep};

/// `portal` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// List the portals with password age and warnings.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add a portal, from a preset (`--preset`, see `portal presets`) or from scratch.
    Add {
        /// Preset id, e.g. availity.
        #[arg(long)]
        preset: Option<String>,
        /// The organization's sign-in address (required for the mychart preset).
        #[arg(long)]
        organization_url: Option<String>,
        #[command(flatten)]
        fields: FieldArgs,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one portal (name or id); the password only with --reveal.
    Show {
        /// Name or id.
        portal: String,
        /// Also print the password (reads the keychain).
        #[arg(long)]
        reveal: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a portal's settings; with --password-stdin also its password.
    Edit {
        /// Name or id.
        portal: String,
        #[command(flatten)]
        fields: FieldArgs,
        /// Read a new password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a portal with its keychain items and its browser profile (the cookies of its
    /// Keydesk window). Do it while Keydesk is closed, or use its Portals view.
    Remove {
        /// Name or id.
        portal: String,
    },
    /// Forget what Keydesk was taught of a portal's pages (*Teach Keydesk this page*): its
    /// sign-in reads them with the shipped recipe alone again.
    ForgetTaught {
        /// Name or id.
        portal: String,
    },
    /// Make a portal your own (with --as): only you see it, in a browser profile of yours.
    Own {
        /// Name or id.
        portal: String,
    },
    /// Make a portal of yours the desk's again, for everyone.
    Share {
        /// Name or id.
        portal: String,
    },
    /// Write the portal list (no secrets) to a file, or standard output.
    Export {
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Add the portals of an exported list; rejected entries are named with the reason.
    Import {
        /// The file written by `portal export`.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Recovery codes: list which are used, save new ones, or mark one used.
    Codes {
        /// Name or id.
        portal: String,
        /// Replace the codes with those on standard input, one per line.
        #[arg(long, conflicts_with = "mark_used")]
        set: bool,
        /// Mark code number N (1-based) as used.
        #[arg(long, value_name = "N")]
        mark_used: Option<usize>,
        /// Also print the codes (reads the keychain).
        #[arg(long)]
        reveal: bool,
    },
    /// List the presets.
    Presets,
    /// Check whether portals answer: name, connection, certificate, sign-in page, maintenance
    /// notice, proxy (one JSON line per portal with --json). A portal checked less than five
    /// minutes ago is not asked again.
    Health {
        /// Name or id (default: every portal).
        portal: Option<String>,
        /// Print one JSON line per portal.
        #[arg(long)]
        json: bool,
    },
    /// A portal's password rules (what a new password Keydesk makes must have): show them, or
    /// edit them with the options given.
    PasswordRules {
        /// Name or id.
        portal: String,
        #[command(flatten)]
        edit: super::password::RulesArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A password change to a portal: how it stands. The change itself runs in the app's portal
    /// window (Change the password); with --took, say which password the portal took after a
    /// change was cut short.
    PasswordChange {
        /// Name or id.
        portal: String,
        /// The portal took the `new` password, or kept the `old` one.
        #[arg(long, value_parser = ["new", "old"])]
        took: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A portal's sign-in history: each attempt's time, outcome, class, alert text and step.
    History {
        /// Name or id.
        portal: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Fields settable on add and edit. For edit, an empty value clears an optional field and 0
/// clears a number.
#[derive(clap::Args)]
pub struct FieldArgs {
    /// Display name.
    #[arg(long)]
    name: Option<String>,
    /// Sign-in page (https://).
    #[arg(long)]
    login_url: Option<String>,
    /// An extra origin allowed to receive the credentials; repeat. Replaces the list.
    #[arg(long = "origin")]
    origins: Vec<String>,
    /// Sign-in name.
    #[arg(long)]
    username: Option<String>,
    /// email_code, sms_code, authenticator or none.
    #[arg(long, value_parser = parse_step)]
    second_step: Option<SecondStep>,
    /// A code sender address, or @domain; repeat. Replaces the list.
    #[arg(long = "sender")]
    senders: Vec<String>,
    /// Code lifetime in seconds.
    #[arg(long)]
    code_lifetime_secs: Option<u32>,
    /// Remember-device lifetime in days.
    #[arg(long)]
    remember_device_days: Option<u32>,
    /// Password-change interval in days.
    #[arg(long)]
    password_change_days: Option<u32>,
    /// Wrong tries before lockout.
    #[arg(long)]
    lockout_threshold: Option<u32>,
    /// Support phone.
    #[arg(long)]
    support_phone: Option<String>,
    /// Payer's provider ID for the office.
    #[arg(long)]
    provider_id: Option<String>,
    /// NPI (10 digits).
    #[arg(long)]
    npi: Option<String>,
    /// TIN (9 digits).
    #[arg(long)]
    tin: Option<String>,
}

fn parse_step(text: &str) -> Result<SecondStep, String> {
    SecondStep::parse(text)
        .ok_or_else(|| format!("\"{text}\" is not email_code, sms_code, authenticator or none"))
}

fn number(value: Option<u32>, current: Option<u32>) -> Option<u32> {
    match value {
        Some(0) => None,
        Some(v) => Some(v),
        None => current,
    }
}

fn text(value: Option<String>, current: Option<String>) -> Option<String> {
    value.map_or(current, |v| Some(v).filter(|v| !v.trim().is_empty()))
}

impl FieldArgs {
    fn apply(self, mut f: PortalFields) -> PortalFields {
        f.name = self.name.unwrap_or(f.name);
        f.login_url = self.login_url.unwrap_or(f.login_url);
        if !self.origins.is_empty() {
            f.allowed_origins = self.origins;
        }
        f.username = self.username.unwrap_or(f.username);
        f.second_step = self.second_step.unwrap_or(f.second_step);
        if !self.senders.is_empty() {
            f.code_senders = self.senders;
        }
        f.code_lifetime_secs = number(self.code_lifetime_secs, f.code_lifetime_secs);
        f.remember_device_days = number(self.remember_device_days, f.remember_device_days);
        f.password_change_days = number(self.password_change_days, f.password_change_days);
        f.lockout_threshold = number(self.lockout_threshold, f.lockout_threshold);
        f.support_phone = text(self.support_phone, f.support_phone);
        f.office.provider_id = text(self.provider_id, f.office.provider_id);
        f.office.npi = text(self.npi, f.office.npi);
        f.office.tin = text(self.tin, f.office.tin);
        f
    }
}

fn when(time: Option<i64>, now: i64) -> String {
    match time {
        None => "never".to_owned(),
        Some(t) => {
            let days = (now - t).max(0) / 86_400;
            match days {
                0 => "today".to_owned(),
                1 => "yesterday".to_owned(),
                d => format!("{d} days ago"),
            }
        }
    }
}

pub fn run(data_dir: &Path, command: Command) -> Result<(), super::Failure> {
    if let Command::Presets = command {
        for p in api::portals::presets() {
            let url = p
                .login_url
                .unwrap_or_else(|| "(your organization's address: --organization-url)".into());
            println!("{:<13} {:<38} {url}", p.id, p.name);
        }
        return Ok(());
    }
    let kd = super::open(data_dir)?;
    let now = super::now();
    match command {
        Command::Health { portal, json } => super::health::run(&kd, portal.as_deref(), json, now)?,
        Command::History { portal, json } => super::health::history(&kd, &portal, json)?,
        Command::PasswordRules { portal, edit, json } => {
            super::password::rules(&kd, &portal, edit, json)?
        }
        Command::PasswordChange { portal, took, json } => {
            super::password::change(&kd, &portal, took.as_deref(), json, now)?
        }
        Command::List { json } => {
            let list = api::portals::list(&kd, now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("no portals yet; add one with `keydesk-cli portal add --preset …`");
            }
            for p in list.iter().filter(|_| !json) {
                let age = match p.password.age_days {
                    Some(days) => format!("password {days} days old"),
                    None => "no password saved".to_owned(),
                };
                println!(
                    "{:<4} {:<38} {:<22} {:<20} last sign-in {:<12} {age}",
                    p.id,
                    p.name,
                    p.second_step_label,
                    p.username,
                    when(p.last_sign_in_at, now.secs())
                );
                if let Some(warning) = &p.password.warning {
                    println!("     warning: {warning}");
                }
            }
        }
        Command::Add {
            preset,
            organization_url,
            fields,
            password_stdin,
            json,
        } => {
            let base = match &preset {
                Some(id) => api::portals::preset_fields(
                    id,
                    organization_url.as_deref().or(fields.login_url.as_deref()),
                )?,
                None => PortalFields::default(),
            };
            let password = password_stdin
                .then(super::read_secret_from_stdin)
                .transpose()?;
            let portal = api::portals::add(&kd, fields.apply(base), password.as_ref(), now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&portal)?);
            } else {
                println!("added portal {} \"{}\"", portal.id, portal.fields.name);
            }
        }
        Command::Show {
            portal,
            reveal,
            json,
        } => {
            let found = api::portals::find(&kd, &portal)?;
            let password = if reveal {
                match api::portals::credential(&kd, found.id, Credential::Password) {
                    Ok(password) => Some(password),
                    Err(e) if e.code() == keydesk::ErrorCode::PortalNoPassword => None,
                    Err(e) => return Err(e.into()),
                }
            } else {
                None
            };
            if json {
                let mut value = serde_json::to_value(&found)?;
                value["password_age"] = serde_json::to_value(found.password_age(now.secs()))?;
                if reveal {
                    value["password"] = password.as_ref().map(|p| p.expose()).into();
                }
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print_portal(&found, now.secs());
                if reveal {
                    match &password {
                        Some(p) => println!("password:        {}", p.expose()),
                        None => println!("password:        (none saved)"),
                    }
                }
            }
        }
        Command::Edit {
            portal,
            fields,
            password_stdin,
        } => {
            let found = api::portals::find(&kd, &portal)?;
            let password = password_stdin
                .then(super::read_secret_from_stdin)
                .transpose()?;
            let updated = api::portals::update(&kd, found.id, fields.apply(found.fields))?;
            if let Some(password) = password {
                api::portals::change_password(&kd, found.id, &password, now)?;
            }
            println!("saved portal {} \"{}\"", updated.id, updated.fields.name);
        }
        Command::Remove { portal } => {
            let found = api::portals::find(&kd, &portal)?;
            super::block_on(api::portals::remove(&kd, found.id))?;
            println!(
                "removed portal \"{}\", its keychain items and its browser profile",
                found.fields.name
            );
        }
        Command::ForgetTaught { portal } => {
            let found = api::portals::find(&kd, &portal)?;
            if api::signin::forget_taught(&kd, found.id)? {
                println!("forgot what \"{}\" was taught", found.fields.name);
            } else {
                println!("\"{}\" was taught nothing", found.fields.name);
            }
        }
        Command::Own { portal } => own(&kd, &portal, true)?,
        Command::Share { portal } => own(&kd, &portal, false)?,
        Command::Export { output } => match output {
            Some(path) => {
                let written = api::portals::export(&kd, &path, now)?;
                eprintln!(
                    "exported {} portals to {}",
                    written.count,
                    written.path.display()
                );
            }
            None => print!("{}", api::portals::export_text(&kd, now)?.0),
        },
        Command::Import { file, json } => {
            let report = api::portals::import(&kd, &file, now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                for name in &report.added {
                    println!("added: {name}");
                }
                for r in &report.rejected {
                    println!("rejected: entry {} \"{}\": {}", r.entry, r.name, r.reason);
                }
            }
            if !report.is_complete() {
                return Err(format!(
                    "{} of {} entries were rejected (the others were added)",
                    report.rejected.len(),
                    report.rejected.len() + report.added.len()
                )
                .into());
            }
        }
        Command::Codes {
            portal,
            set,
            mark_used,
            reveal,
        } => {
            let id = api::portals::find(&kd, &portal)?.id;
            let state = |used: Option<i64>| if used.is_some() { "used" } else { "unused" };
            if set {
                let saved = api::portals::set_recovery_codes(&kd, id, &read_all_stdin()?)?;
                println!("saved {saved} recovery codes");
            } else if let Some(number) = mark_used {
                api::portals::mark_recovery_code_used(&kd, id, number, now)?;
                println!("recovery code {number} marked used");
            } else if reveal {
                for c in api::portals::recovery_codes_revealed(&kd, id)? {
                    println!(
                        "{:>3}  {:<7} {}",
                        c.number,
                        state(c.used_at),
                        c.code.expose()
                    );
                }
            } else {
                for c in api::portals::recovery_codes(&kd, id)? {
                    println!("{:>3}  {}", c.number, state(c.used_at));
                }
            }
        }
        Command::Presets => unreachable!("handled above"),
    }
    Ok(())
}

/// Reads all of standard input as one secret (recovery codes, one per line).
fn read_all_stdin() -> Result<keydesk::Secret, super::Failure> {
    use std::io::Read;
    let mut all = String::new();
    std::io::stdin().read_to_string(&mut all)?;
    Ok(keydesk::Secret::new(all))
}

fn print_portal(p: &Portal, now: i64) {
    let f = &p.fields;
    let none = || "-".to_owned();
    println!("id:              {}", p.id);
    println!("name:            {}", f.name);
    println!("preset:          {}", f.preset.clone().unwrap_or_else(none));
    println!("login URL:       {}", f.login_url);
    println!("allowed origins: {}", f.allowed_origins.join(", "));
    println!("username:        {}", f.username);
    println!("second step:     {}", f.second_step.label());
    println!("code senders:    {}", f.code_senders.join(", "));
    let num = |v: Option<u32>, unit: &str| v.map_or_else(none, |v| format!("{v} {unit}"));
    println!("code lifetime:   {}", num(f.code_lifetime_secs, "s"));
    println!("remember device: {}", num(f.remember_device_days, "days"));
    println!("password change: {}", num(f.password_change_days, "days"));
    println!("lockout after:   {}", num(f.lockout_threshold, "tries"));
    println!(
        "support phone:   {}",
        f.support_phone.clone().unwrap_or_else(none)
    );
    println!(
        "provider ID:     {}",
        f.office.provider_id.clone().unwrap_or_else(none)
    );
    println!(
        "NPI:             {}",
        f.office.npi.clone().unwrap_or_else(none)
    );
    println!(
        "TIN:             {}",
        f.office.tin.clone().unwrap_or_else(none)
    );
    println!("last sign-in:    {}", when(p.last_sign_in_at, now));
    let age = p.password_age(now);
    match age.age_days {
        Some(days) => println!("password:        saved, {days} days old"),
        None => println!("password:        not saved"),
    }
    if let Some(warning) = age.warning {
        println!("warning:         {warning}");
    }
}

/// `portal own` and `portal share`.
fn own(kd: &keydesk::Keydesk, portal: &str, own: bool) -> Result<(), super::Failure> {
    let found = api::portals::find(kd, portal)?;
    api::portals::set_own(kd, found.id, own)?;
    println!(
        "portal \"{}\" is now {}",
        found.fields.name,
        if own { "yours" } else { "the desk's" }
    );
    Ok(())
}
