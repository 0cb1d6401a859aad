//! `breaking-change-in-major` (SY100): a version's contract changes incompatibly within
//! its major (needs `--base`).

use switchyard_contract::ChangeClass;

use crate::diagnostic::{Diagnostics, Severity};
use crate::plan::pairs::{ServedPair, change_note};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY100",
    name: "breaking-change-in-major",
    severity: Severity::Error,
    summary: "a version's contract changes incompatibly within its major",
    explanation: r##"What it checks (with `--base`): for every served version (published, deprecated or retired) that exists in the base revision and in the change, the contract diff between the two OpenAPI documents has no breaking change — an operation, success response or response property removed, a required parameter or request property added, a type changed, a request enum narrowed, a constraint tightened, security added, and the like. Every breaking change is listed with its place (`switchyard explain C001` explains a change code). Drafts are exempt: they are not served.

Why it matters: clients of `/v1` were written against the old contract; a breaking change within the major makes them fail without warning. A major version is a promise.

Example:
    # wrong: apis/products/v1.yaml removes `DELETE /products/{id}` and says 1.3
    # right: leave v1.yaml as it was, copy it to v2.yaml with the change,
    #        info.version "2.0" and servers url ending /v2, and serve both:
    [versions.v2]
    openapi = "../apis/products/v2.yaml"
    upstream = "mall"
    status = "published""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for ServedPair { old, new, changes } in cx.served_pairs {
        let breaking: Vec<_> = changes
            .iter()
            .filter(|change| change.class == ChangeClass::Breaking)
            .collect();
        if breaking.is_empty() {
            continue;
        }
        let key = &new.version.decl.key.value;
        let major = new
            .version
            .decl
            .key_major()
            .map_or_else(String::new, |m| m.to_string());
        let next = new
            .version
            .decl
            .key_major()
            .map_or_else(|| "N+1".to_owned(), |m| (m + 1).to_string());
        let at = new.info_version_at(out);
        let diagnostic = out
            .report(
                &RULE,
                at,
                format!(
                    "`{}` {key} changes its contract incompatibly within major {major}: {} breaking change{}",
                    new.service.name.value,
                    breaking.len(),
                    if breaking.len() == 1 { "" } else { "s" }
                ),
            )
            .label("a breaking change needs a new major");
        for change in breaking {
            diagnostic.note(change_note(change, old, new));
        }
        diagnostic.help(format!(
            "keep {key} as it is in the base; copy the new contract to a new file with `info.version` {next}.0 and base path `/v{next}`, declare it as `[versions.v{next}]` and serve both"
        ));
    }
}
