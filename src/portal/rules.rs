//! A portal's password rules (length, the kinds of character it wants, which symbols it
//! takes) and the generator that makes a new password meeting them, on `rand`'s
//! cryptographically secure generator.
//!
//! Rules start from the portal's preset ([`for_preset`]) and can be edited per portal; the
//! edited rules are kept as a setting (`portal.password_rules.<id>`), never with a secret.

use rand::{CryptoRng, RngExt};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;
use crate::store::{Store, StoreError};

/// Upper-case letters the generator uses (no `I` or `O`, which read like `l`, `1` and `0`).
const UPPER: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Lower-case letters the generator uses (no `l`).
const LOWER: &str = "abcdefghijkmnopqrstuvwxyz";
/// Digits the generator uses (no `0` or `1`).
const DIGITS: &str = "23456789";
/// The symbols most portals accept.
pub const COMMON_SYMBOLS: &str = "!#$%*+-=?@^_";
/// The length the generator aims for, within the portal's limits.
pub const PREFERRED_LENGTH: u32 = 20;
/// The longest password any rule may ask for.
pub const LONGEST: u32 = 128;

/// What a portal asks of a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PasswordRules {
    /// At least this many characters.
    pub min_length: u32,
    /// At most this many characters.
    pub max_length: u32,
    /// At least one upper-case letter.
    pub upper: bool,
    /// At least one lower-case letter.
    pub lower: bool,
    /// At least one digit.
    pub digit: bool,
    /// At least one symbol (from [`PasswordRules::symbols`]).
    pub symbol: bool,
    /// The symbols the portal accepts; empty: none.
    pub symbols: String,
    /// The portal refuses any of the last this many passwords (said to the person; Keydesk's
    /// new passwords are random, so they never repeat one).
    pub not_last: u32,
}

impl Default for PasswordRules {
    /// The common rule of payer portals: 12 to 64 characters, upper and lower case, a digit and
    /// a symbol, none of the last 6.
    fn default() -> Self {
        Self {
            min_length: 12,
            max_length: 64,
            upper: true,
            lower: true,
            digit: true,
            symbol: true,
            symbols: COMMON_SYMBOLS.to_owned(),
            not_last: 6,
        }
    }
}

/// The rules a portal of `preset` starts with. No preset's portal publishes its password rules
/// among the facts Keydesk's presets come from (DESIGN.md, "Portal facts"), so every preset
/// starts from [`PasswordRules::default`] rather than a guess; the person edits them per portal
/// to what the portal's change page states. A preset whose rules become known gets its own arm.
pub fn for_preset(preset: Option<&str>) -> PasswordRules {
    let _ = preset;
    PasswordRules::default()
}

/// Why rules cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// The lengths do not make sense.
    #[error(
        "The shortest length must be at least 4 and no more than the longest, which can be at most {LONGEST}."
    )]
    Length,
    /// A symbol is wanted but none is allowed, or an allowed symbol is a letter, digit or space.
    #[error("List the symbols the portal accepts (no letters, digits or spaces).")]
    Symbols,
    /// More kinds of character are wanted than the longest length holds.
    #[error("The longest length is too short for every kind of character the portal wants.")]
    TooShort,
}

impl PasswordRules {
    /// Checks the rules themselves.
    pub fn validate(&self) -> Result<(), RulesError> {
        if self.min_length < 4 || self.max_length < self.min_length || self.max_length > LONGEST {
            return Err(RulesError::Length);
        }
        if (self.symbol && self.symbols.is_empty())
            || self
                .symbols
                .chars()
                .any(|c| c.is_alphanumeric() || c.is_whitespace() || !c.is_ascii_graphic())
        {
            return Err(RulesError::Symbols);
        }
        let kinds = [self.upper, self.lower, self.digit, self.symbol];
        if kinds.iter().filter(|k| **k).count() as u32 > self.max_length {
            return Err(RulesError::TooShort);
        }
        Ok(())
    }

    /// What `password` misses of the rules, in plain words (empty: it meets them).
    pub fn unmet(&self, password: &str) -> Vec<String> {
        let mut unmet = Vec::new();
        let length = password.chars().count() as u32;
        if length < self.min_length || length > self.max_length {
            unmet.push(format!(
                "{} to {} characters",
                self.min_length, self.max_length
            ));
        }
        let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
        if self.upper && !has(char::is_ascii_uppercase) {
            unmet.push("an upper-case letter".into());
        }
        if self.lower && !has(char::is_ascii_lowercase) {
            unmet.push("a lower-case letter".into());
        }
        if self.digit && !has(char::is_ascii_digit) {
            unmet.push("a digit".into());
        }
        let symbols: Vec<char> = password
            .chars()
            .filter(|c| !c.is_ascii_alphanumeric())
            .collect();
        if self.symbol && symbols.is_empty() {
            unmet.push("a symbol".into());
        }
        if symbols.iter().any(|c| !self.symbols.contains(*c)) {
            unmet.push(format!("only the symbols {}", self.symbols));
        }
        unmet
    }

    /// The rules in one sentence for the window ("12 to 64 characters, with …").
    pub fn words(&self) -> String {
        let mut kinds = Vec::new();
        if self.upper {
            kinds.push("an upper-case letter".to_owned());
        }
        if self.lower {
            kinds.push("a lower-case letter".to_owned());
        }
        if self.digit {
            kinds.push("a digit".to_owned());
        }
        if self.symbol {
            kinds.push(format!("a symbol ({})", self.symbols));
        }
        let mut text = format!("{} to {} characters", self.min_length, self.max_length);
        if !kinds.is_empty() {
            text.push_str(", with ");
            text.push_str(&kinds.join(", "));
        }
        if self.not_last > 0 {
            text.push_str(&format!(", not one of the last {}", self.not_last));
        }
        text
    }

    /// A new password meeting the rules, from `rng` (use [`generate`] for the system's secure
    /// generator). Its length is [`PREFERRED_LENGTH`] within the portal's limits; each kind the
    /// portal wants appears at least once, at a random place.
    pub fn generate_with<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> Result<Secret, RulesError> {
        self.validate()?;
        let length = PREFERRED_LENGTH.clamp(self.min_length, self.max_length) as usize;
        let mut pool = String::new();
        let mut wanted: Vec<&str> = Vec::new();
        for (on, set) in [
            (self.upper, UPPER),
            (self.lower, LOWER),
            (self.digit, DIGITS),
            (self.symbol, self.symbols.as_str()),
        ] {
            if on {
                wanted.push(set);
            }
        }
        // Letters and digits are always allowed; symbols only those the portal takes.
        pool.push_str(UPPER);
        pool.push_str(LOWER);
        pool.push_str(DIGITS);
        pool.push_str(&self.symbols);
        let pool: Vec<char> = pool.chars().collect();
        let mut chars: zeroize::Zeroizing<Vec<char>> =
            zeroize::Zeroizing::new(Vec::with_capacity(length));
        for set in &wanted {
            let set: Vec<char> = set.chars().collect();
            chars.push(set[rng.random_range(0..set.len())]);
        }
        while chars.len() < length {
            chars.push(pool[rng.random_range(0..pool.len())]);
        }
        // Fisher–Yates, so the wanted kinds are not always first.
        for i in (1..chars.len()).rev() {
            let j = rng.random_range(0..=i);
            chars.swap(i, j);
        }
        let mut text = String::with_capacity(length);
        text.extend(chars.iter());
        Ok(Secret::new(text))
    }
}

/// A new password meeting `rules`, from the thread's cryptographically secure generator
/// (ChaCha, seeded from the operating system).
pub fn generate(rules: &PasswordRules) -> Result<Secret, RulesError> {
    rules.generate_with(&mut rand::rng())
}

fn key(portal_id: i64) -> String {
    format!("portal.password_rules.{portal_id}")
}

/// The portal's rules: its edited ones, else its preset's.
pub fn of_portal(
    store: &Store,
    portal_id: i64,
    preset: Option<&str>,
) -> Result<PasswordRules, StoreError> {
    Ok(store
        .setting::<PasswordRules>(&key(portal_id))?
        .unwrap_or_else(|| for_preset(preset)))
}

/// Keeps edited rules for the portal.
pub fn set(store: &mut Store, portal_id: i64, rules: &PasswordRules) -> Result<(), StoreError> {
    store.set_setting(&key(portal_id), rules)
}

/// Forgets the portal's edited rules (with the portal).
pub fn forget(conn: &rusqlite::Connection, portal_id: i64) -> Result<(), rusqlite::Error> {
    conn.execute("DELETE FROM setting WHERE key = ?1", [key(portal_id)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some_rules() -> Vec<PasswordRules> {
        let d = PasswordRules::default();
        vec![
            d.clone(),
            PasswordRules {
                min_length: 8,
                max_length: 20,
                ..d.clone()
            },
            PasswordRules {
                min_length: 4,
                max_length: 4,
                ..d.clone()
            },
            PasswordRules {
                symbol: false,
                symbols: String::new(),
                ..d.clone()
            },
            PasswordRules {
                symbols: "#".into(),
                min_length: 30,
                max_length: 40,
                ..d.clone()
            },
            PasswordRules {
                upper: false,
                lower: true,
                digit: false,
                symbol: false,
                symbols: String::new(),
                min_length: 8,
                max_length: 8,
                not_last: 0,
            },
        ]
    }

    #[test]
    fn every_generated_password_meets_its_rules_over_many_draws() {
        let mut rng = rand::rng();
        for rules in some_rules() {
            for _ in 0..2_000 {
                let password = rules.generate_with(&mut rng).unwrap();
                assert_eq!(
                    rules.unmet(password.expose()),
                    Vec::<String>::new(),
                    "{rules:?}"
                );
            }
        }
    }

    #[test]
    fn generated_passwords_differ_and_use_the_whole_alphabet() {
        let rules = PasswordRules::default();
        let mut seen = std::collections::HashSet::new();
        let mut chars = std::collections::HashSet::new();
        for _ in 0..2_000 {
            let password = generate(&rules).unwrap();
            assert_eq!(password.expose().chars().count(), PREFERRED_LENGTH as usize);
            chars.extend(password.expose().chars());
            assert!(seen.insert(password.expose().to_owned()), "a repeat");
        }
        let alphabet = UPPER.len() + LOWER.len() + DIGITS.len() + COMMON_SYMBOLS.len();
        assert_eq!(chars.len(), alphabet, "every allowed character turns up");
    }

    #[test]
    fn the_wanted_kinds_land_anywhere_not_only_first() {
        let rules = PasswordRules::default();
        let mut first_is_upper = 0;
        for _ in 0..1_000 {
            let password = generate(&rules).unwrap();
            if password
                .expose()
                .starts_with(|c: char| c.is_ascii_uppercase())
            {
                first_is_upper += 1;
            }
        }
        // Upper case is 24 of 69 characters: about a third, never (nearly) always.
        assert!((200..500).contains(&first_is_upper), "{first_is_upper}");
    }

    #[test]
    fn rules_that_cannot_be_met_are_refused_with_plain_words() {
        let d = PasswordRules::default();
        let bad = [
            (
                PasswordRules {
                    min_length: 3,
                    ..d.clone()
                },
                RulesError::Length,
            ),
            (
                PasswordRules {
                    max_length: 10,
                    ..d.clone()
                },
                RulesError::Length,
            ),
            (
                PasswordRules {
                    symbols: String::new(),
                    ..d.clone()
                },
                RulesError::Symbols,
            ),
            (
                PasswordRules {
                    symbols: "a!".into(),
                    ..d.clone()
                },
                RulesError::Symbols,
            ),
        ];
        for (rules, want) in bad {
            assert_eq!(rules.validate(), Err(want.clone()), "{rules:?}");
            assert_eq!(rules.generate_with(&mut rand::rng()).unwrap_err(), want);
        }
    }

    #[test]
    fn unmet_names_what_a_password_misses() {
        let d = PasswordRules::default();
        assert_eq!(
            d.unmet("short"),
            [
                "12 to 64 characters",
                "an upper-case letter",
                "a digit",
                "a symbol"
            ]
        );
        assert_eq!(d.unmet("Abcdefgh1234!"), Vec::<String>::new());
        assert_eq!(d.unmet("Abcdefgh1234&"), ["only the symbols !#$%*+-=?@^_"]);
        assert!(
            d.words()
                .starts_with("12 to 64 characters, with an upper-case")
        );
    }

    #[test]
    fn edited_rules_are_kept_per_portal_and_forgotten_with_it() {
        let mut store = Store::open_in_memory(crate::desk::SCHEMA).unwrap();
        // No preset publishes its rules: each starts from the common ones.
        assert_eq!(
            of_portal(&store, 4, Some("availity")).unwrap(),
            PasswordRules::default()
        );
        let edited = PasswordRules {
            min_length: 16,
            ..PasswordRules::default()
        };
        set(&mut store, 4, &edited).unwrap();
        assert_eq!(of_portal(&store, 4, Some("availity")).unwrap(), edited);
        assert_eq!(
            of_portal(&store, 5, None).unwrap(),
            PasswordRules::default()
        );
        forget(store.conn(), 4).unwrap();
        assert_eq!(
            of_portal(&store, 4, None).unwrap(),
            PasswordRules::default()
        );
    }
}
