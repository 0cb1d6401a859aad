//! `ahead-of-staging` (SY051): a prod environment serves a newer version than its staging environment has.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY051",
    name: "ahead-of-staging",
    severity: Severity::Error,
    summary: "a prod environment serves a newer version than its staging environment has",
    explanation: r##"What it checks: for every major version a prod environment serves, the `info.version` of its document is not newer than the one the staging environment (its `staged_in`) has for the same service and key.

Why it matters: prod serves only versions that were staged first, or older ones still being rolled through staging.

Example:
    # wrong: shop-prod products v1 names a document with version 1.3, shop-staging's has 1.2
    # right: stage 1.3 first (point shop-staging at the 1.3 document), then prod"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (prod, staging) in cx.model.staged_pairs() {
        for (service, version) in prod.versions() {
            if !version.decl.is_served() {
                continue;
            }
            let Some((_, staged)) = staging.version(&service.name.value, &version.decl.key.value)
            else {
                continue;
            };
            let (Some(ours), Some(theirs)) = (
                cx.model.info_version(version),
                cx.model.info_version(staged),
            ) else {
                continue;
            };
            if ours > theirs {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.openapi.span.clone()),
                    format!(
                        "`{}` {} is {ours} in `{}` but only {theirs} in `{}`",
                        service.name.value,
                        version.decl.key.value,
                        prod.decl.name.value,
                        staging.decl.name.value
                    ),
                )
                .help(format!(
                    "stage {ours} in `{}` first",
                    staging.decl.name.value
                ));
            }
        }
    }
}
