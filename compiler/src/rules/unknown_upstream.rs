//! `unknown-upstream` (SY028): a version or release task names an upstream its environment does not define.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY028",
    name: "unknown-upstream",
    severity: Severity::Error,
    summary: "a version or release task names an upstream its environment does not define",
    explanation: r##"What it checks: every version's `upstream` and every release task's `target` names an `[upstreams.<name>]` of the same environment's `environment.toml`.

Why it matters: traffic for that version would have nowhere to go.

Example:
    # shop-prod/environment.toml
    [upstreams.mall]
    endpoints = ["10.0.1.10:8080"]
    # shop-prod/products.toml
    # wrong
    upstream = "mal"
    # right
    upstream = "mall""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        let known: Vec<&str> = environment
            .decl
            .upstreams
            .iter()
            .map(|upstream| upstream.name.value.as_str())
            .collect();
        for (service, version) in environment.versions() {
            let mut names = vec![("upstream", &version.decl.upstream)];
            if let Some(release) = &version.decl.release {
                names.push(("target", &release.target));
            }
            for (field, name) in names {
                if environment.decl.upstream(&name.value).is_some() {
                    continue;
                }
                let help = if known.is_empty() {
                    format!(
                        "define `[upstreams.{}]` in `{}`",
                        name.value, environment.decl.file
                    )
                } else {
                    format!(
                        "upstreams of `{}`: {}",
                        environment.decl.name.value,
                        known.join(", ")
                    )
                };
                out.report(
                    &RULE,
                    At::span(&service.file, name.span.clone()),
                    format!(
                        "{field} `{}` is not an upstream of `{}`",
                        name.value, environment.decl.name.value
                    ),
                )
                .help(help);
            }
        }
    }
}
