//! Upstreams to Kubernetes Service backends, through `kubernetes = { ... }` in
//! `environment.toml`.
//!
//! Each upstream is resolved once per rendering, so a missing or invalid Service is
//! reported once however many routes use it.

use std::collections::BTreeMap;

use switchyard_schemas::manifest::{KubernetesService, UpstreamDef};

use crate::catalog::{INVALID_KUBERNETES_NAME, UPSTREAM_WITHOUT_SERVICE};
use crate::finding::{Finding, Subject};
use crate::names::is_dns_label;
use crate::resource::{BackendRef, Filter};

/// Resolves upstream names to Services, remembering what it already reported.
pub(crate) struct Backends<'a> {
    upstreams: &'a BTreeMap<String, UpstreamDef>,
    resolved: BTreeMap<String, Option<KubernetesService>>,
}

impl<'a> Backends<'a> {
    /// Resolves against an environment's upstreams.
    pub(crate) fn new(upstreams: &'a BTreeMap<String, UpstreamDef>) -> Backends<'a> {
        Backends {
            upstreams,
            resolved: BTreeMap::new(),
        }
    }

    /// The backend for `upstream` with `weight` and per-backend `filters`, or `None`
    /// (with a finding the first time) when the upstream has no usable Service.
    pub(crate) fn backend(
        &mut self,
        upstream: &str,
        weight: u32,
        filters: Vec<Filter>,
        findings: &mut Vec<Finding>,
    ) -> Option<BackendRef> {
        let service = match self.resolved.get(upstream) {
            Some(known) => known.clone(),
            None => {
                let service = self.resolve(upstream, findings);
                self.resolved.insert(upstream.to_owned(), service.clone());
                service
            }
        }?;
        Some(BackendRef {
            name: service.service,
            namespace: service.namespace,
            port: service.port,
            weight,
            filters,
        })
    }

    fn resolve(&self, upstream: &str, findings: &mut Vec<Finding>) -> Option<KubernetesService> {
        let subject = || Subject::Upstream(upstream.to_owned());
        let upstream_key = ["upstreams", upstream];
        let Some(definition) = self.upstreams.get(upstream) else {
            findings.push(Finding::new(
                &UPSTREAM_WITHOUT_SERVICE,
                subject(),
                &upstream_key,
                format!("upstream `{upstream}` is not defined in environment.toml, so it has no Kubernetes Service"),
            ));
            return None;
        };
        let Some(service) = &definition.kubernetes else {
            findings.push(Finding::new(
                &UPSTREAM_WITHOUT_SERVICE,
                subject(),
                &upstream_key,
                format!(
                    "upstream `{upstream}` has no Kubernetes Service for the gateway-api target; add `kubernetes = {{ service = \"NAME\", port = PORT }}`"
                ),
            ));
            return None;
        };
        let mut valid = true;
        if !is_dns_label(&service.service) {
            findings.push(Finding::new(
                &INVALID_KUBERNETES_NAME,
                subject(),
                &["upstreams", upstream, "kubernetes", "service"],
                format!(
                    "Kubernetes Service name `{}` of upstream `{upstream}` is not a DNS label (lower-case letters, digits and `-`, at most 63 characters)",
                    service.service
                ),
            ));
            valid = false;
        }
        if let Some(namespace) = service.namespace.as_deref().filter(|ns| !is_dns_label(ns)) {
            findings.push(Finding::new(
                &INVALID_KUBERNETES_NAME,
                subject(),
                &["upstreams", upstream, "kubernetes", "namespace"],
                format!(
                    "namespace `{namespace}` of upstream `{upstream}` is not a DNS label (lower-case letters, digits and `-`, at most 63 characters)"
                ),
            ));
            valid = false;
        }
        if service.port == 0 {
            findings.push(Finding::new(
                &INVALID_KUBERNETES_NAME,
                subject(),
                &["upstreams", upstream, "kubernetes", "port"],
                format!("port 0 of upstream `{upstream}` is not a Service port (1-65535)"),
            ));
            valid = false;
        }
        valid.then(|| service.clone())
    }
}
