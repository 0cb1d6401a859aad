//! The rendering cases shared by the snapshot and schema tests, built with the schemas
//! types: one small environment and bundle per feature of the Gateway API output.
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;

use switchyard_schemas::bundle::{
    ApiVersion, BUNDLE_FORMAT, Bundle, BundleUpstream, Operation, Release, ServedStatus, Split,
};
use switchyard_schemas::manifest::{
    CalendarDate, EnvironmentFile, GatewayRef, KubernetesService, MatchRule, Strategy, TaskStatus,
    UpstreamDef,
};

/// One input of [`switchyard_gateway::render`].
pub struct Case {
    /// Names the snapshot.
    pub name: &'static str,
    /// The environment file.
    pub environment: EnvironmentFile,
    /// Its bundle.
    pub bundle: Bundle,
    /// Whether its snapshot holds the whole YAML (else an outline: it is too long to review).
    pub full_snapshot: bool,
}

/// `shop-prod` with the upstreams `mall` (Service `mall`, namespace `shop`) and
/// `mall-next` (Service `mall-next`, the route's namespace), attached to `gateways/public`.
pub fn environment() -> EnvironmentFile {
    let upstream = |endpoint: &str, service: &str, namespace: Option<&str>| UpstreamDef {
        endpoints: vec![endpoint.to_owned()],
        kubernetes: Some(KubernetesService {
            service: service.to_owned(),
            port: 8080,
            namespace: namespace.map(str::to_owned),
        }),
    };
    EnvironmentFile {
        name: "shop-prod".into(),
        domain: "shop.example.com".into(),
        staged_in: Some("shop-staging".into()),
        upstreams: BTreeMap::from([
            (
                "mall".into(),
                upstream("10.0.1.10:8080", "mall", Some("shop")),
            ),
            (
                "mall-next".into(),
                upstream("10.0.2.10:8080", "mall-next", None),
            ),
        ]),
        gateway: Some(GatewayRef {
            name: "public".into(),
            namespace: Some("gateways".into()),
            section: Some("https".into()),
        }),
    }
}

/// A published version of `service` served by `mall`, with `operations` as
/// `(method, path below the base path)`.
pub fn version(service: &str, major: u64, operations: &[(&str, &str)]) -> ApiVersion {
    let base_path = format!("/v{major}");
    ApiVersion {
        service: service.into(),
        major,
        version: format!("{major}.2"),
        base_path: base_path.clone(),
        status: ServedStatus::Published,
        deprecated: None,
        sunset: None,
        successor: None,
        split: Split {
            current: "mall".into(),
            release: None,
        },
        operations: operations
            .iter()
            .map(|(method, path)| Operation {
                method: (*method).into(),
                path: format!("{base_path}{path}"),
                operation_id: None,
            })
            .collect(),
    }
}

/// A release task moving traffic from `mall` to `mall-next`.
pub fn release(strategy: Strategy, status: TaskStatus, weight: u8) -> Release {
    Release {
        task: "product-new-feature".into(),
        strategy,
        status,
        target: "mall-next".into(),
        weight,
        sticky: None,
        match_rule: None,
    }
}

/// `version` with a release task.
pub fn releasing(mut api: ApiVersion, release: Release) -> ApiVersion {
    api.split.release = Some(release);
    api
}

/// A sealed bundle of `shop-prod` serving `apis`.
pub fn bundle(apis: Vec<ApiVersion>) -> Bundle {
    let environment = environment();
    Bundle {
        format: BUNDLE_FORMAT,
        generation: String::new(),
        environment: environment.name,
        domain: environment.domain,
        upstreams: environment
            .upstreams
            .into_iter()
            .map(|(name, upstream)| {
                let endpoints = upstream.endpoints;
                (name, BundleUpstream { endpoints })
            })
            .collect(),
        apis,
    }
    .seal()
}

const PRODUCTS: &[(&str, &str)] = &[
    ("GET", "/products"),
    ("POST", "/products"),
    ("GET", "/products/{id}"),
    ("DELETE", "/products/{id}"),
];

/// Every case, in snapshot order.
pub fn cases() -> Vec<Case> {
    let plain = |name, apis| Case {
        name,
        environment: environment(),
        bundle: bundle(apis),
        full_snapshot: true,
    };
    let mut matched = release(Strategy::Canary, TaskStatus::Running, 20);
    matched.match_rule = Some(MatchRule {
        header: "x-canary".into(),
        value: "always".into(),
    });
    matched.sticky = "header:x-user-id".parse().ok();
    let mut deprecated = version("echo", 1, &[("GET", "/echo"), ("POST", "/echo")]);
    deprecated.status = ServedStatus::Deprecated;
    deprecated.deprecated = CalendarDate::new(2026, 9, 1);
    deprecated.sunset = CalendarDate::new(2027, 6, 30);
    deprecated.successor = Some("/v2".into());
    let mut retired = version("echo", 1, &[("GET", "/echo")]);
    retired.status = ServedStatus::Retired;
    retired.successor = Some("/v2".into());
    let many: Vec<(String, String)> = (0..35)
        .flat_map(|index| {
            [
                ("GET".to_owned(), format!("/items{index:03}/{{id}}")),
                ("PUT".to_owned(), format!("/items{index:03}/{{id}}")),
            ]
        })
        .collect();
    let many: Vec<(&str, &str)> = many
        .iter()
        .map(|(method, path)| (method.as_str(), path.as_str()))
        .collect();
    vec![
        plain(
            "canary",
            vec![
                version("products", 1, PRODUCTS),
                releasing(
                    version("products", 2, PRODUCTS),
                    release(Strategy::Canary, TaskStatus::Running, 10),
                ),
                version("orders", 1, &[("POST", "/orders")]),
            ],
        ),
        plain(
            "blue-green",
            vec![
                releasing(
                    version("products", 1, PRODUCTS),
                    release(Strategy::BlueGreen, TaskStatus::Running, 100),
                ),
                releasing(
                    version("products", 2, PRODUCTS),
                    release(Strategy::BlueGreen, TaskStatus::Running, 0),
                ),
            ],
        ),
        plain(
            "finished-tasks",
            vec![
                releasing(
                    version("products", 1, PRODUCTS),
                    release(Strategy::Canary, TaskStatus::Cancelled, 0),
                ),
                releasing(
                    version("products", 2, PRODUCTS),
                    release(Strategy::Canary, TaskStatus::Completed, 100),
                ),
            ],
        ),
        plain(
            "match-and-sticky",
            vec![releasing(version("products", 2, PRODUCTS), matched)],
        ),
        plain(
            "deprecated",
            vec![deprecated, version("echo", 2, &[("GET", "/echo")])],
        ),
        plain(
            "retired",
            vec![retired, version("echo", 2, &[("GET", "/echo")])],
        ),
        Case {
            full_snapshot: false,
            ..plain(
                "many-operations",
                vec![
                    releasing(version("catalog", 1, &many), {
                        let mut split = release(Strategy::Canary, TaskStatus::Running, 50);
                        split.match_rule = Some(MatchRule {
                            header: "x-canary".into(),
                            value: "1".into(),
                        });
                        split
                    }),
                    version("catalog", 2, &many),
                ],
            )
        },
    ]
}

/// The documents of a YAML stream as JSON values (comment-only documents skipped).
pub fn documents(yaml: &str) -> Vec<serde_json::Value> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    };
    serde_saphyr::from_multiple_with_options(yaml, options).expect("the output is valid YAML")
}
