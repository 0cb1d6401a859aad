//! The example repository `environments/`: it passes `check` without a single
//! diagnostic, its bundles are pinned byte for byte, they are the same wherever the
//! repository lies, and they match the bundle JSON Schema.

use std::path::{Path, PathBuf};

use switchyard_compiler::compile_dir;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../environments")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("list folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

#[test]
fn example_bundles_are_pinned() {
    let compilation = compile_dir(&example()).expect("example loads");
    assert_eq!(compilation.diagnostics, [], "the example is clean");
    let names: Vec<&str> = compilation
        .bundles
        .iter()
        .map(|bundle| bundle.environment.as_str())
        .collect();
    assert_eq!(names, ["shop-prod", "shop-staging"]);
    for bundle in &compilation.bundles {
        let bytes = String::from_utf8(bundle.to_file_bytes()).expect("bundles are UTF-8");
        insta::assert_snapshot!(bundle.environment.clone(), bytes);
    }
}

#[test]
fn bundles_do_not_depend_on_where_the_repository_lies() {
    let here = compile_dir(&example()).expect("example loads");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let copy = elsewhere.path().join("some/other/place");
    copy_tree(&example(), &copy);
    let there = compile_dir(&copy).expect("copy loads");
    let bytes = |bundles: &[switchyard_schemas::bundle::Bundle]| -> Vec<Vec<u8>> {
        bundles
            .iter()
            .map(|bundle| bundle.to_file_bytes())
            .collect()
    };
    assert_eq!(bytes(&here.bundles), bytes(&there.bundles));
}

#[test]
fn bundles_match_the_bundle_schema() {
    let schema = switchyard_schemas::json_schema::bundle_schema();
    let validator = jsonschema::validator_for(schema.schema.as_value()).expect("schema compiles");
    let compilation = compile_dir(&example()).expect("example loads");
    for bundle in &compilation.bundles {
        let value: serde_json::Value =
            serde_json::from_slice(&bundle.to_file_bytes()).expect("bundle is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{}", bundle.environment);
        switchyard_schemas::bundle::Bundle::from_file_bytes(&bundle.to_file_bytes())
            .expect("the content hash verifies");
    }
}
