//! Validation of manifests against the JSON Schemas generated in `switchyard-schemas`.
//!
//! All `jsonschema` calls live in this module (its API moves between minor versions).
//! Instance paths of the validator's errors are mapped back to TOML spans.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use switchyard_schemas::json_schema::{SchemaFile, environment_schema, manifest_schema};

use crate::diagnostic::{At, Diagnostics};
use crate::manifest::tree::{Tree, pointer_join};
use crate::rules;

/// Which schema a file is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `environment.toml`.
    Environment,
    /// A release manifest.
    Manifest,
}

/// A compiled schema and its JSON (for the names of known fields).
struct Compiled {
    validator: Validator,
    schema: Value,
}

fn compiled(kind: SchemaKind) -> Option<&'static Compiled> {
    static ENVIRONMENT: OnceLock<Option<Compiled>> = OnceLock::new();
    static MANIFEST: OnceLock<Option<Compiled>> = OnceLock::new();
    let (cell, file): (_, fn() -> SchemaFile) = match kind {
        SchemaKind::Environment => (&ENVIRONMENT, environment_schema),
        SchemaKind::Manifest => (&MANIFEST, manifest_schema),
    };
    cell.get_or_init(|| {
        let schema = file().schema.as_value().clone();
        let validator = jsonschema::validator_for(&schema).ok()?;
        Some(Compiled { validator, schema })
    })
    .as_ref()
}

/// Validates a tree and reports each violation at the key or value it concerns.
pub fn validate(kind: SchemaKind, tree: &Tree, file: &str, out: &mut Diagnostics<'_>) {
    let Some(compiled) = compiled(kind) else {
        return;
    };
    for error in compiled.validator.iter_errors(&tree.value) {
        report(&error, &compiled.schema, tree, file, out);
    }
}

/// `[versions.v1]` for `/versions/v1`, `the top level` for the root.
pub fn table_name(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the top level".to_owned();
    }
    let dotted: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect();
    format!("[{}]", dotted.join("."))
}

fn field_name(pointer: &str) -> String {
    let name = pointer.rsplit('/').next().unwrap_or_default();
    name.replace("~1", "/").replace("~0", "~")
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "an integer",
        Value::Number(_) => "a float",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn report(
    error: &ValidationError<'_>,
    schema: &Value,
    tree: &Tree,
    file: &str,
    out: &mut Diagnostics<'_>,
) {
    let pointer = error.instance_path().as_str();
    let place = tree.place(pointer);
    let value_at = |span: Option<std::ops::Range<usize>>| match span {
        Some(span) => At::span(file, span),
        None => At::file(file),
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let child = pointer_join(pointer, key);
                let span = tree.place(&child).map(|place| place.field());
                out.report(
                    &rules::unknown_field::RULE,
                    value_at(span),
                    format!("unknown field `{key}` in {}", table_name(pointer)),
                )
                .label("not a field of this table")
                .help(expected_fields(schema, error.schema_path().as_str(), key));
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            out.report(
                &rules::missing_field::RULE,
                value_at(place.map(|place| place.field())),
                format!("missing field `{name}` in {}", table_name(pointer)),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            // An optional field is `anyOf [T, null]`: only the non-null branches matter.
            let branches: Vec<&Vec<ValidationError<'static>>> = context
                .iter()
                .filter(|branch| !branch.iter().any(is_null_type_error))
                .collect();
            let constants: Vec<String> = branches
                .iter()
                .flat_map(|branch| branch.iter())
                .filter_map(|inner| match inner.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        Some(format!("`{}`", expected_value.as_str().unwrap_or_default()))
                    }
                    _ => None,
                })
                .collect();
            if !constants.is_empty() {
                // An enum: `oneOf` of constants, one per variant.
                out.report(
                    &rules::invalid_value::RULE,
                    value_at(place.map(|place| place.value.clone())),
                    format!(
                        "`{}` must be one of {}, found {}",
                        field_name(pointer),
                        constants.join(", "),
                        error.instance()
                    ),
                );
            } else {
                for inner in branches.into_iter().flatten() {
                    report(inner, schema, tree, file, out);
                }
            }
        }
        kind => {
            let instance = error.instance();
            let message = match kind {
                ValidationErrorKind::Type { kind } => {
                    let expected = match kind {
                        TypeKind::Single(single) => single.to_string(),
                        TypeKind::Multiple(set) => format!("{set:?}"),
                    };
                    format!(
                        "`{}` must be {}, found {}",
                        field_name(pointer),
                        article(&expected),
                        type_name(instance)
                    )
                }
                ValidationErrorKind::Enum { options } => {
                    let names: Vec<String> = options
                        .as_array()
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(Value::as_str)
                                .map(|s| format!("`{s}`"))
                                .collect()
                        })
                        .unwrap_or_default();
                    format!(
                        "`{}` must be one of {}, found {instance}",
                        field_name(pointer),
                        names.join(", ")
                    )
                }
                _ => format!("`{}`: {error}", field_name(pointer)),
            };
            out.report(
                &rules::invalid_value::RULE,
                value_at(place.map(|place| place.value.clone())),
                message,
            );
        }
    }
}

fn is_null_type_error(error: &ValidationError<'_>) -> bool {
    matches!(error.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(single) } if single.to_string() == "null")
}

fn article(type_name: &str) -> String {
    match type_name {
        "object" => "a table".to_owned(),
        "integer" | "array" => format!("an {type_name}"),
        other => format!("a {other}"),
    }
}

/// `did you mean `weight`?` when a known field is one or two edits away, else
/// `the fields here are: a, b, c`, from the `properties` beside the failing
/// `additionalProperties` keyword.
fn expected_fields(schema: &Value, schema_path: &str, unknown: &str) -> String {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let names: Vec<&str> = subschema(schema, parent)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let closest = names
        .iter()
        .map(|name| (edit_distance(unknown, name), *name))
        .filter(|(distance, _)| *distance <= 2)
        .min();
    match closest {
        Some((_, name)) => format!("did you mean `{name}`?"),
        None if names.is_empty() => "remove it, or check its spelling".to_owned(),
        None => format!("the fields here are: {}", names.join(", ")),
    }
}

/// Levenshtein distance, counting an adjacent swap as one edit.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Follows a schema path (keyword location) from the root, resolving local `$ref`s.
fn subschema<'s>(root: &'s Value, schema_path: &str) -> Option<&'s Value> {
    let mut node = root;
    for segment in schema_path.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        node = if segment == "$ref" {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            root.pointer(target)?
        } else {
            match node {
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => node.get(segment.as_str())?,
            }
        };
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("wieght", "weight"), 1);
        assert_eq!(edit_distance("stage_in", "staged_in"), 1);
        assert_eq!(edit_distance("upstream", "upstream"), 0);
        assert_eq!(edit_distance("colour", "target"), 6);
    }
}
