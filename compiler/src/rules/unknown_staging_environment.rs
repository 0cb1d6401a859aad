//! `unknown-staging-environment` (SY023): `staged_in` names no staging environment of the repository.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::Stage;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY023",
    name: "unknown-staging-environment",
    severity: Severity::Error,
    summary: "`staged_in` names no staging environment of the repository",
    explanation: r##"What it checks: the `staged_in` of a prod environment names an environment of the same repository whose name ends in `-staging`.

Why it matters: prod may only serve versions that were staged first; with an unknown staging environment that check cannot run.

Example:
    # wrong
    staged_in = "shop-stage"
    # right
    staged_in = "shop-staging""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let Some(staged_in) = &environment.decl.staged_in else {
            continue;
        };
        if environment.stage() != Some(Stage::Prod) {
            continue;
        }
        let unusable = cx
            .model
            .unusable_folders
            .iter()
            .any(|folder| folder.rsplit('/').next() == Some(staged_in.value.as_str()));
        let message = match cx.model.environment(&staged_in.value) {
            Some(target) if target.stage() == Some(Stage::Staging) => continue,
            Some(_) => format!(
                "`staged_in` names `{}`, which is not a staging environment",
                staged_in.value
            ),
            None if unusable => continue,
            None => format!(
                "`staged_in` names `{}`, which is not an environment of this repository",
                staged_in.value
            ),
        };
        let staging: Vec<&str> = cx
            .model
            .environments
            .iter()
            .filter(|other| other.stage() == Some(Stage::Staging))
            .map(|other| other.decl.name.value.as_str())
            .collect();
        let diagnostic = out.report(
            &RULE,
            At::span(&environment.decl.file, staged_in.span.clone()),
            message,
        );
        if !staging.is_empty() {
            diagnostic.help(format!("staging environments here: {}", staging.join(", ")));
        }
    }
}
