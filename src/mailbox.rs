//! The office mailbox the portals send their codes to: its settings, and a connection to it.
//!
//! Connections are always encrypted (implicit TLS or STARTTLS) except to a loopback address,
//! where plaintext is allowed for a local test server. Certificates are checked against the
//! public web roots, or — for an office's own server — against exactly one certificate file the
//! user chose to trust. The password comes from the keychain and is handed to the server only.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, pki_types::ServerName};

use crate::error::ErrorCode;
use crate::secret::Secret;
use crate::store::{Store, StoreError};

mod seen;

pub use self::seen::{SeenAuthservId, seen_authserv_ids};

/// The setting that holds the [`MailboxSettings`].
const SETTING: &str = "mailbox";

/// The saved mailbox settings, if a mailbox was set up.
pub fn saved_settings(store: &Store) -> Result<Option<MailboxSettings>, StoreError> {
    store.setting(SETTING)
}

/// Saves the mailbox settings (checked by the caller).
pub(crate) fn save_settings(
    store: &mut Store,
    settings: &MailboxSettings,
) -> Result<(), StoreError> {
    store.set_setting(SETTING, settings)
}

/// How long to wait for the server at each step before calling it unreachable.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain connection upgraded with STARTTLS before sign-in (port 143).
    StartTls,
    /// No encryption. Refused unless the host is a loopback address.
    Plain,
}

/// Where the mailbox is and how to sign in (the password lives in the keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MailboxSettings {
    /// Server host name or address.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Transport security.
    pub security: Security,
    /// Sign-in name.
    pub username: String,
    /// Folders to watch; codes often land in junk.
    pub folders: Vec<String>,
    /// A PEM certificate to trust instead of the public roots (an office's own server).
    #[ts(as = "Option<String>")]
    pub trusted_certificate: Option<PathBuf>,
    /// Addresses that forward the office phone's texts into this mailbox (an SMS-forwarding
    /// number or app); codes in their messages are matched by the portal named in the text.
    #[serde(default)]
    pub sms_forwarders: Vec<String>,
    /// The authserv-id of the office's receiving server (the first word of the
    /// `Authentication-Results` headers it adds). Only its results verify a code; `None`: the
    /// server checks no sender, and every code needs the person's confirmation.
    #[serde(default)]
    pub authserv_id: Option<String>,
}

impl MailboxSettings {
    /// Checks what can be checked without the network.
    pub fn validate(&self) -> Result<(), MailboxError> {
        if self.host.trim().is_empty() {
            return Err(MailboxError::Invalid("the server name is empty".into()));
        }
        if self.username.trim().is_empty() {
            return Err(MailboxError::Invalid("the user name is empty".into()));
        }
        if self.folders.is_empty() {
            return Err(MailboxError::Invalid("no folder to watch".into()));
        }
        for (i, folder) in self.folders.iter().enumerate() {
            if folder.trim().is_empty() {
                return Err(MailboxError::Invalid("a folder name is empty".into()));
            }
            if self.folders[..i].contains(folder) {
                return Err(MailboxError::Invalid(format!(
                    "the folder \"{folder}\" is listed twice"
                )));
            }
        }
        if let Some(id) = &self.authserv_id
            && (id.trim().is_empty() || id.trim().contains(|c: char| c.is_whitespace() || c == ';'))
        {
            return Err(MailboxError::Invalid(
                "the mail server's check id is one word, such as mx.example.org".into(),
            ));
        }
        if self.port == 0 {
            return Err(MailboxError::Invalid(
                "the port must be a number from 1 to 65535".into(),
            ));
        }
        if self.security == Security::Plain && !is_loopback(&self.host) {
            return Err(MailboxError::Invalid(format!(
                "an unencrypted connection to {} would expose the mailbox password; \
                 choose TLS or STARTTLS",
                self.host
            )));
        }
        Ok(())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why the mailbox could not be reached or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailboxError {
    /// The settings themselves are wrong.
    #[error("mailbox settings are not valid: {0}")]
    Invalid(String),
    /// The server could not be reached at all.
    #[error(
        "cannot reach the mail server {host}: {reason}. Check the server name and the network."
    )]
    Unreachable {
        /// Host that was tried.
        host: String,
        /// What the network said.
        reason: String,
    },
    /// The server's certificate was not trusted.
    #[error(
        "the mail server's certificate is not trusted ({0}). If this is your office's own server, \
         ask for its certificate file and choose it under Trusted certificate."
    )]
    Untrusted(String),
    /// The server refused the user name or password.
    #[error(
        "mailbox sign-in failed: the server refused the user name or password. Check them in \
         the mailbox settings."
    )]
    SignInFailed,
    /// No password stored for the mailbox.
    #[error("no mailbox password is stored in the keychain; enter it in the mailbox settings")]
    NoPassword,
    /// A watched folder does not exist.
    #[error("the folder \"{0}\" does not exist on the mail server")]
    NoSuchFolder(String),
    /// The connection broke or the server answered something unexpected.
    #[error("the mail server connection failed: {0}")]
    Protocol(String),
}

impl MailboxError {
    /// Its code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(_) => ErrorCode::MailboxInvalidSettings,
            Self::Unreachable { .. } => ErrorCode::MailboxUnreachable,
            Self::Untrusted(_) => ErrorCode::MailboxUntrustedCertificate,
            Self::SignInFailed => ErrorCode::MailboxSignInFailed,
            Self::NoPassword => ErrorCode::MailboxNoPassword,
            Self::NoSuchFolder(_) => ErrorCode::MailboxNoSuchFolder,
            Self::Protocol(_) => ErrorCode::MailboxProtocol,
        }
    }
}

/// The state of the mailbox connection, as the status screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MailboxStatus {
    /// No mailbox has been set up yet.
    NotSetUp,
    /// Signed in and every watched folder opened.
    Connected {
        /// `user@host:port`.
        account: String,
        /// The folders being watched.
        folders: Vec<String>,
    },
    /// Something failed; `message` says what and what to do.
    Error {
        /// Its code (see [`MailboxError::code`]).
        code: ErrorCode,
        /// Plain-words explanation.
        message: String,
    },
}

impl MailboxStatus {
    /// The status for a failure.
    pub fn from_error(error: &MailboxError) -> Self {
        Self::Error {
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// A byte stream the IMAP client can run over: TLS, or plain TCP to loopback.
pub trait ImapTransport: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> ImapTransport for T {}

/// A signed-in IMAP session.
pub type Session = async_imap::Session<Box<dyn ImapTransport>>;

/// Connects, secures the connection and signs in.
pub async fn sign_in(
    settings: &MailboxSettings,
    password: &Secret,
) -> Result<Session, MailboxError> {
    settings.validate()?;
    let tcp = timed(
        &settings.host,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await?
    .map_err(|e| unreachable(&settings.host, &e))?;
    tcp.set_nodelay(true).ok();
    let stream: Box<dyn ImapTransport> = match settings.security {
        Security::Tls => Box::new(secure(settings, tcp).await?),
        Security::Plain => Box::new(tcp),
        Security::StartTls => {
            let mut client = async_imap::Client::new(tcp);
            read_greeting(&mut client, &settings.host).await?;
            timed(
                &settings.host,
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await?
            .map_err(|e| MailboxError::Protocol(format!("STARTTLS was refused ({})", brief(&e))))?;
            Box::new(secure(settings, client.into_inner()).await?)
        }
    };
    let mut client = async_imap::Client::new(stream);
    if settings.security != Security::StartTls {
        read_greeting(&mut client, &settings.host).await?;
    }
    match timed(
        &settings.host,
        client.login(&settings.username, password.expose()),
    )
    .await?
    {
        Ok(session) => Ok(session),
        Err((async_imap::error::Error::No(_), _)) => Err(MailboxError::SignInFailed),
        Err((e, _)) => Err(MailboxError::Protocol(brief(&e))),
    }
}

/// Signs in and opens every watched folder: the check behind [`MailboxStatus::Connected`].
pub async fn check(settings: &MailboxSettings, password: &Secret) -> MailboxStatus {
    let result = async {
        let mut session = sign_in(settings, password).await?;
        for folder in &settings.folders {
            match timed(&settings.host, session.examine(folder)).await? {
                Ok(_) => {}
                Err(async_imap::error::Error::No(_)) => {
                    return Err(MailboxError::NoSuchFolder(folder.clone()));
                }
                Err(e) => return Err(MailboxError::Protocol(brief(&e))),
            }
        }
        let _ = session.logout().await;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => MailboxStatus::Connected {
            account: format!("{}@{}:{}", settings.username, settings.host, settings.port),
            folders: settings.folders.clone(),
        },
        Err(e) => MailboxStatus::from_error(&e),
    }
}

async fn read_greeting<T: ImapTransport>(
    client: &mut async_imap::Client<T>,
    host: &str,
) -> Result<(), MailboxError> {
    match timed(host, client.read_response()).await? {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(MailboxError::Protocol(
            "the server closed the connection at once".into(),
        )),
        Err(e) => Err(unreachable(host, &e)),
    }
}

async fn secure(
    settings: &MailboxSettings,
    tcp: TcpStream,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, MailboxError> {
    let config = tls_config(settings.trusted_certificate.as_deref())?;
    let name = ServerName::try_from(settings.host.clone()).map_err(|_| {
        MailboxError::Invalid(format!("\"{}\" is not a valid server name", settings.host))
    })?;
    let connector = TlsConnector::from(Arc::new(config));
    match timed(&settings.host, connector.connect(name, tcp)).await? {
        Ok(stream) => Ok(stream),
        Err(e) => match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(rustls::Error::InvalidCertificate(why)) => {
                Err(MailboxError::Untrusted(format!("{why:?}")))
            }
            _ => Err(MailboxError::Protocol(format!(
                "the secure connection failed ({e})"
            ))),
        },
    }
}

/// Checks that a certificate file to trust can be read and holds a usable certificate, so a
/// wrong path is reported when the settings are saved rather than at the next connection.
pub fn check_certificate_file(path: &std::path::Path) -> Result<(), MailboxError> {
    tls_config(Some(path)).map(|_| ())
}

fn tls_config(trusted: Option<&std::path::Path>) -> Result<rustls::ClientConfig, MailboxError> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    match trusted {
        Some(path) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|iter| iter.collect())
                .map_err(|e| {
                    MailboxError::Invalid(format!(
                        "the certificate file {} cannot be read ({e})",
                        path.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(MailboxError::Invalid(format!(
                    "the certificate file {} holds no certificate",
                    path.display()
                )));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    MailboxError::Invalid(format!(
                        "the certificate in {} is not usable ({e})",
                        path.display()
                    ))
                })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailboxError::Protocol(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

async fn timed<F: std::future::Future>(host: &str, future: F) -> Result<F::Output, MailboxError> {
    tokio::time::timeout(STEP_TIMEOUT, future)
        .await
        .map_err(|_| MailboxError::Unreachable {
            host: host.to_owned(),
            reason: format!("no answer within {} seconds", STEP_TIMEOUT.as_secs()),
        })
}

fn unreachable(host: &str, error: &std::io::Error) -> MailboxError {
    MailboxError::Unreachable {
        host: host.to_owned(),
        reason: error.to_string(),
    }
}

/// A short description of an IMAP error that never quotes message data back.
fn brief(error: &async_imap::error::Error) -> String {
    use async_imap::error::Error as E;
    match error {
        E::Io(e) => e.to_string(),
        E::Bad(text) | E::No(text) => format!(
            "the server said: {}",
            text.chars().take(120).collect::<String>()
        ),
        E::ConnectionLost => "the connection was lost".into(),
        E::Parse(_) => "the server sent a response Keydesk could not read".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(host: &str, security: Security) -> MailboxSettings {
        MailboxSettings {
            host: host.into(),
            port: 143,
            security,
            username: "desk".into(),
            folders: vec!["INBOX".into()],
            trusted_certificate: None,
            sms_forwarders: Vec::new(),
            authserv_id: None,
        }
    }

    #[test]
    fn the_authserv_id_is_one_word() {
        let mut s = settings("127.0.0.1", Security::Plain);
        s.authserv_id = Some("mx.office.example".into());
        assert!(s.validate().is_ok());
        for bad in ["", " ", "mx office", "mx;dkim=pass"] {
            s.authserv_id = Some(bad.into());
            assert!(s.validate().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn plaintext_is_refused_except_to_loopback() {
        assert!(settings("127.0.0.1", Security::Plain).validate().is_ok());
        assert!(settings("localhost", Security::Plain).validate().is_ok());
        assert!(settings("::1", Security::Plain).validate().is_ok());
        let err = settings("mail.example.org", Security::Plain)
            .validate()
            .unwrap_err();
        assert_eq!(err.code(), "mailbox_invalid_settings");
        assert!(
            settings("mail.example.org", Security::StartTls)
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn a_certificate_file_that_is_missing_or_not_pem_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("office.pem");
        let err = check_certificate_file(&missing).unwrap_err();
        assert!(err.to_string().contains("office.pem"), "{err}");
        std::fs::write(&missing, "not a certificate").unwrap();
        let err = check_certificate_file(&missing).unwrap_err();
        assert!(err.to_string().contains("holds no certificate"), "{err}");
    }

    #[test]
    fn empty_fields_are_named() {
        let mut s = settings("mail.example.org", Security::Tls);
        s.folders.clear();
        assert!(s.validate().unwrap_err().to_string().contains("no folder"));
        s.folders = vec!["INBOX".into(), "INBOX".into()];
        assert!(
            s.validate()
                .unwrap_err()
                .to_string()
                .contains("listed twice")
        );
        s.folders = vec!["INBOX".into(), " ".into()];
        assert!(s.validate().unwrap_err().to_string().contains("empty"));
        s.folders = vec!["INBOX".into()];
        s.port = 0;
        assert!(s.validate().unwrap_err().to_string().contains("port"));
    }
}
