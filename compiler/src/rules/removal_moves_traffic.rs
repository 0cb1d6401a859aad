//! `removal-moves-traffic` (SY108): a completed release task is removed while the
//! version's upstream is not its target, so removing it moves traffic (needs `--base`).

use switchyard_schemas::manifest::TaskStatus;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::plan::tasks::{head_environments, tasks};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY108",
    name: "removal-moves-traffic",
    severity: Severity::Error,
    summary: "removing a completed release task moves traffic back off its target",
    explanation: r##"What it checks (with `--base`): when a task that is `completed` in the base revision is removed, the version's `upstream` is the task's `target`.

Why it matters: a completed task sends all traffic to its target. Removing it while `upstream` still names the old upstream sends all traffic back there — a full rollback that looks like a tidy-up in review. Removing a task never moves traffic by itself.

Example:
    # base: upstream = "mall", task completed with target = "mall-next"
    # right: remove [versions.v2.release] and set
    upstream = "mall-next""##,
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
        for (name, old) in tasks(old_environment) {
            if old.release.status.value != TaskStatus::Completed || new_tasks.contains_key(name) {
                continue;
            }
            let Some((service, version)) =
                environment.version(&old.service.name.value, &old.version.decl.key.value)
            else {
                continue;
            };
            let target = &old.release.target.value;
            let upstream = &version.decl.upstream;
            if !version.decl.is_served() || &upstream.value == target {
                continue;
            }
            out.report(
                &RULE,
                At::span(&service.file, upstream.span.clone()),
                format!(
                    "completed release task `{name}` is removed but {}'s upstream is `{}`, not its target `{target}`: all traffic moves back",
                    old.place(),
                    upstream.value
                ),
            )
            .label(format!("should be `{target}`"))
            .help(format!("set `upstream = \"{target}\"` when removing the completed task"));
        }
    }
}
