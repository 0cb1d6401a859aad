//! Structural equality of schemas across two contracts, cycle-safe (coinductive) and
//! memoized, so the diff only descends where something differs.

use std::collections::{HashMap, HashSet};

use crate::model::{Additional, Contract, Schema, SchemaId};
use crate::position::Position;

/// The schema that allows anything: what a missing schema means.
pub(crate) static EMPTY: Schema = Schema {
    at: Position { line: 0, column: 0 },
    name: None,
    types: std::collections::BTreeSet::new(),
    format: None,
    enumeration: None,
    minimum: None,
    maximum: None,
    multiple_of: None,
    min_length: None,
    max_length: None,
    pattern: None,
    min_items: None,
    max_items: None,
    unique_items: false,
    items: None,
    properties: std::collections::BTreeMap::new(),
    required: std::collections::BTreeSet::new(),
    additional: Additional::Any,
    min_properties: None,
    max_properties: None,
    one_of: Vec::new(),
    any_of: Vec::new(),
    not: None,
    read_only: false,
    write_only: false,
    deprecated: false,
    default: None,
    discriminator: None,
    keywords: std::collections::BTreeMap::new(),
};

/// A pair of schemas, one per contract (`None`: the empty schema).
type Pair = (Option<SchemaId>, Option<SchemaId>);

/// Memoized structural equality between the schemas of two contracts.
pub(crate) struct Equality<'a> {
    old: &'a Contract,
    new: &'a Contract,
    /// Settled answers.
    known: HashMap<Pair, bool>,
    /// Pairs being compared (assumed equal while on the stack).
    stack: HashSet<Pair>,
    /// Pairs found equal under assumptions; settled when the outermost comparison holds.
    provisional: Vec<Pair>,
}

/// Comparisons nested deeper than this count as different (the diff then looks closer).
const MAX_DEPTH: usize = 256;

impl<'a> Equality<'a> {
    /// Equality between the schemas of `old` and `new`.
    pub fn new(old: &'a Contract, new: &'a Contract) -> Self {
        Self {
            old,
            new,
            known: HashMap::new(),
            stack: HashSet::new(),
            provisional: Vec::new(),
        }
    }

    /// Whether the two schemas accept and mean the same values.
    pub fn equal(&mut self, a: Option<SchemaId>, b: Option<SchemaId>) -> bool {
        if let Some(&known) = self.known.get(&(a, b)) {
            return known;
        }
        self.provisional.clear();
        let result = self.pair(a, b);
        if result {
            for pair in self.provisional.drain(..) {
                self.known.insert(pair, true);
            }
        }
        result
    }

    /// Compares one pair inside an outermost comparison.
    fn pair(&mut self, a: Option<SchemaId>, b: Option<SchemaId>) -> bool {
        let key = (a, b);
        if let Some(&known) = self.known.get(&key) {
            return known;
        }
        if self.stack.len() >= MAX_DEPTH {
            return false;
        }
        if !self.stack.insert(key) {
            return true;
        }
        let old = a.map_or(&EMPTY, |id| self.old.schema(id));
        let new = b.map_or(&EMPTY, |id| self.new.schema(id));
        let result = self.fields(old, new);
        self.stack.remove(&key);
        if result {
            self.provisional.push(key);
        } else {
            self.known.insert(key, false);
        }
        result
    }

    /// Compares every field that carries meaning (not positions or names).
    fn fields(&mut self, a: &Schema, b: &Schema) -> bool {
        let scalars_equal = a.types == b.types
            && a.format == b.format
            && a.enumeration == b.enumeration
            && a.minimum == b.minimum
            && a.maximum == b.maximum
            && a.multiple_of == b.multiple_of
            && a.min_length == b.min_length
            && a.max_length == b.max_length
            && a.pattern == b.pattern
            && a.min_items == b.min_items
            && a.max_items == b.max_items
            && a.unique_items == b.unique_items
            && a.required == b.required
            && a.min_properties == b.min_properties
            && a.max_properties == b.max_properties
            && a.read_only == b.read_only
            && a.write_only == b.write_only
            && a.deprecated == b.deprecated
            && a.default == b.default
            && a.discriminator == b.discriminator
            && a.keywords == b.keywords
            && a.one_of.len() == b.one_of.len()
            && a.any_of.len() == b.any_of.len()
            && a.properties.len() == b.properties.len()
            && a.items.is_some() == b.items.is_some()
            && a.not.is_some() == b.not.is_some();
        if !scalars_equal {
            return false;
        }
        let additional_equal = match (a.additional, b.additional) {
            (Additional::Any, Additional::Any) | (Additional::Forbidden, Additional::Forbidden) => {
                true
            }
            (Additional::Schema(x), Additional::Schema(y)) => self.pair(Some(x), Some(y)),
            _ => false,
        };
        additional_equal
            && (a.items.is_none() || self.pair(a.items, b.items))
            && (a.not.is_none() || self.pair(a.not, b.not))
            && a.properties
                .iter()
                .zip(&b.properties)
                .all(|((ka, pa), (kb, pb))| ka == kb && self.pair(Some(pa.schema), Some(pb.schema)))
            && a.one_of
                .iter()
                .zip(&b.one_of)
                .all(|(x, y)| self.pair(Some(*x), Some(*y)))
            && a.any_of
                .iter()
                .zip(&b.any_of)
                .all(|(x, y)| self.pair(Some(*x), Some(*y)))
    }
}
