//! The load generator: a fixed request rate over HTTP/1.1 and HTTP/2, every request
//! counted as sent and, unless it got a whole `200` within 5 s, as failed.
//!
//! At most [`MAX_IN_FLIGHT`] requests are in flight, as with a client's connection
//! pool: after a stall of the machine, the requests it held back wait their turn
//! instead of opening hundreds of connections at once (the attack tests cover floods).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http::StatusCode;
use http_body_util::BodyExt;
use switchyard_e2e::client::{TestClient, empty};
use switchyard_e2e::shop::Shop;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

/// How long one request may take, waiting for its turn, head and body, before it
/// counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Most requests in flight at once (so at most this many HTTP/1.1 connections).
const MAX_IN_FLIGHT: usize = 64;

/// Counts of the load generator.
#[derive(Debug, Default)]
pub struct Counts {
    /// Requests started.
    pub sent: AtomicU64,
    /// Requests without a whole `200` in time (errors, other statuses, time-outs).
    pub failed: AtomicU64,
    /// Of the failed: no answer at all (connection or protocol errors).
    pub unanswered: AtomicU64,
    /// Of the failed: an answer other than `200`.
    pub other_status: AtomicU64,
    /// Of the failed: not done within [`REQUEST_TIMEOUT`].
    pub timed_out: AtomicU64,
}

/// How one request ended.
enum Outcome {
    /// A whole `200` in time.
    Ok,
    /// No answer: a connection or protocol error.
    Unanswered,
    /// An answer other than `200`.
    OtherStatus,
    /// Not done within [`REQUEST_TIMEOUT`].
    TimedOut,
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
    let turns = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut in_flight = JoinSet::new();
    let mut n: usize = 0;
    while Instant::now() < end {
        tick.tick().await;
        let client = clients[n % clients.len()].clone();
        let target = targets[n % targets.len()];
        let turns = Arc::clone(&turns);
        counts.sent.fetch_add(1, Ordering::Relaxed);
        in_flight.spawn(async move { one(&client, target, &turns).await });
        while let Some(done) = in_flight.try_join_next() {
            record(counts, done);
        }
        n += 1;
    }
    while let Some(done) = in_flight.join_next().await {
        record(counts, done);
    }
}

/// How `GET target`, sent in its turn, ended: a whole `200` within [`REQUEST_TIMEOUT`],
/// or why not.
async fn one(client: &TestClient, target: &str, turns: &Semaphore) -> Outcome {
    let exchange = async {
        let _turn = turns.acquire().await.ok()?;
        let response = client
            .send(http::Method::GET, target, &[], empty())
            .await
            .inspect_err(|error| eprintln!("soak: GET {target}: {error:?}"))
            .ok()?;
        let status = response.status();
        response
            .into_body()
            .collect()
            .await
            .inspect_err(|error| eprintln!("soak: GET {target}, body: {error:?}"))
            .ok()?;
        Some(status)
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
        Ok(Some(StatusCode::OK)) => Outcome::Ok,
        Ok(Some(status)) => {
            eprintln!("soak: GET {target} answered {status}");
            Outcome::OtherStatus
        }
        Ok(None) => Outcome::Unanswered,
        Err(_) => Outcome::TimedOut,
    }
}

/// Counts a finished request; a task that panicked or was cancelled is unanswered.
fn record(counts: &Counts, done: Result<Outcome, tokio::task::JoinError>) {
    let kind = match done {
        Ok(Outcome::Ok) => return,
        Ok(Outcome::OtherStatus) => &counts.other_status,
        Ok(Outcome::TimedOut) => &counts.timed_out,
        Ok(Outcome::Unanswered) | Err(_) => &counts.unanswered,
    };
    kind.fetch_add(1, Ordering::Relaxed);
    counts.failed.fetch_add(1, Ordering::Relaxed);
}
