//! A time limit on writing each answer to a client.
//!
//! Why: hyper bounds reading a request head and tower bounds answering it,
//! but nothing bounds writing the answer out. A client that sends requests
//! (pipelined, say) and never reads the answers would hold its connection,
//! and a slot under the connection cap, for as long as it liked. Hyper has
//! no write timeout, so [`Deadline`] wraps the connection's socket: the
//! first write of an answer starts a clock, the flush hyper makes once what
//! it buffered has gone out stops it (after every answer, and after each
//! buffer-full of a long one), and a write still waiting when the clock runs
//! out fails the connection, which hyper then closes.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// A socket whose every answer must be written within `limit`.
pub struct Deadline<S> {
    inner: S,
    limit: Duration,
    clock: Pin<Box<Sleep>>,
    /// An answer is being written: the clock runs.
    running: bool,
}

impl<S> Deadline<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self { inner, limit, clock: Box::pin(tokio::time::sleep(limit)), running: false }
    }

    /// Start the clock if no answer is being written yet.
    fn start(&mut self) {
        if !self.running {
            self.running = true;
            self.clock.as_mut().reset(Instant::now() + self.limit);
        }
    }

    /// A write that could not go on: an error once the clock has run out.
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if self.running && self.clock.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not take its answer within the time limit",
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Deadline<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Deadline<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.start();
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.waiting(cx),
            done @ Poll::Ready(_) => done,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.start();
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.waiting(cx),
            done @ Poll::Ready(_) => done,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.waiting(cx),
            done @ Poll::Ready(_) => {
                self.running = false;
                done
            }
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_shutdown(cx) {
            Poll::Pending => self.waiting(cx),
            done @ Poll::Ready(_) => done,
        }
    }
}
