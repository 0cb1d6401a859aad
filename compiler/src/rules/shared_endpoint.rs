//! `shared-endpoint` (SY030): a staging and a prod environment share an upstream endpoint.

use std::collections::HashMap;

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::model::{Environment, Stage};
use crate::rules::{Check, Context, Rule};
use crate::source::Spanned;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY030",
    name: "shared-endpoint",
    severity: Severity::Error,
    summary: "a staging and a prod environment share an upstream endpoint",
    explanation: r##"What it checks: no endpoint (`host:port`, compared case-insensitively) appears in the upstreams of both a `-staging` and a `-prod` environment.

Why it matters: an errant test in staging must not be able to reach production data or load production servers.

Example:
    # wrong: both environments list
    endpoints = ["10.0.1.10:8080"]
    # right: shop-staging/environment.toml
    endpoints = ["10.0.9.10:8080"]"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    let mut staging: HashMap<String, (&Environment, &str, &Spanned<String>)> = HashMap::new();
    for environment in &cx.model.environments {
        if environment.stage() != Some(Stage::Staging) {
            continue;
        }
        for upstream in &environment.decl.upstreams {
            for endpoint in &upstream.endpoints {
                staging
                    .entry(endpoint.value.trim().to_ascii_lowercase())
                    .or_insert((environment, &upstream.name.value, endpoint));
            }
        }
    }
    for environment in &cx.model.environments {
        if environment.stage() != Some(Stage::Prod) {
            continue;
        }
        for upstream in &environment.decl.upstreams {
            for endpoint in &upstream.endpoints {
                let Some((other, other_upstream, other_endpoint)) =
                    staging.get(&endpoint.value.trim().to_ascii_lowercase())
                else {
                    continue;
                };
                let (line, column) = out.position(&other.decl.file, other_endpoint.span.start);
                out.report(
                    &RULE,
                    At::span(&environment.decl.file, endpoint.span.clone()),
                    format!(
                        "endpoint `{}` of upstream `{}` is also used by upstream `{other_upstream}` of staging environment `{}`",
                        endpoint.value, upstream.name.value, other.decl.name.value
                    ),
                )
                .note(format!("staging uses it at {}:{line}:{column}", other.decl.file))
                .help("give staging its own servers");
            }
        }
    }
}
