//! The rules of one served major version: its operations' matches, where its traffic
//! goes, and the headers it sets.
//!
//! The split keeps the bundle's meaning exactly: the target's weight is the bundle's
//! (already 0 for cancelled and 100 for completed tasks) and the current side gets the
//! rest, so a 10% canary is `weight: 90` on the current Service and `weight: 10` on the
//! target. A side with no traffic is left out. A `match` rule becomes a rule of its own
//! before the weighted one, with the same matches plus the header, sending everything
//! to the target (more header matches take precedence in Gateway API, and so does the
//! earlier rule). Headers that are the same for every backend are set by the rule (Core
//! support); only `x-api-release`, which differs per side while traffic is split, is
//! set on each backend.

use switchyard_schemas::bundle::{ApiVersion, Operation, ServedStatus};

use crate::backends::Backends;
use crate::catalog::{METHOD_NOT_EXPRESSIBLE, RETIRED_VERSION, Rule, STICKY_NOT_EXPRESSIBLE};
use crate::finding::{Finding, Subject};
use crate::lifecycle::response_headers;
use crate::matching::operation_match;
use crate::packing::{OPERATIONS_PER_RULE, RuleGroup};
use crate::resource::{
    BackendRef, Filter, Header, HeaderMatch, HeaderModifier, RouteMatch, RouteRule,
};

/// Which side of a split a backend is, as the `x-api-release` header says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Current,
    Target,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::Current => "current",
            Side::Target => "target",
        }
    }
}

/// Everything of a rule but its matches: one template per rule of a group.
struct RuleTemplate {
    /// The `match` rule's header, added to every match.
    header: Option<HeaderMatch>,
    filters: Vec<Filter>,
    backend_refs: Vec<BackendRef>,
}

impl RuleTemplate {
    fn rule(&self, matches: &[RouteMatch]) -> RouteRule {
        RouteRule {
            matches: matches
                .iter()
                .map(|matched| RouteMatch {
                    headers: self.header.iter().cloned().collect(),
                    ..matched.clone()
                })
                .collect(),
            filters: self.filters.clone(),
            backend_refs: self.backend_refs.clone(),
        }
    }
}

/// The rule groups of one version (empty when it is not routed), and its findings.
pub(crate) fn version_rules(
    api: &ApiVersion,
    backends: &mut Backends<'_>,
    findings: &mut Vec<Finding>,
) -> Vec<RuleGroup> {
    if api.status == ServedStatus::Retired {
        findings.push(version_finding(
            api,
            &RETIRED_VERSION,
            &["status"],
            format!(
                "{} {} is retired: Gateway API cannot answer 410 Gone, so the routes leave {} out and the gateway answers 404; route {} to a backend that answers 410 if clients need to be told",
                api.service, api.version, api.base_path, api.base_path
            ),
        ));
        return Vec::new();
    }
    let matches = operation_matches(api, findings);
    if matches.is_empty() {
        return Vec::new();
    }
    let Some(templates) = templates(api, backends, findings) else {
        return Vec::new();
    };
    matches
        .chunks(OPERATIONS_PER_RULE)
        .map(|chunk| RuleGroup {
            rules: templates
                .iter()
                .map(|template| template.rule(chunk))
                .collect(),
        })
        .collect()
}

/// The templates of the version's rules: the `match` rule's first, then the weighted
/// one; `None` when a backend has no usable Service (a finding says why).
fn templates(
    api: &ApiVersion,
    backends: &mut Backends<'_>,
    findings: &mut Vec<Finding>,
) -> Option<Vec<RuleTemplate>> {
    let release = api.split.release.as_ref();
    let target_weight = release.map_or(0, |release| u32::from(release.weight.min(100)));
    let sides: Vec<(&str, Side, u32)> = [
        (
            api.split.current.as_str(),
            Side::Current,
            100 - target_weight,
        ),
        (
            release.map_or("", |release| release.target.as_str()),
            Side::Target,
            target_weight,
        ),
    ]
    .into_iter()
    .filter(|(_, _, weight)| *weight > 0)
    .collect();
    let split = sides.len() > 1;
    if let Some((release, sticky)) = release
        .filter(|_| split)
        .and_then(|release| Some((release, release.sticky.as_ref()?)))
    {
        findings.push(version_finding(
            api,
            &STICKY_NOT_EXPRESSIBLE,
            &["release", "sticky"],
            format!(
                "{} {}: task `{}` keeps `{sticky}` on one side, which standard Gateway API cannot express; the route splits by weight alone, so configure session affinity in your gateway implementation or use a `match` rule",
                api.service, api.version, release.task
            ),
        ));
    }

    let mut templates = Vec::with_capacity(2);
    if let Some((release, rule)) = release
        .filter(|_| target_weight < 100)
        .and_then(|release| Some((release, release.match_rule.as_ref()?)))
    {
        let backend = backends.backend(&release.target, 100, Vec::new(), findings);
        templates.push(backend.map(|backend| RuleTemplate {
            header: Some(HeaderMatch {
                kind: "Exact",
                name: rule.header.clone(),
                value: rule.value.clone(),
            }),
            filters: rule_filters(api, Some(Side::Target)),
            backend_refs: vec![backend],
        }));
    }
    let weighted: Vec<Option<BackendRef>> = sides
        .iter()
        .map(|&(upstream, side, weight)| {
            let filters = if split {
                vec![request_filter(vec![release_header(side)])]
            } else {
                Vec::new()
            };
            backends.backend(upstream, weight, filters, findings)
        })
        .collect();
    let only_side = match sides.as_slice() {
        [(_, side, _)] => Some(*side),
        _ => None,
    };
    templates.push(
        weighted
            .into_iter()
            .collect::<Option<Vec<BackendRef>>>()
            .map(|backend_refs| RuleTemplate {
                header: None,
                filters: rule_filters(api, only_side),
                backend_refs,
            }),
    );
    templates.into_iter().collect()
}

/// The rule-level filters: the version's tags (with `x-api-release` when every backend
/// of the rule is on `side`) and its response headers.
fn rule_filters(api: &ApiVersion, side: Option<Side>) -> Vec<Filter> {
    let mut request = vec![
        header("x-api-service", &api.service),
        header("x-api-version", &api.version),
    ];
    request.extend(side.map(release_header));
    vec![
        request_filter(request),
        Filter::ResponseHeaderModifier {
            modifier: HeaderModifier {
                set: response_headers(api),
            },
        },
    ]
}

/// One match per operation whose method Gateway API can match, in path and method
/// order whatever the bundle's order; a finding for the rest.
fn operation_matches(api: &ApiVersion, findings: &mut Vec<Finding>) -> Vec<RouteMatch> {
    let mut operations: Vec<&Operation> = api.operations.iter().collect();
    operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let mut matches = Vec::with_capacity(operations.len());
    for operation in operations {
        match operation_match(&operation.method, &operation.path) {
            Some(matched) => matches.push(matched),
            None => findings.push(version_finding(
                api,
                &METHOD_NOT_EXPRESSIBLE,
                &["openapi"],
                format!(
                    "operation `{} {}` of {} {} uses a method an HTTPRoute cannot match",
                    operation.method, operation.path, api.service, api.version
                ),
            )),
        }
    }
    matches
}

/// A finding about the key `below` under `[versions.v<major>]` of the service's manifest.
fn version_finding(api: &ApiVersion, rule: &Rule, below: &[&str], message: String) -> Finding {
    let version = format!("v{}", api.major);
    let mut path = vec!["versions", version.as_str()];
    path.extend_from_slice(below);
    Finding::new(
        rule,
        Subject::Version {
            service: api.service.clone(),
            major: api.major,
        },
        &path,
        message,
    )
}

fn header(name: &'static str, value: &str) -> Header {
    Header {
        name,
        value: value.to_owned(),
    }
}

fn release_header(side: Side) -> Header {
    header("x-api-release", side.as_str())
}

fn request_filter(set: Vec<Header>) -> Filter {
    Filter::RequestHeaderModifier {
        modifier: HeaderModifier { set },
    }
}
