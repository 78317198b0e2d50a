//! Code messages: rendering a realistic MIME e-mail (quoted-printable, HTML + text) and handing
//! it to a mail server over LMTP, or keeping it in an in-memory outbox for tests without one.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Why a code message could not be delivered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MailError {
    /// The mail server could not be reached.
    #[error("could not reach the mail server at {addr}: {source}")]
    Connect {
        /// host:port tried.
        addr: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The conversation broke off.
    #[error("the mail server connection failed: {0}")]
    Io(#[from] std::io::Error),
    /// The mail server refused a step.
    #[error("the mail server refused {step}: {reply}")]
    Refused {
        /// The LMTP command refused.
        step: &'static str,
        /// The server's reply.
        reply: String,
    },
    /// The mail server did not answer in time.
    #[error("the mail server did not answer within 10 s")]
    Timeout,
}

/// A message to send: a plain-text body and, for e-mails, an HTML alternative.
#[derive(Debug, Clone)]
pub struct Message {
    /// From header, `Name <addr>` or `addr`.
    pub from: String,
    /// Recipient address.
    pub to: String,
    /// Subject (any Unicode).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body, if any.
    pub html: Option<String>,
}

/// A message kept by the outbox delivery.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sent {
    /// Envelope recipient.
    pub to: String,
    /// Envelope sender.
    pub from: String,
    /// The whole RFC 5322 message.
    pub raw: String,
}

/// Where messages go.
#[derive(Debug, Clone)]
pub enum Postman {
    /// LMTP into a mail server.
    Lmtp {
        /// Server host.
        host: String,
        /// Server port.
        port: u16,
        /// The receiving server's authserv-id, stamped on each message when set.
        authserv_id: Option<String>,
    },
    /// An in-memory list, readable through `/__sandbox/outbox`.
    Outbox(Arc<Mutex<Vec<Sent>>>),
}

impl Postman {
    /// Renders and delivers a message dated `now`.
    pub async fn deliver(&self, msg: &Message, now: u64) -> Result<(), MailError> {
        let raw = render(msg, now, &crate::otp::random_token());
        let from = address_of(&msg.from);
        match self {
            Postman::Lmtp {
                host,
                port,
                authserv_id,
            } => tokio::time::timeout(
                Duration::from_secs(10),
                lmtp(
                    host,
                    *port,
                    from,
                    &msg.to,
                    &match authserv_id {
                        Some(id) => format!("{}{raw}", stamp(id, from)),
                        None => raw,
                    },
                ),
            )
            .await
            .map_err(|_| MailError::Timeout)?,
            Postman::Outbox(list) => {
                let sent = Sent {
                    to: msg.to.clone(),
                    from: from.to_string(),
                    raw,
                };
                list.lock().expect("outbox lock").push(sent);
                Ok(())
            }
        }
    }
}

/// The `Authentication-Results` the office's receiving server `authserv_id` adds to a message
/// from `from` whose DKIM signature and DMARC check passed.
pub fn stamp(authserv_id: &str, from: &str) -> String {
    let domain = from.rsplit('@').next().unwrap_or("sandbox.example");
    format!(
        "Authentication-Results: {authserv_id}; dkim=pass header.d={domain};\r\n\
         \tspf=pass smtp.mailfrom={from}; dmarc=pass header.from={domain}\r\n"
    )
}

/// The bare address in `Name <addr>`.
pub fn address_of(from: &str) -> &str {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from.trim(),
    }
}

/// Renders the message with CRLF line ends.
pub fn render(msg: &Message, now: u64, token: &str) -> String {
    let mut out = String::new();
    let domain = address_of(&msg.from)
        .rsplit('@')
        .next()
        .unwrap_or("sandbox.example");
    for (name, value) in [
        ("From", msg.from.clone()),
        ("To", msg.to.clone()),
        ("Subject", encode_header(&msg.subject)),
        ("Date", rfc5322_date(now)),
        ("Message-ID", format!("<{token}@{domain}>")),
        ("MIME-Version", "1.0".into()),
    ] {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    let part = |ctype: &str, body: &str| {
        format!(
            "Content-Type: {ctype}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}\r\n",
            quoted_printable(body)
        )
    };
    match &msg.html {
        None => out.push_str(&part("text/plain", &msg.text)),
        Some(html) => {
            let boundary = format!("=_sandbox_{token}");
            out.push_str(&format!(
                "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
            ));
            out.push_str("This is a multi-part message in MIME format.\r\n");
            for (ctype, body) in [("text/plain", &msg.text), ("text/html", html)] {
                out.push_str(&format!("--{boundary}\r\n{}", part(ctype, body)));
            }
            out.push_str(&format!("--{boundary}--\r\n"));
        }
    }
    out
}

/// RFC 2047 Q-encoding when the header is not plain ASCII.
fn encode_header(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let q: String = text
        .bytes()
        .map(|b| match b {
            b' ' => "_".to_string(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("={b:02X}"),
        })
        .collect();
    format!("=?UTF-8?Q?{q}?=")
}

/// Quoted-printable (RFC 2045) with soft breaks under 76 characters and CRLF line ends.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut width = 0;
        let bytes = line.as_bytes();
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let plain = (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            let piece = if plain {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
    }
    out
}

/// `Sun, 22 Nov 2026 21:31:34 +0000`.
pub fn rfc5322_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Civil-from-days (H. Hinnant), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    format!("{wd}, {day} {mon} {year} {h:02}:{m:02}:{s:02} +0000")
}

/// Reads one (possibly multi-line) reply; returns its code and text.
async fn reply(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> Result<(u16, String), MailError> {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Err(MailError::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        all.push_str(&line);
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            return Ok((code, all.trim_end().to_string()));
        }
    }
}

/// One LMTP transaction (RFC 2033) for one recipient.
async fn lmtp(host: &str, port: u16, from: &str, to: &str, raw: &str) -> Result<(), MailError> {
    let addr = format!("{host}:{port}");
    let stream = TcpStream::connect(&addr)
        .await
        .map_err(|source| MailError::Connect { addr, source })?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let expect = |step: &'static str, want: u16, got: (u16, String)| {
        if got.0 == want {
            Ok(())
        } else {
            Err(MailError::Refused { step, reply: got.1 })
        }
    };
    expect("the connection", 220, reply(&mut r).await?)?;
    for (step, cmd, want) in [
        ("LHLO", "LHLO sandbox-portal".to_string(), 250),
        ("MAIL FROM", format!("MAIL FROM:<{from}>"), 250),
        ("RCPT TO", format!("RCPT TO:<{to}>"), 250),
        ("DATA", "DATA".to_string(), 354),
    ] {
        w.write_all(format!("{cmd}\r\n").as_bytes()).await?;
        expect(step, want, reply(&mut r).await?)?;
    }
    // Dot-stuffing: a line starting with "." gets another.
    let mut body = String::with_capacity(raw.len() + 8);
    for line in raw.split_inclusive("\r\n") {
        if line.starts_with('.') {
            body.push('.');
        }
        body.push_str(line);
    }
    if !body.ends_with("\r\n") {
        body.push_str("\r\n");
    }
    body.push_str(".\r\n");
    w.write_all(body.as_bytes()).await?;
    expect("the message", 250, reply(&mut r).await?)?;
    w.write_all(b"QUIT\r\n").await?;
    let _ = reply(&mut r).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_escapes_equals_non_ascii_and_long_lines() {
        let qp = quoted_printable("a=b código ");
        assert_eq!(qp, "a=3Db c=C3=B3digo=20");
        let long = quoted_printable(&"x".repeat(200));
        assert!(long.split("\r\n").all(|l| l.len() <= 76), "{long}");
        assert_eq!(long.replace("=\r\n", ""), "x".repeat(200));
    }

    #[test]
    fn dates_match_known_days() {
        assert_eq!(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc5322_date(1_795_383_094),
            "Sun, 22 Nov 2026 21:31:34 +0000"
        );
    }

    #[test]
    fn multipart_message_has_both_parts_and_encoded_subject() {
        let msg = Message {
            from: "Cigna <no-reply@cigna.example>".into(),
            to: "user@localhost".into(),
            subject: "Código".into(),
            text: "code 123456".into(),
            html: Some("<p>code <b>123456</b></p>".into()),
        };
        let raw = render(&msg, 0, "t0k");
        assert!(
            raw.contains("Subject: =?UTF-8?Q?C=C3=B3digo?=\r\n"),
            "{raw}"
        );
        assert!(raw.contains("Message-ID: <t0k@cigna.example>"), "{raw}");
        assert_eq!(raw.matches("--=_sandbox_t0k").count(), 3, "{raw}");
        assert!(
            raw.contains("text/html") && raw.contains("<b>123456</b>"),
            "{raw}"
        );
    }
}
