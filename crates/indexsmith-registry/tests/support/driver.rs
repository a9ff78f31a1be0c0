//! A blocking driver of the sans-IO operations: sends every request an operation hands out
//! (those without a streamed body in parallel threads), keeps streamed response bodies open, and
//! pipes them chunk by chunk into uploads.

use super::http::{self, BodyReader, ClientResponse};
use indexsmith_registry::{
    Body, FailureKind, Method, Operation, RegistryError, Request, Response, Session,
    TransportFailure,
};
use std::collections::HashMap;
use std::io::Read;

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[derive(Default)]
pub struct Driver {
    streams: HashMap<u64, BodyReader>,
    /// Bytes sent as bodies of blob upload requests (PATCH/PUT under `/blobs/uploads/`).
    pub blob_upload_bytes: u64,
    /// The largest body this driver held in memory at once.
    pub largest_body: u64,
    /// The most response bodies held open at once for streaming.
    pub most_held_streams: usize,
    /// The most requests handed out before any of them was answered.
    pub largest_batch: usize,
    /// Every request sent: method, URL, status (0 when it failed).
    pub log: Vec<(Method, String, u16)>,
}

fn execute(request: &Request, body: &[u8]) -> std::io::Result<ClientResponse> {
    http::send(
        request.method.as_str(),
        &request.url,
        &request.headers,
        body,
    )
}

impl Driver {
    pub fn new() -> Driver {
        Driver::default()
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
        loop {
            let mut batch = Vec::new();
            while let Some(r) = op.poll_request(session, now()) {
                batch.push(r);
            }
            if let Some(out) = op.poll_output() {
                self.streams.clear();
                return out;
            }
            assert!(
                !batch.is_empty(),
                "the operation stalled: no request and no output"
            );
            self.largest_batch = self.largest_batch.max(batch.len());
            let (streamed, plain): (Vec<Request>, Vec<Request>) = batch
                .into_iter()
                .partition(|r| matches!(r.body, Body::Stream { .. }));
            let answers: Vec<std::io::Result<ClientResponse>> = std::thread::scope(|s| {
                let handles: Vec<_> = plain
                    .iter()
                    .map(|r| s.spawn(move || execute(r, r.body.bytes())))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            Err(std::io::Error::other("request thread panicked"))
                        })
                    })
                    .collect()
            });
            for (request, answer) in plain.iter().zip(answers) {
                self.count(request, request.body.bytes().len() as u64);
                self.deliver(session, op, request, answer);
            }
            for request in streamed {
                let Body::Stream { source, len, .. } = request.body else {
                    continue;
                };
                let Some(reader) = self.streams.get_mut(&source.0) else {
                    panic!(
                        "request {} streams from {source}, which is not held",
                        request.url
                    );
                };
                let mut chunk = vec![0; len as usize];
                self.largest_body = self.largest_body.max(len);
                if let Err(e) = reader.read_exact(&mut chunk) {
                    op.handle_failure(
                        session,
                        request.id,
                        TransportFailure::new(
                            FailureKind::Network,
                            format!("reading the source blob: {e}"),
                        ),
                        now(),
                    );
                    continue;
                }
                if reader.is_finished() {
                    self.streams.remove(&source.0);
                }
                if op.handle_stream_data(source, &chunk).is_err() {
                    continue;
                }
                self.count(&request, len);
                let answer = execute(&request, &chunk);
                self.deliver(session, op, &request, answer);
            }
        }
    }

    fn count(&mut self, request: &Request, len: u64) {
        self.largest_body = self.largest_body.max(len);
        if matches!(request.method, Method::Put | Method::Patch)
            && request.url.contains("/blobs/uploads/")
        {
            self.blob_upload_bytes += len;
        }
    }

    fn deliver<O: Operation>(
        &mut self,
        session: &mut Session,
        op: &mut O,
        request: &Request,
        answer: std::io::Result<ClientResponse>,
    ) {
        match answer {
            Err(e) => {
                self.log.push((request.method, request.url.clone(), 0));
                op.handle_failure(
                    session,
                    request.id,
                    TransportFailure::new(FailureKind::Network, e.to_string()),
                    now(),
                );
            }
            Ok(resp) => {
                self.log
                    .push((request.method, request.url.clone(), resp.status));
                let status = resp.status;
                let headers = resp.headers.clone();
                let body = if request.stream_response
                    && (200..300).contains(&status)
                    && request.method != Method::Head
                {
                    self.streams.insert(request.id.0, resp.body);
                    self.most_held_streams = self.most_held_streams.max(self.streams.len());
                    Body::Held
                } else {
                    match resp.bytes() {
                        Ok(b) if b.is_empty() => Body::Empty,
                        Ok(b) => {
                            self.largest_body = self.largest_body.max(b.len() as u64);
                            Body::Bytes(b)
                        }
                        Err(e) => {
                            op.handle_failure(
                                session,
                                request.id,
                                TransportFailure::new(FailureKind::Network, e.to_string()),
                                now(),
                            );
                            return;
                        }
                    }
                };
                op.handle_response(
                    session,
                    request.id,
                    Response {
                        status,
                        headers,
                        body,
                    },
                    now(),
                );
            }
        }
    }
}
