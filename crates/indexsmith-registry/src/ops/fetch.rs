//! Fetch one manifest by tag or digest, verified.

use super::endpoints::{check_manifest, manifest_get, Manifest};
use super::{Event, Operation};
use crate::engine::Engine;
use crate::error::RegistryError;
use crate::http::{Method, Request, RequestId, Response, TransportFailure};
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
    pub fn new(session: &Session, repository: &Repository, reference: ManifestRef) -> FetchManifest {
        let mut engine = Engine::new();
        engine.submit((), manifest_get(session, repository, &reference, Method::Get));
        FetchManifest { engine, reference, output: None, events: Vec::new(), finished: false }
    }

    fn process(&mut self) {
        while let Some(((), outcome)) = self.engine.next_outcome() {
            let result = outcome.result.and_then(|r| check_manifest(&r, &self.reference, &outcome.url));
            if let Ok(m) = &result {
                self.events.push(Event::ManifestFetched { digest: m.digest.clone(), media_type: m.media_type.clone() });
            }
            self.output = Some(result);
            self.finished = true;
        }
    }
}

impl Operation for FetchManifest {
    type Output = Manifest;

    fn poll_request(&mut self, session: &mut Session, now: u64) -> Option<Request> {
        if self.finished {
            return None;
        }
        self.engine.poll_request(session, now)
    }

    fn handle_response(&mut self, session: &mut Session, id: RequestId, response: Response, now: u64) {
        self.engine.handle_response(session, id, response, now);
        self.process();
    }

    fn handle_failure(&mut self, _session: &mut Session, id: RequestId, failure: TransportFailure, _now: u64) {
        self.engine.handle_failure(id, failure);
        self.process();
    }

    fn poll_event(&mut self) -> Option<Event> {
        (!self.events.is_empty()).then(|| self.events.remove(0))
    }

    fn poll_output(&mut self) -> Option<Result<Manifest, RegistryError>> {
        self.output.take()
    }

    fn peak_in_flight(&self) -> usize {
        self.engine.peak_in_flight
    }
}
