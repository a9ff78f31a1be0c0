//! Resolve references into index entries (`docker manifest create` semantics): each reference
//! becomes a descriptor with the platform read from its image config. The caller composes the
//! index bytes from the entries (the core crate's `compose` does that).

use super::endpoints::{blob_get, check_manifest, manifest_get, verify, Manifest};
use super::{Event, Operation};
use crate::engine::Engine;
use crate::error::{Action, ErrorKind, RegistryError};
use crate::http::{Method, Response};
use crate::manifest::{config_platform, Descriptor, ManifestContent};
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::digest::Digest;

/// What to do with a reference that is itself an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum NestedIndex {
    /// Take its children as entries (regctl's behaviour), platforms as that index declares them.
    Flatten,
    /// Fail with `INVALID_INPUT` (`docker manifest create`'s behaviour).
    Refuse,
}

/// One entry of the index to compose.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct IndexEntry {
    /// The repository the manifest was found in (a push mounts or copies from there).
    pub source: Repository,
    /// The reference as given, or the child digest for a flattened index.
    pub reference: ManifestRef,
    /// `mediaType`, `digest`, `size` of the manifest, `platform` from its config (or from the
    /// flattened index), annotations from the flattened index.
    pub descriptor: Descriptor,
    /// The config blob of an image manifest.
    pub config: Option<Digest>,
    /// The exact bytes of an image manifest given as a reference (`None` for the children of a
    /// flattened index, which are not fetched), so that the caller can compose the index from
    /// them without fetching them again.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub manifest: Option<Vec<u8>>,
}

#[derive(Clone, Copy, Debug)]
enum Tag {
    Source(usize),
    Config(usize),
}

/// Resolves references (each a repository and a tag or digest) into [`IndexEntry`]s, in order.
pub struct CreateIndex {
    engine: Engine<Tag>,
    sources: Vec<(Repository, ManifestRef)>,
    nested: NestedIndex,
    /// Per source, its entries (several when an index was flattened).
    entries: Vec<Vec<IndexEntry>>,
    pending_configs: Vec<Option<Digest>>,
    remaining: usize,
    events: Vec<Event>,
    output: Option<Result<Vec<IndexEntry>, RegistryError>>,
    finished: bool,
}

impl CreateIndex {
    pub fn new(
        session: &Session,
        sources: Vec<(Repository, ManifestRef)>,
        nested: NestedIndex,
    ) -> CreateIndex {
        let mut engine = Engine::new();
        for (i, (repo, reference)) in sources.iter().enumerate() {
            engine.submit(
                Tag::Source(i),
                manifest_get(session, repo, reference, Method::Get),
            );
        }
        let n = sources.len();
        let mut op = CreateIndex {
            engine,
            sources,
            nested,
            entries: vec![Vec::new(); n],
            pending_configs: vec![None; n],
            remaining: n,
            events: Vec::new(),
            output: None,
            finished: false,
        };
        if n == 0 {
            op.output = Some(Ok(Vec::new()));
            op.finished = true;
        }
        op
    }

    fn fail(&mut self, e: RegistryError) {
        self.output = Some(Err(e));
        self.finished = true;
        self.engine.abort();
    }

    fn done_one(&mut self) {
        self.remaining -= 1;
        if self.remaining == 0 {
            self.output = Some(Ok(std::mem::take(&mut self.entries)
                .into_iter()
                .flatten()
                .collect()));
            self.finished = true;
        }
    }

    fn on_manifest(
        &mut self,
        session: &Session,
        i: usize,
        manifest: Manifest,
        response: &Response,
        url: &str,
    ) {
        self.events.push(Event::ManifestFetched {
            digest: manifest.digest.clone(),
            media_type: manifest.media_type.clone(),
        });
        let info = match manifest.info() {
            Ok(info) => info,
            Err(e) => return self.fail(RegistryError::invalid_response(e, response, url)),
        };
        let (repo, reference) = self.sources[i].clone();
        match info.content {
            ManifestContent::Index { manifests } => match self.nested {
                NestedIndex::Refuse => self.fail(RegistryError::new(
                    ErrorKind::InvalidInput,
                    format!("{repo}:{reference} is an index, not an image manifest; give the platform images it lists, or allow flattening"),
                )),
                NestedIndex::Flatten => {
                    self.entries[i] = manifests
                        .into_iter()
                        .map(|d| IndexEntry { source: repo.clone(), reference: ManifestRef::Digest(d.digest.clone()), descriptor: d, config: None, manifest: None })
                        .collect();
                    self.done_one();
                }
            },
            ManifestContent::Image { config, .. } => {
                let descriptor = Descriptor::new(manifest.media_type.clone(), manifest.digest.clone(), manifest.bytes.len() as u64);
                self.entries[i] = vec![IndexEntry { source: repo.clone(), reference, descriptor, config: Some(config.digest.clone()), manifest: Some(manifest.bytes.clone()) }];
                self.pending_configs[i] = Some(config.digest.clone());
                self.engine.submit(Tag::Config(i), blob_get(session, &repo, &config.digest));
            }
        }
    }

    fn process(&mut self, session: &Session) {
        while let Some((tag, outcome)) = self.engine.next_outcome() {
            if self.finished {
                return;
            }
            let response = match outcome.result {
                Ok(r) => r,
                Err(e) => return self.fail(e),
            };
            match tag {
                Tag::Source(i) => match check_manifest(&response, &self.sources[i].1, &outcome.url)
                {
                    Ok(m) => self.on_manifest(session, i, m, &response, &outcome.url),
                    Err(e) => return self.fail(e),
                },
                Tag::Config(i) => {
                    if response.status != 200 {
                        return self.fail(RegistryError::from_response(
                            &response,
                            Action::FetchBlob,
                            &outcome.url,
                        ));
                    }
                    let Some(digest) = self.pending_configs[i].take() else {
                        continue;
                    };
                    if let Err(e) = verify(
                        &format!("the config blob from {}", outcome.url),
                        &digest,
                        response.body.bytes(),
                    ) {
                        return self.fail(e.with_url(outcome.url));
                    }
                    if let Some(entry) = self.entries[i].first_mut() {
                        entry.descriptor.platform = config_platform(response.body.bytes());
                    }
                    self.done_one();
                }
            }
        }
    }
}

impl Operation for CreateIndex {
    type Output = Vec<IndexEntry>;

    engine_driven!();
    queued_events!();
}
