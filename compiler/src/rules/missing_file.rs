//! `missing-file` (SY005): a manifest names an OpenAPI file that does not exist.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY005",
    name: "missing-file",
    severity: Severity::Error,
    summary: "a manifest names an OpenAPI file that does not exist",
    explanation: r##"What it checks: the `openapi` path of every version, resolved relative to its manifest, names a file under the configuration root (`.yaml`, `.yml` or `.json`).

Why it matters: the OpenAPI document is what defines the operations that get routed; without it the version cannot be served.

Example:
    # wrong (the file is apis/products/v1.yaml, the manifest is in shop-prod/)
    openapi = "apis/products/v1.yaml"
    # right
    openapi = "../apis/products/v1.yaml""##,
};
