//! `prod-not-staged` (SY024): a prod environment has no `staged_in`.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::Stage;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY024",
    name: "prod-not-staged",
    severity: Severity::Warning,
    summary: "a prod environment has no `staged_in`",
    explanation: r##"What it checks: every `-prod` environment names its staging environment with `staged_in`.

Why it matters: without it nothing checks that prod serves only versions and contracts that were staged first.

Example:
    # shop-prod/environment.toml
    name = "shop-prod"
    domain = "shop.example.com"
    staged_in = "shop-staging""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        if environment.stage() == Some(Stage::Prod) && environment.decl.staged_in.is_none() {
            let name = &environment.decl.name;
            out.report(
                &RULE,
                At::span(&environment.decl.file, name.span.clone()),
                format!(
                    "prod environment `{}` has no `staged_in`, so nothing checks that its versions were staged",
                    name.value
                ),
            )
            .help("add `staged_in = \"<name>-staging\"`");
        }
    }
}
