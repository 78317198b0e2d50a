//! `sandbox-portal --config FILE [--ready-file PATH]`: serves the configured portals until
//! SIGTERM or ctrl-c.

// A test tool: it writes its own state file, no user data.
#![allow(clippy::disallowed_methods)]

use clap::Parser;
use sandbox_portal::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Local portals that behave like Cigna, MyChart and Availity, for Keydesk tests")]
struct Args {
    /// TOML config (see tests/sandbox-portal/demo.toml).
    #[arg(long, conflicts_with = "demo")]
    config: Option<PathBuf>,
    /// Serve the built-in demo config (the same as demo.toml).
    #[arg(long)]
    demo: bool,
    /// Once every portal listens, write a JSON map of portal name to URL here.
    #[arg(long)]
    ready_file: Option<PathBuf>,
}

const DEMO: &str = include_str!("../demo.toml");

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = match (&args.config, args.demo) {
        (Some(path), _) => Config::from_file(path),
        (None, true) => Config::from_toml(DEMO),
        (None, false) => {
            eprintln!("give --config FILE or --demo");
            return ExitCode::from(2);
        }
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match sandbox_portal::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for (name, url) in &sandbox.urls {
        println!("portal {name} listening on {url}");
    }
    if let Some(path) = &args.ready_file {
        // Written whole then renamed, so a harness polling for the file never reads half of it.
        let tmp = path.with_extension("tmp");
        let json = serde_json::to_string(&sandbox.urls).expect("a map of strings serializes");
        if let Err(e) = std::fs::write(&tmp, json).and_then(|_| std::fs::rename(&tmp, path)) {
            eprintln!("could not write the ready file {}: {e}", path.display());
            sandbox.stop().await;
            return ExitCode::FAILURE;
        }
    }
    wait_for_signal().await;
    sandbox.stop().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
