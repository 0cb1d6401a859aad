//! The `switchyard` binary end to end: exit codes, output formats, and `build` writing
//! every bundle atomically or nothing at all.

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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixture(case: &str) -> String {
    format!("tests/fixtures/{case}")
}

#[test]
fn check_exit_codes() {
    let clean = switchyard(&["check", "../environments"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    assert_eq!(text(&clean.stdout), "checked ../environments: no errors\n");

    let broken = switchyard(&["check", &fixture("upstreams")]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(text(&broken.stdout).contains("error[SY028]"));

    let missing = switchyard(&["check", "tests/fixtures/no-such-case"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("is not a readable folder"));

    let bad_format = switchyard(&["check", "--format", "xml"]);
    assert_eq!(bad_format.status.code(), Some(2));
}

#[test]
fn warnings_do_not_fail_the_run() {
    let run = switchyard(&["check", &fixture("warnings-only"), "--format", "json"]);
    assert_eq!(run.status.code(), Some(0));
    assert!(text(&run.stdout).contains("\"severity\": \"warning\""));
    let out = tempfile::tempdir().expect("temp dir");
    let built = switchyard(&[
        "build",
        &fixture("warnings-only"),
        "--out",
        &out.path().to_string_lossy(),
    ]);
    assert_eq!(built.status.code(), Some(0));
    assert!(text(&built.stdout).contains("warning[SY063]"));
    assert_eq!(listing(out.path()), ["shop-prod.json", "shop-staging.json"]);
    let run = switchyard(&["check", "tests/fixtures/clean", "--format", "json"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(text(&run.stdout), "{\n  \"diagnostics\": []\n}\n");
}

#[test]
fn json_is_one_document_with_paths_from_the_working_directory() {
    let run = switchyard(&["check", &fixture("upstreams"), "--format", "json"]);
    let document: serde_json::Value =
        serde_json::from_slice(&run.stdout).expect("stdout is exactly one JSON document");
    let diagnostics = document["diagnostics"].as_array().expect("a list");
    assert!(!diagnostics.is_empty());
    for diagnostic in diagnostics {
        let file = diagnostic["file"].as_str().expect("file");
        assert!(
            manifest_dir().join(file).is_file(),
            "{file} is reachable from the working directory"
        );
        assert!(diagnostic["line"].as_u64().expect("line") >= 1);
        assert!(diagnostic["column"].as_u64().expect("column") >= 1);
    }
}

#[test]
fn github_and_sarif_formats() {
    let github = switchyard(&["check", &fixture("upstreams"), "--format", "github"]);
    assert_eq!(github.status.code(), Some(1));
    let first = text(&github.stdout);
    let first = first.lines().next().expect("one line per diagnostic");
    assert!(
        first.starts_with("::error file=tests/fixtures/upstreams/shop-prod/environment.toml,line=6,col=32,title=SY030::"),
        "{first}"
    );

    let sarif = switchyard(&["check", &fixture("upstreams"), "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["ruleId"], "SY030");
}

#[test]
fn explain_prints_the_rule_or_fails() {
    let known = switchyard(&["explain", "SY028"]);
    assert_eq!(known.status.code(), Some(0));
    let known = text(&known.stdout);
    assert!(known.starts_with("SY028 unknown-upstream (error)"));
    assert!(
        known.contains("What it checks")
            && known.contains("Why it matters")
            && known.contains("Example")
    );
    let by_name = switchyard(&["explain", "unknown-upstream"]);
    assert_eq!(text(&by_name.stdout), known);
    let unknown = switchyard(&["explain", "SY999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn build_writes_nothing_on_errors() {
    let out = tempfile::tempdir().expect("temp dir");
    let target = out.path().join("bundles");
    let run = switchyard(&[
        "build",
        &fixture("release-tasks"),
        "--out",
        &target.to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!target.exists(), "no output folder on errors");
}

#[test]
fn build_replaces_bundles_atomically_and_prints_a_summary() {
    let out = tempfile::tempdir().expect("temp dir");
    let stale = out.path().join("shop-prod.json");
    std::fs::write(&stale, "old").expect("write stale bundle");
    let run = switchyard(&[
        "build",
        "../environments",
        "--out",
        &out.path().to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        listing(out.path()),
        ["shop-prod.json", "shop-staging.json"],
        "no temporary files left"
    );

    let expected = switchyard_compiler::compile_dir(&manifest_dir().join("../environments"))
        .expect("example loads");
    for bundle in &expected.bundles {
        let written = std::fs::read(out.path().join(format!("{}.json", bundle.environment)))
            .expect("bundle written");
        assert_eq!(written, bundle.to_file_bytes());
    }
    let summary = text(&run.stdout);
    assert!(
        summary.starts_with("built 2 environments into "),
        "{summary}"
    );
    assert!(
        summary.contains("running canary product-new-feature: /v1 10% to mall-next (from mall)")
    );

    let json = switchyard(&[
        "build",
        "../environments",
        "--out",
        &out.path().to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0));
    assert_eq!(
        text(&json.stdout),
        "{\n  \"diagnostics\": []\n}\n",
        "the summary goes to stderr"
    );
    assert!(text(&json.stderr).starts_with("built 2 environments"));
}

#[test]
fn severity_flags_apply_after_the_settings_file() {
    let file_only = switchyard(&["check", &fixture("severity-overrides")]);
    assert_eq!(file_only.status.code(), Some(1));
    assert!(text(&file_only.stdout).contains("error[SY063]"));

    let lowered = switchyard(&["check", &fixture("severity-overrides"), "--warn", "SY063"]);
    assert_eq!(lowered.status.code(), Some(0), "{}", text(&lowered.stdout));
    assert!(text(&lowered.stdout).contains("warning[SY063]"));
    assert!(!text(&lowered.stdout).contains("SY024"));

    let denied = switchyard(&[
        "check",
        &fixture("warnings-only"),
        "--deny",
        "prod-not-staged",
    ]);
    assert_eq!(denied.status.code(), Some(1));
    assert!(text(&denied.stdout).contains("error[SY024]"));
    assert!(text(&denied.stdout).contains("warning[SY063]"));

    let allowed = switchyard(&[
        "check",
        &fixture("warnings-only"),
        "--allow",
        "sy024",
        "--allow",
        "deprecated-without-sunset",
        "--allow",
        "deprecated-without-date",
    ]);
    assert_eq!(allowed.status.code(), Some(0));
    assert_eq!(
        text(&allowed.stdout),
        "checked tests/fixtures/warnings-only: no errors\n"
    );

    let stricter_wins = switchyard(&[
        "check",
        &fixture("warnings-only"),
        "--deny",
        "SY063",
        "--allow",
        "SY063",
    ]);
    assert_eq!(stricter_wins.status.code(), Some(1));

    let out = tempfile::tempdir().expect("temp dir");
    let out_dir = out.path().to_string_lossy();
    let built = switchyard(&[
        "build",
        &fixture("severity-overrides"),
        "--out",
        &out_dir,
        "--warn",
        "deprecated-without-sunset",
    ]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stdout));
    assert_eq!(listing(out.path()), ["shop-prod.json", "shop-staging.json"]);
}

#[test]
fn severity_flags_refuse_unknown_and_locked_rules() {
    let unknown = switchyard(&[
        "check",
        &fixture("clean"),
        "--deny",
        "deprecated-without-sunet",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = text(&unknown.stderr);
    assert!(
        stderr.contains("no rule has the code or name `deprecated-without-sunet`")
            && stderr.contains("did you mean `deprecated-without-sunset`?"),
        "{stderr}"
    );

    let locked = switchyard(&["check", &fixture("toml-syntax"), "--allow", "toml-syntax"]);
    assert_eq!(locked.status.code(), Some(2));
    assert!(text(&locked.stderr).contains("SY001 `toml-syntax` cannot be set to `off`"));

    let raised = switchyard(&["check", &fixture("toml-syntax"), "--deny", "SY001"]);
    assert_eq!(raised.status.code(), Some(1));
}
