//! `--format sarif`: a SARIF 2.1.0 log with every rule and every finding.

use serde_json::{Value, json};

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::Output;
use crate::rules::RULES;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Pretty JSON with a final newline.
pub fn render(diagnostics: &[Diagnostic], output: &Output<'_>) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.explanation },
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": diagnostic.code,
                "level": level(diagnostic.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": output.path(&diagnostic.file) },
                        "region": {
                            "startLine": diagnostic.line,
                            "startColumn": diagnostic.column,
                        }
                    }
                }]
            });
            if let Some(index) = RULES.iter().position(|rule| rule.code == diagnostic.code) {
                result["ruleIndex"] = json!(index);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "switchyard",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
