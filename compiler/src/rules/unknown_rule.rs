//! `unknown-rule` (SY014): the settings file names a rule that does not exist.
//!
//! Reported while reading `switchyard.toml`; see `settings`.

use crate::diagnostic::Severity;
use crate::rules::Rule;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY014",
    name: "unknown-rule",
    severity: Severity::Error,
    summary: "the settings file `switchyard.toml` names a rule that does not exist",
    explanation: r##"What it checks: every key of `[rules]` in `switchyard.toml` (at the configuration root) is a rule's code (`SY063`) or kebab-case name (`deprecated-without-sunset`).

Why it matters: a misspelt rule is silently not configured: the check you meant to silence keeps failing, or the one you meant to make fatal stays a warning.

Example:
    # wrong
    [rules]
    deprecated-without-sunet = "error"
    # right
    [rules]
    deprecated-without-sunset = "error""##,
};
