//! Builds the normalized [`Contract`] from a document tree.

mod operation;
pub use operation::{operation_key, path_shape};
pub(crate) mod refs;
mod schema;

use std::collections::{HashMap, HashSet};

use crate::document::SpecVersion;
use crate::model::{Contract, SchemaId};
use crate::node::Node;
use crate::problem::Problem;

/// The state of one contract build.
pub(crate) struct Builder<'a> {
    /// The whole document, for `$ref`s.
    root: &'a Node,
    /// The declared version.
    spec: SpecVersion,
    /// The contract being built.
    contract: Contract,
    /// Schemas already built, by decoded pointer.
    memo: HashMap<String, SchemaId>,
    /// Named schemas whose content is being read (a reference to one is a cycle).
    in_progress: HashSet<SchemaId>,
    /// Pointers being followed through `$ref`-only schemas.
    alias_stack: Vec<String>,
    /// Nesting depth of inline schemas.
    depth: usize,
    /// Problems found.
    problems: &'a mut Vec<Problem>,
}

/// Builds the contract of a document whose version is known.
pub(crate) fn contract(root: &Node, spec: SpecVersion, problems: &mut Vec<Problem>) -> Contract {
    let mut builder = Builder {
        root,
        spec,
        contract: Contract::default(),
        memo: HashMap::new(),
        in_progress: HashSet::new(),
        alias_stack: Vec::new(),
        depth: 0,
        problems,
    };
    builder.operations();
    builder.contract
}
