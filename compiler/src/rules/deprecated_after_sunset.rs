//! `deprecated-after-sunset` (SY067): a version's `deprecated` date is later than its
//! `sunset` date.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY067",
    name: "deprecated-after-sunset",
    severity: Severity::Error,
    summary: "a version's `deprecated` date is later than its `sunset` date",
    explanation: r##"What it checks: a version's `deprecated` date is on or before its `sunset` date.

Why it matters: a version is deprecated before it goes away; RFC 9745 forbids a `Sunset` earlier than the `Deprecation` it accompanies, and clients would be told the version disappears before it is even deprecated.

Example:
    # wrong
    deprecated = 2027-09-01
    sunset = 2027-06-30
    # right
    deprecated = 2026-09-01
    sunset = 2027-06-30"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let (Some(deprecated), Some(sunset)) = (&version.decl.deprecated, &version.decl.sunset)
            else {
                continue;
            };
            let (Some(deprecated_on), Some(sunset_on)) = (deprecated.value, sunset.value) else {
                continue;
            };
            if deprecated_on > sunset_on {
                out.report(
                    &RULE,
                    At::span(&service.file, deprecated.span.clone()),
                    format!(
                        "version {} is deprecated on {deprecated_on}, after its sunset on {sunset_on}",
                        version.decl.key.value
                    ),
                )
                .help("deprecate on or before the sunset date, or move `sunset` later");
            }
        }
    }
}
