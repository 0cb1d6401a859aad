//! Properties of the compiler and the proxy together, checked on generated inputs
//! (proptest), through public APIs only: bundle bytes are a pure function of the
//! sources, splits are exact per route, sticky keys are monotone and stable across
//! reloads, normalization never climbs out of the root, and the proxy's router sends
//! every request to the operation the compiler's overlap rule and OpenAPI's precedence
//! name.
//!
//! The proxy's unit tests already cover `smooth_side` and `sticky_side` as functions and
//! normalization on a small alphabet; these go through `RoutingTable::route`, with
//! several routes interleaved, with reloads, and with a wider alphabet and a model.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;
use switchyard_compiler::source::SourceEntry;
use switchyard_compiler::{FileSet, compile, compile_dir, load_dir};
use switchyard_e2e::bundles::{api, bundle, canary, sticky, upstream};
use switchyard_proxy::normalize::{PathError, normalize};
use switchyard_proxy::split::Side;
use switchyard_proxy::table::{Decision, RoutingTable};
use switchyard_schemas::bundle::Bundle;

/// Few cases: each one compiles a repository or builds tables (keeps each property < 2 s).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn example_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../environments"))
}

/// The example repository with the staging canary at `weight`, as (path, text) pairs.
fn example_files(weight: u8) -> Vec<(String, String)> {
    let files = load_dir(example_root()).expect("the example repository loads");
    files
        .iter()
        .filter_map(|(path, entry)| match entry {
            SourceEntry::Text(file) => Some((path, file.text())),
            SourceEntry::Unavailable(_) => None,
        })
        .map(|(path, text)| {
            let text = if path == "shop-staging/products.toml" {
                text.replace("weight = 10", &format!("weight = {weight}"))
            } else {
                text.to_owned()
            };
            (path.to_owned(), text)
        })
        .collect()
}

fn bundle_bytes(bundles: &[Bundle]) -> Vec<Vec<u8>> {
    bundles.iter().map(Bundle::to_file_bytes).collect()
}

proptest! {
    #![proptest_config(config(6))]

    /// Files written in any order under any root give the bytes of the in-memory set.
    #[test]
    fn bundle_bytes_depend_only_on_the_sources(
        (weight, files) in (0..=100u8).prop_flat_map(|w| (Just(w), Just(example_files(w)).prop_shuffle())),
        folder in "[a-z]{1,12}",
    ) {
        let mut in_memory = FileSet::new();
        for (path, text) in &files {
            in_memory.insert_text(path.clone(), text.clone());
        }
        let expected = compile(&in_memory);
        prop_assert!(!expected.has_errors(), "weight {weight}: {:#?}", expected.diagnostics);
        prop_assert!(!expected.bundles.is_empty());

        let directory = tempfile::tempdir().expect("a temporary directory");
        let root = directory.path().join(&folder);
        for (path, text) in &files {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("create folders");
            std::fs::write(&file, text).expect("write a source file");
        }
        let from_disk = compile_dir(&root).expect("the copy loads");
        prop_assert_eq!(bundle_bytes(&from_disk.bundles), bundle_bytes(&expected.bundles));
    }
}

const CANARY_TASK: &str = "new-feature";

/// A products v2 bundle with two operations and a canary at `weight` (sticky if asked).
fn canary_table(weight: u8, sticky_key: Option<&str>) -> RoutingTable {
    let endpoints = |port| [SocketAddr::from(([127, 0, 0, 1], port))];
    let mut products = api(
        "products",
        2,
        "2.1",
        "mall",
        &[("GET", "/v2/products"), ("GET", "/v2/products/{id}")],
    );
    let mut release = canary(CANARY_TASK, "mall-next", weight);
    release.sticky = sticky_key.map(sticky);
    products.split.release = Some(release);
    let bundle = bundle(
        "shop-staging",
        [
            ("mall", upstream(&endpoints(9101))),
            ("mall-next", upstream(&endpoints(9102))),
        ],
        vec![products],
    );
    RoutingTable::from_bundle(&bundle).expect("the canary bundle routes")
}

/// The side and template a GET of `path` is forwarded to.
fn forwarded(table: &RoutingTable, path: &str, headers: &HeaderMap) -> (Side, String) {
    match table.route(&Method::GET, path, headers) {
        Decision::Forward(forward) => (forward.side, forward.route.template().to_owned()),
        other => panic!("GET {path} is not forwarded: {other:?}"),
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Each route keeps its own count: every block of 100 of its requests sends exactly
    /// `w` to the target, however requests to other routes interleave.
    #[test]
    fn a_smooth_split_sends_exactly_the_weight_of_each_route(
        weight in 0..=100u8,
        picks in proptest::collection::vec(any::<bool>(), 400..800),
    ) {
        let table = canary_table(weight, None);
        let headers = HeaderMap::new();
        let mut sides: BTreeMap<String, Vec<Side>> = BTreeMap::new();
        for pick in picks {
            let path = if pick { "/v2/products" } else { "/v2/products/42" };
            let (side, template) = forwarded(&table, path, &headers);
            sides.entry(template).or_default().push(side);
        }
        for (template, sides) in sides {
            for block in sides.chunks_exact(100) {
                let targets = block.iter().filter(|side| **side == Side::Target).count();
                prop_assert_eq!(targets, usize::from(weight), "{}", template);
            }
        }
    }

    /// A key on the target at `low` stays there at `high >= low`, and a key's side never
    /// changes at one weight: not between requests, not across a reload, not when keyless
    /// requests move the smooth counter in between.
    #[test]
    fn a_sticky_key_is_monotone_in_weight_and_stable(
        keys in proptest::collection::vec("[A-Za-z0-9_-]{1,24}", 1..40),
        low in 0..=100u8,
        raise in 0..=100u8,
    ) {
        let high = low.saturating_add(raise).min(100);
        let (at_low, reloaded, at_high) = (
            canary_table(low, Some("header:x-user-id")),
            canary_table(low, Some("header:x-user-id")),
            canary_table(high, Some("header:x-user-id")),
        );
        let keyless = HeaderMap::new();
        for key in &keys {
            let mut headers = HeaderMap::new();
            headers.insert("x-user-id", HeaderValue::from_str(key).expect("a header value"));
            let (first, _) = forwarded(&at_low, "/v2/products", &headers);
            let _ = forwarded(&at_low, "/v2/products", &keyless);
            let (second, _) = forwarded(&at_low, "/v2/products/7", &headers);
            let (after_reload, _) = forwarded(&reloaded, "/v2/products", &headers);
            prop_assert_eq!(first, second, "key {} flipped at weight {}", key, low);
            prop_assert_eq!(first, after_reload, "key {} flipped on reload", key);
            if first == Side::Target {
                let (raised, _) = forwarded(&at_high, "/v2/products", &headers);
                prop_assert_eq!(raised, Side::Target, "key {} left the target from {} to {}", key, low, high);
            }
        }
    }
}

/// The model of normalization for paths without `%` or `\`: RFC 3986 dot-segment
/// removal with empty segments dropped; `None` when `..` climbs above the root.
fn resolve_model(path: &str) -> Option<String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut trailing = false;
    for segment in path[1..].split('/') {
        trailing = matches!(segment, "" | "." | "..");
        match segment {
            "" | "." => {}
            ".." => {
                stack.pop()?;
            }
            _ => stack.push(segment),
        }
    }
    let mut out = String::new();
    for segment in &stack {
        out.push('/');
        out.push_str(segment);
    }
    if trailing || stack.is_empty() {
        out.push('/');
    }
    Some(out)
}

const SEGMENTS: &[&str] = &[
    "",
    ".",
    "..",
    "...",
    "a",
    "v1",
    "a.b",
    ".x",
    "%2e",
    "%2E%2e",
    ".%2E",
    "%41",
    "%2F",
    "%5c",
    "%25",
    "%",
    "%zz",
    "%00",
    "\\",
    "é",
    "caf%C3%A9",
    ";p=1",
    "~u",
];

proptest! {
    #![proptest_config(config(2_000))]

    /// Normalizing is idempotent, leaves no dot or empty segment, never climbs above `/`,
    /// and, without percent-encoding, agrees with RFC 3986's dot-segment removal.
    #[test]
    fn normalization_is_idempotent_and_stays_under_the_root(
        segments in proptest::collection::vec(proptest::sample::select(SEGMENTS), 0..10),
    ) {
        let path = format!("/{}", segments.join("/"));
        let result = normalize(&path);
        if let Ok(once) = &result {
            prop_assert!(once.starts_with('/'));
            prop_assert!(!once.contains("//"), "{} -> {}", path, once);
            prop_assert!(!once.split('/').any(|s| s == "." || s == ".."), "{} -> {}", path, once);
            let twice = normalize(once);
            prop_assert_eq!(twice.as_deref(), Ok(&**once), "{} is not stable", once);
        }
        if !path.contains(['%', '\\']) {
            match resolve_model(&path) {
                Some(expected) => prop_assert_eq!(result.as_deref(), Ok(expected.as_str())),
                None => prop_assert_eq!(result.err(), Some(PathError::AboveRoot)),
            }
        }
    }
}

/// A generated operation: method and segments under `/v1` (`{}` is a parameter).
type GeneratedOperation = (&'static str, Vec<&'static str>);

/// The OpenAPI 3.0 text of a `v1` serving `operations` (parameters named by position).
fn openapi(operations: &[GeneratedOperation]) -> String {
    let mut paths: BTreeMap<String, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    for (method, segments) in operations {
        let mut parameters = Vec::new();
        let path: String = segments
            .iter()
            .enumerate()
            .map(|(index, segment)| {
                if *segment == "{}" {
                    parameters.push(format!("p{index}"));
                    format!("/{{p{index}}}")
                } else {
                    format!("/{segment}")
                }
            })
            .collect();
        paths.entry(path).or_default().insert(method, parameters);
    }
    let mut text = String::from(
        "openapi: 3.0.3\ninfo:\n  title: API\n  version: \"1.0\"\nservers:\n  - url: /v1\npaths:\n",
    );
    for (path, methods) in paths {
        text.push_str(&format!("  {path}:\n"));
        for (method, parameters) in methods {
            text.push_str(&format!("    {}:\n", method.to_lowercase()));
            if !parameters.is_empty() {
                text.push_str("      parameters:\n");
                for name in parameters {
                    text.push_str(&format!(
                        "        - {{name: {name}, in: path, required: true, schema: {{type: string}}}}\n"
                    ));
                }
            }
            text.push_str("      responses:\n        \"200\":\n          description: OK\n");
        }
    }
    text
}

/// A staging environment where services `a` and `b` serve the given operations.
fn two_services(a: &[GeneratedOperation], b: &[GeneratedOperation]) -> FileSet {
    let mut files = FileSet::new();
    files.insert_text(
        "shop-staging/environment.toml",
        "name = \"shop-staging\"\ndomain = \"shop.test\"\n\n[upstreams.mall]\nendpoints = [\"127.0.0.1:9101\"]\n",
    );
    for (service, operations) in [("a", a), ("b", b)] {
        files.insert_text(
            format!("shop-staging/{service}.toml"),
            format!(
                "service = \"{service}\"\n\n[versions.v1]\nopenapi = \"../apis/{service}/v1.yaml\"\nupstream = \"mall\"\nstatus = \"published\"\n"
            ),
        );
        files.insert_text(format!("apis/{service}/v1.yaml"), openapi(operations));
    }
    files
}

/// A template's segments with every parameter written `{}`.
fn shape_segments(template: &str) -> Vec<String> {
    template
        .split('/')
        .skip(1)
        .map(|s| {
            if s.starts_with('{') {
                "{}".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect()
}

/// What OpenAPI's precedence says a request gets: among the templates matching the
/// path, the one with literal segments furthest left; then its method, or 405; or 404.
fn expected_route(
    operations: &BTreeMap<Vec<String>, Vec<String>>,
    method: &str,
    path: &[&str],
) -> Option<Result<Vec<String>, ()>> {
    let best = operations
        .keys()
        .filter(|shape| {
            shape.len() == path.len() && shape.iter().zip(path).all(|(s, p)| s == "{}" || s == p)
        })
        .max_by_key(|shape| shape.iter().map(|s| s != "{}").collect::<Vec<_>>())?;
    Some(if operations[best].iter().any(|m| m == method) {
        Ok(best.clone())
    } else {
        Err(())
    })
}

fn generated_operations() -> impl Strategy<Value = Vec<GeneratedOperation>> {
    let segment = proptest::sample::select(&["x", "y", "{}"][..]);
    let operation = (
        proptest::sample::select(&["GET", "POST"][..]),
        proptest::collection::vec(segment, 1..4),
    );
    proptest::collection::vec(operation, 1..4)
}

proptest! {
    #![proptest_config(config(24))]

    /// Whenever the compiler accepts two services' operations, the proxy builds their
    /// table, and every request is routed to the one operation OpenAPI's precedence
    /// names (never to another service's), or is answered 404/405 exactly when no
    /// operation or no method matches.
    #[test]
    fn the_router_agrees_with_the_compilers_overlap_rule(
        a in generated_operations(),
        b in generated_operations(),
    ) {
        let compilation = compile(&two_services(&a, &b));
        if compilation.has_errors() {
            let codes: Vec<&str> = compilation.diagnostics.iter().map(|d| d.code).collect();
            prop_assert!(codes.contains(&"SY046"), "rejected for another reason: {:#?}", compilation.diagnostics);
            return Ok(());
        }
        let bundle = compilation.bundles.first().expect("a bundle");
        let table = RoutingTable::from_bundle(bundle).expect("the proxy serves what the compiler accepts");
        let mut operations: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for api in &bundle.apis {
            for operation in &api.operations {
                operations.entry(shape_segments(&operation.path)).or_default().push(operation.method.clone());
            }
        }
        let headers = HeaderMap::new();
        for shape in operations.keys() {
            for fill in ["x", "y", "zz"] {
                let path: Vec<&str> = shape.iter().map(|s| if s == "{}" { fill } else { s.as_str() }).collect();
                let request = format!("/{}", path.join("/"));
                for method in ["GET", "POST", "DELETE"] {
                    let decision = table.route(&Method::from_bytes(method.as_bytes()).expect("a method"), &request, &headers);
                    let actual = match decision {
                        Decision::Forward(forward) => Some(Ok(shape_segments(forward.route.template()))),
                        Decision::MethodNotAllowed { .. } => Some(Err(())),
                        Decision::NotFound => None,
                        other => panic!("{method} {request}: {other:?}"),
                    };
                    prop_assert_eq!(actual, expected_route(&operations, method, &path[..]), "{} {}", method, request);
                }
            }
        }
    }
}
