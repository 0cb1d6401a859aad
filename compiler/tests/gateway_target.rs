//! `switchyard build --target gateway-api` end to end through the real binary. Every
//! folder under `tests/gateway/` is a configuration repository with a `case.md`; its
//! snapshot beside it pins the exit code, standard output and error for the human and
//! JSON formats, and the exact bytes of every file written (none when a finding is an
//! error). A new case is a new folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn switchyard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .expect("the binary runs")
}

/// One `build --target gateway-api` run of a case in a format: its exit code and output
/// (the output folder shown as `[OUT]`), and the files it wrote.
fn build(case: &str, format: &str) -> (String, Vec<(String, String)>) {
    let out = tempfile::tempdir().expect("temp dir");
    let out_dir = out.path().join("routes");
    let out_text = out_dir.to_string_lossy().into_owned();
    let run = switchyard(&[
        "build",
        case,
        "--out",
        &out_text,
        "--target",
        "gateway-api",
        "--format",
        format,
    ]);
    let clean = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&out_text, "[OUT]");
    let report = format!(
        "---- {format}: exit {:?} ----\n---- stdout ----\n{}---- stderr ----\n{}",
        run.status.code(),
        clean(&run.stdout),
        clean(&run.stderr)
    );
    (report, written(&out_dir))
}

/// Both formats' runs of a case, then every file written (the same for both formats).
fn rendered(case: &str) -> String {
    let (human, files) = build(case, "human");
    let (json, json_files) = build(case, "json");
    assert_eq!(
        files, json_files,
        "the format does not change what is written"
    );
    let mut text = format!("{human}\n{json}");
    if files.is_empty() {
        text.push_str("---- nothing written ----\n");
    }
    for (name, bytes) in files {
        write!(text, "---- [OUT]/{name} ----\n{bytes}").expect("writing to a string");
    }
    text
}

/// The files in the output folder, sorted by name (none when it was not created).
fn written(dir: &Path) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, String)> = entries
        .map(|entry| {
            let entry = entry.expect("listable");
            let text = std::fs::read_to_string(entry.path()).expect("readable output");
            (entry.file_name().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn gateway_cases() {
    insta::glob!("gateway/*/case.md", |path| {
        let folder = path.parent().expect("case.md is in a case folder");
        let name = folder
            .file_name()
            .expect("a case folder")
            .to_string_lossy()
            .into_owned();
        let case = format!("tests/gateway/{name}");
        let description = std::fs::read_to_string(path).expect("case.md is readable");
        let snapshot = rendered(&case);
        insta::with_settings!({
            snapshot_path => folder,
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            description => description.trim(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("gateway", snapshot);
        });
    });
}

#[test]
fn bundles_stay_the_default_target() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = switchyard(&[
        "build",
        "tests/gateway/routes",
        "--out",
        &out.path().to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(0));
    let names: Vec<String> = written(out.path())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["shop-prod.json", "shop-staging.json"]);
}

#[test]
fn explain_falls_back_to_the_gateway_rules() {
    for code in ["GW001", "upstream-without-kubernetes-service"] {
        let run = switchyard(&["explain", code]);
        assert_eq!(run.status.code(), Some(0));
        let text = String::from_utf8_lossy(&run.stdout);
        assert!(
            text.starts_with("GW001 upstream-without-kubernetes-service (error)\n\n"),
            "{text}"
        );
        assert!(text.contains("kubernetes = {"), "{text}");
    }
    let unknown = switchyard(&["explain", "GW999"]);
    assert_eq!(unknown.status.code(), Some(2));
}
