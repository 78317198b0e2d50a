//! The message parser on arbitrary bytes: must never panic and must keep its output bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use keydesk::message::{MAX_PART_TEXT, MAX_PARTS, parse};
    if let Ok(message) = parse(data) {
        assert!(message.text.len() <= MAX_PARTS * (MAX_PART_TEXT + 1));
        let _ = keydesk::extract::extract(&message.subject, &message.text);
    }
});
