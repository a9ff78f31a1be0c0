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

mod hasher;
mod report;

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

    fn add_root(&mut self, session: &Session, digest: Digest, media_type: String, bytes: Vec<u8>) {
        let node = Node {
            digest: digest.clone(),
            media_type,
            platform: None,
            source: self
                .child_sources
                .get(&digest)
                .cloned()
                .or_else(|| self.sources.first().cloned()),
            candidates: Vec::new(),
            tried: 0,
            bytes: Some(bytes),
            parents: Vec::new(),
            pending: 0,
            blob_refs: Vec::new(),
            present: false,
            done: false,
        };
        self.nodes.push(node);
        self.node_by_digest.insert(digest, 0);
        self.check_node(session, 0);
    }

    fn target_scope(&self) -> Vec<String> {
        if self.dry_run {
            vec![pull_scope(&self.target)]
        } else {
            vec![push_scope(&self.target)]
        }
    }

    fn check_node(&mut self, session: &Session, n: usize) {
        let mut call = manifest_get(
            session,
            &self.target,
            &ManifestRef::Digest(self.nodes[n].digest.clone()),
            Method::Head,
        );
        call.scopes = self.target_scope();
        self.engine.submit(Tag::NodeHead(n), call);
    }

    fn fail(&mut self, e: RegistryError) {
        if !self.finished {
            self.output = Some(Err(e));
            self.finished = true;
            self.engine.abort();
            self.cancel_uploads();
        }
    }

    /// Queues a `DELETE` of every upload session opened and not closed: those streaming and those
    /// waiting for a stream slot.
    fn cancel_uploads(&mut self) {
        let mut open: Vec<String> = self
            .blobs
            .iter()
            .filter(|b| !b.done)
            .filter_map(|b| b.location.clone())
            .collect();
        open.extend(self.waiting_copies.drain(..).map(|(_, location)| location));
        for location in open {
            let call = Call::new(
                Action::UploadBlob,
                Method::Delete,
                location,
                self.target.api_host(),
                self.target_scope(),
            );
            self.engine.submit(Tag::BlobCancel, call);
            self.cancelling += 1;
        }
    }

    /// Where to look for child `digest`, in order: the repository named for it, its parent's
    /// repository, then the sources; each once.
    fn candidates_for(
        &self,
        digest: &Digest,
        parent_source: Option<&Repository>,
    ) -> Vec<Repository> {
        let mut out: Vec<Repository> = Vec::new();
        let named = self.child_sources.get(digest);
        for r in named
            .into_iter()
            .chain(parent_source)
            .chain(self.sources.iter())
        {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }

    /// The manifest is missing from the target and its bytes are known: queue its children.
    fn expand(&mut self, session: &Session, n: usize) {
        let Some(bytes) = self.nodes[n].bytes.clone() else {
            return;
        };
        let info = match crate::manifest::parse_manifest(&bytes, Some(&self.nodes[n].media_type)) {
            Ok(i) => i,
            Err(e) => {
                return self.fail(RegistryError::new(
                    ErrorKind::InvalidInput,
                    format!("manifest {} cannot be read: {e}", self.nodes[n].digest),
                ));
            }
        };
        let own_source = self.nodes[n].source.clone();
        match info.content {
            ManifestContent::Index { manifests } => {
                for d in manifests {
                    self.add_child(session, n, d, own_source.as_ref());
                }
            }
            ManifestContent::Image { config, layers } => {
                for d in std::iter::once(config).chain(layers) {
                    self.add_blob(session, n, d, own_source.as_ref());
                }
            }
        }
        if self.nodes[n].pending == 0 {
            self.node_ready(session, n);
        }
    }

    fn add_child(
        &mut self,
        session: &Session,
        parent: usize,
        d: Descriptor,
        fallback: Option<&Repository>,
    ) {
        let c = match self.node_by_digest.get(&d.digest) {
            Some(&c) => c,
            None => {
                let c = self.nodes.len();
                self.nodes.push(Node {
                    digest: d.digest.clone(),
                    media_type: d.media_type.to_string(),
                    platform: d.platform.clone(),
                    source: None,
                    candidates: self.candidates_for(&d.digest, fallback),
                    tried: 0,
                    bytes: None,
                    parents: Vec::new(),
                    pending: 0,
                    blob_refs: Vec::new(),
                    present: false,
                    done: false,
                });
                self.node_by_digest.insert(d.digest, c);
                self.check_node(session, c);
                c
            }
        };
        if c == parent {
            return self.fail(RegistryError::new(
                ErrorKind::InvalidInput,
                "an index lists itself as a child",
            ));
        }
        if !self.nodes[c].done {
            self.nodes[c].parents.push(parent);
            self.nodes[parent].pending += 1;
        }
    }

    fn add_blob(
        &mut self,
        session: &Session,
        owner: usize,
        d: Descriptor,
        fallback: Option<&Repository>,
    ) {
        let b = match self.blob_by_digest.get(&d.digest) {
            Some(&b) => b,
            None => {
                let b = self.blobs.len();
                let source = fallback.cloned().or_else(|| self.sources.first().cloned());
                self.blobs.push(Blob {
                    digest: d.digest.clone(),
                    size: d.size,
                    source,
                    owners: Vec::new(),
                    decision: None,
                    done: false,
                    location: None,
                    stream: None,
                    held: None,
                    hasher: None,
                    hashed_by_driver: false,
                    hashed: 0,
                    verified: false,
                    sent: 0,
                });
                self.blob_by_digest.insert(d.digest.clone(), b);
                let mut scopes = self.target_scope();
                if let Some(s) = &self.blobs[b].source {
                    if !self.dry_run && s.same_registry(&self.target) && *s != self.target {
                        scopes.push(pull_scope(s));
                    }
                }
                self.engine.submit(
                    Tag::BlobHead(b),
                    blob_head(session, &self.target, &d.digest, scopes),
                );
                b
            }
        };
        self.nodes[owner].blob_refs.push(b);
        if !self.blobs[b].done {
            self.blobs[b].owners.push(owner);
            self.nodes[owner].pending += 1;
        }
    }

    /// Everything under manifest `n` is present: push it (or, in a dry run, count it done).
    fn node_ready(&mut self, session: &Session, n: usize) {
        if self.dry_run {
            return self.node_done(session, n);
        }
        let Some(bytes) = self.nodes[n].bytes.clone() else {
            return;
        };
        let reference = match (n, &self.tag) {
            (0, Some(tag)) => tag.clone(),
            _ => self.nodes[n].digest.to_string(),
        };
        let call = manifest_put(
            session,
            &self.target,
            &reference,
            &self.nodes[n].media_type,
            bytes,
        );
        self.engine.submit(Tag::NodePut(n), call);
    }

    fn node_done(&mut self, session: &Session, n: usize) {
        if self.nodes[n].done {
            return;
        }
        self.nodes[n].done = true;
        self.nodes[n].bytes = if n == 0 {
            self.nodes[n].bytes.take()
        } else {
            None
        };
        let parents = std::mem::take(&mut self.nodes[n].parents);
        for p in parents {
            self.nodes[p].pending -= 1;
            if self.nodes[p].pending == 0 && !self.finished {
                self.node_ready(session, p);
            }
        }
        if n == 0 {
            self.complete();
        }
    }

    fn blob_done(&mut self, session: &Session, b: usize) {
        if self.blobs[b].done {
            return;
        }
        self.blobs[b].done = true;
        self.blobs[b].held = None;
        if let Some(s) = self.blobs[b].stream.take() {
            self.streams.remove(&s);
        }
        let owners = std::mem::take(&mut self.blobs[b].owners);
        for n in owners {
            self.nodes[n].pending -= 1;
            if self.nodes[n].pending == 0 && !self.finished {
                self.node_ready(session, n);
            }
        }
    }

    fn complete(&mut self) {
        if self.finished {
            return;
        }
        let root = &self.nodes[0];
        let output = if self.dry_run {
            TransferOutput::Plan(self.build_plan())
        } else {
            let mut report = std::mem::take(&mut self.report);
            report.digest = Some(root.digest.clone());
            report.tag = self.tag.clone();
            TransferOutput::Pushed(report)
        };
        self.output = Some(Ok(output));
        self.finished = true;
    }

    fn build_plan(&self) -> PushPlan {
        let root = &self.nodes[0];
        let root_is_index = root.blob_refs.is_empty() && self.nodes.len() > 1;
        let plans: Vec<ChildPlan> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| if root_is_index { *i != 0 } else { *i == 0 })
            .map(|(_, node)| self.child_plan(node))
            .collect();
        let mut plan = PushPlan {
            digest: root.digest.clone(),
            media_type: root.media_type.clone(),
            root_present: root.present,
            children: plans,
            blobs_present: 0,
            blobs_to_mount: 0,
            blobs_to_copy: 0,
            bytes_to_mount: 0,
            bytes_to_copy: 0,
        };
        for blob in &self.blobs {
            match &blob.decision {
                Some(BlobAction::Present) => plan.blobs_present += 1,
                Some(BlobAction::Mount { .. }) => {
                    plan.blobs_to_mount += 1;
                    plan.bytes_to_mount += blob.size;
                }
                Some(BlobAction::Copy { .. }) => {
                    plan.blobs_to_copy += 1;
                    plan.bytes_to_copy += blob.size;
                }
                None => {}
            }
        }
        plan
    }

    fn child_plan(&self, node: &Node) -> ChildPlan {
        let mut plan = ChildPlan {
            digest: node.digest.clone(),
            media_type: node.media_type.clone(),
            platform: node.platform.clone(),
            action: ChildAction::Present,
            source: if node.present {
                None
            } else {
                node.source.clone()
            },
            blobs: node.blob_refs.len(),
            blobs_present: 0,
            blobs_to_mount: 0,
            blobs_to_copy: 0,
            bytes_to_mount: 0,
            bytes_to_copy: 0,
        };
        if node.present {
            return plan;
        }
        let mut copy_from = None;
        let mut mount_from = None;
        for &b in &node.blob_refs {
            let blob = &self.blobs[b];
            match &blob.decision {
                Some(BlobAction::Present) | None => plan.blobs_present += 1,
                Some(BlobAction::Mount { from }) => {
                    plan.blobs_to_mount += 1;
                    plan.bytes_to_mount += blob.size;
                    mount_from.get_or_insert_with(|| from.clone());
                }
                Some(BlobAction::Copy { from }) => {
                    plan.blobs_to_copy += 1;
                    plan.bytes_to_copy += blob.size;
                    copy_from.get_or_insert_with(|| from.clone());
                }
            }
        }
        plan.action = match (copy_from, mount_from) {
            (Some(from), _) => ChildAction::Copy { from },
            (None, Some(from)) => ChildAction::Mount { from },
            (None, None) => ChildAction::ManifestOnly,
        };
        plan
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

    fn location(&self, response: &Response, url: &str) -> Result<String, RegistryError> {
        response
            .header("location")
            .and_then(|l| resolve_url(url, l))
            .ok_or_else(|| {
                RegistryError::invalid_response(
                    format!(
                        "the registry answered {} without a Location for the upload",
                        response.status
                    ),
                    response,
                    url,
                )
            })
    }

    fn on_response(
        &mut self,
        session: &Session,
        tag: Tag,
        request: RequestId,
        url: &str,
        response: Response,
    ) -> Result<(), RegistryError> {
        match tag {
            Tag::SourceRoot => {
                let reference = self
                    .source_root
                    .clone()
                    .unwrap_or(ManifestRef::Tag(String::new()));
                let m = check_manifest(&response, &reference, url)?;
                self.events.push(Event::ManifestFetched {
                    digest: m.digest.clone(),
                    media_type: m.media_type.clone(),
                });
                self.add_root(session, m.digest, m.media_type, m.bytes);
            }
            Tag::NodeHead(n) => match response.status {
                200 => {
                    self.nodes[n].present = true;
                    self.events.push(Event::ManifestPresent {
                        digest: self.nodes[n].digest.clone(),
                    });
                    if n == 0 {
                        // The registry holds the root and therefore everything under it.
                        match (&self.tag, self.dry_run) {
                            (Some(_), false) => self.node_ready(session, 0),
                            _ => self.node_done(session, 0),
                        }
                    } else {
                        self.report.manifests_present += 1;
                        self.node_done(session, n);
                    }
                }
                404 => {
                    if self.nodes[n].bytes.is_some() {
                        self.expand(session, n);
                    } else {
                        self.look_in_next_source(session, n)?;
                    }
                }
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::HeadManifest,
                        url,
                    ))
                }
            },
            Tag::NodeGet(n) => {
                if response.status != 200 {
                    let e = RegistryError::from_response(&response, Action::FetchManifest, url);
                    let not_here = response.status == 404
                        || matches!(
                            e.kind,
                            ErrorKind::Registry(
                                ErrorCode::ManifestUnknown | ErrorCode::NameUnknown
                            )
                        );
                    if !not_here {
                        return Err(e);
                    }
                    self.nodes[n].tried += 1;
                    return self.look_in_next_source(session, n);
                }
                let m = check_manifest(
                    &response,
                    &ManifestRef::Digest(self.nodes[n].digest.clone()),
                    url,
                )?;
                self.events.push(Event::ManifestFetched {
                    digest: m.digest.clone(),
                    media_type: m.media_type.clone(),
                });
                let node = &mut self.nodes[n];
                node.source = node.candidates.get(node.tried).cloned();
                node.media_type = m.media_type;
                node.bytes = Some(m.bytes);
                self.expand(session, n);
            }
            Tag::NodePut(n) => {
                check_manifest_put(&response, &self.nodes[n].digest, url)?;
                self.report.manifests_pushed += 1;
                let tag = if n == 0 { self.tag.clone() } else { None };
                self.events.push(Event::ManifestPushed {
                    digest: self.nodes[n].digest.clone(),
                    tag,
                });
                self.node_done(session, n);
            }
            Tag::BlobHead(b) => match response.status {
                200 => {
                    self.blobs[b].decision = Some(BlobAction::Present);
                    self.report.blobs_present += 1;
                    self.events.push(Event::BlobPresent {
                        digest: self.blobs[b].digest.clone(),
                        size: self.blobs[b].size,
                    });
                    self.blob_done(session, b);
                }
                404 => self.blob_missing(session, b)?,
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::HeadBlob,
                        url,
                    ))
                }
            },
            Tag::BlobMount(b) => match response.status {
                201 => {
                    let from = self.blobs[b]
                        .source
                        .clone()
                        .unwrap_or_else(|| self.target.clone());
                    self.report.blobs_mounted += 1;
                    self.events.push(Event::BlobMounted {
                        digest: self.blobs[b].digest.clone(),
                        size: self.blobs[b].size,
                        from,
                    });
                    self.blob_done(session, b);
                }
                202 => {
                    let location = self.location(&response, url)?;
                    self.begin_copy(session, b, location)?;
                }
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::MountBlob,
                        url,
                    ))
                }
            },
            Tag::BlobStart(b) => {
                if response.status != 202 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                let location = self.location(&response, url)?;
                self.begin_copy(session, b, location)?;
            }
            Tag::BlobGet(b) => {
                if response.status != 200 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::FetchBlob,
                        url,
                    ));
                }
                if let Some(len) = response
                    .header("content-length")
                    .and_then(|l| l.trim().parse::<u64>().ok())
                {
                    if len != self.blobs[b].size {
                        return Err(RegistryError::invalid_response(
                            format!(
                                "blob {} is {len} bytes at the source, but its descriptor says {}",
                                self.blobs[b].digest, self.blobs[b].size
                            ),
                            &response,
                            url,
                        ));
                    }
                }
                match response.body {
                    Body::Held => {
                        self.blobs[b].stream = Some(request);
                        self.streams.insert(request, b);
                    }
                    Body::Bytes(bytes) => {
                        if bytes.len() as u64 != self.blobs[b].size {
                            return Err(RegistryError::new(
                                ErrorKind::InvalidResponse,
                                format!(
                                    "blob {} arrived with {} bytes, its descriptor says {}",
                                    self.blobs[b].digest,
                                    bytes.len(),
                                    self.blobs[b].size
                                ),
                            ));
                        }
                        verify(&format!("blob from {url}"), &self.blobs[b].digest, &bytes)?;
                        self.blobs[b].hashed = bytes.len() as u64;
                        self.blobs[b].verified = true;
                        self.blobs[b].held = Some(bytes);
                    }
                    _ => {
                        return Err(RegistryError::new(
                            ErrorKind::InvalidResponse,
                            format!("blob {} arrived without a body", self.blobs[b].digest),
                        ))
                    }
                }
                self.send_next_chunk(session, b);
            }
            Tag::BlobChunk(b, end) => {
                if response.status != 202 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                if self.blobs[b].hashed < end {
                    return Err(self.unhashed(b));
                }
                if let Some(range) = response.header("range") {
                    let last = range
                        .trim()
                        .trim_start_matches("bytes=")
                        .split_once('-')
                        .and_then(|(_, e)| e.trim().parse::<u64>().ok());
                    if last.is_some_and(|l| l + 1 != end) {
                        return Err(RegistryError::invalid_response(
                            format!(
                                "the registry holds bytes up to {range}, expected 0-{}",
                                end - 1
                            ),
                            &response,
                            url,
                        ));
                    }
                }
                self.blobs[b].sent = end;
                self.blobs[b].location = Some(self.location(&response, url)?);
                self.events.push(Event::BlobProgress {
                    digest: self.blobs[b].digest.clone(),
                    sent: end,
                    total: self.blobs[b].size,
                });
                if end >= self.blobs[b].size {
                    if !self.blobs[b].verified {
                        return Err(self.unhashed(b));
                    }
                    self.close_upload(session, b, Body::Empty);
                } else {
                    self.send_next_chunk(session, b);
                }
            }
            // Answered after the transfer failed; never processed.
            Tag::BlobCancel => {}
            Tag::BlobPut(b) => {
                if response.status != 201 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                if !self.blobs[b].verified {
                    return Err(self.unhashed(b));
                }
                if let Some(returned) = response.header("docker-content-digest") {
                    if returned.trim() != self.blobs[b].digest.to_string() {
                        return Err(RegistryError::digest_mismatch(
                            "the uploaded blob, as stored by the registry,",
                            &self.blobs[b].digest.to_string(),
                            returned.trim(),
                        ));
                    }
                }
                let size = self.blobs[b].size;
                self.report.blobs_uploaded += 1;
                self.report.bytes_uploaded += size;
                if size > 0 && self.blobs[b].sent < size {
                    self.events.push(Event::BlobProgress {
                        digest: self.blobs[b].digest.clone(),
                        sent: size,
                        total: size,
                    });
                }
                self.events.push(Event::BlobUploaded {
                    digest: self.blobs[b].digest.clone(),
                    size,
                });
                self.blob_done(session, b);
                if size > 0 {
                    self.active_copies -= 1;
                    if let Some((next, location)) = self.waiting_copies.pop_front() {
                        self.begin_copy(session, next, location)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Child `n` is missing from the target: `GET` it by digest from the next candidate
    /// repository, or fail naming every repository that did not have it.
    fn look_in_next_source(&mut self, session: &Session, n: usize) -> Result<(), RegistryError> {
        let node = &self.nodes[n];
        if let Some(source) = node.candidates.get(node.tried) {
            let call = manifest_get(
                session,
                source,
                &ManifestRef::Digest(node.digest.clone()),
                Method::Get,
            );
            self.engine.submit(Tag::NodeGet(n), call);
            return Ok(());
        }
        let message = if node.candidates.is_empty() {
            format!("child manifest {} is not in {}: push children first or give a source repository to mount from", node.digest, self.target)
        } else {
            let tried: Vec<String> = node.candidates.iter().map(ToString::to_string).collect();
            format!("child manifest {} is not in {} nor in any source repository (tried {}): add the repository that holds it to the sources", node.digest, self.target, tried.join(", "))
        };
        let mut e = RegistryError::new(ErrorKind::Registry(ErrorCode::ManifestUnknown), message);
        e.status = Some(404);
        Err(e)
    }

    fn unhashed(&self, b: usize) -> RegistryError {
        RegistryError::new(
            ErrorKind::InvalidInput,
            format!("the driver sent bytes of blob {} without passing them through handle_stream_data, so they were not verified", self.blobs[b].digest),
        )
    }

    fn blob_missing(&mut self, session: &Session, b: usize) -> Result<(), RegistryError> {
        let Some(source) = self.blobs[b].source.clone() else {
            let mut e = RegistryError::new(
                ErrorKind::Registry(ErrorCode::BlobUnknown),
                format!("blob {} is not in {} and no source repository was given; give a source repository to mount or copy from", self.blobs[b].digest, self.target),
            );
            e.status = Some(404);
            return Err(e);
        };
        let mountable = source.same_registry(&self.target) && source != self.target;
        if self.dry_run {
            self.blobs[b].decision = Some(if mountable {
                BlobAction::Mount { from: source }
            } else {
                BlobAction::Copy { from: source }
            });
            self.blob_done(session, b);
            return Ok(());
        }
        if mountable {
            self.blobs[b].decision = Some(BlobAction::Mount {
                from: source.clone(),
            });
            self.engine.submit(
                Tag::BlobMount(b),
                blob_mount(session, &self.target, &self.blobs[b].digest, &source),
            );
        } else {
            self.blobs[b].decision = Some(BlobAction::Copy { from: source });
            let mut call = super::endpoints::upload_start(session, &self.target);
            call.scopes = self.target_scope();
            self.engine.submit(Tag::BlobStart(b), call);
        }
        Ok(())
    }

    /// Starts a blob copy into the upload session at `location`, or queues it until fewer than
    /// `max_streams` copies are streaming.
    fn begin_copy(
        &mut self,
        session: &Session,
        b: usize,
        location: String,
    ) -> Result<(), RegistryError> {
        if self.blobs[b].size > 0 {
            if self.active_copies >= self.max_streams {
                self.waiting_copies.push_back((b, location));
                return Ok(());
            }
            self.active_copies += 1;
        }
        let blob = &mut self.blobs[b];
        blob.location = Some(location);
        blob.decision = Some(BlobAction::Copy {
            from: blob.source.clone().unwrap_or_else(|| self.target.clone()),
        });
        blob.hasher = Hasher::new(blob.digest.algorithm());
        if blob.hasher.is_none() {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "blob {} uses a digest algorithm this client cannot verify",
                    blob.digest
                ),
            ));
        }
        if blob.size == 0 {
            verify("an empty blob", &blob.digest.clone(), b"")?;
            blob.verified = true;
            self.close_upload(session, b, Body::Empty);
            return Ok(());
        }
        let Some(source) = blob.source.clone() else {
            return Ok(());
        };
        let call = blob_get(session, &source, &blob.digest).stream_response();
        self.engine.submit(Tag::BlobGet(b), call);
        Ok(())
    }

    fn upload_call(&self, method: Method, url: String, body: Body) -> Call {
        Call::new(
            Action::UploadBlob,
            method,
            url,
            self.target.api_host(),
            self.target_scope(),
        )
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", body.len().to_string())
        .body(body)
    }

    /// The body for bytes `offset..offset+len` of blob `b`.
    fn chunk_body(&self, b: usize, offset: u64, len: u64) -> Body {
        let blob = &self.blobs[b];
        match (&blob.held, blob.stream) {
            (Some(bytes), _) => {
                Body::Bytes(bytes[offset as usize..(offset + len) as usize].to_vec())
            }
            (None, Some(source)) => Body::Stream {
                source,
                offset,
                len,
            },
            (None, None) => Body::Empty,
        }
    }

    fn send_next_chunk(&mut self, session: &Session, b: usize) {
        let _ = session;
        let (size, sent) = (self.blobs[b].size, self.blobs[b].sent);
        let Some(location) = self.blobs[b].location.clone() else {
            return;
        };
        if size <= self.chunk_size {
            // Monolithic: one PUT with the whole blob.
            let body = self.chunk_body(b, 0, size);
            let url = append_query(&location, &[("digest", &self.blobs[b].digest.to_string())]);
            let call = self.upload_call(Method::Put, url, body);
            self.engine.submit(Tag::BlobPut(b), call);
            return;
        }
        // A streaming driver sends the rest of the blob in one request, holding one network read.
        let range = if self.stream_uploads {
            size
        } else {
            self.chunk_size
        };
        let len = range.min(size - sent);
        let body = self.chunk_body(b, sent, len);
        let call = self
            .upload_call(Method::Patch, location, body)
            .header("Content-Range", format!("{}-{}", sent, sent + len - 1));
        self.engine.submit(Tag::BlobChunk(b, sent + len), call);
    }

    fn close_upload(&mut self, session: &Session, b: usize, body: Body) {
        let _ = session;
        let Some(location) = self.blobs[b].location.clone() else {
            return;
        };
        let url = append_query(&location, &[("digest", &self.blobs[b].digest.to_string())]);
        let call = self.upload_call(Method::Put, url, body);
        self.engine.submit(Tag::BlobPut(b), call);
    }
}

impl Transfer {
    /// The blob streamed from `source`, with `len` more bytes counted, hashed by the driver or
    /// not: refuses bytes after the end, after the operation finished, and a change of hasher.
    fn streamed_blob(
        &mut self,
        source: RequestId,
        len: u64,
        by_driver: bool,
    ) -> Result<usize, RegistryError> {
        if self.finished {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                "the operation has already finished; do not send this request",
            ));
        }
        let Some(&b) = self.streams.get(&source) else {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                format!("no blob is being streamed from request {source}"),
            ));
        };
        let blob = &mut self.blobs[b];
        let e = if blob.hashed > 0 && blob.hashed_by_driver != by_driver {
            RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the driver changed how it hashes blob {} in the middle of its bytes",
                    blob.digest
                ),
            )
        } else if blob.hashed + len > blob.size {
            RegistryError::new(
                ErrorKind::InvalidResponse,
                format!(
                    "the source sent more than the {} bytes of blob {}",
                    blob.size, blob.digest
                ),
            )
        } else {
            blob.hashed_by_driver = by_driver;
            blob.hashed += len;
            return Ok(b);
        };
        self.fail(e.clone());
        Err(e)
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
        let b = self.streamed_blob(source, len, true)?;
        Ok(self.blobs[b].hashed == self.blobs[b].size)
    }

    fn handle_stream_digest(
        &mut self,
        source: RequestId,
        digest: &str,
    ) -> Result<(), RegistryError> {
        let b = self.streamed_blob(source, 0, true)?;
        let blob = &mut self.blobs[b];
        let e = if blob.hashed != blob.size {
            RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the driver gave the digest of blob {} after {} of its {} bytes",
                    blob.digest, blob.hashed, blob.size
                ),
            )
        } else if digest != blob.digest.to_string() {
            RegistryError::digest_mismatch(
                &format!("blob {} as streamed from the source", blob.digest),
                &blob.digest.to_string(),
                digest,
            )
        } else {
            blob.verified = true;
            return Ok(());
        };
        self.fail(e.clone());
        Err(e)
    }

    fn handle_stream_data(&mut self, source: RequestId, bytes: &[u8]) -> Result<(), RegistryError> {
        let b = self.streamed_blob(source, bytes.len() as u64, false)?;
        let blob = &mut self.blobs[b];
        if let Some(h) = blob.hasher.as_mut() {
            h.update(bytes);
        }
        if blob.hashed == blob.size {
            let actual = blob.hasher.take().map(Hasher::finish).unwrap_or_default();
            if actual != blob.digest.to_string() {
                let e = RegistryError::digest_mismatch(
                    &format!("blob {} as streamed from the source", blob.digest),
                    &blob.digest.to_string(),
                    &actual,
                );
                self.fail(e.clone());
                return Err(e);
            }
            blob.verified = true;
        }
        Ok(())
    }
}
