//! Property tests: a code in a template full of look-alike numbers comes out exactly, and no
//! input makes the extractor (or the message parser) panic.

use proptest::prelude::*;

use super::extract;

fn phone() -> impl Strategy<Value = String> {
    (200u32..999, 200u32..999, 0u32..9999, 0usize..4).prop_map(|(a, b, c, style)| match style {
        0 => format!("{a}.{b}.{c:04}"),
        1 => format!("({a}) {b}-{c:04}"),
        2 => format!("1-{a}-{b}-{c:04}"),
        _ => format!("+1 {a} {b} {c:04}"),
    })
}

fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        phone().prop_map(|p| format!("Questions? Call {p}.")),
        (1u32..13, 1u32..29, 2020u32..2030).prop_map(|(m, d, y)| format!("Sent {m}/{d}/{y}.")),
        (1u32..13, 0u32..60).prop_map(|(h, m)| format!("at {h}:{m:02} PM")),
        (1u32..5000, 0u32..100).prop_map(|(d, c)| format!("Balance: ${d}.{c:02}")),
        (10_000_000u32..99_999_999).prop_map(|n| format!("Claim number {n}.")),
        (1_000_000_000u64..9_999_999_999).prop_map(|n| format!("NPI {n}")),
        (10_000u32..99_999).prop_map(|z| format!("Hartford, CT {z}")),
    ]
}

proptest! {
    #[test]
    fn code_among_lookalike_numbers_is_extracted_exactly(
        code in "[0-9]{6}",
        before in proptest::collection::vec(noise(), 0..3),
        after in proptest::collection::vec(noise(), 0..3),
        template in 0usize..4,
    ) {
        let sentence = match template {
            0 => format!("Your verification code is {code}."),
            1 => format!("{code} is your one-time passcode."),
            2 => format!("Su código de verificación es: {code}"),
            _ => format!("Use code {code} to sign in. It expires in 10 minutes."),
        };
        let body = format!("{}\n{sentence}\n{}", before.join(" "), after.join(" "));
        let found = extract("", &body);
        prop_assert_eq!(found.map(|f| f.code.expose().to_owned()), Some(code), "{}", body);
    }

    #[test]
    fn noise_alone_yields_no_code(parts in proptest::collection::vec(noise(), 1..6)) {
        let body = parts.join("\n");
        prop_assert!(extract("Account notice", &body).is_none(), "{}", body);
    }

    #[test]
    fn extract_never_panics(subject in ".{0,64}", body in ".{0,512}") {
        let _ = extract(&subject, &body);
    }

    #[test]
    fn message_parse_never_panics(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = crate::message::parse(&raw);
    }
}
