//! Schema diff: walks an old and a new schema side by side (cycle-safe) and classifies each
//! difference by direction, since what breaks a request is often harmless in a response.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::catalogue::Rule;
use crate::diff::equal::EMPTY;
use crate::diff::{Differ, Side};
use crate::model::{Additional, Bound, Contract, Property, Schema, SchemaId, Type};
use crate::position::Position;

/// Whether a schema describes what clients send or what they receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    /// Clients send it (parameters, request bodies).
    Request,
    /// Clients receive it (responses, response headers).
    Response,
}

/// Where a schema sits, for messages.
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

    /// Picks the rule for the direction.
    fn pick(&self, request: Rule, response: Rule) -> Rule {
        match self.direction {
            Direction::Request => request,
            Direction::Response => response,
        }
    }
}

/// Where a change is reported: the new schema, or the old one when there is no new one.
#[derive(Clone, Copy)]
struct Spot {
    at: Option<Position>,
    side: Side,
}

impl Differ<'_> {
    /// Compares two schemas at `site`, `path` being the property path below it.
    pub(crate) fn schema(
        &mut self,
        old: Option<SchemaId>,
        new: Option<SchemaId>,
        site: &Site,
        path: &str,
    ) {
        if (old.is_none() && new.is_none()) || !self.visited.insert((old, new, site.direction)) {
            return;
        }
        if self.equality.equal(old, new) {
            return;
        }
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
        let subject = site.describe(path);
        let comparable = self.types(o, n, site, &subject, spot);
        self.format(o, n, site, &subject, spot);
        self.enumeration(o, n, site, &subject, spot);
        self.limits(o, n, site, &subject, spot);
        self.pattern(o, n, site, &subject, spot);
        self.others(o, n, site, &subject, spot);
        self.composition(o, n, site, path, &subject, spot);
        if !comparable {
            return;
        }
        if o.items.is_some() || n.items.is_some() {
            self.schema(o.items, n.items, site, &join(path, "[]"));
        }
        self.properties(o, n, site, path, spot);
        self.additional(o, n, site, path, &subject, spot);
    }

    /// Types and nullability; returns whether the structures are worth comparing further.
    fn types(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) -> bool {
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
            self.emit(
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
                self.emit(
                    rule,
                    format!("{subject} is no longer nullable"),
                    spot.at,
                    spot.side,
                );
            } else if nn && !on {
                let rule = site.pick(Rule::RequestBecameNullable, Rule::ResponseBecameNullable);
                self.emit(
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
    fn format(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) {
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
        self.emit(rule, message, spot.at, spot.side);
    }

    /// `enum` and `const`.
    fn enumeration(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) {
        match (&o.enumeration, &n.enumeration) {
            (Some(a), Some(b)) => {
                let removed: Vec<&str> = a.difference(b).map(String::as_str).collect();
                let added: Vec<&str> = b.difference(a).map(String::as_str).collect();
                if !removed.is_empty() {
                    let rule = site.pick(
                        Rule::RequestEnumValueRemoved,
                        Rule::ResponseEnumValueRemoved,
                    );
                    self.emit(
                        rule,
                        format!("{subject} no longer allows {}", removed.join(", ")),
                        spot.at,
                        spot.side,
                    );
                }
                if !added.is_empty() {
                    let rule = site.pick(Rule::RequestEnumValueAdded, Rule::ResponseEnumValueAdded);
                    self.emit(
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
                self.emit(
                    rule,
                    format!("{subject} is now limited to {}", values.join(", ")),
                    spot.at,
                    spot.side,
                );
            }
            (Some(_), None) => {
                let rule = site.pick(Rule::RequestEnumRemoved, Rule::ResponseEnumRemoved);
                self.emit(
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
    fn limits(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) {
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
            self.emit(rule, format!("{subject}: {what}"), spot.at, spot.side);
        }
    }

    /// `pattern`.
    fn pattern(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) {
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
        self.emit(rule, message, spot.at, spot.side);
    }

    /// Defaults, discriminators, `not` and the keywords compared as written.
    fn others(&mut self, o: &Schema, n: &Schema, site: &Site, subject: &str, spot: Spot) {
        if o.default != n.default && site.direction == Direction::Request {
            let rule = if site.parameter && subject == site.whole {
                Rule::ParameterDefaultChanged
            } else {
                Rule::RequestDefaultChanged
            };
            self.emit(
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
            self.emit(
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
            self.emit(
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
                self.emit(
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
        site: &Site,
        path: &str,
        subject: &str,
        spot: Spot,
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
                self.emit(rule, message, spot.at, spot.side);
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
                    let label = join(path, &format!("{keyword}[{i}]"));
                    self.schema(Some(*a), Some(*b), site, &label);
                }
                continue;
            }
            if unmatched_old.len() > unmatched_new.len() {
                let rule = site.pick(
                    Rule::RequestAlternativeRemoved,
                    Rule::ResponseAlternativeRemoved,
                );
                let count = unmatched_old.len() - unmatched_new.len();
                self.emit(
                    rule,
                    format!("{subject} lost {count} `{keyword}` alternative(s)"),
                    spot.at,
                    spot.side,
                );
            } else {
                let rule = site.pick(
                    Rule::RequestAlternativeAdded,
                    Rule::ResponseAlternativeAdded,
                );
                let count = unmatched_new.len() - unmatched_old.len();
                self.emit(
                    rule,
                    format!("{subject} gained {count} `{keyword}` alternative(s)"),
                    spot.at,
                    spot.side,
                );
            }
        }
    }

    /// Object properties as the direction sees them (no read-only ones in requests, no
    /// write-only ones in responses).
    fn properties(&mut self, o: &Schema, n: &Schema, site: &Site, path: &str, spot: Spot) {
        let old_view = visible(self.old, o, site.direction);
        let new_view = visible(self.new, n, site.direction);
        let hidden = |s: &Schema, view: &View<'_>, name: &str| {
            s.properties.contains_key(name) && !view.contains_key(name)
        };
        let names: BTreeSet<&str> = old_view
            .keys()
            .chain(new_view.keys())
            .copied()
            .chain(o.required.iter().map(String::as_str))
            .chain(n.required.iter().map(String::as_str))
            .collect();
        for name in names {
            let (was_required, is_required) =
                (o.required.contains(name), n.required.contains(name));
            let property_path = join(path, name);
            let subject = site.describe(&property_path);
            match (old_view.get(name), new_view.get(name)) {
                (Some(a), Some(b)) => {
                    self.required_change(site, &subject, was_required, is_required, Some(b.at));
                    self.schema(Some(a.schema), Some(b.schema), site, &property_path);
                }
                (Some(a), None) => {
                    let rule = match site.direction {
                        Direction::Request => Rule::RequestPropertyRemoved,
                        Direction::Response if was_required => {
                            Rule::ResponseRequiredPropertyRemoved
                        }
                        Direction::Response => Rule::ResponseOptionalPropertyRemoved,
                    };
                    self.emit(
                        rule,
                        format!("{subject} was removed"),
                        Some(a.at),
                        Side::Old,
                    );
                }
                (None, Some(b)) => {
                    let (rule, what) = match site.direction {
                        Direction::Request if is_required => {
                            (Rule::RequestRequiredPropertyAdded, "required ")
                        }
                        Direction::Request => (Rule::RequestOptionalPropertyAdded, "optional "),
                        Direction::Response => (Rule::ResponsePropertyAdded, ""),
                    };
                    self.emit(
                        rule,
                        format!("{what}{subject} was added"),
                        Some(b.at),
                        Side::New,
                    );
                }
                (None, None) => {
                    if !hidden(o, &old_view, name) && !hidden(n, &new_view, name) {
                        self.required_change(site, &subject, was_required, is_required, spot.at);
                    }
                }
            }
        }
    }

    /// Reports a change of `required` for one property.
    fn required_change(
        &mut self,
        site: &Site,
        subject: &str,
        was: bool,
        is: bool,
        at: Option<Position>,
    ) {
        let rule = match (site.direction, was, is) {
            (Direction::Request, false, true) => Rule::RequestPropertyBecameRequired,
            (Direction::Request, true, false) => Rule::RequestPropertyBecameOptional,
            (Direction::Response, true, false) => Rule::ResponsePropertyBecameOptional,
            (Direction::Response, false, true) => Rule::ResponsePropertyBecameRequired,
            _ => return,
        };
        let verb = if is {
            "became required"
        } else {
            "became optional"
        };
        self.emit(rule, format!("{subject} {verb}"), at, Side::New);
    }

    /// `additionalProperties`.
    fn additional(
        &mut self,
        o: &Schema,
        n: &Schema,
        site: &Site,
        path: &str,
        subject: &str,
        spot: Spot,
    ) {
        match (o.additional, n.additional) {
            (Additional::Forbidden, Additional::Forbidden) | (Additional::Any, Additional::Any) => {
            }
            (_, Additional::Forbidden) => {
                let rule = site.pick(
                    Rule::RequestAdditionalPropertiesClosed,
                    Rule::ResponseAdditionalPropertiesClosed,
                );
                self.emit(
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
                self.emit(
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
                self.schema(id(a), id(b), site, &join(path, "*"));
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

/// `path.name`, or `name` at the top.
fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else if name == "[]" {
        format!("{path}[]")
    } else {
        format!("{path}.{name}")
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
