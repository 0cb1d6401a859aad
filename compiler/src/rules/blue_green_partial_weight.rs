//! `blue-green-partial-weight` (SY061): a blue-green task has a weight other than 0 or 100.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::Strategy;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY061",
    name: "blue-green-partial-weight",
    severity: Severity::Error,
    summary: "a blue-green task has a weight other than 0 or 100",
    explanation: r##"What it checks: a release task with `strategy = "blue-green"` has `weight` 0 (all traffic on the current upstream) or 100 (all on the target).

Why it matters: blue-green switches all traffic at once; a partial weight is a canary, and should say so to reviewers.

Example:
    # wrong
    strategy = "blue-green"
    weight = 50
    # right
    strategy = "canary"
    weight = 50"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(release) = &version.decl.release else {
                continue;
            };
            let weight = release.weight.value;
            if release.strategy.value == Strategy::BlueGreen
                && weight != 0
                && weight != 100
                && (0..=100).contains(&weight)
            {
                out.report(
                    &RULE,
                    At::span(&service.file, release.weight.span.clone()),
                    format!(
                        "blue-green task `{}` has weight {weight}; it can only be 0 or 100",
                        release.task.value
                    ),
                )
                .help("use `strategy = \"canary\"` for a partial weight");
            }
        }
    }
}
