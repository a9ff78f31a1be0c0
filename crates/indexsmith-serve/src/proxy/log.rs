//! One log line per proxied request: method, upstream URL, status, bytes, milliseconds.
//!
//! The line is written when the response body has been streamed to the end (or the client went
//! away), so the byte count and the time cover the whole transfer.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_util::Stream;

/// What the line says about a request, apart from the body counts.
#[derive(Debug)]
pub struct Entry {
    pub method: String,
    pub url: String,
    /// Where redirects led, when the proxy followed any.
    pub final_url: Option<String>,
    pub status: u16,
    pub start: Instant,
    /// Bytes of the request body sent upstream.
    pub sent: Arc<AtomicU64>,
    /// The length of the response body, when known: a body that stops there is complete even
    /// if it is never polled to its end.
    pub expected: Option<u64>,
}

impl Entry {
    fn line(&self, received: u64, outcome: &str) -> String {
        let mut line = format!("proxy {} {}", self.method, self.url);
        if let Some(final_url) = &self.final_url {
            line.push_str(&format!(" -> {final_url}"));
        }
        line.push_str(&format!(" {} {} B", self.status, received));
        let sent = self.sent.load(Ordering::Relaxed);
        if sent > 0 {
            line.push_str(&format!(" (sent {sent} B)"));
        }
        line.push_str(&format!(" {} ms", self.start.elapsed().as_millis()));
        if !outcome.is_empty() {
            line.push(' ');
            line.push_str(outcome);
        }
        line
    }
}

/// Writes a line for a request that got no response.
pub fn failed(method: &str, url: &str, start: Instant, error: &str) {
    eprintln!(
        "proxy {method} {url} failed after {} ms: {error}",
        start.elapsed().as_millis()
    );
}

/// A response body that counts its bytes and writes the log line when it ends.
pub struct Logged<S> {
    inner: Pin<Box<S>>,
    entry: Option<Entry>,
    received: u64,
}

impl<S> Logged<S> {
    pub fn new(inner: S, entry: Entry) -> Logged<S> {
        Logged {
            inner: Box::pin(inner),
            entry: Some(entry),
            received: 0,
        }
    }

    fn finish(&mut self, outcome: &str) {
        if let Some(entry) = self.entry.take() {
            eprintln!("{}", entry.line(self.received, outcome));
        }
    }
}

impl<S, E> Stream for Logged<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    type Item = Result<Bytes, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => self.received += chunk.len() as u64,
            Poll::Ready(Some(Err(error))) => {
                let outcome = format!("(body failed: {error})");
                self.finish(&outcome);
            }
            Poll::Ready(None) => self.finish(""),
            Poll::Pending => {}
        }
        polled
    }
}

impl<S> Drop for Logged<S> {
    fn drop(&mut self) {
        let complete = self
            .entry
            .as_ref()
            .and_then(|e| e.expected)
            .is_some_and(|n| self.received >= n);
        self.finish(if complete { "" } else { "(client went away)" });
    }
}

/// A request body that counts the bytes it hands on.
pub fn count<S, E>(inner: S, counter: Arc<AtomicU64>) -> impl Stream<Item = Result<Bytes, E>>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    use futures_util::StreamExt;
    inner.map(move |chunk| {
        if let Ok(bytes) = &chunk {
            counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        chunk
    })
}
