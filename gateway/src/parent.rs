//! The parent Gateway of an environment's routes (`gateway = { ... }` in
//! `environment.toml`).

use switchyard_schemas::manifest::{EnvironmentFile, GatewayRef};

use crate::catalog::{ENVIRONMENT_WITHOUT_GATEWAY, INVALID_KUBERNETES_NAME};
use crate::finding::{Finding, Subject};
use crate::names;
use crate::resource::ParentRef;

/// The parent Gateway, or `None` with a finding when it is missing or invalid.
pub(crate) fn parent_ref(
    environment: &EnvironmentFile,
    findings: &mut Vec<Finding>,
) -> Option<ParentRef> {
    let Some(GatewayRef {
        name,
        namespace,
        section,
    }) = &environment.gateway
    else {
        findings.push(Finding::new(
            &ENVIRONMENT_WITHOUT_GATEWAY,
            Subject::Environment,
            &[],
            format!(
                "environment `{}` names no parent Gateway for the gateway-api target; add `gateway = {{ name = \"NAME\" }}` to environment.toml",
                environment.name
            ),
        ));
        return None;
    };
    let mut valid = true;
    let mut check = |key: &str, value: Option<&String>, is_valid: fn(&str) -> bool| {
        if let Some(value) = value.filter(|value| !is_valid(value)) {
            findings.push(Finding::new(
                &INVALID_KUBERNETES_NAME,
                Subject::Environment,
                &["gateway", key],
                format!(
                    "Gateway {key} `{value}` is not a valid Kubernetes name (lower-case letters, digits, `-` and `.`)"
                ),
            ));
            valid = false;
        }
    };
    check("name", Some(name), names::is_dns_subdomain);
    check("namespace", namespace.as_ref(), names::is_dns_label);
    check("section", section.as_ref(), names::is_dns_subdomain);
    valid.then(|| ParentRef {
        name: name.clone(),
        namespace: namespace.clone(),
        section_name: section.clone(),
    })
}
