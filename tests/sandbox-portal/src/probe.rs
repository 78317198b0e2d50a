//! Test-only pages for Keydesk's security tests: a page whose script tries the desktop app's IPC
//! and reports what happened, and a redirect to another origin (a look-alike portal).
//!
//! The IPC probe runs inside Keydesk's portal window (a remote page, which Tauri still gives
//! its IPC bridge). It calls commands of the main window and posts only whether each call was
//! allowed or refused, and the refusal's message — never a value a call returned.

use serde::{Deserialize, Serialize};

/// What the IPC probe page reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProbeReport {
    /// `window.__TAURI_INTERNALS__` existed (so a refusal came from the app, not its absence).
    pub internals: bool,
    /// One result per command tried.
    pub results: Vec<ProbeResult>,
}

/// One command the probe tried.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProbeResult {
    /// The command, e.g. `portal_reveal`.
    pub command: String,
    /// `allowed` or `refused`.
    pub outcome: String,
    /// The refusal's message (empty when allowed: a returned value is never reported).
    pub detail: String,
}

/// The probe page. Its script runs as soon as the page loads.
pub fn ipc_probe_page() -> String {
    r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>IPC probe</title></head>
<body data-page="ipc-probe"><h1>IPC probe</h1><p id="probe-status">probing…</p>
<script>
(async function () {
  var internals = typeof window.__TAURI_INTERNALS__ !== 'undefined';
  var calls = [['portal_reveal', { id: 1 }], ['desk_status', {}], ['pending_codes', {}],
               ['plugin:clipboard-manager|read_text', {}]];
  var results = [];
  for (var i = 0; i < calls.length; i++) {
    var outcome = 'refused', detail = '';
    try {
      if (!internals) throw new Error('no IPC bridge on this page');
      await window.__TAURI_INTERNALS__.invoke(calls[i][0], calls[i][1]);
      outcome = 'allowed';
    } catch (e) {
      detail = String((e && e.message) || e).slice(0, 300);
    }
    results.push({ command: calls[i][0], outcome: outcome, detail: detail });
  }
  await fetch('/__sandbox/ipc-report', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ internals: internals, results: results }) });
  document.getElementById('probe-status').textContent = 'reported';
})();
</script></body></html>
"#
    .to_owned()
}
