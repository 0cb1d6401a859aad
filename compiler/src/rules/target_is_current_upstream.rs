//! `target-is-current-upstream` (SY029): a running release task targets the upstream the version already uses.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::TaskStatus;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY029",
    name: "target-is-current-upstream",
    severity: Severity::Error,
    summary: "a running release task targets the upstream the version already uses",
    explanation: r##"What it checks: while a release task is `running`, its `target` differs from the version's `upstream`.

Why it matters: both sides of the split would be the same upstream, so the canary or blue-green step would test nothing while looking like progress.

Example:
    # wrong
    upstream = "mall"
    [versions.v1.release]
    target = "mall"
    # right
    target = "mall-next""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(release) = &version.decl.release else {
                continue;
            };
            if release.status.value == TaskStatus::Running
                && release.target.value == version.decl.upstream.value
            {
                out.report(
                    &RULE,
                    At::span(&service.file, release.target.span.clone()),
                    format!(
                        "running task `{}` targets `{}`, the upstream the version already uses",
                        release.task.value, release.target.value
                    ),
                )
                .help("set `target` to the upstream being released");
            }
        }
    }
}
