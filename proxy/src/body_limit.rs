//! The request body limit (`--max-body-bytes`): a body whose declared length is over
//! the limit is refused before any upstream is contacted; a body of unknown length
//! (HTTP/1.1 chunked, HTTP/2 without `content-length`) is counted as it streams and cut
//! with an error as soon as it passes the limit, which ends the upstream exchange and
//! turns its answer into a 413.
//!
//! A body of known length needs no counting: hyper ends it at that length on both
//! protocols. Only bodies of unknown length carry a shared flag (one allocation), which
//! tells the request path, after the exchange failed, that the limit was the cause.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};

/// A boxed error of a client's body stream.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body bigger than the limit.
#[derive(Debug, thiserror::Error)]
#[error("the request body is larger than {limit} bytes")]
pub struct TooLarge {
    /// The limit, in bytes.
    pub limit: u64,
}

/// Why a request body stopped: the client's stream failed, or it passed the limit.
#[derive(Debug, thiserror::Error)]
pub enum RequestBodyError {
    /// Reading from the client failed.
    #[error(transparent)]
    Client(BoxError),
    /// The body passed the limit while streaming.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
}

/// A client's request body on its way upstream, within the limit.
#[derive(Debug)]
pub struct LimitedBody<B = Incoming> {
    inner: B,
    budget: Option<Budget>,
}

/// What is left of the limit for a body of unknown length.
#[derive(Debug)]
struct Budget {
    limit: u64,
    seen: u64,
    tripped: Arc<AtomicBool>,
}

/// Set when a streamed body passed the limit; read after a failed exchange.
#[derive(Debug, Clone)]
pub struct Tripwire(Arc<AtomicBool>);

impl Tripwire {
    /// True once the body it watches has passed the limit.
    pub fn tripped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl<B: Body> LimitedBody<B> {
    /// Wraps `body` under `limit` bytes: refused at once when its declared length is
    /// over; counted (with the [`Tripwire`] returned) when its length is unknown.
    pub fn new(body: B, limit: u64) -> Result<(LimitedBody<B>, Option<Tripwire>), TooLarge> {
        let hint = body.size_hint();
        if hint.lower() > limit {
            return Err(TooLarge { limit });
        }
        if hint.upper().is_some_and(|upper| upper <= limit) {
            let body = LimitedBody {
                inner: body,
                budget: None,
            };
            return Ok((body, None));
        }
        let tripped = Arc::new(AtomicBool::new(false));
        let wire = Tripwire(Arc::clone(&tripped));
        let body = LimitedBody {
            inner: body,
            budget: Some(Budget {
                limit,
                seen: 0,
                tripped,
            }),
        };
        Ok((body, Some(wire)))
    }
}

impl<B> Body for LimitedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = RequestBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, RequestBodyError>>> {
        let this = self.get_mut();
        let frame = match Pin::new(&mut this.inner).poll_frame(context) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(error))) => {
                return Poll::Ready(Some(Err(RequestBodyError::Client(error.into()))));
            }
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        if let (Some(budget), Some(data)) = (&mut this.budget, frame.data_ref()) {
            budget.seen = budget.seen.saturating_add(data.len() as u64);
            if budget.seen > budget.limit {
                budget.tripped.store(true, Ordering::Relaxed);
                let limit = budget.limit;
                return Poll::Ready(Some(Err(TooLarge { limit }.into())));
            }
        }
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;

    use http_body_util::{BodyExt, Full};

    use super::*;

    /// A body of unknown length (like HTTP/1.1 chunked) made of `chunks`.
    struct Chunks(VecDeque<Bytes>);

    fn chunks(sizes: &[usize]) -> Chunks {
        Chunks(
            sizes
                .iter()
                .map(|&size| Bytes::from(vec![b'x'; size]))
                .collect(),
        )
    }

    impl Body for Chunks {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
        }
    }

    #[test]
    fn a_declared_length_over_the_limit_is_refused_at_once() {
        let body = Full::new(Bytes::from_static(b"12345678901"));
        assert!(matches!(
            LimitedBody::new(body, 10),
            Err(TooLarge { limit: 10 })
        ));
    }

    #[tokio::test]
    async fn a_declared_length_within_the_limit_needs_no_tripwire() {
        let body = Full::new(Bytes::from_static(b"1234567890"));
        let (body, wire) = LimitedBody::new(body, 10).expect("within the limit");
        assert!(wire.is_none());
        let read = body.collect().await.expect("whole body").to_bytes();
        assert_eq!(read.len(), 10);
    }

    #[tokio::test]
    async fn a_streamed_body_at_the_limit_passes() {
        let (body, wire) = LimitedBody::new(chunks(&[4, 4, 2]), 10).expect("unknown length");
        let wire = wire.expect("a streamed body is counted");
        let read = body.collect().await.expect("whole body").to_bytes();
        assert_eq!(read.len(), 10);
        assert!(!wire.tripped());
    }

    #[tokio::test]
    async fn a_streamed_body_past_the_limit_is_cut_and_trips_the_wire() {
        let (mut body, wire) = LimitedBody::new(chunks(&[6, 6, 6]), 10).expect("unknown length");
        let wire = wire.expect("a streamed body is counted");
        let first = body
            .frame()
            .await
            .expect("a frame")
            .expect("within the limit");
        assert_eq!(first.data_ref().map(Bytes::len), Some(6));
        assert!(!wire.tripped());
        let second = body.frame().await.expect("a frame");
        assert!(matches!(
            second,
            Err(RequestBodyError::TooLarge(TooLarge { limit: 10 }))
        ));
        assert!(wire.tripped());
    }
}
