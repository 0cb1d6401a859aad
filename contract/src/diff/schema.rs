//! Schema diff: walks an old and a new schema side by side (cycle-safe) and classifies each
//! difference by direction, since what breaks a request is often harmless in a response.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::rc::Rc;

use crate::diff::catalogue::Rule;
use crate::diff::equal::EMPTY;
use crate::diff::{Differ, Side};
use crate::model::{Additional, Bound, Contract, Property, Schema, SchemaId, Type};
use crate::position::Position;

/// How deep the diff follows nested schemas.
const MAX_DEPTH: usize = 128;

/// Whether a schema describes what clients send or what they receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    /// Clients send it (parameters, request bodies).
    Request,
    /// Clients receive it (responses, response headers).
    Response,
}

/// Where a root schema sits, for messages.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Site {
    direction: Direction,
    /// The whole value, e.g. "request body" or "query parameter `limit`".
    whole: String,
    /// A part of it, followed by a property path, e.g. "request property".
    part: String,
    /// Whether the whole value is a parameter (its default matters more).
    parameter: bool,
}

impl Site {
    /// A site in `direction`.
    pub fn new(direction: Direction, whole: String, part: String, parameter: bool) -> Self {
        Self {
            direction,
            whole,
            part,
            parameter,
        }
    }

    /// "request body" or "request property `a.b`".
    fn describe(&self, path: &str) -> String {
        if path.is_empty() {
            self.whole.clone()
        } else {
            format!("{} `{path}`", self.part)
        }
    }
}

/// The direction a schema pair is compared in, picking rules.
#[derive(Clone, Copy)]
struct Way {
    direction: Direction,
}

impl Way {
    /// Picks the rule for the direction.
    fn pick(self, request: Rule, response: Rule) -> Rule {
        match self.direction {
            Direction::Request => request,
            Direction::Response => response,
        }
    }
}

/// Stands for the described location in a message template; replaced when a change is
/// reported under a root schema ("request property `a.b`").
const SUBJECT: &str = "\u{1}";

/// A change found between two schemas, relative to the pair it was found in.
#[derive(Debug)]
pub(crate) struct Found {
    rule: Rule,
    /// Property path below the pair (`a.b[]`), or from a named schema when `anchored`.
    path: String,
    /// Whether `path` starts at a named schema (`Address.city`) and is never prefixed.
    anchored: bool,
    /// The message, with [`SUBJECT`] where the location goes.
    message: String,
    at: Option<Position>,
    side: Side,
}

/// Changes of a pair: all of them, and what a parent sees when the pair is a named schema.
#[derive(Clone, Default)]
pub(crate) struct PairChanges {
    all: Rc<Vec<Rc<Found>>>,
    exported: Option<Rc<Vec<Rc<Found>>>>,
}

/// Collects the changes of one pair, each once.
#[derive(Default)]
struct Acc {
    list: Vec<Rc<Found>>,
    seen: HashSet<*const Found>,
}

impl Acc {
    /// A change of the pair itself.
    fn add(&mut self, rule: Rule, message: String, at: Option<Position>, side: Side) {
        self.add_at(rule, String::new(), message, at, side);
    }

    /// A change at a relative property path.
    fn add_at(
        &mut self,
        rule: Rule,
        path: String,
        message: String,
        at: Option<Position>,
        side: Side,
    ) {
        let found = Rc::new(Found {
            rule,
            path,
            anchored: false,
            message,
            at,
            side,
        });
        self.shared(&found);
    }

    /// A change found once and shared by many pairs.
    fn shared(&mut self, found: &Rc<Found>) {
        if self.seen.insert(Rc::as_ptr(found)) {
            self.list.push(Rc::clone(found));
        }
    }
}

/// Where a change is reported: the new schema, or the old one when there is no new one.
#[derive(Clone, Copy)]
struct Spot {
    at: Option<Position>,
    side: Side,
}

/// A pair of schemas compared in a direction.
pub(crate) type PairKey = (Option<SchemaId>, Option<SchemaId>, Direction);

impl Differ<'_> {
    /// Compares the schemas of a parameter, body or header and reports the changes in the
    /// current operation. Pairs are compared once per diff and their changes shared; inside
    /// recursive schemas a change is listed under the first path that reaches it.
    pub(crate) fn root_schema(
        &mut self,
        old: Option<SchemaId>,
        new: Option<SchemaId>,
        site: &Site,
    ) {
        if old.is_none() && new.is_none() {
            return;
        }
        let changes = self.pair(old, new, site.direction);
        for found in changes.all.iter() {
            let subject = site.describe(&found.path);
            let rule = match found.rule {
                Rule::RequestDefaultChanged if site.parameter && found.path.is_empty() => {
                    Rule::ParameterDefaultChanged
                }
                other => other,
            };
            let message = found.message.replace(SUBJECT, &subject);
            self.emit(rule, message, found.at, found.side);
        }
    }

    /// The changes between two schemas, memoized.
    fn pair(
        &mut self,
        old: Option<SchemaId>,
        new: Option<SchemaId>,
        direction: Direction,
    ) -> PairChanges {
        let key = (old, new, direction);
        if let Some(known) = self.pairs.get(&key) {
            return known.clone();
        }
        if (old.is_none() && new.is_none())
            || self.stack.len() >= MAX_DEPTH
            || self.stack.contains(&key)
        {
            return PairChanges::default();
        }
        if self.equality.equal(old, new) {
            self.pairs.insert(key, PairChanges::default());
            return PairChanges::default();
        }
        self.stack.insert(key);
        let mut acc = Acc::default();
        self.fields(old, new, Way { direction }, &mut acc);
        self.stack.remove(&key);
        let (old_contract, new_contract): (&Contract, &Contract) = (self.old, self.new);
        let name = new
            .and_then(|id| new_contract.schema(id).name.clone())
            .or_else(|| old.and_then(|id| old_contract.schema(id).name.clone()));
        let exported = name.map(|name| {
            let mut view = Acc::default();
            for found in &acc.list {
                if found.anchored {
                    view.shared(found);
                } else if !found.path.is_empty() {
                    view.shared(&Rc::new(Found {
                        rule: found.rule,
                        path: format!("{name}.{}", found.path),
                        anchored: true,
                        message: found.message.clone(),
                        at: found.at,
                        side: found.side,
                    }));
                }
            }
            Rc::new(view.list)
        });
        let changes = PairChanges {
            all: Rc::new(acc.list),
            exported,
        };
        self.pairs.insert(key, changes.clone());
        changes
    }

    /// Includes the changes of a nested pair reached through `segment`.
    fn child(
        &mut self,
        acc: &mut Acc,
        segment: &str,
        old: Option<SchemaId>,
        new: Option<SchemaId>,
        way: Way,
    ) {
        let changes = self.pair(old, new, way.direction);
        for found in changes.all.iter() {
            if found.anchored {
                acc.shared(found);
            } else if found.path.is_empty() {
                acc.add_at(
                    found.rule,
                    segment.to_owned(),
                    found.message.clone(),
                    found.at,
                    found.side,
                );
            } else if changes.exported.is_none() {
                acc.add_at(
                    found.rule,
                    join(segment, &found.path),
                    found.message.clone(),
                    found.at,
                    found.side,
                );
            }
        }
        for found in changes.exported.iter().flat_map(|list| list.iter()) {
            acc.shared(found);
        }
    }

    /// Compares two different schemas field by field.
    fn fields(&mut self, old: Option<SchemaId>, new: Option<SchemaId>, way: Way, acc: &mut Acc) {
        let (old_contract, new_contract): (&Contract, &Contract) = (self.old, self.new);
        let o = old.map_or(&EMPTY, |id| old_contract.schema(id));
        let n = new.map_or(&EMPTY, |id| new_contract.schema(id));
        let spot = match new {
            Some(_) => Spot {
                at: Some(n.at),
                side: Side::New,
            },
            None => Spot {
                at: Some(o.at),
                side: Side::Old,
            },
        };
        let subject = SUBJECT;
        let comparable = self.types(o, n, way, subject, spot, acc);
        self.format(o, n, way, subject, spot, acc);
        self.enumeration(o, n, way, subject, spot, acc);
        self.limits(o, n, way, subject, spot, acc);
        self.pattern(o, n, way, subject, spot, acc);
        self.others(o, n, way, subject, spot, acc);
        self.composition(o, n, way, subject, spot, acc);
        if !comparable {
            return;
        }
        if o.items.is_some() || n.items.is_some() {
            self.child(acc, "[]", o.items, n.items, way);
        }
        self.properties(o, n, way, acc);
        self.additional(o, n, way, subject, spot, acc);
    }

    /// Types and nullability; returns whether the structures are worth comparing further.
    fn types(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) -> bool {
        let strip = |types: &BTreeSet<Type>| -> BTreeSet<Type> {
            types.iter().copied().filter(|t| *t != Type::Null).collect()
        };
        let (ot, nt) = (strip(&o.types), strip(&n.types));
        let mut comparable = true;
        if ot != nt {
            let rule = match site.direction {
                Direction::Request if covers(&nt, &ot) => Rule::RequestTypeGeneralized,
                Direction::Request => Rule::RequestTypeChanged,
                Direction::Response if covers(&ot, &nt) => Rule::ResponseTypeSpecialized,
                Direction::Response => Rule::ResponseTypeChanged,
            };
            comparable = !ot.is_disjoint(&nt) || ot.is_empty() || nt.is_empty();
            acc.add(
                rule,
                format!(
                    "{subject} type changed from {} to {}",
                    type_names(&ot),
                    type_names(&nt)
                ),
                spot.at,
                spot.side,
            );
        }
        if !ot.is_empty() && !nt.is_empty() {
            let (on, nn) = (o.types.contains(&Type::Null), n.types.contains(&Type::Null));
            if on && !nn {
                let rule = site.pick(
                    Rule::RequestBecameNotNullable,
                    Rule::ResponseBecameNotNullable,
                );
                acc.add(
                    rule,
                    format!("{subject} is no longer nullable"),
                    spot.at,
                    spot.side,
                );
            } else if nn && !on {
                let rule = site.pick(Rule::RequestBecameNullable, Rule::ResponseBecameNullable);
                acc.add(
                    rule,
                    format!("{subject} became nullable"),
                    spot.at,
                    spot.side,
                );
            }
        }
        comparable
    }

    /// `format`.
    fn format(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        let (rule, message) = match (&o.format, &n.format) {
            (Some(a), Some(b)) if a != b => (
                site.pick(Rule::RequestFormatChanged, Rule::ResponseFormatChanged),
                format!("{subject} format changed from `{a}` to `{b}`"),
            ),
            (None, Some(b)) => (
                site.pick(Rule::RequestFormatAdded, Rule::ResponseFormatAdded),
                format!("{subject} gained format `{b}`"),
            ),
            (Some(a), None) => (
                site.pick(Rule::RequestFormatRemoved, Rule::ResponseFormatRemoved),
                format!("{subject} lost format `{a}`"),
            ),
            _ => return,
        };
        acc.add(rule, message, spot.at, spot.side);
    }

    /// `enum` and `const`.
    fn enumeration(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        match (&o.enumeration, &n.enumeration) {
            (Some(a), Some(b)) => {
                let removed: Vec<&str> = a.difference(b).map(String::as_str).collect();
                let added: Vec<&str> = b.difference(a).map(String::as_str).collect();
                if !removed.is_empty() {
                    let rule = site.pick(
                        Rule::RequestEnumValueRemoved,
                        Rule::ResponseEnumValueRemoved,
                    );
                    acc.add(
                        rule,
                        format!("{subject} no longer allows {}", removed.join(", ")),
                        spot.at,
                        spot.side,
                    );
                }
                if !added.is_empty() {
                    let rule = match site.direction {
                        Direction::Response if a.is_disjoint(b) => Rule::ResponseEnumReplaced,
                        _ => site.pick(Rule::RequestEnumValueAdded, Rule::ResponseEnumValueAdded),
                    };
                    acc.add(
                        rule,
                        format!("{subject} now allows {}", added.join(", ")),
                        spot.at,
                        spot.side,
                    );
                }
            }
            (None, Some(b)) => {
                let values: Vec<&str> = b.iter().map(String::as_str).collect();
                let rule = site.pick(Rule::RequestBecameEnum, Rule::ResponseBecameEnum);
                acc.add(
                    rule,
                    format!("{subject} is now limited to {}", values.join(", ")),
                    spot.at,
                    spot.side,
                );
            }
            (Some(_), None) => {
                let rule = site.pick(Rule::RequestEnumRemoved, Rule::ResponseEnumRemoved);
                acc.add(
                    rule,
                    format!("{subject} is no longer limited to an enum"),
                    spot.at,
                    spot.side,
                );
            }
            (None, None) => {}
        }
    }

    /// Numeric, length, item and property-count limits.
    fn limits(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        let mut found: Vec<(bool, String)> = Vec::new();
        bound_change(&mut found, "minimum", o.minimum, n.minimum, true);
        bound_change(&mut found, "maximum", o.maximum, n.maximum, false);
        let counts = [
            ("minLength", o.min_length, n.min_length, true),
            ("maxLength", o.max_length, n.max_length, false),
            ("minItems", o.min_items, n.min_items, true),
            ("maxItems", o.max_items, n.max_items, false),
            ("minProperties", o.min_properties, n.min_properties, true),
            ("maxProperties", o.max_properties, n.max_properties, false),
        ];
        for (name, a, b, lower) in counts {
            let as_bound = |v: Option<u64>| {
                v.map(|value| Bound {
                    value: value as f64,
                    exclusive: false,
                })
            };
            bound_change(&mut found, name, as_bound(a), as_bound(b), lower);
        }
        if o.unique_items != n.unique_items {
            found.push((
                n.unique_items,
                format!("uniqueItems changed to {}", n.unique_items),
            ));
        }
        if o.multiple_of != n.multiple_of {
            let tightened = match (o.multiple_of, n.multiple_of) {
                (Some(a), Some(b)) => (a / b).fract() != 0.0,
                (None, Some(_)) => true,
                _ => false,
            };
            found.push((
                tightened,
                format!(
                    "multipleOf changed from {} to {}",
                    show(o.multiple_of),
                    show(n.multiple_of)
                ),
            ));
        }
        for (tightened, what) in found {
            let rule = match (site.direction, tightened) {
                (Direction::Request, true) => Rule::RequestLimitTightened,
                (Direction::Request, false) => Rule::RequestLimitRelaxed,
                (Direction::Response, true) => Rule::ResponseLimitTightened,
                (Direction::Response, false) => Rule::ResponseLimitRelaxed,
            };
            acc.add(rule, format!("{subject}: {what}"), spot.at, spot.side);
        }
    }

    /// `pattern`.
    fn pattern(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        let (old, new) = (
            o.pattern.as_deref().filter(|p| !matches_anything(p)),
            n.pattern.as_deref().filter(|p| !matches_anything(p)),
        );
        let (rule, message) = match (site.direction, old, new) {
            (_, a, b) if a == b => return,
            (Direction::Request, None, Some(b)) => (
                Rule::RequestPatternAdded,
                format!("{subject} must now match `{b}`"),
            ),
            (Direction::Request, Some(a), None) => (
                Rule::RequestPatternRemoved,
                format!("{subject} no longer has to match `{a}`"),
            ),
            (Direction::Response, None, Some(b)) => (
                Rule::ResponsePatternAdded,
                format!("{subject} now matches `{b}`"),
            ),
            (direction, a, b) => (
                if direction == Direction::Request {
                    Rule::RequestPatternChanged
                } else {
                    Rule::ResponsePatternChanged
                },
                format!(
                    "{subject} pattern changed from `{}` to `{}`",
                    a.unwrap_or(".*"),
                    b.unwrap_or(".*")
                ),
            ),
        };
        acc.add(rule, message, spot.at, spot.side);
    }

    /// Defaults, discriminators, `not` and the keywords compared as written.
    fn others(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        if o.default != n.default && site.direction == Direction::Request {
            let rule = Rule::RequestDefaultChanged;
            acc.add(
                rule,
                format!(
                    "{subject} default changed from {} to {}",
                    o.default.as_deref().unwrap_or("none"),
                    n.default.as_deref().unwrap_or("none")
                ),
                spot.at,
                spot.side,
            );
        }
        if o.discriminator != n.discriminator {
            acc.add(
                Rule::DiscriminatorChanged,
                format!(
                    "{subject} discriminator changed from {} to {}",
                    o.discriminator.as_deref().unwrap_or("none"),
                    n.discriminator.as_deref().unwrap_or("none")
                ),
                spot.at,
                spot.side,
            );
        }
        let keywords: BTreeSet<&String> = o.keywords.keys().chain(n.keywords.keys()).collect();
        for keyword in keywords {
            let (rule, verb) = match (o.keywords.get(keyword), n.keywords.get(keyword)) {
                (None, Some(_)) => (
                    site.pick(Rule::RequestKeywordAdded, Rule::ResponseKeywordAdded),
                    "gained",
                ),
                (Some(_), None) => (
                    site.pick(Rule::RequestKeywordRemoved, Rule::ResponseKeywordRemoved),
                    "lost",
                ),
                (Some(a), Some(b)) if a != b => (
                    site.pick(Rule::RequestKeywordChanged, Rule::ResponseKeywordChanged),
                    "changed",
                ),
                _ => continue,
            };
            acc.add(
                rule,
                format!("{subject} {verb} `{keyword}`"),
                spot.at,
                spot.side,
            );
        }
        if o.not.is_some() || n.not.is_some() {
            let same = o.not.is_some() == n.not.is_some() && self.equality.equal(o.not, n.not);
            if !same {
                let rule = site.pick(Rule::RequestKeywordChanged, Rule::ResponseKeywordChanged);
                acc.add(
                    rule,
                    format!("{subject} changed its `not` schema"),
                    spot.at,
                    spot.side,
                );
            }
        }
    }

    /// `oneOf` and `anyOf`.
    fn composition(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        for (keyword, old, new) in [
            ("oneOf", &o.one_of, &n.one_of),
            ("anyOf", &o.any_of, &n.any_of),
        ] {
            if old.is_empty() && new.is_empty() {
                continue;
            }
            if old.is_empty() != new.is_empty() {
                let rule = site.pick(
                    Rule::RequestCompositionChanged,
                    Rule::ResponseCompositionChanged,
                );
                let message = if old.is_empty() {
                    format!("{subject} is now wrapped in `{keyword}`")
                } else {
                    format!("{subject} is no longer a `{keyword}`")
                };
                acc.add(rule, message, spot.at, spot.side);
                continue;
            }
            let mut unmatched_new: Vec<SchemaId> = new.clone();
            let mut unmatched_old = Vec::new();
            for &a in old {
                match unmatched_new
                    .iter()
                    .position(|&b| self.equality.equal(Some(a), Some(b)))
                {
                    Some(i) => {
                        unmatched_new.remove(i);
                    }
                    None => unmatched_old.push(a),
                }
            }
            if unmatched_old.len() == unmatched_new.len() {
                for (i, (a, b)) in unmatched_old.iter().zip(&unmatched_new).enumerate() {
                    self.child(acc, &format!("{keyword}[{i}]"), Some(*a), Some(*b), site);
                }
                continue;
            }
            let (rule, verb, count) = if unmatched_old.len() > unmatched_new.len() {
                let rule = site.pick(
                    Rule::RequestAlternativeRemoved,
                    Rule::ResponseAlternativeRemoved,
                );
                (rule, "lost", unmatched_old.len() - unmatched_new.len())
            } else {
                let rule = site.pick(
                    Rule::RequestAlternativeAdded,
                    Rule::ResponseAlternativeAdded,
                );
                (rule, "gained", unmatched_new.len() - unmatched_old.len())
            };
            acc.add(
                rule,
                format!("{subject} {verb} {count} `{keyword}` alternative(s)"),
                spot.at,
                spot.side,
            );
        }
    }

    /// Object properties as the direction sees them (no read-only ones in requests, no
    /// write-only ones in responses).
    fn properties(&mut self, o: &Schema, n: &Schema, site: Way, acc: &mut Acc) {
        let old_view = visible(self.old, o, site.direction);
        let new_view = visible(self.new, n, site.direction);
        let names: BTreeSet<&str> = old_view.keys().chain(new_view.keys()).copied().collect();
        for name in names {
            let (was, is) = (o.required.contains(name), n.required.contains(name));
            match (old_view.get(name), new_view.get(name)) {
                (Some(a), Some(b)) => {
                    let rule = match (site.direction, was, is) {
                        (Direction::Request, false, true) => {
                            Some(Rule::RequestPropertyBecameRequired)
                        }
                        (Direction::Request, true, false) => {
                            Some(Rule::RequestPropertyBecameOptional)
                        }
                        (Direction::Response, true, false) => {
                            Some(Rule::ResponsePropertyBecameOptional)
                        }
                        (Direction::Response, false, true) => {
                            Some(Rule::ResponsePropertyBecameRequired)
                        }
                        _ => None,
                    };
                    if let Some(rule) = rule {
                        let verb = if is {
                            "became required"
                        } else {
                            "became optional"
                        };
                        acc.add_at(
                            rule,
                            name.to_owned(),
                            format!("{SUBJECT} {verb}"),
                            Some(b.at),
                            Side::New,
                        );
                    }
                    self.child(acc, name, Some(a.schema), Some(b.schema), site);
                }
                (Some(a), None) => {
                    let rule = match site.direction {
                        Direction::Request => Rule::RequestPropertyRemoved,
                        Direction::Response if was => Rule::ResponseRequiredPropertyRemoved,
                        Direction::Response => Rule::ResponseOptionalPropertyRemoved,
                    };
                    acc.add_at(
                        rule,
                        name.to_owned(),
                        format!("{SUBJECT} was removed"),
                        Some(a.at),
                        Side::Old,
                    );
                }
                (None, Some(b)) => {
                    let (rule, what) = match site.direction {
                        Direction::Request if is => {
                            (Rule::RequestRequiredPropertyAdded, "required ")
                        }
                        Direction::Request => (Rule::RequestOptionalPropertyAdded, "optional "),
                        Direction::Response => (Rule::ResponsePropertyAdded, ""),
                    };
                    acc.add_at(
                        rule,
                        name.to_owned(),
                        format!("{what}{SUBJECT} was added"),
                        Some(b.at),
                        Side::New,
                    );
                }
                (None, None) => {}
            }
        }
    }

    /// `additionalProperties`.
    fn additional(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: Way,
        subject: &str,
        spot: Spot,
        acc: &mut Acc,
    ) {
        match (o.additional, n.additional) {
            (Additional::Forbidden, Additional::Forbidden) | (Additional::Any, Additional::Any) => {
            }
            (_, Additional::Forbidden) => {
                let rule = site.pick(
                    Rule::RequestAdditionalPropertiesClosed,
                    Rule::ResponseAdditionalPropertiesClosed,
                );
                acc.add(
                    rule,
                    format!("{subject} no longer allows other properties"),
                    spot.at,
                    spot.side,
                );
            }
            (Additional::Forbidden, _) => {
                let rule = site.pick(
                    Rule::RequestAdditionalPropertiesOpened,
                    Rule::ResponseAdditionalPropertiesOpened,
                );
                acc.add(
                    rule,
                    format!("{subject} now allows other properties"),
                    spot.at,
                    spot.side,
                );
            }
            (a, b) => {
                let id = |x: Additional| match x {
                    Additional::Schema(id) => Some(id),
                    Additional::Any | Additional::Forbidden => None,
                };
                self.child(acc, "*", id(a), id(b), site);
            }
        }
    }
}

/// The properties of a schema that travel in one direction.
type View<'s> = BTreeMap<&'s str, Property>;

/// The properties of `schema` that travel in `direction`.
fn visible<'s>(contract: &Contract, schema: &'s Schema, direction: Direction) -> View<'s> {
    schema
        .properties
        .iter()
        .filter(|(_, property)| {
            let s = contract.schema(property.schema);
            match direction {
                Direction::Request => !s.read_only,
                Direction::Response => !s.write_only,
            }
        })
        .map(|(name, property)| (name.as_str(), *property))
        .collect()
}

/// `segment.rest`, or `segment[]…` when the rest starts with `[]`.
fn join(segment: &str, rest: &str) -> String {
    if rest.starts_with("[]") {
        format!("{segment}{rest}")
    } else {
        format!("{segment}.{rest}")
    }
}

/// Whether every type of `inner` is admitted by `outer` (empty = any; number admits integer).
fn covers(outer: &BTreeSet<Type>, inner: &BTreeSet<Type>) -> bool {
    outer.is_empty()
        || (!inner.is_empty()
            && inner.iter().all(|t| {
                outer.contains(t) || (*t == Type::Integer && outer.contains(&Type::Number))
            }))
}

/// `string`, `integer or null`, `any`.
fn type_names(types: &BTreeSet<Type>) -> String {
    if types.is_empty() {
        return "any".to_owned();
    }
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    format!("`{}`", names.join(" or "))
}

/// Records how a bound changed: `(tightened, description)`.
fn bound_change(
    found: &mut Vec<(bool, String)>,
    name: &str,
    old: Option<Bound>,
    new: Option<Bound>,
    lower: bool,
) {
    let tightened = match (old, new) {
        (None, None) => return,
        (Some(a), Some(b)) if a == b => return,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => {
            let further = if lower {
                b.value > a.value
            } else {
                b.value < a.value
            };
            further || (a.value == b.value && b.exclusive && !a.exclusive)
        }
    };
    let text = |b: Option<Bound>| match b {
        None => "none".to_owned(),
        Some(b) if b.exclusive => format!("{} (exclusive)", crate::node::number_text(b.value)),
        Some(b) => crate::node::number_text(b.value),
    };
    found.push((
        tightened,
        format!("{name} changed from {} to {}", text(old), text(new)),
    ));
}

/// An optional number as text.
fn show(value: Option<f64>) -> String {
    value.map_or_else(|| "none".to_owned(), crate::node::number_text)
}

/// Whether a pattern matches every string (`.*`, `^.*$`, empty).
fn matches_anything(pattern: &str) -> bool {
    matches!(
        pattern,
        "" | ".*" | "^.*$" | "^.*" | ".*$" | "(.*)" | "^(.*)$"
    )
}
