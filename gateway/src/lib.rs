//! Renders a Switchyard bundle as Kubernetes Gateway API resources (HTTPRoute).
//!
//! [`render`] is pure: an environment file and its compiled bundle in, a
//! multi-document YAML stream and a list of [`Finding`]s out. It reads no files and
//! knows no positions; the compiler turns findings into diagnostics pointing at
//! `environment.toml` or a release manifest, and writes `<environment>.yaml` only when
//! no finding is an error.
//!
//! One `HTTPRoute` per service (more when Gateway API's size limits force a split),
//! named `<service>.<environment>`, for the host `<service>.<domain>`, attached to the
//! environment's `gateway`, with one rule per served major (more for many
//! operations). What Gateway API cannot express is a warning, never silently dropped.

mod backends;
mod catalog;
mod finding;
mod lifecycle;
mod matching;
mod names;
mod packing;
mod resource;
mod version;
mod yaml;

use std::collections::BTreeMap;

use switchyard_schemas::bundle::{ApiVersion, Bundle};
use switchyard_schemas::manifest::{EnvironmentFile, GatewayRef};

pub use catalog::{RULES, Rule, explain};
pub use finding::{Finding, Severity, Subject};

use backends::Backends;
use catalog::{ENVIRONMENT_WITHOUT_GATEWAY, INVALID_KUBERNETES_NAME};
use names::{ENVIRONMENT_LABEL, MANAGED_BY_LABEL, SERVICE_LABEL};
use resource::{HttpRoute, Metadata, ParentRef, RouteSpec};

/// What [`render`] produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    /// The HTTPRoutes as one multi-document YAML stream; empty when a finding is an error.
    pub yaml: String,
    /// What could not be expressed, in a deterministic order.
    pub findings: Vec<Finding>,
}

impl Rendering {
    /// Whether a finding is an error (then `yaml` is empty and must not be written).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}

/// Renders the bundle of `environment` as Gateway API HTTPRoutes.
pub fn render(environment: &EnvironmentFile, bundle: &Bundle) -> Rendering {
    let mut findings = Vec::new();
    let parent = parent_ref(environment, &mut findings);
    if !names::is_label_value(&environment.name) {
        findings.push(invalid_name(format!(
            "environment name `{}` is not a valid label value (at most 63 letters, digits, `-`, `_` and `.`)",
            environment.name
        )));
    }
    let mut backends = Backends::new(&environment.upstreams);

    let mut services: BTreeMap<&str, Vec<&ApiVersion>> = BTreeMap::new();
    for api in &bundle.apis {
        services.entry(api.service.as_str()).or_default().push(api);
    }
    let mut routes = Vec::new();
    for (service, mut versions) in services {
        versions.sort_by_key(|api| api.major);
        let first = Subject::Version {
            service: service.to_owned(),
            major: versions.first().map_or(0, |api| api.major),
        };
        let groups = versions
            .into_iter()
            .flat_map(|api| version::version_rules(api, &mut backends, &mut findings))
            .collect();
        let packed = packing::pack(groups);
        if packed.is_empty() {
            continue;
        }
        let host = names::hostname(service, &bundle.domain);
        check_service_names(service, &environment.name, &host, &first, &mut findings);
        for (part, rules) in packed.into_iter().enumerate() {
            routes.push(HttpRoute {
                api_version: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: Metadata {
                    name: names::route_name(service, &environment.name, part),
                    labels: BTreeMap::from([
                        (MANAGED_BY_LABEL, "switchyard".to_owned()),
                        (ENVIRONMENT_LABEL, environment.name.clone()),
                        (SERVICE_LABEL, service.to_owned()),
                    ]),
                },
                spec: RouteSpec {
                    parent_refs: parent.iter().cloned().collect(),
                    hostnames: vec![host.clone()],
                    rules,
                },
            });
        }
    }

    findings
        .sort_by(|a, b| (&a.subject, a.code, &a.message).cmp(&(&b.subject, b.code, &b.message)));
    findings.dedup();
    if findings.iter().any(Finding::is_error) {
        return Rendering {
            yaml: String::new(),
            findings,
        };
    }
    match yaml::write(&environment.name, &bundle.generation, &routes) {
        Ok(yaml) => Rendering { yaml, findings },
        Err(finding) => {
            findings.push(finding);
            Rendering {
                yaml: String::new(),
                findings,
            }
        }
    }
}

/// The parent Gateway, or a finding when it is missing or invalid.
fn parent_ref(environment: &EnvironmentFile, findings: &mut Vec<Finding>) -> Option<ParentRef> {
    let Some(GatewayRef {
        name,
        namespace,
        section,
    }) = &environment.gateway
    else {
        findings.push(Finding::new(
            &ENVIRONMENT_WITHOUT_GATEWAY,
            Subject::Environment,
            format!(
                "environment `{}` names no parent Gateway for the gateway-api target; add `gateway = {{ name = \"NAME\" }}` to environment.toml",
                environment.name
            ),
        ));
        return None;
    };
    let checks = [
        (
            "Gateway name",
            Some(name),
            names::is_dns_subdomain as fn(&str) -> bool,
        ),
        ("Gateway namespace", namespace.as_ref(), names::is_dns_label),
        ("Gateway section", section.as_ref(), names::is_dns_subdomain),
    ];
    let mut valid = true;
    for (what, value, is_valid) in checks {
        if let Some(value) = value.filter(|value| !is_valid(value)) {
            findings.push(invalid_name(format!(
                "{what} `{value}` is not a valid Kubernetes name (lower-case letters, digits, `-` and `.`)"
            )));
            valid = false;
        }
    }
    valid.then(|| ParentRef {
        name: name.clone(),
        namespace: namespace.clone(),
        section_name: section.clone(),
    })
}

/// Findings for a route name, label value or host name of `service` that Kubernetes
/// would reject, about the service's first served version (`subject`).
fn check_service_names(
    service: &str,
    environment: &str,
    host: &str,
    subject: &Subject,
    findings: &mut Vec<Finding>,
) {
    let route = names::route_name(service, environment, 0);
    let mut problems = Vec::new();
    if !names::is_dns_subdomain(&route) {
        problems.push(format!(
            "route name `{route}` is not a DNS subdomain (lower-case letters, digits, `-` and `.`, at most 253 characters)"
        ));
    }
    if !names::is_label_value(service) {
        problems.push(format!(
            "service name `{service}` is not a valid label value (at most 63 letters, digits, `-`, `_` and `.`)"
        ));
    }
    if !names::is_dns_subdomain(host) {
        problems.push(format!("host name `{host}` is not a valid DNS name"));
    }
    findings.extend(
        problems
            .into_iter()
            .map(|message| Finding::new(&INVALID_KUBERNETES_NAME, subject.clone(), message)),
    );
}

fn invalid_name(message: String) -> Finding {
    Finding::new(&INVALID_KUBERNETES_NAME, Subject::Environment, message)
}
