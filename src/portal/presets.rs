//! Presets for the major portals: editable defaults from the published facts (DESIGN.md,
//! "Portal facts"). A preset fills a [`PortalFields`]; the person then edits anything, and only
//! the filled fields are stored, so a later change to a preset never rewrites a saved portal.
//!
//! Where a fact is not published the field is left empty rather than guessed. Lifetimes given
//! as a range take the short end, so a countdown never says a code is still good when it is not.

use crate::error::Field;
use serde::Serialize;

use super::{PortalError, PortalFields, SecondStep};
use crate::extract::CodeShape;

/// Defaults for one well-known portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Preset {
    /// Stable identifier, used on the command line and stored with the portal.
    pub id: &'static str,
    /// The portal's name as its users know it.
    pub name: &'static str,
    /// The sign-in page; `None` when each organization has its own (the person must give it).
    pub login_url: Option<&'static str>,
    /// The portal's other origins a sign-in passes through (identity hosts, the sites people
    /// arrive from and return to), besides the sign-in page's own.
    pub origins: &'static [&'static str],
    /// The second step a new account gets.
    pub second_step: SecondStep,
    /// Where its codes come from (`@domain` means any sender at that domain).
    pub code_senders: &'static [&'static str],
    /// Code lifetime in seconds.
    pub code_lifetime_secs: Option<u32>,
    /// The shapes its mailed or texted codes take, where published; the inbox also learns them
    /// from the portal's verified codes ([`super::code_shapes`]).
    #[serde(skip)]
    pub code_shapes: &'static [CodeShape],
    /// "Remember this device" lifetime in days.
    pub remember_device_days: Option<u32>,
    /// Password-change interval in days.
    pub password_change_days: Option<u32>,
    /// Wrong tries before lockout.
    pub lockout_threshold: Option<u32>,
    /// Support line.
    pub support_phone: Option<&'static str>,
    /// What the front desk should know, in a sentence.
    pub note: &'static str,
}

/// The shipped presets.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "cigna",
        name: "Cigna for Health Care Professionals",
        login_url: Some("https://cignaforhcp.cigna.com/app/login"),
        origins: &[],
        second_step: SecondStep::EmailCode,
        // Assumption: codes come from a cigna.com address; the exact sender is not published.
        code_senders: &["@cigna.com"],
        // "Up to 24 h reported"; no shorter published figure.
        code_lifetime_secs: Some(24 * 3600),
        code_shapes: &[],
        remember_device_days: None,
        password_change_days: None,
        lockout_threshold: None,
        support_phone: Some("800-981-9114"),
        note: "The code goes to the address in Settings & Preferences. Users signing in through \
               their organization (SSO) get no code. A remembered device is lost when cookies \
               are cleared or another browser is used.",
    },
    Preset {
        id: "availity",
        name: "Availity",
        // Moved in 2026 from apps.availity.com; the old host still redirects there.
        login_url: Some(
            "https://essentials.availity.com/static/public/onb/onboarding-ui-apps/availity-fr-ui/#/login",
        ),
        origins: &["https://apps.availity.com"],
        second_step: SecondStep::Authenticator,
        code_senders: &[],
        code_lifetime_secs: Some(30),
        code_shapes: &[],
        remember_device_days: None,
        password_change_days: Some(60),
        lockout_threshold: None,
        support_phone: None,
        note: "Authenticator app or token, with a backup code; text and voice codes are no \
               longer offered to new users. Passwords expire every 60 days. Repeated wrong \
               codes lock the account.",
    },
    Preset {
        id: "uhc",
        name: "UnitedHealthcare One Healthcare ID",
        // Assumption: the One Healthcare ID sign-in page that uhcprovider.com sends you to.
        login_url: Some("https://identity.onehealthcareid.com/oneapp/index.html#/login"),
        // People arrive from and return to these (assumption: the www./secure. hosts).
        origins: &[
            "https://www.uhcprovider.com",
            "https://secure.uhcdental.com",
            "https://www.uhcjarvis.com",
        ],
        second_step: SecondStep::Authenticator,
        // E-mail codes were removed in 2025.
        code_senders: &[],
        code_lifetime_secs: Some(30),
        code_shapes: &[],
        remember_device_days: None,
        password_change_days: None,
        lockout_threshold: None,
        support_phone: None,
        note: "Passkey, authenticator or phone; keep the recovery code. One ID per person: do \
               not share one ID across the desk.",
    },
    Preset {
        id: "mychart",
        name: "Epic MyChart",
        // Each health system runs its own MyChart: the person gives its address.
        login_url: None,
        origins: &[],
        second_step: SecondStep::EmailCode,
        // Senders are the organization's own addresses; add them after the first code arrives.
        code_senders: &[],
        // 10 to 30 minutes by organization.
        code_lifetime_secs: Some(10 * 60),
        // "Usually 6 digits, some organizations alphanumeric (TM3KX2)".
        code_shapes: &[
            CodeShape {
                len: 6,
                letters: false,
            },
            CodeShape {
                len: 6,
                letters: true,
            },
        ],
        // 24 hours to 180 days by organization: left empty rather than guessed.
        remember_device_days: None,
        password_change_days: None,
        lockout_threshold: None,
        support_phone: None,
        note: "Codes by e-mail or text, usually 6 digits (some organizations use letters too). \
               Settings differ per organization: check its code lifetime and remember-device \
               length.",
    },
    Preset {
        id: "humana",
        name: "Humana",
        // Assumption: Humana's account sign-in page for members and pharmacy.
        login_url: Some("https://account.humana.com/"),
        origins: &[],
        second_step: SecondStep::EmailCode,
        // Assumption: codes come from a humana.com address.
        code_senders: &["@humana.com"],
        // 5 to 20 minutes.
        code_lifetime_secs: Some(5 * 60),
        code_shapes: &[],
        remember_device_days: Some(125),
        password_change_days: None,
        lockout_threshold: None,
        support_phone: None,
        note: "Code by e-mail or text; a new code voids the old one. A saved device lasts up \
               to 125 days. Providers sign in through Availity instead.",
    },
    Preset {
        id: "delta-dental",
        name: "Delta Dental",
        // Assumption: Delta Dental Insurance Company's site; state member companies have their
        // own — edit the address for yours.
        // Its sign-in page, on Okta at its own identity host.
        login_url: Some("https://www.deltadentalins.com/ciam/login?TARGET=%2Fprovider-tools%2Fv2"),
        origins: &["https://auth.deltadentalins.com"],
        second_step: SecondStep::EmailCode,
        // Assumption: codes come from a deltadentalins.com address.
        code_senders: &["@deltadentalins.com"],
        code_lifetime_secs: None,
        code_shapes: &[],
        remember_device_days: None,
        password_change_days: None,
        lockout_threshold: None,
        support_phone: None,
        note: "A code by voice, e-mail or text has been required since October 2025. A \
               remembered device is per browser.",
    },
];

/// The ids of all presets, for messages.
pub(super) fn ids() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}

impl Preset {
    /// The preset with this id.
    pub fn find(id: &str) -> Result<&'static Preset, PortalError> {
        PRESETS
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| PortalError::UnknownPreset(id.trim().to_owned()))
    }

    /// True when the person must give the sign-in address (e.g. their health system's MyChart).
    pub fn needs_organization_url(&self) -> bool {
        self.login_url.is_none()
    }

    /// The preset's defaults as fields to edit. `organization_url` is required when
    /// [`Preset::needs_organization_url`], and replaces the preset's address otherwise.
    pub fn fields(&self, organization_url: Option<&str>) -> Result<PortalFields, PortalError> {
        let organization_url = organization_url.map(str::trim).filter(|u| !u.is_empty());
        let login_url = match (organization_url, self.login_url) {
            (Some(url), _) => url,
            (None, Some(url)) => url,
            (None, None) => {
                return Err(PortalError::Invalid {
                    field: Field::OrganizationUrl,
                    reason: format!(
                        "{} has a different address for each organization; enter your \
                         organization's sign-in address (https://…)",
                        self.name
                    ),
                });
            }
        };
        Ok(PortalFields {
            name: self.name.to_owned(),
            preset: Some(self.id.to_owned()),
            login_url: login_url.to_owned(),
            allowed_origins: self.origins.iter().map(|o| (*o).to_owned()).collect(),
            username: String::new(),
            second_step: self.second_step,
            code_senders: self.code_senders.iter().map(|s| (*s).to_owned()).collect(),
            code_lifetime_secs: self.code_lifetime_secs,
            remember_device_days: self.remember_device_days,
            password_change_days: self.password_change_days,
            lockout_threshold: self.lockout_threshold,
            support_phone: self.support_phone.map(str::to_owned),
            office: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_with_an_address_validates() {
        for preset in PRESETS.iter().filter(|p| !p.needs_organization_url()) {
            let fields = preset.fields(None).unwrap();
            let valid = fields.validate();
            assert!(valid.is_ok(), "{}: {valid:?}", preset.id);
        }
    }

    #[test]
    fn required_presets_are_shipped() {
        for id in [
            "cigna",
            "availity",
            "uhc",
            "mychart",
            "humana",
            "delta-dental",
        ] {
            assert!(Preset::find(id).is_ok(), "{id}");
        }
        assert!(matches!(
            Preset::find("aetna"),
            Err(PortalError::UnknownPreset(_))
        ));
    }

    #[test]
    fn presets_carry_the_hosts_a_sign_in_passes_through() {
        let delta = Preset::find("delta-dental").unwrap().fields(None).unwrap();
        let delta = delta.validate().unwrap();
        assert!(delta.login_url.contains("/ciam/login?TARGET="));
        assert_eq!(
            delta.allowed_origins,
            [
                "https://www.deltadentalins.com",
                "https://auth.deltadentalins.com"
            ]
        );
        let availity = Preset::find("availity").unwrap().fields(None).unwrap();
        let availity = availity.validate().unwrap();
        assert_eq!(
            availity.allowed_origins,
            [
                "https://essentials.availity.com",
                "https://apps.availity.com"
            ]
        );
        let uhc = Preset::find("uhc").unwrap().fields(None).unwrap();
        assert!(uhc.validate().unwrap().allowed_origins.len() == 4);
    }

    #[test]
    fn mychart_needs_the_organization_address() {
        let mychart = Preset::find("mychart").unwrap();
        let err = mychart.fields(None).unwrap_err();
        assert!(
            matches!(
                err,
                PortalError::Invalid {
                    field: Field::OrganizationUrl,
                    ..
                }
            ),
            "{err}"
        );
        let fields = mychart
            .fields(Some("https://mychart.example-health.org/MyChart/"))
            .unwrap()
            .validate()
            .unwrap();
        assert_eq!(
            fields.allowed_origins,
            ["https://mychart.example-health.org"]
        );
        assert_eq!(fields.preset.as_deref(), Some("mychart"));
    }

    #[test]
    fn availity_carries_its_published_facts() {
        let fields = Preset::find("Availity").unwrap().fields(None).unwrap();
        assert_eq!(fields.password_change_days, Some(60));
        assert_eq!(fields.second_step, SecondStep::Authenticator);
        assert_eq!(fields.code_lifetime_secs, Some(30));
    }
}
