//! Plan, push and copy: move an index (or an image) and everything it references into a target
//! repository.
//!
//! Order is what makes a push safe: blobs first, then each child manifest by digest, then the
//! root by tag. A parent is never pushed before all its children are present, so a failure in
//! the middle leaves nothing tagged, and running the same push again skips what is already there.
//!
//! A child manifest not yet in the target (HEAD by digest) is fetched by digest from the source
//! repositories in order (`crane`/`docker manifest push` style): the first that has it is where it
//! comes from, a 404, `MANIFEST_UNKNOWN` or `NAME_UNKNOWN` moves on to the next, and any other
//! answer fails the transfer. Its blobs are then checked in the target (HEAD); a missing blob is
//! mounted from the repository the manifest came from when both live on the same registry
//! (`POST …/blobs/uploads/?mount=<digest>&from=<source>`: 201 mounted, 202 an upload session to
//! fall back on), else copied: the source blob is streamed into the upload, one `PUT` for blobs up
//! to the chunk size, `PATCH` chunks with `Content-Range` then a closing `PUT ?digest=` for larger
//! ones (with [`crate::SessionConfig::stream_uploads`], one `PATCH` of the whole blob). The bytes
//! are hashed as they pass through (by the operation, or by the driver, which then reports lengths
//! and the digest) and must match the blob's digest before the upload is closed.
//!
//! When the transfer fails, every upload session it opened and did not close is cancelled
//! (distribution-spec "cancel an upload": `DELETE <location>`): `poll_output` gives the error at
//! once, and `poll_request` then hands out those `DELETE`s, which a driver sends on a best-effort
//! basis (their answers change nothing).
//!
//! A dry run ([`Transfer::plan`]) does only the HEADs and manifest GETs and reports, per child,
//! whether it is present, mountable or needs a copy, with blob counts and bytes.

use super::endpoints::{
    blob_get, blob_head, blob_mount, check_manifest, check_manifest_put, manifest_get,
    manifest_put, pull_scope, push_scope, verify,
};
use super::{Event, Operation};
use crate::engine::{Call, Engine, Outcome};
use crate::error::{Action, ErrorCode, ErrorKind, RegistryError};
use crate::http::{append_query, resolve_url, Body, Method, RequestId, Response};
use crate::manifest::{Descriptor, ManifestContent};
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::digest::Digest;
use indexsmith::platform::Platform;
use std::collections::HashMap;

mod graph;
mod hasher;
mod plan;
mod report;
mod response;
mod stream;
mod upload;

use hasher::Hasher;
pub use report::{BlobAction, ChildAction, ChildPlan, PushPlan, PushReport, TransferOutput};

#[derive(Clone, Copy, Debug)]
enum Tag {
    SourceRoot,
    NodeHead(usize),
    /// `GET` of a missing child by digest from its candidate source repositories, in order.
    NodeGet(usize),
    NodePut(usize),
    BlobHead(usize),
    BlobMount(usize),
    BlobStart(usize),
    BlobGet(usize),
    BlobChunk(usize, u64),
    BlobPut(usize),
    /// `DELETE` of an abandoned upload session.
    BlobCancel,
}

struct Node {
    digest: Digest,
    media_type: String,
    platform: Option<Platform>,
    /// The repository the manifest (and so its blobs) comes from, once known.
    source: Option<Repository>,
    /// The repositories to look for the manifest in, in order, when it is missing from the
    /// target; `tried` of them answered that they do not have it.
    candidates: Vec<Repository>,
    tried: usize,
    bytes: Option<Vec<u8>>,
    parents: Vec<usize>,
    pending: usize,
    blob_refs: Vec<usize>,
    present: bool,
    done: bool,
}

struct Blob {
    digest: Digest,
    size: u64,
    source: Option<Repository>,
    owners: Vec<usize>,
    decision: Option<BlobAction>,
    done: bool,
    location: Option<String>,
    stream: Option<RequestId>,
    held: Option<Vec<u8>>,
    hasher: Option<Hasher>,
    /// The driver hashes this blob's bytes itself (`handle_stream_len`).
    hashed_by_driver: bool,
    hashed: u64,
    verified: bool,
    sent: u64,
}

/// Plan, push or copy. See the module documentation.
pub struct Transfer {
    engine: Engine<Tag>,
    dry_run: bool,
    target: Repository,
    tag: Option<String>,
    sources: Vec<Repository>,
    child_sources: HashMap<Digest, Repository>,
    source_root: Option<ManifestRef>,
    chunk_size: u64,
    stream_uploads: bool,
    max_streams: usize,
    /// Blob copies streaming now, and those waiting for a slot (blob, upload location).
    active_copies: usize,
    waiting_copies: std::collections::VecDeque<(usize, String)>,
    nodes: Vec<Node>,
    node_by_digest: HashMap<Digest, usize>,
    blobs: Vec<Blob>,
    blob_by_digest: HashMap<Digest, usize>,
    streams: HashMap<RequestId, usize>,
    report: PushReport,
    events: Vec<Event>,
    output: Option<Result<TransferOutput, RegistryError>>,
    finished: bool,
    /// `DELETE`s of abandoned uploads not yet handed out, after a failure.
    cancelling: usize,
}

impl Transfer {
    fn empty(
        session: &Session,
        target: &Repository,
        tag: Option<String>,
        dry_run: bool,
    ) -> Transfer {
        Transfer {
            engine: Engine::new(),
            dry_run,
            target: target.clone(),
            tag,
            sources: Vec::new(),
            child_sources: HashMap::new(),
            source_root: None,
            chunk_size: session.config.chunk_size.max(1),
            stream_uploads: session.config.stream_uploads,
            max_streams: session.config.max_streams.max(1),
            active_copies: 0,
            waiting_copies: std::collections::VecDeque::new(),
            nodes: Vec::new(),
            node_by_digest: HashMap::new(),
            blobs: Vec::new(),
            blob_by_digest: HashMap::new(),
            streams: HashMap::new(),
            report: PushReport::default(),
            events: Vec::new(),
            output: None,
            finished: false,
            cancelling: 0,
        }
    }

    /// Pushes `manifest` (an index or an image manifest, exact bytes) to `target`, by `tag` or,
    /// without one, by digest.
    ///
    /// `sources` are the repositories where children missing from the target can be found (a
    /// `Vec`, or an `Option` for one or none). Each missing child is fetched by digest from the
    /// first of them that has it: an answer of 404, `MANIFEST_UNKNOWN` or `NAME_UNKNOWN` means
    /// "try the next one", any other error fails the push, and a child no source has fails it
    /// naming every repository tried. The child's blobs are then mounted from the repository
    /// where it was found when that is on the target's registry, else copied. A child of a nested
    /// index is looked for in its parent's repository first. The blobs of an image manifest
    /// pushed as the root come from the first source. [`Transfer::with_child_source`] names the
    /// repository to try first for one child.
    pub fn push(
        session: &Session,
        target: &Repository,
        tag: Option<String>,
        manifest: Vec<u8>,
        media_type: &str,
        sources: impl IntoIterator<Item = Repository>,
    ) -> Transfer {
        Self::with_root(
            session,
            target,
            tag,
            manifest,
            media_type,
            sources.into_iter().collect(),
            false,
        )
    }

    /// The dry run of [`Transfer::push`]: no writes, a [`PushPlan`] as output. Missing children
    /// are still looked for in `sources` (by `GET`), so the plan names where each comes from.
    pub fn plan(
        session: &Session,
        target: &Repository,
        tag: Option<String>,
        manifest: Vec<u8>,
        media_type: &str,
        sources: impl IntoIterator<Item = Repository>,
    ) -> Transfer {
        Self::with_root(
            session,
            target,
            tag,
            manifest,
            media_type,
            sources.into_iter().collect(),
            true,
        )
    }

    /// Copies `source:reference` with every child and blob to `target` (`skopeo copy --all`),
    /// tagging it `tag` (or pushing it by digest only).
    pub fn copy(
        session: &Session,
        source: &Repository,
        reference: ManifestRef,
        target: &Repository,
        tag: Option<String>,
    ) -> Transfer {
        let mut t = Self::empty(session, target, tag, false);
        t.sources = vec![source.clone()];
        t.engine.submit(
            Tag::SourceRoot,
            manifest_get(session, source, &reference, Method::Get),
        );
        t.source_root = Some(reference);
        t
    }

    fn with_root(
        session: &Session,
        target: &Repository,
        tag: Option<String>,
        manifest: Vec<u8>,
        media_type: &str,
        sources: Vec<Repository>,
        dry_run: bool,
    ) -> Transfer {
        let mut t = Self::empty(session, target, tag, dry_run);
        t.sources = Vec::new();
        for s in sources {
            if !t.sources.contains(&s) {
                t.sources.push(s);
            }
        }
        let digest = indexsmith::digest::sha256(&manifest);
        t.add_root(session, digest, media_type.to_owned(), manifest);
        t
    }

    /// Looks for the child `digest` in `repository` before the sources. Call it before the first
    /// request is polled.
    pub fn with_child_source(mut self, digest: Digest, repository: Repository) -> Transfer {
        if let Some(&n) = self.node_by_digest.get(&digest) {
            if n == 0 {
                self.nodes[0].source = Some(repository.clone());
            } else {
                let node = &mut self.nodes[n];
                node.candidates.retain(|r| *r != repository);
                node.candidates.insert(0, repository.clone());
            }
        }
        self.child_sources.insert(digest, repository);
        self
    }

    fn target_scope(&self) -> Vec<String> {
        if self.dry_run {
            vec![pull_scope(&self.target)]
        } else {
            vec![push_scope(&self.target)]
        }
    }

    fn fail(&mut self, e: RegistryError) {
        if !self.finished {
            self.output = Some(Err(e));
            self.finished = true;
            self.engine.abort();
            self.cancel_uploads();
        }
    }

    fn process(&mut self, session: &Session) {
        while let Some((tag, outcome)) = self.engine.next_outcome() {
            if self.finished {
                return;
            }
            let Outcome {
                request,
                url,
                result,
            } = outcome;
            let response = match result {
                Ok(r) => r,
                Err(e) => return self.fail(e),
            };
            if let Err(e) = self.on_response(session, tag, request, &url, response) {
                return self.fail(e);
            }
        }
    }
}

impl Operation for Transfer {
    type Output = TransferOutput;

    /// After a failure, only the `DELETE`s of abandoned uploads.
    fn poll_request(&mut self, session: &mut Session, now: u64) -> Option<crate::http::Request> {
        if self.finished && self.cancelling == 0 {
            return None;
        }
        let request = self.engine.poll_request(session, now)?;
        if self.finished {
            self.cancelling = self.cancelling.saturating_sub(1);
        }
        Some(request)
    }

    engine_answers!();
    queued_events!();

    fn stream_digest(&self, source: RequestId) -> Option<Digest> {
        self.streams
            .get(&source)
            .map(|&b| self.blobs[b].digest.clone())
    }

    fn handle_stream_len(&mut self, source: RequestId, len: u64) -> Result<bool, RegistryError> {
        self.count_streamed(source, len)
    }

    fn handle_stream_digest(
        &mut self,
        source: RequestId,
        digest: &str,
    ) -> Result<(), RegistryError> {
        self.check_streamed_digest(source, digest)
    }

    fn handle_stream_data(&mut self, source: RequestId, bytes: &[u8]) -> Result<(), RegistryError> {
        self.hash_streamed(source, bytes)
    }
}
