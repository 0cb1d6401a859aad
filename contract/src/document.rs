//! Reads one OpenAPI 2.0, 3.0 or 3.1 document: its version, `info.version`, base paths and
//! operations with positions, and its normalized [`Contract`].

use crate::build;
use crate::model::Contract;
use crate::node::{Kind, Node};
use crate::position::{Located, Position};
use crate::problem::{Problem, ProblemKind};
use crate::reader::read_tree;

/// The OpenAPI version a document declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum SpecVersion {
    /// Swagger / OpenAPI 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x (and 3.2.x, read as 3.1 with a warning).
    OpenApi31,
}

/// The HTTP methods an OpenAPI path item can hold, in the order they are listed.
pub(crate) const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// A document read from text: what the compiler needs, and the normalized contract.
#[derive(Clone, Debug)]
pub struct Document {
    /// The declared OpenAPI version.
    pub spec: SpecVersion,
    /// The raw `info.version` text, positioned at its value (empty when missing; a problem
    /// says so).
    pub info_version: Located<String>,
    /// 2.0: `basePath` (none when absent); 3.x: the path part of every `servers[].url`,
    /// with server variables replaced by their defaults, without a trailing slash (`/`
    /// when the path is empty).
    pub base_paths: Vec<Located<String>>,
    /// Every operation, in document order.
    pub operations: Vec<DocOperation>,
    /// The normalized contract.
    pub contract: Contract,
}

/// One operation as written in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocOperation {
    /// The HTTP method in upper case.
    pub method: String,
    /// The path template as written, e.g. `/products/{productId}`.
    pub path: String,
    /// The `operationId`, when given.
    pub operation_id: Option<String>,
    /// The position of the method key.
    pub at: Position,
}

/// The outcome of reading a document: the document when it could be understood, and every
/// problem found.
#[derive(Clone, Debug)]
pub struct Reading {
    /// The document, when its text parsed and its version is supported.
    pub document: Option<Document>,
    /// Every problem found, in document order as far as possible.
    pub problems: Vec<Problem>,
}

impl Reading {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == crate::problem::Severity::Error)
    }
}

/// Reads an OpenAPI document from YAML or JSON text. Never panics, whatever the input.
pub fn read_document(text: &str) -> Reading {
    let mut problems = Vec::new();
    let document = match read_tree(text) {
        Ok(root) => understand(&root, &mut problems),
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    Reading { document, problems }
}

/// Turns a parsed tree into a document, collecting problems.
fn understand(root: &Node, problems: &mut Vec<Problem>) -> Option<Document> {
    if root.entries().is_none() {
        problems.push(Problem::error(
            ProblemKind::Structure,
            format!(
                "the document is {}, not a mapping; an OpenAPI document starts with `openapi:` or `swagger:`",
                root.type_name()
            ),
            Some(root.at),
        ));
        return None;
    }
    let spec = spec_version(root, problems)?;
    let info_version = info_version(root, problems);
    let base_paths = match spec {
        SpecVersion::Swagger2 => swagger_base_path(root, problems),
        SpecVersion::OpenApi30 | SpecVersion::OpenApi31 => server_paths(root, problems),
    };
    let operations = operations(root, problems);
    let contract = build::contract(root, spec, problems);
    Some(Document {
        spec,
        info_version,
        base_paths,
        operations,
        contract,
    })
}

/// Finds `swagger` or `openapi` and decides which version the document is.
fn spec_version(root: &Node, problems: &mut Vec<Problem>) -> Option<SpecVersion> {
    let (field, node) = match (root.entry("openapi"), root.entry("swagger")) {
        (Some((_, node)), _) => ("openapi", node),
        (None, Some((_, node))) => ("swagger", node),
        (None, None) => {
            problems.push(Problem::error(
                ProblemKind::UnsupportedVersion,
                "no `openapi` or `swagger` field; add `openapi: 3.1.0` (or 3.0.x, or `swagger: \"2.0\"`) at the top",
                Some(root.at),
            ));
            return None;
        }
    };
    let declared = node.scalar_text().unwrap_or_default();
    let spec = match (field, declared.as_str()) {
        ("swagger", "2.0") => Some(SpecVersion::Swagger2),
        ("openapi", v) if v.starts_with("3.0.") || v == "3.0" => Some(SpecVersion::OpenApi30),
        ("openapi", v) if v.starts_with("3.1.") || v == "3.1" => Some(SpecVersion::OpenApi31),
        ("openapi", v) if v.starts_with("3.2.") || v == "3.2" => {
            problems.push(Problem::warning(
                ProblemKind::UnsupportedVersion,
                format!(
                    "OpenAPI {v} is read as 3.1: features new in 3.2 are not checked; use 3.1 to be sure"
                ),
                Some(node.at),
            ));
            Some(SpecVersion::OpenApi31)
        }
        _ => None,
    };
    if spec.is_none() {
        problems.push(Problem::error(
            ProblemKind::UnsupportedVersion,
            format!(
                "`{field}: {declared}` is not supported; use OpenAPI 2.0, 3.0.x or 3.1.x (quote the version so it stays text)"
            ),
            Some(node.at),
        ));
    }
    spec
}

/// The raw `info.version` text and its position.
fn info_version(root: &Node, problems: &mut Vec<Problem>) -> Located<String> {
    let Some(info) = root.get("info") else {
        problems.push(Problem::error(
            ProblemKind::Structure,
            "no `info` section; add `info:` with `title` and `version`",
            Some(root.at),
        ));
        return Located::new(String::new(), root.at);
    };
    match info.get("version") {
        Some(version) => match version.scalar_text() {
            Some(raw) => Located::new(raw, version.at),
            None => {
                problems.push(Problem::error(
                    ProblemKind::Structure,
                    format!(
                        "`info.version` is {}; write the version as text, e.g. \"1.2.0\"",
                        version.type_name()
                    ),
                    Some(version.at),
                ));
                Located::new(String::new(), version.at)
            }
        },
        None => {
            problems.push(Problem::error(
                ProblemKind::Structure,
                "no `info.version`; add `version: \"1.0.0\"` under `info`",
                Some(info.at),
            ));
            Located::new(String::new(), info.at)
        }
    }
}

/// 2.0: the `basePath`, when present.
fn swagger_base_path(root: &Node, problems: &mut Vec<Problem>) -> Vec<Located<String>> {
    let Some(node) = root.get("basePath") else {
        return Vec::new();
    };
    match node.as_str() {
        Some(path) => vec![Located::new(trim_path(path), node.at)],
        None => {
            problems.push(expected(node, "`basePath`", "a string such as \"/v1\""));
            Vec::new()
        }
    }
}

/// 3.x: the path part of every `servers[].url`.
fn server_paths(root: &Node, problems: &mut Vec<Problem>) -> Vec<Located<String>> {
    let Some(servers) = root.get("servers") else {
        return Vec::new();
    };
    let Some(items) = servers.as_seq() else {
        problems.push(expected(servers, "`servers`", "a list of `url:` entries"));
        return Vec::new();
    };
    let mut paths = Vec::with_capacity(items.len());
    for server in items {
        let Some(url) = server.get("url") else {
            problems.push(Problem::error(
                ProblemKind::Structure,
                "a server without `url`; add `url: /v1` or a full URL",
                Some(server.at),
            ));
            continue;
        };
        let Some(text) = url.as_str() else {
            problems.push(expected(
                url,
                "`url`",
                "a string such as \"https://api.example.com/v1\"",
            ));
            continue;
        };
        let substituted = substitute_variables(text, server.get("variables"));
        paths.push(Located::new(trim_path(url_path(&substituted)), url.at));
    }
    paths
}

/// Replaces `{name}` by the default of server variable `name` (unknown names stay as written).
fn substitute_variables(url: &str, variables: Option<&Node>) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let default = variables
            .and_then(|v| v.get(name))
            .and_then(|v| v.get("default"))
            .and_then(Node::as_str);
        match default {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The path part of an absolute or relative URL (query and fragment dropped).
fn url_path(url: &str) -> &str {
    let without_query = url.split(['?', '#']).next().unwrap_or("");
    match without_query.find("://") {
        Some(scheme_end) => {
            let after = &without_query[scheme_end + 3..];
            after.find('/').map_or("", |slash| &after[slash..])
        }
        None if without_query.starts_with("//") => {
            let after = &without_query[2..];
            after.find('/').map_or("", |slash| &after[slash..])
        }
        None => without_query,
    }
}

/// A base path without trailing slashes; `/` when empty.
fn trim_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

/// Every operation of `paths`, in document order.
fn operations(root: &Node, problems: &mut Vec<Problem>) -> Vec<DocOperation> {
    let Some(paths) = root.get("paths") else {
        return Vec::new();
    };
    let Some(entries) = paths.entries() else {
        problems.push(expected(
            paths,
            "`paths`",
            "a mapping of paths to operations",
        ));
        return Vec::new();
    };
    let mut operations = Vec::new();
    for (path, item) in entries {
        if !path.value.starts_with('/') {
            if !path.value.starts_with("x-") {
                problems.push(Problem::error(
                    ProblemKind::Structure,
                    format!(
                        "path `{}` does not start with `/`; write it as `/{}`",
                        path.value, path.value
                    ),
                    Some(path.at),
                ));
            }
            continue;
        }
        let item = crate::build::refs::follow(root, item).unwrap_or(item);
        let Some(methods) = item.entries() else {
            if !matches!(item.kind, Kind::Null) {
                problems.push(expected(
                    item,
                    &format!("path `{}`", path.value),
                    "a mapping of methods to operations",
                ));
            }
            continue;
        };
        for (method, operation) in methods {
            if !METHODS.contains(&method.value.as_str()) {
                continue;
            }
            operations.push(DocOperation {
                method: method.value.to_ascii_uppercase(),
                path: path.value.clone(),
                operation_id: operation
                    .get("operationId")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                at: method.at,
            });
        }
    }
    operations
}

/// A problem saying `what` should be `shape` but is something else.
pub(crate) fn expected(node: &Node, what: &str, shape: &str) -> Problem {
    Problem::error(
        ProblemKind::Structure,
        format!("{what} is {}; it must be {shape}", node.type_name()),
        Some(node.at),
    )
}
