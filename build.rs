//! The core's share of the one message catalogue. The window's texts and the core's live together
//! in `ui/messages/{en,es}.json`; the core embeds only its own (keys starting `core_` or
//! `error_`), compacted, so the window's texts are not in the binary twice (the app must stay
//! inside its size budget). `src/i18n.rs` includes the result.

// The build's own output, not a file people carry: the rule on writing files is for user files.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for locale in ["en", "es"] {
        let path = format!("ui/messages/{locale}.json");
        println!("cargo:rerun-if-changed={path}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let all: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        let core: BTreeMap<&str, &str> = all
            .iter()
            .filter(|(key, _)| key.starts_with("core_") || key.starts_with("error_"))
            .map(|(key, text)| {
                let text = text
                    .as_str()
                    .unwrap_or_else(|| panic!("{path}: {key} is not a plain text"));
                (key.as_str(), text)
            })
            .collect();
        let json = serde_json::to_string(&core).expect("a map of strings");
        std::fs::write(Path::new(&out).join(format!("core-{locale}.json")), json)
            .expect("write the core's catalogue");
    }
}
