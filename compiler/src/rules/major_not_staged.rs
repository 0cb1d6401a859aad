//! `major-not-staged` (SY050): a prod environment serves a major version its staging environment does not have.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY050",
    name: "major-not-staged",
    severity: Severity::Error,
    summary: "a prod environment serves a major version its staging environment does not have",
    explanation: r##"What it checks: every version a prod environment serves (published, deprecated or retired) exists, with the same service and key, in the environment named by its `staged_in` (in any status, draft included).

Why it matters: prod serves only what was staged first; a major that never went through staging has never been tested there.

Example:
    # shop-prod/products.toml has [versions.v2] but shop-staging/products.toml has only v1
    # right: add [versions.v2] to shop-staging/products.toml first"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (prod, staging) in cx.model.staged_pairs() {
        for (service, version) in prod.versions() {
            if !version.decl.is_served() {
                continue;
            }
            if staging
                .version(&service.name.value, &version.decl.key.value)
                .is_none()
            {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.key.span.clone()),
                    format!(
                        "`{}` {} is served in `{}` but does not exist in `{}`",
                        service.name.value,
                        version.decl.key.value,
                        prod.decl.name.value,
                        staging.decl.name.value
                    ),
                )
                .help(format!("add it to `{}` first", staging.decl.name.value));
            }
        }
    }
}
