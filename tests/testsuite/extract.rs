//! Quality of the one-time-code extractor, measured on labelled messages: the public corpus
//! (`tests/fixtures/corpus/otp-public.jsonl`), the project's own e-mail fixtures
//! (`tests/fixtures/mail/`) and its written texts (`tests/fixtures/texts/`). Each must reach
//! ≥ 99 % exact on messages with a code and ≤ 1 % false codes on messages without one.

use std::path::{Path, PathBuf};

use keydesk::{extract, message};
use serde_json::Value;

/// Counts for one labelled set.
#[derive(Default, Debug)]
struct Score {
    with_code: usize,
    exact: usize,
    /// Messages with a code where something else (a wrong code) came out.
    wrong: usize,
    without_code: usize,
    /// Messages without a code where a code was invented.
    invented: usize,
    misses: Vec<String>,
}

impl Score {
    fn record(&mut self, id: &str, expected: &[String], got: Option<String>) {
        match (expected.first(), got) {
            (Some(_), Some(g)) if expected.contains(&g) => {
                self.with_code += 1;
                self.exact += 1;
            }
            (Some(e), g) => {
                self.with_code += 1;
                if g.is_some() {
                    self.wrong += 1;
                }
                self.misses.push(format!("{id}: expected {e}, got {g:?}"));
            }
            (None, None) => self.without_code += 1,
            (None, Some(g)) => {
                self.without_code += 1;
                self.invented += 1;
                self.misses.push(format!("{id}: expected none, got {g}"));
            }
        }
    }

    /// Prints the figures and asserts the bar.
    fn report_and_check(&self, name: &str) {
        let (exact, clean) = self.report(name);
        assert!(
            self.with_code > 0 && self.without_code > 0,
            "{name}: both kinds must be present"
        );
        assert!(
            exact >= 0.99,
            "{name}: exact accuracy {exact:.4} is below 0.99"
        );
        assert!(
            1.0 - clean <= 0.01,
            "{name}: false codes on {:.4} of no-code messages (above 0.01)",
            1.0 - clean
        );
    }

    /// Prints the figures and each miss; returns the exact share on messages with a code and
    /// the share of messages without one left alone.
    fn report(&self, name: &str) -> (f64, f64) {
        let exact = self.exact as f64 / self.with_code.max(1) as f64;
        let clean = 1.0 - self.invented as f64 / self.without_code.max(1) as f64;
        let extracted = self.exact + self.wrong + self.invented;
        let precision = self.exact as f64 / extracted.max(1) as f64;
        let recall = exact;
        println!(
            "{name}: exact on with-code {}/{} = {:.4}; nothing extracted on no-code {}/{} = {:.4}; \
             precision {:.4}; recall {:.4}",
            self.exact,
            self.with_code,
            exact,
            self.without_code - self.invented,
            self.without_code,
            clean,
            precision,
            recall
        );
        for miss in &self.misses {
            println!("  miss {miss}");
        }
        (exact, clean)
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Accepted spellings: the label and its `alt` forms.
fn expected(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(code) = v["code"].as_str() {
        out.push(code.to_owned());
        if let Some(alt) = v["alt"].as_array() {
            out.extend(alt.iter().filter_map(|a| a.as_str().map(str::to_owned)));
        }
    }
    out
}

#[test]
fn public_corpus_meets_the_bar() {
    let path = repo_root().join("tests/fixtures/corpus/otp-public.jsonl");
    let corpus = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the corpus must be present at {}: {e}", path.display()));
    let mut score = Score::default();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each corpus line is JSON");
        if v["ambiguous"].as_bool() == Some(true) {
            continue;
        }
        let got = extract::extract("", v["text"].as_str().expect("text field"))
            .map(|e| e.code.expose().to_owned());
        score.record(v["id"].as_str().unwrap_or("?"), &expected(&v), got);
    }
    assert!(
        score.with_code >= 100,
        "the corpus holds about 120 coded messages"
    );
    score.report_and_check("public corpus");
}

/// Texts written for the project by people who had not seen the extractor, the corpus or the
/// e-mail fixtures (`tests/fixtures/texts/labels.jsonl`: 747 texts, mostly English and Spanish,
/// a few in other languages), in four sets. Each was scored unseen first — 96.9 % exact with
/// 4.5 % false codes; then, after the first's fixes, 95.1 % and 7.3 %; 98.3 % and 3.5 %; 98.1 %
/// and 8.6 % — and the patterns behind the misses were fixed in general. They stay here so those
/// stay fixed; having been tuned on, they no longer measure generalisation. Lifetimes are
/// checked too.
#[test]
fn written_texts_meet_the_bar_with_their_lifetimes() {
    let path = repo_root().join("tests/fixtures/texts/labels.jsonl");
    let labels = std::fs::read_to_string(&path).expect("texts/labels.jsonl present");
    let mut score = Score::default();
    let (mut lifetimes, mut lifetimes_right) = (0, 0);
    for line in labels.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each label line is JSON");
        if v["ambiguous"].as_bool() == Some(true) {
            continue;
        }
        let id = v["id"].as_str().unwrap_or("?");
        let found = extract::extract("", v["text"].as_str().expect("text field"));
        if v["code"].is_string() {
            lifetimes += 1;
            let got = found
                .as_ref()
                .and_then(|e| e.lifetime)
                .map(|d| d.as_secs() / 60);
            if got == v["expires_minutes"].as_u64() {
                lifetimes_right += 1;
            } else {
                score.misses.push(format!(
                    "{id}: lifetime expected {:?} min, got {got:?}",
                    v["expires_minutes"]
                ));
            }
        }
        score.record(id, &expected(&v), found.map(|e| e.code.expose().to_owned()));
    }
    println!("written texts: lifetime right on {lifetimes_right}/{lifetimes}");
    assert!(score.with_code >= 400, "the sets hold 443 coded texts");
    assert!(
        lifetimes_right as f64 >= 0.95 * lifetimes as f64,
        "lifetimes right on only {lifetimes_right}/{lifetimes}"
    );
    score.report_and_check("written texts");
}

/// The unseen sets (`tests/fixtures/unseen/setN/labels.jsonl`, see its README): written for
/// Keydesk to measure mail the extractor was not tuned on. Each is scored and printed with its
/// lifetimes (`tests/run -- unseen_sets -- --nocapture`); the README records each set's first
/// score, taken before any change made for it. The bar is not asserted here (a set measures,
/// it is not tuned to pass), but each set must be well formed: at least 60 messages, both
/// kinds, unique ids, every code of a code's shape.
#[test]
fn unseen_sets_are_scored() {
    let root = repo_root().join("tests/fixtures/unseen");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures/unseen present")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("labels.jsonl").exists())
        .collect();
    sets.sort();
    assert!(!sets.is_empty(), "at least one unseen set");
    for set in sets {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let labels = std::fs::read_to_string(set.join("labels.jsonl")).unwrap();
        let mut score = Score::default();
        let (mut ids, mut lifetimes, mut lifetimes_right) = (Vec::new(), 0, 0);
        for line in labels.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).expect("each label line is JSON");
            let id = v["id"].as_str().expect("id").to_owned();
            assert!(!ids.contains(&id), "{name}: id {id} twice");
            if let Some(code) = v["code"].as_str() {
                assert!(
                    code.len() >= 3 && code.chars().all(|c| c.is_ascii_alphanumeric()),
                    "{name}/{id}: a code is letters and digits: {code}"
                );
            }
            let found = extract::extract("", v["text"].as_str().expect("text field"));
            if let Some(minutes) = v["expires_minutes"].as_u64() {
                lifetimes += 1;
                let got = found
                    .as_ref()
                    .and_then(|e| e.lifetime)
                    .map(|d| d.as_secs() / 60);
                if got == Some(minutes) {
                    lifetimes_right += 1;
                } else {
                    score.misses.push(format!(
                        "{id}: lifetime expected {minutes} min, got {got:?}"
                    ));
                }
            }
            score.record(
                &id,
                &expected(&v),
                found.map(|e| e.code.expose().to_owned()),
            );
            ids.push(id);
        }
        assert!(ids.len() >= 60, "{name}: at least 60 messages");
        assert!(
            score.with_code > 0 && score.without_code > 0,
            "{name}: both kinds"
        );
        println!(
            "unseen {name}: lifetime right on {lifetimes_right}/{lifetimes} = {:.4}",
            lifetimes_right as f64 / lifetimes.max(1) as f64
        );
        score.report(&format!("unseen {name}"));
    }
}

/// The project's own e-mail fixtures: each `.eml` goes through the message parser first.
#[test]
fn mail_fixtures_meet_the_bar() {
    let dir = repo_root().join("tests/fixtures/mail");
    let labels = std::fs::read_to_string(dir.join("labels.jsonl")).expect("labels.jsonl present");
    let mut score = Score::default();
    let mut lifetimes = (0, 0);
    for line in labels.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each label line is JSON");
        let file = v["file"].as_str().expect("file field");
        let got = extract_from_file(&dir.join(file));
        if let (Some(minutes), Some((_, got_minutes))) = (v["expires_minutes"].as_u64(), &got) {
            lifetimes.0 += 1;
            if *got_minutes == Some(minutes) {
                lifetimes.1 += 1;
            } else {
                println!("  lifetime {file}: expected {minutes}, got {got_minutes:?}");
            }
        }
        score.record(file, &expected(&v), got.map(|(c, _)| c));
    }
    assert!(
        score.with_code + score.without_code >= 150,
        "at least 150 fixtures"
    );
    println!(
        "mail fixtures: lifetime right on {}/{}",
        lifetimes.1, lifetimes.0
    );
    assert!(
        lifetimes.1 * 100 >= lifetimes.0 * 95,
        "lifetime must be read right on 95% of fixtures that state one"
    );
    score.report_and_check("mail fixtures");
}

fn extract_from_file(path: &Path) -> Option<(String, Option<u64>)> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = message::parse(&raw).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let found = extract::extract(&parsed.subject, &parsed.text)?;
    Some((
        found.code.expose().to_owned(),
        found.lifetime.map(|d| d.as_secs() / 60),
    ))
}

/// `keydesk-cli extract` on two fixtures and a missing file: one JSON line each, exit 1.
#[test]
fn cli_extract_prints_one_json_line_per_input() {
    let dir = repo_root().join("tests/fixtures/mail");
    let labels = std::fs::read_to_string(dir.join("labels.jsonl")).expect("labels.jsonl present");
    let first: Value = serde_json::from_str(labels.lines().next().expect("a label")).expect("JSON");
    let coded = first["file"].as_str().expect("file").to_owned();
    let negative = labels
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON"))
        .find(|v| v["code"].is_null())
        .expect("a negative fixture");
    let negative = negative["file"].as_str().expect("file").to_owned();
    // No profile: nothing to match against (and none is made).
    let empty = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_keydesk-cli"))
        .arg("--data-dir")
        .arg(empty.path().join("profile"))
        .arg("extract")
        .arg(dir.join(&coded))
        .arg(dir.join(&negative))
        .arg(dir.join("no-such-file.eml"))
        .output()
        .expect("keydesk-cli runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a missing input makes the run fail"
    );
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per input, the run goes on after an error"
    );
    assert_eq!(
        lines[0]["code"], first["code"],
        "the coded fixture's code is printed"
    );
    assert_eq!(lines[0]["expires_minutes"], first["expires_minutes"]);
    assert!(lines[0]["portal"].is_null(), "no profile, no portal");
    assert!(
        !empty.path().join("profile").exists(),
        "extract makes no profile"
    );
    assert!(
        lines[1]["code"].is_null(),
        "the negative fixture yields no code"
    );
    assert!(
        lines[2]["error"].is_string(),
        "the missing file is reported"
    );
}

#[test]
fn cli_extract_names_the_portal_the_inbox_would_match() {
    let profile = crate::bed::profile_dir("cli-extract-portal");
    let out = crate::bed::cli(
        &profile,
        &[
            "portal",
            "add",
            "--preset",
            "cigna",
            "--username",
            "frontdesk",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "portal add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = repo_root().join("tests/fixtures/mail");
    let cigna = dir.join("cigna-00-qp.eml");
    let availity = dir.join("availity-00-plain.eml");
    let out = crate::bed::cli(
        &profile,
        &[
            "extract",
            cigna.to_str().unwrap(),
            availity.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines[0]["portal"]
            .as_str()
            .is_some_and(|p| p.contains("Cigna")),
        "a Cigna sender matches the Cigna portal: {}",
        lines[0]
    );
    assert_eq!(
        lines[0]["verified"], false,
        "no mailbox, so no office server's check to trust: {}",
        lines[0]
    );
    assert_eq!(lines[1]["verified"], false);
    assert!(
        lines[1]["portal"].is_null(),
        "no Availity portal in this profile: {}",
        lines[1]
    );
    assert!(
        lines[1]["code"].is_string(),
        "the code is found all the same"
    );

    // The fixtures carry the stamp of their office's server, mx.frontdesk.example: with that
    // id set, the Cigna message is verified; with the bed's own id, it is not.
    let user = crate::bed::fresh_mail_user();
    let verified = |profile: &std::path::Path| -> Value {
        let out = crate::bed::cli_ok(profile, &["extract", cigna.to_str().unwrap()], None);
        serde_json::from_str(out.trim()).unwrap()
    };
    crate::bed::set_mailbox(&profile, &user, &user.password, &[]);
    assert_eq!(
        verified(&profile)["verified"],
        false,
        "another server's stamp"
    );
    crate::bed::set_mailbox(
        &profile,
        &user,
        &user.password,
        &["--authserv-id", "mx.frontdesk.example"],
    );
    let line = verified(&profile);
    assert_eq!(line["verified"], true, "{line}");
    assert!(line["portal"].as_str().is_some_and(|p| p.contains("Cigna")));
}
