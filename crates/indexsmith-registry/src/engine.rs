//! The request engine under every operation: turns logical calls into [`Request`]s, answers
//! `401` challenges (fetching and caching bearer tokens, or adding Basic credentials), follows
//! redirects itself (without credentials when the target is another host), and hands each call's
//! final response back to the operation.
//!
//! Credentials go only to the registry's API host and to the token realm that host named, and to
//! a realm only over HTTPS, unless the registry itself is plain-HTTP loopback.

use crate::auth::{auth_scheme, parse_token_response, scope_key, AuthScheme};
use crate::error::{Action, ErrorCode, ErrorKind, RegistryError};
use crate::http::{
    append_query, resolve_url, split_url, Body, Method, Request, RequestId, Response,
    TransportFailure,
};
use crate::reference::is_loopback;
use crate::session::{HostAuth, Session};
use std::collections::{HashMap, VecDeque};

/// A logical request of an operation.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub action: Action,
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub stream_response: bool,
    /// The registry's API host (`host[:port]`): the only host that gets credentials.
    pub api_host: String,
    /// `repository:<name>:<actions>` scopes this call needs.
    pub scopes: Vec<String>,
}

impl Call {
    pub fn new(
        action: Action,
        method: Method,
        url: String,
        api_host: &str,
        scopes: Vec<String>,
    ) -> Call {
        Call {
            action,
            method,
            url,
            headers: Vec::new(),
            body: Body::Empty,
            stream_response: false,
            api_host: api_host.to_owned(),
            scopes,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Call {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn body(mut self, body: Body) -> Call {
        self.body = body;
        self
    }

    pub fn stream_response(mut self) -> Call {
        self.stream_response = true;
        self
    }

    /// The most bytes its buffered answer may have: manifests and configs (and referrer indexes)
    /// what registries accept, anything else a bound that no honest answer reaches.
    fn max_response_size(&self) -> Option<u64> {
        match self.action {
            _ if self.stream_response => None,
            Action::FetchManifest | Action::FetchBlob | Action::Referrers => Some(MANIFEST_LIMIT),
            _ => Some(OTHER_LIMIT),
        }
    }
}

/// The largest manifest registries accept (distribution and most others: 4 MiB); configs and
/// referrer indexes are held to it too.
pub const MANIFEST_LIMIT: u64 = 4 * 1024 * 1024;

/// The bound of other buffered answers (tag lists, tokens, upload answers).
const OTHER_LIMIT: u64 = 64 * 1024 * 1024;

/// The final answer to a call.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The request whose response this is (the last one after redirects).
    pub request: RequestId,
    /// The URL that answered.
    pub url: String,
    pub result: Result<Response, RegistryError>,
}

struct Slot<T> {
    tag: T,
    call: Call,
    auth_retries: u8,
    redirects: u8,
    /// The current URL is not on the API host: send no credentials.
    off_host: bool,
    /// The scope key of the token sent with the current attempt.
    sent_token: Option<String>,
}

enum Pending {
    Call(usize),
    Token { host: String, key: String },
}

pub(crate) struct Engine<T> {
    slots: Vec<Option<Slot<T>>>,
    queue: VecDeque<usize>,
    /// Calls waiting for a token: (slot, host, scope key).
    waiting: Vec<(usize, String, String)>,
    inflight: HashMap<RequestId, Pending>,
    token_fetches: HashMap<(String, String), RequestId>,
    outgoing: VecDeque<Request>,
    finished: VecDeque<(T, Outcome)>,
    next_id: u64,
    calls_in_flight: usize,
    /// The most calls that were in flight at once.
    pub peak_in_flight: usize,
}

const MAX_REDIRECTS: u8 = 10;

impl<T> Engine<T> {
    pub fn new() -> Engine<T> {
        Engine {
            slots: Vec::new(),
            queue: VecDeque::new(),
            waiting: Vec::new(),
            inflight: HashMap::new(),
            token_fetches: HashMap::new(),
            outgoing: VecDeque::new(),
            finished: VecDeque::new(),
            next_id: 0,
            calls_in_flight: 0,
            peak_in_flight: 0,
        }
    }

    pub fn submit(&mut self, tag: T, call: Call) {
        let slot = Slot {
            tag,
            call,
            auth_retries: 0,
            redirects: 0,
            off_host: false,
            sent_token: None,
        };
        let index = match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(slot);
                i
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.queue.push_back(index);
    }

    /// Drops every queued and waiting call (after a failure).
    pub fn abort(&mut self) {
        self.queue.clear();
        self.waiting.clear();
        self.outgoing.clear();
    }

    pub fn next_outcome(&mut self) -> Option<(T, Outcome)> {
        self.finished.pop_front()
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    pub fn poll_request(&mut self, session: &mut Session, now: u64) -> Option<Request> {
        if let Some(r) = self.outgoing.pop_front() {
            return Some(r);
        }
        while self.calls_in_flight < session.config.max_concurrent {
            let index = self.queue.pop_front()?;
            match self.prepare(index, session, now) {
                Some(request) => return Some(request),
                None => {
                    if let Some(r) = self.outgoing.pop_front() {
                        return Some(r);
                    }
                }
            }
        }
        None
    }

    /// Builds the request of a queued call, or parks the call behind a token fetch (then the
    /// token request, if a new one is needed, is put in `outgoing`).
    fn prepare(&mut self, index: usize, session: &mut Session, now: u64) -> Option<Request> {
        let slot = self.slots[index].as_mut()?;
        let mut headers = slot.call.headers.clone();
        slot.sent_token = None;
        if !slot.off_host {
            let host = slot.call.api_host.to_ascii_lowercase();
            match session.host_auth.get(&host) {
                Some(HostAuth::Basic) => {
                    if let Some(c) = session.credentials_for(&host) {
                        headers.push(("Authorization".into(), c.basic_header()));
                    }
                }
                Some(HostAuth::Bearer(challenge)) => {
                    let key = scope_key(&slot.call.scopes);
                    match session.tokens.get(&host, &key, now) {
                        Some(token) => {
                            headers
                                .push(("Authorization".into(), format!("Bearer {}", token.token)));
                            slot.sent_token = Some(key);
                        }
                        None => {
                            let challenge = challenge.clone();
                            self.waiting.push((index, host.clone(), key.clone()));
                            if !self
                                .token_fetches
                                .contains_key(&(host.clone(), key.clone()))
                            {
                                let scopes = slot.call.scopes.clone();
                                let registry_scheme = split_url(&slot.call.url)
                                    .map(|p| p.scheme.to_ascii_lowercase())
                                    .unwrap_or_default();
                                let id = self.next_request_id();
                                let request = token_request(
                                    id,
                                    session,
                                    &host,
                                    &registry_scheme,
                                    &challenge,
                                    &scopes,
                                );
                                self.token_fetches.insert((host.clone(), key.clone()), id);
                                self.inflight.insert(id, Pending::Token { host, key });
                                self.outgoing.push_back(request);
                            }
                            return None;
                        }
                    }
                }
                None => {}
            }
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            {
                if let Some(token) = session.token_for(&host) {
                    headers.push(("Authorization".into(), format!("Bearer {token}")));
                }
            }
        }
        let id = self.next_request_id();
        let slot = self.slots[index].as_ref()?;
        let request = Request {
            id,
            method: slot.call.method,
            url: slot.call.url.clone(),
            headers,
            body: slot.call.body.clone(),
            stream_response: slot.call.stream_response,
            max_response_size: slot.call.max_response_size(),
        };
        self.inflight.insert(id, Pending::Call(index));
        self.calls_in_flight += 1;
        self.peak_in_flight = self.peak_in_flight.max(self.calls_in_flight);
        Some(request)
    }

    fn finish(
        &mut self,
        index: usize,
        request: RequestId,
        result: Result<Response, RegistryError>,
    ) {
        if let Some(slot) = self.slots[index].take() {
            self.finished.push_back((
                slot.tag,
                Outcome {
                    request,
                    url: slot.call.url,
                    result,
                },
            ));
        }
    }

    pub fn handle_failure(&mut self, id: RequestId, failure: TransportFailure) {
        match self.inflight.remove(&id) {
            Some(Pending::Call(index)) => {
                self.calls_in_flight -= 1;
                let url = self.slots[index]
                    .as_ref()
                    .map(|s| s.call.url.clone())
                    .unwrap_or_default();
                self.finish(
                    index,
                    id,
                    Err(RegistryError::transport(
                        failure.kind,
                        &failure.message,
                        &url,
                    )),
                );
            }
            Some(Pending::Token { host, key }) => {
                self.token_fetches.remove(&(host.clone(), key.clone()));
                let err =
                    RegistryError::transport(failure.kind, &failure.message, "the token service");
                self.fail_waiting(&host, &key, id, err);
            }
            None => {}
        }
    }

    fn fail_waiting(&mut self, host: &str, key: &str, id: RequestId, err: RegistryError) {
        let (failed, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(_, h, k)| h == host && k == key);
        self.waiting = kept;
        for (index, _, _) in failed {
            self.finish(index, id, Err(err.clone()));
        }
    }

    pub fn handle_response(
        &mut self,
        session: &mut Session,
        id: RequestId,
        response: Response,
        now: u64,
    ) {
        match self.inflight.remove(&id) {
            Some(Pending::Token { host, key }) => {
                self.token_fetches.remove(&(host.clone(), key.clone()));
                if response.is_success() {
                    match parse_token_response(response.body.bytes(), now) {
                        Ok(token) => {
                            session.tokens.insert(&host, &key, token);
                            let (ready, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
                                .into_iter()
                                .partition(|(_, h, k)| *h == host && *k == key);
                            self.waiting = kept;
                            for (index, _, _) in ready.into_iter().rev() {
                                self.queue.push_front(index);
                            }
                        }
                        Err(e) => {
                            let err = RegistryError::new(
                                ErrorKind::InvalidResponse,
                                format!("the token service answered without a usable token: {e}"),
                            )
                            .with_status(response.status);
                            self.fail_waiting(&host, &key, id, err);
                        }
                    }
                } else {
                    let mut err =
                        RegistryError::from_response(&response, Action::Token, "the token service");
                    if response.status == 401 && session.credentials_for(&host).is_none() {
                        err.message = format!("{}; no credentials are set for {host}", err.message);
                    }
                    self.fail_waiting(&host, &key, id, err);
                }
            }
            Some(Pending::Call(index)) => {
                self.calls_in_flight -= 1;
                self.handle_call_response(session, index, id, response);
            }
            None => {}
        }
    }

    fn handle_call_response(
        &mut self,
        session: &mut Session,
        index: usize,
        id: RequestId,
        response: Response,
    ) {
        let Some(slot) = self.slots[index].as_mut() else {
            return;
        };
        let host = slot.call.api_host.to_ascii_lowercase();
        if response.status == 401 && !slot.off_host {
            let scheme = response
                .header_all("www-authenticate")
                .find_map(auth_scheme);
            let replayable = !matches!(slot.call.body, Body::Stream { .. });
            if slot.auth_retries == 0 && replayable {
                match scheme {
                    Some(AuthScheme::Bearer(challenge)) => {
                        if let Some(key) = slot.sent_token.take() {
                            session.tokens.remove(&host, &key);
                        }
                        for s in &challenge.scopes {
                            if !slot.call.scopes.contains(s) {
                                slot.call.scopes.push(s.clone());
                            }
                        }
                        session.host_auth.insert(host, HostAuth::Bearer(challenge));
                        slot.auth_retries += 1;
                        self.queue.push_front(index);
                        return;
                    }
                    Some(AuthScheme::Basic { .. }) if session.credentials_for(&host).is_some() => {
                        session.host_auth.insert(host, HostAuth::Basic);
                        slot.auth_retries += 1;
                        self.queue.push_front(index);
                        return;
                    }
                    _ => {}
                }
            }
            let url = slot.call.url.clone();
            let action = slot.call.action;
            let mut err = RegistryError::from_response(&response, action, &url);
            if session.credentials_for(&host).is_none() {
                err.message = format!("{}; no credentials are set for {host}", err.message);
            } else if !matches!(err.kind, ErrorKind::Registry(ErrorCode::Unauthorized)) {
                err.kind = ErrorKind::Registry(ErrorCode::Unauthorized);
            }
            self.finish(index, id, Err(err));
            return;
        }
        if matches!(response.status, 301 | 302 | 303 | 307 | 308) {
            if let Some(target) = response
                .header("location")
                .and_then(|l| resolve_url(&slot.call.url, l))
            {
                let replayable = matches!(slot.call.body, Body::Empty | Body::Bytes(_));
                if slot.redirects < MAX_REDIRECTS && replayable {
                    slot.redirects += 1;
                    let same_host = split_url(&target)
                        .is_some_and(|p| p.authority.eq_ignore_ascii_case(&slot.call.api_host));
                    let downgraded = split_url(&slot.call.url)
                        .map(|p| p.scheme.to_ascii_lowercase())
                        == Some("https".into())
                        && split_url(&target).map(|p| p.scheme.to_ascii_lowercase())
                            == Some("http".into());
                    slot.off_host = slot.off_host || !same_host || downgraded;
                    slot.call.url = target;
                    if response.status == 303 {
                        slot.call.method = Method::Get;
                        slot.call.body = Body::Empty;
                    }
                    self.queue.push_front(index);
                    return;
                }
            }
        }
        self.finish(index, id, Ok(response));
    }
}

/// The GET to a token realm: `service`, one `scope` per scope, Basic credentials when allowed.
fn token_request(
    id: RequestId,
    session: &Session,
    host: &str,
    registry_scheme: &str,
    challenge: &crate::auth::BearerChallenge,
    scopes: &[String],
) -> Request {
    let mut params: Vec<(&str, &str)> = Vec::new();
    if let Some(service) = &challenge.service {
        params.push(("service", service));
    }
    let mut sorted: Vec<&String> = scopes.iter().collect();
    sorted.sort();
    sorted.dedup();
    for s in sorted {
        params.push(("scope", s));
    }
    let url = append_query(&challenge.realm, &params);
    let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
    if let Some(c) = session.credentials_for(host) {
        if realm_may_get_credentials(&challenge.realm, registry_scheme, host) {
            headers.push(("Authorization".into(), c.basic_header()));
        }
    }
    Request {
        id,
        method: Method::Get,
        url,
        headers,
        body: Body::Empty,
        stream_response: false,
        max_response_size: Some(OTHER_LIMIT),
    }
}

/// Credentials go to a realm over HTTPS, or over HTTP only when the registry itself is plain-HTTP
/// loopback (a local test or development setup).
pub fn realm_may_get_credentials(realm: &str, registry_scheme: &str, registry_host: &str) -> bool {
    match split_url(realm) {
        Some(p) if p.scheme.eq_ignore_ascii_case("https") => true,
        Some(_) => registry_scheme == "http" && is_loopback(registry_host),
        None => false,
    }
}
