//! `bad-version-key` (SY040): a version key is not `v<MAJOR>`.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY040",
    name: "bad-version-key",
    severity: Severity::Error,
    summary: "a version key is not `v<MAJOR>`",
    explanation: r##"What it checks: every key under `[versions]` is `v` followed by a major version number without leading zeros: `v1`, `v2`, `v10`.

Why it matters: the key is the major version that clients see in the base path `/v<MAJOR>`; versions like `v1.2` or `latest` cannot be matched to a base path.

Example:
    # wrong
    [versions.v1_2]
    # right
    [versions.v1]"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let key = &version.decl.key;
            if version.decl.key_major().is_none() {
                out.report(
                    &RULE,
                    At::span(&service.file, key.span.clone()),
                    format!("version key `{}` is not `v<MAJOR>`", key.value),
                )
                .help("name the version after its major, e.g. `[versions.v1]`");
            }
        }
    }
}
