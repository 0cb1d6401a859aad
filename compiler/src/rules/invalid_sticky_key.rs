//! `invalid-sticky-key` (SY064): a release task's `sticky` is not `header:NAME` or `cookie:NAME`.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use switchyard_schemas::manifest::StickyKey;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY064",
    name: "invalid-sticky-key",
    severity: Severity::Error,
    summary: "a release task's `sticky` is not `header:NAME` or `cookie:NAME`",
    explanation: r##"What it checks: `sticky` names where a request's key is read: `header:<name>` or `cookie:<name>`, with a valid header or cookie name.

Why it matters: sticky routing keeps one user on one side of a split across weight changes; a key that cannot be read would silently make every request random.

Example:
    # wrong
    sticky = "x-user-id"
    # right
    sticky = "header:x-user-id""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let Some(sticky) = version
                .decl
                .release
                .as_ref()
                .and_then(|release| release.sticky.as_ref())
            else {
                continue;
            };
            if let Err(error) = sticky.value.parse::<StickyKey>() {
                out.report(
                    &RULE,
                    At::span(&service.file, sticky.span.clone()),
                    error.to_string(),
                )
                .help("write `header:x-user-id` or `cookie:session`");
            }
        }
    }
}
