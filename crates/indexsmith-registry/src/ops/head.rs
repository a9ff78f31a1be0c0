//! `HEAD /v2/<name>/manifests/<reference>`: resolve a tag to a digest without the body
//! (`crane digest`). Falls back to a verified GET when the registry sends no
//! `Docker-Content-Digest`.

use super::endpoints::{check_manifest, manifest_get};
use super::Operation;
use crate::engine::Engine;
use crate::error::{Action, RegistryError};
use crate::http::Method;
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::digest::Digest;

/// What a HEAD said about a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ManifestHead {
    pub digest: Digest,
    pub media_type: Option<String>,
    pub size: Option<u64>,
}

#[derive(Clone, Copy)]
enum Tag {
    Head,
    Get,
}

/// Resolves a reference to its digest, media type and size.
pub struct HeadManifest {
    engine: Engine<Tag>,
    repository: Repository,
    reference: ManifestRef,
    output: Option<Result<ManifestHead, RegistryError>>,
    finished: bool,
}

impl HeadManifest {
    pub fn new(session: &Session, repository: &Repository, reference: ManifestRef) -> HeadManifest {
        let mut engine = Engine::new();
        engine.submit(
            Tag::Head,
            manifest_get(session, repository, &reference, Method::Head),
        );
        HeadManifest {
            engine,
            repository: repository.clone(),
            reference,
            output: None,
            finished: false,
        }
    }

    fn finish(&mut self, result: Result<ManifestHead, RegistryError>) {
        self.output = Some(result);
        self.finished = true;
    }

    fn process(&mut self, session: &Session) {
        while let Some((tag, outcome)) = self.engine.next_outcome() {
            let response = match outcome.result {
                Ok(r) => r,
                Err(e) => return self.finish(Err(e)),
            };
            match tag {
                Tag::Head if response.status == 200 => {
                    let media_type = response
                        .header("content-type")
                        .map(|c| c.split(';').next().unwrap_or("").trim().to_owned());
                    let size = response
                        .header("content-length")
                        .and_then(|l| l.trim().parse().ok());
                    let announced = response
                        .header("docker-content-digest")
                        .and_then(|d| d.trim().parse::<Digest>().ok());
                    match (announced, &self.reference) {
                        (Some(d), ManifestRef::Digest(asked)) if d != *asked => {
                            return self.finish(Err(RegistryError::digest_mismatch(
                                "the manifest the registry announced",
                                &asked.to_string(),
                                &d.to_string(),
                            )));
                        }
                        (Some(digest), _) => {
                            return self.finish(Ok(ManifestHead {
                                digest,
                                media_type,
                                size,
                            }))
                        }
                        (None, ManifestRef::Digest(d)) => {
                            let digest = d.clone();
                            return self.finish(Ok(ManifestHead {
                                digest,
                                media_type,
                                size,
                            }));
                        }
                        (None, ManifestRef::Tag(_)) => {
                            let call = manifest_get(
                                session,
                                &self.repository,
                                &self.reference,
                                Method::Get,
                            );
                            self.engine.submit(Tag::Get, call);
                        }
                    }
                }
                Tag::Head => {
                    return self.finish(Err(RegistryError::from_response(
                        &response,
                        Action::HeadManifest,
                        &outcome.url,
                    )))
                }
                Tag::Get => {
                    let result =
                        check_manifest(&response, &self.reference, &outcome.url).map(|m| {
                            ManifestHead {
                                size: Some(m.bytes.len() as u64),
                                digest: m.digest,
                                media_type: Some(m.media_type),
                            }
                        });
                    return self.finish(result);
                }
            }
        }
    }
}

impl Operation for HeadManifest {
    type Output = ManifestHead;

    engine_driven!();
}
