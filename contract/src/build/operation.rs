//! Operations: parameters (path-level and operation-level), request bodies, responses and
//! security, with OpenAPI 2.0 shapes (body and formData parameters, `produces`,
//! `consumes`) mapped onto the 3.x model.

use std::collections::BTreeMap;

use crate::build::Builder;
use crate::build::refs::follow;
use crate::document::{METHODS, SpecVersion};
use crate::model::{
    Header, MediaType, Operation, Parameter, ParameterKey, ParameterLocation, Property,
    RequestBody, Response, Schema, SecurityRequirement, Type,
};
use crate::node::Node;
use crate::position::Position;
use crate::problem::{Problem, ProblemKind};

/// `METHOD /path/{}` with parameter names erased.
pub fn operation_key(method: &str, path: &str) -> String {
    format!("{} {}", method.to_ascii_uppercase(), path_shape(path))
}

/// A path template with parameter names erased: `/products/{id}` → `/products/{}`.
pub fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                shape.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The names of the path parameters of a template, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Media types for 2.0 bodies when neither the operation nor the document names any.
const DEFAULT_MEDIA: &str = "application/json";

impl<'a> Builder<'a> {
    /// Reads every operation of `paths`.
    pub(crate) fn operations(&mut self) {
        let Some(entries) = self.root.get("paths").and_then(Node::entries) else {
            return;
        };
        for (path, item) in entries {
            if !path.value.starts_with('/') {
                continue;
            }
            let item = match follow(self.root, item) {
                Ok(item) => item,
                Err(error) => {
                    self.problems.push(Problem::error(
                        ProblemKind::UnresolvedRef,
                        error.message(),
                        Some(item.at),
                    ));
                    continue;
                }
            };
            let Some(methods) = item.entries() else {
                continue;
            };
            for (method, node) in methods {
                if !METHODS.contains(&method.value.as_str()) {
                    continue;
                }
                let key = operation_key(&method.value, &path.value);
                if let Some(existing) = self.contract.operations.get(&key) {
                    self.problems.push(Problem::error(
                        ProblemKind::Structure,
                        format!(
                            "`{} {}` has the same shape as `{}` (line {}); parameter names do not make paths different, so merge them",
                            method.value.to_ascii_uppercase(),
                            path.value,
                            existing.label(),
                            existing.at.line
                        ),
                        Some(method.at),
                    ));
                    continue;
                }
                let operation = self.operation(&method.value, &path.value, method.at, item, node);
                self.contract.operations.insert(key, operation);
            }
        }
    }

    /// Reads one operation.
    fn operation(
        &mut self,
        method: &str,
        path: &str,
        at: Position,
        item: &'a Node,
        node: &'a Node,
    ) -> Operation {
        let mut operation = Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            operation_id: node
                .get("operationId")
                .and_then(Node::as_str)
                .map(str::to_owned),
            at,
            deprecated: node.flag("deprecated"),
            parameters: BTreeMap::new(),
            request_body: None,
            responses: BTreeMap::new(),
            security: self.security(node),
        };
        let names = template_names(path);
        let mut form = Vec::new();
        for list in [item.get("parameters"), node.get("parameters")]
            .into_iter()
            .flatten()
        {
            for parameter in list.as_seq().unwrap_or_default() {
                self.parameter(&mut operation, &names, parameter, node, &mut form);
            }
        }
        if !form.is_empty() {
            operation.request_body = Some(self.form_body(&form, node));
        }
        if let Some(body) = node.get("requestBody") {
            operation.request_body = self.request_body(body);
        }
        if let Some(responses) = node.get("responses").and_then(Node::entries) {
            for (code, response) in responses {
                if code.value.starts_with("x-") {
                    continue;
                }
                if let Some(response) = self.response(response, code.at, node) {
                    operation
                        .responses
                        .insert(status_key(&code.value), response);
                }
            }
        }
        operation
    }

    /// Follows `$ref`s of a non-schema object, reporting dead ends.
    fn object(&mut self, node: &'a Node) -> Option<&'a Node> {
        match follow(self.root, node) {
            Ok(target) => Some(target),
            Err(error) => {
                let at = node.get("$ref").map_or(node.at, |r| r.at);
                self.problems.push(Problem::error(
                    ProblemKind::UnresolvedRef,
                    error.message(),
                    Some(at),
                ));
                None
            }
        }
    }

    /// Reads one parameter into `operation`; 2.0 body parameters become the request body,
    /// 2.0 formData parameters are collected into `form`.
    fn parameter(
        &mut self,
        operation: &mut Operation,
        names: &[&str],
        node: &'a Node,
        op_node: &'a Node,
        form: &mut Vec<&'a Node>,
    ) {
        let Some(parameter) = self.object(node) else {
            return;
        };
        let (Some(name), Some(location)) = (
            parameter.get("name").and_then(Node::as_str),
            parameter.get("in").and_then(Node::as_str),
        ) else {
            self.problems.push(Problem::error(
                ProblemKind::Structure,
                "a parameter needs `name` and `in`; add both",
                Some(parameter.at),
            ));
            return;
        };
        let location = match location {
            "path" => ParameterLocation::Path,
            "query" => ParameterLocation::Query,
            "header" => ParameterLocation::Header,
            "cookie" => ParameterLocation::Cookie,
            "body" if self.spec == SpecVersion::Swagger2 => {
                let schema = parameter.get("schema").map(|s| self.schema(s));
                let content = self
                    .media_types(op_node, "consumes")
                    .into_iter()
                    .map(|(media, at)| {
                        (
                            media,
                            MediaType {
                                schema,
                                at: at.unwrap_or(parameter.at),
                            },
                        )
                    })
                    .collect();
                operation.request_body = Some(RequestBody {
                    required: parameter.flag("required"),
                    content,
                    at: parameter.at,
                });
                return;
            }
            "formData" if self.spec == SpecVersion::Swagger2 => {
                form.retain(|existing| existing.get("name").and_then(Node::as_str) != Some(name));
                form.push(parameter);
                return;
            }
            other => {
                self.problems.push(Problem::error(
                    ProblemKind::Structure,
                    format!(
                        "parameter `{name}` is `in: {other}`; use path, query, header or cookie"
                    ),
                    parameter.get("in").map(|n| n.at),
                ));
                return;
            }
        };
        let key_name = match location {
            ParameterLocation::Path => names
                .iter()
                .position(|n| *n == name)
                .map_or_else(|| name.to_owned(), |i| i.to_string()),
            ParameterLocation::Header => name.to_ascii_lowercase(),
            ParameterLocation::Query | ParameterLocation::Cookie => name.to_owned(),
        };
        let schema = self.parameter_schema(parameter);
        let required = location == ParameterLocation::Path || parameter.flag("required");
        operation.parameters.insert(
            ParameterKey {
                location,
                name: key_name,
            },
            Parameter {
                name: name.to_owned(),
                location,
                required,
                deprecated: parameter.flag("deprecated"),
                schema,
                at: parameter.at,
            },
        );
    }

    /// The schema of a parameter or header: `schema`, the first `content` entry's schema,
    /// or (2.0) the keywords written on the object itself.
    fn parameter_schema(&mut self, node: &'a Node) -> Option<crate::model::SchemaId> {
        if let Some(schema) = node.get("schema") {
            return Some(self.schema(schema));
        }
        if let Some((_, media)) = node
            .get("content")
            .and_then(Node::entries)
            .and_then(<[_]>::first)
        {
            return media.get("schema").map(|s| self.schema(s));
        }
        if self.spec == SpecVersion::Swagger2 && node.get("type").is_some() {
            let schema = self.schema_content(node, None);
            return Some(self.push(schema));
        }
        None
    }

    /// A 2.0 formData request body: one object schema with a property per parameter.
    fn form_body(&mut self, form: &[&'a Node], op_node: &'a Node) -> RequestBody {
        let mut object = Schema {
            at: form[0].at,
            ..Schema::default()
        };
        object.types.insert(Type::Object);
        for parameter in form {
            let Some(name) = parameter.get("name").and_then(Node::as_str) else {
                continue;
            };
            let schema = self.parameter_schema(parameter).unwrap_or_else(|| {
                self.push(Schema {
                    at: parameter.at,
                    ..Schema::default()
                })
            });
            object.properties.insert(
                name.to_owned(),
                Property {
                    schema,
                    at: parameter.at,
                },
            );
            if parameter.flag("required") {
                object.required.insert(name.to_owned());
            }
        }
        let required = !object.required.is_empty();
        let at = object.at;
        let id = self.push(object);
        let consumes = self.media_types(op_node, "consumes");
        let media = consumes
            .iter()
            .map(|(m, _)| m.as_str())
            .find(|m| *m == "multipart/form-data")
            .unwrap_or("application/x-www-form-urlencoded")
            .to_owned();
        RequestBody {
            required,
            content: BTreeMap::from([(
                media,
                MediaType {
                    schema: Some(id),
                    at,
                },
            )]),
            at,
        }
    }

    /// 2.0 `consumes`/`produces` of an operation, else of the document, else JSON.
    fn media_types(&self, op_node: &'a Node, field: &str) -> Vec<(String, Option<Position>)> {
        let list = op_node
            .get(field)
            .or_else(|| self.root.get(field))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        let media: Vec<(String, Option<Position>)> = list
            .iter()
            .filter_map(|m| m.as_str().map(|s| (s.to_owned(), Some(m.at))))
            .collect();
        if media.is_empty() {
            vec![(DEFAULT_MEDIA.to_owned(), None)]
        } else {
            media
        }
    }

    /// Reads a 3.x `requestBody`.
    fn request_body(&mut self, node: &'a Node) -> Option<RequestBody> {
        let body = self.object(node)?;
        Some(RequestBody {
            required: body.flag("required"),
            content: self.content(body),
            at: node.at,
        })
    }

    /// Reads a 3.x `content` map.
    fn content(&mut self, node: &'a Node) -> BTreeMap<String, MediaType> {
        let mut content = BTreeMap::new();
        for (media, entry) in node
            .get("content")
            .and_then(Node::entries)
            .unwrap_or_default()
        {
            let schema = entry.get("schema").map(|s| self.schema(s));
            content.insert(
                media.value.to_ascii_lowercase(),
                MediaType {
                    schema,
                    at: media.at,
                },
            );
        }
        content
    }

    /// Reads one response.
    fn response(&mut self, node: &'a Node, at: Position, op_node: &'a Node) -> Option<Response> {
        let response = self.object(node)?;
        let content = if self.spec == SpecVersion::Swagger2 {
            match response.get("schema") {
                Some(schema) => {
                    let id = self.schema(schema);
                    self.media_types(op_node, "produces")
                        .into_iter()
                        .map(|(media, media_at)| {
                            (
                                media,
                                MediaType {
                                    schema: Some(id),
                                    at: media_at.unwrap_or(schema.at),
                                },
                            )
                        })
                        .collect()
                }
                None => BTreeMap::new(),
            }
        } else {
            self.content(response)
        };
        let mut headers = BTreeMap::new();
        for (name, header) in response
            .get("headers")
            .and_then(Node::entries)
            .unwrap_or_default()
        {
            let Some(header) = self.object(header) else {
                continue;
            };
            let schema = self.parameter_schema(header);
            headers.insert(
                name.value.to_ascii_lowercase(),
                Header {
                    name: name.value.clone(),
                    required: header.flag("required"),
                    schema,
                    at: name.at,
                },
            );
        }
        Some(Response {
            content,
            headers,
            at,
        })
    }

    /// The effective security of an operation: its own `security`, else the document's.
    fn security(&self, node: &Node) -> Option<Vec<SecurityRequirement>> {
        let list = node
            .get("security")
            .or_else(|| self.root.get("security"))?
            .as_seq()?;
        let mut alternatives: Vec<SecurityRequirement> = list
            .iter()
            .filter_map(Node::entries)
            .map(|schemes| {
                schemes
                    .iter()
                    .map(|(scheme, scopes)| {
                        let scopes = scopes
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .filter_map(Node::as_str)
                            .map(str::to_owned)
                            .collect();
                        (scheme.value.clone(), scopes)
                    })
                    .collect()
            })
            .collect();
        alternatives.sort();
        alternatives.dedup();
        if alternatives.is_empty() {
            None
        } else {
            Some(alternatives)
        }
    }
}

/// A status code key: `2xx` → `2XX`, `default` unchanged.
fn status_key(code: &str) -> String {
    if code.eq_ignore_ascii_case("default") {
        "default".to_owned()
    } else {
        code.to_ascii_uppercase()
    }
}
