//! End-to-end upstream behaviour: failures answered fast and clearly (502/504), and
//! bodies streamed in both directions without buffering.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::{BodyExt, Channel, Either};
use switchyard_e2e::client::empty;
use switchyard_e2e::shop::{Shop, set_weight};

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

/// An address nothing listens on.
fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    address.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_upstream_is_a_fast_502() {
    let closed = closed_port();
    let shop = Shop::start_with(binary(), &["--upstream-connect-timeout", "300ms"], |b| {
        if let Some(mall) = b.upstreams.get_mut("mall") {
            mall.endpoints = vec![closed];
        }
    })
    .await;
    let started = Instant::now();
    let answer = shop.client().get("/v2/orders", &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert_eq!(answer.json()["error"], "connect");
    assert_eq!(answer.header("x-api-version"), Some("2.0"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_is_a_504_bounded_by_the_timeout() {
    let shop = Shop::start(binary(), &["--upstream-timeout", "300ms"]).await;
    let started = Instant::now();
    let answer = shop
        .client()
        .get("/v2/orders", &[("x-echo-delay-ms", "5000")])
        .await;
    let elapsed = started.elapsed();
    assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(answer.json()["error"], "timeout");
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    let fast = shop
        .client()
        .get("/v2/orders", &[("x-echo-delay-ms", "10")])
        .await;
    assert_eq!(fast.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_and_response_bodies_stream_in_lockstep() {
    let shop = Shop::start_with(binary(), &[], |b| set_weight(b, 0)).await;
    let (mut sender, body) = Channel::<Bytes, std::convert::Infallible>::new(1);
    sender
        .send_data(Bytes::from_static(b"ping-0;"))
        .await
        .expect("send");
    let response = shop
        .client()
        .send(
            Method::POST,
            "/v2/products",
            &[("x-echo-body", "1")],
            Either::Right(body),
        )
        .await
        .expect("the proxy answers");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    // Each chunk must come back before the next is sent: a buffering proxy would hang here.
    for n in 0..20 {
        let mut echoed = Vec::new();
        let expected = format!("ping-{n};");
        while echoed.len() < expected.len() {
            let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
                .await
                .expect("the echo of one chunk arrives before the next is sent")
                .expect("a frame")
                .expect("a good frame");
            if let Ok(data) = frame.into_data() {
                echoed.extend_from_slice(&data);
            }
        }
        assert_eq!(String::from_utf8_lossy(&echoed), expected);
        sender
            .send_data(Bytes::from(format!("ping-{};", n + 1)))
            .await
            .expect("send");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_body_goes_through_whole() {
    const CHUNK: usize = 64 * 1024;
    const CHUNKS: usize = 256;
    let limit = (CHUNK * CHUNKS).to_string();
    let shop = Shop::start_with(binary(), &["--max-body-bytes", &limit], |b| {
        set_weight(b, 0)
    })
    .await;
    let (mut sender, body) = Channel::<Bytes, std::convert::Infallible>::new(4);
    let producer = tokio::spawn(async move {
        for n in 0..CHUNKS {
            let chunk = Bytes::from(vec![u8::try_from(n % 251).unwrap_or(0); CHUNK]);
            if sender.send_data(chunk).await.is_err() {
                return;
            }
        }
    });
    let response = shop
        .client()
        .send(
            Method::POST,
            "/v2/products",
            &[("x-echo-body", "1")],
            Either::Right(body),
        )
        .await
        .expect("the proxy answers");
    let mut body = response.into_body();
    let (mut length, mut sum) = (0usize, 0u64);
    while let Some(frame) = tokio::time::timeout(Duration::from_secs(10), body.frame())
        .await
        .expect("frames keep coming")
    {
        if let Ok(data) = frame.expect("a good frame").into_data() {
            length += data.len();
            sum += data.iter().map(|&b| u64::from(b)).sum::<u64>();
        }
    }
    producer.await.expect("the producer finishes");
    let expected_sum: u64 = (0..CHUNKS).map(|n| (n % 251) as u64 * CHUNK as u64).sum();
    assert_eq!((length, sum), (CHUNK * CHUNKS, expected_sum));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_is_forwarded_before_the_upstream_finishes_it() {
    let shop = Shop::start(binary(), &[]).await;
    let response = shop
        .client()
        .send(Method::GET, "/v2/orders", &[("x-echo-gated", "1")], empty())
        .await
        .expect("the proxy answers");
    let mut body = response.into_body();
    let first = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .expect("the first part arrives while the upstream still holds the rest")
        .expect("a frame")
        .expect("a good frame")
        .into_data()
        .expect("data");
    assert_eq!(&first[..], b"first;");
    shop.mall.open_gate();
    let rest = body.collect().await.expect("the rest").to_bytes();
    assert_eq!(&rest[..], b"second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_refusing_connections_is_passed_over() {
    let closed = closed_port();
    let shop = Shop::start_with(binary(), &[], |b| {
        if let Some(mall) = b.upstreams.get_mut("mall") {
            mall.endpoints.insert(0, closed);
        }
    })
    .await;
    let client = shop.client();
    let first = client.get("/v2/orders", &[]).await;
    assert_eq!(
        first.status,
        StatusCode::BAD_GATEWAY,
        "round robin starts on the closed one"
    );
    for _ in 0..10 {
        assert_eq!(client.get("/v2/orders", &[]).await.status, StatusCode::OK);
    }
    assert_eq!(shop.mall.requests(), 10);
}
