//! `unknown-field` (SY002): a table has a field that Switchyard does not know.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY002",
    name: "unknown-field",
    severity: Severity::Error,
    summary: "a table has a field that Switchyard does not know",
    explanation: r##"What it checks: every key of `environment.toml` and of release manifests is a field Switchyard defines.

Why it matters: a misspelt field would otherwise do nothing silently, e.g. a `wieght` that leaves a canary at its old weight.

Example:
    # wrong
    [versions.v1.release]
    wieght = 20
    # right
    [versions.v1.release]
    weight = 20"##,
};
