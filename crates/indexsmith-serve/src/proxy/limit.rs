//! A size cap on proxied answers that are documents, not blobs: manifests and token answers.
//!
//! The distribution registry refuses manifests over 4 MiB; an upstream that sends more (or never
//! stops) is cut off there instead of being streamed on for ever.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;

/// The largest manifest the proxy passes on (distribution's own limit).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// The largest token answer the proxy passes on.
pub const MAX_TOKEN_BYTES: u64 = 1024 * 1024;

/// Whether a request reads a manifest: `/v2/<name>/manifests/<reference>`.
pub fn is_manifest(path: &str) -> bool {
    path.strip_prefix("/v2/")
        .and_then(|rest| rest.rsplit_once("/manifests/"))
        .is_some_and(|(name, reference)| !name.is_empty() && !reference.contains('/'))
}

/// The error of a body cut off at its cap.
#[derive(Debug, thiserror::Error)]
#[error("the answer is larger than {0} bytes, the proxy's limit for it")]
pub struct TooLarge(pub u64);

/// A body that fails once it has passed on more than `cap` bytes.
pub struct Capped<S> {
    inner: Pin<Box<S>>,
    cap: u64,
    seen: u64,
    failed: bool,
}

impl<S> Capped<S> {
    pub fn new(inner: S, cap: u64) -> Capped<S> {
        Capped {
            inner: Box::pin(inner),
            cap,
            seen: 0,
            failed: false,
        }
    }
}

impl<S, E> Stream for Capped<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen += chunk.len() as u64;
                if self.seen > self.cap {
                    self.failed = true;
                    return Poll::Ready(Some(Err(Box::new(TooLarge(self.cap)))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn manifest_paths() {
        let cases = [
            ("tag", "/v2/a/b/manifests/latest", true),
            ("digest", "/v2/a/manifests/sha256:00", true),
            ("blob", "/v2/a/blobs/sha256:00", false),
            ("tags list", "/v2/a/tags/list", false),
            ("no name", "/v2//manifests/x", false),
        ];
        for (name, path, expected) in cases {
            assert_eq!(is_manifest(path), expected, "{name}");
        }
    }

    #[tokio::test]
    async fn cut_off_past_the_cap() {
        let chunks = || {
            futures_util::stream::iter(
                [&b"0123"[..], b"4567", b"89"].map(|c| Ok::<_, std::io::Error>(Bytes::from(c))),
            )
        };
        let whole: Vec<_> = Capped::new(chunks(), 10).collect().await;
        assert!(whole.iter().all(Result::is_ok), "10 bytes fit a cap of 10");
        let cut: Vec<_> = Capped::new(chunks(), 7).collect().await;
        assert_eq!(cut.len(), 2, "one chunk, then the error, then the end");
        assert!(cut[0].is_ok());
        assert!(cut[1].is_err());
    }
}
