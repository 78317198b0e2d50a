//! What Keydesk writes to its logs, and where: `KEYDESK_LOG` chooses how much of Keydesk's own
//! work is logged, but never opens the libraries' logs below `info`. At `trace` the IMAP library
//! logs every command it sends (`LOGIN "user" "password"`) and every message it receives, and
//! the D-Bus library every call to the keychain; those targets are off whatever the variable
//! says. The log file rotates at [`FILE_LIMIT`] bytes and keeps [`OLD_FILES`] old ones, readable
//! by their owner only. Release builds compile out every `debug` and `trace` log (Cargo.toml's
//! `release_max_level_info`), so there the variable can only quiet Keydesk down.

use std::path::Path;

use tracing_subscriber::filter::{LevelFilter, Targets};

/// The environment variable that sets the level of Keydesk's own logs.
pub const LEVEL_ENV: &str = "KEYDESK_LOG";
/// A log file is rotated when it reaches this size.
pub const FILE_LIMIT: usize = 4 * 1024 * 1024;
/// How many rotated files are kept (the oldest is deleted).
pub const OLD_FILES: usize = 4;

/// Keydesk's own crates: the level asked for applies to these.
const OWN: &[&str] = &["keydesk", "keydesk_app", "keydesk_cli"];
/// Libraries that see credentials or message bodies: never above `warn`.
const QUIET: &[&str] = &[
    "async_imap",
    "imap_proto",
    "zbus",
    "keyring",
    "keyring_core",
    "zbus_secret_service_keyring_store",
    "secret_service",
    "hyper",
    "hyper_util",
    "reqwest",
    "h2",
    "rustls",
    "tokio_rustls",
    "mail_parser",
];

/// The filter for `spec` (the value of [`LEVEL_ENV`]: a level such as `debug`, or directives
/// such as `keydesk::watcher=trace`). Directives for other crates are capped at `info`; the
/// ones that see credentials (the IMAP and D-Bus libraries, HTTP, TLS) at `warn`. Anything
/// unreadable counts as `info`.
pub fn filter(spec: Option<&str>) -> Targets {
    let mut own_level = LevelFilter::INFO;
    let mut extra: Vec<(String, LevelFilter)> = Vec::new();
    for part in spec
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if let Ok(level) = part.parse::<LevelFilter>() {
            own_level = level;
            continue;
        }
        let (target, level) = part.split_once('=').unwrap_or((part, "trace"));
        let Ok(level) = level.trim().parse::<LevelFilter>() else {
            continue;
        };
        let target = target.trim();
        let root = target.split("::").next().unwrap_or(target);
        let is_own = OWN.contains(&root);
        let is_plain_target = !target.is_empty()
            && target
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        if !is_plain_target || QUIET.iter().any(|q| root.starts_with(q)) {
            continue;
        }
        let level = if is_own {
            level
        } else {
            level.min(LevelFilter::INFO)
        };
        extra.push((target.to_owned(), level));
    }
    // Targets match by prefix and the longest wins: a quiet library's own name is the longest
    // that can match its events, so nothing above opens it.
    let mut filter = Targets::new().with_default(LevelFilter::INFO);
    for own in OWN
        .iter()
        .filter(|own| !extra.iter().any(|(t, _)| t == *own))
    {
        filter = filter.with_target(*own, own_level);
    }
    for (target, level) in extra {
        filter = filter.with_target(target, level);
    }
    for quiet in QUIET {
        filter = filter.with_target(*quiet, LevelFilter::WARN);
    }
    filter
}

/// The log file in `dir`: `keydesk.log`, rotated by size, owner-only.
pub fn file(
    dir: &Path,
) -> std::io::Result<file_rotate::FileRotate<file_rotate::suffix::AppendCount>> {
    use file_rotate::{ContentLimit, FileRotate, compression::Compression, suffix::AppendCount};
    std::fs::create_dir_all(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    Ok(FileRotate::new(
        dir.join("keydesk.log"),
        AppendCount::new(OLD_FILES),
        ContentLimit::BytesSurpassed(FILE_LIMIT),
        Compression::None,
        Some(options),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;
    use tracing_subscriber::layer::SubscriberExt;

    /// Which events of `target` at `level` pass `filter`, observed through a real subscriber.
    fn passes(spec: Option<&str>, target_is_imap: bool, level: Level) -> bool {
        use std::sync::{Arc, Mutex};
        let seen = Arc::new(Mutex::new(Vec::<u8>::new()));
        let sink = seen.clone();
        let subscriber = tracing_subscriber::registry().with(filter(spec)).with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || Sink(sink.clone()))
                .with_ansi(false),
        );
        tracing::subscriber::with_default(subscriber, || {
            if target_is_imap {
                match level {
                    Level::TRACE => tracing::trace!(target: "async_imap::imap_stream", "LOGIN"),
                    Level::WARN => tracing::warn!(target: "async_imap::imap_stream", "LOGIN"),
                    _ => tracing::info!(target: "async_imap::imap_stream", "LOGIN"),
                }
            } else {
                match level {
                    Level::TRACE => tracing::trace!(target: "keydesk::watcher", "LOGIN"),
                    Level::DEBUG => tracing::debug!(target: "keydesk::watcher", "LOGIN"),
                    _ => tracing::info!(target: "keydesk::watcher", "LOGIN"),
                }
            }
        });
        let text = String::from_utf8(seen.lock().unwrap().clone()).unwrap();
        text.contains("LOGIN")
    }

    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn trace_opens_keydesk_but_never_the_imap_library() {
        assert!(passes(Some("trace"), false, Level::TRACE));
        assert!(
            !passes(Some("trace"), true, Level::TRACE),
            "LOGIN \"user\" \"password\""
        );
        assert!(
            !passes(Some("async_imap=trace"), true, Level::TRACE),
            "not even when asked by name"
        );
        assert!(
            !passes(Some("trace,async_imap=trace"), true, Level::INFO),
            "capped at warn"
        );
        assert!(
            passes(Some("trace"), true, Level::WARN),
            "its warnings still show"
        );
    }

    #[test]
    fn the_default_is_info_and_nonsense_counts_as_info() {
        assert!(passes(None, false, Level::INFO));
        assert!(!passes(None, false, Level::DEBUG));
        assert!(!passes(Some("{{nonsense"), false, Level::DEBUG));
        assert!(passes(Some("keydesk::watcher=debug"), false, Level::DEBUG));
    }

    #[test]
    fn the_log_file_rotates_and_keeps_a_few() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let mut log = file(dir.path()).unwrap();
        let line = vec![b'x'; 64 * 1024];
        for _ in 0..(FILE_LIMIT / line.len() + 1) * (OLD_FILES + 3) {
            log.write_all(&line).unwrap();
        }
        log.flush().unwrap();
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, OLD_FILES + 1, "the live file and the kept ones");
        let total: u64 = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(
            total <= ((OLD_FILES + 1) * (FILE_LIMIT + line.len())) as u64,
            "capped"
        );
    }
}
