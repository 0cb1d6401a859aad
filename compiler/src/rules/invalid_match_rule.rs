//! `invalid-match-rule` (SY065): a release task's `match` has an invalid header name or an empty value.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY065",
    name: "invalid-match-rule",
    severity: Severity::Error,
    summary: "a release task's `match` has an invalid header name or an empty value",
    explanation: r##"What it checks: `match = { header = "...", value = "..." }` names a valid HTTP header (letters, digits and `!#$%&'*+-.^_`|~`) and a non-empty value.

Why it matters: requests that match are sent to the target whatever the weight; a rule no request can match would silently do nothing, so testers would not reach the new upstream.

Example:
    # wrong
    match = { header = "x canary", value = "" }
    # right
    match = { header = "x-canary", value = "always" }"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(rule) = version
                .decl
                .release
                .as_ref()
                .and_then(|release| release.match_rule.as_ref())
            else {
                continue;
            };
            let header = &rule.header.value;
            let is_token = !header.is_empty()
                && header
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !is_token {
                out.report(
                    &RULE,
                    At::span(&service.file, rule.header.span.clone()),
                    format!("`{header}` is not a valid header name"),
                );
            }
            if rule.value.value.is_empty() {
                out.report(
                    &RULE,
                    At::span(&service.file, rule.value.span.clone()),
                    "the match value is empty, so no request can match",
                );
            }
        }
    }
}
