//! Streamed upload bodies: the driver reads pieces of a held download, has the operation check
//! each of them, and passes them one at a time to the transport sending the upload.

use super::{Held, ResponseBody};
use futures::channel::mpsc;
use futures::{SinkExt, Stream};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The body of a streamed upload: exactly [`UploadStream::len`] bytes in pieces. At most one
/// piece waits in it at a time. It ends with an [`UploadAborted`] error instead of its last
/// bytes when those must not be sent (the operation refused them, or the download broke): a
/// transport must then abandon the request rather than complete it.
#[derive(Debug)]
pub struct UploadStream {
    len: u64,
    pieces: mpsc::Receiver<Result<Vec<u8>, UploadAborted>>,
}

/// Why a streamed upload body ended early.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the upload was abandoned: {0}")]
pub struct UploadAborted(pub String);

impl UploadStream {
    /// The number of bytes the stream carries (the request's `Content-Length`).
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Stream for UploadStream {
    type Item = Result<Vec<u8>, UploadAborted>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.pieces).poll_next(cx)
    }
}

/// The driver's end of an [`UploadStream`].
pub(super) struct Feed {
    pieces: mpsc::Sender<Result<Vec<u8>, UploadAborted>>,
}

/// How the pump ended.
pub(super) enum Pumped {
    /// Every byte went into the stream.
    Done,
    /// The transport stopped reading (it failed or finished early): its answer says why.
    Dropped,
    /// The operation refused a piece: it has failed.
    Refused,
    ReadFailed(crate::http::TransportFailure),
}

pub(super) fn channel(len: u64) -> (UploadStream, Feed) {
    let (tx, rx) = mpsc::channel(0);
    (UploadStream { len, pieces: rx }, Feed { pieces: tx })
}

impl Feed {
    /// Moves `len` bytes from `held` into the stream, each piece passed to `check` first.
    pub(super) async fn pump<B: ResponseBody>(
        mut self,
        held: &mut Held<B>,
        len: u64,
        mut check: impl FnMut(&[u8]) -> bool,
    ) -> Pumped {
        let mut left = len;
        while left > 0 {
            let piece = match held.next_piece(left).await {
                Ok(piece) => piece,
                Err(failure) => {
                    let _ = self
                        .pieces
                        .send(Err(UploadAborted(failure.message.clone())))
                        .await;
                    return Pumped::ReadFailed(failure);
                }
            };
            if !check(&piece) {
                let refused = UploadAborted("the bytes do not match the blob's digest".into());
                let _ = self.pieces.send(Err(refused)).await;
                return Pumped::Refused;
            }
            left -= piece.len() as u64;
            if self.pieces.send(Ok(piece)).await.is_err() {
                return Pumped::Dropped;
            }
        }
        Pumped::Done
    }
}
