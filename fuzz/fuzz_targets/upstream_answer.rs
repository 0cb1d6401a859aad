//! The proxy's upstream client reading any bytes as the answer to a request
//! (`switchyard_proxy::exchange::parse_answer`, then the body by
//! `switchyard_proxy::upstream_body::Delimiter::decode`). The first byte chooses the
//! size of the pieces the rest arrives in and the request's method (HEAD or GET); what
//! is read (status, headers, framing, reuse, body, how it ended) must be the same as
//! when it all arrives at once, and a body framed by length never yields more than
//! that length.

#![no_main]

use bytes::BytesMut;
use http::Method;
use libfuzzer_sys::fuzz_target;
use switchyard_proxy::exchange::parse_answer;
use switchyard_proxy::upstream_body::{Decoded, Delimiter};

/// Everything read from one answer, as comparable text.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    /// The bytes ended before a final head.
    NoHead,
    /// The head was refused.
    Refused(String),
    /// A final head and what followed it.
    Answer {
        head: String,
        body: Vec<u8>,
        ending: &'static str,
    },
}

fn read(stream: &[u8], piece: usize, method: &Method) -> Read {
    let mut buffer = BytesMut::new();
    let mut pieces = stream.chunks(piece);
    let answer = loop {
        match parse_answer(&mut buffer, method) {
            Err(error) => return Read::Refused(error.to_string()),
            Ok(Some(answer)) if answer.status.is_informational() => continue,
            Ok(Some(answer)) => break answer,
            Ok(None) => match pieces.next() {
                Some(part) => buffer.extend_from_slice(part),
                None => return Read::NoHead,
            },
        }
    };
    let fields: Vec<(&[u8], &[u8])> = answer.fields.iter().collect();
    let head = format!(
        "{} {:?} {:?} reusable={}",
        answer.status, fields, answer.framing, answer.reusable
    );
    let mut body = Vec::new();
    let Some(mut delimiter) = answer.framing else {
        return Read::Answer {
            head,
            body,
            ending: "no body",
        };
    };
    let ending = loop {
        match delimiter.decode(&mut buffer) {
            Decoded::Data(data) => body.extend_from_slice(&data),
            Decoded::Last(data) => {
                body.extend_from_slice(&data);
                break "last data";
            }
            Decoded::End => break "end",
            Decoded::Invalid => break "invalid",
            Decoded::NeedMore => match pieces.next() {
                Some(part) => buffer.extend_from_slice(part),
                None => break "closed",
            },
        }
    };
    if let Some(Delimiter::Length(length)) = answer.framing {
        assert!(body.len() as u64 <= length, "more body than its length");
    }
    Read::Answer { head, body, ending }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else {
        return;
    };
    let method = if first & 1 == 1 {
        Method::HEAD
    } else {
        Method::GET
    };
    let whole = read(stream, stream.len().max(1), &method);
    let in_pieces = read(stream, usize::from(first >> 1).max(1), &method);
    assert_eq!(
        whole,
        in_pieces,
        "pieces of {} bytes change what is read",
        first >> 1
    );
});
