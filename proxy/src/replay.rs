//! A client connection handed over after some of its bytes were read: [`Replayed`]
//! reads those bytes again before the socket's, so that whoever takes the connection
//! over (hyper, from the direct HTTP/1 lane) sees it from the head it stopped at.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A stream whose first bytes are `prefix`, then those of `stream`; writes go to
/// `stream`.
#[derive(Debug)]
pub struct Replayed<S> {
    prefix: Bytes,
    stream: S,
}

impl<S> Replayed<S> {
    /// `stream`, read from `prefix` first.
    pub fn new(prefix: Bytes, stream: S) -> Self {
        Replayed { prefix, stream }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Replayed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.prefix.is_empty() {
            return Pin::new(&mut self.stream).poll_read(context, buffer);
        }
        let count = self.prefix.len().min(buffer.remaining());
        buffer.put_slice(&self.prefix[..count]);
        self.prefix.advance(count);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replayed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(context, bytes)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(context, buffers)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn the_prefix_is_read_before_the_stream_and_writes_go_through() {
        let (near, mut far) = tokio::io::duplex(64);
        let mut replayed = Replayed::new(Bytes::from_static(b"GET / HT"), near);
        far.write_all(b"TP/1.1\r\n\r\n").await.expect("write");
        let mut first = [0u8; 3];
        replayed.read_exact(&mut first).await.expect("read");
        assert_eq!(&first, b"GET");
        let mut rest = [0u8; 15];
        replayed.read_exact(&mut rest).await.expect("read");
        assert_eq!(&rest, b" / HTTP/1.1\r\n\r\n");
        replayed.write_all(b"answer").await.expect("write");
        let mut answer = [0u8; 6];
        far.read_exact(&mut answer).await.expect("read");
        assert_eq!(&answer, b"answer");
    }
}
