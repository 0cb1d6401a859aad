//! The normalized contract model shared by OpenAPI 2.0, 3.0 and 3.1: operations keyed by
//! method and path shape, their parameters, bodies, responses and security, and a graph of
//! schemas (an arena, so recursive schemas stay finite).

use std::collections::{BTreeMap, BTreeSet};

use crate::position::Position;

/// A normalized API contract.
///
/// Two contracts are equal when [`crate::diff`] finds no change between them: schema names,
/// path parameter names and where a schema is written (inline or in `components`) do not
/// matter.
#[derive(Clone, Debug, Default)]
pub struct Contract {
    /// Operations keyed by `METHOD /path/{}/shape`.
    pub operations: BTreeMap<String, Operation>,
    /// Every schema of the contract; [`SchemaId`]s index it.
    pub schemas: Vec<Schema>,
}

impl Contract {
    /// The schema behind `id`.
    pub fn schema(&self, id: SchemaId) -> &Schema {
        &self.schemas[id.0]
    }
}

impl PartialEq for Contract {
    fn eq(&self, other: &Self) -> bool {
        crate::diff::diff(self, other).is_empty()
    }
}

/// An index into [`Contract::schemas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaId(pub usize);

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template as written.
    pub path: String,
    /// The `operationId`, when given.
    pub operation_id: Option<String>,
    /// Where the method key is.
    pub at: Position,
    /// Whether the operation is marked deprecated.
    pub deprecated: bool,
    /// Parameters (path-level and operation-level merged).
    pub parameters: BTreeMap<ParameterKey, Parameter>,
    /// The request body, when any.
    pub request_body: Option<RequestBody>,
    /// Responses keyed by status code as written (`200`, `2XX`, `default`).
    pub responses: BTreeMap<String, Response>,
    /// The effective security requirements (operation-level, else global): any one
    /// alternative must be met; `None` when the operation needs no security.
    pub security: Option<Vec<SecurityRequirement>>,
}

impl Operation {
    /// `METHOD /path/{as written}`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Where a parameter is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

impl ParameterLocation {
    /// The OpenAPI name of the location.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// How a parameter is matched between contracts: path parameters by their place in the
/// template (so renaming them is no change), others by location and name (headers
/// case-insensitively).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParameterKey {
    /// Where the parameter is sent.
    pub location: ParameterLocation,
    /// The name (lower case for headers), or the 0-based place for path parameters.
    pub name: String,
}

/// One parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// The name as written.
    pub name: String,
    /// Where it is sent.
    pub location: ParameterLocation,
    /// Whether clients must send it.
    pub required: bool,
    /// Whether it is marked deprecated.
    pub deprecated: bool,
    /// Its schema, when given.
    pub schema: Option<SchemaId>,
    /// Where the parameter is defined.
    pub at: Position,
}

/// A request body.
#[derive(Clone, Debug)]
pub struct RequestBody {
    /// Whether clients must send it.
    pub required: bool,
    /// Schemas per media type.
    pub content: BTreeMap<String, MediaType>,
    /// Where it is defined.
    pub at: Position,
}

/// One media type of a body.
#[derive(Clone, Debug)]
pub struct MediaType {
    /// The schema, when given.
    pub schema: Option<SchemaId>,
    /// Where the media type key is.
    pub at: Position,
}

/// One response.
#[derive(Clone, Debug)]
pub struct Response {
    /// Schemas per media type.
    pub content: BTreeMap<String, MediaType>,
    /// Response headers keyed by lower-case name.
    pub headers: BTreeMap<String, Header>,
    /// Where the status code key is.
    pub at: Position,
}

/// One response header.
#[derive(Clone, Debug)]
pub struct Header {
    /// The name as written.
    pub name: String,
    /// Whether the server always sends it.
    pub required: bool,
    /// Its schema, when given.
    pub schema: Option<SchemaId>,
    /// Where it is defined.
    pub at: Position,
}

/// One security alternative: scheme names with their required scopes.
pub type SecurityRequirement = BTreeMap<String, BTreeSet<String>>;

/// The JSON types a schema admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    /// `null`.
    Null,
    /// `boolean`.
    Boolean,
    /// `integer`.
    Integer,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `array`.
    Array,
    /// `object`.
    Object,
}

impl Type {
    /// The JSON Schema name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Array => "array",
            Self::Object => "object",
        }
    }

    /// The type named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => Self::Null,
            "boolean" => Self::Boolean,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "string" => Self::String,
            "array" => Self::Array,
            "object" => Self::Object,
            _ => return None,
        })
    }
}

/// What a schema says about properties it does not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Additional {
    /// Anything is allowed (the default).
    #[default]
    Any,
    /// Nothing else is allowed (`additionalProperties: false`).
    Forbidden,
    /// Other properties must match this schema.
    Schema(SchemaId),
}

/// A numeric bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// One property of an object schema.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// Its schema.
    pub schema: SchemaId,
    /// Where the property key is.
    pub at: Position,
}

/// A normalized schema: `$ref`s resolved into [`SchemaId`]s, `allOf` merged, `nullable`
/// and type arrays unified into [`Schema::types`], 3.1 numeric exclusive bounds unified
/// with 3.0 boolean ones.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Where the schema is written.
    pub at: Position,
    /// The component name when the schema is a named one.
    pub name: Option<String>,
    /// The admitted types; empty means any type.
    pub types: BTreeSet<Type>,
    /// `format`.
    pub format: Option<String>,
    /// `enum` (and `const`) values as canonical JSON text, sorted.
    pub enumeration: Option<BTreeSet<String>>,
    /// `minimum` / `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` / `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `items`.
    pub items: Option<SchemaId>,
    /// `properties`.
    pub properties: BTreeMap<String, Property>,
    /// `required`.
    pub required: BTreeSet<String>,
    /// `additionalProperties`.
    pub additional: Additional,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `oneOf` alternatives.
    pub one_of: Vec<SchemaId>,
    /// `anyOf` alternatives.
    pub any_of: Vec<SchemaId>,
    /// `not`.
    pub not: Option<SchemaId>,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `default` as canonical JSON text.
    pub default: Option<String>,
    /// `discriminator.propertyName`.
    pub discriminator: Option<String>,
    /// Other validation keywords compared as written (canonical JSON text), e.g. `contains`,
    /// `if`/`then`/`else`, `dependentRequired`, `patternProperties`; see [`OTHER_KEYWORDS`].
    pub keywords: BTreeMap<String, String>,
}

/// Validation keywords kept as written in [`Schema::keywords`]: adding one restricts
/// values, removing one relaxes them.
pub const OTHER_KEYWORDS: &[&str] = &[
    "contains",
    "minContains",
    "maxContains",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "contentMediaType",
    "contentEncoding",
    "x-extensible-enum",
];
