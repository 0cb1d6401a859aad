//! End-to-end routing through the real binary: splits, stickiness, match rules, tags,
//! life-cycle answers, errors and HTTP/2.

use std::path::Path;

use http::{Method, StatusCode, Version};
use switchyard_e2e::client::TestClient;
use switchyard_e2e::shop::{Shop, set_weight};

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_percent_canary_gets_exactly_100_of_1000_requests() {
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    let mut to_target = 0;
    for _ in 0..1_000 {
        let answer = client.get("/v2/products", &[]).await.json();
        let release = answer["headers"]["x-api-release"][0].as_str().unwrap_or("");
        match answer["upstream"].as_str() {
            Some("mall-next") => {
                to_target += 1;
                assert_eq!(release, "target");
            }
            Some("mall") => assert_eq!(release, "current"),
            other => panic!("unexpected upstream {other:?}"),
        }
    }
    assert_eq!(to_target, 100);
    assert_eq!(shop.mall_next.requests(), 100);
    assert_eq!(shop.mall.requests(), 900);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sticky_users_keep_their_side_across_weight_steps_and_reloads() {
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    let users: Vec<String> = (0..200).map(|n| format!("user-{n}")).collect();
    let mut on_target_before = vec![false; users.len()];
    for weight in [10, 25, 50, 100] {
        shop.publish(&shop.bundle_with(|b| set_weight(b, weight)))
            .await;
        let mut on_target = Vec::with_capacity(users.len());
        for user in &users {
            let first = client
                .get("/v2/products", &[("x-user-id", user)])
                .await
                .json();
            let again = client
                .get("/v2/products/7", &[("x-user-id", user)])
                .await
                .json();
            assert_eq!(first["upstream"], again["upstream"], "{user} at {weight}%");
            on_target.push(first["upstream"] == "mall-next");
        }
        for (user, (before, now)) in users.iter().zip(on_target_before.iter().zip(&on_target)) {
            assert!(
                !before || *now,
                "{user} left the target when the weight grew to {weight}"
            );
        }
        let count = on_target.iter().filter(|&&t| t).count();
        let expected = users.len() * usize::from(weight) / 100;
        assert!(
            count.abs_diff(expected) <= 25,
            "{count} of 200 at {weight}%"
        );
        on_target_before = on_target;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_rules_send_requests_to_the_target_whatever_the_weight() {
    let shop = Shop::start_with(binary(), &[], |b| set_weight(b, 0)).await;
    let client = shop.client();
    for _ in 0..20 {
        let matched = client
            .get("/v2/products", &[("x-canary", "always")])
            .await
            .json();
        assert_eq!(matched["upstream"], "mall-next");
        let plain = client
            .get("/v2/products", &[("x-canary", "sometimes")])
            .await
            .json();
        assert_eq!(plain["upstream"], "mall");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_forwarding_headers_overwrite_what_the_client_sent() {
    let shop = Shop::start(binary(), &[]).await;
    let answer = shop
        .client()
        .get(
            "/v2/products?page=2",
            &[
                ("x-api-version", "9.9"),
                ("x-api-service", "spoofed"),
                ("x-api-release", "target"),
                ("x-forwarded-for", "6.6.6.6"),
                ("forwarded", "for=6.6.6.6"),
                ("connection", "x-api-version, x-private"),
                ("x-private", "secret"),
                ("keep-alive", "timeout=99"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header("x-api-version"), Some("2.1"));
    assert_eq!(
        answer.header("keep-alive"),
        None,
        "hop-by-hop from the upstream"
    );
    let echo = answer.json();
    let headers = &echo["headers"];
    assert_eq!(echo["uri"], "/v2/products?page=2");
    assert_eq!(headers["x-api-version"], serde_json::json!(["2.1"]));
    assert_eq!(headers["x-api-service"], serde_json::json!(["products"]));
    assert_eq!(headers["x-api-release"], serde_json::json!(["current"]));
    assert_eq!(headers["x-forwarded-for"], serde_json::json!(["127.0.0.1"]));
    assert_eq!(headers["x-forwarded-proto"], serde_json::json!(["http"]));
    assert_eq!(
        headers["forwarded"],
        serde_json::Value::Null,
        "an untrusted client's chain is removed, and none is written by default"
    );
    assert_eq!(headers["x-private"], serde_json::Value::Null);
    assert_eq!(headers["keep-alive"], serde_json::Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rfc7239_forwarded_header_is_written_when_asked() {
    let shop = Shop::start(binary(), &["--forwarded-header"]).await;
    let echo = shop
        .client()
        .get("/v2/products", &[("forwarded", "for=6.6.6.6")])
        .await
        .json();
    assert_eq!(
        echo["headers"]["forwarded"],
        serde_json::json!(["for=127.0.0.1;proto=http"])
    );
    assert_eq!(
        echo["headers"]["x-forwarded-for"],
        serde_json::json!(["127.0.0.1"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chains_from_trusted_proxies_are_kept() {
    let shop = Shop::start(binary(), &["--trusted-proxies", "127.0.0.0/8"]).await;
    let echo = shop
        .client()
        .get("/v2/products", &[("x-forwarded-for", "203.0.113.9")])
        .await
        .json();
    assert_eq!(
        echo["headers"]["x-forwarded-for"],
        serde_json::json!(["203.0.113.9, 127.0.0.1"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deprecated_versions_announce_sunset_and_retired_ones_are_gone() {
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    let deprecated = client.get("/v1/products/42", &[]).await;
    assert_eq!(deprecated.status, StatusCode::OK);
    assert_eq!(deprecated.header("x-api-version"), Some("1.4"));
    assert_eq!(deprecated.header("deprecation"), Some("@0"));
    assert_eq!(
        deprecated.header("sunset"),
        Some("Wed, 30 Jun 2027 23:59:59 GMT")
    );
    assert_eq!(
        deprecated.header("link"),
        Some("</v2>; rel=\"successor-version\"")
    );
    let published = client.get("/v2/orders", &[]).await;
    assert_eq!(published.header("deprecation"), None);
    assert_eq!(published.header("x-api-version"), Some("2.0"));
    let gone = client.get("/v1/orders", &[]).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert_eq!(gone.header("x-api-version"), Some("1.9"));
    assert_eq!(gone.header("content-type"), Some("application/json"));
    let body = gone.json();
    assert_eq!(body["error"], "gone");
    assert_eq!(body["successor"], "/v2");
    assert_eq!(
        shop.mall.requests(),
        2,
        "a retired version never reaches the upstream"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undeclared_paths_methods_and_bad_paths_are_json_errors() {
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    let cases: [(Method, &str, StatusCode, &str); 7] = [
        (
            Method::GET,
            "/v3/products",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::GET,
            "/v2/products/1/reviews",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::DELETE,
            "/v2/products",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            Method::GET,
            "/v2/products%2F1",
            StatusCode::BAD_REQUEST,
            "bad_path",
        ),
        (
            Method::GET,
            "/v2/products%5C1",
            StatusCode::BAD_REQUEST,
            "bad_path",
        ),
        (
            Method::GET,
            "/v2/../../etc/passwd",
            StatusCode::BAD_REQUEST,
            "bad_path",
        ),
        (
            Method::GET,
            "/v1/../v3/products",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (method, path, status, error) in cases {
        let answer = client.request(method.clone(), path, &[]).await;
        assert_eq!(answer.status, status, "{method} {path}");
        let body = answer.json();
        assert_eq!(body["error"], error, "{method} {path}");
        assert!(body["message"].is_string());
    }
    let not_allowed = client.request(Method::DELETE, "/v2/products", &[]).await;
    assert_eq!(not_allowed.header("allow"), Some("GET, POST"));
    let normalized = client.get("/v1/../v2//products/./42", &[]).await;
    assert_eq!(normalized.status, StatusCode::OK);
    assert_eq!(normalized.json()["uri"], "/v2/products/42");
    assert_eq!(shop.mall.requests() + shop.mall_next.requests(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_prior_knowledge_is_served_and_forwarded_as_http1() {
    let shop = Shop::start(binary(), &[]).await;
    let client = TestClient::http2(shop.proxy.listen());
    let answer = client.get("/v2/orders", &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.version, Version::HTTP_2);
    assert_eq!(answer.header("x-api-version"), Some("2.0"));
    let echo = answer.json();
    assert_eq!(echo["version"], "HTTP/1.1");
    assert_eq!(echo["uri"], "/v2/orders");
    assert_eq!(
        echo["headers"]["x-api-service"],
        serde_json::json!(["orders"])
    );
    let missing = client.get("/nowhere", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_of_an_upstream_take_turns() {
    let second = switchyard_e2e::upstream::Echo::start("mall-2").await;
    let address = second.address().to_string();
    let shop = Shop::start_with(binary(), &[], |b| {
        if let Some(mall) = b.upstreams.get_mut("mall") {
            mall.endpoints.push(address);
        }
    })
    .await;
    let client = shop.client();
    for _ in 0..10 {
        client.get("/v2/orders", &[]).await;
    }
    assert_eq!((shop.mall.requests(), second.requests()), (5, 5));
}
