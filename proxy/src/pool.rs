//! Keep-alive HTTP/1.1 connections to upstream endpoints, one pool per worker thread,
//! and the sending of a request on one of them ([`crate::exchange`]).
//!
//! A worker's requests and its pool live on one single-threaded runtime, so the pool is
//! a plain map behind a lock that only its own thread takes. A checkout takes the most
//! recently returned connection of the endpoint (last in, first out, so few
//! connections stay warm) and drops idle-expired ones and ones the upstream has closed
//! on the way (seen from the socket's readiness, without a system call unless the
//! socket has something to read). A connection goes back when its response body has
//! ended ([`UpstreamBody`]), and only if it can take another request.
//!
//! A body-less request with an idempotent method (RFC 9110 §9.2.2) that a pooled
//! connection carried but got no byte of answer for (the upstream closed the idle
//! connection at that moment) is sent once more on a new connection; no other request
//! is ever sent twice.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::uri::Authority;
use http::{Method, Response};
use hyper::body::Body;
use tokio::net::TcpStream;

use crate::BoxError;
use crate::exchange::{
    Connection, ExchangeError, FinishedRequest, RequestFraming, UpstreamRequest, exchange_bodiless,
    exchange_with_body,
};
use crate::upstream_body::{Home, UpstreamBody};
use crate::upstream_fields::UpstreamFields;

/// Idle connections kept per endpoint; more are closed when they come back.
const MAX_IDLE_PER_ENDPOINT: usize = 512;

/// Why a request could not be exchanged with an endpoint.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The TCP connection was refused or failed.
    #[error("cannot connect to {authority}: {source}")]
    Connect {
        /// The endpoint.
        authority: Authority,
        /// Why.
        source: io::Error,
    },
    /// The TCP connection was not made within the connect timeout.
    #[error("cannot connect to {authority} within {timeout:?}")]
    ConnectTimeout {
        /// The endpoint.
        authority: Authority,
        /// The timeout.
        timeout: Duration,
    },
    /// The exchange failed after the connection was made (reset, closed, malformed
    /// response).
    #[error("{0}")]
    Exchange(#[source] ExchangeError),
}

impl PoolError {
    /// True when no connection could be made (the endpoint may be ejected).
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            PoolError::Connect { .. } | PoolError::ConnectTimeout { .. }
        )
    }
}

/// One worker's connections, by endpoint (keyed by the authority's text, which hashes
/// in one pass where `Authority` hashes byte by byte, case-folded; with foldhash, since
/// the keys are configured endpoints, not a client's input, and SipHash was a third of
/// a checkout).
#[derive(Debug)]
pub struct Pool {
    idle: Mutex<IdleMap>,
    connect_timeout: Duration,
    idle_timeout: Duration,
}

/// Idle connections by endpoint.
type IdleMap = HashMap<Box<str>, Vec<Idle>, foldhash::fast::RandomState>;

#[derive(Debug)]
struct Idle {
    connection: Connection,
    returned: Instant,
}

impl Pool {
    /// An empty pool; connections are opened on demand, within `connect_timeout`, and
    /// closed after `idle_timeout` unused.
    pub fn new(connect_timeout: Duration, idle_timeout: Duration) -> Pool {
        Pool {
            idle: Mutex::new(IdleMap::default()),
            connect_timeout,
            idle_timeout,
        }
    }

    /// Sends `request` to `authority` and returns the response's status and its header
    /// fields, which must come by `deadline`; its body streams from the connection
    /// afterwards.
    pub async fn send<B>(
        self: &Arc<Self>,
        authority: &Authority,
        request: UpstreamRequest<B>,
        deadline: tokio::time::Instant,
    ) -> Result<(Response<UpstreamBody<B>>, UpstreamFields), PoolError>
    where
        B: Body<Data = Bytes> + Unpin,
        B::Error: Into<BoxError>,
    {
        let FinishedRequest {
            method,
            head,
            framing,
            body,
        } = request.finish();
        let (mut connection, reused) = match self.checkout(authority) {
            Some(mut connection) => {
                connection.deadline.set(deadline);
                (connection, true)
            }
            // Boxed: the rare connect would otherwise enlarge every request's future.
            None => (Box::pin(self.connect(authority, deadline)).await?, false),
        };
        let (answer, sender) = match framing {
            RequestFraming::Empty => {
                let answer = match exchange_bodiless(&mut connection, &head, &method).await {
                    Err(ExchangeError::ClosedBeforeAnswer) if reused && idempotent(&method) => {
                        connection = Box::pin(self.connect(authority, deadline)).await?;
                        exchange_bodiless(&mut connection, &head, &method).await
                    }
                    answer => answer,
                };
                (answer.map_err(PoolError::Exchange)?, None)
            }
            RequestFraming::Length | RequestFraming::Chunked => {
                exchange_with_body(&mut connection, head, body, framing, &method)
                    .await
                    .map_err(PoolError::Exchange)?
            }
        };
        let home = answer.reusable.then(|| Home {
            pool: Arc::clone(self),
            authority: authority.clone(),
        });
        let mut response =
            Response::new(UpstreamBody::new(connection, answer.framing, home, sender));
        *response.status_mut() = answer.status;
        Ok((response, answer.fields))
    }

    /// Closes the connections that have been idle longer than the idle timeout or that
    /// the upstream has closed.
    pub fn prune(&self) {
        let now = Instant::now();
        let mut idle = self.lock();
        for connections in idle.values_mut() {
            connections.retain(|idle| self.usable(idle, now));
        }
        idle.retain(|_, connections| !connections.is_empty());
    }

    /// Puts a connection whose last response has ended back, unless it holds bytes
    /// nobody asked for or the endpoint has enough idle ones.
    pub fn give_back(&self, authority: &Authority, connection: Connection) {
        if !connection.buffer.is_empty() {
            return;
        }
        let mut idle = self.lock();
        let connections = match idle.get_mut(authority.as_str()) {
            Some(connections) => connections,
            None => idle.entry(authority.as_str().into()).or_default(),
        };
        if connections.len() < MAX_IDLE_PER_ENDPOINT {
            connections.push(Idle {
                connection,
                returned: Instant::now(),
            });
        }
    }

    /// The most recently returned usable connection to `authority`.
    fn checkout(&self, authority: &Authority) -> Option<Connection> {
        let now = Instant::now();
        let mut idle = self.lock();
        let connections = idle.get_mut(authority.as_str())?;
        while let Some(idle) = connections.pop() {
            if self.usable(&idle, now) {
                return Some(idle.connection);
            }
        }
        None
    }

    /// Idle for less than the idle timeout, and not closed by the upstream.
    fn usable(&self, idle: &Idle, now: Instant) -> bool {
        now.saturating_duration_since(idle.returned) <= self.idle_timeout
            && is_open(&idle.connection.stream)
    }

    async fn connect(
        &self,
        authority: &Authority,
        deadline: tokio::time::Instant,
    ) -> Result<Connection, PoolError> {
        let address = (authority.host(), authority.port_u16().unwrap_or(80));
        // The request's deadline bounds connecting too.
        let connect_by = tokio::time::Instant::now() + self.connect_timeout;
        let connecting = TcpStream::connect(address);
        let stream = match tokio::time::timeout_at(connect_by.min(deadline), connecting).await {
            Err(_) if deadline < connect_by => {
                return Err(PoolError::Exchange(ExchangeError::TimedOut));
            }
            Err(_) => {
                return Err(PoolError::ConnectTimeout {
                    authority: authority.clone(),
                    timeout: self.connect_timeout,
                });
            }
            Ok(Err(source)) => {
                return Err(PoolError::Connect {
                    authority: authority.clone(),
                    source,
                });
            }
            Ok(Ok(stream)) => stream,
        };
        // Nagle only delays small proxied writes; failure to disable it is harmless.
        let _ = stream.set_nodelay(true);
        Ok(Connection::new(stream, deadline))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, IdleMap> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Methods a request may be repeated with (RFC 9110 §9.2.2).
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    )
}

/// Whether an idle connection is still open: its socket has nothing to read (the
/// runtime has seen no readiness, or a read would block). An end of stream, a reset or
/// bytes nobody asked for all mean it cannot carry a request.
fn is_open(stream: &TcpStream) -> bool {
    let mut context = Context::from_waker(Waker::noop());
    match stream.poll_read_ready(&mut context) {
        Poll::Pending => true,
        Poll::Ready(Err(_)) => false,
        Poll::Ready(Ok(())) => {
            let mut probe = [0u8; 1];
            matches!(stream.try_read(&mut probe), Err(error) if error.kind() == io::ErrorKind::WouldBlock)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty, Full};
    use hyper::body::Incoming;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A deadline no test answer comes near.
    fn soon() -> tokio::time::Instant {
        tokio::time::Instant::now() + Duration::from_secs(10)
    }

    /// An HTTP/1.1 server on 127.0.0.1 counting the connections it accepts: `ok` at `/`,
    /// 4 MiB at `/big`.
    async fn upstream() -> (Authority, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let service = service_fn(|request: http::Request<Incoming>| async move {
                        let body = match request.uri().path() {
                            "/big" => Bytes::from(vec![b'x'; 4 << 20]),
                            _ => Bytes::from_static(b"ok"),
                        };
                        Ok::<_, Infallible>(Response::new(Full::new(body)))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let authority = Authority::try_from(address.to_string()).expect("authority");
        (authority, accepted)
    }

    /// A request to `authority` with `method`, a `Host` line and `body`.
    fn with_body<B: Body>(
        authority: &Authority,
        method: Method,
        path: &str,
        body: B,
    ) -> UpstreamRequest<B> {
        UpstreamRequest::new(method, path, body, false, |out| {
            crate::exchange::write_field(out, b"host", authority.as_str().as_bytes());
        })
    }

    fn request(authority: &Authority, path: &str) -> UpstreamRequest<Empty<Bytes>> {
        with_body(authority, Method::GET, path, Empty::new())
    }

    async fn exchange(pool: &Arc<Pool>, authority: &Authority) -> Bytes {
        let (response, _) = pool
            .send(authority, request(authority, "/"), soon())
            .await
            .expect("an answer");
        response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes()
    }

    #[tokio::test]
    async fn sequential_requests_reuse_one_connection() {
        let (authority, accepted) = upstream().await;
        let pool = Arc::new(Pool::new(Duration::from_secs(1), Duration::from_secs(60)));
        for _ in 0..20 {
            assert_eq!(exchange(&pool, &authority).await, "ok");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_busy_connection_is_not_shared_and_idle_ones_expire() {
        let (authority, accepted) = upstream().await;
        let pool = Arc::new(Pool::new(Duration::from_secs(1), Duration::from_millis(50)));
        // The first response's body is not read yet: its connection is busy.
        let (first, _) = pool
            .send(&authority, request(&authority, "/big"), soon())
            .await
            .expect("an answer");
        assert_eq!(exchange(&pool, &authority).await, "ok");
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
        drop(first);
        tokio::time::sleep(Duration::from_millis(120)).await;
        pool.prune();
        assert!(pool.lock().is_empty(), "idle connections expired");
        assert_eq!(exchange(&pool, &authority).await, "ok");
        assert_eq!(accepted.load(Ordering::SeqCst), 3);
    }

    /// A raw HTTP/1.1 server on 127.0.0.1 that answers every body-less request with
    /// `answer`, written in its pieces 5 ms apart; with `close`, it then closes the
    /// connection without a word (the way an upstream's idle timeout does, or to end a
    /// body delimited by the close).
    async fn scripted(
        answer: &'static [&'static [u8]],
        close: bool,
    ) -> (Authority, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 1024];
                    loop {
                        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                            match stream.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(read) => head.extend_from_slice(&buffer[..read]),
                            }
                        }
                        head.clear();
                        for piece in answer {
                            if stream.write_all(piece).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        if close {
                            return;
                        }
                    }
                });
            }
        });
        let authority = Authority::try_from(address.to_string()).expect("authority");
        (authority, accepted)
    }

    /// The answer's status and whole body, or the body's error.
    async fn answer_of(pool: &Arc<Pool>, authority: &Authority) -> (u16, Result<Bytes, String>) {
        let (response, _) = pool
            .send(authority, request(authority, "/"), soon())
            .await
            .expect("an answer");
        let status = response.status().as_u16();
        let body = response.into_body().collect().await;
        (
            status,
            body.map(|body| body.to_bytes())
                .map_err(|error| error.to_string()),
        )
    }

    fn fresh_pool() -> Arc<Pool> {
        Arc::new(Pool::new(Duration::from_secs(1), Duration::from_secs(60)))
    }

    #[tokio::test]
    async fn chunked_answers_in_pieces_are_read_whole_on_one_connection() {
        let (authority, accepted) = scripted(
            &[
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhel",
                b"lo\r\n6;ext=1\r\n world\r",
                b"\n0\r\nx-trailer: t\r\n\r\n",
            ],
            false,
        )
        .await;
        let pool = fresh_pool();
        for _ in 0..3 {
            assert_eq!(
                answer_of(&pool, &authority).await,
                (200, Ok(Bytes::from("hello world")))
            );
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn an_answer_delimited_by_the_close_is_read_to_its_end_and_not_reused() {
        let (authority, accepted) =
            scripted(&[b"HTTP/1.1 200 OK\r\n\r\nall of", b" it"], true).await;
        let pool = fresh_pool();
        for _ in 0..2 {
            assert_eq!(
                answer_of(&pool, &authority).await,
                (200, Ok(Bytes::from("all of it")))
            );
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn informational_answers_are_read_past() {
        let (authority, _) = scripted(
            &[
                b"HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n",
                b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok",
            ],
            false,
        )
        .await;
        assert_eq!(
            answer_of(&fresh_pool(), &authority).await,
            (201, Ok(Bytes::from("ok")))
        );
    }

    #[tokio::test]
    async fn a_body_cut_short_is_an_error() {
        let (authority, _) = scripted(
            &[b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort"],
            true,
        )
        .await;
        let (status, body) = answer_of(&fresh_pool(), &authority).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            Err("the upstream closed the connection before the end of the response body".into())
        );
    }

    #[tokio::test]
    async fn connections_closed_by_the_upstream_are_replaced() {
        let (authority, accepted) =
            scripted(&[b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"], true).await;
        let pool = Arc::new(Pool::new(Duration::from_secs(1), Duration::from_secs(60)));
        for _ in 0..10 {
            assert_eq!(exchange(&pool, &authority).await, "ok");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 10);
    }

    #[tokio::test]
    async fn an_answer_before_the_body_is_all_sent_is_forwarded_and_its_connection_closed() {
        let (authority, accepted) = scripted(
            &[b"HTTP/1.1 413 Content Too Large\r\ncontent-length: 4\r\n\r\nnope"],
            false,
        )
        .await;
        let pool = fresh_pool();
        let (mut sender, body) = http_body_util::Channel::<Bytes, Infallible>::new(1);
        sender
            .send_data(Bytes::from_static(b"the first part"))
            .await
            .expect("room for a frame");
        let request = with_body(&authority, Method::POST, "/", body);
        // The body never ends: the answer must come back anyway.
        let (response, _) = tokio::time::timeout(
            Duration::from_secs(5),
            pool.send(&authority, request, soon()),
        )
        .await
        .expect("an answer while the body is open")
        .expect("an answer");
        assert_eq!(response.status(), 413);
        let answer = response.into_body().collect().await.expect("a body");
        assert_eq!(answer.to_bytes(), "nope");
        assert_eq!(answer_of(&pool, &authority).await.0, 413);
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            2,
            "the unfinished request's connection is not reused"
        );
        drop(sender);
    }

    #[tokio::test]
    async fn malformed_and_oversized_heads_are_exchange_errors() {
        let long_header = format!(
            "HTTP/1.1 200 OK\r\nx-long: {}\r\n\r\n",
            "a".repeat(70 * 1024)
        );
        let long_header: &'static [u8] = Box::leak(long_header.into_bytes().into_boxed_slice());
        let long_answer: &'static [&'static [u8]] = Box::leak(Box::new([long_header]));
        let cases: [(&'static [&'static [u8]], &str); 4] = [
            (
                &[b"HTTP/1.1 abc\r\n\r\n"],
                "the upstream's response head is malformed: invalid response status",
            ),
            (
                &[b"HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n"],
                "the upstream's response has an invalid or conflicting Content-Length",
            ),
            (
                &[b"HTTP/1.1 200 OK\r\ncontent-"],
                "the upstream closed the connection inside the response head",
            ),
            (
                long_answer,
                "the upstream's response head is longer than 65536 bytes",
            ),
        ];
        for (answer, expected) in cases {
            let (authority, _) = scripted(answer, true).await;
            let error = fresh_pool()
                .send(&authority, request(&authority, "/"), soon())
                .await
                .expect_err("no usable answer");
            assert!(matches!(error, PoolError::Exchange(_)), "{error:?}");
            assert_eq!(error.to_string(), expected);
        }
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        drop(listener);
        let authority = Authority::try_from(address.to_string()).expect("authority");
        let pool = Arc::new(Pool::new(Duration::from_secs(1), Duration::from_secs(60)));
        let error = pool
            .send(&authority, request(&authority, "/"), soon())
            .await
            .expect_err("nothing listens");
        assert!(error.is_connect(), "{error}");
    }

    #[tokio::test]
    async fn an_answer_that_does_not_come_by_the_deadline_is_a_time_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let authority = Authority::try_from(listener.local_addr().expect("address").to_string())
            .expect("authority");
        // Accepts, reads, never answers.
        let silent = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut sink = Vec::new();
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut sink).await;
        });
        let pool = Arc::new(Pool::new(Duration::from_secs(1), Duration::from_secs(60)));
        let started = tokio::time::Instant::now();
        let deadline = started + Duration::from_millis(100);
        let error = pool
            .send(&authority, request(&authority, "/"), deadline)
            .await
            .expect_err("no answer");
        assert!(
            matches!(error, PoolError::Exchange(ExchangeError::TimedOut)),
            "{error:?}"
        );
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(100) && waited < Duration::from_secs(5),
            "{waited:?}"
        );
        silent.abort();
    }
}
