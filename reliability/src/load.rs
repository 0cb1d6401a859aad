//! The load generator: a fixed request rate over HTTP/1.1 and HTTP/2, every request
//! counted as sent and, unless it got a whole `200` within 5 s, as failed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http::StatusCode;
use http_body_util::BodyExt;
use switchyard_e2e::client::{TestClient, empty};
use switchyard_e2e::shop::Shop;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

/// How long one request may take, head and body, before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Counts of the load generator.
#[derive(Debug, Default)]
pub struct Counts {
    /// Requests started.
    pub sent: AtomicU64,
    /// Requests without a whole `200` in time (errors, other statuses, time-outs).
    pub failed: AtomicU64,
}

/// Sends `rate` requests a second, alternating routes and protocols, until `end`; waits
/// for the last ones.
pub async fn load(shop: &Shop, rate: u32, end: Instant, counts: &Counts) {
    let clients = [shop.client(), TestClient::http2(shop.proxy.listen())];
    let targets = [
        "/v2/products",
        "/v2/products/42",
        "/v1/products",
        "/v2/orders",
    ];
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate);
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut in_flight = JoinSet::new();
    let mut n: usize = 0;
    while Instant::now() < end {
        tick.tick().await;
        let client = clients[n % clients.len()].clone();
        let target = targets[n % targets.len()];
        counts.sent.fetch_add(1, Ordering::Relaxed);
        in_flight.spawn(async move { one(&client, target).await });
        while let Some(done) = in_flight.try_join_next() {
            record(counts, done);
        }
        n += 1;
    }
    while let Some(done) = in_flight.join_next().await {
        record(counts, done);
    }
}

/// Whether `GET target` got a whole `200` within [`REQUEST_TIMEOUT`].
async fn one(client: &TestClient, target: &str) -> bool {
    let exchange = async {
        let response = client
            .send(http::Method::GET, target, &[], empty())
            .await
            .ok()?;
        let status = response.status();
        response.into_body().collect().await.ok()?;
        Some(status)
    };
    matches!(
        tokio::time::timeout(REQUEST_TIMEOUT, exchange).await,
        Ok(Some(StatusCode::OK))
    )
}

/// Counts a finished request; a task that panicked or was cancelled is a failure too.
fn record(counts: &Counts, done: Result<bool, tokio::task::JoinError>) {
    if !matches!(done, Ok(true)) {
        counts.failed.fetch_add(1, Ordering::Relaxed);
    }
}
