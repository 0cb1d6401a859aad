//! Upstream response bodies with a bound on silence (`--upstream-body-timeout`): a body
//! may stream for as long as it keeps sending, but one that sends nothing for the whole
//! timeout is cut with an error, which the client sees as a broken (never a complete)
//! body. Like nginx's `proxy_read_timeout`, the bound is between two reads, not on the
//! whole body.
//!
//! The timer is made only when the body first has to wait, so a response whose body
//! arrives with its head costs no timer at all.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::BoxError;

/// Why an upstream response body stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum ResponseBodyError {
    /// The upstream connection failed (reset, malformed chunk).
    #[error(transparent)]
    Upstream(BoxError),
    /// The upstream sent nothing for the whole timeout.
    #[error("the upstream sent no part of the response body for {0:?}")]
    Stalled(Duration),
}

/// An upstream response body that may pause at most `timeout` between two frames.
#[derive(Debug)]
pub struct IdleBody<B> {
    inner: B,
    timeout: Duration,
    /// Made on the first wait; armed while the body waits, disarmed by every frame.
    timer: Option<Pin<Box<Sleep>>>,
    armed: bool,
}

impl<B> IdleBody<B> {
    /// Wraps `inner`, allowing pauses of up to `timeout`.
    pub fn new(inner: B, timeout: Duration) -> IdleBody<B> {
        IdleBody {
            inner,
            timeout,
            timer: None,
            armed: false,
        }
    }
}

impl<B> Body for IdleBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = ResponseBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, ResponseBodyError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(context) {
            Poll::Ready(frame) => {
                this.armed = false;
                return Poll::Ready(frame.map(|result| {
                    result.map_err(|error| ResponseBodyError::Upstream(error.into()))
                }));
            }
            Poll::Pending => {}
        }
        let timeout = this.timeout;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        // The clock is read once per wait, not on every poll of the same wait.
        if !this.armed {
            timer.as_mut().reset(Instant::now() + timeout);
            this.armed = true;
        }
        match timer.as_mut().poll(context) {
            Poll::Ready(()) => Poll::Ready(Some(Err(ResponseBodyError::Stalled(this.timeout)))),
            Poll::Pending => Poll::Pending,
        }
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
    use std::convert::Infallible;

    use http_body_util::{BodyExt, Channel, Full};

    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(5);

    #[tokio::test(start_paused = true)]
    async fn a_body_that_keeps_sending_is_never_cut() {
        let (mut sender, channel) = Channel::<Bytes, Infallible>::new(1);
        let producer = tokio::spawn(async move {
            for _ in 0..10 {
                tokio::time::sleep(TIMEOUT - Duration::from_millis(1)).await;
                if sender.send_data(Bytes::from_static(b"tick")).await.is_err() {
                    return;
                }
            }
        });
        let read = IdleBody::new(channel, TIMEOUT).collect().await;
        assert_eq!(read.expect("whole body").to_bytes().len(), 40);
        producer.await.expect("the producer ends");
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_silent_for_the_whole_timeout_is_cut() {
        let (mut sender, channel) = Channel::<Bytes, Infallible>::new(1);
        sender
            .send_data(Bytes::from_static(b"first"))
            .await
            .expect("room for one frame");
        let mut body = IdleBody::new(channel, TIMEOUT);
        let first = body.frame().await.expect("a frame").expect("data");
        assert_eq!(first.into_data().ok(), Some(Bytes::from_static(b"first")));
        let started = Instant::now();
        let stalled = body.frame().await.expect("an error frame");
        assert!(matches!(stalled, Err(ResponseBodyError::Stalled(t)) if t == TIMEOUT));
        assert_eq!(started.elapsed(), TIMEOUT);
        drop(sender);
    }

    #[tokio::test]
    async fn a_body_that_is_ready_needs_no_timer() {
        let mut body = IdleBody::new(Full::new(Bytes::from_static(b"all")), TIMEOUT);
        let frame = body.frame().await.expect("a frame").expect("data");
        assert_eq!(frame.into_data().ok(), Some(Bytes::from_static(b"all")));
        assert!(body.frame().await.is_none());
        assert!(body.timer.is_none());
    }
}
