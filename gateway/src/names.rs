//! Kubernetes names: what the routes are called, which names Kubernetes accepts, and
//! findings for the names of an environment and its services that it would reject.

use crate::catalog::INVALID_KUBERNETES_NAME;
use crate::finding::{Finding, Subject};

/// The label every generated route carries, so `kubectl apply --prune -l` can find them.
pub(crate) const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The label naming the Switchyard environment of a route.
pub(crate) const ENVIRONMENT_LABEL: &str = "switchyard.dev/environment";
/// The label naming the Switchyard service of a route.
pub(crate) const SERVICE_LABEL: &str = "switchyard.dev/service";

/// The name of the `part`-th route (0-based) of a service in an environment:
/// `<service>.<environment>`, then `<service>.<environment>.2`, `.3`, …
///
/// Service and environment names cannot contain dots, so these names never collide.
pub(crate) fn route_name(service: &str, environment: &str, part: usize) -> String {
    match part {
        0 => format!("{service}.{environment}"),
        _ => format!("{service}.{environment}.{}", part + 1),
    }
}

/// The host a service answers on: `<service>.<domain>`, lower-cased (host names
/// compare without case, Gateway API accepts only lower case).
pub(crate) fn hostname(service: &str, domain: &str) -> String {
    format!("{service}.{domain}").to_ascii_lowercase()
}

/// Findings for the environment's name (a label value) and domain (part of every host).
pub(crate) fn check_environment(name: &str, domain: &str, findings: &mut Vec<Finding>) {
    if !is_label_value(name) {
        findings.push(Finding::new(
            &INVALID_KUBERNETES_NAME,
            Subject::Environment,
            &["name"],
            format!(
                "environment name `{name}` is not a valid label value (at most 63 letters, digits, `-`, `_` and `.`)"
            ),
        ));
    }
    if !is_dns_subdomain(&domain.to_ascii_lowercase()) {
        findings.push(Finding::new(
            &INVALID_KUBERNETES_NAME,
            Subject::Environment,
            &["domain"],
            format!("domain `{domain}` is not a valid DNS name"),
        ));
    }
}

/// Findings for the route name, label value and host name of `service`, about its
/// manifest's `service` key (`subject` is its first served version).
pub(crate) fn check_service(
    service: &str,
    environment: &str,
    domain: &str,
    subject: &Subject,
    findings: &mut Vec<Finding>,
) {
    let route = route_name(service, environment, 0);
    let host = hostname(service, domain);
    let mut problems = Vec::new();
    if !is_dns_subdomain(&route) {
        problems.push(format!(
            "route name `{route}` is not a DNS subdomain (lower-case letters, digits, `-` and `.`, at most 253 characters)"
        ));
    }
    if !is_label_value(service) {
        problems.push(format!(
            "service name `{service}` is not a valid label value (at most 63 letters, digits, `-`, `_` and `.`)"
        ));
    }
    if is_dns_subdomain(&domain.to_ascii_lowercase()) && !is_dns_subdomain(&host) {
        problems.push(format!("host name `{host}` is not a valid DNS name"));
    }
    findings.extend(problems.into_iter().map(|message| {
        Finding::new(
            &INVALID_KUBERNETES_NAME,
            subject.clone(),
            &["service"],
            message,
        )
    }));
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters
/// (namespaces, Service names).
pub(crate) fn is_dns_label(name: &str) -> bool {
    name.len() <= 63 && is_label_text(name)
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters (object names,
/// host names, listener names).
pub(crate) fn is_dns_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_label_text)
}

/// A label value: empty, or at most 63 characters of `[A-Za-z0-9._-]` starting and
/// ending with a letter or digit.
pub(crate) fn is_label_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= 63
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
        }
        _ => true,
    }
}

fn is_label_text(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            is_lower_alphanumeric(*first)
                && is_lower_alphanumeric(*last)
                && bytes.iter().all(|&b| is_lower_alphanumeric(b) || b == b'-')
        }
        _ => false,
    }
}

fn is_lower_alphanumeric(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_names_are_dns_subdomains() {
        assert_eq!(route_name("products", "shop-prod", 0), "products.shop-prod");
        assert_eq!(
            route_name("products", "shop-prod", 1),
            "products.shop-prod.2"
        );
        assert!(is_dns_subdomain(&route_name("products", "shop-prod", 1)));
    }

    #[test]
    fn names_are_checked() {
        assert!(is_dns_label("shop"));
        assert!(!is_dns_label("Shop"));
        assert!(!is_dns_label("-shop"));
        assert!(!is_dns_label(""));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(is_dns_subdomain("products.shop.example.com"));
        assert!(!is_dns_subdomain("products..example.com"));
        assert!(!is_dns_subdomain("products_1.example.com"));
        assert!(is_label_value("shop-prod"));
        assert!(is_label_value("A_b.c"));
        assert!(!is_label_value("shop-"));
        assert!(!is_label_value(&"a".repeat(64)));
        assert_eq!(
            hostname("Products", "Shop.Example.com"),
            "products.shop.example.com"
        );
    }
}
