//! Writes an answer on a client connection of the direct lane the way hyper's HTTP/1.1
//! server would: the status line, the answer's headers in their order (the upstream's
//! as read, those of an answer made here, then the proxy's), `date` when the
//! answer has none, the framing hyper picks (`Content-Length` when the body's length is
//! known, else chunked; none for `HEAD`, 1xx, 204 and 304), then the body, each part
//! written as soon as the next one is not ready yet (head and a ready body go in one
//! write).

use std::io;
use std::pin::pin;
use std::task::Poll;

use http::StatusCode;
use http::header::CONNECTION;
use hyper::body::Body;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::exchange::write_field;
use crate::headers::{has_token, name_is};
use crate::json_line;
use crate::message_framing::write_chunk;
use crate::respond::{ProxyBody, Reply};

/// Written at most in one piece while more of the body is ready.
const WRITE_BATCH: usize = 64 * 1024;

/// What the connection may do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Read the next request.
    KeepAlive,
    /// Close: the answer said so (`Connection: close`).
    Close,
}

/// How an answer's body goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Nothing follows the head.
    Bodiless,
    /// As it is, after a `Content-Length`.
    Length,
    /// In chunks.
    Chunked,
}

/// Writes `reply`, the answer to a request whose method is `HEAD` when `head_request`,
/// with `connection: close` when `closing`; `out` is the connection's write buffer.
/// An error (the client went away, the body failed) means the connection must close:
/// the client cannot know where a broken body ended.
pub async fn write(
    stream: &mut TcpStream,
    out: &mut Vec<u8>,
    reply: Reply,
    head_request: bool,
    closing: bool,
) -> io::Result<After> {
    let headers = reply.response.headers();
    let status = reply.response.status();
    let closes = closing
        || headers
            .get_all(CONNECTION)
            .iter()
            .any(|value| has_token(value.as_bytes(), b"close"));
    out.clear();
    status_line(out, status);
    let mut declared = None;
    let mut dated = false;
    let own = headers.iter().chain(reply.own_fields());
    let fields = reply
        .relayed_fields()
        .chain(own.map(|(name, value)| (name.as_str().as_bytes(), value.as_bytes())));
    for (name, value) in fields {
        match FieldRole::of(name) {
            FieldRole::ContentLength => declared = declared.or(Some(value)),
            FieldRole::TransferEncoding => {}
            role => {
                dated |= role == FieldRole::Date;
                write_field(out, name, value);
            }
        }
    }
    if !dated {
        date::write(out);
    }
    if closing && !headers.contains_key(CONNECTION) {
        out.extend_from_slice(b"connection: close\r\n");
    }
    let body = reply.response.body();
    let framing = frame(out, status, head_request, body, declared);
    out.extend_from_slice(b"\r\n");
    let mut body = pin!(reply.response.into_body());
    if framing != Framing::Bodiless {
        loop {
            // What is ready joins what is waiting; before waiting, the waiting is written.
            let ready = std::future::poll_fn(|context| match body.as_mut().poll_frame(context) {
                Poll::Pending => Poll::Ready(None),
                Poll::Ready(frame) => Poll::Ready(Some(frame)),
            })
            .await;
            let frame = match ready {
                Some(frame) => frame,
                None => {
                    stream.write_all(out).await?;
                    out.clear();
                    std::future::poll_fn(|context| body.as_mut().poll_frame(context)).await
                }
            };
            let Some(frame) = frame else { break };
            let frame = frame.map_err(io::Error::other)?;
            if let Ok(data) = frame.into_data() {
                if framing == Framing::Chunked {
                    write_chunk(out, &data);
                } else {
                    out.extend_from_slice(&data);
                }
            }
            if out.len() >= WRITE_BATCH {
                stream.write_all(out).await?;
                out.clear();
            }
        }
        if framing == Framing::Chunked {
            out.extend_from_slice(b"0\r\n\r\n");
        }
    }
    stream.write_all(out).await?;
    out.clear();
    Ok(if closes {
        After::Close
    } else {
        After::KeepAlive
    })
}

/// What the writer does with an answer's field, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldRole {
    /// `Content-Length`: replaced by the framing the writer picks.
    ContentLength,
    /// `Transfer-Encoding`: replaced by the framing the writer picks.
    TransferEncoding,
    /// `Date`: written, and no other date is added.
    Date,
    /// Any other field: written as it is.
    Other,
}

impl FieldRole {
    /// The role of the field `name`, in any case; the length picks the one name to
    /// compare, so most fields cost one comparison of lengths.
    fn of(name: &[u8]) -> FieldRole {
        let (candidate, role) = match name.len() {
            4 => (&b"date"[..], FieldRole::Date),
            14 => (&b"content-length"[..], FieldRole::ContentLength),
            17 => (&b"transfer-encoding"[..], FieldRole::TransferEncoding),
            _ => return FieldRole::Other,
        };
        if name_is(name, candidate) {
            role
        } else {
            FieldRole::Other
        }
    }
}

/// `HTTP/1.1 <code> <reason>`.
fn status_line(out: &mut Vec<u8>, status: StatusCode) {
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// Writes the framing line of an answer with `status` and `body` (`declared`: its
/// `Content-Length` header) and says how the body follows, as hyper's server decides.
fn frame(
    out: &mut Vec<u8>,
    status: StatusCode,
    head_request: bool,
    body: &ProxyBody,
    declared: Option<&[u8]>,
) -> Framing {
    let may_have_length = !(status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED);
    let known = body.size_hint().exact();
    let declared_length = declared.and_then(|value| std::str::from_utf8(value).ok()?.parse().ok());
    if head_request {
        // No body follows; the length is the one a GET would have had.
        match (declared, known) {
            (Some(value), _) => write_field(out, b"content-length", value),
            (None, Some(length)) if may_have_length && !body.is_end_stream() => {
                length_line(out, length)
            }
            (None, _) => {}
        }
        return Framing::Bodiless;
    }
    if !may_have_length {
        return Framing::Bodiless;
    }
    if body.is_end_stream() {
        out.extend_from_slice(b"content-length: 0\r\n");
        return Framing::Bodiless;
    }
    match known.or(declared_length) {
        Some(length) => {
            length_line(out, length);
            Framing::Length
        }
        None => {
            out.extend_from_slice(b"transfer-encoding: chunked\r\n");
            Framing::Chunked
        }
    }
}

/// `content-length: <length>`.
fn length_line(out: &mut Vec<u8>, length: u64) {
    out.extend_from_slice(b"content-length: ");
    json_line::unsigned(out, length);
    out.extend_from_slice(b"\r\n");
}

/// The `date` header, formatted once a second per thread, as hyper caches it.
mod date {
    use std::cell::RefCell;
    use std::time::{SystemTime, UNIX_EPOCH};

    /// The second and its `date: …\r\n` line.
    struct Cached {
        second: u64,
        line: Vec<u8>,
    }

    thread_local! {
        static CACHED: RefCell<Cached> = const { RefCell::new(Cached { second: u64::MAX, line: Vec::new() }) };
    }

    /// Appends `date: <IMF-fixdate of now>\r\n`.
    pub fn write(out: &mut Vec<u8>) {
        let now = SystemTime::now();
        let second = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        CACHED.with_borrow_mut(|cached| {
            if cached.second != second {
                cached.second = second;
                cached.line.clear();
                cached.line.extend_from_slice(b"date: ");
                cached
                    .line
                    .extend_from_slice(httpdate::fmt_http_date(now).as_bytes());
                cached.line.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(&cached.line);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::FieldRole;

    #[test]
    fn fields_are_classified_by_name_in_any_case() {
        let cases: [(&[u8], FieldRole); 7] = [
            (b"Content-Length", FieldRole::ContentLength),
            (b"TRANSFER-ENCODING", FieldRole::TransferEncoding),
            (b"date", FieldRole::Date),
            (b"Date", FieldRole::Date),
            (b"dat3", FieldRole::Other),
            (b"content-lengths", FieldRole::Other),
            (b"content-type", FieldRole::Other),
        ];
        for (name, role) in cases {
            assert_eq!(
                FieldRole::of(name),
                role,
                "{}",
                String::from_utf8_lossy(name)
            );
        }
    }
}
