//! The floor of a tokio HTTP/1.1 proxy, for the benchmark only: what any proxy built on
//! the same runtime, sockets and parser as switchyard-proxy costs at the least, so that
//! the report can tell the runtime's share of a request from switchyard's own.
//!
//! It does what `nginx` does for the benchmark's requests and nothing more: one
//! single-threaded runtime per worker on its own `SO_REUSEPORT` socket (as the proxy),
//! each request head found with httparse and sent on as its bytes (plus one tag line),
//! one keep-alive pool of upstream connections per worker, and the answer (its head
//! and a `Content-Length` body) copied back as its bytes. No routing, split, metrics,
//! log, header rewriting, request bodies or chunked answers: a request with a body is
//! answered 501, and anything else it cannot carry closes the connection.
//!
//! `floor_proxy LISTEN UPSTREAM [WORKERS]`, e.g.
//! `floor_proxy 127.0.0.1:18090 127.0.0.1:19001 2`.

use std::cell::RefCell;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;

use switchyard_proxy::server::group_member;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::LocalSet;

/// The most header lines a head may have.
const MAX_HEADERS: usize = 64;

/// The most bytes of one message held (a longer one ends the connection).
const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// The answer to a request with a body.
const NOT_IMPLEMENTED: &[u8] =
    b"HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// A worker's idle upstream connections.
type Pool = Rc<RefCell<Vec<TcpStream>>>;

/// A request head: its length, and whether a body follows it.
struct RequestHead {
    length: usize,
    has_body: bool,
}

/// The request head at the front of `bytes`, `None` while incomplete.
fn request_head(bytes: &[u8]) -> io::Result<Option<RequestHead>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let length = match request.parse(bytes).map_err(invalid)? {
        httparse::Status::Complete(length) => length,
        httparse::Status::Partial => return Ok(None),
    };
    let has_body = request.headers.iter().any(|header| {
        header.name.eq_ignore_ascii_case("transfer-encoding")
            || (header.name.eq_ignore_ascii_case("content-length") && header.value != b"0")
    });
    Ok(Some(RequestHead { length, has_body }))
}

/// The length of the whole answer (head and `Content-Length` body) at the front of
/// `bytes`, `None` while incomplete.
fn answer_length(bytes: &[u8]) -> io::Result<Option<usize>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(bytes).map_err(invalid)? {
        httparse::Status::Complete(length) => length,
        httparse::Status::Partial => return Ok(None),
    };
    let body = response
        .headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case("content-length"))
        .and_then(|header| std::str::from_utf8(header.value).ok()?.trim().parse().ok())
        .ok_or_else(|| invalid("an answer without a Content-Length"))?;
    Ok(head.checked_add(body).filter(|&total| bytes.len() >= total))
}

fn invalid(error: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

/// Reads from `stream` onto `buffer` until `complete` finds a whole message there;
/// `Ok(None)` when the stream ends first.
async fn read_until<T>(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    complete: impl Fn(&[u8]) -> io::Result<Option<T>>,
) -> io::Result<Option<T>> {
    loop {
        if let Some(found) = complete(buffer)? {
            return Ok(Some(found));
        }
        if buffer.len() >= MAX_MESSAGE_BYTES {
            return Err(invalid("a message longer than the floor proxy holds"));
        }
        if stream.read_buf(buffer).await? == 0 {
            return Ok(None);
        }
    }
}

/// Serves one client connection until it closes or fails.
async fn serve(mut client: TcpStream, upstream: SocketAddr, pool: Pool) -> io::Result<()> {
    client.set_nodelay(true)?;
    let mut request = Vec::with_capacity(8192);
    let mut answer = Vec::with_capacity(8192);
    let mut out = Vec::with_capacity(1024);
    loop {
        let Some(head) = read_until(&mut client, &mut request, request_head).await? else {
            return Ok(());
        };
        if head.has_body {
            return client.write_all(NOT_IMPLEMENTED).await;
        }
        out.clear();
        // The head less its blank line, one tag line, and the blank line.
        out.extend_from_slice(&request[..head.length - 2]);
        out.extend_from_slice(b"x-api-version: 1.0.0\r\n\r\n");
        request.drain(..head.length);
        let pooled = pool.borrow_mut().pop();
        let mut connection = match pooled {
            Some(connection) => connection,
            None => {
                let connection = TcpStream::connect(upstream).await?;
                connection.set_nodelay(true)?;
                connection
            }
        };
        connection.write_all(&out).await?;
        answer.clear();
        let Some(length) = read_until(&mut connection, &mut answer, answer_length).await? else {
            return Err(invalid("the upstream closed the connection"));
        };
        client.write_all(&answer[..length]).await?;
        if length == answer.len() {
            pool.borrow_mut().push(connection);
        }
    }
}

/// Runs one worker: its own socket on `listen`, its own pool.
fn worker(listen: SocketAddr, upstream: SocketAddr) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    LocalSet::new().block_on(&runtime, async move {
        let listener = group_member(listen)?;
        let pool = Pool::default();
        loop {
            let (client, _) = listener.accept().await?;
            let pool = Rc::clone(&pool);
            tokio::task::spawn_local(async move {
                if let Err(error) = serve(client, upstream, pool).await {
                    eprintln!("floor_proxy: connection ended: {error}");
                }
            });
        }
    })
}

/// The arguments: listen address, upstream address, worker count.
fn arguments() -> Result<(SocketAddr, SocketAddr, usize), String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: floor_proxy LISTEN UPSTREAM [WORKERS]";
    let listen = args.next().ok_or(usage)?;
    let upstream = args.next().ok_or(usage)?;
    let workers = args.next().unwrap_or_else(|| "1".to_owned());
    Ok((
        listen
            .parse()
            .map_err(|e| format!("LISTEN {listen:?}: {e}"))?,
        upstream
            .parse()
            .map_err(|e| format!("UPSTREAM {upstream:?}: {e}"))?,
        workers
            .parse()
            .ok()
            .filter(|&count| count > 0)
            .ok_or(format!("WORKERS {workers:?}: not a positive number"))?,
    ))
}

fn main() -> ExitCode {
    let (listen, upstream, workers) = match arguments() {
        Ok(arguments) => arguments,
        Err(message) => {
            eprintln!("floor_proxy: {message}");
            return ExitCode::from(2);
        }
    };
    let threads: Vec<_> = (0..workers)
        .map(|_| std::thread::spawn(move || worker(listen, upstream)))
        .collect();
    for thread in threads {
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                eprintln!("floor_proxy: {error}");
                return ExitCode::from(2);
            }
            Err(_) => return ExitCode::from(2),
        }
    }
    ExitCode::SUCCESS
}
