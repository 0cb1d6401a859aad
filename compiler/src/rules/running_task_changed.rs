//! `running-task-changed` (SY106): a running release task changes its strategy, target or
//! place (needs `--base`).

use switchyard_schemas::manifest::TaskStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::plan::tasks::{head_environments, renamed_to, tasks};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY106",
    name: "running-task-changed",
    severity: Severity::Error,
    summary: "a running release task changes more than its weight, match or sticky key",
    explanation: r##"What it checks (with `--base`): a task that is `running` in the base revision keeps its name, its `strategy`, its `target` and the service and version it is declared on. Its `weight`, `match` and `sticky` may change, and its `status` may become `completed` or `cancelled`.

Why it matters: the task's name stands for one rollout in reviews, metrics and logs. Pointing a running task at another upstream sends its share of traffic somewhere nobody reviewed as part of that rollout.

Example:
    # wrong: target = "mall-next" becomes target = "mall-beta" in the running task
    # right: cancel "product-new-feature", then start "product-beta" with its own name"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let Some(base) = cx.base else {
        return;
    };
    for (old_environment, environment) in head_environments(base, cx.model) {
        let Some(old_environment) = old_environment else {
            continue;
        };
        let old_tasks = tasks(old_environment);
        let new_tasks = tasks(environment);
        for (name, old) in &old_tasks {
            let running = old.release.status.value == TaskStatus::Running;
            if !running || new_tasks.contains_key(name) {
                continue;
            }
            let Some(release) = renamed_to(old, &old_tasks, environment) else {
                continue;
            };
            let Some((service, _)) =
                environment.version(&old.service.name.value, &old.version.decl.key.value)
            else {
                continue;
            };
            out.report(
                &RULE,
                At::span(&service.file, release.task.span.clone()),
                format!(
                    "running release task `{name}` is renamed to `{}`",
                    release.task.value
                ),
            )
            .label("a running task keeps its name")
            .help("keep the name; to start another rollout, cancel this task first");
        }
        for (name, task) in new_tasks {
            let Some(old) = old_tasks.get(name) else {
                continue;
            };
            if old.release.status.value != TaskStatus::Running {
                continue;
            }
            let file = &task.service.file;
            let (new, was) = (task.release, old.release);
            let mut changed = Vec::new();
            if !task.same_place(old) {
                changed.push((
                    new.task.span.clone(),
                    format!("moves from {} to {}", old.place(), task.place()),
                ));
            }
            if new.strategy.value != was.strategy.value {
                changed.push((
                    new.strategy.span.clone(),
                    format!(
                        "changes its strategy from `{}` to `{}`",
                        was.strategy.value.as_str(),
                        new.strategy.value.as_str()
                    ),
                ));
            }
            if new.target.value != was.target.value {
                changed.push((
                    new.target.span.clone(),
                    format!(
                        "changes its target from `{}` to `{}`",
                        was.target.value, new.target.value
                    ),
                ));
            }
            for (span, what) in changed {
                out.report(
                    &RULE,
                    At::span(file, span),
                    format!("running release task `{name}` {what}"),
                )
                .label("only weight, match and sticky may change while a task runs")
                .help("cancel this task, then start a new one under a new name");
            }
        }
    }
}
