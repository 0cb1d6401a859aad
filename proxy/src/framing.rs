//! Request framing that two HTTP/1 parsers could read two ways, found on the bytes of
//! a client connection as they are read, before hyper parses them.
//!
//! hyper follows RFC 9112 §6.3 for a request with both `Content-Length` and
//! `Transfer-Encoding` (chunked wins, the length is dropped, the connection closes
//! after the answer) and keeps one of several equal `Content-Length` lines. Both are
//! safe in hyper, but the request was built to be read differently by some other hop,
//! and hyper removes the evidence before the handler runs. So [`FramedStream`] sits
//! under hyper and reads the same bytes with a [`FramingWatch`]: it finds where each
//! request head ends (a scan for its blank line), reads the framing headers of those
//! that have any with httparse (the parser hyper uses), notes the ambiguous ones, and
//! follows each body by the framing hyper will apply, to find the next head. The server then
//! marks the request with that number ([`AmbiguousFraming`]) and the handler refuses it
//! with 400 (RFC 9112 §6.3 and §11.2 allow a server to).
//!
//! The watch withholds and changes nothing: bytes reach hyper as they came. Bytes hyper
//! will refuse itself (a bad head, a bad chunk) end the watch for that connection,
//! since hyper closes it.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};

use http::header::{CONNECTION, HeaderValue};
use http::{Request, Response, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::message_framing::{
    self, Advance, Chunk, MAX_CONTENT_LENGTH, decimal, ends_with_chunked,
};
use crate::respond::{self, ProxyBody};
use crate::server::HYPER_MAX_HEADERS;

/// Why a request's framing is ambiguous; set as a request extension by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmbiguousFraming {
    /// Both `Content-Length` and `Transfer-Encoding`.
    LengthAndTransferEncoding,
    /// More than one `Content-Length` line (with the same value: different values are
    /// refused by hyper itself).
    RepeatedLength,
}

impl AmbiguousFraming {
    /// The answer's explanation, saying what to send instead.
    pub fn message(self) -> &'static str {
        match self {
            AmbiguousFraming::LengthAndTransferEncoding => {
                "the request has both Content-Length and Transfer-Encoding; send only one of them (RFC 9112 section 6.3)"
            }
            AmbiguousFraming::RepeatedLength => {
                "the request has more than one Content-Length header; send it once"
            }
        }
    }

    fn code(self) -> u8 {
        match self {
            AmbiguousFraming::LengthAndTransferEncoding => 1,
            AmbiguousFraming::RepeatedLength => 2,
        }
    }

    fn from_code(code: u8) -> Option<AmbiguousFraming> {
        match code {
            1 => Some(AmbiguousFraming::LengthAndTransferEncoding),
            2 => Some(AmbiguousFraming::RepeatedLength),
            _ => None,
        }
    }
}

/// The 400 answer to `request` when the server marked its framing as ambiguous; the
/// answer closes the connection, since what follows the request cannot be trusted.
pub fn refusal<B>(request: &Request<B>) -> Option<Response<ProxyBody>> {
    let ambiguous = request.extensions().get::<AmbiguousFraming>()?;
    let mut response = respond::error(
        StatusCode::BAD_REQUEST,
        "ambiguous_framing",
        ambiguous.message(),
    );
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    Some(response)
}

/// What one connection's watch found, read by the server as it dispatches requests.
///
/// hyper serves an HTTP/1 connection's requests one after another, in the order of
/// their heads, so the n-th request dispatched is the n-th head the watch saw. Only
/// the first ambiguous head is kept: its answer closes the connection.
#[derive(Debug, Default)]
pub struct FramingReport {
    /// The number (from 1) of the first ambiguous head; 0 while there is none.
    first_ambiguous: AtomicU64,
    /// Its [`AmbiguousFraming::code`].
    reason: AtomicU8,
    /// Requests dispatched so far.
    dispatched: AtomicU64,
}

impl FramingReport {
    /// Counts one more dispatched request and says whether its head was ambiguous.
    pub fn next_request(&self) -> Option<AmbiguousFraming> {
        let number = self.dispatched.fetch_add(1, Ordering::Relaxed) + 1;
        if self.first_ambiguous.load(Ordering::Relaxed) != number {
            return None;
        }
        AmbiguousFraming::from_code(self.reason.load(Ordering::Relaxed))
    }

    fn found(&self, head: u64, reason: AmbiguousFraming) {
        if self.first_ambiguous.load(Ordering::Relaxed) == 0 {
            self.reason.store(reason.code(), Ordering::Relaxed);
            self.first_ambiguous.store(head, Ordering::Relaxed);
        }
    }
}

/// Where in the byte stream the watch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Between requests, or inside a head (its bytes so far are in the buffer).
    Head,
    /// Inside a `Content-Length` body, with this many bytes to come.
    Length(u64),
    /// Inside a chunked body.
    Chunked(Chunk),
    /// Not watching: bytes hyper will refuse came, so hyper closes the connection.
    Stopped,
}

/// What parsing the start of a head gave.
enum HeadRead {
    /// A whole head.
    Complete(Head),
    /// Not all of it yet.
    Partial,
    /// One hyper refuses (then closes the connection).
    Refused,
}

/// The framing facts of one complete request head.
struct Head {
    /// Its length in bytes, blank line included.
    length: usize,
    /// Its body's framing as hyper applies it.
    body: Position,
    ambiguous: Option<AmbiguousFraming>,
}

/// Follows the bytes a client sends on an HTTP/1 connection: request heads, and the
/// bodies between them.
#[derive(Debug)]
pub struct FramingWatch {
    position: Position,
    /// The start of a head that has not all arrived yet.
    partial_head: Vec<u8>,
    /// The largest head hyper reads (its read buffer limit); a longer one is refused.
    max_head_bytes: usize,
    /// The most headers hyper parses.
    max_headers: usize,
    heads: u64,
    report: Arc<FramingReport>,
}

impl FramingWatch {
    /// A watch at the start of a connection, and the report it files what it finds in.
    pub fn new(max_head_bytes: usize, max_headers: usize) -> (Self, Arc<FramingReport>) {
        let report = Arc::new(FramingReport::default());
        let watch = FramingWatch {
            position: Position::Head,
            partial_head: Vec::new(),
            max_head_bytes,
            max_headers,
            heads: 0,
            report: Arc::clone(&report),
        };
        (watch, report)
    }

    /// The request heads found so far.
    pub fn heads(&self) -> u64 {
        self.heads
    }

    /// Follows `bytes`, the next bytes read from the client.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            bytes = match self.position {
                Position::Stopped => return,
                Position::Head if self.partial_head.is_empty() => self.head_from(bytes),
                Position::Head => self.continue_head(bytes),
                Position::Length(remaining) => {
                    let taken = remaining.min(bytes.len() as u64);
                    let left = remaining - taken;
                    self.position = if left == 0 {
                        Position::Head
                    } else {
                        Position::Length(left)
                    };
                    // `taken` is at most `bytes.len()`, so it fits.
                    &bytes[usize::try_from(taken).unwrap_or(bytes.len())..]
                }
                Position::Chunked(chunk) => self.chunked(chunk, bytes),
            };
        }
    }

    /// Reads a head starting at `bytes`; returns what follows it (nothing while the
    /// head is incomplete, when it is kept).
    fn head_from<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        match self.read_head(bytes) {
            HeadRead::Complete(head) => {
                self.complete(&head);
                &bytes[head.length..]
            }
            HeadRead::Partial if bytes.len() < self.max_head_bytes => {
                self.partial_head.extend_from_slice(bytes);
                &[]
            }
            HeadRead::Partial | HeadRead::Refused => {
                self.position = Position::Stopped;
                &[]
            }
        }
    }

    /// Adds `bytes` to the incomplete head and reads it again; returns what follows it.
    fn continue_head<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let already = self.partial_head.len();
        let added = bytes.len().min(self.max_head_bytes.saturating_sub(already));
        let mut buffer = std::mem::take(&mut self.partial_head);
        buffer.extend_from_slice(&bytes[..added]);
        let rest = match self.read_head(&buffer) {
            HeadRead::Complete(head) => {
                self.complete(&head);
                // The head ends inside the new bytes (the old ones were incomplete).
                &bytes[head.length.saturating_sub(already)..]
            }
            HeadRead::Partial if added == bytes.len() => {
                self.partial_head = buffer;
                return &[];
            }
            HeadRead::Partial | HeadRead::Refused => {
                self.position = Position::Stopped;
                &[]
            }
        };
        buffer.clear();
        self.partial_head = buffer;
        rest
    }

    /// Reads the head at the start of `bytes`: where it ends comes from a scan for its
    /// blank line; its framing, when it has a framing header at all, from httparse.
    fn read_head(&self, bytes: &[u8]) -> HeadRead {
        let Some(end) = find_head_end(bytes) else {
            return HeadRead::Partial;
        };
        if !end.has_framing_header {
            return HeadRead::Complete(Head {
                length: end.length,
                body: Position::Head,
                ambiguous: None,
            });
        }
        let head = &bytes[..end.length];
        let parsed = if self.max_headers <= HYPER_MAX_HEADERS {
            let mut headers = [const { MaybeUninit::uninit() }; HYPER_MAX_HEADERS];
            parse_head(head, &mut headers[..self.max_headers])
        } else {
            let mut headers = Vec::new();
            headers.resize_with(self.max_headers, MaybeUninit::uninit);
            parse_head(head, &mut headers)
        };
        match parsed {
            HeadRead::Complete(head) if head.length == end.length => HeadRead::Complete(head),
            // httparse would end the head elsewhere: it is not a valid head, which hyper
            // refuses.
            _ => HeadRead::Refused,
        }
    }

    /// Files a complete head and moves to its body.
    fn complete(&mut self, head: &Head) {
        self.heads += 1;
        if let Some(reason) = head.ambiguous {
            self.report.found(self.heads, reason);
        }
        self.position = head.body;
    }

    /// Follows chunked body bytes from `chunk`; returns what follows the body.
    fn chunked<'a>(&mut self, mut chunk: Chunk, mut bytes: &'a [u8]) -> &'a [u8] {
        while !bytes.is_empty() {
            let (consumed, next) = match message_framing::advance(chunk, bytes) {
                Advance::Data { length, next } => (length, next),
                Advance::Framing { consumed, next } => (consumed, next),
                Advance::End { consumed } => {
                    self.position = Position::Head;
                    return &bytes[consumed..];
                }
                Advance::Invalid => {
                    self.position = Position::Stopped;
                    return &[];
                }
            };
            bytes = &bytes[consumed..];
            chunk = next;
        }
        self.position = Position::Chunked(chunk);
        &[]
    }
}

/// Where a request head ends, found without parsing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadEnd {
    /// The head's length in bytes, blank line included.
    pub length: usize,
    /// Whether a header line is `Content-Length` or `Transfer-Encoding`.
    pub has_framing_header: bool,
}

/// Finds the end of the request head at the start of `bytes` (`None`: not all here):
/// the first empty line after the request line, skipping empty lines before it, with
/// LF or CRLF line ends. For every head httparse (so hyper) accepts, this is where
/// httparse ends it (checked by the `framing` fuzz target); what it says of a head
/// httparse refuses does not matter, since hyper then closes the connection. Most heads
/// (requests without a body) need nothing more, and this costs a fraction of a parse.
pub fn find_head_end(bytes: &[u8]) -> Option<HeadEnd> {
    let mut start = 0;
    while let Some(rest) = bytes.get(start..) {
        start += match rest {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] => 1,
            _ => break,
        };
    }
    let mut has_framing_header = false;
    // Where the current header line starts; `None` while in the request line.
    let mut line_start = None;
    for line_end in memchr::memchr_iter(b'\n', bytes.get(start..)?).map(|at| start + at) {
        let Some(from) = line_start.replace(line_end + 1) else {
            continue;
        };
        let line = &bytes[from..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(first) = line.first() else {
            return Some(HeadEnd {
                length: line_end + 1,
                has_framing_header,
            });
        };
        has_framing_header |= match first.to_ascii_lowercase() {
            b'c' => is_header(line, b"content-length:"),
            b't' => is_header(line, b"transfer-encoding:"),
            _ => false,
        };
    }
    None
}

/// Whether a header line starts with `name_and_colon`, in any case.
fn is_header(line: &[u8], name_and_colon: &[u8]) -> bool {
    line.get(..name_and_colon.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(name_and_colon))
}

/// Parses a request head with httparse as hyper does, into its framing facts.
fn parse_head<'b>(bytes: &'b [u8], headers: &mut [MaybeUninit<httparse::Header<'b>>]) -> HeadRead {
    let mut request = httparse::Request::new(&mut []);
    let length = match request.parse_with_uninit_headers(bytes, headers) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return HeadRead::Partial,
        Err(_) => return HeadRead::Refused,
    };
    let is_http_11 = request.version == Some(1);
    let mut transfer_encoding = None;
    let mut lengths = 0u32;
    let mut content_length = None;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            transfer_encoding = Some(ends_with_chunked(header.value));
        } else if header.name.eq_ignore_ascii_case("content-length") {
            lengths += 1;
            if transfer_encoding.is_none() {
                match (decimal(header.value), content_length) {
                    (None, _) => return HeadRead::Refused,
                    (Some(length), Some(earlier)) if length != earlier => return HeadRead::Refused,
                    (length, _) => content_length = length,
                }
            }
        }
    }
    let ambiguous = if transfer_encoding.is_some() && lengths > 0 {
        Some(AmbiguousFraming::LengthAndTransferEncoding)
    } else if lengths > 1 {
        Some(AmbiguousFraming::RepeatedLength)
    } else {
        None
    };
    let body = match (transfer_encoding, content_length) {
        (Some(true), _) if is_http_11 => Position::Chunked(Chunk::SizeStart),
        // Not chunked last, or on HTTP/1.0: hyper refuses the request.
        (Some(_), _) => return HeadRead::Refused,
        (None, Some(0) | None) => Position::Head,
        (None, Some(length)) if length <= MAX_CONTENT_LENGTH => Position::Length(length),
        (None, Some(_)) => return HeadRead::Refused,
    };
    HeadRead::Complete(Head {
        length,
        body,
        ambiguous,
    })
}

/// An HTTP/1 client connection whose incoming bytes pass a [`FramingWatch`] on their
/// way to hyper.
#[derive(Debug)]
pub struct FramedStream<S> {
    stream: S,
    watch: FramingWatch,
}

impl<S> FramedStream<S> {
    /// Wraps `stream`, watched by `watch`.
    pub fn new(stream: S, watch: FramingWatch) -> Self {
        FramedStream { stream, watch }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for FramedStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buffer.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(context, buffer);
        if let Poll::Ready(Ok(())) = polled {
            this.watch.feed(&buffer.filled()[before..]);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for FramedStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(context, bytes)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(context, buffers)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(context)
    }

    fn poll_shutdown(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `stream` in pieces of `piece` bytes; returns the heads seen and the report.
    fn watch_in_pieces(stream: &[u8], piece: usize) -> (u64, Position, Arc<FramingReport>) {
        let (mut watch, report) = FramingWatch::new(8192, 100);
        for part in stream.chunks(piece) {
            watch.feed(part);
        }
        (watch.heads, watch.position, report)
    }

    /// The head numbers the server would mark, over `count` dispatched requests.
    fn marked(report: &FramingReport, count: u64) -> Vec<(u64, AmbiguousFraming)> {
        (1..=count)
            .filter_map(|number| report.next_request().map(|reason| (number, reason)))
            .collect()
    }

    const GET: &[u8] = b"GET /a HTTP/1.1\r\nhost: a\r\n\r\n";

    #[test]
    fn finds_every_head_after_length_and_chunked_bodies_in_any_pieces() {
        let mut stream = Vec::new();
        stream.extend_from_slice(GET);
        stream.extend_from_slice(b"POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 30\r\n\r\n");
        // The body looks like an ambiguous head: it must be skipped, not read.
        stream.extend_from_slice(b"GET / HTTP/1.1\r\ncontent-length");
        stream.extend_from_slice(
            b"POST /c HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n",
        );
        stream.extend_from_slice(b"1a;name=value\r\nGET / HTTP/1.1\r\ncontent-le\r\n");
        stream.extend_from_slice(b"0\r\nx-trailer: 1\r\n\r\n");
        stream.extend_from_slice(GET);
        for piece in [1, 2, 7, 64, stream.len()] {
            let (heads, position, report) = watch_in_pieces(&stream, piece);
            assert_eq!((heads, position), (4, Position::Head), "pieces of {piece}");
            assert_eq!(marked(&report, 4), [], "pieces of {piece}");
        }
    }

    #[test]
    fn marks_the_ambiguous_head_by_its_number() {
        let length_then_chunked =
            b"POST /b HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        let chunked_then_length =
            b"POST /b HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n";
        let equal_lengths = b"POST /b HTTP/1.1\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nhi";
        let cases: [(&[u8], AmbiguousFraming); 3] = [
            (
                length_then_chunked,
                AmbiguousFraming::LengthAndTransferEncoding,
            ),
            (
                chunked_then_length,
                AmbiguousFraming::LengthAndTransferEncoding,
            ),
            (equal_lengths, AmbiguousFraming::RepeatedLength),
        ];
        for (ambiguous, reason) in cases {
            let stream = [GET, ambiguous, GET].concat();
            for piece in [1, 5, stream.len()] {
                let (heads, position, report) = watch_in_pieces(&stream, piece);
                assert_eq!((heads, position), (3, Position::Head));
                assert_eq!(marked(&report, 3), [(2, reason)]);
            }
        }
    }

    #[test]
    fn only_the_first_ambiguous_head_is_kept() {
        let ambiguous = b"POST /b HTTP/1.1\r\ncontent-length: 0\r\ncontent-length: 0\r\n\r\n";
        let stream = [ambiguous.as_slice(), ambiguous].concat();
        let (heads, _, report) = watch_in_pieces(&stream, stream.len());
        assert_eq!(heads, 2);
        assert_eq!(marked(&report, 2), [(1, AmbiguousFraming::RepeatedLength)]);
    }

    #[test]
    fn stops_at_bytes_hyper_refuses() {
        let refused: [&[u8]; 7] = [
            b"POST / HTTP/1.1\r\ncontent-length: 1\r\nbad header\r\n\r\n",
            b"POST / HTTP/1.1\r\ncontent-length: 1, 1\r\n\r\n",
            b"POST / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n",
            b"POST / HTTP/1.1\r\ntransfer-encoding: chunked, gzip\r\n\r\n",
            b"POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n",
            b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nz\r\n",
            b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n",
        ];
        for bytes in refused {
            let stream = [bytes, GET].concat();
            let (_, position, _) = watch_in_pieces(&stream, 3);
            assert_eq!(
                position,
                Position::Stopped,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_head_longer_than_hyper_reads_stops_the_watch() {
        let (mut watch, _) = FramingWatch::new(64, 100);
        watch.feed(b"GET / HTTP/1.1\r\n");
        watch.feed(&[b'x'; 100]);
        assert_eq!(watch.position, Position::Stopped);
        assert!(watch.partial_head.len() <= 64);
    }

    #[test]
    fn a_huge_chunk_size_is_followed_without_overflow() {
        let stream = b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nffffffffffffffff\r\nab";
        let (_, position, _) = watch_in_pieces(stream, 4);
        assert_eq!(
            position,
            Position::Chunked(Chunk::Data(u64::MAX - 2)),
            "two bytes of the chunk were read"
        );
        let overflowing =
            b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n10000000000000000\r\n";
        let (_, position, _) = watch_in_pieces(overflowing, 4);
        assert_eq!(position, Position::Stopped);
    }

    #[test]
    fn a_head_ends_at_its_first_empty_line_after_the_request_line() {
        // The bytes, then the head's length and whether it has a framing header.
        type Case = (&'static [u8], Option<(usize, bool)>);
        let cases: [Case; 6] = [
            (b"\r\n\nGET / HTTP/1.1\nhost: a\n\nrest", Some((27, false))),
            (
                b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                Some((37, true)),
            ),
            (
                b"GET / HTTP/1.1\r\nTRANSFER-ENCODING:chunked\r\n\r\n",
                Some((45, true)),
            ),
            (
                b"GET / HTTP/1.1\r\nx-content-length: 0\r\n\r\n",
                Some((39, false)),
            ),
            (b"GET / HTTP/1.1\r\nhost: a\r\n", None),
            (b"\r\n\r\n", None),
        ];
        for (bytes, expected) in cases {
            let found = find_head_end(bytes).map(|end| (end.length, end.has_framing_header));
            assert_eq!(found, expected, "{:?}", String::from_utf8_lossy(bytes));
        }
    }
}
