//! A real upstream for tests: an HTTP/1.1 server on `127.0.0.1:0` that answers with
//! what it received, as JSON, and can be told (by request headers) to be slow, to echo
//! the request body back as a stream, or to hold its response half-sent until the test
//! opens a gate.
//!
//! - default: `{"upstream", "method", "uri", "version", "headers": {name: [values]}}`
//! - `x-echo-delay-ms: N`: wait N ms before answering
//! - `x-echo-body: 1`: stream the request body back
//! - `x-echo-read-body: 1`: read the whole request body first, then answer
//!   `{"upstream", "body_bytes"}` (or `{"upstream", "body_error"}` when it broke off)
//! - `x-echo-gated: 1`: send `first;`, wait for [`Echo::open_gate`], then send `second`

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Channel, Either, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

type EchoBody = Either<Full<Bytes>, Either<Incoming, Channel<Bytes, Infallible>>>;

/// A running echo upstream; stops (with all its connections) when dropped.
#[derive(Debug)]
pub struct Echo {
    address: SocketAddr,
    gate: Arc<Notify>,
    requests: Arc<AtomicU64>,
    accept_loop: JoinHandle<()>,
}

impl Echo {
    /// Starts an upstream named `name` (reported in every answer) on `127.0.0.1:0`.
    pub async fn start(name: &str) -> Echo {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind an upstream");
        let address = listener.local_addr().expect("upstream address");
        let gate = Arc::new(Notify::new());
        let requests = Arc::new(AtomicU64::new(0));
        let context = Arc::new(Context {
            name: name.to_owned(),
            gate: Arc::clone(&gate),
            requests: Arc::clone(&requests),
        });
        let accept_loop = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let context = Arc::clone(&context);
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let context = Arc::clone(&context);
                        async move { Ok::<_, Infallible>(context.answer(request).await) }
                    });
                    // A client hanging up mid-request is normal in tests.
                    let _ = auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Echo {
            address,
            gate,
            requests,
            accept_loop,
        }
    }

    /// The `127.0.0.1:PORT` it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Lets one gated response finish.
    pub fn open_gate(&self) {
        self.gate.notify_one();
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

struct Context {
    name: String,
    gate: Arc<Notify>,
    requests: Arc<AtomicU64>,
}

impl Context {
    async fn answer(&self, request: Request<Incoming>) -> Response<EchoBody> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let flag = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        if let Some(delay) = flag("x-echo-delay-ms").and_then(|ms| ms.parse().ok()) {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        let upstream = self.name.clone();
        if flag("x-echo-body").is_some() {
            let mut response = Response::new(Either::Right(Either::Left(request.into_body())));
            response
                .headers_mut()
                .insert("x-upstream", upstream.parse().expect("name"));
            return response;
        }
        if flag("x-echo-read-body").is_some() {
            let read = request.into_body().collect().await;
            let body = match read {
                Ok(whole) => {
                    serde_json::json!({ "upstream": upstream, "body_bytes": whole.to_bytes().len() })
                }
                Err(error) => {
                    serde_json::json!({ "upstream": upstream, "body_error": error.to_string() })
                }
            };
            return Response::new(Either::Left(Full::new(Bytes::from(body.to_string()))));
        }
        if flag("x-echo-gated").is_some() {
            let (mut sender, body) = Channel::new(1);
            let gate = Arc::clone(&self.gate);
            tokio::spawn(async move {
                // The receiver gone means the client hung up: nothing left to send to.
                let _ = sender.send_data(Bytes::from_static(b"first;")).await;
                gate.notified().await;
                let _ = sender.send_data(Bytes::from_static(b"second")).await;
            });
            return Response::new(Either::Right(Either::Right(body)));
        }
        let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in request.headers() {
            headers
                .entry(name.as_str().to_owned())
                .or_default()
                .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        let body = serde_json::json!({
            "upstream": upstream,
            "method": request.method().as_str(),
            "uri": request.uri().to_string(),
            "version": format!("{:?}", request.version()),
            "headers": headers,
        });
        let mut response = Response::new(Either::Left(Full::new(Bytes::from(body.to_string()))));
        response.headers_mut().insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        // Hop-by-hop headers the proxy must drop on the way back.
        response
            .headers_mut()
            .insert("keep-alive", http::HeaderValue::from_static("timeout=5"));
        response
    }
}
