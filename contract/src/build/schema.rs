//! Schema normalization: `$ref`s become [`SchemaId`]s (memoized, so cycles terminate),
//! `allOf` is merged, `nullable` and type arrays become one type set.

use std::collections::BTreeSet;

use crate::build::Builder;
use crate::build::refs::{RefError, pointer_segments, ref_of, resolve};
use crate::document::SpecVersion;
use crate::model::{Additional, Bound, OTHER_KEYWORDS, Property, Schema, SchemaId, Type};
use crate::node::{Kind, Node, number_text};
use crate::problem::{Problem, ProblemKind};

/// How deep schemas (inline or through `$ref`s) and `allOf` merges may nest.
const MAX_DEPTH: usize = 128;

impl Builder<'_> {
    /// Builds the schema written at `node` (following `$ref`s) and returns its id.
    pub(crate) fn schema(&mut self, node: &Node) -> SchemaId {
        if let Some(reference) = ref_of(node) {
            return self.schema_ref(reference, node);
        }
        if let Some(only) = wrapped(node) {
            return self.schema(only);
        }
        if self.depth >= MAX_DEPTH {
            self.problems.push(Problem::warning(
                ProblemKind::TooLarge,
                format!(
                    "schemas nest deeper than {MAX_DEPTH} levels; the rest is read as any value"
                ),
                Some(node.at),
            ));
            return self.push(Schema {
                at: node.at,
                ..Schema::default()
            });
        }
        self.depth += 1;
        let schema = self.schema_content(node, None);
        self.depth -= 1;
        self.push(schema)
    }

    /// Adds a schema to the arena.
    pub(crate) fn push(&mut self, schema: Schema) -> SchemaId {
        self.contract.schemas.push(schema);
        SchemaId(self.contract.schemas.len() - 1)
    }

    /// The schema a `$ref` names, built once per target.
    fn schema_ref(&mut self, reference: &str, at: &Node) -> SchemaId {
        let key = match pointer_segments(reference) {
            Ok(segments) => segments.join("/"),
            Err(error) => return self.unresolved(&error, at),
        };
        if let Some(&id) = self.memo.get(&key) {
            return id;
        }
        if self.alias_stack.contains(&key) {
            return self.unresolved(&RefError::Cycle(reference.to_owned()), at);
        }
        let target = match resolve(self.root, reference) {
            Ok(target) => target,
            Err(error) => return self.unresolved(&error, at),
        };
        if ref_of(target).is_some() {
            self.alias_stack.push(key.clone());
            let id = self.schema(target);
            self.alias_stack.pop();
            self.memo.insert(key, id);
            return id;
        }
        let id = self.push(Schema {
            at: target.at,
            ..Schema::default()
        });
        self.memo.insert(key, id);
        self.in_progress.insert(id);
        let name = component_name(reference);
        self.depth += 1;
        let schema = self.schema_content(target, name);
        self.depth -= 1;
        self.in_progress.remove(&id);
        self.contract.schemas[id.0] = schema;
        id
    }

    /// Reports an unresolved reference and stands in an any-value schema.
    fn unresolved(&mut self, error: &RefError, at: &Node) -> SchemaId {
        let kind = match error {
            RefError::Cycle(_) => ProblemKind::CyclicRef,
            RefError::External(_) | RefError::Missing(_) => ProblemKind::UnresolvedRef,
        };
        let ref_at = at.get("$ref").map_or(at.at, |r| r.at);
        self.problems
            .push(Problem::error(kind, error.message(), Some(ref_at)));
        self.push(Schema {
            at: at.at,
            ..Schema::default()
        })
    }

    /// Reads the keywords of a schema object (no `$ref` at its top).
    pub(crate) fn schema_content(&mut self, node: &Node, name: Option<String>) -> Schema {
        let mut schema = Schema {
            at: node.at,
            name,
            ..Schema::default()
        };
        let Some(entries) = node.entries() else {
            if node.as_bool() == Some(false) {
                schema.not = Some(self.push(Schema {
                    at: node.at,
                    ..Schema::default()
                }));
            }
            return schema;
        };
        let mut nullable = false;
        for (key, value) in entries {
            match key.value.as_str() {
                "type" if self.spec == SpecVersion::Swagger2 && value.as_str() == Some("file") => {
                    schema.types = BTreeSet::from([Type::String]);
                    schema.format.get_or_insert_with(|| "binary".to_owned());
                }
                "type" => schema.types = self.types(value),
                "nullable" | "x-nullable" => nullable = value.as_bool() == Some(true),
                "format" => schema.format = value.as_str().map(str::to_owned),
                "enum" => {
                    schema.enumeration = value
                        .as_seq()
                        .map(|items| items.iter().map(canonical).collect());
                }
                "const" => schema.enumeration = Some(BTreeSet::from([canonical(value)])),
                "minimum" => set_bound(&mut schema.minimum, value),
                "maximum" => set_bound(&mut schema.maximum, value),
                "exclusiveMinimum" => exclusive(&mut schema.minimum, value),
                "exclusiveMaximum" => exclusive(&mut schema.maximum, value),
                "multipleOf" => schema.multiple_of = value.as_f64(),
                "minLength" => schema.min_length = count(value),
                "maxLength" => schema.max_length = count(value),
                "pattern" => schema.pattern = value.as_str().map(str::to_owned),
                "minItems" => schema.min_items = count(value),
                "maxItems" => schema.max_items = count(value),
                "uniqueItems" => schema.unique_items = value.as_bool() == Some(true),
                "minProperties" => schema.min_properties = count(value),
                "maxProperties" => schema.max_properties = count(value),
                "items" => {
                    let first = value.as_seq().and_then(<[Node]>::first).unwrap_or(value);
                    schema.items = Some(self.schema(first));
                }
                "properties" => self.properties(&mut schema, value),
                "required" => {
                    if let Some(items) = value.as_seq() {
                        schema.required = items
                            .iter()
                            .filter_map(Node::as_str)
                            .map(str::to_owned)
                            .collect();
                    }
                }
                "additionalProperties" => schema.additional = self.additional(value),
                "oneOf" => schema.one_of = self.alternatives(value),
                "anyOf" => schema.any_of = self.alternatives(value),
                "not" => schema.not = Some(self.schema(value)),
                "readOnly" => schema.read_only = value.as_bool() == Some(true),
                "writeOnly" => schema.write_only = value.as_bool() == Some(true),
                "deprecated" => schema.deprecated = value.as_bool() == Some(true),
                "default" => schema.default = Some(canonical(value)),
                "discriminator" => {
                    schema.discriminator = match &value.kind {
                        Kind::String(name) => Some(name.clone()),
                        _ => value
                            .get("propertyName")
                            .and_then(Node::as_str)
                            .map(str::to_owned),
                    };
                }
                other if OTHER_KEYWORDS.contains(&other) => {
                    schema.keywords.insert(other.to_owned(), canonical(value));
                }
                _ => {}
            }
        }
        for bound in [&mut schema.minimum, &mut schema.maximum] {
            if bound.is_some_and(|b| b.value.is_nan()) {
                *bound = None;
            }
        }
        if nullable && !schema.types.is_empty() {
            schema.types.insert(Type::Null);
        }
        if let Some(all_of) = node.get("allOf").and_then(Node::as_seq) {
            for part in all_of {
                let id = self.schema(part);
                if self.in_progress.contains(&id) {
                    self.problems.push(Problem::warning(
                        ProblemKind::CyclicRef,
                        "this `allOf` includes a schema that contains itself; that part is left out of the merge",
                        Some(part.at),
                    ));
                    continue;
                }
                let part = self.contract.schemas[id.0].clone();
                self.merge_into(&mut schema, &part);
            }
        }
        schema
    }

    /// The type set of a `type` value (a name or, in 3.1, a list of names).
    fn types(&mut self, value: &Node) -> BTreeSet<Type> {
        let names: Vec<&Node> = match &value.kind {
            Kind::Seq(items) if self.spec == SpecVersion::OpenApi31 => items.iter().collect(),
            _ => vec![value],
        };
        let mut types = BTreeSet::new();
        for name in names {
            match name.as_str().and_then(Type::from_name) {
                Some(t) => {
                    types.insert(t);
                }
                None => self.problems.push(Problem::error(
                    ProblemKind::Structure,
                    format!(
                        "`type` is {}; use one of null, boolean, integer, number, string, array, object",
                        name.as_str().map_or_else(|| name.type_name().to_owned(), |s| format!("`{s}`"))
                    ),
                    Some(name.at),
                )),
            }
        }
        types
    }

    /// Reads `properties`.
    fn properties(&mut self, schema: &mut Schema, value: &Node) {
        let Some(entries) = value.entries() else {
            return;
        };
        for (key, property) in entries {
            let id = self.schema(property);
            schema.properties.insert(
                key.value.clone(),
                Property {
                    schema: id,
                    at: key.at,
                },
            );
        }
    }

    /// Reads `additionalProperties`: `false`, `true`, `{}` or a schema.
    fn additional(&mut self, value: &Node) -> Additional {
        match &value.kind {
            Kind::Bool(false) => Additional::Forbidden,
            Kind::Bool(true) | Kind::Null => Additional::Any,
            Kind::Map(entries) if entries.is_empty() => Additional::Any,
            _ => Additional::Schema(self.schema(value)),
        }
    }

    /// Reads the alternatives of `oneOf` / `anyOf`.
    fn alternatives(&mut self, value: &Node) -> Vec<SchemaId> {
        value
            .as_seq()
            .map(|items| items.iter().map(|item| self.schema(item)).collect())
            .unwrap_or_default()
    }

    /// Merges `part` (an `allOf` member) into `into`.
    fn merge_into(&mut self, into: &mut Schema, part: &Schema) {
        into.types = match (into.types.is_empty(), part.types.is_empty()) {
            (true, _) => part.types.clone(),
            (false, true) => std::mem::take(&mut into.types),
            (false, false) => into.types.intersection(&part.types).copied().collect(),
        };
        if into.name.is_none() && into.properties.is_empty() {
            into.name.clone_from(&part.name);
        }
        merge_option(&mut into.format, &part.format);
        into.enumeration = match (into.enumeration.take(), &part.enumeration) {
            (Some(a), Some(b)) => Some(a.intersection(b).cloned().collect()),
            (a, b) => a.or_else(|| b.clone()),
        };
        into.minimum = tighter(into.minimum, part.minimum, true);
        into.maximum = tighter(into.maximum, part.maximum, false);
        merge_option(&mut into.multiple_of, &part.multiple_of);
        into.min_length = max_option(into.min_length, part.min_length);
        into.max_length = min_option(into.max_length, part.max_length);
        merge_option(&mut into.pattern, &part.pattern);
        into.min_items = max_option(into.min_items, part.min_items);
        into.max_items = min_option(into.max_items, part.max_items);
        into.unique_items |= part.unique_items;
        into.min_properties = max_option(into.min_properties, part.min_properties);
        into.max_properties = min_option(into.max_properties, part.max_properties);
        into.items = match (into.items, part.items) {
            (Some(a), Some(b)) if a != b => Some(self.merged(a, b)),
            (a, b) => a.or(b),
        };
        for (name, property) in &part.properties {
            match into.properties.get_mut(name) {
                Some(existing) if existing.schema != property.schema => {
                    existing.schema = self.merged(existing.schema, property.schema);
                }
                Some(_) => {}
                None => {
                    into.properties.insert(name.clone(), *property);
                }
            }
        }
        into.required.extend(part.required.iter().cloned());
        if part.additional != Additional::Any && into.additional == Additional::Any {
            into.additional = part.additional;
        }
        into.one_of.extend(part.one_of.iter().copied());
        into.any_of.extend(part.any_of.iter().copied());
        if into.not.is_none() {
            into.not = part.not;
        }
        into.read_only |= part.read_only;
        into.write_only |= part.write_only;
        into.deprecated |= part.deprecated;
        merge_option(&mut into.default, &part.default);
        merge_option(&mut into.discriminator, &part.discriminator);
        for (keyword, value) in &part.keywords {
            into.keywords
                .entry(keyword.clone())
                .or_insert_with(|| value.clone());
        }
    }

    /// A new schema that merges two existing ones (same property in two `allOf` parts).
    fn merged(&mut self, a: SchemaId, b: SchemaId) -> SchemaId {
        if self.depth >= MAX_DEPTH || self.in_progress.contains(&a) || self.in_progress.contains(&b)
        {
            return a;
        }
        self.depth += 1;
        let mut schema = self.contract.schemas[a.0].clone();
        let part = self.contract.schemas[b.0].clone();
        self.merge_into(&mut schema, &part);
        self.depth -= 1;
        self.push(schema)
    }
}

/// Keywords that annotate a schema without changing what it accepts.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "$comment",
];

/// The single `allOf` member of a schema that only wraps it (`allOf: [$ref]` plus
/// annotations), which stands for that member.
fn wrapped(node: &Node) -> Option<&Node> {
    let entries = node.entries()?;
    let [only] = node.get("allOf")?.as_seq()? else {
        return None;
    };
    entries
        .iter()
        .all(|(k, _)| {
            k.value == "allOf"
                || k.value.starts_with("x-")
                || ANNOTATIONS.contains(&k.value.as_str())
        })
        .then_some(only)
}

/// The component name of a reference such as `#/components/schemas/Pet`.
fn component_name(reference: &str) -> Option<String> {
    let segments = pointer_segments(reference).ok()?;
    match segments.as_slice() {
        [a, b, name] if a == "components" && b == "schemas" => Some(name.clone()),
        [a, name] if a == "definitions" => Some(name.clone()),
        _ => None,
    }
}

/// A value as canonical JSON text (keys in document order), for enums and defaults.
pub(crate) fn canonical(node: &Node) -> String {
    match &node.kind {
        Kind::Null => "null".to_owned(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n, _) => number_text(*n),
        Kind::String(s) => serde_json::Value::String(s.clone()).to_string(),
        Kind::Seq(items) => {
            let inner: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        Kind::Map(entries) => {
            let mut inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(k.value.clone()),
                        canonical(v)
                    )
                })
                .collect();
            inner.sort();
            format!("{{{}}}", inner.join(","))
        }
    }
}

/// A non-negative integer keyword such as `minLength`.
fn count(value: &Node) -> Option<u64> {
    value
        .as_f64()
        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
        .map(|n| n as u64)
}

/// Sets the limit of a bound, keeping whether it is exclusive.
fn set_bound(bound: &mut Option<Bound>, value: &Node) {
    if let Some(limit) = value.as_f64() {
        let exclusive = bound.is_some_and(|b| b.exclusive);
        *bound = Some(Bound {
            value: limit,
            exclusive,
        });
    }
}

/// Applies `exclusiveMinimum`/`exclusiveMaximum`: a boolean (2.0, 3.0) or a number (3.1).
fn exclusive(bound: &mut Option<Bound>, value: &Node) {
    match value.kind {
        Kind::Bool(flag) => {
            if let Some(b) = bound {
                b.exclusive = flag;
            } else if flag {
                *bound = Some(Bound {
                    value: f64::NAN,
                    exclusive: true,
                });
            }
        }
        Kind::Number(limit, _) => {
            *bound = Some(Bound {
                value: limit,
                exclusive: true,
            })
        }
        _ => {}
    }
}

/// The tighter of two bounds (`lower`: a minimum).
fn tighter(a: Option<Bound>, b: Option<Bound>, lower: bool) -> Option<Bound> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let a_wins = if lower {
                a.value >= b.value
            } else {
                a.value <= b.value
            };
            Some(if a_wins { a } else { b })
        }
        (a, b) => a.or(b),
    }
}

fn max_option(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn min_option(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Keeps `into` when set, else takes `part`.
fn merge_option<T: Clone>(into: &mut Option<T>, part: &Option<T>) {
    if into.is_none() {
        into.clone_from(part);
    }
}
