//! `toml-syntax` (SY001): a manifest or environment file is not valid TOML.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY001",
    name: "toml-syntax",
    severity: Severity::Error,
    summary: "a manifest or environment file is not valid TOML",
    explanation: r##"What it checks: every `environment.toml` and release manifest parses as TOML 1.0 (duplicate keys and tables are syntax errors).

Why it matters: a file that does not parse cannot be checked or compiled at all; nothing in it is served.

Example:
    # wrong
    service = products
    # right
    service = "products""##,
};
