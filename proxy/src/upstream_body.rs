//! An upstream response body, read from its connection as the client side asks for it
//! (by length, by chunks, or until the upstream closes) and handed on without copying:
//! each frame is a slice of the bytes read. When the body ends and the connection can
//! take another request, it goes back to its pool at once, before the last frame is
//! even sent on; a body dropped before its end closes the connection.
//!
//! Response trailers are read past and not forwarded.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use http::uri::Authority;
use hyper::body::{Body, Frame, SizeHint};

use crate::BoxError;
use crate::exchange::{BodySender, Connection};
use crate::message_framing::{self, Advance, Chunk};
use crate::pool::Pool;

/// Why an upstream response body stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// Reading from the connection failed.
    #[error("reading the response body from the upstream failed: {0}")]
    Io(#[from] std::io::Error),
    /// The upstream closed the connection before the body's end.
    #[error("the upstream closed the connection before the end of the response body")]
    ClosedEarly,
    /// A chunked body broke the chunk grammar.
    #[error("the upstream sent a malformed chunked response body")]
    InvalidChunk,
}

/// Where a reusable connection goes when its body has ended.
#[derive(Debug)]
pub struct Home {
    /// The worker's pool.
    pub pool: Arc<Pool>,
    /// The endpoint the connection is to.
    pub authority: Authority,
}

/// How a response body is delimited (RFC 9112 §6.3), and how much of it is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// This many bytes more.
    Length(u64),
    /// The chunk grammar, from this place.
    Chunked(Chunk),
    /// Everything until the upstream closes the connection.
    UntilClose,
}

/// The next piece of a body, taken off the front of the bytes read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Body data (a slice of the bytes read, not a copy).
    Data(Bytes),
    /// The body's last data.
    Last(Bytes),
    /// The body ended (after its last chunk and trailers).
    End,
    /// More bytes are needed.
    NeedMore,
    /// A byte the chunk grammar refuses.
    Invalid,
}

impl Delimiter {
    /// Takes the next piece of the body off the front of `buffer`, consuming chunk
    /// framing on the way (pure: the caller reads more when told to).
    pub fn decode(&mut self, buffer: &mut BytesMut) -> Decoded {
        while !buffer.is_empty() {
            match *self {
                Delimiter::Length(remaining) => {
                    let length = usize::try_from(remaining)
                        .map_or(buffer.len(), |left| left.min(buffer.len()));
                    let data = buffer.split_to(length).freeze();
                    // `length` is at most `remaining`.
                    let left = remaining - length as u64;
                    *self = Delimiter::Length(left);
                    return if left == 0 {
                        Decoded::Last(data)
                    } else {
                        Decoded::Data(data)
                    };
                }
                Delimiter::Chunked(chunk) => match message_framing::advance(chunk, buffer) {
                    Advance::Data { length, next } => {
                        *self = Delimiter::Chunked(next);
                        return Decoded::Data(buffer.split_to(length).freeze());
                    }
                    Advance::Framing { consumed, next } => {
                        buffer.advance(consumed);
                        *self = Delimiter::Chunked(next);
                    }
                    Advance::End { consumed } => {
                        buffer.advance(consumed);
                        return Decoded::End;
                    }
                    Advance::Invalid => return Decoded::Invalid,
                },
                Delimiter::UntilClose => return Decoded::Data(buffer.split().freeze()),
            }
        }
        Decoded::NeedMore
    }
}

impl Home {
    /// Puts `connection`, at the end of a response, back into the pool.
    fn take_back(self, connection: Connection) {
        self.pool.give_back(&self.authority, connection);
    }
}

/// The body of one upstream response, which also drives the rest of its request's
/// body (`B`) upstream when the answer came before that was all sent.
#[derive(Debug)]
pub struct UpstreamBody<B> {
    state: State,
    home: Option<Home>,
    sender: Option<BodySender<B>>,
}

#[derive(Debug)]
enum State {
    Reading(Connection, Delimiter),
    Done,
}

impl<B> UpstreamBody<B> {
    /// The body that follows a response head on `connection`, delimited by
    /// `delimiter` (`None`: there is none), while `sender` (if any) still sends the
    /// request's body; the connection goes `home` after both when given one.
    pub fn new(
        connection: Connection,
        delimiter: Option<Delimiter>,
        home: Option<Home>,
        sender: Option<BodySender<B>>,
    ) -> Self {
        // A connection whose request is not all sent cannot carry another one.
        let home = home.filter(|_| sender.is_none());
        match delimiter {
            Some(delimiter) => UpstreamBody {
                state: State::Reading(connection, delimiter),
                home,
                sender,
            },
            None => {
                if let Some(home) = home {
                    home.take_back(connection);
                }
                UpstreamBody {
                    state: State::Done,
                    home: None,
                    sender: None,
                }
            }
        }
    }

    /// Ends the body; a reusable connection goes back to its pool.
    fn finish(&mut self) {
        if let (State::Reading(connection, _), Some(home)) = (
            std::mem::replace(&mut self.state, State::Done),
            self.home.take(),
        ) {
            home.take_back(connection);
        }
    }

    /// Ends the body with `error`; the connection is closed.
    fn fail(&mut self, error: BodyError) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        self.state = State::Done;
        Poll::Ready(Some(Err(error)))
    }
}

impl<B> Body for UpstreamBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = self.get_mut();
        loop {
            let State::Reading(connection, delimiter) = &mut this.state else {
                return Poll::Ready(None);
            };
            if let Some(sending) = this.sender.as_mut() {
                match sending.poll_send(&connection.stream, context) {
                    Poll::Pending => {}
                    Poll::Ready(Ok(())) => this.sender = None,
                    // The answer goes on; its connection has no home (see `new`), so it
                    // is closed after it.
                    Poll::Ready(Err(error)) => {
                        tracing::debug!(%error, "the rest of the request body was not sent");
                        this.sender = None;
                    }
                }
            }
            match delimiter.decode(&mut connection.buffer) {
                Decoded::Data(data) => return Poll::Ready(Some(Ok(Frame::data(data)))),
                Decoded::Last(data) => {
                    this.finish();
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Decoded::End => {
                    this.finish();
                    return Poll::Ready(None);
                }
                Decoded::Invalid => return this.fail(BodyError::InvalidChunk),
                Decoded::NeedMore => {}
            }
            match ready!(connection.poll_read(context)) {
                Ok(0) if *delimiter == Delimiter::UntilClose => {
                    this.state = State::Done;
                    return Poll::Ready(None);
                }
                Ok(0) => return this.fail(BodyError::ClosedEarly),
                Ok(_) => {}
                Err(error) => return this.fail(BodyError::Io(error)),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn size_hint(&self) -> SizeHint {
        match self.state {
            State::Done => SizeHint::with_exact(0),
            State::Reading(_, Delimiter::Length(remaining)) => SizeHint::with_exact(remaining),
            State::Reading(..) => SizeHint::default(),
        }
    }
}
