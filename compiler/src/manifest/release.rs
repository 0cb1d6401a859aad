//! Release manifests (`<service>.toml`) as declarations with spans.

use std::ops::Range;

use switchyard_schemas::manifest::{CalendarDate, Strategy, TaskStatus, VersionStatus};

use crate::diagnostic::{At, Diagnostics};
use crate::manifest::tree::{Tree, pointer_join};
use crate::rules;
use crate::source::Spanned;

/// A `match` rule as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchDecl {
    /// `header`.
    pub header: Spanned<String>,
    /// `value`.
    pub value: Spanned<String>,
}

/// A `[versions.vN.release]` table as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseDecl {
    /// Span of the `release` key.
    pub span: Range<usize>,
    /// `task`.
    pub task: Spanned<String>,
    /// `strategy`.
    pub strategy: Spanned<Strategy>,
    /// `target`.
    pub target: Spanned<String>,
    /// `weight` (any integer; the range is a rule).
    pub weight: Spanned<i64>,
    /// `status`.
    pub status: Spanned<TaskStatus>,
    /// `sticky`, unparsed (its form is a rule).
    pub sticky: Option<Spanned<String>>,
    /// `match`.
    pub match_rule: Option<MatchDecl>,
}

/// A `[versions.vN]` table as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDecl {
    /// The key, e.g. `v1` (span of the key).
    pub key: Spanned<String>,
    /// `openapi`, relative to the manifest.
    pub openapi: Spanned<String>,
    /// `upstream`.
    pub upstream: Spanned<String>,
    /// `status`.
    pub status: Spanned<VersionStatus>,
    /// `deprecated`; `Some` with `None` inside when it is written but not a date (reported).
    pub deprecated: Option<Spanned<Option<CalendarDate>>>,
    /// `sunset`; `Some` with `None` inside when it is written but not a date (reported).
    pub sunset: Option<Spanned<Option<CalendarDate>>>,
    /// `release`.
    pub release: Option<ReleaseDecl>,
}

impl VersionDecl {
    /// Whether the version is routed (published, deprecated or retired).
    pub fn is_served(&self) -> bool {
        self.status.value != VersionStatus::Draft
    }

    /// The major of the key, when the key is `v<MAJOR>`.
    pub fn key_major(&self) -> Option<u64> {
        parse_key(&self.key.value)
    }
}

/// The major of a version key `v<MAJOR>` (no sign, no leading zero).
pub fn parse_key(key: &str) -> Option<u64> {
    let digits = key.strip_prefix('v')?;
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if valid { digits.parse().ok() } else { None }
}

/// A release manifest as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDecl {
    /// Path of the file, relative to the root.
    pub file: String,
    /// `service`.
    pub service: Spanned<String>,
    /// `[versions.*]` that could be read, sorted by key.
    pub versions: Vec<VersionDecl>,
    /// False when some version or release table was left out as unreadable.
    pub complete: bool,
}

impl ServiceDecl {
    /// Extracts the declaration; `None` when `service` is unusable (the schema has
    /// reported why). Dates that are not calendar dates are reported to `out`.
    pub fn extract(file: &str, tree: &Tree, out: &mut Diagnostics<'_>) -> Option<ServiceDecl> {
        let service = tree.string("/service")?;
        let mut complete = true;
        let mut versions = Vec::new();
        for key in tree.keys("/versions") {
            let pointer = pointer_join("/versions", &key.value);
            match extract_version(file, tree, &pointer, key, out) {
                Some((version, version_complete)) => {
                    complete &= version_complete;
                    versions.push(version);
                }
                None => complete = false,
            }
        }
        Some(ServiceDecl {
            file: file.to_owned(),
            service,
            versions,
            complete,
        })
    }
}

fn extract_version(
    file: &str,
    tree: &Tree,
    pointer: &str,
    key: Spanned<String>,
    out: &mut Diagnostics<'_>,
) -> Option<(VersionDecl, bool)> {
    let mut complete = true;
    let mut date = |field: &str| {
        tree.string(&format!("{pointer}/{field}")).map(|text| {
            match text.value.parse::<CalendarDate>() {
                Ok(date) => Spanned::new(Some(date), text.span),
                Err(error) => {
                    complete = false;
                    out.report(
                        &rules::invalid_value::RULE,
                        At::span(file, text.span.clone()),
                        error.to_string(),
                    );
                    Spanned::new(None, text.span)
                }
            }
        })
    };
    let deprecated = date("deprecated");
    let sunset = date("sunset");
    let release_pointer = format!("{pointer}/release");
    let release = match tree.place(&release_pointer) {
        Some(place) => {
            let release = extract_release(tree, &release_pointer, place.field());
            complete &= release.is_some();
            release
        }
        None => None,
    };
    let version = VersionDecl {
        key,
        openapi: tree.string(&format!("{pointer}/openapi"))?,
        upstream: tree.string(&format!("{pointer}/upstream"))?,
        status: tree.enumeration(&format!("{pointer}/status"))?,
        deprecated,
        sunset,
        release,
    };
    Some((version, complete))
}

fn extract_release(tree: &Tree, pointer: &str, span: Range<usize>) -> Option<ReleaseDecl> {
    let match_pointer = format!("{pointer}/match");
    let match_rule = match tree.place(&match_pointer) {
        Some(_) => Some(MatchDecl {
            header: tree.string(&format!("{match_pointer}/header"))?,
            value: tree.string(&format!("{match_pointer}/value"))?,
        }),
        None => None,
    };
    Some(ReleaseDecl {
        span,
        task: tree.string(&format!("{pointer}/task"))?,
        strategy: tree.enumeration(&format!("{pointer}/strategy"))?,
        target: tree.string(&format!("{pointer}/target"))?,
        weight: tree.integer(&format!("{pointer}/weight"))?,
        status: tree.enumeration(&format!("{pointer}/status"))?,
        sticky: tree.string(&format!("{pointer}/sticky")),
        match_rule,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_key;

    #[test]
    fn version_keys() {
        assert_eq!(parse_key("v1"), Some(1));
        assert_eq!(parse_key("v0"), Some(0));
        assert_eq!(parse_key("v01"), None);
        assert_eq!(parse_key("V1"), None);
        assert_eq!(parse_key("v1.0"), None);
        assert_eq!(parse_key("v"), None);
    }
}
