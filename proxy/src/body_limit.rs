//! The request body limit (`--max-body-bytes`): a body whose declared length is over
//! the limit is refused before any upstream is contacted; any other body streams
//! through `http_body_util::Limited`, which cuts it with an error as soon as it passes
//! the limit. That error ends the upstream exchange, and [`passed_limit`] finds it in
//! the exchange's error so that the answer is a 413, not a 502.

use std::error::Error;

use bytes::Bytes;
use http_body_util::{Either, Empty, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};

/// A client's request body: read by hyper, or none (a bodiless request the direct
/// HTTP/1 lane served, see `direct`).
pub type RequestBody = Either<Incoming, Empty<Bytes>>;

/// A client's request body on its way upstream, counted against the limit.
pub type LimitedBody<B = RequestBody> = Limited<B>;

/// A request body bigger than the limit.
#[derive(Debug, thiserror::Error)]
#[error("the request body is larger than {limit} bytes")]
pub struct TooLarge {
    /// The limit, in bytes.
    pub limit: u64,
}

/// Puts `body` under `limit` bytes; refused at once when its declared length is over.
pub fn limit<B: Body>(body: B, limit: u64) -> Result<LimitedBody<B>, TooLarge> {
    if body.size_hint().lower() > limit {
        return Err(TooLarge { limit });
    }
    Ok(Limited::new(
        body,
        usize::try_from(limit).unwrap_or(usize::MAX),
    ))
}

/// Whether `error`, or any error it was caused by, is a body passing the limit.
pub fn passed_limit(error: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use bytes::Bytes;
    use http_body_util::{BodyExt, Full};
    use hyper::body::Frame;

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

    /// A cause chain like the upstream client's: a wrapper whose source is `cause`.
    #[derive(Debug, thiserror::Error)]
    #[error("the exchange failed")]
    struct Exchange(#[source] Box<dyn Error + Send + Sync>);

    #[test]
    fn a_declared_length_over_the_limit_is_refused_at_once() {
        let body = Full::new(Bytes::from_static(b"12345678901"));
        assert!(matches!(limit(body, 10), Err(TooLarge { limit: 10 })));
    }

    #[tokio::test]
    async fn a_declared_length_within_the_limit_passes() {
        let body = Full::new(Bytes::from_static(b"1234567890"));
        let body = limit(body, 10).expect("within the limit");
        let read = body.collect().await.expect("whole body").to_bytes();
        assert_eq!(read.len(), 10);
    }

    #[tokio::test]
    async fn a_streamed_body_at_the_limit_passes() {
        let body = limit(chunks(&[4, 4, 2]), 10).expect("unknown length");
        let read = body.collect().await.expect("whole body").to_bytes();
        assert_eq!(read.len(), 10);
    }

    #[tokio::test]
    async fn a_streamed_body_past_the_limit_is_cut_and_its_error_is_found() {
        let mut body = limit(chunks(&[6, 6, 6]), 10).expect("unknown length");
        let first = body
            .frame()
            .await
            .expect("a frame")
            .expect("within the limit");
        assert_eq!(first.data_ref().map(Bytes::len), Some(6));
        let second = body.frame().await.expect("a frame");
        let cut = second.expect_err("past the limit");
        assert!(passed_limit(&Exchange(cut)));
        let other = Exchange(Box::new(std::io::Error::other("reset")));
        assert!(!passed_limit(&other));
    }
}
