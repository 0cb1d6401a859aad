//! `openapi-structure` (SY011): an OpenAPI file has a field of the wrong shape or lacks a required one.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY011",
    name: "openapi-structure",
    severity: Severity::Error,
    summary: "an OpenAPI file has a field of the wrong shape or lacks a required one",
    explanation: r##"What it checks: the parts of the document Switchyard reads (`info`, `servers` or `basePath`, `paths`, operations, parameters, schemas) have the shape the OpenAPI specification requires.

Why it matters: a malformed document cannot be turned into routes or into a contract that can be compared between versions.

Example:
    # wrong
    paths:
      /products: [get]
    # right
    paths:
      /products:
        get:
          responses:
            "200": {description: ok}"##,
};
