//! Reads a request head from the front of a connection's buffer with httparse (the
//! parser hyper uses, with the same strict settings) and tells whether the direct lane
//! serves it: a bodiless HTTP/1.1 request in origin form that keeps the connection
//! open. Anything else — a body, `Expect`, `Upgrade`, `Connection: close`, HTTP/1.0,
//! a head over the limits, a malformed one — is left to hyper, unread.

use std::mem::MaybeUninit;

use bytes::{Bytes, BytesMut};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Uri, Version};

use crate::headers::{has_token, name_is};

/// The most headers parsed on the stack (hyper's own default); a connection allowed
/// more is handed to hyper when a head has more.
pub const STACK_HEADERS: usize = 100;

/// The head at the front of the buffer is one hyper must serve (or refuse); nothing
/// was taken off the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPlain;

/// Where a header's name and value are in the head.
struct Field {
    name: HeaderName,
    value: std::ops::Range<usize>,
}

/// Takes the request whose head is at the front of `buffer` when the direct lane
/// serves it (`Ok(None)`: the head is not complete yet), allowing at most
/// `max_headers` headers and `max_head_bytes` bytes.
pub fn take(
    buffer: &mut BytesMut,
    max_headers: usize,
    max_head_bytes: usize,
) -> Result<Option<Request<()>>, NotPlain> {
    let mut slots = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADERS];
    let slots = &mut slots[..max_headers.min(STACK_HEADERS)];
    let mut request = httparse::Request::new(&mut []);
    let length = match httparse::ParserConfig::default().parse_request_with_uninit_headers(
        &mut request,
        buffer,
        slots,
    ) {
        Ok(httparse::Status::Complete(length)) if length <= max_head_bytes => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Ok(httparse::Status::Complete(_)) | Err(_) => return Err(NotPlain),
    };
    let (Some(method), Some(target), Some(1)) = (request.method, request.path, request.version)
    else {
        return Err(NotPlain);
    };
    if !target.starts_with('/') {
        return Err(NotPlain);
    }
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return Err(NotPlain);
    };
    if method == Method::CONNECT {
        return Err(NotPlain);
    }
    let base = buffer.as_ptr() as usize;
    let offset = |bytes: &[u8]| bytes.as_ptr() as usize - base;
    let target = offset(target.as_bytes())..offset(target.as_bytes()) + target.len();
    let mut fields = Vec::with_capacity(request.headers.len());
    for header in request.headers.iter() {
        if !plain_field(header) {
            return Err(NotPlain);
        }
        let Ok(name) = HeaderName::from_bytes(header.name.as_bytes()) else {
            return Err(NotPlain);
        };
        let start = offset(header.value);
        fields.push(Field {
            name,
            value: start..start + header.value.len(),
        });
    }
    let head = buffer.split_to(length).freeze();
    match build(&head, method, target, fields) {
        Some(request) => Ok(Some(request)),
        None => {
            // Not taken after all: put the head back in front of what follows it.
            let rest = buffer.split();
            buffer.extend_from_slice(&head);
            buffer.unsplit(rest);
            Err(NotPlain)
        }
    }
}

/// Whether a request with `header` can still be served by the direct lane: it frames
/// no body, expects no `100 Continue`, asks for no upgrade and does not close.
fn plain_field(header: &httparse::Header<'_>) -> bool {
    let name = header.name.as_bytes();
    if [
        &b"content-length"[..],
        b"transfer-encoding",
        b"expect",
        b"upgrade",
    ]
    .into_iter()
    .any(|framing| name_is(name, framing))
    {
        return false;
    }
    !(name_is(name, b"connection")
        && (has_token(header.value, b"close") || has_token(header.value, b"upgrade")))
}

/// The request `head` holds; `None` when `http` refuses its target or a value.
fn build(
    head: &Bytes,
    method: Method,
    target: std::ops::Range<usize>,
    fields: Vec<Field>,
) -> Option<Request<()>> {
    let uri = Uri::from_maybe_shared(head.slice(target)).ok()?;
    let mut headers = HeaderMap::with_capacity(fields.len());
    for Field { name, value } in fields {
        let value = HeaderValue::from_maybe_shared(head.slice(value)).ok()?;
        headers.append(name, value);
    }
    let mut request = Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.version_mut() = Version::HTTP_11;
    *request.headers_mut() = headers;
    Some(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What taking a head from `bytes` gives, in one line, and what is left.
    fn take_from(bytes: &[u8]) -> (String, Vec<u8>) {
        let mut buffer = BytesMut::from(bytes);
        let taken = match take(&mut buffer, STACK_HEADERS, 8192) {
            Ok(None) => "partial".to_owned(),
            Err(NotPlain) => "other".to_owned(),
            Ok(Some(request)) => {
                let mut line = format!("{} {}", request.method(), request.uri());
                for (name, value) in request.headers() {
                    line.push_str(&format!(" {name}={}", value.to_str().unwrap_or("?")));
                }
                line
            }
        };
        (taken, buffer.to_vec())
    }

    #[test]
    fn a_bodiless_request_is_taken_and_what_follows_it_stays() {
        let (taken, rest) =
            take_from(b"GET /v1/a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\nGET /next");
        assert_eq!(taken, "GET /v1/a?b=c host=x accept=*/*");
        assert_eq!(rest, b"GET /next");
    }

    #[test]
    fn an_incomplete_head_is_partial() {
        assert_eq!(take_from(b"GET /v1/a HTTP/1.1\r\nHost: x\r\n").0, "partial");
    }

    #[test]
    fn everything_but_a_plain_request_is_left_whole_for_hyper() {
        let heads: [&[u8]; 12] = [
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            b"PUT / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n",
            b"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
            b"GET / HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n",
            b"GET / HTTP/1.0\r\n\r\n",
            b"GET http://example.com/ HTTP/1.1\r\n\r\n",
            b"OPTIONS * HTTP/1.1\r\n\r\n",
            b"CONNECT example.com:443 HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
            b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
            b"G\x01T / HTTP/1.1\r\n\r\n",
        ];
        for head in heads {
            let (taken, rest) = take_from(head);
            assert_eq!(taken, "other", "{:?}", String::from_utf8_lossy(head));
            assert_eq!(rest, head, "{:?}", String::from_utf8_lossy(head));
        }
    }

    #[test]
    fn heads_over_the_limits_are_left_to_hyper() {
        let mut buffer = BytesMut::from(&b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n"[..]);
        assert_eq!(take(&mut buffer, 1, 8192).map(|_| ()), Err(NotPlain));
        assert_eq!(take(&mut buffer, 2, 16).map(|_| ()), Err(NotPlain));
        assert!(matches!(take(&mut buffer, 2, 8192), Ok(Some(_))));
    }

    #[test]
    fn a_target_http_refuses_puts_the_head_back() {
        // `http` takes targets up to 64 KiB; hyper answers longer ones itself.
        let head = format!("GET /{} HTTP/1.1\r\nX: y\r\n\r\nnext", "a".repeat(70_000));
        let mut buffer = BytesMut::from(head.as_bytes());
        assert_eq!(
            take(&mut buffer, STACK_HEADERS, 100_000).map(|_| ()),
            Err(NotPlain)
        );
        assert_eq!(buffer, head.as_bytes());
    }
}
