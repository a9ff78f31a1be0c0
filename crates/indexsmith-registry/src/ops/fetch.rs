//! Fetch one manifest by tag or digest, verified.

use super::endpoints::{check_manifest, manifest_get, Manifest};
use super::{Event, Operation};
use crate::engine::Engine;
use crate::error::RegistryError;
use crate::http::Method;
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;

/// `GET /v2/<name>/manifests/<reference>` with every manifest media type accepted. The bytes are
/// verified against the digest when fetched by digest, and against `Docker-Content-Digest` when
/// fetched by tag and the registry sent one.
pub struct FetchManifest {
    engine: Engine<()>,
    reference: ManifestRef,
    output: Option<Result<Manifest, RegistryError>>,
    events: Vec<Event>,
    finished: bool,
}

impl FetchManifest {
    pub fn new(
        session: &Session,
        repository: &Repository,
        reference: ManifestRef,
    ) -> FetchManifest {
        let mut engine = Engine::new();
        engine.submit(
            (),
            manifest_get(session, repository, &reference, Method::Get),
        );
        FetchManifest {
            engine,
            reference,
            output: None,
            events: Vec::new(),
            finished: false,
        }
    }

    fn process(&mut self, _session: &Session) {
        while let Some(((), outcome)) = self.engine.next_outcome() {
            let result = outcome
                .result
                .and_then(|r| check_manifest(&r, &self.reference, &outcome.url));
            if let Ok(m) = &result {
                self.events.push(Event::ManifestFetched {
                    digest: m.digest.clone(),
                    media_type: m.media_type.clone(),
                });
            }
            self.output = Some(result);
            self.finished = true;
        }
    }
}

impl Operation for FetchManifest {
    type Output = Manifest;

    engine_driven!();
    queued_events!();
}
