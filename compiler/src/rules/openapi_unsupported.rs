//! `openapi-unsupported` (SY010): an OpenAPI file declares a version Switchyard cannot read.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY010",
    name: "openapi-unsupported",
    severity: Severity::Error,
    summary: "an OpenAPI file declares a version Switchyard cannot read",
    explanation: r##"What it checks: the document declares `swagger: "2.0"` or `openapi: 3.0.x` / `3.1.x` (3.2 is read as 3.1, with a warning).

Why it matters: the reader interprets base paths, operations and schemas according to the declared version; an unknown version cannot be interpreted safely.

Example:
    # wrong
    openapi: 4.0.0
    # right
    openapi: 3.1.0"##,
};
