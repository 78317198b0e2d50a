use super::*;

#[test]
fn reads_sender_headers_and_plain_body() {
    let raw = b"Return-Path: <bounce@mail.cigna.com>\r\n\
Authentication-Results: mx.office.example; dkim=pass header.d=cigna.com; dmarc=pass\r\n\
From: \"Cigna for HCP\" <NoReply@Cigna.com>\r\n\
Subject: =?UTF-8?Q?Your_verification_code?=\r\n\
Date: Sun, 22 Nov 2026 21:00:00 +0000\r\n\
Message-ID: <abc@cigna.com>\r\n\
\r\n\
Your code is 482913.\r\n";
    let m = parse(raw).expect("a valid message");
    assert_eq!(m.from.as_deref(), Some("noreply@cigna.com"));
    assert_eq!(m.from_name.as_deref(), Some("Cigna for HCP"));
    assert_eq!(m.return_path.as_deref(), Some("bounce@mail.cigna.com"));
    assert_eq!(m.subject, "Your verification code");
    assert_eq!(m.message_id.as_deref(), Some("abc@cigna.com"));
    assert_eq!(m.date, Some(1_795_381_200));
    assert_eq!(m.authentication_results.len(), 1);
    assert!(m.text.contains("482913"));
}

#[test]
fn quoted_printable_soft_break_inside_the_code_rejoins() {
    let raw = b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\nYour code is 48=\r\n2913 =E2=80=94 thanks\r\n";
    let m = parse(raw).expect("a valid message");
    assert!(m.text.contains("482913 — thanks"), "{:?}", m.text);
}

#[test]
fn html_alternative_is_used_when_plain_text_lacks_the_content() {
    let raw = b"From: a@b.example\r\nSubject: x\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain\r\n\r\nView this message in a browser that shows HTML.\r\n\
--B\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n\
PHA+Q/NkaWdvOiA3MzMxMDQ8L3A+\r\n--B--\r\n";
    let m = parse(raw).expect("a valid message");
    assert_eq!(m.text.trim(), "Código: 733104");
}

#[test]
fn empty_and_headerless_input_are_clear_errors() {
    assert_eq!(parse(b"").unwrap_err(), MessageError::Empty);
    assert_eq!(parse(b"  \r\n").unwrap_err().code(), "message_empty");
    assert!(parse(b"\x00\x01\x02 just bytes").is_err());
}

#[test]
fn huge_and_deep_messages_stay_bounded() {
    let mut raw =
        b"From: a@b.example\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            .to_vec();
    for i in 0..1000 {
        raw.extend_from_slice(
            format!(
                "--B\r\nContent-Type: text/plain\r\n\r\npart {i} {}\r\n",
                "x".repeat(100)
            )
            .as_bytes(),
        );
    }
    raw.extend_from_slice(&vec![b'y'; 50 * 1024 * 1024]);
    let m = parse(&raw).expect("parses the first part of a huge message");
    assert!(m.truncated);
    assert!(
        m.text.len() <= MAX_PARTS * (MAX_PART_TEXT + 1),
        "text {} bytes",
        m.text.len()
    );
}

/// A message nested `depth` multiparts deep (the code in the innermost part).
fn deep_message(depth: usize) -> Vec<u8> {
    let mut raw = b"From: a@b.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n".to_vec();
    for level in 0..depth {
        raw.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=L{level}\r\n\r\n--L{level}\r\n")
                .as_bytes(),
        );
    }
    raw.extend_from_slice(b"Content-Type: text/plain\r\n\r\nYour code is 482913.\r\n");
    for level in (0..depth).rev() {
        raw.extend_from_slice(format!("--L{level}--\r\n").as_bytes());
    }
    raw
}

#[test]
fn nesting_as_deep_as_the_parsed_bytes_allow_neither_overflows_the_stack_nor_goes_unbounded() {
    // Run on a small stack, as the watcher's tasks do, so recursion would show.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| parse(&deep_message(40_000)).map(|m| m.text.len()))
        .unwrap();
    let text_len = handle.join().expect("no stack overflow").expect("readable");
    assert!(text_len <= MAX_PARTS * (MAX_PART_TEXT + 1));
}

#[test]
fn unknown_charset_does_not_fail() {
    let raw = b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nCode 482913\r\n";
    assert!(parse(raw).expect("readable").text.contains("482913"));
}
