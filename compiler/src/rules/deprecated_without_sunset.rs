//! `deprecated-without-sunset` (SY063): a deprecated version has no `sunset` date.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::VersionStatus;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY063",
    name: "deprecated-without-sunset",
    severity: Severity::Warning,
    summary: "a deprecated version has no `sunset` date",
    explanation: r##"What it checks: every version with `status = "deprecated"` announces when it goes away with `sunset`.

Why it matters: clients see the `Sunset` header and can plan their migration; a deprecation without a date is easy to ignore.

Example:
    status = "deprecated"
    sunset = 2027-06-30"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            if version.decl.status.value == VersionStatus::Deprecated
                && version.decl.sunset.is_none()
            {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.status.span.clone()),
                    format!(
                        "deprecated version {} has no sunset date",
                        version.decl.key.value
                    ),
                )
                .help("announce one, e.g. `sunset = 2027-06-30`");
            }
        }
    }
}
