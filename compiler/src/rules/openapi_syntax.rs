//! `openapi-syntax` (SY009): an OpenAPI file is not valid YAML or JSON.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY009",
    name: "openapi-syntax",
    severity: Severity::Error,
    summary: "an OpenAPI file is not valid YAML or JSON",
    explanation: r##"What it checks: every OpenAPI file parses as YAML or JSON, without duplicate keys, and without aliases that expand beyond the reader's budget.

Why it matters: a document that does not parse defines no operations; duplicate keys silently hide one of two definitions; alias bombs are a denial of service.

Example:
    # wrong
    paths:
      /products:
        get: {}
      /products:
        post: {}
    # right
    paths:
      /products:
        get: {}
        post: {}"##,
};
