//! Hostile messages for the hostile-mail benchmark: each about 64 KiB, built to make a code
//! extractor do as much work as possible (no spaces, a code-shaped token or a code phrase every
//! few characters, one character per table cell, deep nesting, many parts, other scripts).

/// The kinds, by name; `message(i)` cycles through them.
pub const KINDS: &[&str] = &[
    "otp:1234, repeated, no spaces",
    "'code 123456 ' repeated",
    "'verification code ' repeated, no code",
    "one 64 KiB run of digits",
    "single digits split by spaces",
    "one character per HTML table cell",
    "10,000 nested <div>s around a code",
    "验证码1234， repeated",
    "base64 of random bytes as text",
    "400 MIME parts each with a code",
    "'Your code is 123456. It expires in 10 minutes.' repeated",
    "quoted-printable soft breaks between every digit",
];

const SIZE: usize = 64 * 1024;

fn repeat_to(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
}

fn headers(i: usize, content_type: &str, extra: &str) -> String {
    format!(
        "From: Attacker {i} <a{i}@attacker.example>\r\nTo: frontdesk@localhost\r\n\
         Subject: Your verification code {i}\r\nMessage-ID: <{i}.{}@attacker.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n{extra}\r\n",
        rand::random::<u64>()
    )
}

/// Hostile message number `i` (of kind `i % KINDS.len()`).
pub fn message(i: usize) -> Vec<u8> {
    let plain = "text/plain; charset=utf-8";
    let kind = i % KINDS.len();
    let text = match kind {
        0 => format!("{}{}", headers(i, plain, ""), repeat_to("otp:1234,", SIZE)),
        1 => format!(
            "{}{}",
            headers(i, plain, ""),
            repeat_to("code 123456 ", SIZE)
        ),
        2 => format!(
            "{}{}",
            headers(i, plain, ""),
            repeat_to("verification code ", SIZE)
        ),
        3 => format!("{}{}", headers(i, plain, ""), repeat_to("0123456789", SIZE)),
        4 => format!(
            "{}{}",
            headers(i, plain, ""),
            repeat_to("1 2 3 4 5 6 ", SIZE)
        ),
        5 => format!(
            "{}<table><tr>{}</tr></table>",
            headers(i, "text/html; charset=utf-8", ""),
            repeat_to("<td>7</td>", SIZE)
        ),
        6 => format!(
            "{}{}Your code is 482913{}",
            headers(i, "text/html; charset=utf-8", ""),
            "<div>".repeat(10_000),
            "</div>".repeat(2_000)
        ),
        7 => format!(
            "{}{}",
            headers(i, plain, ""),
            repeat_to("验证码1234，", SIZE)
        ),
        8 => {
            let bytes: Vec<u8> = (0..SIZE * 3 / 4).map(|_| rand::random::<u8>()).collect();
            let b64 = data_encoding::BASE64_MIME.encode(&bytes);
            format!(
                "{}{b64}",
                headers(i, plain, "Content-Transfer-Encoding: base64\r\n")
            )
        }
        9 => {
            let mut s = headers(i, "multipart/mixed; boundary=\"b\"", "");
            for p in 0..400 {
                s.push_str(&format!(
                    "--b\r\nContent-Type: text/plain\r\n\r\nPart {p}: your code is {:06} otp:1234,otp:1234\r\n",
                    100_000 + p
                ));
            }
            s.push_str("--b--\r\n");
            s
        }
        10 => format!(
            "{}{}",
            headers(i, plain, ""),
            repeat_to("Your code is 123456. It expires in 10 minutes. ", SIZE)
        ),
        _ => format!(
            "{}{}",
            headers(i, plain, "Content-Transfer-Encoding: quoted-printable\r\n"),
            repeat_to("1=\r\n2=\r\n3=\r\n", SIZE)
        ),
    };
    text.into_bytes()
}
