//! The direct HTTP/1.1 lane: serves the plain requests of a client connection — no
//! body, no `Expect`, no upgrade, kept alive, the bulk of API traffic — without hyper's
//! server, and hands the connection to hyper at the first request that is not plain
//! (with the bytes already read), so that bodies, errors and every rare shape keep
//! hyper's handling.
//!
//! Measured with callgrind, hyper's HTTP/1 server (its dispatcher, the state machine
//! around each head, its encoder and the framing watch under it) cost about as much as
//! everything else of a proxied request but the upstream exchange. Here a request is
//! one parse of its head where it lies in the connection's buffer ([`head`]), one call
//! of the handler, and one write of the answer's head with its body when that is ready
//! ([`answer`]). The header read timeout is hyper's (from starting to wait for a head to
//! having it), kept by a [`Deadline`].

pub mod answer;
pub mod head;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{Method, Request};
use http_body_util::{Either, Empty};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::body_limit::RequestBody;
use crate::deadline::Deadline;
use crate::respond::Reply;
use crate::server::signalled;

/// How much room each read from a client gets.
const READ_SIZE: usize = 8 * 1024;

/// What a client may send as a request head.
#[derive(Debug, Clone, Copy)]
pub struct HeadLimits {
    /// The longest head, in bytes.
    pub max_head_bytes: usize,
    /// The most headers.
    pub max_headers: usize,
    /// The time allowed from starting to wait for a head to having all of it.
    pub header_read_timeout: Duration,
}

/// How the lane left a connection.
#[derive(Debug)]
pub enum Ending {
    /// Closed (by either side, at a time-out or while draining).
    Closed,
    /// A request that is not plain came: hyper serves the rest of the connection,
    /// starting with `read`, the bytes already read from `stream`.
    HandOver {
        /// The connection.
        stream: TcpStream,
        /// What was read and not served, from the head of the request that was not plain.
        read: Bytes,
    },
}

/// What waiting for more of a head gave.
enum Wait {
    /// More bytes are in the buffer.
    Read,
    /// The client closed, or the socket failed.
    Closed,
    /// The server is draining and the connection is idle.
    Stopped,
    /// The head took longer than the header read timeout.
    TimedOut,
}

/// Serves `stream`'s plain requests from `peer` with `handler` until the connection
/// closes or a request that is not plain comes. While `stop` is set an idle connection
/// closes, and an answer in progress is the last (`connection: close`).
pub async fn serve<H, F>(
    mut stream: TcpStream,
    peer: SocketAddr,
    handler: &H,
    limits: HeadLimits,
    stop: watch::Receiver<bool>,
) -> Ending
where
    H: Fn(Request<RequestBody>, SocketAddr) -> F,
    F: Future<Output = Reply>,
{
    let mut buffer = BytesMut::new();
    let mut out = Vec::new();
    let draining = stop.clone();
    let mut stopped = pin!(async move {
        let mut stop = stop;
        signalled(&mut stop).await;
    });
    let mut deadline = Deadline::new(Instant::now() + limits.header_read_timeout);
    loop {
        deadline.set(Instant::now() + limits.header_read_timeout);
        let request = loop {
            if !buffer.is_empty() {
                match head::take(&mut buffer, limits.max_headers, limits.max_head_bytes) {
                    Ok(Some(request)) => break request,
                    Ok(None) if buffer.len() < limits.max_head_bytes => {}
                    Ok(None) | Err(head::NotPlain) => {
                        let read = buffer.freeze();
                        return Ending::HandOver { stream, read };
                    }
                }
            }
            let idle = buffer.is_empty();
            let stopped = idle.then_some(stopped.as_mut());
            match read_more(&mut stream, &mut buffer, &mut deadline, stopped).await {
                Wait::Read => {}
                Wait::Closed | Wait::Stopped | Wait::TimedOut => return Ending::Closed,
            }
        };
        let head_request = request.method() == Method::HEAD;
        let reply = handler(request.map(|()| Either::Right(Empty::new())), peer).await;
        let closing = *draining.borrow();
        match answer::write(&mut stream, &mut out, reply, head_request, closing).await {
            Ok(answer::After::KeepAlive) if !closing => {}
            Ok(_) => {
                // Best effort: the answer is out; the client may already be gone.
                let _ = stream.shutdown().await;
                return Ending::Closed;
            }
            Err(error) => {
                tracing::debug!(%peer, %error, "connection ended with an error");
                return Ending::Closed;
            }
        }
    }
}

/// Reads what `stream` has onto `buffer`, unless `deadline` passes first or, for an
/// idle connection, `stopped` resolves.
async fn read_more(
    stream: &mut TcpStream,
    buffer: &mut BytesMut,
    deadline: &mut Deadline,
    mut stopped: Option<Pin<&mut impl Future<Output = ()>>>,
) -> Wait {
    std::future::poll_fn(|context| {
        // The socket first: a connection with a request waiting serves it (its answer
        // then closes it) and only one that waits polls the signal.
        buffer.reserve(READ_SIZE);
        match tokio_util::io::poll_read_buf(Pin::new(&mut *stream), context, buffer) {
            Poll::Ready(Ok(0) | Err(_)) => return Poll::Ready(Wait::Closed),
            Poll::Ready(Ok(_)) => return Poll::Ready(Wait::Read),
            Poll::Pending => {}
        }
        if let Some(stopped) = stopped.as_mut()
            && stopped.as_mut().poll(context).is_ready()
        {
            return Poll::Ready(Wait::Stopped);
        }
        deadline.poll_passed(context).map(|()| Wait::TimedOut)
    })
    .await
}
