//! Structural equality of schemas across two contracts, cycle-safe and memoized, so the
//! diff only descends where something differs.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

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
///
/// Two schemas are equal when no pair of schemas reachable from them through the same
/// keywords differs in a field (a bisimulation, so cycles need no special care). The
/// search is a breadth-first walk with an explicit queue: no recursion, whatever the
/// depth of the schema graph.
pub(crate) struct Equality<'a> {
    old: &'a Contract,
    new: &'a Contract,
    /// Settled answers.
    known: HashMap<Pair, bool>,
}

impl<'a> Equality<'a> {
    /// Equality between the schemas of `old` and `new`.
    pub fn new(old: &'a Contract, new: &'a Contract) -> Self {
        Self {
            old,
            new,
            known: HashMap::new(),
        }
    }

    /// Whether the two schemas accept and mean the same values.
    pub fn equal(&mut self, a: Option<SchemaId>, b: Option<SchemaId>) -> bool {
        let start = (a, b);
        if let Some(&known) = self.known.get(&start) {
            return known;
        }
        let mut parent: HashMap<Pair, Option<Pair>> = HashMap::from([(start, None)]);
        let mut queue = VecDeque::from([start]);
        let mut children = Vec::new();
        while let Some(pair) = queue.pop_front() {
            children.clear();
            let old = pair.0.map_or(&EMPTY, |id| self.old.schema(id));
            let new = pair.1.map_or(&EMPTY, |id| self.new.schema(id));
            if !same_fields(old, new, &mut children) {
                self.unequal(&parent, Some(pair));
                return false;
            }
            for &child in &children {
                match self.known.get(&child) {
                    Some(true) => {}
                    Some(false) => {
                        self.unequal(&parent, Some(pair));
                        return false;
                    }
                    None => {
                        if let Entry::Vacant(slot) = parent.entry(child) {
                            slot.insert(Some(pair));
                            queue.push_back(child);
                        }
                    }
                }
            }
        }
        for pair in parent.into_keys() {
            self.known.insert(pair, true);
        }
        true
    }

    /// Settles `from` and every pair that led to it as unequal.
    fn unequal(&mut self, parent: &HashMap<Pair, Option<Pair>>, from: Option<Pair>) {
        let mut current = from;
        while let Some(pair) = current {
            self.known.insert(pair, false);
            current = parent.get(&pair).copied().flatten();
        }
    }
}

/// Compares the fields that carry meaning (not positions or names) and lists the pairs of
/// nested schemas that must be equal too.
fn same_fields(a: &Schema, b: &Schema, children: &mut Vec<Pair>) -> bool {
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
        && a.not.is_some() == b.not.is_some()
        && a.properties.keys().eq(b.properties.keys());
    if !scalars_equal {
        return false;
    }
    match (a.additional, b.additional) {
        (Additional::Any, Additional::Any) | (Additional::Forbidden, Additional::Forbidden) => {}
        (Additional::Schema(x), Additional::Schema(y)) => children.push((Some(x), Some(y))),
        _ => return false,
    }
    if a.items.is_some() {
        children.push((a.items, b.items));
    }
    if a.not.is_some() {
        children.push((a.not, b.not));
    }
    children.extend(
        a.properties
            .values()
            .zip(b.properties.values())
            .map(|(x, y)| (Some(x.schema), Some(y.schema))),
    );
    children.extend(
        a.one_of
            .iter()
            .zip(&b.one_of)
            .map(|(x, y)| (Some(*x), Some(*y))),
    );
    children.extend(
        a.any_of
            .iter()
            .zip(&b.any_of)
            .map(|(x, y)| (Some(*x), Some(*y))),
    );
    true
}
