//! `bad-environment-name` (SY020): an environment name does not end in `-staging` or `-prod`.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY020",
    name: "bad-environment-name",
    severity: Severity::Error,
    summary: "an environment name does not end in `-staging` or `-prod`",
    explanation: r##"What it checks: the `name` in `environment.toml` ends in `-staging` or `-prod`.

Why it matters: the suffix says which rules apply: a prod environment may only serve what its staging environment has, and staging and prod must never share an upstream endpoint.

Example:
    # wrong
    name = "shop"
    # right
    name = "shop-prod""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let name = &environment.decl.name;
        if environment.stage().is_none() {
            out.report(
                &RULE,
                At::span(&environment.decl.file, name.span.clone()),
                format!(
                    "environment name `{}` does not end in `-staging` or `-prod`",
                    name.value
                ),
            )
            .help(format!(
                "rename it, e.g. `{}-staging` or `{}-prod`",
                name.value, name.value
            ));
        }
    }
}
