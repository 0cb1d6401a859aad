//! `version-decreased` (SY103): a version's `info.version` is lower than in the base
//! revision (needs `--base`).

use crate::diagnostic::{Diagnostics, Severity};
use crate::plan::pairs::{Bump, ServedPair};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY103",
    name: "version-decreased",
    severity: Severity::Error,
    summary: "a version's `info.version` is lower than in the base revision",
    explanation: r##"What it checks (with `--base`): the `info.version` of every served version is at least what it was in the base revision, comparing MAJOR.MINOR.PATCH as numbers (1.10 is above 1.9; 1.2 equals 1.2.0). Drafts are exempt.

Why it matters: clients, caches, logs and metrics order versions by number; a number that goes down names two different contracts or makes a newer contract look older.

Example:
    # base: info.version "1.10"
    # wrong: "1.9"
    # right: "1.11""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for ServedPair { old, new, .. } in cx.served_pairs {
        let (Some(from), Some(to)) = (old.number(), new.number()) else {
            continue;
        };
        if Bump::between(from, to) != Bump::Decrease {
            continue;
        }
        let at = new.info_version_at(out);
        out.report(
            &RULE,
            at,
            format!(
                "`{}` {} goes down from {from} in the base revision to {to}",
                new.service.name.value, new.version.decl.key.value
            ),
        )
        .label(format!("must be at least {from}"));
    }
}
