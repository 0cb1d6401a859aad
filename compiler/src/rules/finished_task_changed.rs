//! `finished-task-changed` (SY107): a completed or cancelled release task changes, or its
//! name is reused (needs `--base`).

use switchyard_schemas::manifest::TaskStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::manifest::ReleaseDecl;
use crate::plan::tasks::{head_environments, tasks};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY107",
    name: "finished-task-changed",
    severity: Severity::Error,
    summary: "a completed or cancelled release task changes or its name is reused",
    explanation: r##"What it checks (with `--base`): a task that is `completed` or `cancelled` in the base revision is either left exactly as it is (strategy, target, weight, status, match, sticky, and the version it is on) or removed; its name is not given to a task on another version.

Why it matters: a finished task is history — reviews, metrics and logs refer to it by name. Reopening it or reusing its name makes that history ambiguous; a new rollout is a new task.

Example:
    # base: task = "product-new-feature", status = "completed"
    # wrong: status = "running", weight = 20 under the same name
    # right: task = "product-new-feature-2", status = "running", weight = 20"##,
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
        for (name, task) in tasks(environment) {
            let Some(old) = old_tasks.get(name) else {
                continue;
            };
            let status = old.release.status.value;
            if status == TaskStatus::Running {
                continue;
            }
            let file = &task.service.file;
            if !task.same_place(old) {
                out.report(
                    &RULE,
                    At::span(file, task.release.task.span.clone()),
                    format!(
                        "release task name `{name}` belongs to a {} task of {} and is reused on {}",
                        status.as_str(),
                        old.place(),
                        task.place()
                    ),
                )
                .label("a finished task's name is never reused")
                .help("give the new task a new name");
                continue;
            }
            let changed = changed_fields(old.release, task.release);
            if changed.is_empty() {
                continue;
            }
            out.report(
                &RULE,
                At::span(file, task.release.span.clone()),
                format!(
                    "release task `{name}` is {} in the base revision and can no longer change (changed: {})",
                    status.as_str(),
                    changed.join(", ")
                ),
            )
            .label("a finished task stays as it is")
            .help("leave the finished task as it was, or remove it; start a new task under a new name");
        }
    }
}

/// The names of the fields that differ.
fn changed_fields(old: &ReleaseDecl, new: &ReleaseDecl) -> Vec<&'static str> {
    let sticky = |release: &ReleaseDecl| release.sticky.as_ref().map(|s| s.value.clone());
    let match_rule = |release: &ReleaseDecl| {
        release
            .match_rule
            .as_ref()
            .map(|m| (m.header.value.clone(), m.value.value.clone()))
    };
    [
        ("strategy", old.strategy.value != new.strategy.value),
        ("target", old.target.value != new.target.value),
        ("weight", old.weight.value != new.weight.value),
        ("status", old.status.value != new.status.value),
        ("sticky", sticky(old) != sticky(new)),
        ("match", match_rule(old) != match_rule(new)),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}
