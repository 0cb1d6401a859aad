//! `--format json`: exactly one JSON document, `{"diagnostics": [...]}`.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::Output;

#[derive(Serialize)]
struct Document<'a> {
    diagnostics: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// Pretty JSON with a final newline.
pub fn render(diagnostics: &[Diagnostic], output: &Output<'_>) -> String {
    let document = Document {
        diagnostics: diagnostics
            .iter()
            .map(|diagnostic| Entry {
                code: diagnostic.code,
                name: diagnostic.name,
                severity: diagnostic.severity,
                message: &diagnostic.message,
                file: output.path(&diagnostic.file),
                line: diagnostic.line,
                column: diagnostic.column,
                help: diagnostic.help.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
