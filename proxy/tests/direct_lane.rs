//! The direct HTTP/1.1 lane through the real binary, on raw connections: pipelined
//! requests, the hand-over to hyper at a request with a body (and serving on after it),
//! `HEAD` framing, and idle connections closed when draining.

use std::path::Path;
use std::time::{Duration, Instant};

use switchyard_e2e::shop::Shop;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_switchyard-proxy"))
}

/// One answer read off a connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A raw HTTP/1.1 connection to the proxy, with the bytes read past the last answer.
struct Client {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Client {
    /// Connects to `shop`'s proxy.
    async fn open(shop: &Shop) -> Client {
        let stream = TcpStream::connect(shop.proxy.listen())
            .await
            .expect("connect");
        Client {
            stream,
            buffer: Vec::new(),
        }
    }

    /// Writes `bytes` (requests as they go on the wire).
    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// Sends `GET path` and reads its answer.
    async fn get(&mut self, path: &str) -> Answer {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: shop\r\n\r\n").as_bytes())
            .await;
        self.read(false).await
    }

    /// Reads one answer (its body by `Content-Length`; none for a `HEAD` request),
    /// keeping what follows it.
    async fn read(&mut self, head_request: bool) -> Answer {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut fields = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut fields);
            if let httparse::Status::Complete(length) =
                response.parse(&self.buffer).expect("a valid head")
            {
                let headers: Vec<(String, String)> = response
                    .headers
                    .iter()
                    .map(|field| {
                        let value = String::from_utf8_lossy(field.value).into_owned();
                        (field.name.to_owned(), value)
                    })
                    .collect();
                let status = response.code.expect("a status");
                let body_length = if head_request {
                    0
                } else {
                    headers
                        .iter()
                        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, value)| value.parse().ok())
                        .expect("a content-length")
                };
                while self.buffer.len() < length + body_length {
                    self.read_more(deadline).await;
                }
                let body = self.buffer[length..length + body_length].to_vec();
                self.buffer.drain(..length + body_length);
                return Answer {
                    status,
                    headers,
                    body,
                };
            }
            self.read_more(deadline).await;
        }
    }

    async fn read_more(&mut self, deadline: Instant) {
        let mut chunk = [0u8; 8192];
        let left = deadline.saturating_duration_since(Instant::now());
        let read = tokio::time::timeout(left, self.stream.read(&mut chunk))
            .await
            .expect("an answer in time")
            .expect("a read");
        assert!(read > 0, "the connection closed early");
        self.buffer.extend_from_slice(&chunk[..read]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_are_answered_in_order_on_one_connection() {
    let shop = Shop::start(binary(), &[]).await;
    let mut client = Client::open(&shop).await;
    client
        .send(
            b"GET /v1/products HTTP/1.1\r\nHost: shop\r\n\r\n\
              GET /v1/products/7?color=red HTTP/1.1\r\nHost: shop\r\n\r\n\
              GET /nowhere HTTP/1.1\r\nHost: shop\r\n\r\n",
        )
        .await;
    let first = client.read(false).await;
    let second = client.read(false).await;
    let third = client.read(false).await;
    assert_eq!((first.status, second.status, third.status), (200, 200, 404));
    assert_eq!(first.json()["uri"], "/v1/products");
    assert_eq!(second.json()["uri"], "/v1/products/7?color=red");
    assert_eq!(first.header("x-api-version"), Some("1.4"));
    assert_eq!(third.json()["error"], "not_found");
    for answer in [&first, &second, &third] {
        assert!(answer.header("date").is_some(), "{answer:?}");
        assert_eq!(answer.header("x-request-id").map(str::len), Some(32));
    }
    assert!(client.buffer.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_with_a_body_hands_the_connection_to_hyper_which_serves_on() {
    let shop = Shop::start(binary(), &[]).await;
    let mut client = Client::open(&shop).await;
    client
        .send(b"GET /v2/products HTTP/1.1\r\nHost: shop\r\nx-user-id: a\r\n\r\n")
        .await;
    let plain = client.read(false).await;
    assert_eq!(plain.status, 200);
    // The body and the request after it arrive together with the head.
    client
        .send(
            b"POST /v2/products HTTP/1.1\r\nHost: shop\r\nx-echo-read-body: 1\r\n\
              Content-Length: 5\r\n\r\nhello\
              GET /v2/products/9 HTTP/1.1\r\nHost: shop\r\n\r\n",
        )
        .await;
    let posted = client.read(false).await;
    assert_eq!(posted.status, 200, "{posted:?}");
    assert_eq!(posted.json()["body_bytes"], 5);
    let after = client.read(false).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.json()["uri"], "/v2/products/9");
    assert!(after.header("x-api-version").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_answer_declares_its_length_and_sends_no_body() {
    let shop = Shop::start(binary(), &[]).await;
    let mut client = Client::open(&shop).await;
    client
        .send(b"HEAD /v1/products HTTP/1.1\r\nHost: shop\r\n\r\n")
        .await;
    let head = client.read(true).await;
    assert_eq!(head.status, 405);
    let length: usize = head
        .header("content-length")
        .and_then(|value| value.parse().ok())
        .expect("a length");
    assert!(length > 0);
    // Had the HEAD answer carried a body, this would read it as the next answer.
    let next = client.get("/v1/products").await;
    assert_eq!(next.status, 200);
    assert_eq!(next.json()["uri"], "/v1/products");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_kept_alive_connections_are_closed_at_once_when_draining() {
    let shop = Shop::start(binary(), &[]).await;
    let mut client = Client::open(&shop).await;
    assert_eq!(client.get("/v1/products").await.status, 200);
    let signalled = Instant::now();
    shop.proxy.send_sigterm();
    let mut rest = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), client.stream.read(&mut rest))
        .await
        .expect("closed well before the 30 s drain timeout");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    let Shop { proxy, .. } = shop;
    let exited = tokio::task::spawn_blocking(move || proxy.wait_for_exit())
        .await
        .expect("wait for exit");
    assert_eq!(exited.status.code(), Some(0), "{}", exited.logs);
    assert!(signalled.elapsed() < Duration::from_secs(5));
}
