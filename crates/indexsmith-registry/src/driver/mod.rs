//! The one loop that runs an [`Operation`] to its end over a [`Transport`].
//!
//! A transport only moves bytes: it sends one [`Outgoing`] request and gives back the status, the
//! headers and a body it reads piece by piece ([`ResponseBody`]). Everything else happens here,
//! once, for every transport (native, browser, Node):
//!
//! - every request the operation hands out goes out at once, and each answer goes back to the
//!   operation as soon as it arrives (the operation keeps at most
//!   [`SessionConfig::max_concurrent`](crate::SessionConfig) in flight), so the requests an answer
//!   makes possible leave before the slower answers are in;
//! - bodies of 2xx answers to `stream_response` requests are held unread, and later
//!   [`Body::Stream`] uploads read them piece by piece, each piece checked by the operation
//!   (hashed on the way through) before it is sent: as one streamed body when the transport
//!   [streams uploads](Transport::streams_uploads), else as buffered chunks of the session's chunk
//!   size;
//! - buffered bodies are read up to the request's limit ([`Request::max_response_size`]) and no
//!   further: a bigger answer fails with `RESPONSE_TOO_LARGE` before it is read whole;
//! - requests go through the session's proxy ([`Session::proxy`]) and answers come back with its
//!   rewriting undone;
//! - progress events go to a callback;
//! - when the operation fails, requests in flight are dropped (which cancels them), held downloads
//!   are released, and the upload sessions the operation abandoned are cancelled (its `DELETE`s).
//!
//! The driver is a plain future: no runtime, no `Send` bound, no clock of its own (the transport
//! tells the time). Run it on tokio, in a browser with `wasm-bindgen-futures`, or with
//! `futures::executor::block_on`.
//!
//! ```rust,ignore
//! let transport = indexsmith_registry::driver::native::NativeTransport::new()?;
//! let mut session = Session::new(SessionConfig::default());
//! let mut op = FetchManifest::new(&session, &repo, ManifestRef::Tag("1.0".into()));
//! let manifest = Driver::new(&transport).run(&mut session, &mut op).await?;
//! ```

#[cfg(feature = "native")]
pub mod native;
mod upload;

pub use crate::proxy::Proxy;
pub use upload::{UploadAborted, UploadStream};

use crate::error::{ErrorKind, RegistryError};
use crate::http::{Body, FailureKind, Method, Request, RequestId, Response, TransportFailure};
use crate::ops::{Event, Operation};
use crate::proxy::scheme_of;
use crate::session::Session;
use futures::stream::{FuturesUnordered, StreamExt};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// A request as the transport sends it: the URL is final (proxy applied).
#[derive(Debug)]
pub struct Outgoing {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: OutgoingBody,
    /// A 2xx answer's body will be held and read later, piece by piece: a transport that buffers
    /// small answers must not buffer this one.
    pub streams_response: bool,
}

/// The body of an [`Outgoing`] request.
#[derive(Debug, Default)]
pub enum OutgoingBody {
    #[default]
    Empty,
    Bytes(Vec<u8>),
    /// Exactly [`UploadStream::len`] bytes, produced while the request is being sent. Given only
    /// to transports that [stream uploads](Transport::streams_uploads).
    Stream(UploadStream),
}

/// An answer as the transport received it: the body is still to be read.
#[derive(Debug)]
pub struct Incoming<B> {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: B,
}

/// The body of an answer, read in pieces of whatever size the network gives.
#[allow(async_fn_in_trait)] // futures are `!Send` on purpose: browsers are single-threaded
pub trait ResponseBody {
    /// The next piece, `None` at the end. Dropping the body abandons the rest of it.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TransportFailure>;
}

/// Sends requests. A transport follows no redirects (the operation does, keeping credentials on
/// their host) where it can avoid it, adds no credentials, and reports a request that got no
/// answer as a [`TransportFailure`] (network, timeout, CORS).
#[allow(async_fn_in_trait)] // futures are `!Send` on purpose: browsers are single-threaded
pub trait Transport {
    type Body: ResponseBody;

    /// Seconds since the Unix epoch (for token expiry only).
    fn now(&self) -> u64;

    /// Whether [`OutgoingBody::Stream`] bodies can be sent. When false, uploads from a held
    /// download go up in buffered chunks of the session's chunk size.
    fn streams_uploads(&self) -> bool {
        false
    }

    async fn send(&self, request: Outgoing) -> Result<Incoming<Self::Body>, TransportFailure>;
}

/// What a run measured, for tests and figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests sent (cleanup included).
    pub requests: usize,
    /// The most requests in flight at once.
    pub peak_in_flight: usize,
    /// The most downloads held open at once.
    pub peak_held: usize,
    /// The largest piece of bytes the driver held at once: a buffered answer, a buffered chunk or
    /// a streamed piece.
    pub largest_buffer: u64,
    /// Bytes read from held downloads into uploads.
    pub streamed_bytes: u64,
}

/// Runs operations over one transport. Cheap to make; make one per call or keep one.
pub struct Driver<'t, T: Transport> {
    transport: &'t T,
    on_event: RefCell<Option<OnEvent<'t>>>,
    stats: Stats,
}

/// How one exchange ended.
enum Outcome {
    Answered(Response),
    Failed(TransportFailure),
    /// The operation refused bytes of a stream (it has failed): nothing to hand back.
    Refused,
}

/// A held download: the transport's body, and what was read of it.
struct Held<B> {
    body: B,
    /// Bytes read past the last range.
    rest: Vec<u8>,
    position: u64,
    length: Option<u64>,
}

impl<B: ResponseBody> Held<B> {
    fn finished(&self) -> bool {
        self.length.is_some_and(|l| self.position >= l)
    }

    /// The next bytes, at most `max` of them, as they arrive.
    async fn next_piece(&mut self, max: u64) -> Result<Vec<u8>, TransportFailure> {
        let mut piece = if self.rest.is_empty() {
            match self.body.next_chunk().await? {
                Some(chunk) => chunk,
                None => {
                    return Err(TransportFailure::new(
                        FailureKind::Network,
                        format!("the download ended after {} bytes", self.position),
                    ))
                }
            }
        } else {
            std::mem::take(&mut self.rest)
        };
        if piece.len() as u64 > max {
            self.rest = piece.split_off(max as usize);
        }
        self.position += piece.len() as u64;
        Ok(piece)
    }

    /// Exactly `len` bytes.
    async fn read_exact(&mut self, len: u64) -> Result<Vec<u8>, TransportFailure> {
        let mut out = Vec::with_capacity(len as usize);
        while (out.len() as u64) < len {
            let piece = self.next_piece(len - out.len() as u64).await?;
            out.extend_from_slice(&piece);
        }
        Ok(out)
    }
}

/// State shared by the exchanges of one run (single-threaded: borrows never cross an `await`).
struct Shared<'o, O, B> {
    op: RefCell<&'o mut O>,
    held: RefCell<HashMap<RequestId, Held<B>>>,
    proxy: Option<Proxy>,
    /// The session's plain-HTTP hosts, for undoing the proxy's rewriting.
    plain_http: Vec<String>,
    in_flight: Cell<usize>,
    stats: RefCell<Stats>,
}

type OnEvent<'t> = Box<dyn FnMut(Event) + 't>;

type Exchange<'a> = Pin<Box<dyn Future<Output = (RequestId, Outcome)> + 'a>>;

impl<'t, T: Transport> Driver<'t, T> {
    pub fn new(transport: &'t T) -> Self {
        Driver {
            transport,
            on_event: RefCell::new(None),
            stats: Stats::default(),
        }
    }

    /// Progress events go to `f` as they happen.
    pub fn on_event(mut self, f: impl FnMut(Event) + 't) -> Self {
        self.on_event = RefCell::new(Some(Box::new(f)));
        self
    }

    /// What the runs so far measured.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Builds an operation from the session and runs it to its end.
    pub async fn go<O: Operation>(
        &mut self,
        session: &mut Session,
        make: impl FnOnce(&Session) -> O,
    ) -> Result<O::Output, RegistryError> {
        let mut op = make(session);
        self.run(session, &mut op).await
    }

    /// Runs `op` to its end: its output, or its error once the upload sessions it abandoned were
    /// cancelled (best effort).
    pub async fn run<O: Operation>(
        &mut self,
        session: &mut Session,
        op: &mut O,
    ) -> Result<O::Output, RegistryError> {
        let shared = Shared {
            op: RefCell::new(op),
            held: RefCell::new(HashMap::new()),
            proxy: session.proxy().cloned(),
            plain_http: session.config.plain_http.clone(),
            in_flight: Cell::new(0),
            stats: RefCell::new(std::mem::take(&mut self.stats)),
        };
        let result = self.drive(session, &shared).await;
        self.stats = shared.stats.into_inner();
        result
    }

    async fn drive<O: Operation>(
        &self,
        session: &mut Session,
        shared: &Shared<'_, O, T::Body>,
    ) -> Result<O::Output, RegistryError> {
        let mut pending: FuturesUnordered<Exchange<'_>> = FuturesUnordered::new();
        loop {
            self.emit(shared);
            let output = shared.op.borrow_mut().poll_output();
            if let Some(output) = output {
                if output.is_err() {
                    drop(pending);
                    shared.held.borrow_mut().clear();
                    self.cancel_uploads(session, shared).await;
                    self.emit(shared);
                }
                return output;
            }
            let now = self.transport.now();
            loop {
                let request = shared.op.borrow_mut().poll_request(session, now);
                let Some(request) = request else { break };
                pending.push(Box::pin(self.exchange(shared, request)));
            }
            let Some((id, outcome)) = pending.next().await else {
                return Err(RegistryError::new(
                    ErrorKind::InvalidResponse,
                    "the operation stopped without a result (a bug in indexsmith)",
                ));
            };
            self.deliver(session, shared, id, outcome);
        }
    }

    fn emit<O: Operation>(&self, shared: &Shared<'_, O, T::Body>) {
        let mut on_event = self.on_event.borrow_mut();
        loop {
            let event = shared.op.borrow_mut().poll_event();
            let Some(event) = event else { return };
            if let Some(f) = on_event.as_mut() {
                f(event);
            }
        }
    }

    fn deliver<O: Operation>(
        &self,
        session: &mut Session,
        shared: &Shared<'_, O, T::Body>,
        id: RequestId,
        outcome: Outcome,
    ) {
        let now = self.transport.now();
        let mut op = shared.op.borrow_mut();
        match outcome {
            Outcome::Answered(response) => op.handle_response(session, id, response, now),
            Outcome::Failed(failure) => op.handle_failure(session, id, failure, now),
            Outcome::Refused => {}
        }
    }

    /// After a failure: sends the `DELETE`s that cancel abandoned upload sessions (an operation
    /// hands out one round of them; the bound is a guard) and ignores what they answer.
    async fn cancel_uploads<O: Operation>(
        &self,
        session: &mut Session,
        shared: &Shared<'_, O, T::Body>,
    ) {
        for _ in 0..4 {
            let now = self.transport.now();
            let mut round: FuturesUnordered<Exchange<'_>> = FuturesUnordered::new();
            loop {
                let request = shared.op.borrow_mut().poll_request(session, now);
                let Some(request) = request else { break };
                if request.method == Method::Delete && matches!(request.body, Body::Empty) {
                    round.push(Box::pin(self.exchange(shared, request)));
                }
            }
            if round.is_empty() {
                return;
            }
            while let Some((id, outcome)) = round.next().await {
                self.deliver(session, shared, id, outcome);
            }
        }
    }

    /// Sends one request and reads its answer: held, or buffered up to its limit.
    async fn exchange<'s, O: Operation>(
        &'s self,
        shared: &'s Shared<'_, O, T::Body>,
        request: Request,
    ) -> (RequestId, Outcome) {
        let id = request.id;
        let in_flight = shared.in_flight.get() + 1;
        shared.in_flight.set(in_flight);
        {
            let mut stats = shared.stats.borrow_mut();
            stats.requests += 1;
            stats.peak_in_flight = stats.peak_in_flight.max(in_flight);
        }
        let outcome = self.send_and_read(shared, request).await;
        shared.in_flight.set(shared.in_flight.get() - 1);
        (id, outcome)
    }

    async fn send_and_read<O: Operation>(
        &self,
        shared: &Shared<'_, O, T::Body>,
        request: Request,
    ) -> Outcome {
        let Request {
            id,
            method,
            url,
            mut headers,
            body,
            stream_response,
            max_response_size,
        } = request;
        let url = match &shared.proxy {
            Some(proxy) => {
                headers.extend_from_slice(proxy.headers());
                proxy.outbound(&url)
            }
            None => url,
        };
        let answer = match body {
            Body::Stream {
                source,
                offset,
                len,
            } => {
                let outgoing = |body| Outgoing {
                    method,
                    url,
                    headers,
                    body,
                    streams_response: stream_response,
                };
                self.send_streamed(shared, source, offset, len, outgoing)
                    .await
            }
            body => {
                let body = match body {
                    Body::Bytes(bytes) => OutgoingBody::Bytes(bytes),
                    _ => OutgoingBody::Empty,
                };
                self.transport
                    .send(Outgoing {
                        method,
                        url,
                        headers,
                        body,
                        streams_response: stream_response,
                    })
                    .await
                    .map_err(Outcome::Failed)
            }
        };
        let incoming = match answer {
            Ok(incoming) => incoming,
            Err(outcome) => return outcome,
        };
        let Incoming {
            status,
            mut headers,
            body,
        } = incoming;
        if let Some(proxy) = &shared.proxy {
            proxy.inbound(&mut headers, |host| scheme_of(host, &shared.plain_http));
        }
        let length = content_length(&headers);
        let success = (200..300).contains(&status);
        if stream_response && success && method != Method::Head {
            let mut held = shared.held.borrow_mut();
            held.insert(
                id,
                Held {
                    body,
                    rest: Vec::new(),
                    position: 0,
                    length,
                },
            );
            let mut stats = shared.stats.borrow_mut();
            stats.peak_held = stats.peak_held.max(held.len());
            return Outcome::Answered(Response {
                status,
                headers,
                body: Body::Held,
            });
        }
        if method == Method::Head {
            return Outcome::Answered(Response {
                status,
                headers,
                body: Body::Empty,
            });
        }
        // Error bodies are read whatever the limit says, up to a few KiB of their start.
        let limit = if success {
            max_response_size
        } else {
            Some(ERROR_BODY_LIMIT)
        };
        match read_body(body, length, limit, success).await {
            Ok(bytes) => {
                let mut stats = shared.stats.borrow_mut();
                stats.largest_buffer = stats.largest_buffer.max(bytes.len() as u64);
                Outcome::Answered(Response {
                    status,
                    headers,
                    body: if bytes.is_empty() {
                        Body::Empty
                    } else {
                        Body::Bytes(bytes)
                    },
                })
            }
            Err(ReadError::Transport(failure)) => Outcome::Failed(failure),
            Err(ReadError::TooLarge {
                limit,
                length,
                read,
            }) => {
                let mut stats = shared.stats.borrow_mut();
                stats.largest_buffer = stats.largest_buffer.max(read);
                let size = length.map_or_else(|| "more".to_owned(), |l| format!("{l} bytes"));
                Outcome::Failed(TransportFailure::new(
                    FailureKind::TooLarge,
                    format!("the answer has {size}, over the limit of {limit} bytes"),
                ))
            }
        }
    }

    /// An upload whose bytes come from the held download of request `source`.
    async fn send_streamed<O: Operation>(
        &self,
        shared: &Shared<'_, O, T::Body>,
        source: RequestId,
        offset: u64,
        len: u64,
        outgoing: impl FnOnce(OutgoingBody) -> Outgoing,
    ) -> Result<Incoming<T::Body>, Outcome> {
        let taken = shared.held.borrow_mut().remove(&source);
        let Some(mut held) = taken else {
            return Err(Outcome::Failed(TransportFailure::new(
                FailureKind::Network,
                format!("request {source} has no held download to stream from"),
            )));
        };
        if held.position != offset {
            return Err(Outcome::Failed(TransportFailure::new(
                FailureKind::Network,
                format!(
                    "a streamed range starts at {offset}, but the download was read up to {}",
                    held.position
                ),
            )));
        }
        let answer = if self.transport.streams_uploads() {
            let (stream, feed) = upload::channel(len);
            let send = self.transport.send(outgoing(OutgoingBody::Stream(stream)));
            let pump = feed.pump(&mut held, len, |piece| {
                let mut stats = shared.stats.borrow_mut();
                stats.largest_buffer = stats.largest_buffer.max(piece.len() as u64);
                stats.streamed_bytes += piece.len() as u64;
                drop(stats);
                shared
                    .op
                    .borrow_mut()
                    .handle_stream_data(source, piece)
                    .is_ok()
            });
            let (answer, pumped) = futures::future::join(send, pump).await;
            match pumped {
                upload::Pumped::Refused => Err(Outcome::Refused),
                upload::Pumped::ReadFailed(failure) => Err(Outcome::Failed(failure)),
                upload::Pumped::Done | upload::Pumped::Dropped => answer.map_err(Outcome::Failed),
            }
        } else {
            match held.read_exact(len).await {
                Err(failure) => Err(Outcome::Failed(failure)),
                Ok(chunk) => {
                    {
                        let mut stats = shared.stats.borrow_mut();
                        stats.largest_buffer = stats.largest_buffer.max(len);
                        stats.streamed_bytes += len;
                    }
                    let accepted = shared
                        .op
                        .borrow_mut()
                        .handle_stream_data(source, &chunk)
                        .is_ok();
                    if accepted {
                        self.transport
                            .send(outgoing(OutgoingBody::Bytes(chunk)))
                            .await
                            .map_err(Outcome::Failed)
                    } else {
                        Err(Outcome::Refused)
                    }
                }
            }
        };
        if !held.finished() {
            shared.held.borrow_mut().insert(source, held);
        }
        answer
    }
}

/// The most bytes of an error body read: enough for any distribution error body.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

fn content_length(headers: &[(String, String)]) -> Option<u64> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
}

enum ReadError {
    Transport(TransportFailure),
    /// `read`: the bytes read (and held) before the refusal.
    TooLarge {
        limit: u64,
        length: Option<u64>,
        read: u64,
    },
}

/// Reads a body whole, refusing (before reading) one announced larger than `limit`, and
/// stopping at `limit` bytes otherwise. With `strict` off (error bodies), a body over the limit
/// is cut there instead of refused.
async fn read_body<B: ResponseBody>(
    mut body: B,
    length: Option<u64>,
    limit: Option<u64>,
    strict: bool,
) -> Result<Vec<u8>, ReadError> {
    if let (Some(limit), Some(length), true) = (limit, length, strict) {
        if length > limit {
            return Err(ReadError::TooLarge {
                limit,
                length: Some(length),
                read: 0,
            });
        }
    }
    let capacity = length
        .unwrap_or(0)
        .min(limit.unwrap_or(u64::MAX))
        .min(1 << 20);
    let mut out = Vec::with_capacity(capacity as usize);
    while let Some(chunk) = body.next_chunk().await.map_err(ReadError::Transport)? {
        out.extend_from_slice(&chunk);
        if let Some(limit) = limit {
            if out.len() as u64 > limit {
                if strict {
                    return Err(ReadError::TooLarge {
                        limit,
                        length: None,
                        read: out.len() as u64,
                    });
                }
                out.truncate(limit as usize);
                break;
            }
        }
    }
    Ok(out)
}
