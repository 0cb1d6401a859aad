//! `removed-without-deprecation` (SY104): a major published in the base revision
//! disappears from an environment without having been deprecated (needs `--base`).

use switchyard_schemas::manifest::VersionStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::plan::pairs::{Side, head_is_complete, version_pairs};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY104",
    name: "removed-without-deprecation",
    severity: Severity::Error,
    summary: "a published major disappears without having been deprecated",
    explanation: r##"What it checks (with `--base`): a version that is `published` in the base revision is not removed from its environment, turned back into a `draft` or `retired` in one step: that may only happen once the base has it `deprecated` (or `retired`).

Why it matters: deprecation is how clients learn that a major goes away (`Deprecation` and `Sunset` headers, a successor link). Removing a published major breaks every client of it at once.

Example:
    # first change
    [versions.v1]
    status = "deprecated"
    sunset = 2027-06-30
    # a later change, after the sunset: remove [versions.v1] (or retire it first)"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let Some(base) = cx.base else {
        return;
    };
    for pair in version_pairs(base, cx.model) {
        let Some(old) = pair.base else {
            continue;
        };
        let complete = head_is_complete(cx.model, pair.environment, &old.environment.folder);
        if old.version.decl.status.value != VersionStatus::Published || !complete {
            continue;
        }
        let (at, what) = match pair.head {
            Some(new) => {
                let what = match new.version.decl.status.value {
                    VersionStatus::Published | VersionStatus::Deprecated => continue,
                    VersionStatus::Retired => "is retired (answered with 410 Gone)",
                    VersionStatus::Draft => "is turned back into a draft",
                };
                (
                    At::span(&new.service.file, new.version.decl.status.span.clone()),
                    what,
                )
            }
            None => (place_of_removal(cx, &old), "is removed"),
        };
        out.report(
            &RULE,
            at,
            format!(
                "`{}` {} is published in `{}` in the base revision and {what} without being deprecated first",
                pair.service, pair.key, pair.environment
            ),
        )
        .note(format!(
            "in the base revision it is declared in `{}`",
            old.service.file
        ))
        .help(format!(
            "keep {} served with `status = \"deprecated\"` and a `sunset` date; remove it in a later change",
            pair.key
        ));
    }
}

/// Where a removal is reported: the head's manifest of the service, else its
/// environment's `environment.toml`, else the base's manifest path (now gone).
fn place_of_removal(cx: &Context<'_>, old: &Side<'_>) -> At {
    let name = &old.environment.decl.name.value;
    let Some(environment) = cx.model.environment(name) else {
        return At::file(&old.service.file);
    };
    environment
        .services
        .iter()
        .find(|service| service.name.value == old.service.name.value)
        .map_or_else(
            || At::file(&environment.decl.file),
            |service| At::span(&service.file, service.name.span.clone()),
        )
}
