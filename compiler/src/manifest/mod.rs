//! Reading `environment.toml` and release manifests: TOML with spans, schema
//! validation, and extraction into declarations that keep a span for every value.
//!
//! Extraction is forgiving: a field with a wrong type or a missing required field is
//! reported by the schema and left out, so the rest of the file is still checked.

mod environment;
mod release;
pub mod schema;
pub mod tree;

pub use environment::{EnvironmentDecl, UpstreamDecl};
pub use release::{MatchDecl, ReleaseDecl, ServiceDecl, VersionDecl};

use crate::diagnostic::{At, Diagnostics};
use crate::manifest::tree::Tree;
use crate::rules;

/// Parses a TOML file and validates it against a schema. Syntax errors go to `out`,
/// schema violations to `schema_out` (they yield to more specific rules at the same place).
pub fn read_tree(
    kind: schema::SchemaKind,
    file: &str,
    text: &str,
    out: &mut Diagnostics<'_>,
    schema_out: &mut Diagnostics<'_>,
) -> Option<Tree> {
    match Tree::parse(text) {
        Ok(tree) => {
            schema::validate(kind, &tree, file, schema_out);
            Some(tree)
        }
        Err(errors) => {
            for error in errors {
                out.report(
                    &rules::toml_syntax::RULE,
                    At::span(file, error.span),
                    format!("invalid TOML: {}", error.message),
                );
            }
            None
        }
    }
}
