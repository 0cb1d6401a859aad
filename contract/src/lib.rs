//! Reads OpenAPI 2.0, 3.0 and 3.1 documents (YAML or JSON) into one contract model and diffs
//! two contracts into classified changes.
//!
//! - [`read_document`] parses text with positions kept and never panics; problems are data
//!   ([`Reading::problems`]), each with a position when known. YAML and JSON go through
//!   serde-saphyr's event parser; the tree is built from its events (twice as fast as its
//!   serde layer on 4 MB documents) with duplicate keys rejected, alias and nesting budgets
//!   (an alias bomb fails in milliseconds), one document per file and YAML 1.2 core typing
//!   (`yes`, `0755`, `1_000` stay text).
//! - [`Document`] gives what the compiler needs (`info.version`, base paths, operations)
//!   and the normalized [`Contract`]: operations keyed by method and path shape, schemas
//!   in an arena with local `$ref`s resolved (cycles stay finite), `allOf` merged, 3.0
//!   `nullable` and 3.1 type arrays unified, 2.0 body/formData parameters, `produces` and
//!   `consumes` mapped to 3.x request bodies and responses.
//! - [`diff`] compares two contracts into [`Change`]s classified by the [`catalogue`];
//!   [`compare`] reads two texts (in parallel) and diffs them.
//!
//! OpenAPI 3.2 documents are read as 3.1 with a warning: the 3.1 model covers what they
//! share, and features new in 3.2 (the `query` method aside) are not checked.
//! Only local `$ref`s (`#/...`) are followed; others are reported as
//! [`ProblemKind::UnresolvedRef`]. In recursive schemas a change is reported under the
//! first property path that reaches it, not under every path.

mod build;
mod compare;
mod diff;
mod document;
mod model;
mod node;
mod position;
mod problem;
mod reader;

pub use build::{operation_key, path_shape};
pub use compare::{CompareError, Comparison, compare};
pub use diff::{Change, ChangeClass, ChangeKind, Side, catalogue, diff, lookup};
pub use document::{DocOperation, Document, Reading, SpecVersion, read_document};
pub use model::{
    Additional, Bound, Contract, Header, MediaType, OTHER_KEYWORDS, Operation, Parameter,
    ParameterKey, ParameterLocation, Property, RequestBody, Response, Schema, SchemaId,
    SecurityRequirement, Type,
};
pub use position::{Located, Position};
pub use problem::{Problem, ProblemKind, Severity};
pub use reader::MAX_DOCUMENT_BYTES;
