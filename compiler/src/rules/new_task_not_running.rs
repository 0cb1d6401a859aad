//! `new-task-not-running` (SY105): a release task that is not in the base revision does
//! not start `running` (needs `--base`).

use switchyard_schemas::manifest::TaskStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::plan::tasks::{head_environments, tasks};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY105",
    name: "new-task-not-running",
    severity: Severity::Error,
    summary: "a new release task does not start `running`",
    explanation: r##"What it checks (with `--base`): a release task whose name is not in the environment in the base revision has `status = "running"`.

Why it matters: a task is a reviewed sequence of steps — start, move the weight, then complete or cancel. A task that appears already `completed` moves all traffic to a new upstream in one unreviewed jump.

Example:
    [versions.v2.release]
    task = "product-new-feature"
    strategy = "canary"
    target = "mall-next"
    weight = 10
    status = "running"   # not "completed" in the change that creates it"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let Some(base) = cx.base else {
        return;
    };
    for (old_environment, environment) in head_environments(base, cx.model) {
        let old_tasks = old_environment.map(tasks).unwrap_or_default();
        for (name, task) in tasks(environment) {
            let status = &task.release.status;
            if old_tasks.contains_key(name) || status.value == TaskStatus::Running {
                continue;
            }
            out.report(
                &RULE,
                At::span(&task.service.file, status.span.clone()),
                format!(
                    "release task `{name}` is new but starts `{}`",
                    status.value.as_str()
                ),
            )
            .label("a new task starts `running`")
            .help("start the task with `status = \"running\"`; complete or cancel it in a later change");
        }
    }
}
