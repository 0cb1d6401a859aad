//! The split keeps the manifest's meaning at every weight: the target gets exactly the
//! bundle's weight, the current side the rest, a side without traffic is left out, and
//! `x-api-release` names the side of each backend.

mod common;

use common::{bundle, environment, release, releasing, version};
use serde_json::Value;
use switchyard_gateway::render;
use switchyard_schemas::manifest::{Strategy, TaskStatus};

/// `(service name, weight, x-api-release)` of each backend of the version's only rule.
fn backends(weight: u8, status: TaskStatus) -> Vec<(String, u64, String)> {
    let api = releasing(
        version("products", 2, &[("GET", "/products")]),
        release(Strategy::Canary, status, weight),
    );
    let rendering = render(&environment(), &bundle(vec![api]));
    assert!(rendering.findings.is_empty(), "{:?}", rendering.findings);
    let routes = common::documents(&rendering.yaml);
    let rule = &routes[0]["spec"]["rules"][0];
    let rule_release = release_of(&rule["filters"]);
    rule["backendRefs"]
        .as_array()
        .expect("backendRefs")
        .iter()
        .map(|backend| {
            let side = release_of(&backend["filters"]).or(rule_release.clone());
            (
                backend["name"].as_str().unwrap_or_default().to_owned(),
                backend["weight"].as_u64().unwrap_or_default(),
                side.expect("every backend has an x-api-release"),
            )
        })
        .collect()
}

/// The `x-api-release` value set by a filter list, if any.
fn release_of(filters: &Value) -> Option<String> {
    filters
        .as_array()?
        .iter()
        .flat_map(|filter| filter["requestHeaderModifier"]["set"].as_array().cloned())
        .flatten()
        .find(|header| header["name"] == "x-api-release")
        .and_then(|header| header["value"].as_str().map(str::to_owned))
}

fn side(name: &str, weight: u64, release: &str) -> (String, u64, String) {
    (name.to_owned(), weight, release.to_owned())
}

#[test]
fn every_running_weight_splits_exactly() {
    for weight in 0..=100u8 {
        let expected = match weight {
            0 => vec![side("mall", 100, "current")],
            100 => vec![side("mall-next", 100, "target")],
            _ => vec![
                side("mall", u64::from(100 - weight), "current"),
                side("mall-next", u64::from(weight), "target"),
            ],
        };
        assert_eq!(
            backends(weight, TaskStatus::Running),
            expected,
            "weight {weight}"
        );
    }
}

#[test]
fn finished_tasks_send_everything_to_one_side() {
    assert_eq!(
        backends(0, TaskStatus::Cancelled),
        vec![side("mall", 100, "current")]
    );
    assert_eq!(
        backends(100, TaskStatus::Completed),
        vec![side("mall-next", 100, "target")]
    );
}
