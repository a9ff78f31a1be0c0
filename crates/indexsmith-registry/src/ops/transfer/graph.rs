//! The graph of a transfer: the root, the child manifests and the blobs they reference, and
//! how a finished node lets its parents go on.

use super::*;

impl Transfer {
    pub(super) fn add_root(
        &mut self,
        session: &Session,
        digest: Digest,
        media_type: String,
        bytes: Vec<u8>,
    ) {
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

    pub(super) fn check_node(&mut self, session: &Session, n: usize) {
        let mut call = manifest_get(
            session,
            &self.target,
            &ManifestRef::Digest(self.nodes[n].digest.clone()),
            Method::Head,
        );
        call.scopes = self.target_scope();
        self.engine.submit(Tag::NodeHead(n), call);
    }

    /// Where to look for child `digest`, in order: the repository named for it, its parent's
    /// repository, then the sources; each once.
    pub(super) fn candidates_for(
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
    pub(super) fn expand(&mut self, session: &Session, n: usize) {
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

    pub(super) fn add_child(
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

    pub(super) fn add_blob(
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
    pub(super) fn node_ready(&mut self, session: &Session, n: usize) {
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

    pub(super) fn node_done(&mut self, session: &Session, n: usize) {
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

    pub(super) fn blob_done(&mut self, session: &Session, b: usize) {
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

    pub(super) fn complete(&mut self) {
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
}
