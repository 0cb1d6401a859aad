//! `examples/ci/switchyard-check.sh` against a stand-in `switchyard` that records its
//! arguments and exits with a chosen code: the script passes check's exit code
//! through, writes its reports, and stops early when it cannot run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ci/switchyard-check.sh")
}

const STUB: &str = r#"#!/bin/sh
echo "$*" >> "$STUB_LOG"
case "$*" in
  *"--format sarif"*) echo '{"version":"2.1.0","runs":[]}' ;;
  *"--format json"*) echo '{"diagnostics":[]}' ;;
  *"--format markdown"*) echo '## shop-prod: products v2 mall 90% -> 80%' ;;
  *) echo "error[SY001]: a finding" ;;
esac
case "$1" in
  check) exit "$STUB_CHECK_STATUS" ;;
  diff) exit "$STUB_DIFF_STATUS" ;;
esac
exit 2
"#;

/// A git repository with one commit and the stand-in binary.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temporary directory");
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .args(["-c", "user.name=ci", "-c", "user.email=ci@example.com"])
                .args(args)
                .current_dir(dir.path())
                .status()
                .expect("git runs");
            assert!(status.success(), "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["commit", "-q", "--allow-empty", "-m", "base"]);
        let stub = dir.path().join("switchyard-stub");
        std::fs::write(&stub, STUB).expect("stub written");
        let chmod = Command::new("chmod")
            .arg("+x")
            .arg(&stub)
            .status()
            .expect("chmod runs");
        assert!(chmod.success());
        World { dir }
    }

    /// Runs the script; returns its exit code and the stand-in's invocations.
    fn run(&self, base: &str, check: i32, diff: i32) -> (Option<i32>, Vec<String>) {
        let log = self.dir.path().join("calls.log");
        let output = Command::new("bash")
            .arg(script())
            .arg("environments")
            .current_dir(self.dir.path())
            .env("SWITCHYARD", self.dir.path().join("switchyard-stub"))
            .env("SWITCHYARD_BASE", base)
            .env("SWITCHYARD_OUT", self.dir.path().join("out"))
            .env("STUB_LOG", &log)
            .env("STUB_CHECK_STATUS", check.to_string())
            .env("STUB_DIFF_STATUS", diff.to_string())
            .output()
            .expect("the script runs");
        let calls = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect();
        (output.status.code(), calls)
    }

    fn report(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("out").join(name)).unwrap_or_default()
    }
}

#[test]
fn a_clean_check_writes_every_report_and_exits_zero() {
    let world = World::new();
    let (code, calls) = world.run("HEAD", 0, 0);
    assert_eq!(code, Some(0));
    assert_eq!(
        calls,
        [
            "check environments --base HEAD",
            "check environments --base HEAD --format sarif",
            "check environments --base HEAD --format json",
            "diff environments --base HEAD --format markdown",
        ]
    );
    assert!(world.report("switchyard.sarif").contains("2.1.0"));
    assert!(world.report("diagnostics.json").contains("diagnostics"));
    assert!(world.report("plan.md").contains("mall 90% -> 80%"));
}

#[test]
fn errors_still_write_the_reports_and_exit_one() {
    let world = World::new();
    let (code, calls) = world.run("HEAD", 1, 0);
    assert_eq!(code, Some(1));
    assert_eq!(calls.len(), 4);
    assert!(world.report("plan.md").contains("mall"));
}

#[test]
fn a_check_that_cannot_run_stops_the_script_with_its_code() {
    let world = World::new();
    let (code, calls) = world.run("HEAD", 2, 0);
    assert_eq!(code, Some(2));
    assert_eq!(calls, ["check environments --base HEAD"]);
}

#[test]
fn a_failing_diff_fails_the_script() {
    let world = World::new();
    let (code, _) = world.run("HEAD", 0, 2);
    assert_eq!(code, Some(2));
}

#[test]
fn a_missing_base_revision_is_exit_two_before_any_check() {
    let world = World::new();
    let (code, calls) = world.run("origin/no-such-branch", 0, 0);
    assert_eq!(code, Some(2));
    assert!(calls.is_empty());
}
