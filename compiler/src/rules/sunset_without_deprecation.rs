//! `sunset-without-deprecation` (SY062): a version that is not deprecated has a `sunset` date.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::VersionStatus;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY062",
    name: "sunset-without-deprecation",
    severity: Severity::Error,
    summary: "a version that is not deprecated has a `sunset` date",
    explanation: r##"What it checks: `sunset` is set only on versions with `status = "deprecated"`.

Why it matters: the proxy announces the sunset date with the `Deprecation` and `Sunset` headers, which only deprecated versions send; a sunset elsewhere would never reach clients.

Example:
    # wrong
    status = "published"
    sunset = 2027-06-30
    # right
    status = "deprecated"
    sunset = 2027-06-30"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(sunset) = &version.decl.sunset else {
                continue;
            };
            let status = version.decl.status.value;
            if status != VersionStatus::Deprecated {
                out.report(
                    &RULE,
                    At::span(&service.file, sunset.span.clone()),
                    format!(
                        "version {} is {} but has a sunset date",
                        version.decl.key.value,
                        status.as_str()
                    ),
                )
                .help("set `status = \"deprecated\"`, or remove `sunset`");
            }
        }
    }
}
