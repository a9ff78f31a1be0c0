//! Verbose inspect: a manifest, and for an index each child manifest and its config (platform,
//! sizes, layer count). Child requests are issued together, up to the session's concurrency, and
//! a child's config as soon as that child has arrived, not after the last child.

use super::endpoints::{blob_get, check_manifest_info, manifest_get, verify, Manifest};
use super::{Event, Operation};
use crate::engine::Engine;
use crate::error::RegistryError;
use crate::http::Method;
use crate::manifest::{config_created, config_platform, Descriptor, ManifestContent, ManifestInfo};
use crate::media_type;
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::platform::Platform;

/// An image manifest, summarized.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ImageSummary {
    pub manifest: Manifest,
    pub config: Descriptor,
    pub artifact_type: Option<String>,
    /// The platform its config declares (`None` for non-image configs, e.g. attestations).
    pub config_platform: Option<Platform>,
    pub layer_count: usize,
    /// Sum of the layer sizes.
    pub layers_size: u64,
    /// Manifest + config + layers.
    pub total_size: u64,
    /// The config's `created` date (RFC 3339), when it has one.
    pub created: Option<String>,
}

/// One child of an inspected index.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ChildInspection {
    /// The entry in the index (platform as the index declares it).
    pub descriptor: Descriptor,
    /// `None` for a nested index.
    pub image: Option<ImageSummary>,
}

/// The result of [`Inspect`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct Inspection {
    pub manifest: Manifest,
    /// Set when the manifest is an image manifest.
    pub image: Option<ImageSummary>,
    /// One per child, in index order, when the manifest is an index.
    pub children: Vec<ChildInspection>,
}

#[derive(Clone, Copy, Debug)]
enum Tag {
    Root,
    Child(usize),
    /// Config of child `n`, or of the root image when `None`.
    Config(Option<usize>),
}

/// An image manifest whose config is still being fetched.
struct Partial {
    manifest: Manifest,
    config: Descriptor,
    layers: Vec<Descriptor>,
    artifact_type: Option<String>,
}

impl Partial {
    /// `None` for an index.
    fn new(manifest: Manifest, info: ManifestInfo) -> Option<Partial> {
        match info.content {
            ManifestContent::Image { config, layers } => Some(Partial {
                manifest,
                config,
                layers,
                artifact_type: info.artifact_type,
            }),
            ManifestContent::Index { .. } => None,
        }
    }
}

/// Fetches a manifest; for an index, every child manifest and config; for an image, its config.
pub struct Inspect {
    engine: Engine<Tag>,
    repository: Repository,
    reference: ManifestRef,
    root: Option<Manifest>,
    root_image: Option<Partial>,
    root_image_summary: Option<ImageSummary>,
    descriptors: Vec<Descriptor>,
    children: Vec<Option<Partial>>,
    summaries: Vec<Option<ChildInspection>>,
    remaining: usize,
    events: Vec<Event>,
    output: Option<Result<Inspection, RegistryError>>,
    finished: bool,
}

fn is_image_config(media_type: &str) -> bool {
    media_type == media_type::OCI_CONFIG || media_type == media_type::DOCKER_CONFIG
}

fn summarize(partial: Partial, config_bytes: Option<&[u8]>) -> ImageSummary {
    let layers_size: u64 = partial.layers.iter().map(|l| l.size).sum();
    ImageSummary {
        total_size: partial.manifest.bytes.len() as u64 + partial.config.size + layers_size,
        config_platform: config_bytes.and_then(config_platform),
        created: config_bytes.and_then(config_created),
        artifact_type: partial.artifact_type,
        layer_count: partial.layers.len(),
        layers_size,
        config: partial.config,
        manifest: partial.manifest,
    }
}

impl Inspect {
    pub fn new(session: &Session, repository: &Repository, reference: ManifestRef) -> Inspect {
        let mut engine = Engine::new();
        engine.submit(
            Tag::Root,
            manifest_get(session, repository, &reference, Method::Get),
        );
        Inspect {
            engine,
            repository: repository.clone(),
            reference,
            root: None,
            root_image: None,
            root_image_summary: None,
            descriptors: Vec::new(),
            children: Vec::new(),
            summaries: Vec::new(),
            remaining: 0,
            events: Vec::new(),
            output: None,
            finished: false,
        }
    }

    fn fail(&mut self, e: RegistryError) {
        self.output = Some(Err(e));
        self.finished = true;
        self.engine.abort();
    }

    fn done_one(&mut self) {
        self.remaining -= 1;
        if self.remaining == 0 {
            if let Some(manifest) = self.root.take() {
                let children = std::mem::take(&mut self.summaries)
                    .into_iter()
                    .flatten()
                    .collect();
                self.output = Some(Ok(Inspection {
                    manifest,
                    image: self.root_image_summary.take(),
                    children,
                }));
                self.finished = true;
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
                Tag::Root => {
                    // The bytes are parsed once, by the check.
                    let (manifest, info) =
                        match check_manifest_info(&response, &self.reference, &outcome.url) {
                            Ok(checked) => checked,
                            Err(e) => return self.fail(e),
                        };
                    self.events.push(Event::ManifestFetched {
                        digest: manifest.digest.clone(),
                        media_type: manifest.media_type.clone(),
                    });
                    match &info.content {
                        ManifestContent::Index { manifests } => {
                            self.descriptors = manifests.clone();
                            self.children = manifests.iter().map(|_| None).collect();
                            self.summaries = manifests.iter().map(|_| None).collect();
                            self.remaining = manifests.len() + 1;
                            for (i, d) in manifests.iter().enumerate() {
                                let call = manifest_get(
                                    session,
                                    &self.repository,
                                    &ManifestRef::Digest(d.digest.clone()),
                                    Method::Get,
                                );
                                self.engine.submit(Tag::Child(i), call);
                            }
                            self.root = Some(manifest);
                            self.done_one();
                        }
                        ManifestContent::Image { config, .. } => {
                            self.remaining = 1;
                            if is_image_config(config.media_type.as_str()) {
                                self.engine.submit(
                                    Tag::Config(None),
                                    blob_get(session, &self.repository, &config.digest),
                                );
                            }
                            let fetch_config = is_image_config(config.media_type.as_str());
                            self.root = Some(manifest.clone());
                            self.root_image = Partial::new(manifest, info);
                            if !fetch_config {
                                if let Some(p) = self.root_image.take() {
                                    self.root_image_summary = Some(summarize(p, None));
                                }
                                self.done_one();
                            }
                        }
                    }
                }
                Tag::Child(i) => {
                    let reference = ManifestRef::Digest(self.descriptors[i].digest.clone());
                    // The bytes are parsed once, by the check.
                    let (manifest, info) =
                        match check_manifest_info(&response, &reference, &outcome.url) {
                            Ok(checked) => checked,
                            Err(e) => return self.fail(e),
                        };
                    self.events.push(Event::ManifestFetched {
                        digest: manifest.digest.clone(),
                        media_type: manifest.media_type.clone(),
                    });
                    let descriptor = self.descriptors[i].clone();
                    match &info.content {
                        ManifestContent::Image { config, .. }
                            if is_image_config(config.media_type.as_str()) =>
                        {
                            self.engine.submit(
                                Tag::Config(Some(i)),
                                blob_get(session, &self.repository, &config.digest),
                            );
                            self.children[i] = Partial::new(manifest, info);
                        }
                        ManifestContent::Image { .. } => {
                            self.summaries[i] = Some(ChildInspection {
                                descriptor,
                                image: Partial::new(manifest, info).map(|p| summarize(p, None)),
                            });
                            self.done_one();
                        }
                        ManifestContent::Index { .. } => {
                            self.summaries[i] = Some(ChildInspection {
                                descriptor,
                                image: None,
                            });
                            self.done_one();
                        }
                    }
                }
                Tag::Config(which) => {
                    if response.status != 200 {
                        return self.fail(RegistryError::from_response(
                            &response,
                            crate::error::Action::FetchBlob,
                            &outcome.url,
                        ));
                    }
                    let partial = match which {
                        Some(i) => self.children[i].take(),
                        None => self.root_image.take(),
                    };
                    let Some(partial) = partial else { continue };
                    let bytes = response.body.bytes();
                    if let Err(e) = verify(
                        &format!("the config blob from {}", outcome.url),
                        &partial.config.digest,
                        bytes,
                    ) {
                        return self.fail(e.with_status(200).with_url(outcome.url));
                    }
                    let summary = summarize(partial, Some(bytes));
                    match which {
                        Some(i) => {
                            self.summaries[i] = Some(ChildInspection {
                                descriptor: self.descriptors[i].clone(),
                                image: Some(summary),
                            })
                        }
                        None => self.root_image_summary = Some(summary),
                    }
                    self.done_one();
                }
            }
        }
    }
}

impl Operation for Inspect {
    type Output = Inspection;

    engine_driven!();
    queued_events!();
}
