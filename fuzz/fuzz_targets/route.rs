//! The path normalizer and the router: a request line (method, space, path) and header
//! lines from the input, routed through the table of the proxy's fixture bundle.
//! Normalization must be idempotent and leave no dot segment or empty segment behind.

#![no_main]

use std::sync::LazyLock;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use switchyard_proxy::normalize::normalize;
use switchyard_proxy::table::{Decision, RoutingTable};
use switchyard_schemas::bundle::Bundle;

static TABLE: LazyLock<RoutingTable> = LazyLock::new(|| {
    let bundle: Bundle =
        serde_json::from_str(include_str!("../../proxy/src/table/fixtures/bundle.json"))
            .expect("the proxy's fixture bundle parses");
    RoutingTable::from_bundle(&bundle).expect("the proxy's fixture bundle routes")
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let request = lines.next().unwrap_or_default();
    let (method, path) = request.split_once(' ').unwrap_or(("GET", request));
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(name, value);
        }
    }
    if let Ok(once) = normalize(path) {
        assert!(once.starts_with('/'), "{path:?} normalized to {once:?}");
        assert!(
            !once.split('/').any(|s| s == "." || s == ".."),
            "{path:?} normalized to {once:?}"
        );
        assert!(!once.contains("//"), "{path:?} normalized to {once:?}");
        let twice = normalize(&once).unwrap_or_else(|e| panic!("{once:?} is refused: {e}"));
        assert_eq!(twice, once, "normalizing {path:?} is not idempotent");
    }
    if let Decision::Forward(forward) = TABLE.route(&method, path, &headers) {
        let first = |p: &str| p.split('/').nth(1).map(str::to_owned);
        assert_eq!(
            first(&forward.path),
            first(forward.route.template()),
            "{path:?} forwarded outside the version of {}",
            forward.route.template()
        );
    }
});
