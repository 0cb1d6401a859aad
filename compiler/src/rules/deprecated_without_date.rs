//! `deprecated-without-date` (SY068): a deprecated version has no `deprecated` date.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::VersionStatus;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY068",
    name: "deprecated-without-date",
    severity: Severity::Warning,
    summary: "a deprecated version has no `deprecated` date",
    explanation: r##"What it checks: every version with `status = "deprecated"` says since when with `deprecated`.

Why it matters: clients get no date in the `Deprecation` header (RFC 9745): the proxy and the Gateway API routes can only announce the version as deprecated since the epoch (`@0`).

Example:
    status = "deprecated"
    deprecated = 2026-09-01
    sunset = 2027-06-30"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            if version.decl.status.value == VersionStatus::Deprecated
                && version.decl.deprecated.is_none()
            {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.status.span.clone()),
                    format!(
                        "deprecated version {} has no deprecation date: clients get no date in the Deprecation header",
                        version.decl.key.value
                    ),
                )
                .help("say since when, e.g. `deprecated = 2026-09-01`");
            }
        }
    }
}
