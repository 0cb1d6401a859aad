//! Attacks on the proxy, fast and deterministic, on loopback: upstreams that misbehave
//! (stay silent, drip, reset before or in the middle of a response, never end) and
//! hostile clients speaking raw HTTP/1.1 and HTTP/2 over TCP (request smuggling shapes,
//! obs-fold, thousands of idle connections, an HTTP/2 stream flood).
//!
//! The proxy runs in process (`Ready::start` and `run`, as the binary does) with short
//! time-outs. Refused connections, slow heads (504), oversized headers (431) and the
//! slow-header cut-off are covered by `proxy/tests/`; they are not repeated here.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use http::StatusCode;
use switchyard_e2e::bundles::{api, bundle, upstream};
use switchyard_e2e::client::TestClient;
use switchyard_e2e::upstream::Echo;
use switchyard_proxy::app::Ready;
use switchyard_proxy::cli::Args;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How an upstream misbehaves once it has read a request.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Never answers.
    Silent,
    /// Sends its status line one byte every 50 ms.
    Drip,
    /// Resets the connection before any answer.
    ResetBeforeHead,
    /// Sends a head promising 100 bytes, 10 of them, then resets.
    ResetMidBody,
    /// Sends a chunked head, then one chunk every 50 ms, forever.
    Endless,
    /// Sends a head promising 100 bytes, 10 of them, then nothing, keeping the
    /// connection open.
    StallMidBody,
}

/// A raw TCP upstream that misbehaves in one way on every connection; stops when dropped.
struct FaultyUpstream {
    address: SocketAddr,
    accept_loop: JoinHandle<()>,
}

impl FaultyUpstream {
    async fn start(fault: Fault) -> FaultyUpstream {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an upstream");
        let address = listener.local_addr().expect("upstream address");
        let accept_loop = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                connections.spawn(misbehave(stream, fault));
            }
        });
        FaultyUpstream {
            address,
            accept_loop,
        }
    }
}

impl Drop for FaultyUpstream {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn misbehave(mut stream: TcpStream, fault: Fault) {
    let mut request = [0u8; 4096];
    // Whatever arrived is the request head (small GETs fit in one read); an error ends the connection.
    if stream.read(&mut request).await.is_err() {
        return;
    }
    match fault {
        Fault::Silent => std::future::pending::<()>().await,
        Fault::Drip => {
            for byte in b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n" {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Fault::ResetBeforeHead => reset(stream),
        Fault::ResetMidBody => {
            let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789";
            if stream.write_all(head).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            reset(stream);
        }
        Fault::StallMidBody => {
            let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789";
            if stream.write_all(head).await.is_ok() {
                std::future::pending::<()>().await;
            }
        }
        Fault::Endless => {
            let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head).await.is_err() {
                return;
            }
            while stream.write_all(b"5\r\nmore;\r\n").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Closes with a TCP reset (SO_LINGER 0) instead of a clean FIN.
fn reset(stream: TcpStream) {
    // A zero linger never blocks the thread on drop (the deprecation's concern): the
    // kernel discards the buffer and sends RST at once.
    #[allow(deprecated)]
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

const UPSTREAM_TIMEOUT: Duration = Duration::from_millis(500);

/// An in-process proxy serving `good` (an echo) and one service per fault, stopped on drop.
struct Proxy {
    listen: SocketAddr,
    stop: watch::Sender<bool>,
    serving: Option<JoinHandle<()>>,
    _directory: tempfile::TempDir,
}

impl Proxy {
    async fn start(good: &Echo, faults: &[(&'static str, SocketAddr)], extra: &[&str]) -> Proxy {
        let mut upstreams = vec![("good", upstream(&[good.address()]))];
        let mut apis = vec![api(
            "good",
            1,
            "1.0",
            "good",
            &[("GET", "/v1/good"), ("POST", "/v1/good")],
        )];
        for (name, address) in faults {
            upstreams.push((name, upstream(&[*address])));
            let path = format!("/v1/{name}");
            apis.push(api(name, 1, "1.0", name, &[("GET", path.as_str())]));
        }
        let bundle = bundle("shop-staging", upstreams, apis);
        let directory = tempfile::tempdir().expect("a temporary directory");
        let path = directory.path().join("bundle.json");
        std::fs::write(&path, bundle.to_file_bytes()).expect("write the bundle");
        let ready = Ready::start(flags(&path, extra))
            .await
            .expect("the proxy starts");
        let listen = ready.listen_address().expect("bound");
        let (stop, shutdown) = watch::channel(false);
        // No log rotation here: a reopen channel whose sender is gone.
        let serving = Some(tokio::spawn(ready.run(shutdown, watch::channel(0).1)));
        Proxy {
            listen,
            stop,
            serving,
            _directory: directory,
        }
    }

    fn client(&self) -> TestClient {
        TestClient::http1(self.listen)
    }

    /// The proxy still answers a normal request at once.
    async fn assert_serving(&self) {
        let started = Instant::now();
        let answer = self.client().get("/v1/good", &[]).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
    }

    async fn stop(mut self) {
        self.stop.send_replace(true);
        if let Some(serving) = self.serving.take() {
            serving.await.expect("the proxy stops");
        }
    }
}

fn flags(bundle: &Path, extra: &[&str]) -> Args {
    let timeout = format!("{}ms", UPSTREAM_TIMEOUT.as_millis());
    let mut arguments: Vec<std::ffi::OsString> = vec![
        "switchyard-proxy".into(),
        "--bundle".into(),
        bundle.into(),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--upstream-timeout".into(),
        timeout.into(),
        "--upstream-connect-timeout".into(),
        "200ms".into(),
        "--drain-timeout".into(),
        "1s".into(),
    ];
    arguments.extend(extra.iter().map(Into::into));
    Args::try_parse_from(arguments).expect("valid flags")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_faults_are_502_or_504_within_bounds_and_others_keep_serving() {
    let good = Echo::start("good").await;
    let silent = FaultyUpstream::start(Fault::Silent).await;
    let drip = FaultyUpstream::start(Fault::Drip).await;
    let reset = FaultyUpstream::start(Fault::ResetBeforeHead).await;
    let faults = [
        ("silent", silent.address),
        ("drip", drip.address),
        ("reset", reset.address),
    ];
    let proxy = Proxy::start(&good, &faults, &[]).await;
    let bound = UPSTREAM_TIMEOUT + Duration::from_millis(500);
    for (name, status, error) in [
        ("silent", StatusCode::GATEWAY_TIMEOUT, "timeout"),
        ("drip", StatusCode::GATEWAY_TIMEOUT, "timeout"),
        ("reset", StatusCode::BAD_GATEWAY, "reset"),
    ] {
        let started = Instant::now();
        let answer = proxy.client().get(&format!("/v1/{name}"), &[]).await;
        let took = started.elapsed();
        assert_eq!(
            answer.status,
            status,
            "{name}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        assert_eq!(answer.json()["error"], error, "{name}");
        assert!(took < bound, "{name} took {took:?}");
        proxy.assert_serving().await;
    }
    proxy.stop().await;
}

/// For a fault that breaks a response body after its head, on HTTP/1.1 and HTTP/2: the
/// head is forwarded (200), then the client's body ends with an error, no sooner than
/// `not_before` after the head and within 2 s, and the proxy keeps serving others.
async fn assert_body_breaks_and_others_keep_serving(
    fault: Fault,
    flags: &[&str],
    not_before: Duration,
) {
    let good = Echo::start("good").await;
    let faulty = FaultyUpstream::start(fault).await;
    let proxy = Proxy::start(&good, &[("faulty", faulty.address)], flags).await;
    for protocol in [
        TestClient::http1(proxy.listen),
        TestClient::http2(proxy.listen),
    ] {
        let response = protocol
            .send(
                http::Method::GET,
                "/v1/faulty",
                &[],
                switchyard_e2e::client::empty(),
            )
            .await
            .expect("the head is forwarded");
        assert_eq!(response.status(), StatusCode::OK);
        let started = Instant::now();
        let body = tokio::time::timeout(
            Duration::from_secs(2),
            http_body_util::BodyExt::collect(response.into_body()),
        )
        .await
        .expect("the body ends, it does not hang");
        assert!(
            body.is_err(),
            "{fault:?}: a broken body must not look complete"
        );
        assert!(
            started.elapsed() >= not_before,
            "{fault:?}: cut after {:?}",
            started.elapsed()
        );
        proxy.assert_serving().await;
    }
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_mid_body_ends_the_client_body_with_an_error_and_others_keep_serving() {
    assert_body_breaks_and_others_keep_serving(Fault::ResetMidBody, &[], Duration::ZERO).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_stalled_past_the_body_timeout_is_cut_and_others_keep_serving() {
    let flags = ["--upstream-body-timeout", "300ms"];
    let not_before = Duration::from_millis(250);
    assert_body_breaks_and_others_keep_serving(Fault::StallMidBody, &flags, not_before).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_that_never_ends_streams_without_blocking_others() {
    let good = Echo::start("good").await;
    let endless = FaultyUpstream::start(Fault::Endless).await;
    // A body that keeps sending outlives any body timeout: the bound is on silence.
    let flags = ["--upstream-body-timeout", "200ms"];
    let proxy = Proxy::start(&good, &[("endless", endless.address)], &flags).await;
    let mut streams = Vec::new();
    for _ in 0..20 {
        let response = proxy
            .client()
            .send(
                http::Method::GET,
                "/v1/endless",
                &[],
                switchyard_e2e::client::empty(),
            )
            .await
            .expect("the head is forwarded");
        assert_eq!(response.status(), StatusCode::OK);
        streams.push(response);
    }
    // Twenty endless bodies in flight; everything else is answered at once.
    for _ in 0..20 {
        proxy.assert_serving().await;
    }
    let mut first = streams.remove(0).into_body();
    let reading = Instant::now();
    let mut bytes = 0;
    while reading.elapsed() < Duration::from_millis(600) {
        let chunk = tokio::time::timeout(
            Duration::from_secs(2),
            http_body_util::BodyExt::frame(&mut first),
        )
        .await
        .expect("chunks keep coming")
        .expect("the body goes on")
        .expect("a good frame");
        bytes += chunk.into_data().map_or(0, |data| data.len());
    }
    assert!(bytes > 0);
    drop(streams);
    proxy.stop().await;
}

/// Sends raw bytes to the proxy; returns its answer (read until it closes) and how many
/// requests `upstream` received meanwhile.
async fn forwarded_exchange(proxy: &Proxy, upstream: &Echo, request: &[u8]) -> (String, u64) {
    let before = upstream.requests();
    let answer = raw_exchange(proxy.listen, request).await;
    (answer, upstream.requests() - before)
}

/// Sends raw bytes, then reads the answer until the connection closes (at most 3 s).
async fn raw_exchange(address: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(3), stream.read_to_end(&mut answer)).await;
    // A reset after the answer is a way of closing too; what was read is the answer.
    let _ = read.expect("the proxy closes the connection");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smuggling_shapes_and_obs_fold_are_400_and_never_forwarded() {
    let good = Echo::start("good").await;
    let proxy = Proxy::start(&good, &[], &[]).await;
    let cases: [(&str, &str); 5] = [
        (
            "two content-lengths",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!",
        ),
        (
            "a content-length list",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\ncontent-length: 5, 6\r\n\r\nhello!",
        ),
        (
            "chunked not last",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        ),
        (
            "obs-fold",
            "GET /v1/good HTTP/1.1\r\nhost: a\r\nx-folded: one\r\n two\r\n\r\n",
        ),
        (
            "space before the colon",
            "GET /v1/good HTTP/1.1\r\nhost: a\r\ntransfer-encoding : chunked\r\n\r\n0\r\n\r\n",
        ),
    ];
    let mut wrong = Vec::new();
    for (what, request) in cases {
        let (answer, forwarded) = forwarded_exchange(&proxy, &good, request.as_bytes()).await;
        if !answer.starts_with("HTTP/1.1 400") || forwarded > 0 {
            wrong.push(format!(
                "{what}: forwarded {forwarded}, answered {answer:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    proxy.assert_serving().await;
    proxy.stop().await;
}

/// A request whose framing two parsers could read two ways (RFC 9112 §6.3: hyper alone
/// would let chunked win) gets 400 before anything is forwarded, also as the second
/// request of a kept-alive connection, and the connection is closed after the answer,
/// so a request hidden behind the body is never read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_framing_is_400_never_forwarded_and_closes() {
    let good = Echo::start("good").await;
    let proxy = Proxy::start(&good, &[], &[]).await;
    let first = "GET /v1/good HTTP/1.1\r\nhost: a\r\n\r\n";
    let hidden = "GET /v1/smuggled HTTP/1.1\r\nhost: a\r\n\r\n";
    let cases = [
        (
            "content-length, then chunked",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
        ),
        (
            "chunked, then content-length",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        ),
        (
            "two equal content-lengths",
            "POST /v1/good HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\ncontent-length: 5\r\n\r\nhello",
        ),
    ];
    // What comes first on the connection, the statuses answered, the requests forwarded.
    let openings: [(&str, &[&str], u64); 2] = [("", &["400"], 0), (first, &["200", "400"], 1)];
    let mut wrong = Vec::new();
    for (what, ambiguous) in cases {
        for (earlier, expected, expected_forwarded) in openings {
            let request = format!("{earlier}{ambiguous}{hidden}");
            let (answer, forwarded) = forwarded_exchange(&proxy, &good, request.as_bytes()).await;
            let statuses: Vec<&str> = answer
                .match_indices("HTTP/1.1 ")
                .map(|(at, _)| &answer[at + 9..at + 12])
                .collect();
            let refused = answer.contains("\"error\":\"ambiguous_framing\"")
                && answer.contains("connection: close");
            if statuses != expected
                || !refused
                || forwarded != expected_forwarded
                || answer.contains("smuggled")
            {
                wrong.push(format!(
                    "{what} after {expected_forwarded} request(s): forwarded {forwarded}, answered {answer:?}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    proxy.assert_serving().await;
    proxy.stop().await;
}

/// A body that looks like an ambiguous request is a body: the requests around it on a
/// kept-alive connection are all served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_looks_like_an_ambiguous_head_is_forwarded_as_a_body() {
    let good = Echo::start("good").await;
    let proxy = Proxy::start(&good, &[], &[]).await;
    let look_alike = "GET / HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n";
    let request = format!(
        "POST /v1/good HTTP/1.1\r\nhost: a\r\ncontent-length: {}\r\n\r\n{look_alike}\
         POST /v1/good HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{look_alike}\r\n0\r\n\r\n\
         GET /v1/good HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n",
        look_alike.len(),
        look_alike.len(),
    );
    let (answer, forwarded) = forwarded_exchange(&proxy, &good, request.as_bytes()).await;
    assert_eq!(answer.matches("HTTP/1.1 200").count(), 3, "{answer:?}");
    assert_eq!(forwarded, 3);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_and_slow_connections_do_not_starve_active_ones_and_are_cut() {
    const IDLE: usize = 2_000;
    let good = Echo::start("good").await;
    let proxy = Proxy::start(&good, &[], &["--header-read-timeout", "1s"]).await;
    let mut idle = Vec::with_capacity(IDLE);
    for n in 0..IDLE {
        let mut stream = TcpStream::connect(proxy.listen)
            .await
            .expect("connect an idle client");
        if n % 2 == 1 {
            // Half are slowloris clients: a partial head, never finished.
            stream
                .write_all(b"GET /v1/good HTTP/1.1\r\nhost: a\r\nx-slow: ")
                .await
                .expect("send a partial head");
        }
        idle.push(stream);
    }
    let started = Instant::now();
    let client = proxy.client();
    for _ in 0..200 {
        assert_eq!(client.get("/v1/good", &[]).await.status, StatusCode::OK);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "200 requests beside {IDLE} idle connections took {:?}",
        started.elapsed()
    );
    // Every idle or slow connection is closed at the header time-out (1 s) plus slack.
    let closed = Arc::new(AtomicUsize::new(0));
    let mut waits = tokio::task::JoinSet::new();
    for mut stream in idle {
        let closed = Arc::clone(&closed);
        waits.spawn(async move {
            let mut buffer = [0u8; 1024];
            let deadline = Instant::now() + Duration::from_secs(4);
            while Instant::now() < deadline {
                match tokio::time::timeout_at(deadline.into(), stream.read(&mut buffer)).await {
                    Ok(Ok(0) | Err(_)) => {
                        closed.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    Ok(Ok(_)) => continue,
                    Err(_) => return,
                }
            }
        });
    }
    while waits.join_next().await.is_some() {}
    assert_eq!(
        closed.load(Ordering::Relaxed),
        IDLE,
        "idle connections left open"
    );
    proxy.assert_serving().await;
    proxy.stop().await;
}

/// One HTTP/2 frame: 9-byte header, then the payload.
fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len())
        .expect("a small frame")
        .to_be_bytes();
    let mut bytes = vec![length[1], length[2], length[3], kind, flags];
    bytes.extend_from_slice(&stream.to_be_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// HPACK for `GET http://a/v1/good` with `x-echo-delay-ms: 3000`, literals only.
fn slow_get_headers() -> Vec<u8> {
    let mut block = vec![0x82, 0x86]; // :method GET, :scheme http (static table)
    let literal = |block: &mut Vec<u8>, name_index: u8, value: &[u8]| {
        block.push(name_index); // literal without indexing, indexed name
        block.push(u8::try_from(value.len()).expect("short"));
        block.extend_from_slice(value);
    };
    literal(&mut block, 0x04, b"/v1/good"); // :path
    literal(&mut block, 0x01, b"a"); // :authority
    block.push(0x00); // literal without indexing, new name
    for text in [&b"x-echo-delay-ms"[..], b"3000"] {
        block.push(u8::try_from(text.len()).expect("short"));
        block.extend_from_slice(text);
    }
    block
}

const SETTINGS: u8 = 0x4;
const HEADERS: u8 = 0x1;
const RST_STREAM: u8 = 0x3;
const GOAWAY: u8 = 0x7;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_stream_flood_is_bounded_and_others_keep_serving() {
    const STREAMS: u32 = 2_000;
    let good = Echo::start("good").await;
    let proxy = Proxy::start(&good, &[], &[]).await;
    let mut stream = TcpStream::connect(proxy.listen).await.expect("connect");
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .expect("preface");
    stream
        .write_all(&frame(SETTINGS, 0, 0, &[]))
        .await
        .expect("settings");
    let (mut reader, mut writer) = stream.into_split();
    // The server's SETTINGS comes first; acknowledge it, then count refusals.
    let mut header = [0u8; 9];
    reader
        .read_exact(&mut header)
        .await
        .expect("the server's settings");
    assert_eq!(header[3], SETTINGS);
    let length =
        usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
    let mut payload = vec![0u8; length];
    reader
        .read_exact(&mut payload)
        .await
        .expect("settings payload");
    writer
        .write_all(&frame(SETTINGS, 0x1, 0, &[]))
        .await
        .expect("settings ack");
    let refusals = tokio::spawn(async move {
        let (mut resets, mut goaway) = (0u32, false);
        let mut header = [0u8; 9];
        while let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_secs(2), reader.read_exact(&mut header)).await
        {
            let length =
                usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
            let mut payload = vec![0u8; length];
            if reader.read_exact(&mut payload).await.is_err() {
                break;
            }
            match header[3] {
                RST_STREAM => resets += 1,
                GOAWAY => goaway = true,
                _ => {}
            }
        }
        (resets, goaway)
    });
    let block = slow_get_headers();
    let mut flood = Vec::new();
    for n in 0..STREAMS {
        flood.extend(frame(HEADERS, 0x5, 2 * n + 1, &block));
    }
    // The server may close the connection mid-flood: that is a bound too.
    let _ = writer.write_all(&flood).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let forwarded = good.requests();
    proxy.assert_serving().await;
    let (resets, goaway) = refusals.await.expect("the reader ends");
    assert!(
        forwarded <= 200,
        "{forwarded} of {STREAMS} flooded streams reached the upstream at once"
    );
    assert!(
        goaway || resets >= STREAMS - 200,
        "the flood was neither refused stream by stream ({resets} resets) nor cut (GOAWAY)"
    );
    drop(writer);
    proxy.stop().await;
}
