//! The page detector in the app's web engine (`tests/pages/inspect`, here its binary under the
//! bed's Xvfb) on saved pages of the labelled development set: a shown sign-in form, one hidden
//! until its "Sign in" link is clicked, and a search page left alone, one JSON line each.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::bed;

/// The `name` attribute of an opening tag.
fn name_of(tag: &str) -> Option<&str> {
    let at = tag.find(" name=\"")? + " name=\"".len();
    tag[at..].split('"').next()
}

#[test]
fn inspect_reads_a_shown_form_a_form_behind_a_link_and_leaves_a_search_page_alone() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/formasaurus");
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    // 103: a shown form; 156: a form hidden until a click; 13: a search page.
    let pages = ["103.html", "156.html", "13.html"];
    let out = Command::new(bed::var("KEYDESK_INSPECT_BIN"))
        .args(pages.iter().map(|p| dir.join(p)))
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("NO_AT_BRIDGE", "1")
        .output()
        .expect("run keydesk-inspect");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), pages.len(), "one line per page: {stdout}");
    for (line, page) in lines.iter().zip(pages) {
        assert!(
            line.starts_with("{\"page\":\"") && line.contains("\"remember\":"),
            "{line}"
        );
        let row: Value = serde_json::from_str(line).unwrap();
        assert!(row["page"].as_str().unwrap().ends_with(page));
        let label = &labels[page];
        let field = |key: &str| row[key].as_str().map(str::to_owned);
        if label["login"] == true {
            for key in ["username", "password"] {
                let tag = field(key).unwrap_or_else(|| panic!("{page}: no {key}: {line}"));
                let name = name_of(&tag).unwrap_or_default().to_owned();
                assert!(
                    label[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|n| n.as_str() == Some(&name)),
                    "{page}: {key} {tag} is not the labelled one"
                );
            }
            assert!(field("submit").is_some(), "{page}: a button: {line}");
        } else {
            for key in ["username", "password", "code"] {
                assert_eq!(row[key], Value::Null, "{page}: nothing to fill: {line}");
            }
        }
    }
}
