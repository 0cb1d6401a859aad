//! A TOML document as a JSON value plus the byte span of every key and value.
//!
//! The JSON value feeds schema validation; the spans, keyed by JSON pointer, let every
//! diagnostic point at the offending key or value. TOML dates become strings here.

use std::collections::HashMap;
use std::ops::Range;

use serde_json::{Map, Number, Value};
use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use crate::source::Spanned;

/// Where one value sits in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The key's span, when the value has a key (not the root, not array items).
    pub key: Option<Range<usize>>,
    /// The value's span.
    pub value: Range<usize>,
}

impl Place {
    /// The key when there is one, else the value: where "this field" is.
    pub fn field(&self) -> Range<usize> {
        self.key.clone().unwrap_or_else(|| self.value.clone())
    }
}

/// A parsed TOML document.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The document as JSON.
    pub value: Value,
    places: HashMap<String, Place>,
}

/// A TOML syntax error: message and span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What the parser says, lower-cased first letter, no trailing period.
    pub message: String,
    /// Where.
    pub span: Range<usize>,
}

/// Appends a JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_join(pointer: &str, segment: &str) -> String {
    let escaped = segment.replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{escaped}")
}

impl Tree {
    /// Parses a TOML document; syntax errors are returned instead of a tree.
    pub fn parse(text: &str) -> Result<Tree, Vec<SyntaxError>> {
        let (table, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            return Err(errors
                .iter()
                .map(|error| SyntaxError {
                    message: error.message().trim().trim_end_matches('.').to_owned(),
                    span: error.span().unwrap_or(0..0),
                })
                .collect());
        }
        let mut places = HashMap::new();
        let span = table.span();
        places.insert(
            String::new(),
            Place {
                key: None,
                value: span,
            },
        );
        let value = convert_table(table.get_ref(), "", &mut places);
        Ok(Tree { value, places })
    }

    /// The place of a JSON pointer.
    pub fn place(&self, pointer: &str) -> Option<&Place> {
        self.places.get(pointer)
    }

    /// The value at a pointer with its span.
    pub fn get(&self, pointer: &str) -> Option<(&Value, &Place)> {
        Some((self.value.pointer(pointer)?, self.places.get(pointer)?))
    }

    /// A string at a pointer.
    pub fn string(&self, pointer: &str) -> Option<Spanned<String>> {
        let (value, place) = self.get(pointer)?;
        Some(Spanned::new(
            value.as_str()?.to_owned(),
            place.value.clone(),
        ))
    }

    /// An integer at a pointer.
    pub fn integer(&self, pointer: &str) -> Option<Spanned<i64>> {
        let (value, place) = self.get(pointer)?;
        Some(Spanned::new(value.as_i64()?, place.value.clone()))
    }

    /// A string enum at a pointer, read through its serde names.
    pub fn enumeration<T: serde::de::DeserializeOwned>(&self, pointer: &str) -> Option<Spanned<T>> {
        let (value, place) = self.get(pointer)?;
        let parsed = serde_json::from_value(value.clone()).ok()?;
        Some(Spanned::new(parsed, place.value.clone()))
    }

    /// The keys of the table at a pointer, with their spans, in key order.
    pub fn keys(&self, pointer: &str) -> Vec<Spanned<String>> {
        let Some(Value::Object(map)) = self.value.pointer(pointer) else {
            return Vec::new();
        };
        map.keys()
            .filter_map(|key| {
                let place = self.places.get(&pointer_join(pointer, key))?;
                Some(Spanned::new(key.clone(), place.field()))
            })
            .collect()
    }

    /// The items of an array of strings at a pointer, skipping non-strings.
    pub fn strings(&self, pointer: &str) -> Vec<Spanned<String>> {
        let Some(Value::Array(items)) = self.value.pointer(pointer) else {
            return Vec::new();
        };
        (0..items.len())
            .filter_map(|index| self.string(&format!("{pointer}/{index}")))
            .collect()
    }
}

fn convert_table(table: &DeTable<'_>, pointer: &str, places: &mut HashMap<String, Place>) -> Value {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let child = pointer_join(pointer, key.get_ref());
        places.insert(
            child.clone(),
            Place {
                key: Some(key.span()),
                value: value.span(),
            },
        );
        map.insert(
            key.get_ref().to_string(),
            convert_value(value, &child, places),
        );
    }
    Value::Object(map)
}

fn convert_value(
    value: &TomlSpanned<DeValue<'_>>,
    pointer: &str,
    places: &mut HashMap<String, Place>,
) -> Value {
    match value.get_ref() {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => {
            let digits = integer.as_str();
            match i64::from_str_radix(digits, integer.radix()) {
                Ok(number) => Value::Number(number.into()),
                Err(_) => Value::String(digits.to_owned()),
            }
        }
        DeValue::Float(float) => float
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or_else(|| Value::String(float.as_str().to_owned()), Value::Number),
        DeValue::Boolean(flag) => Value::Bool(*flag),
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(array) => Value::Array(
            array
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let child = format!("{pointer}/{index}");
                    places.insert(
                        child.clone(),
                        Place {
                            key: None,
                            value: item.span(),
                        },
                    );
                    convert_value(item, &child, places)
                })
                .collect(),
        ),
        DeValue::Table(table) => convert_table(table, pointer, places),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_converts_dates() {
        let text = "service = \"products\"\n[versions.v1]\nsunset = 2027-06-30\nweight = 10\n";
        let tree = Tree::parse(text).expect("valid toml");
        let service = tree.string("/service").expect("service");
        assert_eq!(&text[service.span.clone()], "\"products\"");
        let key = tree
            .place("/versions/v1/sunset")
            .and_then(|p| p.key.clone());
        assert_eq!(key.map(|span| &text[span]), Some("sunset"));
        assert_eq!(
            tree.string("/versions/v1/sunset").map(|s| s.value),
            Some("2027-06-30".to_owned())
        );
        assert_eq!(
            tree.integer("/versions/v1/weight").map(|s| s.value),
            Some(10)
        );
    }

    #[test]
    fn syntax_errors_have_spans() {
        let errors = Tree::parse("service = \n").expect_err("invalid");
        assert!(!errors.is_empty());
        assert_eq!(
            Tree::parse("a = 1\na = 2\n")
                .map(|_| ())
                .map_err(|e| e.len()),
            Err(1)
        );
    }
}
