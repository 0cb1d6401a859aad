//! `environment-folder-mismatch` (SY021): an environment's name differs from its folder's name.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY021",
    name: "environment-folder-mismatch",
    severity: Severity::Error,
    summary: "an environment's name differs from its folder's name",
    explanation: r##"What it checks: the `name` in `environment.toml` equals the name of the folder that holds it.

Why it matters: people find an environment by its folder and the proxy by its bundle name; when the two differ, a change reviewed in one folder ships under another name.

Example:
    # wrong: shop-prod/environment.toml
    name = "shop-production"
    # right
    name = "shop-prod""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let name = &environment.decl.name;
        let folder = environment.folder_name();
        if name.value != folder {
            out.report(
                &RULE,
                At::span(&environment.decl.file, name.span.clone()),
                format!(
                    "environment name `{}` differs from its folder `{folder}`",
                    name.value
                ),
            )
            .help(format!("set `name = \"{folder}\"` or rename the folder"));
        }
    }
}
