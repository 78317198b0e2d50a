//! The clock check: TOTP codes fail when the desk's clock is off, so compare it with the `Date`
//! headers of the portals' servers (RFC 7231 HTTP dates, one-second resolution) and warn when
//! it is more than [`MAX_SKEW_SECS`] off.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::ErrorCode;
use serde::Serialize;

/// How far off the clock may be before codes start failing (half a 30 s period).
pub const MAX_SKEW_SECS: i64 = 15;

/// One server's view of the time compared with the desk's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockReading {
    /// The server asked.
    pub server: String,
    /// Server time minus desk time, seconds; positive when the desk is behind.
    pub offset_secs: i64,
    /// True when the offset is large enough to make codes fail.
    pub warn: bool,
}

impl ClockReading {
    /// What to tell the user, in plain words.
    pub fn message(&self) -> String {
        let (n, way) = (
            self.offset_secs.abs(),
            if self.offset_secs > 0 {
                "behind"
            } else {
                "ahead of"
            },
        );
        if self.warn {
            format!(
                "This computer's clock is {n} s {way} {}. Authenticator codes will be refused; \
                 turn on automatic time setting (or ask IT to fix the clock).",
                self.server
            )
        } else {
            format!("The clock agrees with {} (within {n} s).", self.server)
        }
    }
}

/// Why a server's time could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The server sent no `Date` header.
    #[error("{0} did not say what time it is (no Date header)")]
    NoDate(String),
    /// The `Date` header is not an HTTP date.
    #[error("{0} sent a date Keydesk cannot read")]
    BadDate(String),
    /// The server could not be reached.
    #[error("{server} could not be reached to check the clock: {reason}")]
    Unreachable {
        /// The server.
        server: String,
        /// Why.
        reason: String,
    },
}

impl ClockError {
    /// A stable code for the UI.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NoDate(_) => ErrorCode::ClockNoDate,
            Self::BadDate(_) => ErrorCode::ClockBadDate,
            Self::Unreachable { .. } => ErrorCode::ClockUnreachable,
        }
    }
}

/// The servers to ask: the origin of each portal's sign-in page, once each, in list order.
/// These are the servers whose codes must be accepted, so their clocks are the ones that count.
pub fn portal_servers(portals: &[crate::portal::Portal]) -> Vec<String> {
    let mut servers: Vec<String> = Vec::new();
    for portal in portals {
        if let Ok(url) = url::Url::parse(&portal.fields.login_url) {
            let origin = url.origin().ascii_serialization();
            if origin != "null" && !servers.contains(&origin) {
                servers.push(origin);
            }
        }
    }
    servers
}

/// Compares `local` (the desk's time when the response arrived) with a `Date` header value.
pub fn compare(
    server: &str,
    date_header: &str,
    local: SystemTime,
) -> Result<ClockReading, ClockError> {
    let remote = httpdate::parse_http_date(date_header.trim())
        .map_err(|_| ClockError::BadDate(server.to_owned()))?;
    let secs = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    // The header drops the fraction of a second, so compare whole seconds.
    let offset_secs = secs(remote) - secs(local);
    Ok(ClockReading {
        server: server.to_owned(),
        offset_secs,
        warn: offset_secs.abs() > MAX_SKEW_SECS,
    })
}

/// Asks each URL (a HEAD request, 10 s timeout) and compares its `Date` with `now()` read when
/// the answer arrives.
pub async fn check(
    urls: &[String],
    now: &(dyn Fn() -> SystemTime + Sync),
) -> Vec<Result<ClockReading, ClockError>> {
    // reqwest is built without a default crypto provider; use ring, as the rest of Keydesk does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            let reason = e.to_string();
            return urls
                .iter()
                .map(|u| {
                    Err(ClockError::Unreachable {
                        server: u.clone(),
                        reason: reason.clone(),
                    })
                })
                .collect();
        }
    };
    let mut out = Vec::with_capacity(urls.len());
    for url in urls {
        let result = match client.head(url).send().await {
            Ok(response) => {
                let arrived = now();
                match response
                    .headers()
                    .get(reqwest::header::DATE)
                    .and_then(|v| v.to_str().ok())
                {
                    Some(date) => compare(url, date, arrived),
                    None => Err(ClockError::NoDate(url.clone())),
                }
            }
            Err(e) => Err(ClockError::Unreachable {
                server: url.clone(),
                reason: e.to_string(),
            }),
        };
        out.push(result);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn within_and_beyond_fifteen_seconds() {
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 (RFC 7231's example).
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        let ok = compare("a", date, at(784_111_777 - 15)).unwrap();
        assert_eq!((ok.offset_secs, ok.warn), (15, false), "15 s is still fine");
        let behind = compare("a", date, at(784_111_777 - 16)).unwrap();
        assert_eq!((behind.offset_secs, behind.warn), (16, true));
        assert!(
            behind.message().contains("16 s behind"),
            "{}",
            behind.message()
        );
        let ahead = compare("a", date, at(784_111_777 + 120)).unwrap();
        assert_eq!((ahead.offset_secs, ahead.warn), (-120, true));
    }

    #[test]
    fn portal_servers_are_the_sign_in_origins_once_each() {
        let portal = |id, url: &str| crate::portal::Portal {
            id,
            fields: crate::portal::PortalFields {
                name: format!("p{id}"),
                login_url: url.into(),
                ..Default::default()
            },
            created_at: 0,
            password_changed_at: None,
            last_sign_in_at: None,
        };
        let servers = portal_servers(&[
            portal(
                1,
                "https://apps.availity.com/availity/web/public.elegant.login",
            ),
            portal(2, "https://apps.availity.com/other"),
            portal(3, "http://127.0.0.1:18081/login"),
        ]);
        assert_eq!(
            servers,
            ["https://apps.availity.com", "http://127.0.0.1:18081"]
        );
    }

    #[test]
    fn obsolete_http_date_forms_and_garbage() {
        let rfc850 = compare("a", "Sunday, 06-Nov-94 08:49:37 GMT", at(784_111_777)).unwrap();
        assert_eq!(rfc850.offset_secs, 0);
        let asctime = compare("a", "Sun Nov  6 08:49:37 1994", at(784_111_777)).unwrap();
        assert_eq!(asctime.offset_secs, 0);
        assert_eq!(
            compare("a", "yesterday", at(0)).unwrap_err().code(),
            "clock_bad_date"
        );
    }
}
