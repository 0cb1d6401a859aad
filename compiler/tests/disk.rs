//! Reading a repository from disk: files that must not be read are reported, never
//! followed, and never crash the run.

use std::path::Path;

use switchyard_compiler::{Diagnostic, compile_dir};

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create folder");
    std::fs::write(path, text).expect("write file");
}

/// A one-environment repository whose products manifest names `openapi`.
fn repository(root: &Path, openapi: &str) {
    write(
        root,
        "shop-staging/environment.toml",
        "name = \"shop-staging\"\ndomain = \"shop.test\"\n[upstreams.mall]\nendpoints = [\"127.0.0.1:9101\"]\n",
    );
    write(
        root,
        "shop-staging/products.toml",
        &format!(
            "service = \"products\"\n[versions.v1]\nopenapi = \"{openapi}\"\nupstream = \"mall\"\nstatus = \"published\"\n"
        ),
    );
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(&str, &str, usize)> {
    diagnostics
        .iter()
        .map(|d| (d.code, d.file.as_str(), d.line))
        .collect()
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_root_are_reported_not_followed() {
    let outside = tempfile::tempdir().expect("temp dir");
    write(outside.path(), "api.yaml", "openapi: 3.0.3\n");
    let root = tempfile::tempdir().expect("temp dir");
    repository(root.path(), "../apis/v1.yaml");
    std::fs::create_dir_all(root.path().join("apis")).expect("apis folder");
    std::os::unix::fs::symlink(
        outside.path().join("api.yaml"),
        root.path().join("apis/v1.yaml"),
    )
    .expect("symlink");
    let compilation = compile_dir(root.path()).expect("root loads");
    assert_eq!(
        codes(&compilation.diagnostics),
        [("SY006", "shop-staging/products.toml", 3)]
    );
    assert!(compilation.bundles.is_empty());
}

#[cfg(unix)]
#[test]
fn folders_linked_out_of_the_root_are_reported_not_followed() {
    let outside = tempfile::tempdir().expect("temp dir");
    write(outside.path(), "v1.yaml", "openapi: 3.0.3\n");
    let root = tempfile::tempdir().expect("temp dir");
    repository(root.path(), "../apis/v1.yaml");
    std::os::unix::fs::symlink(outside.path(), root.path().join("apis")).expect("symlink");
    let compilation = compile_dir(root.path()).expect("root loads");
    assert_eq!(
        codes(&compilation.diagnostics),
        [("SY006", "shop-staging/products.toml", 3)]
    );
}

#[test]
fn files_over_the_limit_are_not_read() {
    let root = tempfile::tempdir().expect("temp dir");
    repository(root.path(), "../apis/v1.yaml");
    std::fs::create_dir_all(root.path().join("apis")).expect("apis folder");
    let file = std::fs::File::create(root.path().join("apis/v1.yaml")).expect("create file");
    file.set_len(16 * 1024 * 1024 + 1).expect("sparse file");
    let compilation = compile_dir(root.path()).expect("root loads");
    assert_eq!(
        codes(&compilation.diagnostics),
        [("SY007", "shop-staging/products.toml", 3)]
    );
}

#[test]
fn a_missing_root_is_a_load_error() {
    let root = tempfile::tempdir().expect("temp dir");
    assert!(compile_dir(&root.path().join("absent")).is_err());
}
