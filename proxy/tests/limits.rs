//! End-to-end request limits: header count, header size and the time to send a request
//! head are bounded before any routing happens; request bodies are bounded before (a
//! declared length) or while (a streamed body) they are forwarded.

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::{Channel, Either, Full};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use switchyard_e2e::client::{TestClient, TestResponse, empty};
use switchyard_e2e::shop::{Shop, set_weight};

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

const LIMITS: [&str; 6] = [
    "--max-headers",
    "20",
    "--max-header-bytes",
    "16384",
    "--header-read-timeout",
    "300ms",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_or_too_large_headers_are_431() {
    let shop = Shop::start(binary(), &LIMITS).await;
    let client = shop.client();
    let names: Vec<String> = (0..30).map(|n| format!("x-extra-{n}")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|name| (name.as_str(), "1")).collect();
    let too_many = client
        .send(http::Method::GET, "/v2/orders", &many, empty())
        .await;
    assert_eq!(
        status(too_many),
        Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
    );
    let large = "x".repeat(32 * 1024);
    let too_large = shop
        .client()
        .send(
            http::Method::GET,
            "/v2/orders",
            &[("x-large", &large)],
            empty(),
        )
        .await;
    assert_eq!(
        status(too_large),
        Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
    );
    let within = shop.client().get("/v2/orders", &many[..10]).await;
    assert_eq!(within.status, StatusCode::OK);
    assert_eq!(shop.mall.requests(), 1);
}

/// Connects, sends `prefix` (maybe nothing), and returns how long until the proxy closes.
async fn time_to_cut_off(shop: &Shop, prefix: &[u8]) -> Duration {
    let mut stream = TcpStream::connect(shop.proxy.listen())
        .await
        .expect("connect");
    stream
        .write_all(prefix)
        .await
        .expect("write part of a head");
    let started = Instant::now();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(
        read.is_ok(),
        "the connection stays open past the header read timeout"
    );
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_slow_clients_are_cut_off_at_the_header_read_timeout() {
    let shop = Shop::start(binary(), &LIMITS).await;
    let prefixes: [&[u8]; 3] = [
        b"",
        b"PRI * HTTP/2.0\r\n",
        b"GET /v2/orders HTTP/1.1\r\nhost: shop\r\n",
    ];
    for prefix in prefixes {
        let elapsed = time_to_cut_off(&shop, prefix).await;
        let what = String::from_utf8_lossy(prefix);
        assert!(
            elapsed >= Duration::from_millis(250),
            "{what:?}: {elapsed:?}"
        );
        assert!(elapsed < Duration::from_secs(2), "{what:?}: {elapsed:?}");
    }
    assert_eq!(shop.mall.requests(), 0);
}

/// The status of an answer; `None` when the proxy closed the connection instead.
fn status(
    answer: Result<http::Response<hyper::body::Incoming>, hyper_util::client::legacy::Error>,
) -> Option<StatusCode> {
    answer.ok().map(|response| response.status())
}

/// `POST /v2/products` with a body of `sizes` bytes, declared (one whole body with its
/// length) or streamed (chunks of unknown length: chunked on HTTP/1.1), to an upstream
/// that reads the whole body before it answers.
async fn post(client: &TestClient, sizes: &[usize], streamed: bool) -> TestResponse {
    let chunks: Vec<Bytes> = sizes
        .iter()
        .map(|&size| Bytes::from(vec![b'b'; size]))
        .collect();
    let body = if streamed {
        let (mut sender, body) = Channel::<Bytes, std::convert::Infallible>::new(1);
        tokio::spawn(async move {
            for chunk in chunks {
                // The proxy may stop reading once the limit is passed.
                if sender.send_data(chunk).await.is_err() {
                    return;
                }
            }
        });
        Either::Right(body)
    } else {
        Either::Left(Full::new(chunks.concat().into()))
    };
    client
        .request_with_body(
            Method::POST,
            "/v2/products",
            &[("x-echo-read-body", "1")],
            body,
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_bodies_over_the_limit_are_413_on_both_protocols() {
    let shop = Shop::start_with(binary(), &["--max-body-bytes", "1000"], |b| {
        set_weight(b, 0)
    })
    .await;
    let clients = [
        ("HTTP/1.1", shop.client()),
        ("HTTP/2", TestClient::http2(shop.proxy.listen())),
    ];
    for (protocol, client) in clients {
        let before = shop.mall.requests();
        let declared = post(&client, &[1001], false).await;
        assert_eq!(declared.status, StatusCode::PAYLOAD_TOO_LARGE, "{protocol}");
        assert_eq!(declared.json()["error"], "content_too_large", "{protocol}");
        assert_eq!(declared.header("x-api-version"), Some("2.1"), "{protocol}");
        assert_eq!(
            shop.mall.requests(),
            before,
            "{protocol}: a declared length over the limit never reaches the upstream"
        );

        let at_limit = post(&client, &[1000], false).await;
        assert_eq!(at_limit.status, StatusCode::OK, "{protocol}");
        assert_eq!(at_limit.json()["body_bytes"], 1000, "{protocol}");

        let streamed_within = post(&client, &[400, 400, 200], true).await;
        assert_eq!(streamed_within.status, StatusCode::OK, "{protocol}");
        assert_eq!(streamed_within.json()["body_bytes"], 1000, "{protocol}");

        let streamed_past = post(&client, &[400, 400, 400], true).await;
        assert_eq!(
            streamed_past.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{protocol}"
        );
        assert_eq!(
            streamed_past.json()["error"],
            "content_too_large",
            "{protocol}"
        );
    }
    let after = shop.client().get("/v2/orders", &[]).await;
    assert_eq!(after.status, StatusCode::OK, "the proxy keeps serving");
}
