//! `bad-base-path` (SY042): an OpenAPI document has no base path, or one that is not `/v<MAJOR>`.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use crate::version::base_path_major;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY042",
    name: "bad-base-path",
    severity: Severity::Error,
    summary: "an OpenAPI document has no base path, or one that is not `/v<MAJOR>`",
    explanation: r##"What it checks: an OpenAPI 2.0 document has `basePath: /v<MAJOR>`; an OpenAPI 3.x document has `servers` whose URLs end in `/v<MAJOR>` (e.g. `https://shop.example.com/v1` or just `/v1`).

Why it matters: the base path is how clients choose a major version, and several majors are served side by side under `/v1`, `/v2`.

Example:
    # wrong
    servers:
      - url: https://shop.example.com/api
    # right
    servers:
      - url: https://shop.example.com/v1"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (path, document) in &cx.model.documents {
        match document.base_paths.first() {
            None => {
                out.report(&RULE, At::file(path), "the document declares no base path")
                    .help(
                        "add `servers: [{url: /v1}]` (OpenAPI 3) or `basePath: /v1` (OpenAPI 2.0)",
                    );
            }
            Some(base) if base_path_major(&base.value).is_none() => {
                out.report(
                    &RULE,
                    out.locate(path, base.at.line, base.at.column),
                    format!("base path `{}` is not `/v<MAJOR>`", base.value),
                )
                .help("serve each major version under its own base path, like `/v1`");
            }
            Some(_) => {}
        }
    }
}
