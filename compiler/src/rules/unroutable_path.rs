//! `unroutable-path` (SY045): an operation's path template cannot be routed.

use switchyard_schemas::template::PathTemplate;

use crate::diagnostic::{Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use crate::version::base_path_major;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY045",
    name: "unroutable-path",
    severity: Severity::Error,
    summary: "an operation's path template cannot be routed",
    explanation: r##"What it checks: every path of an OpenAPI document, joined to its base path, is a template the proxy's router can hold: absolute, no empty or dot segments, and parameters that fill a whole segment (`/files/{name}`, not `/files/{name}.{ext}`).

Why it matters: the proxy routes only declared operations; a template it cannot hold would be silently unreachable, or would need a looser route than the contract allows.

Example:
    # wrong
    /reports/{year}-{month}:
    # right
    /reports/{year}/{month}:"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (path, document) in &cx.model.documents {
        let Some(base) = document
            .base_paths
            .first()
            .filter(|base| base_path_major(&base.value).is_some())
        else {
            continue;
        };
        for operation in &document.operations {
            if let Err(error) = PathTemplate::join(&base.value, &operation.path) {
                out.report(
                    &RULE,
                    out.locate(path, operation.at.line, operation.at.column),
                    format!("{} {}: {error}", operation.method, operation.path),
                );
            }
        }
    }
}
