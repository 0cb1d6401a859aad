//! The history commands end to end: `check --base REF` on a throw-away git repository
//! (the work tree is never touched), `--base-dir`, `diff`, `compare` and `explain` of
//! contract change codes, with their exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn switchyard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn case(name: &str) -> PathBuf {
    manifest_dir().join("tests/history").join(name)
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        text(&status.stderr)
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("list folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A repository whose `config/` folder is a case's base, committed, with the case's
/// head copied over it in the work tree.
fn repository(name: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let config = repo.path().join("config");
    copy_tree(&case(name).join("base"), &config);
    std::fs::write(repo.path().join("README.md"), "not configuration\n").expect("write");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);
    std::fs::remove_dir_all(&config).expect("clear config");
    copy_tree(&case(name).join("head"), &config);
    repo
}

#[test]
fn check_with_a_git_base_runs_the_history_rules_and_leaves_the_work_tree() {
    let repo = repository("breaking-change");
    let before = std::fs::read(repo.path().join("config/apis/products/v1.yaml")).expect("read");

    let run = switchyard(repo.path(), &["check", "config", "--base", "HEAD"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(stdout.contains("error[SY100]"), "{stdout}");
    assert!(
        stdout.contains("--> config/apis/products/v1.yaml:4:12"),
        "{stdout}"
    );
    let after = std::fs::read(repo.path().join("config/apis/products/v1.yaml")).expect("read");
    assert_eq!(before, after, "the work tree is untouched");

    let from_inside = switchyard(
        &repo.path().join("config"),
        &["check", ".", "--base", "HEAD"],
    );
    assert_eq!(from_inside.status.code(), Some(1));
    assert!(text(&from_inside.stdout).contains("error[SY100]"));

    let without = switchyard(repo.path(), &["check", "config"]);
    assert_eq!(
        without.status.code(),
        Some(0),
        "no history rules without a base"
    );

    let from_dir = switchyard(
        repo.path(),
        &[
            "check",
            "config",
            "--base-dir",
            &case("breaking-change").join("base").to_string_lossy(),
        ],
    );
    assert_eq!(from_dir.status.code(), Some(1));
    assert_eq!(
        text(&from_dir.stdout),
        stdout,
        "--base-dir reads the same base"
    );
}

#[test]
fn build_with_a_base_writes_nothing_on_history_errors() {
    let repo = repository("running-task-removed");
    let out = repo.path().join("bundles");
    let run = switchyard(
        repo.path(),
        &[
            "build",
            "config",
            "--base",
            "HEAD",
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stdout).contains("error[SY109]"));
    assert!(!out.exists());
}

#[test]
fn unknown_revisions_and_folders_outside_git_cannot_run() {
    let repo = repository("clean");
    let run = switchyard(
        repo.path(),
        &["check", "config", "--base", "no-such-branch"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("the base revision `no-such-branch` does not exist"),
        "{}",
        text(&run.stderr)
    );
    let option = switchyard(repo.path(), &["check", "config", "--base=--output=x"]);
    assert_eq!(option.status.code(), Some(2));
    assert!(
        text(&option.stderr).contains("the base revision `--output=x` does not exist"),
        "a revision is never passed to git as an option: {}",
        text(&option.stderr)
    );

    let plain = tempfile::tempdir().expect("temp dir");
    copy_tree(&case("clean").join("head"), plain.path());
    let outside = switchyard(plain.path(), &["check", ".", "--base", "HEAD"]);
    assert_eq!(outside.status.code(), Some(2));
    assert!(text(&outside.stderr).contains("is not inside a git repository"));

    let both = switchyard(
        repo.path(),
        &["check", "config", "--base", "HEAD", "--base-dir", "x"],
    );
    assert_eq!(
        both.status.code(),
        Some(2),
        "--base and --base-dir exclude each other"
    );
}

#[test]
fn diff_prints_the_plan_in_three_formats() {
    let repo = repository("breaking-change");
    let human = switchyard(repo.path(), &["diff", "config", "--base", "HEAD"]);
    assert_eq!(
        human.status.code(),
        Some(0),
        "diff exits 0 even on breaking changes"
    );
    assert!(
        text(&human.stdout).contains(
            "traffic: mall 90% → 80%, mall-next 10% → 20% (task products-faster, running)"
        )
    );

    let markdown = switchyard(
        repo.path(),
        &["diff", "config", "--base", "HEAD", "--format", "markdown"],
    );
    let expected = std::fs::read_to_string(case("breaking-change").join("plan-markdown.snap"))
        .expect("markdown snapshot");
    let body = expected.splitn(3, "---\n").nth(2).expect("snapshot body");
    assert_eq!(text(&markdown.stdout).trim_end(), body.trim_end());

    let json = switchyard(
        repo.path(),
        &["diff", "config", "--base", "HEAD", "--format", "json"],
    );
    let plan: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    assert_eq!(
        plan["environments"][0]["versions"][0]["contract"]["class"],
        "breaking"
    );

    let missing = switchyard(repo.path(), &["diff", "config"]);
    assert_eq!(missing.status.code(), Some(2), "diff needs a base");
}

#[test]
fn the_example_checks_clean_against_its_own_head() {
    let inside_git = Command::new("git")
        .args(["rev-parse", "--verify", "HEAD"])
        .current_dir(manifest_dir())
        .output()
        .is_ok_and(|output| output.status.success());
    if !inside_git {
        eprintln!("skipped: the checkout is not a git repository with a HEAD commit");
        return;
    }
    let run = switchyard(
        &manifest_dir(),
        &["check", "../environments", "--base", "HEAD"],
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}{}",
        text(&run.stdout),
        text(&run.stderr)
    );
}

#[test]
fn compare_reports_breaking_changes_as_json_and_by_exit_code() {
    let dir = case("breaking-change");
    let (old, new) = (
        dir.join("base/apis/products/v1.yaml"),
        dir.join("head/apis/products/v1.yaml"),
    );
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let run = switchyard(
        &manifest_dir(),
        &["compare", &old, &new, "--format", "json"],
    );
    assert_eq!(run.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("one JSON document");
    assert_eq!(report["breaking"], true);
    let changes = report["changes"].as_array().expect("a list");
    assert_eq!(changes.len(), 2);
    for change in changes {
        for field in ["code", "name", "class", "message", "file", "line"] {
            assert!(change.get(field).is_some(), "{field} in {change}");
        }
    }
    assert_eq!(changes[0]["code"], "C001");
    assert_eq!(
        changes[0]["file"].as_str(),
        Some(old.as_ref()),
        "removals point into the old file"
    );
    assert_eq!(changes[1]["operation"], "GET /products/{itemId}");

    let human = switchyard(&manifest_dir(), &["compare", &old, &new]);
    assert_eq!(human.status.code(), Some(1));
    assert!(text(&human.stdout).contains("2 breaking, 0 warning, 0 compatible"));

    let clean = case("clean");
    let compatible = switchyard(
        &clean,
        &[
            "compare",
            "base/apis/products/v1.yaml",
            "head/apis/products/v1.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(compatible.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&compatible.stdout).expect("JSON");
    assert_eq!(report["breaking"], false);

    let missing = switchyard(
        &clean,
        &["compare", "base/nothing.yaml", "head/apis/products/v1.yaml"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read `base/nothing.yaml`"));
    let not_openapi = switchyard(
        &clean,
        &[
            "compare",
            "base/shop-staging/products.toml",
            "head/apis/products/v1.yaml",
        ],
    );
    assert_eq!(not_openapi.status.code(), Some(2));
}

#[test]
fn explain_knows_history_rules_and_contract_changes() {
    let rule = switchyard(&manifest_dir(), &["explain", "breaking-change-in-major"]);
    assert_eq!(rule.status.code(), Some(0));
    assert!(text(&rule.stdout).starts_with("SY100 breaking-change-in-major (error)"));
    let change = switchyard(&manifest_dir(), &["explain", "C001"]);
    assert_eq!(change.status.code(), Some(0));
    assert!(text(&change.stdout).starts_with("C001 operation-removed (breaking contract change)"));
    let by_name = switchyard(&manifest_dir(), &["explain", "operation-removed"]);
    assert_eq!(by_name.stdout, change.stdout);
}

/// Every file as `(path, debug rendering of its entry)`, for comparing file sets.
fn entries(files: &switchyard_compiler::FileSet) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, entry)| (path.to_owned(), format!("{entry:?}")))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_revision_reads_the_same_files_as_the_disk_loader() {
    use std::os::unix::fs::symlink;

    let repo = tempfile::tempdir().expect("temp dir");
    let root = repo.path().join("config");
    copy_tree(&case("clean").join("head"), &root);
    std::fs::create_dir_all(root.join(".hidden")).expect("mkdir");
    std::fs::write(root.join(".hidden/x.toml"), "skipped = true\n").expect("write");
    std::fs::write(root.join("notes.md"), "skipped\n").expect("write");
    std::fs::write(root.join("apis/latin1.yaml"), b"caf\xe9\n").expect("write");
    std::fs::write(repo.path().join("outside.yaml"), "outside: true\n").expect("write");
    symlink("products/v1.yaml", root.join("apis/alias.yaml")).expect("symlink in");
    symlink("../../outside.yaml", root.join("apis/out.yaml")).expect("symlink out");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);

    let from_git =
        switchyard_compiler::history::git::load_revision(&root, "HEAD").expect("revision reads");
    let from_disk = switchyard_compiler::load_dir(&root).expect("folder reads");
    assert_eq!(entries(&from_git), entries(&from_disk));
    let paths: Vec<String> = entries(&from_git)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    assert!(paths.contains(&"apis/alias.yaml".to_owned()));
    assert!(paths.contains(&"apis/out.yaml".to_owned()));
    assert!(
        !paths
            .iter()
            .any(|path| path.contains(".hidden") || path.ends_with(".md"))
    );
}

#[test]
fn the_root_may_be_the_top_of_the_repository() {
    let repo = tempfile::tempdir().expect("temp dir");
    copy_tree(&case("missing-minor-bump").join("base"), repo.path());
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);
    copy_tree(&case("missing-minor-bump").join("head"), repo.path());
    let run = switchyard(
        repo.path(),
        &["check", ".", "--base", "HEAD", "--format", "json"],
    );
    assert_eq!(run.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect();
    assert_eq!(codes, ["SY102", "SY102"]);
}
