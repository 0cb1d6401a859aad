//! The framing watch against hyper itself: a real hyper HTTP/1 server reads a stream of
//! generated requests (bodies by length and by chunks, extensions, trailers, bodies
//! that look like ambiguous heads, ambiguous heads) through a `FramedStream`, in pieces
//! of random sizes. Every request hyper dispatches must be the one the watch counted
//! at that place, and only the first ambiguous one may be marked.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{Request, Response};
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use proptest::prelude::*;
use switchyard_proxy::framing::{AmbiguousFraming, FramedStream, FramingWatch};
use tokio::io::AsyncWriteExt;

/// Request bytes that, inside a body, must not be taken for a head.
const LOOK_ALIKE: &[u8] =
    b"GET /x HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n";

/// One generated request.
#[derive(Debug, Clone)]
enum Generated {
    Bodiless,
    Length(Vec<u8>),
    Chunked {
        chunks: Vec<Vec<u8>>,
        extension: bool,
        trailer: bool,
    },
    LengthAndChunked(Vec<Vec<u8>>),
    RepeatedLength(Vec<u8>),
}

impl Generated {
    fn ambiguity(&self) -> Option<AmbiguousFraming> {
        match self {
            Generated::LengthAndChunked(_) => Some(AmbiguousFraming::LengthAndTransferEncoding),
            Generated::RepeatedLength(_) => Some(AmbiguousFraming::RepeatedLength),
            _ => None,
        }
    }

    /// hyper closes the connection after this request.
    fn closes(&self) -> bool {
        matches!(self, Generated::LengthAndChunked(_))
    }

    fn write(&self, number: usize, out: &mut Vec<u8>) {
        let head = |out: &mut Vec<u8>, extra: &str| {
            out.extend_from_slice(
                format!("POST /{number} HTTP/1.1\r\nhost: a\r\n{extra}\r\n").as_bytes(),
            );
        };
        match self {
            Generated::Bodiless => out
                .extend_from_slice(format!("GET /{number} HTTP/1.1\r\nhost: a\r\n\r\n").as_bytes()),
            Generated::Length(body) => {
                head(out, &format!("content-length: {}\r\n", body.len()));
                out.extend_from_slice(body);
            }
            Generated::Chunked {
                chunks,
                extension,
                trailer,
            } => {
                head(out, "transfer-encoding: gzip, chunked\r\n");
                write_chunks(chunks, *extension, *trailer, out);
            }
            Generated::LengthAndChunked(chunks) => {
                head(out, "content-length: 3\r\ntransfer-encoding: chunked\r\n");
                write_chunks(chunks, false, false, out);
            }
            Generated::RepeatedLength(body) => {
                let length = body.len();
                head(
                    out,
                    &format!("content-length: {length}\r\nContent-Length: {length}\r\n"),
                );
                out.extend_from_slice(body);
            }
        }
    }
}

fn write_chunks(chunks: &[Vec<u8>], extension: bool, trailer: bool, out: &mut Vec<u8>) {
    for chunk in chunks.iter().filter(|chunk| !chunk.is_empty()) {
        let extension = if extension { ";name=\"v\"" } else { "" };
        out.extend_from_slice(format!("{:X}{extension}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n");
    if trailer {
        out.extend_from_slice(b"x-checksum: 1\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(LOOK_ALIKE.to_vec()),
        proptest::collection::vec(any::<u8>(), 0..48),
    ]
}

fn chunks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(body(), 0..4)
}

fn generated() -> impl Strategy<Value = Generated> {
    prop_oneof![
        4 => Just(Generated::Bodiless),
        4 => body().prop_map(Generated::Length),
        4 => (chunks(), any::<bool>(), any::<bool>()).prop_map(|(chunks, extension, trailer)| {
            Generated::Chunked { chunks, extension, trailer }
        }),
        1 => chunks().prop_map(Generated::LengthAndChunked),
        1 => body().prop_map(Generated::RepeatedLength),
    ]
}

/// Serves `stream`, written in pieces of `pieces` sizes, with hyper behind a watch;
/// returns each dispatched request's path and mark.
fn serve(stream: Vec<u8>, pieces: Vec<usize>) -> Vec<(String, Option<AmbiguousFraming>)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let (client, server) = tokio::io::duplex(1 << 20);
        // The read half stays open until hyper is done, so that its answers can be written.
        let (answers, mut client) = tokio::io::split(client);
        let (watch, report) = FramingWatch::new(8192, 100);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let service = service_fn(move |request: Request<Incoming>| {
            let mark = report.next_request();
            let path = request.uri().path().to_owned();
            let record = Arc::clone(&record);
            async move {
                // Reading the whole body moves hyper to the next head.
                let _ = request.into_body().collect().await;
                record.lock().expect("not poisoned").push((path, mark));
                Ok::<_, Infallible>(Response::new(Empty::<Bytes>::new()))
            }
        });
        // A half-closed client still gets its answers (the client ends its stream with EOF).
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .half_close(true)
            .serve_connection(TokioIo::new(FramedStream::new(server, watch)), service);
        let send = async move {
            let mut rest = stream.as_slice();
            for piece in pieces.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (now, later) = rest.split_at((*piece).min(rest.len()));
                if client.write_all(now).await.is_err() {
                    return;
                }
                tokio::task::yield_now().await;
                rest = later;
            }
            let _ = client.shutdown().await;
        };
        let served = tokio::time::timeout(Duration::from_secs(5), async {
            let (_, _) = tokio::join!(connection, send);
        })
        .await;
        assert!(served.is_ok(), "hyper did not finish the stream");
        drop(answers);
        seen.lock().expect("not poisoned").clone()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn hyper_dispatches_exactly_the_heads_the_watch_counts(
        requests in proptest::collection::vec(generated(), 1..8),
        pieces in proptest::collection::vec(1usize..200, 1..6),
    ) {
        let mut stream = Vec::new();
        for (number, request) in requests.iter().enumerate() {
            request.write(number, &mut stream);
        }
        let read = requests
            .iter()
            .position(Generated::closes)
            .map_or(requests.len(), |last| last + 1);
        let first_ambiguous = requests.iter().position(|request| request.ambiguity().is_some());
        let expected: Vec<(String, Option<AmbiguousFraming>)> = requests[..read]
            .iter()
            .enumerate()
            .map(|(number, request)| {
                let mark = if Some(number) == first_ambiguous { request.ambiguity() } else { None };
                (format!("/{number}"), mark)
            })
            .collect();
        prop_assert_eq!(serve(stream, pieces), expected);
    }
}
