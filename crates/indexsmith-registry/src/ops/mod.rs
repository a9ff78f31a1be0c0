//! Operations: state machines driven by the same `poll_request` / `handle_response` loop.
//!
//! | operation | what it does |
//! | --- | --- |
//! | [`Ping`] | `GET /v2/`: a registry? credentials accepted? |
//! | [`FetchManifest`] | GET a manifest by tag or digest, verified against its digest |
//! | [`HeadManifest`] | HEAD a manifest: digest, media type, size without the body |
//! | [`Inspect`] | a manifest, and for an index every child manifest and its config, fetched concurrently |
//! | [`ListTags`] | every tag, following `Link` pagination |
//! | [`ListReferrers`] | the referrers API, with the `<alg>-<hex>` tag-schema fallback |
//! | [`CreateIndex`] | resolve references to descriptors with platforms, for an index to be composed |
//! | [`Transfer`] | plan (dry run), push or copy an index or image: blobs, then children, then the root |

/// The methods every operation built on the request engine shares: requests come from the engine,
/// answers go to it and then to the operation's own `process(&mut self, &Session)`, and the output
/// is taken once. Used inside each `impl Operation`.
macro_rules! engine_driven {
    () => {
        fn poll_request(
            &mut self,
            session: &mut $crate::session::Session,
            now: u64,
        ) -> Option<$crate::http::Request> {
            if self.finished {
                return None;
            }
            self.engine.poll_request(session, now)
        }

        engine_answers!();
    };
}

/// The `Operation` methods of an engine-driven operation besides `poll_request`.
macro_rules! engine_answers {
    () => {
        fn handle_response(
            &mut self,
            session: &mut $crate::session::Session,
            id: $crate::http::RequestId,
            response: $crate::http::Response,
            now: u64,
        ) {
            self.engine.handle_response(session, id, response, now);
            self.process(session);
        }

        fn handle_failure(
            &mut self,
            session: &mut $crate::session::Session,
            id: $crate::http::RequestId,
            failure: $crate::http::TransportFailure,
            _now: u64,
        ) {
            self.engine.handle_failure(id, failure);
            self.process(session);
        }

        fn poll_output(&mut self) -> Option<Result<Self::Output, $crate::error::RegistryError>> {
            self.output.take()
        }

        fn peak_in_flight(&self) -> usize {
            self.engine.peak_in_flight
        }
    };
}

/// `poll_event` for operations that queue their events in `self.events`.
macro_rules! queued_events {
    () => {
        fn poll_event(&mut self) -> Option<$crate::ops::Event> {
            (!self.events.is_empty()).then(|| self.events.remove(0))
        }
    };
}

mod create_index;
mod endpoints;
mod fetch;
mod head;
mod inspect;
mod ping;
mod referrers;
mod tags;
mod transfer;

pub use create_index::{CreateIndex, IndexEntry, NestedIndex};
pub use endpoints::{pull_scope, push_scope, Manifest, MANIFEST_ACCEPT};
pub use fetch::FetchManifest;
pub use head::{HeadManifest, ManifestHead};
pub use inspect::{ChildInspection, ImageSummary, Inspect, Inspection};
pub use ping::{Ping, PingResult};
pub use referrers::{ListReferrers, Referrers};
pub use tags::{parse_next_link, ListTags};
pub use transfer::{
    BlobAction, ChildAction, ChildPlan, PushPlan, PushReport, Transfer, TransferOutput,
};

use crate::error::RegistryError;
use crate::http::{Request, RequestId, Response, TransportFailure};
use crate::reference::Repository;
use crate::session::Session;
use indexsmith::digest::Digest;

/// The driver-facing interface every operation implements.
///
/// A driver loop: take every request `poll_request` gives (send them concurrently), feed back
/// each answer with `handle_response` (or `handle_failure` when there was no HTTP answer), pass
/// streamed bytes through `handle_stream_data`, drain `poll_event` for progress, and stop when
/// `poll_output` returns `Some`. After an error, an operation may still hand out cleanup requests
/// (a transfer cancels the uploads it abandoned): a driver sends them on a best-effort basis.
pub trait Operation {
    type Output;

    /// The next request to send, if one is ready. May return several before any answer.
    fn poll_request(&mut self, session: &mut Session, now: u64) -> Option<Request>;

    /// The answer to request `id`.
    fn handle_response(
        &mut self,
        session: &mut Session,
        id: RequestId,
        response: Response,
        now: u64,
    );

    /// Request `id` got no HTTP answer.
    fn handle_failure(
        &mut self,
        session: &mut Session,
        id: RequestId,
        failure: TransportFailure,
        now: u64,
    );

    /// Bytes of the held response body of request `source`, on their way into a
    /// [`crate::Body::Stream`] request. Must be called, in order, before the bytes are sent; when
    /// it returns an error the request must not be sent (the operation has failed).
    fn handle_stream_data(&mut self, source: RequestId, bytes: &[u8]) -> Result<(), RegistryError> {
        let _ = (source, bytes);
        Ok(())
    }

    /// The digest the bytes of the held body of request `source` must have, for a driver that
    /// hashes them itself (natively) and passes only their lengths (`handle_stream_len`) and
    /// its digest (`handle_stream_digest`). `None` when no blob is streamed from `source`.
    fn stream_digest(&self, source: RequestId) -> Option<Digest> {
        let _ = source;
        None
    }

    /// `len` bytes of the held body of request `source`, hashed by the driver, are on their way
    /// into a [`crate::Body::Stream`] request (instead of `handle_stream_data`; one of the two
    /// for a whole body). Returns `true` once the body is complete: the driver must then call
    /// `handle_stream_digest` before it sends these last bytes. When it returns an error the
    /// request must not be sent (the operation has failed).
    fn handle_stream_len(&mut self, source: RequestId, len: u64) -> Result<bool, RegistryError> {
        let _ = (source, len);
        Ok(false)
    }

    /// The digest (`algorithm:hex`, of the algorithm of `stream_digest`) the driver computed over
    /// every byte of the held body of request `source`. A mismatch fails the operation, and the
    /// last bytes must not be sent.
    fn handle_stream_digest(
        &mut self,
        source: RequestId,
        digest: &str,
    ) -> Result<(), RegistryError> {
        let _ = (source, digest);
        Ok(())
    }

    /// The next progress event.
    fn poll_event(&mut self) -> Option<Event> {
        None
    }

    /// The result, once the operation has finished (returned once; `None` before and after).
    fn poll_output(&mut self) -> Option<Result<Self::Output, RegistryError>>;

    /// The most requests this operation had in flight at once.
    fn peak_in_flight(&self) -> usize;
}

/// Progress of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum Event {
    /// A manifest was fetched and verified.
    ManifestFetched { digest: Digest, media_type: String },
    /// A manifest was already in the target repository.
    ManifestPresent { digest: Digest },
    /// A manifest was pushed (`tag` when pushed by tag).
    ManifestPushed { digest: Digest, tag: Option<String> },
    /// A blob was already in the target repository.
    BlobPresent { digest: Digest, size: u64 },
    /// A blob was mounted from another repository of the same registry.
    BlobMounted {
        digest: Digest,
        size: u64,
        from: Repository,
    },
    /// Bytes of a blob upload were accepted (`sent` counts all accepted bytes so far).
    BlobProgress {
        digest: Digest,
        sent: u64,
        total: u64,
    },
    /// A blob upload completed and its digest was verified.
    BlobUploaded { digest: Digest, size: u64 },
}
