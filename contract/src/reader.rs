//! Reads YAML or JSON text into a positioned [`Node`] tree.
//!
//! The text goes through serde-saphyr's event parser (`granit_parser`, pure Rust, fuzzed);
//! the tree is built here from its events rather than through serde, which halves the time
//! on multi-megabyte documents. The protections are enforced while building, in one place:
//! duplicate keys are rejected with their position, aliases may copy at most
//! [`MAX_ALIAS_NODES`] nodes and [`MAX_ALIAS_BYTES`] bytes in total (an alias bomb fails
//! in milliseconds), nesting stops at [`MAX_DEPTH`], only one document is read, and plain
//! scalars follow the YAML 1.2 core schema with no YAML 1.1 surprises: `yes`/`no`/`on`/
//! `off` stay text, as do numbers with leading zeros (`0755`) or underscores (`1_000`).

use std::collections::{HashMap, HashSet};

use serde_saphyr::granit_parser::{Event, Options, Parser, ScalarStyle, ScanError, Span};

use crate::node::{Kind, Node};
use crate::position::{Located, Position};
use crate::problem::{Problem, ProblemKind};

/// The largest document read, in bytes (16 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// How many nodes aliases may copy in one document.
pub const MAX_ALIAS_NODES: usize = 100_000;
/// How many scalar bytes aliases may copy in one document.
pub const MAX_ALIAS_BYTES: usize = 4 * 1024 * 1024;
/// How deeply sequences and mappings may nest.
pub const MAX_DEPTH: usize = 200;

/// Reads `text` (YAML 1.2, so JSON too) into a tree, or the problem that stops it.
pub(crate) fn read_tree(text: &str) -> Result<Node, Problem> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Problem::error(
            ProblemKind::TooLarge,
            format!(
                "the document is {} bytes, more than the limit of {MAX_DOCUMENT_BYTES}; split it or remove unused parts",
                text.len()
            ),
            None,
        ));
    }
    let mut options = Options::default();
    options.emit_comments = false;
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    let mut builder = Builder::default();
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|e| syntax(&e))?;
        builder.event(event, span)?;
    }
    builder.root.ok_or_else(|| {
        Problem::error(
            ProblemKind::Structure,
            "the document is empty; an OpenAPI document starts with `openapi:` or `swagger:`",
            Some(Position::new(1, 1)),
        )
    })
}

/// A problem for a parser error.
fn syntax(error: &ScanError) -> Problem {
    let marker = error.marker();
    let info = error.info();
    let message = match info.chars().next() {
        Some(first) => first.to_lowercase().chain(info.chars().skip(1)).collect(),
        None => "unreadable text".to_owned(),
    };
    Problem::error(
        ProblemKind::Syntax,
        format!(
            "{}; fix the YAML or JSON syntax",
            message.trim_end_matches('.')
        ),
        Some(Position::new(marker.line().max(1), marker.col() + 1)),
    )
}

/// The position where a span starts.
fn start(span: &Span) -> Position {
    Position::new(span.start.line().max(1), span.start.col() + 1)
}

/// A collection being built.
struct Frame {
    /// The collection's anchor id (0: none).
    anchor: usize,
    at: Position,
    /// Nodes in this collection so far (for alias accounting).
    nodes: usize,
    /// Scalar bytes in this collection so far.
    bytes: usize,
    body: Body,
}

/// The content of a collection being built.
enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Located<String>, Node)>,
        /// A key read, waiting for its value.
        pending: Option<Located<String>>,
        /// Keys seen, once the mapping is large enough to need a set.
        seen: Option<HashSet<String>>,
    },
}

/// Builds the tree from parser events.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes with their node and byte counts.
    anchors: HashMap<usize, (Node, usize, usize)>,
    alias_nodes: usize,
    alias_bytes: usize,
    documents: usize,
}

/// Mappings with more keys than this check duplicates through a set.
const SET_THRESHOLD: usize = 16;

impl Builder {
    /// Handles one event.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Problem> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Problem::error(
                        ProblemKind::Structure,
                        "the file holds more than one YAML document; keep one OpenAPI document per file",
                        Some(start(&span)),
                    ));
                }
            }
            Event::DocumentEnd => {}
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            #[allow(unreachable_patterns)]
            Event::UnresolvedAlias(name) => {
                return Err(Problem::error(
                    ProblemKind::Syntax,
                    format!("alias `*{name}` names no anchor; define `&{name}` before using it"),
                    Some(start(&span)),
                ));
            }
            Event::Alias(id) => {
                let Some((node, nodes, bytes)) = self.anchors.get(&id) else {
                    return Err(Problem::error(
                        ProblemKind::Syntax,
                        "this alias names no anchor; define the anchor before using it",
                        Some(start(&span)),
                    ));
                };
                self.alias_nodes = self.alias_nodes.saturating_add(*nodes);
                self.alias_bytes = self.alias_bytes.saturating_add(*bytes);
                if self.alias_nodes > MAX_ALIAS_NODES || self.alias_bytes > MAX_ALIAS_BYTES {
                    return Err(Problem::error(
                        ProblemKind::TooLarge,
                        format!(
                            "aliases expand to more than {MAX_ALIAS_NODES} nodes or {MAX_ALIAS_BYTES} bytes (an alias bomb?); write the values out or use fewer aliases"
                        ),
                        Some(start(&span)),
                    ));
                }
                let mut node = node.clone();
                node.at = start(&span);
                let (nodes, bytes) = (*nodes, *bytes);
                self.finish(node, nodes, bytes, 0)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let at = start(&span);
                let forced_text = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let kind = if style == ScalarStyle::Plain && !forced_text {
                    resolve_plain(&text)
                } else {
                    Kind::String(text.into_owned())
                };
                let bytes = match &kind {
                    Kind::String(s) => s.len(),
                    Kind::Number(_, raw) => raw.len(),
                    _ => 0,
                };
                self.finish(Node { kind, at }, 1, bytes, anchor)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.open(anchor, start(&span), Body::Seq(Vec::new()))?
            }
            Event::MappingStart(_, anchor, _) => self.open(
                anchor,
                start(&span),
                Body::Map {
                    entries: Vec::new(),
                    pending: None,
                    seen: None,
                },
            )?,
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(Problem::error(
                        ProblemKind::Syntax,
                        "a collection ends that never started; fix the YAML or JSON syntax",
                        Some(start(&span)),
                    ));
                };
                let kind = match frame.body {
                    Body::Seq(items) => Kind::Seq(items),
                    Body::Map { entries, .. } => Kind::Map(entries),
                };
                self.finish(
                    Node { kind, at: frame.at },
                    frame.nodes + 1,
                    frame.bytes,
                    frame.anchor,
                )?;
            }
            #[allow(unreachable_patterns)]
            _ => {}
        }
        Ok(())
    }

    /// Starts a collection.
    fn open(&mut self, anchor: usize, at: Position, body: Body) -> Result<(), Problem> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Problem::error(
                ProblemKind::TooLarge,
                format!("the document nests deeper than {MAX_DEPTH} levels; flatten it"),
                Some(at),
            ));
        }
        self.stack.push(Frame {
            anchor,
            at,
            nodes: 0,
            bytes: 0,
            body,
        });
        Ok(())
    }

    /// Places a complete node into its parent (or as the root).
    fn finish(
        &mut self,
        node: Node,
        nodes: usize,
        bytes: usize,
        anchor: usize,
    ) -> Result<(), Problem> {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), nodes, bytes));
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        parent.nodes = parent.nodes.saturating_add(nodes);
        parent.bytes = parent.bytes.saturating_add(bytes);
        match &mut parent.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                entries,
                pending,
                seen,
            } => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    let at = node.at;
                    let key = key_text(node)?;
                    let duplicate = match seen {
                        Some(set) => !set.insert(key.clone()),
                        None => {
                            let found = entries.iter().any(|(k, _)| k.value == key);
                            if entries.len() >= SET_THRESHOLD {
                                *seen =
                                    Some(entries.iter().map(|(k, _)| k.value.clone()).collect());
                                seen.as_mut().map(|s| s.insert(key.clone()));
                            }
                            found
                        }
                    };
                    if duplicate {
                        return Err(Problem::error(
                            ProblemKind::DuplicateKey,
                            format!("duplicate key `{key}`; keep only one of them"),
                            Some(at),
                        ));
                    }
                    *pending = Some(Located::new(key, at));
                }
            },
        }
        Ok(())
    }
}

/// A mapping key as text: scalars as written, collections refused.
fn key_text(node: Node) -> Result<String, Problem> {
    match node.kind {
        Kind::String(s) => Ok(s),
        Kind::Number(_, raw) => Ok(raw.into_string()),
        Kind::Bool(b) => Ok(b.to_string()),
        Kind::Null => Ok(String::new()),
        Kind::Seq(_) | Kind::Map(_) => Err(Problem::error(
            ProblemKind::Structure,
            "a mapping key is a list or mapping; use a plain text key",
            Some(node.at),
        )),
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema, keeping YAML 1.1 forms as text.
fn resolve_plain(text: &str) -> Kind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Number(f64::INFINITY, text.into());
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Number(f64::NEG_INFINITY, text.into()),
        ".nan" | ".NaN" | ".NAN" => return Kind::Number(f64::NAN, text.into()),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) || text.contains('_') {
        return Kind::String(text.to_owned());
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).map_or_else(
            |_| Kind::String(text.to_owned()),
            |n| Kind::Number(n as f64, text.into()),
        );
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).map_or_else(
            |_| Kind::String(text.to_owned()),
            |n| Kind::Number(n as f64, text.into()),
        );
    }
    let digits = text.trim_start_matches(['-', '+']);
    let leading_zero =
        digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit();
    if leading_zero || !is_core_number(text) {
        return Kind::String(text.to_owned());
    }
    text.parse::<f64>().map_or_else(
        |_| Kind::String(text.to_owned()),
        |n| Kind::Number(n, text.into()),
    )
}

/// Whether `text` is an int or float of the YAML 1.2 core schema.
fn is_core_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && fraction.is_none_or(digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}
