//! `overlapping-operations` (SY046): two served operations of one environment have the same method and path shape.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::diagnostic::{Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_contract::Position;
use switchyard_schemas::template::{PathTemplate, RouteSet};

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

/// The first operation served with a shape and method.
struct First<'m> {
    method: &'m str,
    service: &'m str,
    document: &'m str,
    template: PathTemplate,
    at: Position,
}

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        // Per path shape, the first operation of each method.
        let mut shapes: HashMap<String, Vec<First<'_>>> = HashMap::new();
        let mut routes: RouteSet<()> = RouteSet::default();
        for (service, version) in environment.versions() {
            if !version.decl.is_served() {
                continue;
            }
            let Some(document) = version.document.as_deref() else {
                continue;
            };
            for operation in cx.model.operations(version) {
                let firsts = match shapes.entry(operation.template.shape()) {
                    Entry::Occupied(entry) => entry.into_mut(),
                    Entry::Vacant(entry) => {
                        if let Err(conflict) = routes.insert(&operation.template, ()) {
                            out.report(
                                &RULE,
                                out.locate(document, operation.at.line, operation.at.column),
                                format!("in `{}`: {conflict}", environment.decl.name.value),
                            );
                        }
                        entry.insert(Vec::new())
                    }
                };
                match firsts.iter().find(|first| first.method == operation.method) {
                    Some(first) => {
                        out.report(
                            &RULE,
                            out.locate(document, operation.at.line, operation.at.column),
                            format!(
                                "{} {} of `{}` overlaps {} of `{}` in `{}`",
                                operation.method,
                                operation.template,
                                service.name.value,
                                first.template,
                                first.service,
                                environment.decl.name.value
                            ),
                        )
                        .note(format!(
                            "the other operation is at {}:{}:{}",
                            first.document, first.at.line, first.at.column
                        ));
                    }
                    None => firsts.push(First {
                        method: operation.method,
                        service: &service.name.value,
                        document,
                        template: operation.template,
                        at: operation.at,
                    }),
                }
            }
        }
    }
}
