//! Builders for test bundles, sealed like the compiler's so the proxy accepts them.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use switchyard_schemas::bundle::{
    ApiVersion, BUNDLE_FORMAT, Bundle, BundleUpstream, Operation, Release, ServedStatus, Split,
};
use switchyard_schemas::manifest::{MatchRule, StickyKey, Strategy, TaskStatus};

/// An upstream entry from server addresses.
pub fn upstream(endpoints: &[SocketAddr]) -> BundleUpstream {
    BundleUpstream {
        endpoints: endpoints.iter().map(ToString::to_string).collect(),
    }
}

/// A published version `service` v`major` at `/v<major>`, served by `current`, with
/// operations given as `(method, path)` pairs.
pub fn api(
    service: &str,
    major: u64,
    version: &str,
    current: &str,
    operations: &[(&str, &str)],
) -> ApiVersion {
    ApiVersion {
        service: service.to_owned(),
        major,
        version: version.to_owned(),
        base_path: format!("/v{major}"),
        status: ServedStatus::Published,
        deprecated: None,
        sunset: None,
        successor: None,
        split: Split {
            current: current.to_owned(),
            release: None,
        },
        operations: operations
            .iter()
            .map(|(method, path)| Operation {
                method: (*method).to_owned(),
                path: (*path).to_owned(),
                operation_id: None,
            })
            .collect(),
    }
}

/// A running canary of `task` to `target` at `weight` percent.
pub fn canary(task: &str, target: &str, weight: u8) -> Release {
    Release {
        task: task.to_owned(),
        strategy: Strategy::Canary,
        status: TaskStatus::Running,
        target: target.to_owned(),
        weight,
        sticky: None,
        match_rule: None,
    }
}

/// A sticky key, e.g. `header:x-user-id`.
pub fn sticky(key: &str) -> StickyKey {
    key.parse().expect("a valid sticky key")
}

/// A match rule on a header value.
pub fn match_rule(header: &str, value: &str) -> MatchRule {
    MatchRule {
        header: header.to_owned(),
        value: value.to_owned(),
    }
}

/// A sealed bundle for `environment`.
pub fn bundle(
    environment: &str,
    upstreams: impl IntoIterator<Item = (&'static str, BundleUpstream)>,
    apis: Vec<ApiVersion>,
) -> Bundle {
    Bundle {
        format: BUNDLE_FORMAT,
        generation: String::new(),
        environment: environment.to_owned(),
        domain: "example.test".to_owned(),
        upstreams: upstreams
            .into_iter()
            .map(|(name, upstream)| (name.to_owned(), upstream))
            .collect::<BTreeMap<_, _>>(),
        apis,
    }
    .seal()
}
