//! Renders a Switchyard bundle as Kubernetes Gateway API resources (HTTPRoute).
//!
//! [`render`] is pure: an environment file and its compiled bundle in, a
//! multi-document YAML stream and a list of [`Finding`]s out. It reads no files and
//! knows no positions; each finding names its [`Subject`] (which file) and a key in it
//! (a JSON pointer), and the compiler turns it into a diagnostic with file and line.
//! The compiler writes `<environment>.yaml` only when no finding is an error.
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
mod parent;
mod resource;
mod version;
mod yaml;

use std::collections::BTreeMap;

use switchyard_schemas::bundle::{ApiVersion, Bundle};
use switchyard_schemas::manifest::EnvironmentFile;

pub use catalog::{RULES, Rule, explain};
pub use finding::{Finding, Severity, Subject};

use backends::Backends;
use names::{ENVIRONMENT_LABEL, MANAGED_BY_LABEL, SERVICE_LABEL};
use resource::{HttpRoute, Metadata, ParentRef, RouteRule, RouteSpec};

/// What [`render`] produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    /// The HTTPRoutes as one multi-document YAML stream; empty when a finding is an error.
    pub yaml: String,
    /// What could not be expressed: errors first, then by code and message.
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
    let parent = parent::parent_ref(environment, &mut findings);
    names::check_environment(&environment.name, &bundle.domain, &mut findings);
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
        names::check_service(
            service,
            &environment.name,
            &bundle.domain,
            &first,
            &mut findings,
        );
        for (part, rules) in packed.into_iter().enumerate() {
            routes.push(route(
                service,
                environment,
                &bundle.domain,
                part,
                parent.as_ref(),
                rules,
            ));
        }
    }

    findings.sort();
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

/// The `part`-th route of `service`.
fn route(
    service: &str,
    environment: &EnvironmentFile,
    domain: &str,
    part: usize,
    parent: Option<&ParentRef>,
    rules: Vec<RouteRule>,
) -> HttpRoute {
    HttpRoute {
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
            parent_refs: parent.into_iter().cloned().collect(),
            hostnames: vec![names::hostname(service, domain)],
            rules,
        },
    }
}
