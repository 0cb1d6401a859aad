//! The routing table as a pure function: bundle + request → decision, no sockets.

use std::fmt::Write as _;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use switchyard_schemas::bundle::Bundle;

use super::*;

fn fixture() -> Bundle {
    serde_json::from_str(include_str!("fixtures/bundle.json")).expect("fixture bundle parses")
}

fn table() -> RoutingTable {
    RoutingTable::from_bundle(&fixture()).expect("fixture bundle routes")
}

/// Parses `METHOD PATH [name=value ...]`.
fn request(line: &str) -> (Method, String, HeaderMap) {
    let mut words = line.split_whitespace();
    let method = Method::from_bytes(words.next().expect("method").as_bytes()).expect("method");
    let target = words.next().expect("path");
    let path = target.split('?').next().unwrap_or(target).to_owned();
    let headers = words
        .map(|pair| {
            let (name, value) = pair.split_once('=').expect("name=value");
            (
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            )
        })
        .collect();
    (method, path, headers)
}

fn render(decision: &Decision<'_>) -> String {
    match decision {
        Decision::Forward(Forward {
            route,
            side,
            upstream,
            path,
        }) => {
            let api = route.api();
            let mut text = format!(
                "forward {path} to {} ({}) as {} {} [{}]",
                upstream.name(),
                side.as_str(),
                api.service,
                api.version,
                route.template()
            );
            if let Some((task, weight)) = api.release() {
                let _ = write!(text, " release {task} at {weight}%");
            }
            let lifecycle = &api.lifecycle;
            for (name, value) in [
                ("deprecation", &lifecycle.deprecation),
                ("sunset", &lifecycle.sunset),
                ("link", &lifecycle.link),
            ] {
                if let Some(value) = value {
                    let _ = write!(text, "\n      {name}: {}", value.to_str().unwrap_or("?"));
                }
            }
            text
        }
        Decision::Gone { route } => format!(
            "410 {}",
            String::from_utf8_lossy(
                route
                    .api()
                    .lifecycle
                    .gone_body
                    .as_deref()
                    .unwrap_or_default()
            )
        ),
        Decision::NotFound => "404".to_owned(),
        Decision::MethodNotAllowed { allow } => {
            format!("405 allow: {}", allow.to_str().unwrap_or("?"))
        }
        Decision::BadPath(error) => format!("400 {}", error.reason()),
    }
}

#[test]
fn requests_route_as_the_snapshot_says() {
    let table = table();
    let mut out = String::new();
    for line in include_str!("fixtures/requests.txt").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (method, path, headers) = request(line);
        let decision = table.route(&method, &path, &headers);
        let _ = writeln!(out, "{line}\n  -> {}", render(&decision));
    }
    insta::assert_snapshot!(out);
}

fn forwarded_side(table: &RoutingTable, headers: &HeaderMap) -> Side {
    match table.route(&Method::GET, "/v2/products", headers) {
        Decision::Forward(forward) => forward.side,
        other => panic!("expected a forward, got {}", render(&other)),
    }
}

#[test]
fn a_ten_percent_canary_gets_exactly_ten_of_every_hundred() {
    let table = table();
    let headers = HeaderMap::new();
    let sides: Vec<Side> = (0..1_000)
        .map(|_| forwarded_side(&table, &headers))
        .collect();
    for block in sides.chunks(100) {
        assert_eq!(block.iter().filter(|&&s| s == Side::Target).count(), 10);
    }
}

fn with_weight(weight: u8) -> RoutingTable {
    let mut bundle = fixture();
    for api in &mut bundle.apis {
        if let Some(release) = &mut api.split.release {
            release.weight = weight;
        }
    }
    RoutingTable::from_bundle(&bundle).expect("routes")
}

#[test]
fn sticky_users_keep_their_side_as_the_weight_grows() {
    let users: Vec<HeaderMap> = (0..500)
        .map(|user| {
            let mut headers = HeaderMap::new();
            headers.insert("x-user-id", HeaderValue::from(user));
            headers
        })
        .collect();
    let mut previous: Vec<Side> = vec![Side::Current; users.len()];
    for weight in [0, 10, 20, 50, 90, 100] {
        let table = with_weight(weight);
        let sides: Vec<Side> = users.iter().map(|h| forwarded_side(&table, h)).collect();
        let again: Vec<Side> = users.iter().map(|h| forwarded_side(&table, h)).collect();
        assert_eq!(sides, again, "a key lands on one side at weight {weight}");
        for (before, now) in previous.iter().zip(&sides) {
            assert!(
                *before == Side::Current || *now == Side::Target,
                "weight {weight}"
            );
        }
        let on_target = sides.iter().filter(|&&s| s == Side::Target).count();
        let expected = users.len() * usize::from(weight) / 100;
        assert!(
            on_target.abs_diff(expected) <= 40,
            "weight {weight}: {on_target}"
        );
        previous = sides;
    }
}

#[test]
fn invalid_bundles_are_refused_with_a_reason() {
    type Edit = fn(&mut Bundle);
    let edits: [(&str, Edit); 8] = [
        ("unknown upstream", |b| {
            b.apis[0].split.current = "nowhere".into()
        }),
        ("unknown target", |b| {
            if let Some(release) = &mut b.apis[3].split.release {
                release.target = "gone".into();
            }
        }),
        ("bad endpoint", |b| {
            if let Some(mall) = b.upstreams.get_mut("mall") {
                mall.endpoints.push("no-port".into());
            }
        }),
        ("outside base path", |b| {
            b.apis[2].operations[0].path = "/v2/sneaky".into()
        }),
        ("bad method", |b| {
            b.apis[2].operations[0].method = "GE T".into()
        }),
        ("duplicate", |b| {
            b.apis[3].operations[4].method = "GET".into()
        }),
        ("weight", |b| {
            if let Some(release) = &mut b.apis[3].split.release {
                release.weight = 101;
            }
        }),
        ("template", |b| {
            b.apis[2].operations[0].path = "/v1/{a}.{b}".into()
        }),
    ];
    let mut out = String::new();
    for (name, edit) in edits {
        let mut bundle = fixture();
        edit(&mut bundle);
        let error = RoutingTable::from_bundle(&bundle).expect_err(name);
        let _ = writeln!(out, "{name}: {error}");
    }
    insta::assert_snapshot!(out);
}
