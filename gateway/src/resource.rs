//! The subset of the Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) we write.
//!
//! Field names and order follow the official CRD; optional fields are left out when
//! empty so the output carries only what the renderer decided.

use std::collections::BTreeMap;

use serde::Serialize;

/// An `HTTPRoute` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpRoute {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: Metadata,
    pub spec: RouteSpec,
}

/// Object metadata: name and labels (the namespace is the one it is applied to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Metadata {
    pub name: String,
    pub labels: BTreeMap<&'static str, String>,
}

/// `spec` of an HTTPRoute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RouteSpec {
    pub parent_refs: Vec<ParentRef>,
    pub hostnames: Vec<String>,
    pub rules: Vec<RouteRule>,
}

/// A parent Gateway (group and kind default to `gateway.networking.k8s.io`/`Gateway`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ParentRef {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// One rule: requests matching any of `matches` go to `backend_refs` after `filters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RouteRule {
    pub matches: Vec<RouteMatch>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
    pub backend_refs: Vec<BackendRef>,
}

/// One match: a path, a method, and optionally headers (all must hold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RouteMatch {
    pub path: PathMatch,
    pub method: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderMatch>,
}

/// A path match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct PathMatch {
    #[serde(rename = "type")]
    pub kind: PathMatchType,
    pub value: String,
}

/// How a path is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum PathMatchType {
    /// The whole path equals the value (Core support).
    Exact,
    /// The path matches an anchored regular expression (implementation-specific support).
    RegularExpression,
}

/// A header match; always `Exact` here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct HeaderMatch {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    pub value: String,
}

/// A filter applied to requests or responses of a rule or of one backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub(crate) enum Filter {
    /// Sets request headers before forwarding.
    RequestHeaderModifier {
        #[serde(rename = "requestHeaderModifier")]
        modifier: HeaderModifier,
    },
    /// Sets response headers before answering.
    ResponseHeaderModifier {
        #[serde(rename = "responseHeaderModifier")]
        modifier: HeaderModifier,
    },
}

/// Headers to set (overwriting what is there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct HeaderModifier {
    pub set: Vec<Header>,
}

/// One header name and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Header {
    pub name: &'static str,
    pub value: String,
}

/// A Kubernetes Service backend with its share of the rule's traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct BackendRef {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub port: u16,
    pub weight: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
}
