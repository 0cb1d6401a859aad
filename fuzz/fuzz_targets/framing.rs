//! The proxy's HTTP/1 framing watch (`switchyard_proxy::framing`) on any client bytes.
//! The first byte chooses the size of the pieces the rest arrives in; the heads found
//! and the ambiguous head marked must be the same as when it all arrives at once. And
//! wherever httparse (hyper's parser) reads a whole head, the watch's scan for its end
//! must end it at the same byte and see the same framing headers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_proxy::framing::{FramingWatch, HeadEnd, find_head_end};

/// The heads `watch` found, and the number of the one marked ambiguous (0: none).
fn watch(stream: &[u8], piece: usize) -> (u64, u64) {
    let (mut watch, report) = FramingWatch::new(8192, 100);
    for part in stream.chunks(piece) {
        watch.feed(part);
    }
    let heads = watch.heads();
    let marked = (1..=heads)
        .find(|_| report.next_request().is_some())
        .unwrap_or(0);
    (heads, marked)
}

/// The head httparse reads at the start of `stream`, when it reads a whole one.
fn httparse_head(stream: &[u8]) -> Option<HeadEnd> {
    let mut headers = [httparse::EMPTY_HEADER; 100];
    let mut request = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(length) = request.parse(stream).ok()? else {
        return None;
    };
    let has_framing_header = request.headers.iter().any(|header| {
        header.name.eq_ignore_ascii_case("content-length")
            || header.name.eq_ignore_ascii_case("transfer-encoding")
    });
    Some(HeadEnd {
        length,
        has_framing_header,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&piece, stream)) = data.split_first() else {
        return;
    };
    if let Some(parsed) = httparse_head(stream) {
        assert_eq!(
            find_head_end(stream),
            Some(parsed),
            "the scan and httparse disagree"
        );
    }
    let whole = watch(stream, stream.len().max(1));
    let in_pieces = watch(stream, usize::from(piece).max(1));
    assert_eq!(
        whole, in_pieces,
        "pieces of {piece} bytes change what is found"
    );
});
