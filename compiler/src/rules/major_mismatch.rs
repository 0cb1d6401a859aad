//! `major-mismatch` (SY044): the manifest key, `info.version` and base path name different majors.

use crate::diagnostic::{At, Diagnostics, Severity};
use crate::rules::{Check, Context, Rule};
use crate::version::{VersionNumber, base_path_major};

/// The rule.
pub static RULE: Rule = Rule {
    code: "SY044",
    name: "major-mismatch",
    severity: Severity::Error,
    summary: "the manifest key, `info.version` and base path name different majors",
    explanation: r##"What it checks: for every version, the major of the manifest key `v<MAJOR>`, the major of the document's `info.version` and the base path `/v<MAJOR>` are the same number.

Why it matters: clients pick a major by its base path and upstreams learn it from `x-api-version`; if these disagree, clients of `/v1` could be served a `2.x` contract.

Example:
    # wrong: [versions.v2] names a document with
    info:
      version: "1.4"
    # right: a document with version "2.0" and servers url /v2"##,
};

/// The check.
pub static CHECK: Check = Check { rule: &RULE, run };

fn run(cx: &Context<'_>, out: &mut Diagnostics<'_>) {
    for (path, document) in &cx.model.documents {
        let (Some(info), Some(base)) = (
            VersionNumber::parse(&document.info_version.value),
            document.base_paths.first(),
        ) else {
            continue;
        };
        if let Some(major) = base_path_major(&base.value).filter(|&major| major != info.major) {
            out.report(
                &RULE,
                out.locate(path, base.at.line, base.at.column),
                format!(
                    "base path `/v{major}` does not match `info.version` `{}` (major {})",
                    document.info_version.value, info.major
                ),
            );
        }
    }
    for environment in &cx.model.environments {
        for (service, version) in environment.versions() {
            let (Some(key), Some(info)) =
                (version.decl.key_major(), cx.model.info_version(version))
            else {
                continue;
            };
            if key != info.major {
                out.report(
                    &RULE,
                    At::span(&service.file, version.decl.key.span.clone()),
                    format!(
                        "version key `{}` but `{}` has `info.version` `{info}`",
                        version.decl.key.value,
                        version.document.as_deref().unwrap_or_default()
                    ),
                )
                .help(format!(
                    "use the key `v{}`, or name the document of major {key}",
                    info.major
                ));
            }
        }
    }
}
