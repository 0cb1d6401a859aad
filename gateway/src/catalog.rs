//! The rules of the Gateway API target: stable codes, names and explanations.
//!
//! Codes and names never change meaning: users pin them in CI settings. Each
//! explanation follows one shape (what it checks, why it matters, how to fix it) and
//! is what `switchyard explain GW001` prints.

use crate::finding::Severity;

/// One rule of the Gateway API target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, e.g. `GW001`.
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The long explanation printed by `switchyard explain`.
    pub explanation: &'static str,
}

/// An upstream used by a route has no `kubernetes = { ... }` Service.
pub(crate) const UPSTREAM_WITHOUT_SERVICE: Rule = Rule {
    code: "GW001",
    name: "upstream-without-kubernetes-service",
    severity: Severity::Error,
    summary: "an upstream that receives traffic has no Kubernetes Service",
    explanation: "\
What it checks: every upstream that receives traffic in the Gateway API output \
(`--target gateway-api`) names the Kubernetes Service behind it.

Why it matters: an HTTPRoute sends requests to Services, not to `host:port` \
endpoints. Without the Service the route cannot be written. Only this target needs \
the field: the Switchyard proxy keeps using `endpoints`.

Fix: add the Service to the upstream in `environment.toml`:

    [upstreams.mall]
    endpoints = [\"10.0.1.10:8080\"]
    kubernetes = { service = \"mall\", port = 8080, namespace = \"shop\" }

`namespace` is optional (the route's own namespace). A Service in another namespace \
than the route needs a ReferenceGrant in the Service's namespace.",
};

/// The environment names no parent Gateway.
pub(crate) const ENVIRONMENT_WITHOUT_GATEWAY: Rule = Rule {
    code: "GW002",
    name: "environment-without-gateway",
    severity: Severity::Error,
    summary: "the environment names no parent Gateway for its routes",
    explanation: "\
What it checks: an environment built with `--target gateway-api` names the Gateway \
its routes attach to.

Why it matters: an HTTPRoute without a parent Gateway is accepted by the API server \
but serves nothing, which would look like a successful release.

Fix: set the parent Gateway in `environment.toml`:

    gateway = { name = \"public\", namespace = \"gateways\", section = \"https\" }

`namespace` (the route's own namespace when absent) and `section` (a listener \
name; all listeners when absent) are optional.",
};

/// A retired version: the 410 answer cannot be expressed.
pub(crate) const RETIRED_VERSION: Rule = Rule {
    code: "GW003",
    name: "retired-version-not-expressible",
    severity: Severity::Warning,
    summary: "a retired version cannot answer 410 Gone through Gateway API",
    explanation: "\
What it checks: a retired version in an environment built with `--target gateway-api`.

Why it matters: the Switchyard proxy answers a retired version with 410 Gone and a \
JSON body naming the successor. Gateway API has no direct-response filter, so the \
generated routes leave the retired version out and the gateway answers 404 Not \
Found instead: clients lose the hint that the version is gone for good and where to go.

Fix: either accept the 404, or keep the 410 by routing the retired base path \
(`/v1`) to a small backend that answers 410 (for example the Switchyard proxy \
serving this environment's bundle) with an HTTPRoute of your own, or remove the \
version from the manifest once its traffic has stopped.",
};

/// Sticky routing cannot be expressed in the standard channel.
pub(crate) const STICKY_NOT_EXPRESSIBLE: Rule = Rule {
    code: "GW004",
    name: "sticky-routing-not-expressible",
    severity: Severity::Warning,
    summary: "sticky routing cannot be expressed in the standard channel",
    explanation: "\
What it checks: a running release task with `sticky = \"header:NAME\"` or \
`\"cookie:NAME\"` whose traffic is split, in an environment built with \
`--target gateway-api`.

Why it matters: the Switchyard proxy hashes the key so one user always lands on the \
same side of the split. The standard channel of Gateway API has weighted backends \
but no key-based affinity, so the generated route splits each request by weight \
alone: one user can see both the current and the target release.

Fix: configure affinity in your implementation for the two Services (Envoy \
Gateway: a BackendTrafficPolicy with `loadBalancer.type: ConsistentHash`; Istio: \
`sessionPersistence` on the route or a DestinationRule `consistentHash`; the \
experimental channel of Gateway API: `sessionPersistence` on the rule), or send \
the users who must see the target there with a `match` rule instead.",
};

/// An operation's method is not one Gateway API can match.
pub(crate) const METHOD_NOT_EXPRESSIBLE: Rule = Rule {
    code: "GW005",
    name: "method-not-expressible",
    severity: Severity::Error,
    summary: "an operation's method cannot be matched by an HTTPRoute",
    explanation: "\
What it checks: every served operation's HTTP method is one an HTTPRoute can \
match: GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE or PATCH.

Why it matters: a route cannot match any other method. Dropping the method match \
would send every method to the backend; dropping the operation would make it \
unreachable. Neither keeps the contract, so the build stops.

Fix: serve the operation with the Switchyard proxy, or change the API to use one of \
the methods above.",
};

/// A name or reference is not valid in Kubernetes.
pub(crate) const INVALID_KUBERNETES_NAME: Rule = Rule {
    code: "GW006",
    name: "invalid-kubernetes-name",
    severity: Severity::Error,
    summary: "a name or reference is not valid in Kubernetes",
    explanation: "\
What it checks: every name the Gateway API output contains is valid in Kubernetes: \
the route name `<service>.<environment>` (a DNS subdomain, at most 253 characters), \
the environment and service as label values (at most 63 characters), the hostname \
`<service>.<domain>`, the Gateway's name, namespace and section, and each \
upstream's Service name, namespace and port.

Why it matters: the API server rejects the whole file when one object is invalid.

Fix: shorten or rename what the message names. Service and namespace names are \
lower-case letters, digits and `-`, starting and ending with a letter or digit.",
};

/// The YAML writer failed (a bug, never the user's input).
pub(crate) const OUTPUT_NOT_WRITTEN: Rule = Rule {
    code: "GW007",
    name: "output-not-written",
    severity: Severity::Error,
    summary: "the routes could not be written as YAML",
    explanation: "\
What it checks: the generated routes could be written as YAML.

Why it matters: this cannot happen for valid routes; when it does, nothing is \
written rather than a partial file.

Fix: report the message as a bug of Switchyard.",
};

/// Every rule of the Gateway API target, in code order.
pub const RULES: &[Rule] = &[
    UPSTREAM_WITHOUT_SERVICE,
    ENVIRONMENT_WITHOUT_GATEWAY,
    RETIRED_VERSION,
    STICKY_NOT_EXPRESSIBLE,
    METHOD_NOT_EXPRESSIBLE,
    INVALID_KUBERNETES_NAME,
    OUTPUT_NOT_WRITTEN,
];

/// The explanation of a rule, by code (`GW001`, any case) or by name.
pub fn explain(code_or_name: &str) -> Option<&'static str> {
    RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
        .map(|rule| rule.explanation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.code, format!("GW{:03}", index + 1));
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                rule.name
            );
            assert!(!rule.summary.is_empty() && !rule.summary.ends_with('.'));
            assert!(
                RULES[..index]
                    .iter()
                    .all(|earlier| earlier.name != rule.name),
                "{} is used twice",
                rule.name
            );
            assert!(rule.explanation.starts_with("What it checks: "));
            assert!(rule.explanation.contains("\n\nFix: "));
        }
    }

    #[test]
    fn explain_finds_rules_by_code_or_name() {
        assert_eq!(
            explain("gw002"),
            Some(ENVIRONMENT_WITHOUT_GATEWAY.explanation)
        );
        assert_eq!(
            explain("sticky-routing-not-expressible"),
            Some(STICKY_NOT_EXPRESSIBLE.explanation)
        );
        assert_eq!(explain("GW999"), None);
    }
}
