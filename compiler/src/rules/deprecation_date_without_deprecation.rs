//! `deprecation-date-without-deprecation` (SY066): a version that is not deprecated has a
//! `deprecated` date.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::VersionStatus;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY066",
    name: "deprecation-date-without-deprecation",
    severity: Severity::Error,
    summary: "a version that is not deprecated has a `deprecated` date",
    explanation: r##"What it checks: `deprecated` is set only on versions with `status = "deprecated"`.

Why it matters: the proxy announces the deprecation date with the `Deprecation` header, which only deprecated versions send; a date elsewhere would never reach clients.

Example:
    # wrong
    status = "published"
    deprecated = 2026-09-01
    # right
    status = "deprecated"
    deprecated = 2026-09-01"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(deprecated) = &version.decl.deprecated else {
                continue;
            };
            let status = version.decl.status.value;
            if status != VersionStatus::Deprecated {
                out.report(
                    &RULE,
                    At::span(&service.file, deprecated.span.clone()),
                    format!(
                        "version {} is {} but has a deprecation date",
                        version.decl.key.value,
                        status.as_str()
                    ),
                )
                .help("set `status = \"deprecated\"`, or remove `deprecated`");
            }
        }
    }
}
