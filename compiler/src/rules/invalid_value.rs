//! `invalid-value` (SY004): a field has the wrong type or a value it cannot take.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY004",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a field has the wrong type or a value it cannot take",
    explanation: r##"What it checks: each field has the type and form of the manifest schema (`schemas/json/*.schema.json`): strings, integers, one of the listed statuses and strategies, dates as YYYY-MM-DD.

Why it matters: a value of the wrong kind cannot mean what the author intended; guessing would route traffic wrongly.

Example:
    # wrong
    status = "live"
    weight = "10"
    # right
    status = "published"
    weight = 10"##,
};
