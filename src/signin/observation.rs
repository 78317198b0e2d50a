//! What the page scripts report (see [`super::script`]): an [`Observation`] of the portal page,
//! and a [`FillReport`] after a fill. Plain data, parsed from the scripts' JSON.

use super::control::Control;
use super::detect::{self, Reading};

/// The page-wide markers the portal's recipe names (visible), as the observe script reports
/// them. Which control is which is the detector's decision ([`super::detect`]), from
/// [`Observation::controls`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct Seen {
    /// A signed-in marker.
    pub signed_in: bool,
    /// An alert banner.
    pub alert: bool,
    /// An SSO hand-off marker.
    pub sso: bool,
}

/// One look at the portal page.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Observation {
    /// `location.origin` (`null` for about:blank).
    pub origin: String,
    /// `location.href`.
    pub url: String,
    /// Identifies the document: changes when the page is replaced by another.
    pub document: String,
    /// The document has been parsed (`readyState` is not `loading`).
    pub ready: bool,
    /// The page-wide markers it shows.
    pub seen: Seen,
    /// Its controls (inputs, buttons, links, ARIA widgets), in document order.
    pub controls: Vec<Control>,
    /// Its title and visible headings, trimmed (the portal's own words).
    pub heading: String,
    /// The visible alert banners' text, trimmed (never a secret: it is the portal's own words).
    pub alert_text: Option<String>,
    /// Where the web engine was last sent (a link, a form, a server's redirect), as the shell
    /// saw it: a host that never answers leaves the last page on screen, so the page script
    /// cannot tell. Never read from the page script's answer.
    #[serde(skip)]
    pub navigated_to: String,
}

impl Observation {
    /// The detector's reading of the page.
    pub fn reading(&self) -> Reading {
        detect::read(&self.controls, &self.heading)
    }

    /// The page's address without its query and fragment (for messages).
    pub fn page(&self) -> String {
        let end = self.url.find(['?', '#']).unwrap_or(self.url.len());
        self.url[..end].to_owned()
    }
}

/// What a fill script reported back. Writing a value and sending the form are told apart: a
/// code box that sends itself on input has no button, and a value once written into a page must
/// never be written again (each try may count towards a lockout).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct FillReport {
    /// The script found the expected origin.
    pub origin_ok: bool,
    /// The origin it found instead, when it was not the expected one.
    pub origin: String,
    /// It found the field and wrote the value (password, code), or pressed the button (channel).
    pub written: bool,
    /// It also sent the form: pressed its button or submitted it.
    pub submitted: bool,
    /// It ticked (or found ticked) the remember-device checkbox.
    pub remember_ticked: bool,
}

impl FillReport {
    /// What a fill script that gave no answer counts as: the page was already navigating away
    /// after the submit (the engine drops the answers of a page being replaced), so the value
    /// counts as written and sent — nothing is ever sent twice.
    pub fn no_answer() -> Self {
        Self {
            origin_ok: true,
            written: true,
            submitted: true,
            ..Self::default()
        }
    }
}
