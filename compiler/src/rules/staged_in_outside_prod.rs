//! `staged-in-outside-prod` (SY022): `staged_in` is set on an environment that is not prod.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::Stage;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY022",
    name: "staged-in-outside-prod",
    severity: Severity::Error,
    summary: "`staged_in` is set on an environment that is not prod",
    explanation: r##"What it checks: only `-prod` environments have `staged_in`.

Why it matters: `staged_in` names where a prod environment's versions must be staged first; on any other environment it would be ignored, which hides a misunderstanding.

Example:
    # wrong: shop-staging/environment.toml
    staged_in = "shop-staging"
    # right: remove the line; set it in shop-prod/environment.toml"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let Some(staged_in) = &environment.decl.staged_in else {
            continue;
        };
        if environment.stage() != Some(Stage::Prod) {
            out.report(
                &RULE,
                At::span(&environment.decl.file, staged_in.span.clone()),
                format!(
                    "`staged_in` is only for prod environments, and `{}` is not one",
                    environment.decl.name.value
                ),
            )
            .help("remove `staged_in` here, or set it in the prod environment");
        }
    }
}
