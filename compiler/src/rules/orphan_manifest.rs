//! `orphan-manifest` (SY013): a TOML file lies in a folder without `environment.toml`.
//!
//! Reported while discovering environments; see `pipeline`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY013",
    name: "orphan-manifest",
    severity: Severity::Warning,
    summary: "a TOML file lies in a folder without `environment.toml`, so it is neither checked nor built",
    explanation: r##"What it checks: every `.toml` file in a folder below the configuration root belongs to an environment, i.e. its folder holds an `environment.toml`. Files directly in the root (tool settings) are not concerned.

Why it matters: a folder is an environment only through its `environment.toml`; with that file missing or misspelt, the folder's release manifests are silently ignored and no bundle is built for it.

Example:
    # wrong
    shop-prod/enviroment.toml
    shop-prod/products.toml
    # right
    shop-prod/environment.toml
    shop-prod/products.toml"##,
};
