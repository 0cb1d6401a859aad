//! End-to-end metrics: `/metrics` on the admin address counts real traffic per API
//! version, release side, upstream and status class, next to the configured weight.

use std::path::Path;

use http::StatusCode;
use switchyard_e2e::client::TestClient;
use switchyard_e2e::shop::{Shop, set_weight};

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

/// The value of the first sample of `name` whose line contains every label.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<String> {
    text.lines()
        .find(|line| {
            line.split(['{', ' ']).next() == Some(name) && labels.iter().all(|l| line.contains(l))
        })
        .and_then(|line| line.rsplit(' ').next())
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traffic_is_counted_per_version_side_and_status_class() {
    let shop = Shop::start(binary(), &[]).await;
    let client = shop.client();
    for _ in 0..100 {
        assert_eq!(client.get("/v2/products", &[]).await.status, StatusCode::OK);
    }
    assert_eq!(client.get("/v1/orders", &[]).await.status, StatusCode::GONE);
    assert_eq!(
        client.get("/nowhere", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let next = shop.bundle_with(|b| set_weight(b, 20));
    shop.publish(&next).await;

    let admin = TestClient::http1(shop.proxy.admin());
    let scrape = admin.get("/metrics", &[]).await;
    assert_eq!(scrape.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&scrape.body).into_owned();
    let products = [
        "environment=\"shop-staging\"",
        "service=\"products\"",
        "major=\"v2\"",
        "version=\"2.1\"",
    ];
    let requests = |release: &str, upstream: &str, class: &str| {
        let release = format!("release=\"{release}\"");
        let upstream = format!("upstream=\"{upstream}\"");
        let class = format!("code_class=\"{class}\"");
        let mut labels = products.to_vec();
        labels.extend([release.as_str(), upstream.as_str(), class.as_str()]);
        sample(&text, "switchyard_requests_total", &labels)
    };
    assert_eq!(
        requests("target", "mall-next", "2xx").as_deref(),
        Some("10"),
        "{text}"
    );
    assert_eq!(
        requests("current", "mall", "2xx").as_deref(),
        Some("90"),
        "{text}"
    );
    let retired = [
        "service=\"orders\"",
        "version=\"1.9\"",
        "code_class=\"4xx\"",
    ];
    assert_eq!(
        sample(&text, "switchyard_requests_total", &retired).as_deref(),
        Some("1")
    );
    let target = [products.as_slice(), &["release=\"target\""]].concat();
    assert_eq!(
        sample(&text, "switchyard_request_duration_seconds_count", &target).as_deref(),
        Some("10")
    );
    assert_eq!(
        sample(&text, "switchyard_routing_rejections_total", &["not_found"]).as_deref(),
        Some("1")
    );
    assert_eq!(
        sample(
            &text,
            "switchyard_release_weight",
            &["task=\"product-new-feature\""]
        )
        .as_deref(),
        Some("20"),
        "the weight of the bundle now serving"
    );
    let generation = format!("generation=\"{}\"", next.generation);
    assert_eq!(
        sample(&text, "switchyard_bundle_generation_info", &[&generation]).as_deref(),
        Some("1")
    );
    assert_eq!(
        sample(&text, "switchyard_bundle_reloads_total", &["result=\"ok\""]).as_deref(),
        Some("1")
    );
}
