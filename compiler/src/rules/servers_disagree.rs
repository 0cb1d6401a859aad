//! `servers-disagree` (SY043): the servers of an OpenAPI document have different base paths.

use crate::diagnostic::{Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY043",
    name: "servers-disagree",
    severity: Severity::Error,
    summary: "the servers of an OpenAPI document have different base paths",
    explanation: r##"What it checks: every `servers[].url` of an OpenAPI 3.x document ends in the same path.

Why it matters: a version is served under exactly one base path; servers that disagree leave it unclear which one clients use.

Example:
    # wrong
    servers:
      - url: https://shop.example.com/v1
      - url: https://eu.shop.example.com/api/v1
    # right
    servers:
      - url: https://shop.example.com/v1
      - url: https://eu.shop.example.com/v1"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (path, document) in &cx.model.documents {
        let Some((first, rest)) = document.base_paths.split_first() else {
            continue;
        };
        for other in rest.iter().filter(|other| other.value != first.value) {
            out.report(
                &RULE,
                out.locate(path, other.at.line, other.at.column),
                format!(
                    "server path `{}` differs from the first server's `{}`",
                    other.value, first.value
                ),
            )
            .note(format!(
                "the first server is at {path}:{}:{}",
                first.at.line, first.at.column
            ));
        }
    }
}
