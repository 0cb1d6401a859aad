//! History cases: every folder under `tests/history/` holds the base revision (`base/`)
//! and the change (`head/`) of a small configuration repository, with a `case.md` saying
//! what it covers. The diagnostics of `check --base` (rendered for people and as JSON)
//! and the reviewers' plan are pinned by the snapshot beside it
//! (`tests/history/<case>/history.snap`). A new case is a new folder.

use std::path::Path;

use switchyard_compiler::render::{self, Format, Output};
use switchyard_compiler::{FileSet, compile_with_base, load_dir, plan, read_model};

fn load(case: &Path, side: &str) -> FileSet {
    load_dir(&case.join(side)).expect("the case has a readable side")
}

/// The diagnostics (human, then JSON) and the plan of a case.
fn rendered(case: &Path) -> String {
    let (base, head) = (load(case, "base"), load(case, "head"));
    let compilation = compile_with_base(&head, Some(&base));
    let output = Output {
        files: &head,
        root: "",
        color: false,
    };
    let human = render::render(Format::Human, &compilation.diagnostics, &output);
    let json = render::render(Format::Json, &compilation.diagnostics, &output);
    let plan = plan::plan(&read_model(&base), &read_model(&head));
    format!(
        "{human}\n---- json ----\n{json}\n---- plan ----\n{}",
        plan::human::render(&plan)
    )
}

#[test]
fn history_cases() {
    insta::glob!("history/*/case.md", |path| {
        let case = path.parent().expect("case.md is in a case folder");
        let description = std::fs::read_to_string(path).expect("case.md is readable");
        insta::with_settings!({
            snapshot_path => case,
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            description => description.trim(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("history", rendered(case));
        });
    });
}

/// The plan of the case with a weight step and a breaking change, as a pull-request
/// comment and as JSON.
#[test]
fn plan_formats() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/history/breaking-change");
    let plan = plan::plan(
        &read_model(&load(&case, "base")),
        &read_model(&load(&case, "head")),
    );
    insta::with_settings!({
        snapshot_path => "history/breaking-change",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("plan-markdown", plan::markdown::render(&plan));
        insta::assert_snapshot!("plan-json", plan::json::render(&plan));
    });
}

/// Without a base revision the history rules stay silent, even on a change that breaks.
#[test]
fn no_base_no_history_findings() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/history/breaking-change");
    let compilation = switchyard_compiler::compile(&load(&case, "head"));
    assert!(
        compilation.diagnostics.is_empty(),
        "{:?}",
        compilation.diagnostics
    );
}

/// `compare --format human` and `--format json` on the breaking pair of documents.
#[test]
fn compare_renderings() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/history/breaking-change");
    let read = |side: &str| {
        std::fs::read_to_string(case.join(side).join("apis/products/v1.yaml"))
            .expect("the case's document is readable")
    };
    let comparison =
        switchyard_contract::compare(&read("base"), &read("head")).expect("both documents read");
    let (old, new) = ("base/apis/products/v1.yaml", "head/apis/products/v1.yaml");
    let json = serde_json::to_string_pretty(&comparison.to_json(old, new)).expect("JSON renders");
    insta::with_settings!({
        snapshot_path => "history/breaking-change",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(
            "compare",
            format!("{}\n---- json ----\n{json}\n", plan::comparison::render(&comparison, old, new))
        );
    });
}
