//! The shipped Grafana dashboard (`grafana/switchyard.json`) parses, and every PromQL
//! expression and variable query in it names only metrics the proxy exports.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use switchyard_proxy::metrics::{Metrics, VersionKey};

/// Every series name the proxy exports, from the `# TYPE` lines of its exposition once
/// every family has a series (empty families print nothing).
fn exported() -> BTreeSet<String> {
    let metrics = Metrics::new();
    let key = VersionKey {
        environment: "shop-staging",
        service: "products",
        major: 2,
        version: "2.1",
    };
    drop(metrics.version(key, "mall", Some("mall-next")));
    metrics.set_release_weight(key, "task", 10);
    metrics.reject("not_found");
    metrics.upstream_error("mall", "connect");
    metrics.serving("shop-staging", "sha256:one");
    let text = metrics.encode();
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let mut words = line.split(' ').skip(2);
        let (Some(name), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        if !line.starts_with("# TYPE ") {
            continue;
        }
        let suffixes: &[&str] = match kind {
            "counter" => &["_total"],
            "histogram" => &["_bucket", "_sum", "_count"],
            _ => &[""],
        };
        names.extend(suffixes.iter().map(|suffix| format!("{name}{suffix}")));
    }
    names
}

/// The strings under every `expr` and `query` key.
fn queries<'v>(value: &'v Value, found: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("expr" | "query", Value::String(query)) => found.push(query),
                    _ => queries(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| queries(item, found)),
        _ => {}
    }
}

#[test]
fn every_query_names_exported_metrics() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("grafana/switchyard.json");
    let text = std::fs::read_to_string(&path).expect("the dashboard");
    let dashboard: Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let exported = exported();
    assert!(
        exported.contains("switchyard_requests_total"),
        "{exported:?}"
    );
    assert!(exported.contains("switchyard_request_duration_seconds_bucket"));
    let mut found = Vec::new();
    queries(&dashboard, &mut found);
    let mut used = BTreeSet::new();
    for query in found.iter().filter(|query| query.contains('(')) {
        let names: Vec<&str> = query
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| word.starts_with("switchyard_"))
            .collect();
        assert!(!names.is_empty(), "`{query}` names no switchyard metric");
        for name in names {
            assert!(
                exported.contains(name),
                "`{query}` names `{name}`, not exported"
            );
            used.insert(name);
        }
    }
    for wanted in [
        "switchyard_requests_total",
        "switchyard_release_weight",
        "switchyard_request_duration_seconds_bucket",
        "switchyard_bundle_reloads_total",
        "switchyard_upstream_errors_total",
    ] {
        assert!(
            used.contains(wanted),
            "the dashboard does not chart {wanted}"
        );
    }
}
