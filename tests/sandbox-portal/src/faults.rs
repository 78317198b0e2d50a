//! Portals that fail below the page, for the health check and the guided fix: one whose TLS
//! certificate has expired (made with rcgen at start, its `not_after` in the past), one that
//! refuses connections (a port closed again at once), and a proxy that drops every connection
//! it takes; and one whose certificate only the office trusts (signed by the office's own
//! authority, as a firewall that inspects TLS re-signs portals). Each is named in the config
//! (`[[fault]]`) and its URL is in [`crate::Sandbox::urls`].

use std::sync::Arc;

use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// `https://localhost:PORT`: a TLS server whose certificate expired on 2021-01-01.
    ExpiredTls,
    /// `http://127.0.0.1:PORT` of a port nobody listens on.
    Refusing,
    /// `http://127.0.0.1:PORT`: takes each connection and closes it at once (as a proxy that
    /// drops the portal's traffic).
    DroppingProxy,
    /// `https://localhost:PORT`: a certificate valid today, signed by an authority made at start
    /// whose certificate is written (PEM) to the fault's `ca_file`: trusted only where the
    /// system is told to trust that file.
    OfficeTls,
}

/// One `[[fault]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    /// Its name in the URL map.
    pub name: String,
    /// What it does.
    pub kind: FaultKind,
    /// Where `office_tls` writes its authority's certificate.
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
}

/// A port nobody listens on (bound, then closed again).
pub fn closed_port() -> std::io::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = l.local_addr()?.port();
    drop(l);
    Ok(port)
}

/// The expired certificate and its key, as rustls takes them.
fn expired_certificate() -> Result<rustls::ServerConfig, String> {
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned()]).map_err(|e| e.to_string())?;
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "expired.sandbox.localhost");
    let key = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    server_config(cert.der().to_vec(), &key)
}

/// A certificate for `localhost` valid from 2020 to 2040, signed by a new authority whose
/// certificate is written to `ca_file`.
fn office_certificate(ca_file: &std::path::Path) -> Result<rustls::ServerConfig, String> {
    let err = |e: rcgen::Error| e.to_string();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Sandbox Clinic Firewall CA");
    ca.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = rcgen::date_time_ymd(2020, 1, 1);
    ca.not_after = rcgen::date_time_ymd(2040, 1, 1);
    let ca_key = rcgen::KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    std::fs::write(ca_file, ca_cert.pem()).map_err(|e| format!("{}: {e}", ca_file.display()))?;
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let mut leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).map_err(err)?;
    leaf.distinguished_name
        .push(rcgen::DnType::CommonName, "office.sandbox.localhost");
    leaf.not_before = rcgen::date_time_ymd(2020, 1, 1);
    leaf.not_after = rcgen::date_time_ymd(2040, 1, 1);
    let key = rcgen::KeyPair::generate().map_err(err)?;
    let cert = leaf.signed_by(&key, &issuer).map_err(err)?;
    server_config(cert.der().to_vec(), &key)
}

/// A TLS server configuration serving `der` with its `key`.
fn server_config(der: Vec<u8>, key: &rcgen::KeyPair) -> Result<rustls::ServerConfig, String> {
    let der = rustls::pki_types::CertificateDer::from(der);
    let key_der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der())
        .map_err(|e| e.to_string())?;
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![der], key_der)
        .map_err(|e| e.to_string())
}

/// Starts `fault`; its URL and the task serving it (none for a refusing port).
pub async fn start(
    fault: &FaultConfig,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(String, Option<JoinHandle<()>>)> {
    match fault.kind {
        FaultKind::Refusing => Ok((format!("http://127.0.0.1:{}", closed_port()?), None)),
        FaultKind::DroppingProxy => {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
            let task = tokio::spawn(serve(listener, stop, |stream| async move {
                drop(stream);
            }));
            Ok((url, Some(task)))
        }
        FaultKind::ExpiredTls => {
            let config = expired_certificate().map_err(std::io::Error::other)?;
            sign_in_page_over_tls(config, stop).await
        }
        FaultKind::OfficeTls => {
            let ca_file = fault.ca_file.as_deref().ok_or_else(|| {
                std::io::Error::other(format!("fault {}: office_tls needs ca_file", fault.name))
            })?;
            let config = office_certificate(ca_file).map_err(std::io::Error::other)?;
            sign_in_page_over_tls(config, stop).await
        }
    }
}

/// `https://localhost:PORT` serving a plain sign-in page with `config`'s certificate.
async fn sign_in_page_over_tls(
    config: rustls::ServerConfig,
    stop: watch::Receiver<bool>,
) -> std::io::Result<(String, Option<JoinHandle<()>>)> {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("https://localhost:{}", listener.local_addr()?.port());
    let task = tokio::spawn(serve(listener, stop, move |stream| {
        let acceptor = acceptor.clone();
        async move {
            // A client that refuses the certificate stops here; one that takes it gets a plain
            // sign-in page.
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let body = "<html><body><h1>Sign in</h1><form><input name=username>\
                            <input type=password name=password></form></body></html>";
                let _ = tls
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .await;
                let _ = tls.shutdown().await;
            }
        }
    }));
    Ok((url, Some(task)))
}

async fn serve<F, Fut>(listener: tokio::net::TcpListener, mut stop: watch::Receiver<bool>, each: F)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(each(stream));
                }
            }
        }
    }
}
