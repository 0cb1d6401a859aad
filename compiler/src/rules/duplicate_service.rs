//! `duplicate-service` (SY025): two manifests of one environment declare the same service.

use std::collections::HashMap;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::Service;
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY025",
    name: "duplicate-service",
    severity: Severity::Error,
    summary: "two manifests of one environment declare the same service",
    explanation: r##"What it checks: within an environment, every release manifest declares a different `service`.

Why it matters: two manifests for one service would each claim its versions and routes; which one wins would depend on file order.

Example:
    # wrong: shop-prod/products.toml and shop-prod/catalog.toml both say
    service = "products"
    # right: one manifest per service; merge the versions into one file"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let mut first: HashMap<&str, &Service> = HashMap::new();
        for service in &environment.services {
            match first.get(service.name.value.as_str()) {
                Some(earlier) => {
                    let (line, column) = out.position(&earlier.file, earlier.name.span.start);
                    out.report(
                        &RULE,
                        At::span(&service.file, service.name.span.clone()),
                        format!(
                            "service `{}` is declared twice in `{}`",
                            service.name.value, environment.decl.name.value
                        ),
                    )
                    .note(format!(
                        "first declared at {}:{line}:{column}",
                        earlier.file
                    ));
                }
                None => {
                    first.insert(&service.name.value, service);
                }
            }
        }
    }
}
