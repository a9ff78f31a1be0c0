//! `GET /v2/`: is this a registry, and do the session's credentials work? With token auth the
//! challenge is answered by a token request without scope, which checks the credentials with the
//! token service (a "log in" button).

use super::Operation;
use crate::engine::{Call, Engine};
use crate::error::{Action, ErrorKind, RegistryError};
use crate::http::Method;
use crate::session::Session;

/// What `/v2/` said.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct PingResult {
    /// `Docker-Distribution-API-Version`, e.g. `registry/2.0`.
    pub api_version: Option<String>,
}

/// Checks that a registry answers the distribution API, authenticating as needed.
pub struct Ping {
    engine: Engine<()>,
    output: Option<Result<PingResult, RegistryError>>,
    finished: bool,
}

impl Ping {
    /// `registry` is `host[:port]` as in references (e.g. `docker.io`).
    pub fn new(session: &Session, registry: &str) -> Ping {
        let host = crate::reference::api_host(registry);
        let url = format!("{}://{}/v2/", session.scheme(registry), host);
        let mut engine = Engine::new();
        engine.submit(
            (),
            Call::new(Action::Ping, Method::Get, url, host, Vec::new()),
        );
        Ping {
            engine,
            output: None,
            finished: false,
        }
    }

    fn process(&mut self, _session: &Session) {
        while let Some(((), outcome)) = self.engine.next_outcome() {
            self.finished = true;
            self.output = Some(outcome.result.and_then(|r| {
                if r.status != 200 {
                    return Err(RegistryError::from_response(&r, Action::Ping, &outcome.url));
                }
                let api_version = r.header("docker-distribution-api-version").map(str::to_owned);
                let html = r.header("content-type").is_some_and(|c| c.contains("text/html"));
                if html && api_version.is_none() {
                    return Err(RegistryError::new(ErrorKind::NotARegistry, format!("{} answered with an HTML page: this address is not an OCI registry API", outcome.url))
                        .with_status(200)
                        .with_url(outcome.url.clone()));
                }
                Ok(PingResult { api_version })
            }));
        }
    }
}

impl Operation for Ping {
    type Output = PingResult;

    engine_driven!();
}
