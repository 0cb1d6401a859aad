//! `openapi-bad-ref` (SY012): a `$ref` points at nothing, outside the document, or at itself.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY012",
    name: "openapi-bad-ref",
    severity: Severity::Error,
    summary: "a `$ref` points at nothing, outside the document, or at itself",
    explanation: r##"What it checks: every `$ref` is a local reference (`#/...`) to a part of the same document, and no chain of references loops without a schema in between.

Why it matters: unresolved references hide part of the contract, so breaking changes in it could go unnoticed.

Example:
    # wrong
    $ref: "#/components/schemas/Prodcut"
    # right
    $ref: "#/components/schemas/Product""##,
};
