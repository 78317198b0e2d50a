//! The portal-list file an office manager exports at one desk and imports at the others:
//! versioned JSON holding [`PortalFields`] only — no password, no recovery code, no timestamps
//! (a new desk has neither saved passwords nor sign-ins).
//!
//! Import checks the whole file first: a file that is not JSON, not this format or another
//! version imports nothing. Then each entry is checked on its own; the valid ones are added in
//! one transaction and every rejected one is named with its reason.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{PortalBook, PortalError, PortalFields};
use crate::error::ErrorCode;

/// The `format` value that marks a Keydesk portal list.
pub const FORMAT: &str = "keydesk-portals";
/// The version this build writes and reads.
pub const VERSION: u64 = 1;

/// The export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this build.
    pub version: u64,
    /// When it was written (UNIX seconds).
    pub exported_at: i64,
    /// The portals, by name.
    pub portals: Vec<PortalFields>,
    /// What the desk taught Keydesk of each portal's pages (*Teach Keydesk this page*), by
    /// portal name: step → selectors.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub recipe_overrides: BTreeMap<String, crate::portal::taught::Override>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, ts_rs::TS)]
#[ts(rename = "PortalImportReport")]
pub struct ImportReport {
    /// Names of the portals added.
    pub added: Vec<String>,
    /// Entries not added, each with why.
    pub rejected: Vec<Rejected>,
}

/// An entry that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Rejected {
    /// 1-based position in the file.
    pub entry: usize,
    /// The entry's name, or "entry N" when it has none.
    pub name: String,
    /// Why, in plain words.
    pub reason: String,
}

/// Why a file could not be imported at all. Nothing was added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// Not JSON, or not shaped like a portal list.
    #[error("the file is not a readable Keydesk portal list ({0}); nothing was imported")]
    Malformed(String),
    /// JSON, but some other kind of file.
    #[error("the file is not a Keydesk portal list (format \"{0}\"); nothing was imported")]
    WrongFormat(String),
    /// A portal list of a version this build does not read.
    #[error(
        "the portal list is version {found}, this Keydesk reads version {supported}; update \
         Keydesk at this desk (nothing was imported)"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u64,
        /// Version this build reads.
        supported: u64,
    },
    /// The database failed while adding; nothing was added.
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl TransferError {
    /// A stable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed(_) => ErrorCode::ImportMalformed,
            Self::WrongFormat(_) => ErrorCode::ImportWrongFormat,
            Self::UnsupportedVersion { .. } => ErrorCode::ImportUnsupportedVersion,
            Self::Portal(e) => e.code(),
        }
    }
}

impl ImportReport {
    /// True when every entry was added.
    pub fn is_complete(&self) -> bool {
        self.rejected.is_empty()
    }
}

impl PortalBook<'_> {
    /// The portal list to write to a file, as of `now`. Reads no secret.
    pub fn export(&mut self, now: i64) -> Result<ExportFile, PortalError> {
        let portals = self.list()?;
        let mut recipe_overrides = BTreeMap::new();
        for p in &portals {
            let taught = crate::portal::taught::hints(self.store, p.id)?;
            if !taught.is_empty() {
                recipe_overrides.insert(p.fields.name.clone(), taught);
            }
        }
        Ok(ExportFile {
            format: FORMAT.to_owned(),
            version: VERSION,
            exported_at: now,
            portals: portals.into_iter().map(|p| p.fields).collect(),
            recipe_overrides,
        })
    }

    /// Imports a portal-list file: the valid entries in one transaction, the others reported.
    pub fn import(&mut self, bytes: &[u8], now: i64) -> Result<ImportReport, TransferError> {
        let (report, accepted) = self.plan_import(bytes)?;
        self.add_validated(&accepted, now)?;
        // The taught hints of the portals just added come with them (a bad one is left out).
        let overrides = overrides(bytes);
        for portal in self.list()? {
            let Some(taught) = overrides
                .get(&portal.fields.name)
                .filter(|_| report.added.contains(&portal.fields.name))
            else {
                continue;
            };
            for (step, selectors) in taught {
                for selector in selectors.iter().rev() {
                    let _ = crate::portal::taught::learn(self.store, portal.id, step, selector);
                }
            }
        }
        Ok(report)
    }

    /// What [`PortalBook::import`] would add and reject, without adding anything: the window
    /// shows this first, so a person decides with every rejected entry in view.
    pub fn check_import(&mut self, bytes: &[u8]) -> Result<ImportReport, TransferError> {
        Ok(self.plan_import(bytes)?.0)
    }

    fn plan_import(
        &mut self,
        bytes: &[u8],
    ) -> Result<(ImportReport, Vec<PortalFields>), TransferError> {
        let entries = parse(bytes)?;
        let mut taken = self.name_keys()?;
        let mut accepted = Vec::new();
        let mut report = ImportReport::default();
        for (index, entry) in entries.into_iter().enumerate() {
            let name = entry
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map_or_else(|| format!("entry {}", index + 1), str::to_owned);
            let checked = serde_json::from_value::<PortalFields>(entry)
                .map_err(|e| e.to_string())
                .and_then(|fields| fields.validate().map_err(|e| e.to_string()))
                .and_then(|fields| {
                    if taken.contains(&fields.name_key()) {
                        Err(
                            "a portal with this name already exists on this desk, or earlier \
                             in the file"
                                .to_owned(),
                        )
                    } else {
                        Ok(fields)
                    }
                });
            match checked {
                Ok(fields) => {
                    taken.push(fields.name_key());
                    report.added.push(fields.name.clone());
                    accepted.push(fields);
                }
                Err(reason) => report.rejected.push(Rejected {
                    entry: index + 1,
                    name,
                    reason,
                }),
            }
        }
        Ok((report, accepted))
    }
}

/// The file's taught hints, by portal name (none when absent or unreadable).
fn overrides(bytes: &[u8]) -> BTreeMap<String, crate::portal::taught::Override> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|mut v| v.get_mut("recipe_overrides").map(Value::take))
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Checks the file as a whole and returns its entries, unchecked.
fn parse(bytes: &[u8]) -> Result<Vec<Value>, TransferError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| TransferError::Malformed(e.to_string()))?;
    let Value::Object(mut top) = value else {
        return Err(TransferError::Malformed("expected a JSON object".into()));
    };
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => return Err(TransferError::WrongFormat(f.clone())),
        _ => return Err(TransferError::Malformed("no \"format\" field".into())),
    }
    match top.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(found) => {
            return Err(TransferError::UnsupportedVersion {
                found,
                supported: VERSION,
            });
        }
        None => return Err(TransferError::Malformed("no \"version\" number".into())),
    }
    match top.remove("portals") {
        Some(Value::Array(entries)) => Ok(entries),
        _ => Err(TransferError::Malformed("no \"portals\" list".into())),
    }
}
