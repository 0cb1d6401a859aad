//! `bad-info-version` (SY041): an OpenAPI document's `info.version` is not `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`.

use crate::diagnostic::{Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use crate::version::VersionNumber;

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY041",
    name: "bad-info-version",
    severity: Severity::Error,
    summary: "an OpenAPI document's `info.version` is not `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`",
    explanation: r##"What it checks: `info.version` of every OpenAPI file a manifest names is `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`: decimal numbers, no leading zeros, no prefix or suffix.

Why it matters: the major selects the base path and the manifest key; the full version is sent to upstreams and clients in `x-api-version`, and prod may never serve a newer version than staging, which needs versions that compare.

Example:
    # wrong
    info:
      version: v1.2-beta
    # right
    info:
      version: "1.2""##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (path, document) in &cx.model.documents {
        let version = &document.info_version;
        if version.value.is_empty() || VersionNumber::parse(&version.value).is_some() {
            continue;
        }
        out.report(
            &RULE,
            out.locate(path, version.at.line, version.at.column),
            format!(
                "`info.version` is `{}`, not `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`",
                version.value
            ),
        )
        .help("write it like `1.2` or `1.2.3`");
    }
}
