//! The audit log for an office admin: read and filter it, check it, export it; and its
//! retention.

use std::path::Path;

use serde::Deserialize;

use super::portals::Exported;
use super::{Error, Keydesk, Now};
use crate::audit::{Action, Filter, Record, Verdict};
use crate::error::ErrorCode;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditFormat {
    /// Comma-separated, with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The records that pass `filter`, oldest first (an office admin only).
pub fn list(kd: &Keydesk, filter: &Filter) -> Result<Vec<Record>, Error> {
    kd.admin()?;
    Ok(crate::audit::list(kd.desk().store(), filter)?)
}

/// Checks the whole chain; needs no sign-in, as it shows nothing but sequence numbers.
pub fn verify(kd: &Keydesk) -> Result<Verdict, Error> {
    Ok(crate::audit::verify(kd.desk().store())?)
}

/// Writes the records that pass `filter` to `path` (an office admin only); the export itself is
/// recorded.
pub fn export(
    kd: &Keydesk,
    filter: &Filter,
    format: AuditFormat,
    path: &Path,
) -> Result<Exported, Error> {
    let records = list(kd, filter)?;
    let text = match format {
        AuditFormat::Csv => crate::audit::to_csv(&records).map_err(|e| {
            Error::other(
                ErrorCode::Audit,
                format!("The log could not be written: {e}"),
            )
        })?,
        AuditFormat::Jsonl => crate::audit::to_jsonl(&records),
    };
    super::write_file(path, text.as_bytes())?;
    kd.audit(
        Action::ExportWritten,
        None,
        format!("audit log, {} records", records.len()),
    );
    Ok(Exported {
        count: records.len(),
        path: path.to_owned(),
    })
}

/// Removes records older than the retention (six years unless the office's policy says
/// otherwise). Run at start.
pub fn prune(kd: &Keydesk, now: Now) -> Result<usize, Error> {
    let days = i64::from(kd.policy().policy.retention_days());
    Ok(crate::audit::prune(
        kd.desk().store(),
        now.secs() - days * 86_400,
    )?)
}
