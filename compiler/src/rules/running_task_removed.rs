//! `running-task-removed` (SY109): a running release task is removed, which moves its
//! share of traffic back to the version's upstream (needs `--base`).

use switchyard_schemas::manifest::TaskStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::plan::tasks::{head_environments, renamed_to, tasks};
use crate::plan::traffic;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY109",
    name: "running-task-removed",
    severity: Severity::Error,
    summary: "a running release task is removed, moving its traffic",
    explanation: r##"What it checks (with `--base`): a task that is `running` in the base revision is not simply deleted while its version stays served (a rename is `running-task-changed`).

Why it matters: removing a running task silently moves its share of traffic (and every request its `match` rule catches) back to the version's upstream. Ending a task is a reviewed step: `status = "cancelled"` sends everything back, `status = "completed"` sends everything to the target; the finished task is removed in a later change.

Example:
    # wrong: delete [versions.v2.release] while it runs at weight 20
    # right
    status = "cancelled""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let Some(base) = cx.base else {
        return;
    };
    for (old_environment, environment) in head_environments(base, cx.model) {
        let Some(old_environment) = old_environment.filter(|_| environment.complete) else {
            continue;
        };
        let new_tasks = tasks(environment);
        let old_tasks = tasks(old_environment);
        for (name, old) in old_tasks.iter().map(|(name, old)| (*name, *old)) {
            if old.release.status.value != TaskStatus::Running || new_tasks.contains_key(name) {
                continue;
            }
            let Some((service, version)) =
                environment.version(&old.service.name.value, &old.version.decl.key.value)
            else {
                continue;
            };
            let renamed = renamed_to(&old, &old_tasks, environment).is_some();
            if !version.decl.is_served() || renamed {
                continue;
            }
            let target = &old.release.target.value;
            let share = traffic::percent_of(&traffic::shares(old.version), target);
            out.report(
                &RULE,
                At::span(&service.file, version.decl.key.span.clone()),
                format!(
                    "running release task `{name}` of {} is removed: its {share}% on `{target}` moves to `{}`",
                    old.place(),
                    version.decl.upstream.value
                ),
            )
            .label("the task is removed while it runs")
            .help("end the task first with `status = \"cancelled\"` or `\"completed\"`, then remove it in a later change");
        }
    }
}
