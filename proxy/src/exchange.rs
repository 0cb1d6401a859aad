//! One HTTP/1.1 exchange on an upstream connection, driven by the request's own task:
//! the request head is sent as its caller wrote it ([`UpstreamRequest`]), with the
//! lines that frame its body (by length or chunked) and the body after it, then the response head is read with httparse into `http` parts,
//! with the framing of the body that follows (RFC 9112 §6.3).
//!
//! hyper's client runs each connection in a task of its own and hands every request
//! and response across channels; measured with callgrind, that machinery was a third
//! of the instructions of a proxied request. Here nothing is spawned, sent across a
//! channel or timed per request (the caller's timeout bounds the whole exchange).

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use http::header::HeaderMap;
use http::{Method, StatusCode, Version};
use hyper::body::Body;
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::BoxError;
use crate::deadline::Deadline;
use crate::headers::{connection_named, has_token, is_hop_by_hop_name, name_is};
use crate::message_framing::{Chunk, MAX_CONTENT_LENGTH, decimal, ends_with_chunked, write_chunk};
use crate::upstream_body::Delimiter;
use crate::upstream_fields::{FieldAt, UpstreamFields};

/// The largest response head read from an upstream (nginx's `proxy_buffer_size` is
/// 4–8 KiB; hyper's client buffer about 400 KiB); larger: 502.
pub const MAX_RESPONSE_HEAD_BYTES: usize = 64 * 1024;

/// The most response headers read (hyper's client default).
const MAX_RESPONSE_HEADERS: usize = 100;

/// Bytes of request body gathered, at most, before they are written.
const WRITE_BATCH: usize = 64 * 1024;

/// Room first made for a request head.
const HEAD_CAPACITY: usize = 1024;

/// How much room each read from an upstream gets.
const READ_SIZE: usize = 8 * 1024;

/// Why an exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// Reading from or writing to the connection failed.
    #[error("the upstream connection failed: {0}")]
    Io(#[from] io::Error),
    /// The upstream closed the connection before sending any byte of an answer.
    #[error("the upstream closed the connection without answering")]
    ClosedBeforeAnswer,
    /// The upstream closed the connection inside a response head.
    #[error("the upstream closed the connection inside the response head")]
    ClosedInHead,
    /// The response head is not HTTP/1.x.
    #[error("the upstream's response head is malformed: {0}")]
    MalformedHead(httparse::Error),
    /// The response head is longer than [`MAX_RESPONSE_HEAD_BYTES`].
    #[error("the upstream's response head is longer than {MAX_RESPONSE_HEAD_BYTES} bytes")]
    HeadTooLarge,
    /// Invalid or conflicting `Content-Length` values.
    #[error("the upstream's response has an invalid or conflicting Content-Length")]
    InvalidLength,
    /// `101 Switching Protocols`: upgrades are not forwarded (`Upgrade` is removed from
    /// requests as a hop-by-hop header).
    #[error("the upstream switched protocols, which the proxy does not forward")]
    SwitchingProtocols,
    /// No answer head came before the request's deadline.
    #[error("the upstream did not answer in time")]
    TimedOut,
    /// The client's request body failed (or passed the body limit) on its way.
    #[error("the request body could not be forwarded: {0}")]
    RequestBody(#[source] BoxError),
}

/// An open connection to an upstream endpoint, with the bytes read past the last
/// response and the deadline of the request it carries.
#[derive(Debug)]
pub struct Connection {
    /// The socket.
    pub stream: TcpStream,
    /// Bytes read and not yet used.
    pub buffer: BytesMut,
    /// When the answer head to the request on the connection must have come.
    pub deadline: Deadline,
}

impl Connection {
    /// A fresh connection over `stream`, for a request due by `deadline`.
    pub fn new(stream: TcpStream, deadline: Instant) -> Connection {
        Connection {
            stream,
            buffer: BytesMut::new(),
            deadline: Deadline::new(deadline),
        }
    }

    /// Reads what the socket has onto the end of the buffer; `Ok(0)` at its end.
    pub fn poll_read(&mut self, context: &mut Context<'_>) -> Poll<io::Result<usize>> {
        self.buffer.reserve(READ_SIZE);
        tokio_util::io::poll_read_buf(Pin::new(&mut self.stream), context, &mut self.buffer)
    }
}

/// How a request body goes upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFraming {
    /// No body.
    Empty,
    /// As it is, after a `Content-Length`.
    Length,
    /// In chunks (its length is not known in advance).
    Chunked,
}

/// A response head as read.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The header fields (hop-by-hop ones and those `Connection` names left out).
    pub fields: UpstreamFields,
    /// How its body is delimited (`None`: it has no body: a HEAD request, 204, 304,
    /// or `Content-Length: 0`).
    pub framing: Option<Delimiter>,
    /// Whether the connection may carry another request after this body.
    pub reusable: bool,
}

/// A request as it goes upstream: its request line and header lines, written by the
/// caller in the form they are sent, and its body; the lines that frame the body are
/// added by [`UpstreamRequest::finish`].
#[derive(Debug)]
pub struct UpstreamRequest<B> {
    method: Method,
    head: Vec<u8>,
    length_header: bool,
    body: B,
}

/// A request head ready to send, with the body that follows it.
#[derive(Debug)]
pub struct FinishedRequest<B> {
    /// The request's method (the answer is read for it).
    pub method: Method,
    /// The whole request head.
    pub head: Vec<u8>,
    /// How the body follows the head.
    pub framing: RequestFraming,
    /// The body.
    pub body: B,
}

impl<B: Body> UpstreamRequest<B> {
    /// Starts `method target HTTP/1.1`; `fields` then writes its header lines
    /// (`name: value\r\n` each), and `length_header` tells whether they have a
    /// `Content-Length`.
    pub fn new(
        method: Method,
        target: &str,
        body: B,
        length_header: bool,
        fields: impl FnOnce(&mut Vec<u8>),
    ) -> UpstreamRequest<B> {
        let mut head = Vec::with_capacity(HEAD_CAPACITY);
        head.extend_from_slice(method.as_str().as_bytes());
        head.push(b' ');
        head.extend_from_slice(target.as_bytes());
        head.extend_from_slice(b" HTTP/1.1\r\n");
        fields(&mut head);
        UpstreamRequest {
            method,
            head,
            length_header,
            body,
        }
    }

    /// Ends the head with the lines that frame the body: none when the body has
    /// already ended (a body-less `POST`, `PUT` or `PATCH` then gets
    /// `Content-Length: 0`, RFC 9110 §8.6), none after the client's own
    /// `Content-Length`, else its exact size when known, else chunked.
    pub fn finish(self) -> FinishedRequest<B> {
        let UpstreamRequest {
            method,
            mut head,
            length_header,
            body,
        } = self;
        let framing = if body.is_end_stream() {
            if matches!(method, Method::POST | Method::PUT | Method::PATCH) && !length_header {
                head.extend_from_slice(b"content-length: 0\r\n");
            }
            RequestFraming::Empty
        } else if length_header {
            RequestFraming::Length
        } else if let Some(length) = body.size_hint().exact() {
            head.extend_from_slice(b"content-length: ");
            crate::json_line::unsigned(&mut head, length);
            head.extend_from_slice(b"\r\n");
            RequestFraming::Length
        } else {
            head.extend_from_slice(b"transfer-encoding: chunked\r\n");
            RequestFraming::Chunked
        };
        head.extend_from_slice(b"\r\n");
        FinishedRequest {
            method,
            head,
            framing,
            body,
        }
    }
}

/// Sends a body-less request (its whole `head`) and reads the answer's head, before
/// the connection's deadline.
pub async fn exchange_bodiless(
    connection: &mut Connection,
    head: &[u8],
    method: &Method,
) -> Result<Answer, ExchangeError> {
    let mut written = 0;
    let mut received = false;
    std::future::poll_fn(|context| {
        match poll_write_all(&connection.stream, head, &mut written, context) {
            Poll::Ready(Ok(())) => poll_answer(connection, method, &mut received, context),
            Poll::Ready(Err(error)) => Poll::Ready(Err(unanswered(error))),
            Poll::Pending => poll_deadline(connection, context),
        }
    })
    .await
}

/// Sends a request `head` and its `body` framed by `framing`, and reads the answer's
/// head meanwhile: an upstream may answer before the body is all sent (an early
/// refusal, or an echo that streams both ways). The sender is returned when the body
/// is still on its way, for the response body to go on driving it.
pub async fn exchange_with_body<B>(
    connection: &mut Connection,
    head: Vec<u8>,
    body: B,
    framing: RequestFraming,
    method: &Method,
) -> Result<(Answer, Option<BodySender<B>>), ExchangeError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let mut sender = Some(BodySender::new(
        head,
        body,
        framing == RequestFraming::Chunked,
    ));
    let mut received = false;
    let answer = std::future::poll_fn(|context| {
        if let Some(sending) = sender.as_mut()
            && let Poll::Ready(sent) = sending.poll_send(&connection.stream, context)
        {
            sent?;
            sender = None;
        }
        poll_answer(connection, method, &mut received, context)
    })
    .await?;
    Ok((answer, sender))
}

/// A request body on its way upstream, written as the connection takes it: frames
/// that are ready are gathered (the head goes out with the first ones, the last chunk
/// with the last) and written without waiting for more.
#[derive(Debug)]
pub struct BodySender<B> {
    body: B,
    chunked: bool,
    /// Bytes to write, from `written` on.
    pending: Vec<u8>,
    written: usize,
    /// The body has ended (its end is in `pending`).
    ended: bool,
}

impl<B> BodySender<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    fn new(head: Vec<u8>, body: B, chunked: bool) -> BodySender<B> {
        BodySender {
            body,
            chunked,
            pending: head,
            written: 0,
            ended: false,
        }
    }

    /// Moves the body on: gathers the frames that are ready, writes what the socket
    /// takes. `Ready(Ok)` once all of it is written.
    pub fn poll_send(
        &mut self,
        stream: &TcpStream,
        context: &mut Context<'_>,
    ) -> Poll<Result<(), ExchangeError>> {
        loop {
            while !self.ended && self.pending.len() < WRITE_BATCH {
                match Pin::new(&mut self.body).poll_frame(context) {
                    Poll::Pending => break,
                    Poll::Ready(None) => self.end(None),
                    Poll::Ready(Some(Err(error))) => {
                        return Poll::Ready(Err(ExchangeError::RequestBody(error.into())));
                    }
                    Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                        Ok(data) => self.add(&data),
                        Err(frame) => self.end(frame.into_trailers().ok()),
                    },
                }
            }
            if self.written == self.pending.len() {
                return if self.ended {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Pending
                };
            }
            ready!(poll_write_all(
                stream,
                &self.pending,
                &mut self.written,
                context
            ))?;
            self.pending.clear();
            self.written = 0;
        }
    }

    /// Adds a frame of body data, as a chunk when chunked.
    fn add(&mut self, data: &[u8]) {
        if self.chunked {
            write_chunk(&mut self.pending, data);
        } else {
            self.pending.extend_from_slice(data);
        }
    }

    /// Adds the body's end: the last chunk and the trailers, when chunked.
    fn end(&mut self, trailers: Option<HeaderMap>) {
        self.ended = true;
        if self.chunked {
            self.pending.extend_from_slice(b"0\r\n");
            if let Some(trailers) = &trailers {
                write_fields(&mut self.pending, trailers);
            }
            self.pending.extend_from_slice(b"\r\n");
        }
    }
}

/// Appends `fields` as `name: value` lines (a head's headers, a body's trailers).
fn write_fields(out: &mut Vec<u8>, fields: &HeaderMap) {
    for (name, value) in fields {
        write_field(out, name.as_str().as_bytes(), value.as_bytes());
    }
}

/// Appends one `name: value` line; both must be valid as they are (a `HeaderName` and
/// a `HeaderValue`, or text known to be).
pub fn write_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// Writes `bytes` from `written` on, as far as `stream` takes them; `Ready(Ok)` once
/// all are written.
fn poll_write_all(
    stream: &TcpStream,
    bytes: &[u8],
    written: &mut usize,
    context: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    while *written < bytes.len() {
        ready!(stream.poll_write_ready(context))?;
        match stream.try_write(&bytes[*written..]) {
            Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
            Ok(count) => *written += count,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
            Err(error) => return Poll::Ready(Err(error)),
        }
    }
    Poll::Ready(Ok(()))
}

/// Pending until the connection's deadline passes, then the time-out.
fn poll_deadline<T>(
    connection: &mut Connection,
    context: &mut Context<'_>,
) -> Poll<Result<T, ExchangeError>> {
    connection
        .deadline
        .poll_passed(context)
        .map(|()| Err(ExchangeError::TimedOut))
}

/// Reads response heads until a final one (1xx answers are read past), for a request
/// with `method`, before the connection's deadline; `received` tells whether any byte
/// of answer has come.
fn poll_answer(
    connection: &mut Connection,
    method: &Method,
    received: &mut bool,
    context: &mut Context<'_>,
) -> Poll<Result<Answer, ExchangeError>> {
    loop {
        if !connection.buffer.is_empty() {
            match parse_answer(&mut connection.buffer, method) {
                Ok(Some(answer)) if answer.status.is_informational() => continue,
                Ok(Some(answer)) => return Poll::Ready(Ok(answer)),
                Ok(None) => {}
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
        if connection.buffer.len() >= MAX_RESPONSE_HEAD_BYTES {
            return Poll::Ready(Err(ExchangeError::HeadTooLarge));
        }
        let read = match connection.poll_read(context) {
            Poll::Ready(read) => read,
            Poll::Pending => return poll_deadline(connection, context),
        };
        let error = match read {
            Ok(0) if *received => ExchangeError::ClosedInHead,
            Ok(0) => ExchangeError::ClosedBeforeAnswer,
            Ok(_) => {
                *received = true;
                continue;
            }
            Err(error) if *received => ExchangeError::Io(error),
            Err(error) => unanswered(error),
        };
        return Poll::Ready(Err(error));
    }
}

/// An I/O failure before any byte of an answer: a reset or a broken pipe is the
/// upstream closing the connection ([`ExchangeError::ClosedBeforeAnswer`]).
fn unanswered(error: io::Error) -> ExchangeError {
    match error.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionAborted => ExchangeError::ClosedBeforeAnswer,
        _ => ExchangeError::Io(error),
    }
}

/// Takes one whole response head off the front of `buffer` (`None`: not all there),
/// the answer to a request with `method`.
pub fn parse_answer(
    buffer: &mut BytesMut,
    method: &Method,
) -> Result<Option<Answer>, ExchangeError> {
    let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; MAX_RESPONSE_HEADERS];
    let mut response = httparse::Response::new(&mut []);
    let length = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
        &mut response,
        buffer,
        &mut slots,
    ) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(ExchangeError::MalformedHead(error)),
    };
    let status = response
        .code
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or(ExchangeError::MalformedHead(httparse::Error::Status))?;
    if status == StatusCode::SWITCHING_PROTOCOLS {
        return Err(ExchangeError::SwitchingProtocols);
    }
    let version = match response.version {
        Some(0) => Version::HTTP_10,
        _ => Version::HTTP_11,
    };
    let fields = &*response.headers;
    let framing = response_framing(fields, status, method)?;
    let reusable = version == Version::HTTP_11
        && framing != Some(Delimiter::UntilClose)
        && !values(fields, "connection").any(|value| has_token(value, b"close"));
    let named = connection_named(values(fields, "connection"));
    let base = buffer.as_ptr() as usize;
    let at = |bytes: &[u8]| {
        let start = bytes.as_ptr() as usize - base;
        start..start + bytes.len()
    };
    let mut kept = Vec::with_capacity(fields.len());
    for header in fields {
        let name = header.name.as_bytes();
        if !is_hop_by_hop_name(name) && !named.iter().any(|token| token.eq_ignore_ascii_case(name))
        {
            kept.push(FieldAt {
                name: at(name),
                value: at(header.value),
            });
        }
    }
    let head = buffer.split_to(length).freeze();
    Ok(Some(Answer {
        status,
        fields: UpstreamFields::new(head, kept),
        framing,
        reusable,
    }))
}

/// The values of the header `name` (lowercase) among `fields`, in order.
fn values<'a>(
    fields: &'a [httparse::Header<'a>],
    name: &'static str,
) -> impl DoubleEndedIterator<Item = &'a [u8]> {
    fields
        .iter()
        .filter(move |field| name_is(field.name.as_bytes(), name.as_bytes()))
        .map(|field| field.value)
}

/// How the body after a head with `fields` and `status` is delimited, for a request
/// with `method` (RFC 9112 §6.3, in its order).
fn response_framing(
    fields: &[httparse::Header<'_>],
    status: StatusCode,
    method: &Method,
) -> Result<Option<Delimiter>, ExchangeError> {
    if method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
    {
        return Ok(None);
    }
    if let Some(last) = values(fields, "transfer-encoding").next_back() {
        return Ok(Some(if ends_with_chunked(last) {
            Delimiter::Chunked(Chunk::SizeStart)
        } else {
            Delimiter::UntilClose
        }));
    }
    let mut length = None;
    for value in values(fields, "content-length") {
        for item in value.split(|&byte| byte == b',') {
            let item = decimal(item.trim_ascii())
                .filter(|&item| item <= MAX_CONTENT_LENGTH)
                .ok_or(ExchangeError::InvalidLength)?;
            if length.is_some_and(|earlier| earlier != item) {
                return Err(ExchangeError::InvalidLength);
            }
            length = Some(item);
        }
    }
    Ok(match length {
        Some(0) => None,
        Some(length) => Some(Delimiter::Length(length)),
        None => Some(Delimiter::UntilClose),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reading `bytes` as the answer to a `method` request gives, in one line.
    fn read(bytes: &[u8], method: Method) -> String {
        let mut buffer = BytesMut::from(bytes);
        match parse_answer(&mut buffer, &method) {
            Ok(None) => "partial".into(),
            Ok(Some(answer)) => format!(
                "{} {} reusable={} rest={:?}",
                answer.status.as_u16(),
                answer
                    .framing
                    .map_or("Empty".to_owned(), |delimiter| format!("{delimiter:?}")),
                answer.reusable,
                String::from_utf8_lossy(&buffer)
            ),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn hop_by_hop_and_connection_named_answer_headers_are_left_out() {
        let mut buffer = BytesMut::from(
            &b"HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n\
              X-Secret: 1\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\
              Upgrade: h2c\r\n\r\n"[..],
        );
        let answer = parse_answer(&mut buffer, &Method::GET)
            .expect("a valid head")
            .expect("a whole head");
        let names: Vec<&[u8]> = answer.fields.iter().map(|(name, _)| name).collect();
        assert_eq!(names, [b"Content-Type"]);
        assert_eq!(answer.framing, Some(Delimiter::Chunked(Chunk::SizeStart)));
        assert!(answer.reusable);
    }

    #[test]
    fn response_heads_are_framed_as_rfc_9112_says() {
        let cases: &[(&[u8], Method, &str)] = &[
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
                Method::GET,
                r#"200 Length(5) reusable=true rest="hello""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: 5, 5\r\n\r\n",
                Method::GET,
                r#"200 Length(5) reusable=true rest="""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\n",
                Method::GET,
                "error: the upstream's response has an invalid or conflicting Content-Length",
            ),
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: +5\r\n\r\n",
                Method::GET,
                "error: the upstream's response has an invalid or conflicting Content-Length",
            ),
            (
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\ncontent-length: 5\r\n\r\n",
                Method::GET,
                r#"200 Chunked(SizeStart) reusable=true rest="""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
                Method::GET,
                r#"200 UntilClose reusable=false rest="""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\n\r\nbody",
                Method::GET,
                r#"200 UntilClose reusable=false rest="body""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: 91\r\n\r\n",
                Method::HEAD,
                r#"200 Empty reusable=true rest="""#,
            ),
            (
                b"HTTP/1.1 204 No Content\r\ncontent-length: 3\r\n\r\n",
                Method::GET,
                r#"204 Empty reusable=true rest="""#,
            ),
            (
                b"HTTP/1.1 304 Not Modified\r\n\r\n",
                Method::GET,
                r#"304 Empty reusable=true rest="""#,
            ),
            (
                b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive, Close\r\n\r\n",
                Method::GET,
                r#"200 Length(2) reusable=false rest="""#,
            ),
            (
                b"HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n",
                Method::GET,
                r#"200 Length(2) reusable=false rest="""#,
            ),
            (
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n",
                Method::GET,
                r#"100 Empty reusable=true rest="HTTP/1.1 200 OK\r\n""#,
            ),
            (
                b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n",
                Method::GET,
                "error: the upstream switched protocols, which the proxy does not forward",
            ),
            (b"HTTP/1.1 200 OK\r\ncontent-len", Method::GET, "partial"),
            (
                b"HTPT/1.1 200 OK\r\n\r\n",
                Method::GET,
                "error: the upstream's response head is malformed: invalid HTTP version",
            ),
        ];
        for (bytes, method, expected) in cases {
            assert_eq!(
                read(bytes, method.clone()),
                *expected,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    /// The request head written for `method` and an optional `Content-Length`, with
    /// `body`, and how its body follows.
    fn request_head<B: Body>(method: Method, length: Option<&str>, body: B) -> String {
        let request = UpstreamRequest::new(method, "/a?b=1", body, length.is_some(), |out| {
            if let Some(length) = length {
                write_field(out, b"content-length", length.as_bytes());
            }
        });
        let finished = request.finish();
        format!(
            "{:?} {:?}",
            finished.framing,
            String::from_utf8_lossy(&finished.head)
        )
    }

    #[test]
    fn request_bodies_are_framed_by_their_length_or_in_chunks() {
        use http_body_util::{Channel, Empty, Full};
        let empty = Empty::<Bytes>::new();
        let full = Full::new(Bytes::from_static(b"abc"));
        let (_sender, streamed) = Channel::<Bytes, std::convert::Infallible>::new(1);
        assert_eq!(
            request_head(Method::GET, None, empty),
            r#"Empty "GET /a?b=1 HTTP/1.1\r\n\r\n""#
        );
        assert_eq!(
            request_head(Method::POST, None, empty),
            r#"Empty "POST /a?b=1 HTTP/1.1\r\ncontent-length: 0\r\n\r\n""#
        );
        assert_eq!(
            request_head(Method::POST, Some("3"), full.clone()),
            r#"Length "POST /a?b=1 HTTP/1.1\r\ncontent-length: 3\r\n\r\n""#
        );
        assert_eq!(
            request_head(Method::PUT, None, full),
            r#"Length "PUT /a?b=1 HTTP/1.1\r\ncontent-length: 3\r\n\r\n""#
        );
        assert_eq!(
            request_head(Method::POST, None, streamed),
            r#"Chunked "POST /a?b=1 HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n""#
        );
    }
}
