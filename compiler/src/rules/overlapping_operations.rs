//! `overlapping-operations` (SY046): two served operations of one environment have the same method and path shape.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_contract::Position;
use switchyard_schemas::template::RouteSet;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY046",
    name: "overlapping-operations",
    severity: Severity::Error,
    summary: "two served operations of one environment have the same method and path shape",
    explanation: r##"What it checks: within an environment, no two served operations (of any service or version) have the same method and the same path shape, where parameter names do not count (`/v1/items/{id}` and `/v1/items/{name}` are one shape), and the router can hold every template beside the others.

Why it matters: a request must reach exactly one operation; with two candidates one service would silently take another's traffic.

Example:
    # wrong: products and catalog both serve
    GET /v1/items/{id}
    # right: give each service its own paths, e.g. /v1/products/{id} and /v1/catalog/{id}"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let mut seen: HashMap<(String, String), (&str, &str, String, Position)> = HashMap::new();
        let mut routes: RouteSet<()> = RouteSet::default();
        let mut shapes: HashSet<String> = HashSet::new();
        for (service, version) in environment.versions() {
            if !version.decl.is_served() {
                continue;
            }
            let Some(document) = version.document.as_deref() else {
                continue;
            };
            for operation in cx.model.operations(version) {
                let shape = operation.template.shape();
                let key = (operation.method.to_owned(), shape.clone());
                if let Some((other_service, other_document, other_template, at)) = seen.get(&key) {
                    out.report(
                        &RULE,
                        out.locate(document, operation.at.line, operation.at.column),
                        format!(
                            "{} {} of `{}` overlaps {other_template} of `{other_service}` in `{}`",
                            operation.method,
                            operation.template,
                            service.name.value,
                            environment.decl.name.value
                        ),
                    )
                    .note(format!(
                        "the other operation is at {other_document}:{}:{}",
                        at.line, at.column
                    ));
                    continue;
                }
                seen.insert(
                    key,
                    (
                        &service.name.value,
                        document,
                        operation.template.to_string(),
                        operation.at,
                    ),
                );
                let conflict = if shapes.insert(shape) {
                    routes.insert(&operation.template, ()).err()
                } else {
                    None
                };
                if let Some(conflict) = conflict {
                    out.report(
                        &RULE,
                        out.locate(document, operation.at.line, operation.at.column),
                        format!("in `{}`: {conflict}", environment.decl.name.value),
                    );
                }
            }
        }
    }
}
