//! What the renderer refuses or cannot express, and that an error means no YAML.

mod common;

use common::{bundle, environment, release, releasing, version};
use switchyard_gateway::{Finding, Rendering, Severity, Subject, explain, render};
use switchyard_schemas::manifest::{EnvironmentFile, Strategy, TaskStatus};

fn findings(
    environment: &EnvironmentFile,
    apis: Vec<switchyard_schemas::bundle::ApiVersion>,
) -> Rendering {
    render(environment, &bundle(apis))
}

fn lines(rendering: &Rendering) -> String {
    rendering
        .findings
        .iter()
        .map(|finding| {
            format!(
                "{:?} {} {} {:?} `{}`: {}",
                finding.severity,
                finding.code,
                finding.name,
                finding.subject,
                finding.key,
                finding.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn canary() -> Vec<switchyard_schemas::bundle::ApiVersion> {
    vec![
        releasing(
            version("products", 1, &[("GET", "/products")]),
            release(Strategy::Canary, TaskStatus::Running, 10),
        ),
        releasing(
            version("products", 2, &[("GET", "/products")]),
            release(Strategy::Canary, TaskStatus::Running, 30),
        ),
    ]
}

#[test]
fn a_missing_gateway_is_an_error_and_nothing_is_written() {
    let mut env = environment();
    env.gateway = None;
    let rendering = findings(&env, canary());
    assert!(rendering.has_errors());
    assert!(rendering.yaml.is_empty());
    insta::assert_snapshot!(lines(&rendering));
}

#[test]
fn an_upstream_without_service_is_reported_once() {
    let mut env = environment();
    if let Some(upstream) = env.upstreams.get_mut("mall-next") {
        upstream.kubernetes = None;
    }
    let rendering = findings(&env, canary());
    assert!(rendering.yaml.is_empty());
    assert_eq!(
        rendering
            .findings
            .iter()
            .map(|f| (&f.subject, f.code))
            .collect::<Vec<_>>(),
        vec![(&Subject::Upstream("mall-next".into()), "GW001")]
    );
}

#[test]
fn an_unused_upstream_needs_no_service() {
    let mut env = environment();
    if let Some(upstream) = env.upstreams.get_mut("mall-next") {
        upstream.kubernetes = None;
    }
    let rendering = findings(&env, vec![version("products", 1, &[("GET", "/products")])]);
    assert_eq!(rendering.findings, Vec::<Finding>::new());
    assert!(!rendering.yaml.is_empty());
}

#[test]
fn names_kubernetes_rejects_are_errors() {
    let mut env = environment();
    if let Some(gateway) = env.gateway.as_mut() {
        gateway.namespace = Some("Gateways".into());
        gateway.section = Some("https_443".into());
    }
    if let Some(service) = env
        .upstreams
        .get_mut("mall")
        .and_then(|u| u.kubernetes.as_mut())
    {
        service.service = "Mall".into();
        service.namespace = Some("shop.example".into());
    }
    let mut apis = canary();
    let mut long = version("x".repeat(70).as_str(), 1, &[("GET", "/x")]);
    long.split.current = "mall-next".into();
    apis.push(long);
    apis.push(version("odd", 1, &[("PROPFIND", "/x")]));
    let rendering = findings(&env, apis);
    assert!(rendering.yaml.is_empty());
    insta::assert_snapshot!(lines(&rendering));
}

#[test]
fn warnings_keep_the_output() {
    let mut apis = canary();
    let mut retired = version("echo", 1, &[("GET", "/echo")]);
    retired.status = switchyard_schemas::bundle::ServedStatus::Retired;
    apis.push(retired);
    let rendering = findings(&environment(), apis);
    assert!(!rendering.has_errors());
    assert!(
        rendering
            .findings
            .iter()
            .all(|f| f.severity == Severity::Warning)
    );
    assert_eq!(rendering.findings.len(), 1);
    assert!(rendering.yaml.contains("name: products.shop-prod"));
    assert!(
        !rendering.yaml.contains("echo"),
        "a retired-only service gets no route"
    );
}

#[test]
fn every_code_has_an_explanation() {
    for rule in switchyard_gateway::RULES {
        assert_eq!(explain(rule.code), Some(rule.explanation));
    }
}

#[test]
fn a_bad_domain_is_reported_once_for_the_environment() {
    let mut env = environment();
    env.domain = "shop_example.com".into();
    let mut apis = canary();
    apis.push(version("orders", 1, &[("POST", "/orders")]));
    let mut bundle = bundle(apis);
    bundle.domain = env.domain.clone();
    let rendering = render(&env, &bundle);
    let keys: Vec<(&Subject, &str)> = rendering
        .findings
        .iter()
        .map(|finding| (&finding.subject, finding.key.as_str()))
        .collect();
    assert_eq!(keys, vec![(&Subject::Environment, "/domain")]);
}
