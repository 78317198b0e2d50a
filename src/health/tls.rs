//! The certificate step of a health check: a TLS handshake that keeps the chain the portal sent,
//! checks it against the trusted roots, and reads the certificate's end date.

use std::sync::{Arc, LazyLock, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::{Deserialize, Serialize};

use super::Probe;

/// What the certificate step found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TlsReport {
    /// The chain checked out against the trusted roots for the portal's name.
    pub valid: bool,
    /// What is wrong, in plain words (none when valid).
    pub problem: Option<String>,
    /// The portal's certificate ends (UNIX seconds).
    pub not_after: Option<i64>,
    /// Days until then (negative once past).
    pub days_left: Option<i64>,
    /// The chain as sent, the portal's certificate first: each one's subject.
    pub chain: Vec<String>,
    /// How long the handshake took (ms).
    pub handshake_ms: Option<u32>,
}

/// The roots the operating system trusts, read once: the office's own (a firewall that inspects
/// TLS, an organization's CA) are there, and the portal windows' web engine trusts them too.
static SYSTEM_ROOTS: LazyLock<Vec<CertificateDer<'static>>> = LazyLock::new(|| {
    let found = rustls_native_certs::load_native_certs();
    if !found.errors.is_empty() {
        tracing::info!(
            errors = found.errors.len(),
            "some of the system's trusted roots could not be read"
        );
    }
    found.certs
});

/// The public roots (Mozilla's), the system's, and the probe's own.
fn roots(probe: &Probe) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // A certificate the parser refuses is left out, as the system's own TLS leaves it out.
    let _ = roots.add_parsable_certificates(SYSTEM_ROOTS.iter().cloned());
    for der in &probe.extra_roots {
        let _ = roots.add(CertificateDer::from(der.clone()));
    }
    roots
}

/// The client configuration for the page request: the same roots as the check.
pub(super) fn client_config(probe: &Probe) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots(probe))
        .with_no_client_auth()
}

#[derive(Debug)]
struct Keeping {
    inner: Arc<WebPkiServerVerifier>,
    chain: Mutex<Vec<CertificateDer<'static>>>,
    verdict: Mutex<Option<rustls::Error>>,
}

impl ServerCertVerifier for Keeping {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|c| c.clone().into_owned()));
        *self.chain.lock().unwrap_or_else(|e| e.into_inner()) = chain;
        let verdict =
            self.inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if let Err(e) = &verdict {
            *self.verdict.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.clone());
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Shakes hands with `host` over `stream`; `now` in UNIX seconds.
pub(super) async fn handshake(
    stream: tokio::net::TcpStream,
    host: &str,
    probe: &Probe,
    now: i64,
) -> TlsReport {
    let mut report = TlsReport {
        valid: false,
        problem: None,
        not_after: None,
        days_left: None,
        chain: Vec::new(),
        handshake_ms: None,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner =
        match WebPkiServerVerifier::builder_with_provider(Arc::new(roots(probe)), provider.clone())
            .build()
        {
            Ok(v) => v,
            Err(e) => {
                report.problem = Some(format!(
                    "Keydesk could not set up the certificate check ({e})."
                ));
                return report;
            }
        };
    let keeping = Arc::new(Keeping {
        inner,
        chain: Mutex::new(Vec::new()),
        verdict: Mutex::new(None),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(keeping.clone())
        .with_no_client_auth();
    let Ok(name) = ServerName::try_from(host.to_owned()) else {
        report.problem = Some(format!("{host} is not a name a certificate can be for."));
        return report;
    };
    let started = std::time::Instant::now();
    let result = tokio::time::timeout(
        probe.timeout,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, stream),
    )
    .await;
    report.handshake_ms = Some(u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX));
    let chain = keeping
        .chain
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    report.chain = chain.iter().map(|c| subject(c)).collect();
    if let Some(Ok((_, cert))) = chain
        .first()
        .map(|c| x509_parser::parse_x509_certificate(c))
    {
        let end = cert.validity().not_after.timestamp();
        report.not_after = Some(end);
        report.days_left = Some((end - now).div_euclid(86_400));
    }
    let verdict = keeping
        .verdict
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let expired = report.not_after.is_some_and(|end| end < now);
    report.problem = match (&result, verdict, expired) {
        (_, _, true) => Some(format!(
            "The portal's certificate expired on {} ({} days ago).",
            crate::calendar::date(report.not_after.unwrap_or(0)),
            -report.days_left.unwrap_or(0)
        )),
        (_, Some(e), false) => Some(certificate_words(&e)),
        (Ok(Ok(_)), None, false) => None,
        (Ok(Err(e)), None, false) => Some(format!("The secure connection failed ({e}).")),
        (Err(_), None, false) => Some(format!(
            "The secure connection did not finish within {} s.",
            probe.timeout.as_secs()
        )),
    };
    report.valid = report.problem.is_none();
    report
}

fn subject(der: &CertificateDer<'_>) -> String {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, c)| c.subject().to_string())
        .unwrap_or_else(|_| "(unreadable certificate)".into())
}

fn certificate_words(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "The portal's certificate has expired.".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "The portal's certificate is not valid yet: check this computer's date.".into()
            }
            C::UnknownIssuer => {
                "The portal's certificate is not from a trusted issuer (a proxy that inspects \
                 secure connections does this)."
                    .into()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "The portal's certificate is for another name.".into()
            }
            C::Revoked => "The portal's certificate was revoked.".into(),
            other => format!("The portal's certificate is not right ({other:?})."),
        },
        other => format!("The portal's certificate could not be checked ({other})."),
    }
}
