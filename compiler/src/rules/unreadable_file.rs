//! `unreadable-file` (SY008): a file cannot be read as UTF-8 text.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY008",
    name: "unreadable-file",
    severity: Severity::Error,
    summary: "a file cannot be read as UTF-8 text",
    explanation: r##"What it checks: every manifest and OpenAPI file the compiler needs can be read and is UTF-8 text.

Why it matters: an unreadable file cannot be validated, so nothing it declares can be served.

Example: re-save the file as UTF-8 and check its permissions."##,
};
