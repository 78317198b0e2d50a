//! What the mailbox benchmarks share: the bed's Dovecot (through the test suite's bed module),
//! a minimal raw IMAP client over TLS, and percentiles.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{self, pki_types::ServerName};

// The bed writes its own test files (users, deliveries); no user data.
#[allow(clippy::disallowed_methods)]
#[path = "../testsuite/bed.rs"]
#[allow(dead_code)]
pub mod bed;

/// A bare IMAP connection: TLS, LOGIN, and lines in and out. No parsing beyond what a floor
/// measurement needs.
pub struct RawImap {
    stream: BufReader<TlsStream<TcpStream>>,
    tag: u32,
}

impl RawImap {
    /// Connects to the bed's IMAPS port, trusting the bed's certificate, and signs in.
    pub async fn sign_in(user: &bed::MailUser) -> Self {
        use rustls::pki_types::{CertificateDer, pem::PemObject};
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(bed::var("KEYDESK_TEST_CA")).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let port: u16 = bed::var("KEYDESK_TEST_IMAPS_PORT").parse().unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
            .await
            .unwrap();
        let mut imap = Self {
            stream: BufReader::new(tls),
            tag: 0,
        };
        let greeting = imap.line().await;
        assert!(greeting.starts_with("* OK"), "greeting {greeting:?}");
        imap.command(&format!("LOGIN {} \"{}\"", user.name, user.password))
            .await;
        imap
    }

    /// One line from the server, without its CRLF.
    pub async fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.stream.read_line(&mut line).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        line.truncate(line.trim_end().len());
        line
    }

    /// Sends a tagged command and reads until its OK; returns the untagged lines.
    pub async fn command(&mut self, command: &str) -> Vec<String> {
        self.tag += 1;
        let tag = format!("r{}", self.tag);
        self.send(&format!("{tag} {command}")).await;
        let mut untagged = Vec::new();
        loop {
            let line = self.line().await;
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                assert!(rest.starts_with("OK"), "{command}: {line}");
                return untagged;
            }
            untagged.push(line);
        }
    }

    pub async fn send(&mut self, text: &str) {
        let stream = self.stream.get_mut();
        stream.write_all(text.as_bytes()).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
        stream.flush().await.unwrap();
    }
}

/// The value at quantile `q` (0..=1) of sorted `samples` (nearest rank).
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    assert!(!sorted.is_empty());
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// `p50 … p95 … p99 …` in milliseconds.
pub fn summary(samples: &[Duration]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "p50 {:7.2} ms  p95 {:7.2} ms  p99 {:7.2} ms  (min {:.2}, max {:.2}, n {})",
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.95)),
        ms(percentile(&sorted, 0.99)),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        sorted.len()
    )
}
