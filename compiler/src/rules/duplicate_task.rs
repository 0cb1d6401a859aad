//! `duplicate-task` (SY027): two release tasks of one environment have the same name.

use std::collections::HashMap;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::manifest::ReleaseDecl;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY027",
    name: "duplicate-task",
    severity: Severity::Error,
    summary: "two release tasks of one environment have the same name",
    explanation: r##"What it checks: every release `task` name is unique within its environment.

Why it matters: a task name identifies one rollout in reviews, metrics and logs; a finished task's name is never reused, so a new rollout needs a new name.

Example:
    # wrong: products v1 and orders v1 both have
    task = "new-feature"
    # right
    task = "products-new-feature""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let mut first: HashMap<&str, (&str, &ReleaseDecl)> = HashMap::new();
        for (service, version) in environment.versions() {
            let Some(release) = &version.decl.release else {
                continue;
            };
            match first.get(release.task.value.as_str()) {
                Some((file, earlier)) => {
                    let (line, column) = out.position(file, earlier.task.span.start);
                    out.report(
                        &RULE,
                        At::span(&service.file, release.task.span.clone()),
                        format!(
                            "release task `{}` is declared twice in `{}`",
                            release.task.value, environment.decl.name.value
                        ),
                    )
                    .note(format!("first declared at {file}:{line}:{column}"));
                }
                None => {
                    first.insert(&release.task.value, (&service.file, release));
                }
            }
        }
    }
}
