//! Reads OpenAPI 2.0, 3.0 and 3.1 documents (YAML or JSON) into one contract model and diffs
//! two contracts into classified changes.
//!
//! - [`read_document`] parses text with positions kept (serde-saphyr with duplicate keys
//!   rejected, alias and size budgets on, YAML 1.1 typing off) and never panics; problems
//!   are data ([`Reading::problems`]), each with a position when known.
//! - [`Document`] gives what the compiler needs (`info.version`, base paths, operations)
//!   and the normalized [`Contract`].
//! - [`diff`] compares two contracts; [`compare`] reads two texts and diffs them.
//!
//! OpenAPI 3.2 documents are read as 3.1 with a warning: the 3.1 model covers what they
//! share, and features new in 3.2 (the `query` method aside) are not checked.
//! Only local `$ref`s (`#/...`) are followed; others are reported as
//! [`ProblemKind::UnresolvedRef`].

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
