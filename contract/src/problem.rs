//! Problems found while reading a document: user mistakes are data, not errors.

use serde::Serialize;

use crate::position::Position;

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document cannot be used as it is.
    Error,
    /// The document can be used, but something is probably wrong.
    Warning,
}

/// What kind of problem was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The text is not valid YAML or JSON.
    Syntax,
    /// A mapping repeats a key.
    DuplicateKey,
    /// The document is too large, or expands too much (alias bombs).
    TooLarge,
    /// The document is not OpenAPI 2.0, 3.0 or 3.1.
    UnsupportedVersion,
    /// A field has the wrong shape or type, or a required field is missing.
    Structure,
    /// A `$ref` points outside the document or at nothing.
    UnresolvedRef,
    /// A `$ref` chain loops back onto itself without any schema in between.
    CyclicRef,
}

/// One problem found in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub kind: ProblemKind,
    /// What is wrong and what to do, lower-case, without a trailing period.
    pub message: String,
    /// Where in the document, when known.
    pub at: Option<Position>,
}

impl Problem {
    /// An error of `kind` at `at`.
    pub fn error(kind: ProblemKind, message: impl Into<String>, at: Option<Position>) -> Self {
        Self {
            severity: Severity::Error,
            kind,
            message: message.into(),
            at,
        }
    }

    /// A warning of `kind` at `at`.
    pub fn warning(kind: ProblemKind, message: impl Into<String>, at: Option<Position>) -> Self {
        Self {
            severity: Severity::Warning,
            kind,
            message: message.into(),
            at,
        }
    }
}
