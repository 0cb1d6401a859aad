//! Smoke tests on large real revision pairs (`../shared/corpus/large/`): Stripe 3.0 YAML,
//! Kubernetes 2.0 JSON and Discord 3.1 JSON must parse and diff without error.

use std::path::Path;

fn pair(old: &str, new: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/large");
    let (Ok(old_text), Ok(new_text)) = (
        std::fs::read_to_string(dir.join(old)),
        std::fs::read_to_string(dir.join(new)),
    ) else {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    };
    let read = |name: &str, text: &str| {
        let reading = switchyard_contract::read_document(text);
        let errors: Vec<_> = reading
            .problems
            .iter()
            .filter(|p| p.severity == switchyard_contract::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "problems reading {name}: {errors:?}");
        reading.document.expect("a document").contract
    };
    let (old_contract, new_contract) = (read(old, &old_text), read(new, &new_text));
    let changes = switchyard_contract::diff(&old_contract, &new_contract);
    let same = switchyard_contract::diff(&old_contract, &old_contract);
    assert!(
        same.is_empty(),
        "{old} differs from itself: {:?}",
        same.first()
    );
    let breaking = changes
        .iter()
        .filter(|c| c.class == switchyard_contract::ChangeClass::Breaking)
        .count();
    eprintln!(
        "{old} -> {new}: {} changes, {breaking} breaking",
        changes.len()
    );
}

#[test]
fn stripe() {
    pair(
        "stripe-spec3-2023-08-11.yaml",
        "stripe-spec3-2023-09-12.yaml",
    );
}

#[test]
fn kubernetes() {
    pair(
        "kubernetes-swagger-release-1.35.json",
        "kubernetes-swagger-release-1.36.json",
    );
}

#[test]
fn discord() {
    pair(
        "discord-openapi-3.1-2026-06-15.json",
        "discord-openapi-3.1-2026-07-18.json",
    );
}
