//! A sandbox of payer and patient portals for Keydesk's tests and demos.
//!
//! One process serves several portals, each on its own port of 127.0.0.1 (so each has its own
//! origin), each behaving like a real portal Keydesk signs in to: a Cigna-like one (password,
//! then an e-mailed code, SSO users skip it), a MyChart-like one (code by e-mail or text,
//! alphanumeric codes, Spanish pages) and an Availity-like one (authenticator or backup code).
//! Codes go into a real mailbox over LMTP, or into an in-memory outbox.
//!
//! | module    | what it holds                                                        |
//! |-----------|----------------------------------------------------------------------|
//! | `config`  | the TOML schema: portals, policies, users                             |
//! | `clock`   | real time plus a test-controlled advance                             |
//! | `otp`     | TOTP (RFC 6238), random codes and tokens                             |
//! | `real`    | pages in the real portals' markup (identifier-first, pickers, split code boxes) and the redesign |
//! | `state`   | one portal's logic: lockout, codes, devices, sessions, attempt record |
//! | `pages`   | the HTML pages (English, Spanish) with stable selectors              |
//! | `probe`   | test-only pages: an IPC probe for the desktop app, a cross-origin redirect |
//! | `letter`  | the e-mail and forwarded-SMS messages carrying codes                 |
//! | `mail`    | MIME rendering and the LMTP client                                   |
//! | `web`     | routes, cookies and the `/__sandbox/*` test endpoints                |
//! | `faults`  | failures below the page: an expired certificate, a refusing port, a dropping proxy |
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = sandbox_portal::config::Config::from_file("tests/sandbox-portal/demo.toml".as_ref())?;
//! let sandbox = sandbox_portal::start(config).await?;
//! println!("{}", sandbox.urls["cigna"]);
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

// A test tool: it writes its own files (an office authority's certificate), no user data.
#![allow(clippy::disallowed_methods)]

pub mod clock;
pub mod config;
pub mod faults;
pub mod letter;
pub mod mail;
pub mod otp;
pub mod pages;
pub mod probe;
pub mod real;
pub mod state;
pub mod web;

use clock::Clock;
use config::{Config, Delivery};
use mail::Postman;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Codes go by LMTP but no LMTP port was configured.
    #[error(
        "no LMTP port: set [mail] lmtp_port or KEYDESK_TEST_LMTP_PORT, or use delivery = \"outbox\""
    )]
    NoLmtpPort,
    /// A port could not be opened.
    #[error("portal {portal} could not listen on 127.0.0.1:{port}: {source}")]
    Listen {
        /// Portal name.
        portal: String,
        /// Port asked for.
        port: u16,
        /// What the system said.
        source: std::io::Error,
    },
}

/// A running sandbox.
pub struct Sandbox {
    /// Portal name → base URL (`http://127.0.0.1:PORT`).
    pub urls: BTreeMap<String, String>,
    /// The shared clock (tests may advance it directly).
    pub clock: Clock,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Stops every listener and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

fn postman(config: &Config) -> Result<Postman, StartError> {
    Ok(match config.mail.delivery {
        Delivery::Outbox => Postman::Outbox(Arc::new(Mutex::new(Vec::new()))),
        Delivery::Lmtp => {
            let port = match config.mail.lmtp_port {
                Some(p) => p,
                None => std::env::var("KEYDESK_TEST_LMTP_PORT")
                    .ok()
                    .and_then(|p| p.parse().ok())
                    .ok_or(StartError::NoLmtpPort)?,
            };
            let host = config
                .mail
                .lmtp_host
                .clone()
                .unwrap_or_else(|| "127.0.0.1".into());
            Postman::Lmtp {
                host,
                port,
                authserv_id: config.mail.authserv_id.clone(),
            }
        }
    })
}

/// Opens every portal's port and serves until [`Sandbox::stop`].
pub async fn start(config: Config) -> Result<Sandbox, StartError> {
    let clock = Clock::default();
    let mut urls = BTreeMap::new();
    let mut listeners = Vec::new();
    let mail = if config.needs_mail() {
        Some(postman(&config)?)
    } else {
        None
    };
    for cfg in &config.portals {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port))
            .await
            .map_err(|source| StartError::Listen {
                portal: cfg.name.clone(),
                port: cfg.port,
                source,
            })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(cfg.port);
        let own = format!("http://127.0.0.1:{port}");
        urls.insert(cfg.name.clone(), own.clone());
        let landing = if cfg.landing {
            let second = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|source| StartError::Listen {
                    portal: format!("{}_landing", cfg.name),
                    port: 0,
                    source,
                })?;
            let port = second.local_addr().map(|a| a.port()).unwrap_or(0);
            let url = format!("http://127.0.0.1:{port}");
            urls.insert(format!("{}_landing", cfg.name), url.clone());
            Some((second, url))
        } else {
            None
        };
        // Each portal keeps its own outbox, so resetting one leaves the others' messages.
        let postman = match &mail {
            Some(Postman::Outbox(_)) => Postman::Outbox(Arc::default()),
            Some(p) => p.clone(),
            None => Postman::Outbox(Arc::default()),
        };
        let portal = Arc::new(
            web::Portal::new(cfg.clone(), clock.clone(), postman)
                .with_origins(own, landing.as_ref().map(|(_, url)| url.clone())),
        );
        if let Some((second, _)) = landing {
            listeners.push((second, web::landing_router(portal.clone())));
        }
        listeners.push((listener, web::router(portal)));
    }
    let (stop, rx) = watch::channel(false);
    let mut fault_tasks = Vec::new();
    for fault in &config.faults {
        let (url, task) =
            faults::start(fault, rx.clone())
                .await
                .map_err(|source| StartError::Listen {
                    portal: fault.name.clone(),
                    port: 0,
                    source,
                })?;
        urls.insert(fault.name.clone(), url);
        fault_tasks.extend(task);
    }
    let mut tasks: Vec<JoinHandle<()>> = listeners
        .into_iter()
        .map(|(listener, app)| {
            let mut rx = rx.clone();
            tokio::spawn(async move {
                let shutdown = async move {
                    let _ = rx.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    eprintln!("sandbox portal stopped: {e}");
                }
            })
        })
        .collect();
    tasks.extend(fault_tasks);
    Ok(Sandbox {
        urls,
        clock,
        stop,
        tasks,
    })
}
