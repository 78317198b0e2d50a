//! The clock check: this computer's clock against the portals' servers, since codes fail when
//! it is more than 15 seconds off.

use std::time::SystemTime;

use keydesk::otp::clock;
use keydesk::portal::PortalBook;
use serde::Serialize;

use crate::error::CommandError;
use crate::state::DeskState;

/// One server's answer, worded.
#[derive(Debug, Serialize)]
pub struct ClockLine {
    /// The server asked.
    pub server: String,
    /// True when the server answered.
    pub answered: bool,
    /// True when the clock is off enough to make codes fail.
    pub warn: bool,
    /// What to tell the person.
    pub message: String,
}

/// Asks each portal's server for its time. The profile is not held during the network wait.
#[tauri::command]
pub async fn otp_clock_check(
    desk: tauri::State<'_, DeskState>,
) -> Result<Vec<ClockLine>, CommandError> {
    let servers = {
        let mut desk = desk.lock().await;
        clock::portal_servers(&PortalBook::new(desk.store()).list()?)
    };
    let readings = clock::check(&servers, &SystemTime::now).await;
    Ok(readings
        .into_iter()
        .zip(servers)
        .map(|(reading, server)| match reading {
            Ok(r) => ClockLine {
                message: r.message(),
                server,
                answered: true,
                warn: r.warn,
            },
            Err(e) => ClockLine {
                message: e.to_string(),
                server,
                answered: false,
                warn: false,
            },
        })
        .collect())
}
