//! Diffs two contracts into classified changes: operations, parameters, bodies, responses
//! and security here; schemas in [`schema`].

mod catalogue;
mod equal;
mod schema;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use catalogue::Rule;
pub use catalogue::{ChangeClass, ChangeKind, catalogue, lookup};
use equal::Equality;
use schema::{Direction, PairChanges, PairKey, Site};

use crate::model::{
    Contract, Header, MediaType, Operation, Parameter, ParameterKey, RequestBody, Response,
    SecurityRequirement,
};
use crate::position::Position;

/// Which document a position refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old (base) document.
    Old,
    /// The new (revision) document.
    New,
}

/// One classified change between two contracts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Stable code, e.g. `C074`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `request-property-became-required`.
    pub name: &'static str,
    /// Breaking, warning or compatible.
    pub class: ChangeClass,
    /// What changed, lower-case, without a trailing period.
    pub message: String,
    /// The operation, e.g. `GET /products/{productId}`, when the change is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Where: in the new document, or in the old one for removals (see `side`).
    pub at: Option<Position>,
    /// Which document `at` refers to.
    pub side: Side,
}

/// Every change from `old` to `new`, in a deterministic order (by operation, then as found).
pub fn diff(old: &Contract, new: &Contract) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        equality: Equality::new(old, new),
        changes: Vec::new(),
        operation: None,
        seen: HashSet::new(),
        stack: HashSet::new(),
        pairs: HashMap::new(),
    };
    let keys: BTreeSet<&String> = old.operations.keys().chain(new.operations.keys()).collect();
    for key in keys {
        match (old.operations.get(key), new.operations.get(key)) {
            (Some(o), None) => {
                differ.start_operation(o.label());
                differ.emit(
                    Rule::OperationRemoved,
                    format!("operation `{}` was removed", o.label()),
                    Some(o.at),
                    Side::Old,
                );
            }
            (None, Some(n)) => {
                differ.start_operation(n.label());
                differ.emit(
                    Rule::OperationAdded,
                    format!("operation `{}` was added", n.label()),
                    Some(n.at),
                    Side::New,
                );
            }
            (Some(o), Some(n)) => differ.operation_pair(o, n),
            (None, None) => {}
        }
    }
    differ.changes
}

/// The state of one diff.
pub(crate) struct Differ<'a> {
    old: &'a Contract,
    new: &'a Contract,
    equality: Equality<'a>,
    changes: Vec<Change>,
    /// The label of the operation being compared.
    operation: Option<String>,
    /// Changes already reported in the current operation.
    seen: HashSet<(&'static str, String, Option<Position>)>,
    /// Schema pairs being compared (a pair met again is a cycle and stops there).
    stack: HashSet<PairKey>,
    /// The changes of every schema pair compared so far.
    pairs: HashMap<PairKey, PairChanges>,
}

impl Differ<'_> {
    /// Starts the changes of another operation.
    fn start_operation(&mut self, label: String) {
        self.operation = Some(label);
        self.seen.clear();
    }

    /// Records a change.
    fn emit(&mut self, rule: Rule, message: String, at: Option<Position>, side: Side) {
        let kind = rule.kind();
        self.push(Change {
            code: kind.code,
            name: kind.name,
            class: kind.class,
            message,
            operation: None,
            at,
            side,
        });
    }

    /// Records a change in the current operation, once.
    fn push(&mut self, mut change: Change) {
        if self
            .seen
            .insert((change.code, change.message.clone(), change.at))
        {
            change.operation.clone_from(&self.operation);
            self.changes.push(change);
        }
    }

    /// Compares an operation present in both contracts.
    fn operation_pair(&mut self, o: &Operation, n: &Operation) {
        self.start_operation(n.label());
        if n.deprecated && !o.deprecated {
            self.emit(
                Rule::OperationDeprecated,
                format!("operation `{}` was marked deprecated", n.label()),
                Some(n.at),
                Side::New,
            );
        }
        self.parameters(&o.parameters, &n.parameters);
        self.request_body(o.request_body.as_ref(), n.request_body.as_ref(), n.at);
        self.responses(&o.responses, &n.responses);
        self.security(o.security.as_deref(), n.security.as_deref(), n.at);
    }

    /// Compares parameters, pairing a removal and an addition of the same name as a move.
    fn parameters(
        &mut self,
        old: &BTreeMap<ParameterKey, Parameter>,
        new: &BTreeMap<ParameterKey, Parameter>,
    ) {
        for (key, o) in old {
            if new.contains_key(key) {
                continue;
            }
            if let Some(n) = moved_to(o, new, old) {
                self.emit(
                    Rule::ParameterLocationChanged,
                    format!(
                        "parameter `{}` moved from {} to {}",
                        o.name,
                        o.location.as_str(),
                        n.location.as_str()
                    ),
                    Some(n.at),
                    Side::New,
                );
                continue;
            }
            self.emit(
                Rule::ParameterRemoved,
                format!("{} parameter `{}` was removed", o.location.as_str(), o.name),
                Some(o.at),
                Side::Old,
            );
        }
        for (key, n) in new {
            let Some(o) = old.get(key) else {
                if moved_to(n, old, new).is_some() {
                    continue;
                }
                let (rule, what) = if n.required {
                    (Rule::RequiredParameterAdded, "required")
                } else {
                    (Rule::OptionalParameterAdded, "optional")
                };
                self.emit(
                    rule,
                    format!(
                        "{what} {} parameter `{}` was added",
                        n.location.as_str(),
                        n.name
                    ),
                    Some(n.at),
                    Side::New,
                );
                continue;
            };
            let subject = format!("{} parameter `{}`", n.location.as_str(), n.name);
            if n.required && !o.required {
                self.emit(
                    Rule::ParameterBecameRequired,
                    format!("{subject} became required"),
                    Some(n.at),
                    Side::New,
                );
            } else if o.required && !n.required {
                self.emit(
                    Rule::ParameterBecameOptional,
                    format!("{subject} became optional"),
                    Some(n.at),
                    Side::New,
                );
            }
            if n.deprecated && !o.deprecated {
                self.emit(
                    Rule::ParameterDeprecated,
                    format!("{subject} was marked deprecated"),
                    Some(n.at),
                    Side::New,
                );
            }
            let site = Site::new(
                Direction::Request,
                subject.clone(),
                format!("{subject} property"),
                true,
            );
            self.root_schema(o.schema, n.schema, &site);
        }
    }

    /// Compares request bodies.
    fn request_body(
        &mut self,
        old: Option<&RequestBody>,
        new: Option<&RequestBody>,
        op_at: Position,
    ) {
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) => {
                let (rule, what) = if n.required {
                    (Rule::RequestBodyAddedRequired, "a required")
                } else {
                    (Rule::RequestBodyAddedOptional, "an optional")
                };
                self.emit(
                    rule,
                    format!("{what} request body was added"),
                    Some(n.at),
                    Side::New,
                );
            }
            (Some(o), None) => self.emit(
                Rule::RequestBodyRemoved,
                "the request body was removed".to_owned(),
                Some(o.at),
                Side::Old,
            ),
            (Some(o), Some(n)) => {
                if n.required && !o.required {
                    self.emit(
                        Rule::RequestBodyBecameRequired,
                        "the request body became required".to_owned(),
                        Some(n.at),
                        Side::New,
                    );
                } else if o.required && !n.required {
                    self.emit(
                        Rule::RequestBodyBecameOptional,
                        "the request body became optional".to_owned(),
                        Some(n.at),
                        Side::New,
                    );
                }
                let several = o.content.len() > 1 || n.content.len() > 1;
                self.content(
                    &o.content,
                    &n.content,
                    Direction::Request,
                    "request",
                    several,
                    op_at,
                );
            }
        }
    }

    /// Compares the media types of a body.
    fn content(
        &mut self,
        old: &BTreeMap<String, MediaType>,
        new: &BTreeMap<String, MediaType>,
        direction: Direction,
        owner: &str,
        several: bool,
        fallback: Position,
    ) {
        let (removed, added) = match direction {
            Direction::Request => (Rule::RequestMediaTypeRemoved, Rule::RequestMediaTypeAdded),
            Direction::Response => (Rule::ResponseMediaTypeRemoved, Rule::ResponseMediaTypeAdded),
        };
        for (media, o) in old {
            match new.get(media) {
                None => self.emit(
                    removed,
                    format!("{owner} media type `{media}` was removed"),
                    Some(o.at),
                    Side::Old,
                ),
                Some(n) => {
                    let whole = if several {
                        format!("{owner} body ({media})")
                    } else {
                        format!("{owner} body")
                    };
                    let part = if several {
                        format!("{owner} ({media}) property")
                    } else {
                        format!("{owner} property")
                    };
                    let site = Site::new(direction, whole, part, false);
                    self.root_schema(o.schema, n.schema, &site);
                }
            }
        }
        for (media, n) in new {
            if !old.contains_key(media) {
                self.emit(
                    added,
                    format!("{owner} media type `{media}` was added"),
                    Some(if n.at.line > 0 { n.at } else { fallback }),
                    Side::New,
                );
            }
        }
    }

    /// Compares responses by status code.
    fn responses(&mut self, old: &BTreeMap<String, Response>, new: &BTreeMap<String, Response>) {
        for (code, o) in old {
            let Some(n) = new.get(code) else {
                let rule = if code.starts_with('2') {
                    Rule::SuccessResponseRemoved
                } else {
                    Rule::ErrorResponseRemoved
                };
                self.emit(
                    rule,
                    format!("response {code} was removed"),
                    Some(o.at),
                    Side::Old,
                );
                continue;
            };
            let owner = format!("response {code}");
            let several = o.content.len() > 1 || n.content.len() > 1;
            self.content(
                &o.content,
                &n.content,
                Direction::Response,
                &owner,
                several,
                n.at,
            );
            self.headers(&o.headers, &n.headers, &owner);
        }
        for (code, n) in new {
            if !old.contains_key(code) {
                self.emit(
                    Rule::ResponseAdded,
                    format!("response {code} was added"),
                    Some(n.at),
                    Side::New,
                );
            }
        }
    }

    /// Compares the headers of a response.
    fn headers(
        &mut self,
        old: &BTreeMap<String, Header>,
        new: &BTreeMap<String, Header>,
        owner: &str,
    ) {
        for (key, o) in old {
            let Some(n) = new.get(key) else {
                let rule = if o.required {
                    Rule::RequiredResponseHeaderRemoved
                } else {
                    Rule::OptionalResponseHeaderRemoved
                };
                self.emit(
                    rule,
                    format!("{owner} header `{}` was removed", o.name),
                    Some(o.at),
                    Side::Old,
                );
                continue;
            };
            let subject = format!("{owner} header `{}`", n.name);
            if o.required && !n.required {
                self.emit(
                    Rule::ResponseHeaderBecameOptional,
                    format!("{subject} is no longer required"),
                    Some(n.at),
                    Side::New,
                );
            }
            let site = Site::new(
                Direction::Response,
                subject.clone(),
                format!("{subject} property"),
                false,
            );
            self.root_schema(o.schema, n.schema, &site);
        }
        for (key, n) in new {
            if !old.contains_key(key) {
                self.emit(
                    Rule::ResponseHeaderAdded,
                    format!("{owner} header `{}` was added", n.name),
                    Some(n.at),
                    Side::New,
                );
            }
        }
    }

    /// Compares effective security requirements.
    fn security(
        &mut self,
        old: Option<&[SecurityRequirement]>,
        new: Option<&[SecurityRequirement]>,
        at: Position,
    ) {
        let optional = |list: Option<&[SecurityRequirement]>| {
            list.is_none_or(|l| l.iter().any(BTreeMap::is_empty))
        };
        match (optional(old), optional(new)) {
            (true, false) => {
                self.emit(
                    Rule::SecurityAdded,
                    format!(
                        "the operation now requires {}",
                        describe_security(new.unwrap_or_default())
                    ),
                    Some(at),
                    Side::New,
                );
                return;
            }
            (false, true) => {
                self.emit(
                    Rule::SecurityRemoved,
                    "the operation no longer requires credentials".to_owned(),
                    Some(at),
                    Side::New,
                );
                return;
            }
            _ => {}
        }
        let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
        for alternative in old {
            if alternative.is_empty() {
                continue;
            }
            if !new.iter().any(|n| satisfied_by(n, alternative)) {
                self.emit(
                    Rule::SecurityAlternativeRemoved,
                    format!(
                        "{} is no longer accepted",
                        describe_security(std::slice::from_ref(alternative))
                    ),
                    Some(at),
                    Side::New,
                );
            }
        }
        for alternative in new {
            if !old.contains(alternative) {
                self.emit(
                    Rule::SecurityAlternativeAdded,
                    format!(
                        "{} is now accepted",
                        describe_security(std::slice::from_ref(alternative))
                    ),
                    Some(at),
                    Side::New,
                );
            }
        }
    }
}

/// The parameter of `others` that `p` moved to (same name, another location that `mine`
/// does not have), if any.
fn moved_to<'p>(
    p: &Parameter,
    others: &'p BTreeMap<ParameterKey, Parameter>,
    mine: &BTreeMap<ParameterKey, Parameter>,
) -> Option<&'p Parameter> {
    let same_name = |a: &Parameter, b: &Parameter| a.name.eq_ignore_ascii_case(&b.name);
    others.values().find(|q| {
        q.location != p.location
            && same_name(q, p)
            && !mine
                .values()
                .any(|r| r.location == q.location && same_name(r, q))
    })
}

/// Whether a client meeting `held` also meets `needed` (same schemes, no new scopes).
fn satisfied_by(needed: &SecurityRequirement, held: &SecurityRequirement) -> bool {
    needed
        .iter()
        .all(|(scheme, scopes)| held.get(scheme).is_some_and(|h| scopes.is_subset(h)))
}

/// `scheme` or `scheme (scope, scope)`, alternatives joined by "or".
fn describe_security(alternatives: &[SecurityRequirement]) -> String {
    let described: Vec<String> = alternatives
        .iter()
        .map(|alternative| {
            let schemes: Vec<String> = alternative
                .iter()
                .map(|(scheme, scopes)| {
                    if scopes.is_empty() {
                        format!("`{scheme}`")
                    } else {
                        let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                        format!("`{scheme}` ({})", scopes.join(", "))
                    }
                })
                .collect();
            schemes.join(" and ")
        })
        .collect();
    described.join(" or ")
}
