//! Snapshot tests: the exact YAML and findings of every case in `common`, or an
//! outline of the routes for cases too long to review line by line.

mod common;

use serde_json::Value;
use switchyard_gateway::{Rendering, Subject, render};

/// The findings, one per line, then the YAML (or its outline).
fn report(rendering: &Rendering, full: bool) -> String {
    let mut out = String::new();
    for finding in &rendering.findings {
        let subject = match &finding.subject {
            Subject::Upstream(name) => format!("upstream {name}"),
            Subject::Environment => "environment".to_owned(),
            Subject::Version { service, major } => format!("{service} v{major}"),
        };
        out.push_str(&format!(
            "{} {} {} [{subject} {}]: {}\n",
            finding.severity.as_str(),
            finding.code,
            finding.name,
            finding.key,
            finding.message
        ));
    }
    if full {
        out.push_str(&rendering.yaml);
    } else {
        for route in common::documents(&rendering.yaml) {
            outline(&route, &mut out);
        }
    }
    out
}

/// One line per route and per rule: sizes, first and last match, header, backends.
fn outline(route: &Value, out: &mut String) {
    let rules = route["spec"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total: usize = rules
        .iter()
        .map(|rule| rule["matches"].as_array().map_or(0, Vec::len))
        .sum();
    out.push_str(&format!(
        "route {} ({} rules, {total} matches)\n",
        route["metadata"]["name"].as_str().unwrap_or("?"),
        rules.len()
    ));
    let describe = |matched: &Value| {
        format!(
            "{} {}",
            matched["method"].as_str().unwrap_or("?"),
            matched["path"]["value"].as_str().unwrap_or("?")
        )
    };
    for (index, rule) in rules.iter().enumerate() {
        let matches = rule["matches"].as_array().cloned().unwrap_or_default();
        let header = matches
            .first()
            .and_then(|matched| matched["headers"][0].as_object())
            .map(|header| {
                format!(
                    ", header {}={}",
                    text(&header["name"]),
                    text(&header["value"])
                )
            })
            .unwrap_or_default();
        let backends: Vec<String> = rule["backendRefs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|backend| format!("{} {}", text(&backend["name"]), backend["weight"]))
            .collect();
        out.push_str(&format!(
            "  rule {}: {} matches, {} .. {}{header} -> {}\n",
            index + 1,
            matches.len(),
            matches.first().map(describe).unwrap_or_default(),
            matches.last().map(describe).unwrap_or_default(),
            backends.join(", ")
        ));
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}

#[test]
fn every_case_renders_as_its_snapshot() {
    for case in common::cases() {
        let rendering = render(&case.environment, &case.bundle);
        insta::assert_snapshot!(case.name, report(&rendering, case.full_snapshot));
    }
}

#[test]
fn output_does_not_depend_on_the_order_of_the_bundle() {
    for case in common::cases() {
        let expected = render(&case.environment, &case.bundle);
        let mut shuffled = case.bundle.clone();
        shuffled.apis.reverse();
        for api in &mut shuffled.apis {
            api.operations.reverse();
        }
        assert_eq!(
            render(&case.environment, &shuffled),
            expected,
            "{}",
            case.name
        );
    }
}
