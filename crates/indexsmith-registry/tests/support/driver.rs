//! Runs operations with the crate's driver and native transport on a current-thread runtime,
//! recording what went over the wire.

use indexsmith_registry::driver::native::{NativeBody, NativeTransport};
use indexsmith_registry::driver::{
    self, Incoming, Outgoing, OutgoingBody, Transport, UploadStream,
};
use indexsmith_registry::{Event, Method, Operation, RegistryError, Session, TransportFailure};
use std::cell::RefCell;

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The native transport, and a log of what it sent.
pub struct Recording {
    inner: NativeTransport,
    log: RefCell<Log>,
}

#[derive(Default)]
struct Log {
    requests: Vec<(Method, String, u16)>,
    blob_upload_bytes: u64,
    largest_body: u64,
}

impl Transport for Recording {
    type Body = NativeBody;

    fn now(&self) -> u64 {
        self.inner.now()
    }

    fn streams_uploads(&self) -> bool {
        self.inner.streams_uploads()
    }

    async fn send(&self, request: Outgoing) -> Result<Incoming<NativeBody>, TransportFailure> {
        let len = match &request.body {
            OutgoingBody::Empty => 0,
            OutgoingBody::Bytes(b) => b.len() as u64,
            OutgoingBody::Stream(s) => UploadStream::len(s),
        };
        let (method, url) = (request.method, request.url.clone());
        {
            let mut log = self.log.borrow_mut();
            if matches!(request.body, OutgoingBody::Bytes(_)) {
                log.largest_body = log.largest_body.max(len);
            }
            if matches!(method, Method::Put | Method::Patch) && url.contains("/blobs/uploads/") {
                log.blob_upload_bytes += len;
            }
        }
        let answer = self.inner.send(request).await;
        let status = answer.as_ref().map_or(0, |a| a.status);
        self.log.borrow_mut().requests.push((method, url, status));
        answer
    }
}

pub struct Driver {
    transport: Recording,
    runtime: tokio::runtime::Runtime,
    /// Bytes sent as bodies of blob upload requests (PATCH/PUT under `/blobs/uploads/`).
    pub blob_upload_bytes: u64,
    /// The largest body held in memory at once (sent, received, or a streamed piece).
    pub largest_body: u64,
    /// The most response bodies held open at once for streaming.
    pub most_held_streams: usize,
    /// The most requests in flight at once.
    pub largest_batch: usize,
    /// Every request sent: method, URL, status (0 when it failed).
    pub log: Vec<(Method, String, u16)>,
    /// Every progress event.
    pub events: Vec<Event>,
}

impl Default for Driver {
    fn default() -> Self {
        Driver::new()
    }
}

impl Driver {
    pub fn new() -> Driver {
        Driver {
            transport: Recording {
                inner: NativeTransport::new().expect("a native transport"),
                log: RefCell::default(),
            },
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            blob_upload_bytes: 0,
            largest_body: 0,
            most_held_streams: 0,
            largest_batch: 0,
            log: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Builds an operation from the session and runs it to its end.
    pub fn go<O: Operation>(
        &mut self,
        session: &mut Session,
        make: impl FnOnce(&Session) -> O,
    ) -> Result<O::Output, RegistryError> {
        let mut op = make(session);
        self.run(session, &mut op)
    }

    pub fn run<O: Operation>(
        &mut self,
        session: &mut Session,
        op: &mut O,
    ) -> Result<O::Output, RegistryError> {
        let events = RefCell::new(Vec::new());
        let mut driver =
            driver::Driver::new(&self.transport).on_event(|e| events.borrow_mut().push(e));
        let result = self.runtime.block_on(driver.run(session, op));
        let stats = driver.stats().clone();
        drop(driver);
        self.events.extend(events.into_inner());
        let mut log = self.transport.log.borrow_mut();
        self.log.append(&mut log.requests);
        self.blob_upload_bytes += std::mem::take(&mut log.blob_upload_bytes);
        self.largest_body = self
            .largest_body
            .max(log.largest_body)
            .max(stats.largest_buffer);
        self.most_held_streams = self.most_held_streams.max(stats.peak_held);
        self.largest_batch = self.largest_batch.max(stats.peak_in_flight);
        result
    }
}
