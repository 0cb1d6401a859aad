//! Every generated HTTPRoute against the official Gateway API v1 schema
//! (`../shared/corpus/gateway-api/httproute-v1.schema.json`), plus the CEL rules of the
//! CRD that a JSON Schema validator cannot check and that our output could break.

mod common;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use switchyard_gateway::render;

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/gateway-api/httproute-v1.schema.json")
}

/// The validator, or `None` (with the reason printed) when `../shared` is absent.
fn validator() -> Option<jsonschema::Validator> {
    let path = schema_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "skipped: {} is absent (../shared is not beside the checkout)",
            path.display()
        );
        return None;
    };
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    Some(jsonschema::validator_for(&schema).expect("the schema compiles"))
}

fn schema_errors(validator: &jsonschema::Validator, route: &Value) -> Vec<String> {
    validator
        .iter_errors(route)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// The CRD's CEL rules that concern what we generate.
fn cel_errors(route: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let rules = route["spec"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total: usize = rules
        .iter()
        .map(|rule| rule["matches"].as_array().map_or(0, Vec::len))
        .sum();
    if total >= 128 {
        errors.push(format!(
            "{total} matches in one route (must be fewer than 128)"
        ));
    }
    for rule in &rules {
        for matched in rule["matches"].as_array().into_iter().flatten() {
            let path = &matched["path"];
            let value = path["value"].as_str().unwrap_or_default();
            if path["type"] == "Exact" {
                let allowed =
                    |b: u8| b.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&b);
                if !value.starts_with('/') || value.contains("//") || !value.bytes().all(allowed) {
                    errors.push(format!("Exact path `{value}` breaks the CRD's path rules"));
                }
            }
        }
        let filter_lists = std::iter::once(&rule["filters"]).chain(
            rule["backendRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|backend| &backend["filters"]),
        );
        for filters in filter_lists {
            let types: Vec<&str> = filters
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|filter| filter["type"].as_str())
                .collect();
            for (index, kind) in types.iter().enumerate() {
                if types[..index].contains(kind) {
                    errors.push(format!("filter {kind} repeated"));
                }
            }
        }
        for backend in rule["backendRefs"].as_array().into_iter().flatten() {
            if backend.get("port").is_none() {
                errors.push(format!("Service backend {} has no port", backend["name"]));
            }
        }
    }
    errors
}

#[test]
fn every_generated_route_is_valid() {
    let Some(validator) = validator() else { return };
    let cases = common::cases();
    let mut checked = 0;
    for case in &cases {
        let rendering = render(&case.environment, &case.bundle);
        for route in common::documents(&rendering.yaml) {
            let mut errors = schema_errors(&validator, &route);
            errors.extend(cel_errors(&route));
            assert!(
                errors.is_empty(),
                "case {}, route {}:\n{}",
                case.name,
                route["metadata"]["name"],
                errors.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked > cases.len(), "only {checked} routes were checked");
}

#[test]
fn the_checks_reject_broken_routes() {
    let Some(validator) = validator() else { return };
    let case = common::cases().into_iter().next().expect("a case");
    let route = common::documents(&render(&case.environment, &case.bundle).yaml)
        .pop()
        .expect("a route");

    let mut prefix = route.clone();
    prefix["spec"]["rules"][0]["matches"][0]["path"]["type"] = json!("Prefix");
    assert!(!schema_errors(&validator, &prefix).is_empty());

    let mut port = route.clone();
    port["spec"]["rules"][0]["backendRefs"][0]["port"] = json!(70000);
    assert!(!schema_errors(&validator, &port).is_empty());

    let mut crowded = route.clone();
    let rule = crowded["spec"]["rules"][0].clone();
    let matches: Vec<Value> = (0..64).map(|_| rule["matches"][0].clone()).collect();
    let full_rule = json!({ "matches": matches, "backendRefs": rule["backendRefs"] });
    crowded["spec"]["rules"] = json!([full_rule, full_rule]);
    assert!(schema_errors(&validator, &crowded).is_empty());
    assert!(!cel_errors(&crowded).is_empty());
}
