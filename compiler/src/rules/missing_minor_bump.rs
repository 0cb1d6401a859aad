//! `missing-minor-bump` (SY102): a contract changes compatibly but `info.version` does not
//! raise its minor (needs `--base`).

use crate::diagnostic::{Diagnostics, Severity};
use crate::plan::pairs::{Bump, Required, ServedPair, change_note};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY102",
    name: "missing-minor-bump",
    severity: Severity::Error,
    summary: "a contract changes compatibly but its minor version does not rise",
    explanation: r##"What it checks (with `--base`): when the contract of a served version changes without breaking clients (operations, optional parameters, optional request properties or response properties added, …), its `info.version` rises at least in the minor (1.2 → 1.3). A patch bump alone (1.2 → 1.2.1) is for changes that leave the contract as it is (descriptions, examples). Drafts are exempt.

Why it matters: the version number tells clients what they can use; a client that needs the new operation asks for 1.3, and `x-api-version` in logs and metrics names the contract that served a request.

Example:
    # wrong: GET /products/{id}/reviews added, info.version stays "1.2" (or "1.2.1")
    # right
    info:
      version: "1.3""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for ServedPair { old, new, changes } in cx.served_pairs {
        let (Some(from), Some(to)) = (old.number(), new.number()) else {
            continue;
        };
        let bump = Bump::between(from, to);
        if Required::of(changes) != Required::Minor || !matches!(bump, Bump::None | Bump::Patch) {
            continue;
        }
        let at = new.info_version_at(out);
        let diagnostic = out
            .report(
                &RULE,
                at,
                format!(
                    "`{}` {} changes its contract but `info.version` goes from {from} to {to}: it needs at least {}.{}",
                    new.service.name.value,
                    new.version.decl.key.value,
                    from.major,
                    from.minor + 1
                ),
            )
            .label("raise the minor version");
        for change in changes {
            diagnostic.note(change_note(change, old, new));
        }
    }
}
