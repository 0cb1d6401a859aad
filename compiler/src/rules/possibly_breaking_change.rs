//! `possibly-breaking-change` (SY101): a contract change within a major that may break
//! clients; the specification alone cannot decide (needs `--base`).

use switchyard_contract::ChangeClass;

use crate::diagnostic::{Diagnostics, Severity};
use crate::plan::pairs::{ServedPair, change_note};
use crate::rules::{Check, Context, Rule};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY101",
    name: "possibly-breaking-change",
    severity: Severity::Warning,
    summary: "a contract change within a major may break clients",
    explanation: r##"What it checks (with `--base`): the contract diff of every served version that exists in the base revision and in the change has no change of the `warning` class — changes whose effect on clients the specification cannot decide (for example a response enum widened: strict clients reject the new value, tolerant ones do not).

Why it matters: we prefer a false alarm to a missed break. Look at the clients: if they can fail, treat the change as breaking and publish a new major.

Example:
    # warning: `status` in the response of GET /orders/{id} may now be "refunded"
    # fine when clients ignore unknown values; otherwise serve it under /v2"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for ServedPair { old, new, changes } in cx.served_pairs {
        let warnings: Vec<_> = changes
            .iter()
            .filter(|change| change.class == ChangeClass::Warning)
            .collect();
        if warnings.is_empty() {
            continue;
        }
        let at = new.info_version_at(out);
        let diagnostic = out
            .report(
                &RULE,
                at,
                format!(
                    "`{}` {}: {} contract change{} may break clients",
                    new.service.name.value,
                    new.version.decl.key.value,
                    warnings.len(),
                    if warnings.len() == 1 { "" } else { "s" }
                ),
            )
            .label("check the clients of this version");
        for change in warnings {
            diagnostic.note(change_note(change, old, new));
        }
        diagnostic.help("if clients can fail on these, treat them as breaking: serve the change under a new major");
    }
}
