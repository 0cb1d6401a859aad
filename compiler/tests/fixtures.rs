//! Fixture cases: every folder under `tests/fixtures/` is a small configuration
//! repository with a `case.md` saying what it covers. Its diagnostics, rendered for
//! people (no colour, paths relative to the case) and as JSON, are pinned by the
//! snapshot beside it (`tests/fixtures/<case>/diagnostics.snap`). A new case is a new
//! folder.

use std::path::Path;

use switchyard_compiler::render::{self, Format, Output};
use switchyard_compiler::{compile, load_dir};

/// The human and JSON renderings of a case, one after the other.
fn rendered(case: &Path) -> String {
    let files = load_dir(case).expect("fixture folder is readable");
    let compilation = compile(&files);
    let output = Output {
        files: &files,
        root: "",
        color: false,
    };
    let human = render::render(Format::Human, &compilation.diagnostics, &output);
    let json = render::render(Format::Json, &compilation.diagnostics, &output);
    let bundles: Vec<&str> = compilation
        .bundles
        .iter()
        .map(|bundle| bundle.environment.as_str())
        .collect();
    format!(
        "{human}\n---- json ----\n{json}\n---- bundles ----\n{}\n",
        bundles.join(", ")
    )
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*/case.md", |path| {
        let case = path.parent().expect("case.md is in a case folder");
        let description = std::fs::read_to_string(path).expect("case.md is readable");
        insta::with_settings!({
            snapshot_path => case,
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            description => description.trim(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("diagnostics", rendered(case));
        });
    });
}
