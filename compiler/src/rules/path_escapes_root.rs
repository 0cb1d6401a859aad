//! `path-escapes-root` (SY006): a path leads outside the configuration root.
//!
//! Reported while reading files; see `manifest`, `openapi` and `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY006",
    name: "path-escapes-root",
    severity: Severity::Error,
    summary: "a path leads outside the configuration root",
    explanation: r##"What it checks: `openapi` paths stay inside the configuration root after resolving `..`, are not absolute, and no file under the root is a symbolic link to a place outside it.

Why it matters: the compiled bundle must be a function of the reviewed repository only; a path outside it would make the result depend on whatever the machine running the compiler holds, and could read files that were never reviewed.

Example:
    # wrong
    openapi = "../../../etc/api.yaml"
    # right: copy the document into the repository
    openapi = "../apis/products/v1.yaml""##,
};
