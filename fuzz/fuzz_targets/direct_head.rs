//! The direct HTTP/1.1 lane's head reader (`switchyard_proxy::direct::head::take`) on
//! any client bytes, read as they would arrive in pieces (the first byte is their
//! size). A head it takes must be one httparse reads whole at the front of the bytes,
//! plain (HTTP/1.1, origin form, no framing, `Expect`, `Upgrade` or `close`), with the
//! same method, target (as `http` reads it) and headers, and exactly its bytes must leave the buffer; a
//! head it does not take must leave the buffer as it was.

#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use switchyard_proxy::direct::head::{NotPlain, STACK_HEADERS, take};

const MAX_HEAD_BYTES: usize = 8192;

/// A head as httparse reads it.
struct Parsed {
    length: usize,
    method: String,
    target: String,
    /// Lowercase names and values.
    headers: Vec<(String, Vec<u8>)>,
}

/// What httparse reads at the front of `bytes`, when it reads a whole head.
fn httparse_head(bytes: &[u8]) -> Option<Parsed> {
    let mut fields = [httparse::EMPTY_HEADER; STACK_HEADERS];
    let mut request = httparse::Request::new(&mut fields);
    let httparse::Status::Complete(length) = request.parse(bytes).ok()? else {
        return None;
    };
    let headers = request
        .headers
        .iter()
        .map(|field| (field.name.to_ascii_lowercase(), field.value.to_vec()))
        .collect();
    Some(Parsed {
        length,
        method: request.method?.to_owned(),
        target: request.path?.to_owned(),
        headers,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, stream)) = data.split_first() else {
        return;
    };
    let mut buffer = BytesMut::new();
    for part in stream.chunks(usize::from(piece).max(1)) {
        buffer.extend_from_slice(part);
        let before = buffer.clone();
        match take(&mut buffer, STACK_HEADERS, MAX_HEAD_BYTES) {
            Ok(None) | Err(NotPlain) => {
                assert_eq!(buffer, before, "a head not taken changed the buffer")
            }
            Ok(Some(request)) => {
                let Parsed {
                    length,
                    method,
                    target,
                    headers,
                } = httparse_head(&before).expect("a taken head is one httparse reads whole");
                assert!(length <= MAX_HEAD_BYTES);
                assert_eq!(
                    &buffer[..],
                    &before[length..],
                    "not exactly the head was taken"
                );
                assert_eq!(request.method().as_str(), method);
                assert!(target.starts_with('/'));
                let uri: http::Uri = target.parse().expect("a target http reads");
                assert_eq!(request.uri(), &uri);
                let taken: Vec<(String, Vec<u8>)> = request
                    .headers()
                    .iter()
                    .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
                    .collect();
                let mut sorted = headers.clone();
                sorted.sort();
                let mut taken_sorted = taken;
                taken_sorted.sort();
                assert_eq!(taken_sorted, sorted, "headers differ from httparse's");
                for (name, value) in &headers {
                    assert!(
                        !matches!(
                            name.as_str(),
                            "content-length" | "transfer-encoding" | "expect" | "upgrade"
                        ),
                        "a head with {name} was taken"
                    );
                    if name == "connection" {
                        let value = String::from_utf8_lossy(value).to_ascii_lowercase();
                        assert!(!value.split(',').any(|token| token.trim() == "close"));
                    }
                }
            }
        }
    }
});
