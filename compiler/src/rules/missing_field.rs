//! `missing-field` (SY003): a required field is absent.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY003",
    name: "missing-field",
    severity: Severity::Error,
    summary: "a required field is absent",
    explanation: r##"What it checks: the fields Switchyard needs are present: `name` and `domain` in `environment.toml`; `service` in a release manifest; `openapi`, `upstream` and `status` in a version; `task`, `strategy`, `target`, `weight` and `status` in a release task; `header` and `value` in `match`.

Why it matters: without them a version cannot be routed or a task cannot be applied.

Example:
    # wrong
    [versions.v1]
    openapi = "../apis/products/v1.yaml"
    status = "published"
    # right
    [versions.v1]
    openapi = "../apis/products/v1.yaml"
    upstream = "mall"
    status = "published""##,
};
