//! Access to the test bed started by `tests/run`, and per-test fixtures on it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use keydesk::mailbox::{MailboxSettings, Security};

/// Every secret a test uses starts with this, so the run can search the data folders and logs
/// for it afterwards (tests/run does) without keeping a list of the secrets anywhere.
pub const SECRET_MARKER: &str = "kdS3cr3t-";

/// A bed variable; panics with the way out when the bed is not running.
pub fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: the test bed is not running. Run `tests/run`, which starts it.")
    })
}

fn token() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A fresh secret for a test, carrying the leak-search marker.
pub fn test_secret(label: &str) -> String {
    format!("{SECRET_MARKER}{label}-{}", token())
}

/// A fresh, empty profile folder under the bed (where the leak search looks).
pub fn profile_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(var("KEYDESK_BED_DIR"))
        .join("profiles")
        .join(format!("{name}-{}", token()));
    std::fs::create_dir_all(&dir).expect("profile folder");
    dir
}

/// A mail user on the bed's Dovecot.
pub struct MailUser {
    pub name: String,
    pub password: String,
}

/// Adds a new mail user to the bed's Dovecot: one passwd-file per user, written whole and
/// then renamed into place, so Dovecot never reads half of it. (One shared file would race:
/// Dovecot rereads a passwd-file only when its whole-second mtime changes.)
pub fn fresh_mail_user() -> MailUser {
    add_user_to(&PathBuf::from(var("KEYDESK_TEST_USERS_DIR")))
}

fn add_user_to(dir: &Path) -> MailUser {
    let user = MailUser {
        name: format!("desk{}", token()),
        password: test_secret("mail"),
    };
    let staging = dir.join(format!(".{}.tmp", user.name));
    std::fs::write(
        &staging,
        format!("{}:{{PLAIN}}{}::::::\n", user.name, user.password),
    )
    .expect("write the mail user's passwd-file");
    std::fs::rename(&staging, dir.join(&user.name)).expect("add mail user");
    user
}

/// The authserv-id of the bed's office mail server: the receiving server (an MTA with DKIM and
/// DMARC checks in front of Dovecot) stamps its `Authentication-Results` with it. Mail that
/// [`code_mail`] and the sandbox portal deliver carries its stamp, as a real office's mail would.
pub const AUTHSERV_ID: &str = "mx.keydesk-bed.example";

/// The office server's stamp for a message from `from` whose DKIM signature (of the From
/// domain) and DMARC checks passed.
pub fn verified_stamp(from: &str) -> String {
    let domain = from.rsplit('@').next().unwrap_or_default();
    format!(
        "Authentication-Results: {AUTHSERV_ID};\r\n\tdkim=pass header.d={domain} header.s=s1;\r\n\
         \tspf=pass smtp.mailfrom={from};\r\n\tdmarc=pass (p=REJECT) header.from={domain}\r\n"
    )
}

/// Settings for the bed's Dovecot, trusting the certificate made for this run.
pub fn mailbox_settings(user: &MailUser, security: Security) -> MailboxSettings {
    let port = match security {
        Security::Tls => var("KEYDESK_TEST_IMAPS_PORT"),
        Security::StartTls | Security::Plain => var("KEYDESK_TEST_IMAP_PORT"),
    };
    MailboxSettings {
        host: var("KEYDESK_TEST_IMAP_HOST"),
        port: port.parse().expect("port"),
        security,
        username: user.name.clone(),
        folders: vec!["INBOX".into(), "Junk".into()],
        trusted_certificate: Some(PathBuf::from(var("KEYDESK_TEST_CA"))),
        sms_forwarders: Vec::new(),
        authserv_id: Some(AUTHSERV_ID.into()),
    }
}

/// Delivers a raw RFC 5322 message to `user` over LMTP, as a mail server would.
#[allow(dead_code)] // used by the inbox tests as they arrive
pub fn deliver(user: &MailUser, raw: &[u8]) {
    let port: u16 = var("KEYDESK_TEST_LMTP_PORT").parse().expect("port");
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to LMTP");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let mut expect = |code: &str| {
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("LMTP reply");
            assert!(line.starts_with(code), "LMTP expected {code}, got {line:?}");
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
    };
    expect("220");
    let say = |w: &mut TcpStream, text: &[u8]| w.write_all(text).expect("LMTP write");
    say(&mut writer, b"LHLO keydesk-tests\r\n");
    expect("250");
    say(&mut writer, b"MAIL FROM:<sender@example.org>\r\n");
    expect("250");
    say(
        &mut writer,
        format!("RCPT TO:<{}@localhost>\r\n", user.name).as_bytes(),
    );
    expect("250");
    say(&mut writer, b"DATA\r\n");
    expect("354");
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b".") {
            say(&mut writer, b".");
        }
        say(&mut writer, line);
        say(&mut writer, b"\r\n");
    }
    say(&mut writer, b".\r\n");
    expect("250");
    say(&mut writer, b"QUIT\r\n");
}

/// Runs `keydesk-cli` with a profile folder and optional standard input.
pub fn cli(profile: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    cli_env(profile, args, stdin, &[])
}

/// [`cli`] with `env` added to its environment.
pub fn cli_env(
    profile: &std::path::Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &std::ffi::OsStr)],
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(profile)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run keydesk-cli");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .expect("stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("keydesk-cli output")
}

/// Runs `keydesk-cli` and asserts it succeeded, with its error output in the message; its
/// standard output.
pub fn cli_ok(profile: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = cli(profile, args, stdin);
    assert!(
        out.status.success(),
        "keydesk-cli {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Points a profile at the bed's Dovecot for `user` with `keydesk-cli mailbox set` (implicit
/// TLS, this run's certificate trusted), `password` read from standard input; `extra` adds
/// arguments such as folders or an SMS forwarder. The office server's id is the bed's
/// [`AUTHSERV_ID`] unless `extra` gives another.
pub fn set_mailbox(profile: &Path, user: &MailUser, password: &str, extra: &[&str]) {
    let mut extra = extra.to_vec();
    if !extra.contains(&"--authserv-id") {
        extra.extend_from_slice(&["--authserv-id", AUTHSERV_ID]);
    }
    set_unchecked_mailbox(profile, user, password, &extra);
}

/// As [`set_mailbox`], with no authserv-id unless `extra` gives one: a mail server that checks
/// no sender, so no message is verified.
pub fn set_unchecked_mailbox(profile: &Path, user: &MailUser, password: &str, extra: &[&str]) {
    let settings = mailbox_settings(user, Security::Tls);
    let port = settings.port.to_string();
    let ca = settings
        .trusted_certificate
        .clone()
        .expect("the bed's certificate");
    let mut args = vec![
        "mailbox",
        "set",
        "--host",
        &settings.host,
        "--port",
        &port,
        "--user",
        &user.name,
        "--trust-certificate",
        ca.to_str().expect("a UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    cli_ok(profile, &args, Some(&format!("{password}\n")));
}

/// Adds the Availity preset for `username` with `password` (read from standard input), and an
/// authenticator entry for it with the base32 `seed`, through `keydesk-cli`.
pub fn availity_with_authenticator(profile: &Path, username: &str, password: &str, seed: &str) {
    cli_ok(
        profile,
        &[
            "portal",
            "add",
            "--preset",
            "availity",
            "--username",
            username,
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    let link = format!("otpauth://totp/Availity:{username}?secret={seed}&issuer=Availity");
    cli_ok(profile, &["otp", "add", "-"], Some(&link));
}

/// A code e-mail from `from` whose footer is full of numbers that are not the code; the
/// Message-ID is unique. The office server verified it ([`verified_stamp`]).
#[allow(dead_code)] // not every test module uses it
pub fn code_mail(from: &str, code: &str) -> Vec<u8> {
    let mut mail = verified_stamp(from).into_bytes();
    mail.extend(unstamped_code_mail(from, code));
    mail
}

/// [`code_mail`] as the sender wrote it, before any server checked it.
#[allow(dead_code)]
pub fn unstamped_code_mail(from: &str, code: &str) -> Vec<u8> {
    format!(
        "From: Portal <{from}>\r\nTo: frontdesk@localhost\r\nSubject: Your verification code\r\n\
         Message-ID: <{}@portal.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Your verification code is {code}. It expires in 10 minutes.\r\n\r\n\
         Questions? Call 800.981.9114, Mon-Fri. 900 Cottage Grove Rd, Bloomfield, CT 06002.\r\n",
        rand::random::<u64>()
    )
    .into_bytes()
}

/// Now, UNIX seconds.
#[allow(dead_code)]
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A child process that is killed when the test ends, passed or not.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Dovecot of one test's own (tests/bed/private-dovecot), for tests that stop and restart
/// their server; the bed's Dovecot stays up for the others. Stopped when dropped.
#[allow(dead_code)]
pub struct PrivateDovecot {
    pub conf: String,
    pub imaps_port: u16,
    pub users_dir: PathBuf,
    pub mail_root: PathBuf,
    pub ca: PathBuf,
}

#[allow(dead_code)]
impl PrivateDovecot {
    pub fn start() -> Self {
        let dir =
            PathBuf::from(var("KEYDESK_BED_DIR")).join(format!("private-dovecot-{}", token()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bed/private-dovecot");
        let out = Command::new("bash")
            .arg(script)
            .arg(&dir)
            .output()
            .expect("run tests/bed/private-dovecot");
        assert!(
            out.status.success(),
            "a private Dovecot did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let get = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .unwrap_or_else(|| panic!("private-dovecot printed no {key}: {text}"))
                .to_owned()
        };
        Self {
            conf: get("conf"),
            imaps_port: get("imaps").parse().unwrap(),
            users_dir: get("users").into(),
            mail_root: get("mail").into(),
            ca: get("ca").into(),
        }
    }

    /// A new mail user on this Dovecot.
    pub fn add_user(&self) -> MailUser {
        add_user_to(&self.users_dir)
    }

    /// Settings for `user` on this Dovecot over TLS, watching INBOX only.
    pub fn settings(&self, user: &MailUser) -> MailboxSettings {
        MailboxSettings {
            host: "127.0.0.1".into(),
            port: self.imaps_port,
            security: Security::Tls,
            username: user.name.clone(),
            folders: vec!["INBOX".into()],
            trusted_certificate: Some(self.ca.clone()),
            sms_forwarders: Vec::new(),
            authserv_id: Some(AUTHSERV_ID.into()),
        }
    }

    /// Stops the server, as an outage would: every connection is cut. (doveadm waits until
    /// the master is down, but an IMAP session that logged in moments before can outlive it and
    /// go on serving its client; those are ended too, found by their working folder in this
    /// server's mail root.)
    pub fn stop(&self) {
        let out = Command::new("doveadm")
            .args(["-c", &self.conf, "stop"])
            .output()
            .expect("doveadm stop");
        assert!(out.status.success(), "doveadm stop: {out:?}");
        self.end_leftover_sessions();
    }

    fn end_leftover_sessions(&self) {
        let root = std::fs::canonicalize(&self.mail_root).unwrap_or(self.mail_root.clone());
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let in_root = std::fs::read_link(entry.path().join("cwd"))
                .is_ok_and(|cwd| cwd.starts_with(&root));
            if in_root {
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        }
    }

    /// Starts the server again and waits until it listens.
    pub fn start_again(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            // No inherited pipes: the daemon keeps whatever streams it is given.
            let out = Command::new("dovecot")
                .args(["-c", &self.conf])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("dovecot");
            if out.success() {
                break;
            }
            // The old master may still be on its way out.
            assert!(
                std::time::Instant::now() < deadline,
                "dovecot did not start again: {out:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        while TcpStream::connect(("127.0.0.1", self.imaps_port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "dovecot does not listen again"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Cuts every connection of `user`.
    pub fn kick(&self, user: &MailUser) {
        kick(&self.conf, user);
    }
}

impl Drop for PrivateDovecot {
    fn drop(&mut self) {
        let _ = Command::new("doveadm")
            .args(["-c", &self.conf, "stop"])
            .output();
        self.end_leftover_sessions();
    }
}

/// Cuts every connection of `user` on the Dovecot of `conf`.
#[allow(dead_code)]
pub fn kick(conf: &str, user: &MailUser) {
    let out = Command::new("doveadm")
        .args(["-c", conf, "kick", &user.name])
        .output()
        .expect("doveadm");
    assert!(out.status.success(), "doveadm kick: {out:?}");
}

/// Delivers a message by writing it into `user`'s Maildir under `mail_root` (a file written to
/// tmp/ and renamed into new/, as a local delivery agent does). Works while Dovecot is down. The
/// folder must exist already: Dovecot makes it at the user's first sign-in.
#[allow(dead_code)]
pub fn deliver_to_maildir(mail_root: &Path, user: &MailUser, raw: &[u8]) {
    deliver_to_folder(mail_root, user, "INBOX", raw);
}

/// [`deliver_to_maildir`] into `folder` (`INBOX`, or another folder such as `Junk`, as a
/// server-side spam filter files it).
#[allow(dead_code)]
pub fn deliver_to_folder(mail_root: &Path, user: &MailUser, folder: &str, raw: &[u8]) {
    use std::os::unix::fs::MetadataExt;
    let mut maildir = mail_root.join(&user.name).join("Maildir");
    if folder != "INBOX" {
        maildir = maildir.join(format!(".{folder}"));
    }
    let new = maildir.join("new");
    let owner = std::fs::metadata(&new)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): sign in once first", new.display()));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let name = format!(
        "{}.M{}P{}Q{}.keydesk-test",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        token()
    );
    let tmp = maildir.join("tmp").join(&name);
    std::fs::write(&tmp, raw).expect("write into Maildir/tmp");
    std::os::unix::fs::chown(&tmp, Some(owner.uid()), Some(owner.gid())).expect("chown");
    std::fs::rename(&tmp, new.join(&name)).expect("rename into Maildir/new");
}
