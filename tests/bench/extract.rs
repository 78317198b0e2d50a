//! Extraction throughput (a benchmark program, not a timed test):
//! `cargo bench --bench extract` prints messages per second over the public corpus (text
//! extraction only) and over the mail fixtures (parse + extract).

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::fs::read_to_string(root.join("tests/fixtures/corpus/otp-public.jsonl"))
        .expect("the corpus at tests/fixtures/corpus/otp-public.jsonl");
    let texts: Vec<String> = corpus
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    let fixtures_dir = root.join("tests/fixtures/mail");
    let mut emls = Vec::new();
    for entry in std::fs::read_dir(&fixtures_dir).expect("fixtures folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "eml") {
            emls.push(std::fs::read(path).expect("readable fixture"));
        }
    }

    let (n, elapsed) = run_for(Duration::from_secs(2), || {
        let mut found = 0;
        for t in &texts {
            found += usize::from(keydesk::extract::extract("", t).is_some());
        }
        (texts.len(), found)
    });
    report("public corpus, extract", n, elapsed);

    let (n, elapsed) = run_for(Duration::from_secs(2), || {
        let mut found = 0;
        for raw in &emls {
            let m = keydesk::message::parse(raw).expect("fixtures parse");
            found += usize::from(keydesk::extract::extract(&m.subject, &m.text).is_some());
        }
        (emls.len(), found)
    });
    report("mail fixtures, parse + extract", n, elapsed);
}

/// Repeats whole passes until `budget` has elapsed; returns messages processed and the time.
fn run_for(budget: Duration, mut pass: impl FnMut() -> (usize, usize)) -> (usize, Duration) {
    let _ = pass(); // warm-up: builds the phrase automaton once
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < budget {
        let (count, found) = pass();
        std::hint::black_box(found);
        n += count;
    }
    (n, start.elapsed())
}

fn report(what: &str, n: usize, elapsed: Duration) {
    let per_sec = n as f64 / elapsed.as_secs_f64();
    let micros = elapsed.as_secs_f64() * 1e6 / n as f64;
    println!(
        "{what}: {n} messages in {elapsed:.2?} = {per_sec:.0} messages/s ({micros:.1} µs each)"
    );
}
