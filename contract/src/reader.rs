//! Reads YAML or JSON text into a positioned [`Node`] tree with one shared set of safe options:
//! duplicate keys rejected, alias and size budgets on, YAML 1.1 typing surprises off.

use serde_saphyr::{Budget, DuplicateKeyPolicy, Error, Options};

use crate::node::{Node, position_of};
use crate::problem::{Problem, ProblemKind};

/// The largest document read, in bytes (16 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// The options every document is read with (YAML 1.2 typing, strict budgets).
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_events = 20_000_000;
    budget.max_nodes = 5_000_000;
    budget.max_total_scalar_bytes = 64 * 1024 * 1024;
    budget.max_recorded_anchor_bytes = 16 * 1024 * 1024;
    budget.max_documents = 1;
    budget.max_depth = 128;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.strict_booleans = true;
    options.leading_zero_numbers_as_strings = true;
    options.underscored_numbers_as_strings = true;
    options.legacy_octal_numbers = false;
    options.with_snippet = false;
    options.alias_limits.max_total_replayed_events = 1_000_000;
    options.alias_limits.max_alias_expansions_per_anchor = 10_000;
    options
}

/// Reads `text` (YAML 1.2, so JSON too) into a tree, or the problem that stops it.
pub(crate) fn read_tree(text: &str) -> Result<Node, Problem> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Problem::error(
            ProblemKind::TooLarge,
            format!(
                "the document is {} bytes, more than the limit of {MAX_DOCUMENT_BYTES}; split it or remove unused parts",
                text.len()
            ),
            None,
        ));
    }
    serde_saphyr::from_str_with_options::<Node>(text, options()).map_err(|e| problem_of(&e))
}

/// Turns a reader error into a problem with a position.
fn problem_of(error: &Error) -> Problem {
    let at = error
        .location()
        .map(|l| position_of(&l))
        .filter(|p| p.line > 0);
    let inner = innermost(error);
    let (kind, message) = match inner {
        Error::DuplicateMappingKey { key, .. } => (
            ProblemKind::DuplicateKey,
            match key {
                Some(key) => format!("duplicate key `{key}`; keep only one of them"),
                None => "duplicate key; keep only one of them".to_owned(),
            },
        ),
        Error::Budget { breach, .. } => (
            ProblemKind::TooLarge,
            format!(
                "the document expands beyond the reader's limits ({breach:?}); remove the alias expansion or split the document"
            ),
        ),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (
            ProblemKind::TooLarge,
            "the document's aliases expand too much (an alias bomb?); write the values out or use fewer aliases"
                .to_owned(),
        ),
        other => (
            ProblemKind::Syntax,
            format!("{}; fix the YAML or JSON syntax", lower_first(&other.to_string())),
        ),
    };
    Problem::error(kind, message, at)
}

/// The error under snippet and alias wrappers.
fn innermost(error: &Error) -> &Error {
    let mut current = error;
    loop {
        match current {
            Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => current = error,
            other => return other,
        }
    }
}

/// `text` with its first letter in lower case and no trailing period or position suffix.
fn lower_first(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unreadable document".to_owned(),
    }
}
