//! Conformance with oasdiff's checker test pairs (`../shared/corpus/oasdiff-checker/`):
//! runs `compare` on every entry whose verdict (`breaking`) is known and checks that the
//! agreement stays at or above the floor reached. Disagreements are explained in
//! `CONFORMANCE.md` beside this test.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The agreement reached (in percent); a regression below it fails the test.
const FLOOR_PERCENT: f64 = 96.6;

/// One entry of `expected.json` (only the fields used here).
#[derive(Deserialize)]
struct Entry {
    base: String,
    revision: String,
    breaking: Option<bool>,
    test: String,
    expect: Vec<Finding>,
}

/// One finding oasdiff's test requires.
#[derive(Deserialize)]
struct Finding {
    id: String,
}

/// Whether oasdiff's verdict rests on features outside the contract model: its own
/// extensions `x-stability-level` and `x-sunset`, and webhooks.
fn out_of_scope(entry: &Entry) -> bool {
    entry.expect.iter().any(|f| {
        f.id.contains("sunset") || f.id.contains("stability") || f.id.starts_with("webhook")
    })
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/oasdiff-checker")
}

#[test]
fn agreement_with_oasdiff() {
    let root = corpus();
    let Ok(text) = std::fs::read_to_string(root.join("expected.json")) else {
        eprintln!("skipped: {} is absent", root.display());
        return;
    };
    let entries: Vec<Entry> = serde_json::from_str(&text).expect("expected.json parses");
    let mut agree = 0usize;
    let mut total = 0usize;
    let mut disagreements = Vec::new();
    let mut skipped = 0usize;
    for entry in entries.iter().filter(|e| e.breaking.is_some()) {
        if out_of_scope(entry) {
            skipped += 1;
            continue;
        }
        let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("corpus file readable");
        total += 1;
        let verdict = match switchyard_contract::compare(&read(&entry.base), &read(&entry.revision))
        {
            Ok(comparison) => Some(comparison.breaking),
            Err(error) => {
                disagreements.push(format!(
                    "{} -> {} ({}): cannot compare: {error}",
                    entry.base, entry.revision, entry.test
                ));
                continue;
            }
        };
        if verdict == entry.breaking {
            agree += 1;
        } else {
            disagreements.push(format!(
                "{} -> {} ({}): expected breaking={:?}, got {:?}",
                entry.base, entry.revision, entry.test, entry.breaking, verdict
            ));
        }
    }
    let percent = 100.0 * agree as f64 / total.max(1) as f64;
    eprintln!("agreement with oasdiff: {agree}/{total} = {percent:.1}% ({skipped} out of scope)");
    for line in &disagreements {
        eprintln!("  {line}");
    }
    assert!(
        percent >= FLOOR_PERCENT,
        "agreement {percent:.1}% fell below the floor {FLOOR_PERCENT}%"
    );
}
