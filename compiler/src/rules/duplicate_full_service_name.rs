//! `duplicate-full-service-name` (SY026): two environments serve the same `<service>.<domain>`.

use std::collections::HashMap;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::{Environment, Service};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY026",
    name: "duplicate-full-service-name",
    severity: Severity::Error,
    summary: "two environments serve the same `<service>.<domain>`",
    explanation: r##"What it checks: a service's full name, `<service>.<domain>`, is unique across all environments of the repository.

Why it matters: the full name identifies a service in metrics, logs and DNS; two environments with the same domain would make staging traffic indistinguishable from prod traffic.

Example:
    # wrong: both shop-staging and shop-prod have
    domain = "shop.example.com"
    # right: shop-staging/environment.toml
    domain = "staging.shop.example.com""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let mut first: HashMap<String, (&Environment, &Service)> = HashMap::new();
    for environment in &cx.model.environments {
        for service in &environment.services {
            let full = format!("{}.{}", service.name.value, environment.decl.domain.value);
            match first.get(&full) {
                Some((earlier_env, earlier)) if earlier_env.folder != environment.folder => {
                    let (line, column) = out.position(&earlier.file, earlier.name.span.start);
                    out.report(
                        &RULE,
                        At::span(&service.file, service.name.span.clone()),
                        format!(
                            "`{full}` is served by both `{}` and `{}`",
                            earlier_env.decl.name.value, environment.decl.name.value
                        ),
                    )
                    .note(format!("also declared at {}:{line}:{column}", earlier.file))
                    .help("give each environment its own `domain`");
                }
                Some(_) => {}
                None => {
                    first.insert(full, (environment, service));
                }
            }
        }
    }
}
