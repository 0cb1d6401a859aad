//! `contract-differs-from-staging` (SY052): prod and staging serve the same version number with different contracts.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY052",
    name: "contract-differs-from-staging",
    severity: Severity::Error,
    summary: "prod and staging serve the same version number with different contracts",
    explanation: r##"What it checks: when a prod environment and its staging environment serve the same `info.version` of a service's major, the two documents describe the same contract (operations, parameters, bodies, responses and schemas; descriptions and parameter names do not count).

Why it matters: a version number must name one contract; otherwise what was tested in staging is not what prod serves.

Example:
    # wrong: both documents say version 1.2, but prod's adds an operation
    # right: raise the minor version of the changed document (1.3) and stage it first"##,
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
            if version.document == staged.document {
                continue;
            }
            let (Some(ours), Some(theirs)) =
                (cx.model.document(version), cx.model.document(staged))
            else {
                continue;
            };
            let same_number = matches!(
                (cx.model.info_version(version), cx.model.info_version(staged)),
                (Some(a), Some(b)) if a == b
            );
            if same_number && ours.contract != theirs.contract {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.openapi.span.clone()),
                    format!(
                        "`{}` {} has the same version {} in `{}` and `{}` but a different contract",
                        service.name.value,
                        version.decl.key.value,
                        ours.info_version.value,
                        prod.decl.name.value,
                        staging.decl.name.value
                    ),
                )
                .note(format!(
                    "staging's document is `{}`",
                    staged.document.as_deref().unwrap_or_default()
                ))
                .help("give the changed contract a new version number and stage it first");
            }
        }
    }
}
