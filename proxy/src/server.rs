//! The thin tokio/hyper layer: accepts connections on a listener, serves HTTP/1.1 (plain
//! requests in the direct lane, [`crate::direct`], the rest with hyper) and HTTP/2
//! (prior knowledge, h2c, hyper) with explicit header limits, hands each request to a
//! handler, and drains gracefully when the shutdown signal fires.
//!
//! The accept loop owns every connection task (a `JoinSet`) and awaits them when
//! draining, up to a bound, after which the rest are aborted.
//!
//! The API listener is served by [`Workers`]: one thread per core, each with its own
//! single-threaded runtime and its own handler (so its own upstream connection pool),
//! each accepting on its own socket of one `SO_REUSEPORT` group on Linux, the way
//! nginx's worker processes do with `reuseport` (elsewhere on one shared socket).
//! A request and the upstream connection it uses then live on one thread: no task
//! crosses threads on the request path, and no wake-up goes through a futex.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use http_body_util::Either;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper::service::{Service, service_fn};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use crate::body_limit::RequestBody;
use crate::direct::{self, Ending, HeadLimits};
use crate::framing::{FramedStream, FramingReport, FramingWatch};
use crate::replay::Replayed;
use crate::respond::{ProxyBody, Reply};

/// Limits on what a client may send before its request is routed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of request head (HTTP/1 buffer; HTTP/2 header list size). Exceeded: 431.
    pub max_header_bytes: usize,
    /// Number of request headers (HTTP/1). Exceeded: 431.
    pub max_headers: usize,
    /// Time allowed to receive a request head (HTTP/1).
    pub header_read_timeout: Duration,
    /// How long in-flight requests may take to finish when draining.
    pub drain_timeout: Duration,
}

/// The threads that serve the API listener, each with its own runtime and its own
/// registration of the listening socket; built before serving so that a failure is a
/// start-up error.
#[derive(Debug)]
pub struct Workers {
    workers: Vec<Worker>,
}

#[derive(Debug)]
struct Worker {
    /// Registered with `runtime`'s reactor; dropped before it.
    listener: TcpListener,
    runtime: WorkerRuntime,
}

/// A worker's runtime. Dropped unused (start-up failed after it was built, or its
/// thread could not start) it shuts down without waiting, since that happens in the
/// caller's async context, where waiting would panic; the worker's own thread takes it
/// out ([`WorkerRuntime::take`]) and waits for its tasks when done.
#[derive(Debug)]
struct WorkerRuntime(Option<Runtime>);

impl WorkerRuntime {
    /// The runtime, now owned by the caller.
    fn take(mut self) -> Option<Runtime> {
        self.0.take()
    }
}

impl Drop for WorkerRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Workers {
    /// Builds `count` single-threaded runtimes, each accepting on its own socket at the
    /// address `bound` holds (see [`Sharing`]).
    pub fn new(bound: std::net::TcpListener, count: NonZeroUsize) -> Result<Workers, WorkersError> {
        let address = bound.local_addr().map_err(WorkersError::Address)?;
        let listen_error = |source| WorkersError::Listen { address, source };
        let sharing = Sharing::new(bound).map_err(listen_error)?;
        let workers = (0..count.get())
            .map(|_| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(WorkersError::Runtime)?;
                let listener = {
                    let _entered = runtime.enter();
                    sharing.listener(address)
                };
                let runtime = WorkerRuntime(Some(runtime));
                Ok(Worker {
                    listener: listener.map_err(listen_error)?,
                    runtime,
                })
            })
            .collect::<Result<Vec<Worker>, WorkersError>>()?;
        Ok(Workers { workers })
    }

    /// The address the workers accept on.
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.workers
            .first()
            .and_then(|worker| worker.listener.local_addr().ok())
    }

    /// Serves on every worker thread with a handler made on that thread by
    /// `make_handler`, until `shutdown` fires and every worker has drained. A worker
    /// whose thread cannot be started is reported and left out.
    pub async fn serve<M, H, F>(
        self,
        limits: Limits,
        make_handler: M,
        shutdown: watch::Receiver<bool>,
    ) where
        M: Fn() -> H + Clone + Send + 'static,
        H: Fn(Request<RequestBody>, SocketAddr) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = Reply> + Send + 'static,
    {
        let mut finished = Vec::with_capacity(self.workers.len());
        for (index, Worker { listener, runtime }) in self.workers.into_iter().enumerate() {
            let (done, wait) = oneshot::channel::<()>();
            let make_handler = make_handler.clone();
            let shutdown = shutdown.clone();
            let thread = std::thread::Builder::new()
                .name(format!("switchyard-worker-{index}"))
                .spawn(move || {
                    let Some(runtime) = runtime.take() else {
                        return;
                    };
                    // The handler is made inside the runtime, so it may start tasks of its own.
                    runtime.block_on(async move {
                        serve(listener, limits, make_handler(), shutdown).await;
                    });
                    // Dropping the runtime ends the worker's own tasks and drops its
                    // handler, which hands over its last access log lines before the
                    // caller learns that this worker is done.
                    drop(runtime);
                    // The receiver is gone only if the caller stopped waiting.
                    let _ = done.send(());
                });
            match thread {
                Ok(_) => finished.push(wait),
                Err(error) => {
                    tracing::error!(worker = index, %error, "cannot start a worker thread")
                }
            }
        }
        for wait in finished {
            if wait.await.is_err() {
                tracing::error!("a worker thread ended without draining (it panicked)");
            }
        }
    }
}

/// Why the workers could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum WorkersError {
    /// A worker's runtime could not be built.
    #[error("cannot build a worker runtime: {0}")]
    Runtime(#[source] io::Error),
    /// The bound address could not be read.
    #[error("cannot read the bound address: {0}")]
    Address(#[source] io::Error),
    /// A worker's listening socket could not be opened.
    #[error("cannot open a worker's socket on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: io::Error,
    },
}

/// Backlog of each worker's listening socket.
const BACKLOG: u32 = 1024;

/// How the workers share the API address.
#[derive(Debug)]
enum Sharing {
    /// Linux: a socket per worker in one `SO_REUSEPORT` group, so the kernel spreads new
    /// connections evenly over the workers, as nginx's `reuseport` does. One socket
    /// woken for every worker lets the busiest (the one awake) take nearly all of them:
    /// measured, one of two workers served every connection of a 64-connection load.
    Group,
    /// Elsewhere (no balancing `SO_REUSEPORT`): one socket that every worker accepts from.
    Shared(std::net::TcpListener),
}

impl Sharing {
    /// How the workers share the address `bound` holds. On Linux `bound` is closed and
    /// the group takes its address over: binding it first, without `SO_REUSEPORT`,
    /// fails when anything else has the port (another group too), and picks the port
    /// for `:0`.
    fn new(bound: std::net::TcpListener) -> io::Result<Sharing> {
        if cfg!(target_os = "linux") {
            drop(bound);
            Ok(Sharing::Group)
        } else {
            bound.set_nonblocking(true)?;
            Ok(Sharing::Shared(bound))
        }
    }

    /// A listening socket at `address` for one worker; needs its runtime entered.
    fn listener(&self, address: SocketAddr) -> io::Result<TcpListener> {
        match self {
            Sharing::Group => group_member(address),
            Sharing::Shared(shared) => TcpListener::from_std(shared.try_clone()?),
        }
    }
}

/// A socket of the `SO_REUSEPORT` group at `address`, listening (one per worker);
/// needs a tokio runtime entered.
pub fn group_member(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.set_reuseport(true)?;
    socket.bind(address)?;
    socket.listen(BACKLOG)
}

/// The header count hyper's HTTP/1 parser takes without being told.
pub const HYPER_MAX_HEADERS: usize = 100;

/// The HTTP/2 connection preface.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The protocol a client connection opens with.
#[derive(Debug, Clone, Copy)]
enum Opening {
    Http1,
    Http2,
}

/// Waits until the client has sent enough to tell HTTP/1 from HTTP/2 (a byte that is
/// not the preface, or the whole preface); `None` if it sends nothing in `timeout` or
/// closes. The answer picks the hyper builder that serves the connection, and the
/// deadline bounds a client that connects and stays silent, before either builder's
/// own limits apply (HTTP/2 has no header-read timeout).
async fn first_bytes(stream: &TcpStream, timeout: Duration) -> Option<Opening> {
    let sniff = async {
        let mut buffer = [0u8; H2_PREFACE.len()];
        loop {
            let read = match stream.peek(&mut buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(read) => read,
            };
            if buffer[..read] != H2_PREFACE[..read] {
                return Some(Opening::Http1);
            }
            if read == H2_PREFACE.len() {
                return Some(Opening::Http2);
            }
            // Part of the preface: wait for the rest (peek would return the same bytes at once).
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(timeout, sniff).await.ok().flatten()
}

/// Resolves when the shutdown signal is set (or its sender is gone).
pub async fn signalled(shutdown: &mut watch::Receiver<bool>) {
    // An error means the sender is gone, which also means shut down.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// The service of one connection from `peer`: each request goes to `handler`, marked
/// first when the connection's framing `report` (HTTP/1) says its head was ambiguous.
fn requests<H, F>(
    handler: H,
    peer: SocketAddr,
    report: Option<Arc<FramingReport>>,
) -> impl Service<
    Request<Incoming>,
    Response = Response<ProxyBody>,
    Error = Infallible,
    Future: Send + 'static,
> + Send
+ 'static
where
    H: Fn(Request<RequestBody>, SocketAddr) -> F + Send + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    service_fn(move |mut request: Request<Incoming>| {
        if let Some(ambiguous) = report.as_ref().and_then(|report| report.next_request()) {
            request.extensions_mut().insert(ambiguous);
        }
        let reply = handler(request.map(Either::Left), peer);
        async move { Ok::<_, Infallible>(reply.await.into_response()) }
    })
}

/// hyper's connection builders, one per protocol, set up from the limits.
///
/// The protocol is known from the connection's first bytes (`first_bytes`), so each
/// connection goes to its protocol's builder directly: hyper-util's `auto` builder
/// would read them again and put a rewinding wrapper under every read.
#[derive(Clone)]
struct Builders {
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
    /// What a request head may be (the direct lane's and hyper's HTTP/1 limits).
    head: HeadLimits,
}

impl Builders {
    fn new(limits: Limits) -> Builders {
        let max_head_bytes = limits.max_header_bytes.max(8192);
        let mut http1 = http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .max_buf_size(max_head_bytes)
            // Flattened writes (head and body in one buffer, as the upstream client
            // writes requests): 0.4k instructions per request less than hyper's
            // vectored queue for answers of API size.
            .writev(false);
        // hyper parses up to 100 headers in an array on the stack; any other count (even
        // 100 set explicitly) costs a heap array filled on every request.
        if limits.max_headers != HYPER_MAX_HEADERS {
            http1.max_headers(limits.max_headers);
        }
        let mut http2 = http2::Builder::new(TokioExecutor::new());
        http2
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
        Builders {
            http1,
            http2,
            head: HeadLimits {
                max_head_bytes,
                max_headers: limits.max_headers,
                header_read_timeout: limits.header_read_timeout,
            },
        }
    }
}

/// Serves one accepted connection from `peer` until it ends: tells its protocol from
/// its first bytes; HTTP/1 goes to the direct lane and, from its first request that is
/// not plain, to hyper under a framing watch; HTTP/2 goes to hyper.
async fn serve_connection<H, F>(
    stream: TcpStream,
    peer: SocketAddr,
    builders: Builders,
    handler: H,
    watcher: Watcher,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(Request<RequestBody>, SocketAddr) -> F + Send + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let opening = tokio::select! {
        opening = first_bytes(&stream, builders.head.header_read_timeout) => opening,
        () = signalled(&mut stop) => None,
    };
    let ended = match opening {
        None => return,
        Some(Opening::Http1) => {
            let (stream, read) =
                match direct::serve(stream, peer, &handler, builders.head, stop).await {
                    Ending::Closed => return,
                    Ending::HandOver { stream, read } => (stream, read),
                };
            let head = builders.head;
            let (watch, report) = FramingWatch::new(head.max_head_bytes, head.max_headers);
            let stream = TokioIo::new(FramedStream::new(Replayed::new(read, stream), watch));
            let service = requests(handler, peer, Some(report));
            watcher
                .watch(builders.http1.serve_connection(stream, service))
                .await
        }
        Some(Opening::Http2) => {
            let service = requests(handler, peer, None);
            watcher
                .watch(
                    builders
                        .http2
                        .serve_connection(TokioIo::new(stream), service),
                )
                .await
        }
    };
    if let Err(error) = ended {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}

/// Serves `listener` with `handler` until `shutdown` fires, then drains.
pub async fn serve<H, F>(
    listener: TcpListener,
    limits: Limits,
    handler: H,
    mut shutdown: watch::Receiver<bool>,
) where
    H: Fn(Request<RequestBody>, SocketAddr) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Reply> + Send + 'static,
{
    let builders = Builders::new(limits);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // Nagle only delays small proxied writes; failure to disable it is harmless.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(
                        stream,
                        peer,
                        builders.clone(),
                        handler.clone(),
                        graceful.watcher(),
                        shutdown.clone(),
                    ));
                }
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next() => {}
            () = signalled(&mut shutdown) => break,
        }
    }
    drop(listener);
    // hyper's connections finish when told by `graceful`, the direct lane's when they
    // see `shutdown`; each holds a watcher until it ends.
    let drained = async {
        graceful.shutdown().await;
        while connections.join_next().await.is_some() {}
    };
    tokio::select! {
        () = drained => {}
        () = tokio::time::sleep(limits.drain_timeout) => {
            tracing::warn!(remaining = connections.len(), "drain timed out; closing the remaining connections");
        }
    }
    connections.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_workers() -> Workers {
        let bound = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        Workers::new(bound, NonZeroUsize::new(2).expect("two")).expect("workers")
    }

    /// How many connections `worker` has waiting to be accepted.
    fn waiting(worker: &Worker) -> usize {
        let runtime = worker.runtime.0.as_ref().expect("a runtime");
        runtime.block_on(async {
            let mut accepted = 0;
            while let Ok(Ok(_)) =
                tokio::time::timeout(Duration::from_millis(100), worker.listener.accept()).await
            {
                accepted += 1;
            }
            accepted
        })
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_kernel_spreads_connections_over_every_worker() {
        let workers = two_workers();
        let address = workers.local_address().expect("address");
        let clients: Vec<std::net::TcpStream> = (0..64)
            .map(|_| std::net::TcpStream::connect(address).expect("connect"))
            .collect();
        let counts: Vec<usize> = workers.workers.iter().map(waiting).collect();
        assert_eq!(counts.iter().sum::<usize>(), clients.len(), "{counts:?}");
        // 64 connections hashed over two sockets: each gets some (all on one: 2^-63).
        assert!(counts.iter().all(|&count| count > 0), "{counts:?}");
    }

    #[test]
    fn the_address_stays_taken_while_the_workers_hold_it() {
        let workers = two_workers();
        let address = workers.local_address().expect("address");
        for worker in &workers.workers {
            assert_eq!(worker.listener.local_addr().expect("address"), address);
        }
        let error = std::net::TcpListener::bind(address).expect_err("the port is taken");
        assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
    }
}
