//! End-to-end status page: after real traffic from two clients (one by API key, one by
//! an address forwarded by a trusted proxy), `/status.json` on the admin address counts
//! each version's requests per side, the observed split beside the configured one, and
//! the top clients; `/` is a self-contained HTML page naming every service.

use std::path::Path;

use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;
use switchyard_e2e::client::TestClient;
use switchyard_e2e::shop::Shop;
use switchyard_proxy::access_log::api_key_id;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

fn version<'v>(status: &'v Value, service: &str, major: u64) -> &'v Value {
    status["versions"]
        .as_array()
        .expect("a list of versions")
        .iter()
        .find(|v| v["service"] == service && v["major"] == major)
        .unwrap_or_else(|| panic!("{service} v{major} in {status:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_traffic_split_and_clients_per_version() {
    let shop = Shop::start(binary(), &["--trusted-proxies", "127.0.0.1/32"]).await;
    let client = shop.client();
    for _ in 0..70 {
        let response = client
            .get("/v2/products", &[("x-api-key", "alpha-secret")])
            .await;
        assert_eq!(response.status, StatusCode::OK);
    }
    for _ in 0..30 {
        let response = client
            .get("/v2/products", &[("x-forwarded-for", "203.0.113.9")])
            .await;
        assert_eq!(response.status, StatusCode::OK);
    }
    assert_eq!(client.get("/v1/orders", &[]).await.status, StatusCode::GONE);

    let admin = TestClient::http1(shop.proxy.admin());
    let answer = admin.get("/status.json", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{:?}",
        answer.headers
    );
    let status = answer.json();
    assert_eq!(status["environment"], "shop-staging");
    assert_eq!(
        status["generation"],
        shop.proxy.readyz().await["generation"]
    );
    assert_eq!(status["bucket_seconds"], 10);
    assert_eq!(status["clients_window_seconds"], 3600);

    let products = version(&status, "products", 2);
    assert_eq!(products["version"], "2.1");
    assert_eq!(products["status"], "active");
    assert_eq!(products["release"]["weight"], 10);
    assert_eq!(products["observed"]["current"], 90, "{products:#}");
    assert_eq!(products["observed"]["target"], 10, "{products:#}");
    assert_eq!(products["observed"]["target_percent"], 10.0);
    let buckets = products["buckets"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 90);
    let counted: u64 = buckets
        .iter()
        .map(|b| b["current"].as_u64().unwrap_or(0) + b["target"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(counted, 100);

    let mut headers = HeaderMap::new();
    headers.insert("x-api-key", HeaderValue::from_static("alpha-secret"));
    let key_id = api_key_id(&headers).expect("a key id");
    let clients = &products["clients"];
    assert_eq!(clients["total"], 100);
    assert_eq!(clients["error_bound"], 3);
    assert_eq!(clients["top"][0]["kind"], "api_key");
    assert_eq!(clients["top"][0]["id"], key_id.as_str());
    assert_eq!(clients["top"][0]["requests"], 70);
    assert_eq!(clients["top"][0]["error"], 0);
    assert_eq!(clients["top"][1]["kind"], "address");
    assert_eq!(clients["top"][1]["id"], "203.0.113.9");
    assert_eq!(clients["top"][1]["requests"], 30);
    assert!(!String::from_utf8_lossy(&answer.body).contains("alpha-secret"));

    let gone = version(&status, "orders", 1);
    assert_eq!(gone["status"], "gone");
    assert_eq!(gone["observed"]["current"], 1);
    assert_eq!(gone["clients"]["top"][0]["id"], "127.0.0.1");

    let page = admin.get("/", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    for reference in ["http://", "https://", "<script", "<link", "src="] {
        assert!(!html.contains(reference), "{reference} in {html}");
    }
    for service in ["products", "orders", key_id.as_str(), "203.0.113.9"] {
        assert!(html.contains(service), "{service} missing from {html}");
    }
    assert!(html.contains("<svg"));

    let missing = admin.get("/nowhere", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let message = missing.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for endpoint in ["/status.json", "/healthz", "/readyz", "/metrics", "/ "] {
        assert!(
            message.contains(endpoint),
            "{endpoint} missing from {message}"
        );
    }
}
