//! `weight-out-of-range` (SY060): a release task's weight is not between 0 and 100.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY060",
    name: "weight-out-of-range",
    severity: Severity::Error,
    summary: "a release task's weight is not between 0 and 100",
    explanation: r##"What it checks: `weight` of every release task is a percentage, 0 to 100.

Why it matters: the weight is the share of requests sent to the target; anything else has no meaning.

Example:
    # wrong
    weight = 150
    # right
    weight = 100"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(release) = &version.decl.release else {
                continue;
            };
            if !(0..=100).contains(&release.weight.value) {
                out.report(
                    &RULE,
                    At::span(&service.file, release.weight.span.clone()),
                    format!("weight {} is not between 0 and 100", release.weight.value),
                )
                .label("percent of requests sent to the target");
            }
        }
    }
}
