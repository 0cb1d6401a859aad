//! The rules of one served major version: its operations' matches, where its traffic
//! goes, and the headers it sets.
//!
//! The split keeps the bundle's meaning exactly: the target's weight is the bundle's
//! (already 0 for cancelled and 100 for completed tasks) and the current side gets the
//! rest, so a 10% canary is `weight: 90` on the current Service and `weight: 10` on the
//! target. A side with no traffic is left out. Headers that are the same for every
//! backend are set by the rule (Core support); only `x-api-release`, which differs per
//! side while traffic is split, is set on each backend.

use switchyard_schemas::bundle::{ApiVersion, Operation, Release, ServedStatus};
use switchyard_schemas::manifest::MatchRule;

use crate::backends::Backends;
use crate::catalog::{METHOD_NOT_EXPRESSIBLE, RETIRED_VERSION, STICKY_NOT_EXPRESSIBLE};
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

/// The rule groups of one version (empty when it is not routed), and its findings.
pub(crate) fn version_rules(
    api: &ApiVersion,
    backends: &mut Backends<'_>,
    findings: &mut Vec<Finding>,
) -> Vec<RuleGroup> {
    let subject = || Subject::Version {
        service: api.service.clone(),
        major: api.major,
    };
    if api.status == ServedStatus::Retired {
        findings.push(Finding::new(
            &RETIRED_VERSION,
            subject(),
            &["versions", &Finding::version_key(api.major), "status"],
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
    if let Some(release) = release.filter(|_| sides.len() > 1) {
        warn_sticky(api, release, subject(), findings);
    }
    let match_rule = release
        .filter(|_| target_weight < 100)
        .and_then(|release| release.match_rule.as_ref().map(|rule| (release, rule)));

    let service_headers = vec![
        header("x-api-service", &api.service),
        header("x-api-version", &api.version),
    ];
    let response = Filter::ResponseHeaderModifier {
        modifier: HeaderModifier {
            set: response_headers(api),
        },
    };
    let split = sides.len() > 1;
    let resolved: Vec<Option<BackendRef>> = sides
        .iter()
        .map(|(upstream, side, weight)| {
            let filters = if split {
                vec![request_filter(vec![release_header(*side)])]
            } else {
                Vec::new()
            };
            backends.backend(upstream, *weight, filters, findings)
        })
        .collect();
    let header_rule = match match_rule {
        Some((release, rule)) => {
            match backends.backend(&release.target, 100, Vec::new(), findings) {
                Some(backend) => Some((rule, backend)),
                None => return Vec::new(),
            }
        }
        None => None,
    };
    let Some(weighted) = resolved.into_iter().collect::<Option<Vec<BackendRef>>>() else {
        return Vec::new();
    };

    let weighted_filters = {
        let mut request = service_headers.clone();
        if let [(_, side, _)] = sides.as_slice() {
            request.push(release_header(*side));
        }
        vec![request_filter(request), response.clone()]
    };
    let header_rule = header_rule.map(|(rule, backend)| {
        let mut request = service_headers.clone();
        request.push(release_header(Side::Target));
        (
            rule,
            vec![request_filter(request), response.clone()],
            backend,
        )
    });

    let per_group = if header_rule.is_some() { 2 } else { 1 };
    matches
        .chunks(OPERATIONS_PER_RULE)
        .map(|chunk| {
            let mut rules = Vec::with_capacity(per_group);
            if let Some((rule, filters, backend)) = &header_rule {
                rules.push(RouteRule {
                    matches: chunk.iter().map(|m| with_header(m, rule)).collect(),
                    filters: filters.clone(),
                    backend_refs: vec![backend.clone()],
                });
            }
            rules.push(RouteRule {
                matches: chunk.to_vec(),
                filters: weighted_filters.clone(),
                backend_refs: weighted.clone(),
            });
            RuleGroup { rules }
        })
        .collect()
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
            None => findings.push(Finding::new(
                &METHOD_NOT_EXPRESSIBLE,
                Subject::Version {
                    service: api.service.clone(),
                    major: api.major,
                },
                &["versions", &Finding::version_key(api.major), "openapi"],
                format!(
                    "operation `{} {}` of {} {} uses a method an HTTPRoute cannot match",
                    operation.method, operation.path, api.service, api.version
                ),
            )),
        }
    }
    matches
}

fn warn_sticky(api: &ApiVersion, release: &Release, subject: Subject, findings: &mut Vec<Finding>) {
    if let Some(sticky) = &release.sticky {
        findings.push(Finding::new(
            &STICKY_NOT_EXPRESSIBLE,
            subject,
            &["versions", &Finding::version_key(api.major), "release", "sticky"],
            format!(
                "{} {}: task `{}` keeps `{sticky}` on one side, which standard Gateway API cannot express; the route splits by weight alone, so configure session affinity in your gateway implementation or use a `match` rule",
                api.service, api.version, release.task
            ),
        ));
    }
}

fn with_header(matched: &RouteMatch, rule: &MatchRule) -> RouteMatch {
    RouteMatch {
        headers: vec![HeaderMatch {
            kind: "Exact",
            name: rule.header.clone(),
            value: rule.value.clone(),
        }],
        ..matched.clone()
    }
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
