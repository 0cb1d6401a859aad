//! Keep-alive HTTP/1.1 connections to upstream endpoints, one pool per worker thread.
//!
//! A worker's requests and its pool live on one single-threaded runtime, so the pool is
//! a plain map behind a lock that only its own thread takes. A checkout takes the most
//! recently used connection of the endpoint that can take a request now (last in,
//! first out, so few connections stay warm) and drops closed or idle-expired ones on
//! the way; a connection goes back as soon as its response head has arrived and is
//! usable again once hyper has finished that response's body. No task is spawned per
//! request, and nothing crosses threads.
//!
//! A request that a pooled connection could not even start to write (the upstream
//! closed the idle connection at that moment) is retried once on a new connection;
//! one that was written is never retried.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::uri::Authority;
use http::{Request, Response};
use hyper::body::{Body, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

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
        source: std::io::Error,
    },
    /// The TCP connection was not made within the connect timeout.
    #[error("cannot connect to {authority} within {timeout:?}")]
    ConnectTimeout {
        /// The endpoint.
        authority: Authority,
        /// The timeout.
        timeout: Duration,
    },
    /// The connection failed after it was made (reset, closed, malformed response).
    #[error("{0}")]
    Exchange(#[source] hyper::Error),
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
/// in one pass where `Authority` hashes byte by byte, case-folded).
#[derive(Debug)]
pub struct Pool<B> {
    idle: Mutex<HashMap<Box<str>, Vec<Pooled<B>>>>,
    connect_timeout: Duration,
    idle_timeout: Duration,
}

#[derive(Debug)]
struct Pooled<B> {
    sender: SendRequest<B>,
    returned: Instant,
}

impl<B> Pool<B>
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    /// An empty pool; connections are opened on demand, within `connect_timeout`, and
    /// closed after `idle_timeout` unused.
    pub fn new(connect_timeout: Duration, idle_timeout: Duration) -> Pool<B> {
        Pool {
            idle: Mutex::new(HashMap::new()),
            connect_timeout,
            idle_timeout,
        }
    }

    /// Sends `request` (origin-form URI, `Host` set by the caller) to `authority` and
    /// returns the response head; its body streams on the connection afterwards.
    pub async fn send(
        &self,
        authority: &Authority,
        request: Request<B>,
    ) -> Result<Response<Incoming>, PoolError> {
        let (mut sender, reused) = match self.checkout(authority) {
            Some(sender) => (sender, true),
            // Boxed: the rare connect would otherwise enlarge every request's future.
            None => (Box::pin(self.connect(authority)).await?, false),
        };
        let result = match sender.try_send_request(request).await {
            Err(mut error) if reused => match error.take_message() {
                // The pooled connection closed before the request was written: safe to retry.
                Some(request) => {
                    sender = Box::pin(self.connect(authority)).await?;
                    sender.send_request(request).await
                }
                None => Err(error.into_error()),
            },
            result => result.map_err(hyper::client::conn::TrySendError::into_error),
        };
        let response = result.map_err(PoolError::Exchange)?;
        self.give_back(authority, sender);
        Ok(response)
    }

    /// Closes the connections that have been idle longer than the idle timeout or that
    /// the upstream has closed.
    pub fn prune(&self) {
        let now = Instant::now();
        let mut idle = self.lock();
        for connections in idle.values_mut() {
            connections.retain(|pooled| self.usable_later(pooled, now));
        }
        idle.retain(|_, connections| !connections.is_empty());
    }

    /// The most recently returned connection to `authority` that can take a request now.
    fn checkout(&self, authority: &Authority) -> Option<SendRequest<B>> {
        let now = Instant::now();
        let mut idle = self.lock();
        let connections = idle.get_mut(authority.as_str())?;
        let mut index = connections.len();
        while index > 0 {
            index -= 1;
            let pooled = &connections[index];
            if !self.usable_later(pooled, now) {
                connections.swap_remove(index);
            } else if pooled.sender.is_ready() {
                return Some(connections.swap_remove(index).sender);
            }
        }
        None
    }

    fn give_back(&self, authority: &Authority, sender: SendRequest<B>) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self.lock();
        let connections = match idle.get_mut(authority.as_str()) {
            Some(connections) => connections,
            None => idle.entry(authority.as_str().into()).or_default(),
        };
        if connections.len() < MAX_IDLE_PER_ENDPOINT {
            connections.push(Pooled {
                sender,
                returned: Instant::now(),
            });
        }
    }

    /// Open, and either busy finishing a body or idle for less than the idle timeout.
    fn usable_later(&self, pooled: &Pooled<B>, now: Instant) -> bool {
        let expired = pooled.sender.is_ready()
            && now.saturating_duration_since(pooled.returned) > self.idle_timeout;
        !pooled.sender.is_closed() && !expired
    }

    async fn connect(&self, authority: &Authority) -> Result<SendRequest<B>, PoolError> {
        let address = (authority.host(), authority.port_u16().unwrap_or(80));
        let stream =
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
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
        // Flattened writes (head and body copied into one buffer, one `write`): hyper's
        // vectored queue costs more per request than the copy of a small request
        // (callgrind: 0.3k instructions per proxied request).
        let (sender, connection) = http1::Builder::new()
            .writev(false)
            .handshake(TokioIo::new(stream))
            .await
            .map_err(PoolError::Exchange)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "upstream connection ended with an error");
            }
        });
        Ok(sender)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Vec<Pooled<B>>>> {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    use hyper::service::service_fn;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

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
                    let service = service_fn(|request: Request<Incoming>| async move {
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

    fn request(authority: &Authority, path: &str) -> Request<Empty<Bytes>> {
        Request::builder()
            .uri(path)
            .header(http::header::HOST, authority.as_str())
            .body(Empty::new())
            .expect("a request")
    }

    async fn exchange(pool: &Pool<Empty<Bytes>>, authority: &Authority) -> Bytes {
        let response = pool
            .send(authority, request(authority, "/"))
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
        let pool = Pool::new(Duration::from_secs(1), Duration::from_secs(60));
        for _ in 0..20 {
            assert_eq!(exchange(&pool, &authority).await, "ok");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_busy_connection_is_not_shared_and_idle_ones_expire() {
        let (authority, accepted) = upstream().await;
        let pool = Pool::new(Duration::from_secs(1), Duration::from_millis(50));
        // The first response's body is not read yet: its connection is busy.
        let first = pool
            .send(&authority, request(&authority, "/big"))
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

    /// A raw HTTP/1.1 server that answers one request per connection as if keeping it
    /// alive, then closes it without a word, the way an upstream's idle timeout does.
    async fn silent_closer() -> (Authority, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                    .await;
            }
        });
        let authority = Authority::try_from(address.to_string()).expect("authority");
        (authority, accepted)
    }

    #[tokio::test]
    async fn connections_closed_by_the_upstream_are_replaced() {
        let (authority, accepted) = silent_closer().await;
        let pool = Pool::new(Duration::from_secs(1), Duration::from_secs(60));
        for _ in 0..10 {
            assert_eq!(exchange(&pool, &authority).await, "ok");
        }
        assert_eq!(accepted.load(Ordering::SeqCst), 10);
    }

    #[tokio::test]
    async fn refused_connections_are_connect_errors() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        drop(listener);
        let authority = Authority::try_from(address.to_string()).expect("authority");
        let pool: Pool<Empty<Bytes>> = Pool::new(Duration::from_secs(1), Duration::from_secs(60));
        let error = pool
            .send(&authority, request(&authority, "/"))
            .await
            .expect_err("nothing listens");
        assert!(error.is_connect(), "{error}");
    }
}
