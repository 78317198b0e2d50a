//! Portal health: can this computer reach the portal, is its secure connection right, does its
//! sign-in page answer, and does it say it is down for maintenance. Each check goes step by step
//! — the name (DNS), the connection, the certificate (valid, days left, its chain), the sign-in
//! page's HTTP status and time, a maintenance notice on it, the system proxy in use — and ends in
//! one [`HealthState`] with a line in plain words. Checks are kept 30 days ([`book`]).

pub mod book;
mod tls;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use tls::TlsReport;

/// How a portal stands, worst first after `ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "PortalHealthState")]
pub enum HealthState {
    /// The sign-in page answers.
    Ok,
    /// The portal says it is down for maintenance.
    Maintenance,
    /// Its certificate is expired, not trusted or for another name.
    Certificate,
    /// It cannot be reached: no such name, refused, timed out, or the proxy dropped it.
    Unreachable,
    /// It answers with an error.
    Error,
}

impl HealthState {
    /// Its stable code (as serialized).
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Maintenance => "maintenance",
            Self::Certificate => "certificate",
            Self::Unreachable => "unreachable",
            Self::Error => "error",
        }
    }

    /// The state of a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Ok,
            Self::Maintenance,
            Self::Certificate,
            Self::Unreachable,
            Self::Error,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// What one check found. No secret: only the portal's public sign-in page was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Checkup {
    /// The address checked.
    pub url: String,
    /// How it stands.
    pub state: HealthState,
    /// The state in one line of plain words.
    pub words: String,
    /// When (UNIX seconds).
    pub checked_at: i64,
    /// The addresses the name resolved to.
    pub addresses: Vec<String>,
    /// How long the name took to resolve (ms).
    pub dns_ms: Option<u32>,
    /// How long the connection took (ms; to the proxy when one is in use).
    pub connect_ms: Option<u32>,
    /// The secure connection, for an `https://` portal reached directly.
    pub tls: Option<TlsReport>,
    /// The sign-in page's HTTP status.
    pub http_status: Option<u16>,
    /// How long the sign-in page took (ms).
    pub http_ms: Option<u32>,
    /// The maintenance notice on the page, in its own words.
    pub maintenance_notice: Option<String>,
    /// The system proxy in use for this portal.
    pub proxy: Option<String>,
}

/// How to check: the proxy, the time allowed per step, and certificates to trust besides the
/// public roots (a test bed's own).
#[derive(Debug, Clone)]
pub struct Probe {
    /// The proxy to go through (`http://host:port`), as the system names it.
    pub proxy: Option<String>,
    /// Time allowed for each step.
    pub timeout: Duration,
    /// Extra trusted roots (DER).
    pub extra_roots: Vec<Vec<u8>>,
}

impl Default for Probe {
    fn default() -> Self {
        Self {
            proxy: None,
            timeout: Duration::from_secs(8),
            extra_roots: Vec::new(),
        }
    }
}

impl Probe {
    /// The system's probe for `url`: its proxy from the environment (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `ALL_PROXY`, less `NO_PROXY`), and the roots named by
    /// `KEYDESK_EXTRA_ROOTS` (a PEM file; for test beds).
    pub fn system(url: &str) -> Self {
        let extra_roots = std::env::var_os("KEYDESK_EXTRA_ROOTS")
            .and_then(|p| crate::file::read_import(std::path::Path::new(&p)).ok())
            .map(|pem| pem_certificates(&pem))
            .unwrap_or_default();
        Self {
            proxy: system_proxy(url, |k| std::env::var(k).ok()),
            extra_roots,
            ..Self::default()
        }
    }
}

/// The proxy the environment names for `url`, unless `NO_PROXY` exempts its host. Loopback is
/// never proxied.
pub fn system_proxy(url: &str, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed
        .host_str()?
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    if host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    {
        return None;
    }
    let get = |k: &str| {
        env(k)
            .or_else(|| env(&k.to_ascii_lowercase()))
            .filter(|v| !v.is_empty())
    };
    if let Some(no) = get("NO_PROXY") {
        let exempt = no.split(',').map(str::trim).any(|n| {
            let n = n.trim_start_matches('.').to_ascii_lowercase();
            n == "*" || (!n.is_empty() && (host == n || host.ends_with(&format!(".{n}"))))
        });
        if exempt {
            return None;
        }
    }
    let scheme_var = if parsed.scheme() == "https" {
        "HTTPS_PROXY"
    } else {
        "HTTP_PROXY"
    };
    get(scheme_var).or_else(|| get("ALL_PROXY"))
}

fn pem_certificates(pem: &[u8]) -> Vec<Vec<u8>> {
    use data_encoding::BASE64;
    let text = String::from_utf8_lossy(pem);
    let mut out = Vec::new();
    for block in text.split("-----BEGIN CERTIFICATE-----").skip(1) {
        let Some(body) = block.split("-----END CERTIFICATE-----").next() else {
            continue;
        };
        let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(der) = BASE64.decode(b64.as_bytes()) {
            out.push(der);
        }
    }
    out
}

/// The longest part of a page read for a maintenance notice.
const PAGE_MAX: usize = 512 * 1024;

/// Checks the sign-in page at `url`. `maintenance_words` are the phrases (lower case) that mean
/// maintenance on the portal's page; `now` is the time in UNIX seconds, for the certificate's
/// days left and the record.
pub async fn check(url: &str, probe: &Probe, maintenance_words: &[String], now: i64) -> Checkup {
    let mut c = Checkup {
        url: url.to_owned(),
        state: HealthState::Ok,
        words: String::new(),
        checked_at: now,
        addresses: Vec::new(),
        dns_ms: None,
        connect_ms: None,
        tls: None,
        http_status: None,
        http_ms: None,
        maintenance_notice: None,
        proxy: probe.proxy.clone(),
    };
    let parsed = match url::Url::parse(url) {
        Ok(u) if u.host_str().is_some() => u,
        _ => return c.ends(HealthState::Error, format!("{url} is not a web address.")),
    };
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    // Through a proxy the proxy resolves and connects: the direct steps are the proxy's.
    let (reach_host, reach_port) =
        match probe.proxy.as_deref().and_then(|p| url::Url::parse(p).ok()) {
            Some(p) => (
                p.host_str()
                    .unwrap_or_default()
                    .trim_matches(['[', ']'])
                    .to_owned(),
                p.port_or_known_default().unwrap_or(8080),
            ),
            None => (host.clone(), port),
        };
    let through = if probe.proxy.is_some() {
        " through the proxy"
    } else {
        ""
    };
    let started = Instant::now();
    let addrs = match tokio::time::timeout(
        probe.timeout,
        tokio::net::lookup_host((reach_host.as_str(), reach_port)),
    )
    .await
    {
        Ok(Ok(addrs)) => addrs.collect::<Vec<_>>(),
        Ok(Err(_)) | Err(_) => Vec::new(),
    };
    c.dns_ms = Some(ms(started));
    c.addresses = addrs.iter().map(|a| a.ip().to_string()).collect();
    if addrs.is_empty() {
        return c.ends(
            HealthState::Unreachable,
            format!("The name {reach_host} cannot be found (DNS): check the network."),
        );
    }
    let started = Instant::now();
    // Each address in turn (a name may resolve to IPv6 and IPv4), as a browser does.
    let mut last_error = None;
    let mut connected = None;
    for addr in &addrs {
        match tokio::time::timeout(probe.timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                connected = Some(s);
                break;
            }
            Ok(Err(e)) => last_error = Some(e),
            Err(_) => {
                last_error = Some(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "timed out",
                ))
            }
        }
    }
    let Some(stream) = connected else {
        let e = last_error.unwrap_or_else(|| std::io::Error::other("no address"));
        let why = match e.kind() {
            std::io::ErrorKind::ConnectionRefused => "refuses connections".to_owned(),
            std::io::ErrorKind::TimedOut => {
                format!("did not answer within {} s", probe.timeout.as_secs())
            }
            _ => format!("cannot be connected to ({e})"),
        };
        let who = if probe.proxy.is_some() {
            format!("The proxy {reach_host}:{reach_port}")
        } else {
            format!("{host}:{port}")
        };
        return c.ends(HealthState::Unreachable, format!("{who} {why}."));
    };
    c.connect_ms = Some(ms(started));
    if parsed.scheme() == "https" && probe.proxy.is_none() {
        let report = tls::handshake(stream, &host, probe, now).await;
        let problem = report.problem.clone();
        c.tls = Some(report);
        if let Some(problem) = problem {
            return c.ends(HealthState::Certificate, problem);
        }
    } else {
        drop(stream);
    }
    page(c, &parsed, probe, maintenance_words, through).await
}

async fn page(
    mut c: Checkup,
    url: &url::Url,
    probe: &Probe,
    maintenance_words: &[String],
    through: &str,
) -> Checkup {
    let client = match client(probe) {
        Ok(client) => client,
        Err(e) => {
            return c.ends(
                HealthState::Error,
                format!("Keydesk could not make a web client: {e}."),
            );
        }
    };
    let started = Instant::now();
    let response = match client.get(url.as_str()).send().await {
        Ok(r) => r,
        Err(e) => {
            let why = error_chain(&e);
            let words = if probe.proxy.is_some() {
                format!("The proxy did not pass the connection on to the portal ({why}).")
            } else {
                format!("The sign-in page did not answer ({why}).")
            };
            return c.ends(HealthState::Unreachable, words);
        }
    };
    let status = response.status();
    c.http_status = Some(status.as_u16());
    let mut body = Vec::new();
    let mut response = response;
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= PAGE_MAX {
            break;
        }
    }
    c.http_ms = Some(ms(started));
    let text = visible_text(&String::from_utf8_lossy(&body));
    let lower = text.to_lowercase();
    let notice = maintenance_words
        .iter()
        .find_map(|w| lower.find(w.as_str()))
        .map(|at| sentence_around(&text, at));
    let time = c.http_ms.unwrap_or(0);
    if let Some(notice) = notice {
        c.maintenance_notice = Some(notice.clone());
        return c.ends(
            HealthState::Maintenance,
            format!("Down for maintenance: “{notice}”"),
        );
    }
    if status.as_u16() == 503 {
        return c.ends(
            HealthState::Maintenance,
            format!(
                "The sign-in page says it is unavailable for now (HTTP 503, {time} ms{through})."
            ),
        );
    }
    if status.is_server_error() || status.is_client_error() {
        return c.ends(
            HealthState::Error,
            format!(
                "The sign-in page answers with an error (HTTP {}, {time} ms{through}).",
                status.as_u16()
            ),
        );
    }
    let days = c
        .tls
        .as_ref()
        .and_then(|t| t.days_left)
        .map(|d| format!("; certificate good for {d} more days"))
        .unwrap_or_default();
    c.ends(
        HealthState::Ok,
        format!(
            "The sign-in page answers (HTTP {}, {time} ms{through}{days}).",
            status.as_u16()
        ),
    )
}

fn client(probe: &Probe) -> Result<reqwest::Client, reqwest::Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .timeout(probe.timeout)
        .connect_timeout(probe.timeout)
        .no_proxy()
        .use_preconfigured_tls(tls::client_config(probe))
        .user_agent(concat!(
            "Keydesk/",
            env!("CARGO_PKG_VERSION"),
            " (portal health check)"
        ));
    if let Some(proxy) = &probe.proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy)?);
    }
    builder.build()
}

impl Checkup {
    fn ends(mut self, state: HealthState, words: String) -> Self {
        self.state = state;
        self.words = words;
        self
    }
}

fn ms(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_millis()).unwrap_or(u32::MAX)
}

/// The error and its causes in one line, without the URL's query (reqwest names the URL).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// The page's text without tags, scripts and styles, its white space folded.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let skip_to = ["script", "style"].iter().find_map(|tag| {
                lower[i + 1..]
                    .starts_with(tag)
                    .then(|| lower[i..].find(&format!("</{tag}")).map(|e| i + e))
                    .flatten()
            });
            let from = skip_to.unwrap_or(i);
            i = lower[from..]
                .find('>')
                .map(|e| from + e + 1)
                .unwrap_or(bytes.len());
            out.push(' ');
        } else {
            let next = lower[i..].find('<').map(|e| i + e).unwrap_or(bytes.len());
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sentence of `text` around byte `at`, at most 200 characters.
fn sentence_around(text: &str, at: usize) -> String {
    let start = text[..at]
        .rfind(['.', '!', '?'])
        .map(|s| s + 1)
        .unwrap_or(0);
    let end = text[at..]
        .find(['.', '!', '?'])
        .map(|e| at + e + 1)
        .unwrap_or(text.len());
    text[start..end].trim().chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_comes_from_the_environment_unless_exempt_or_loopback() {
        let env = |k: &str| match k {
            "HTTPS_PROXY" => Some("http://proxy.office:3128".to_owned()),
            "no_proxy" => Some(".internal.example,localhost".to_owned()),
            _ => None,
        };
        assert_eq!(
            system_proxy("https://cignaforhcp.cigna.com/app/login", env).as_deref(),
            Some("http://proxy.office:3128")
        );
        assert_eq!(system_proxy("https://a.internal.example/", env), None);
        assert_eq!(system_proxy("http://127.0.0.1:18081/", env), None);
        assert_eq!(
            system_proxy("http://example.com/", env),
            None,
            "no HTTP_PROXY"
        );
    }

    #[test]
    fn the_maintenance_notice_is_the_pages_own_sentence() {
        let html = "<html><head><style>.maintenance{}</style><script>var maintenance=1</script></head>\
            <body><h1>Welcome</h1><p>Cigna for HCP is down for scheduled maintenance until 6 AM ET. Sorry.</p></body></html>";
        let text = visible_text(html);
        assert!(!text.contains("var maintenance"), "{text}");
        let at = text.to_lowercase().find("maintenance").unwrap();
        assert_eq!(
            sentence_around(&text, at),
            "Welcome Cigna for HCP is down for scheduled maintenance until 6 AM ET."
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_unreachable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let c = check(
            &format!("http://127.0.0.1:{port}/login"),
            &Probe::default(),
            &[],
            0,
        )
        .await;
        assert_eq!(c.state, HealthState::Unreachable, "{c:?}");
        assert!(c.words.contains("refuses connections"), "{}", c.words);
    }
}
