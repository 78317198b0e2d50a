//! The extractor on arbitrary text: must never panic, and a code it returns has a code's shape.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (subject, body) = text.split_at(text.find('\n').unwrap_or(0));
    if let Some(found) = keydesk::extract::extract(subject, body) {
        let code = found.code.expose();
        assert!((3..=9).contains(&code.len()), "code of odd length");
        assert!(code.bytes().all(|b| b.is_ascii_alphanumeric()), "code with odd characters");
    }
});
