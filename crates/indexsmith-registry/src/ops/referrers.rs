//! The referrers API (`GET /v2/<name>/referrers/<digest>`), with the tag-schema fallback of the
//! distribution spec: when the API answers 404, the index tagged `<alg>-<hex>` is read instead.

use super::endpoints::{check_manifest, manifest_get, pull_scope};
use super::tags::parse_next_link;
use super::Operation;
use crate::engine::{Call, Engine};
use crate::error::{Action, ErrorCode, ErrorKind, RegistryError};
use crate::http::{append_query, resolve_url, Method};
use crate::manifest::{parse_manifest, Descriptor};
use crate::media_type;
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::digest::Digest;

/// The referrers of a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct Referrers {
    pub descriptors: Vec<Descriptor>,
    /// True when the registry has no referrers API and the `<alg>-<hex>` tag was read.
    pub from_tag_schema: bool,
}

#[derive(Clone, Copy)]
enum Phase {
    Api,
    TagSchema,
}

/// Lists referrers, optionally filtered by `artifactType` (client-side when the registry did not
/// apply the filter, as `OCI-Filters-Applied` tells).
pub struct ListReferrers {
    engine: Engine<Phase>,
    repository: Repository,
    subject: Digest,
    artifact_type: Option<String>,
    found: Vec<Descriptor>,
    output: Option<Result<Referrers, RegistryError>>,
    finished: bool,
}

/// The fallback tag of the tag schema: `<alg>-<hex>`.
pub fn tag_schema_tag(digest: &Digest) -> String {
    format!("{}-{}", digest.algorithm(), digest.encoded())
}

impl ListReferrers {
    pub fn new(
        session: &Session,
        repository: &Repository,
        subject: Digest,
        artifact_type: Option<String>,
    ) -> ListReferrers {
        let mut url = format!(
            "{}/referrers/{}",
            session.repository_url(repository),
            subject
        );
        if let Some(t) = &artifact_type {
            url = append_query(&url, &[("artifactType", t)]);
        }
        let mut engine = Engine::new();
        engine.submit(Phase::Api, Self::api_call(repository, url));
        ListReferrers {
            engine,
            repository: repository.clone(),
            subject,
            artifact_type,
            found: Vec::new(),
            output: None,
            finished: false,
        }
    }

    fn api_call(repository: &Repository, url: String) -> Call {
        Call::new(
            Action::Referrers,
            Method::Get,
            url,
            repository.api_host(),
            vec![pull_scope(repository)],
        )
        .header("Accept", media_type::OCI_INDEX)
    }

    fn finish(&mut self, result: Result<Referrers, RegistryError>) {
        self.output = Some(result);
        self.finished = true;
        self.engine.abort();
    }

    fn filtered(&self, descriptors: Vec<Descriptor>) -> Vec<Descriptor> {
        match &self.artifact_type {
            Some(t) => descriptors
                .into_iter()
                .filter(|d| d.artifact_type.as_deref() == Some(t.as_str()))
                .collect(),
            None => descriptors,
        }
    }

    fn process(&mut self, session: &Session) {
        while let Some((phase, outcome)) = self.engine.next_outcome() {
            let response = match outcome.result {
                Ok(r) => r,
                Err(e) => return self.finish(Err(e)),
            };
            match phase {
                Phase::Api if response.status == 404 => {
                    let call = manifest_get(
                        session,
                        &self.repository,
                        &ManifestRef::Tag(tag_schema_tag(&self.subject)),
                        Method::Get,
                    );
                    self.engine.submit(Phase::TagSchema, call);
                }
                Phase::Api if response.status == 200 => {
                    let info = match parse_manifest(
                        response.body.bytes(),
                        response.header("content-type"),
                    ) {
                        Ok(i) if i.is_index() => i,
                        Ok(_) => {
                            return self.finish(Err(RegistryError::invalid_response(
                                "the referrers API answered with a manifest that is not an index",
                                &response,
                                &outcome.url,
                            )))
                        }
                        Err(e) => {
                            return self.finish(Err(RegistryError::invalid_response(
                                format!("the referrers list cannot be read: {e}"),
                                &response,
                                &outcome.url,
                            )))
                        }
                    };
                    let applied = response
                        .header_all("oci-filters-applied")
                        .any(|v| v.split(',').any(|f| f.trim() == "artifactType"));
                    let children = info.children().to_vec();
                    let children = if applied {
                        children
                    } else {
                        self.filtered(children)
                    };
                    self.found.extend(children);
                    match response
                        .header_all("link")
                        .find_map(parse_next_link)
                        .and_then(|n| resolve_url(&outcome.url, &n))
                    {
                        Some(next) => self
                            .engine
                            .submit(Phase::Api, Self::api_call(&self.repository, next)),
                        None => {
                            let descriptors = std::mem::take(&mut self.found);
                            self.finish(Ok(Referrers {
                                descriptors,
                                from_tag_schema: false,
                            }));
                        }
                    }
                }
                Phase::Api => {
                    return self.finish(Err(RegistryError::from_response(
                        &response,
                        Action::Referrers,
                        &outcome.url,
                    )))
                }
                Phase::TagSchema => {
                    let reference = ManifestRef::Tag(tag_schema_tag(&self.subject));
                    match check_manifest(&response, &reference, &outcome.url) {
                        Ok(m) => match m.info() {
                            Ok(info) if info.is_index() => {
                                let descriptors = self.filtered(info.children().to_vec());
                                self.finish(Ok(Referrers {
                                    descriptors,
                                    from_tag_schema: true,
                                }));
                            }
                            _ => self.finish(Err(RegistryError::invalid_response(
                                format!(
                                    "the tag {} is not a referrers index",
                                    tag_schema_tag(&self.subject)
                                ),
                                &response,
                                &outcome.url,
                            ))),
                        },
                        Err(e) if e.kind == ErrorKind::Registry(ErrorCode::ManifestUnknown) => self
                            .finish(Ok(Referrers {
                                descriptors: Vec::new(),
                                from_tag_schema: true,
                            })),
                        Err(e) => self.finish(Err(e)),
                    }
                }
            }
        }
    }
}

impl Operation for ListReferrers {
    type Output = Referrers;

    engine_driven!();
}
