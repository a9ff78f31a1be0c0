//! The registry driver's transport in the npm package: each request crosses to the package's JS
//! (`js/registry.js`), which sends it with `fetch` (or `node:http` for a streamed upload) and
//! answers with the status, the headers and a reader of the body.
//!
//! The JS side is an object `{ send(request), streamsUploads }`:
//!
//! - `request` is `{ method, url, headers: [name, value][], body, stream, streamsResponse }`, with
//!   `body` a `Uint8Array` or `null`, and `stream` `null` or `{ len, next() }` where `next()`
//!   resolves to the next `Uint8Array` piece of the upload, `null` at its end, and rejects when
//!   the upload must be abandoned;
//! - `send` resolves to `{ status, headers, body }` (`headers`: one `name:value` line per header;
//!   `body`: `{ read(), cancel() }` with `read()` resolving to the next `Uint8Array` or `null`), or
//!   to `{ failure: "network" | "timeout" | "corsBlocked", message }` when there was no answer.

use futures::StreamExt;
use indexsmith_registry::driver::{Incoming, Outgoing, OutgoingBody, ResponseBody, Transport};
use indexsmith_registry::{FailureKind, TransportFailure};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub struct JsTransport {
    host: JsValue,
    streams_uploads: bool,
}

impl JsTransport {
    pub fn new(host: JsValue) -> JsTransport {
        let streams_uploads = get(&host, "streamsUploads").as_bool().unwrap_or(false);
        JsTransport {
            host,
            streams_uploads,
        }
    }
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn network(message: impl Into<String>) -> TransportFailure {
    TransportFailure::new(FailureKind::Network, message)
}

fn message_of(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| get(e, "message").as_string())
        .unwrap_or_else(|| "the request failed".to_owned())
}

/// Calls `target.name()` and waits for the promise it returns.
async fn call(target: &JsValue, name: &str, arg: Option<&JsValue>) -> Result<JsValue, JsValue> {
    let f: Function = get(target, name)
        .dyn_into()
        .map_err(|_| JsValue::from_str(&format!("the transport has no {name}()")))?;
    let result = match arg {
        Some(a) => f.call1(target, a)?,
        None => f.call0(target)?,
    };
    JsFuture::from(Promise::resolve(&result)).await
}

/// The body of an answer, read through the JS reader.
pub struct JsBody {
    reader: JsValue,
}

impl ResponseBody for JsBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TransportFailure> {
        if self.reader.is_null() || self.reader.is_undefined() {
            return Ok(None);
        }
        let piece = call(&self.reader, "read", None)
            .await
            .map_err(|e| network(message_of(&e)))?;
        if piece.is_null() || piece.is_undefined() {
            self.reader = JsValue::NULL;
            return Ok(None);
        }
        Ok(Some(Uint8Array::new(&piece).to_vec()))
    }
}

impl Drop for JsBody {
    /// An abandoned body is cancelled, which releases its connection.
    fn drop(&mut self) {
        if let Ok(cancel) = get(&self.reader, "cancel").dyn_into::<Function>() {
            let _ = cancel.call0(&self.reader);
        }
    }
}

impl Transport for JsTransport {
    type Body = JsBody;

    fn now(&self) -> u64 {
        (js_sys::Date::now() / 1000.0) as u64
    }

    fn streams_uploads(&self) -> bool {
        self.streams_uploads
    }

    async fn send(&self, request: Outgoing) -> Result<Incoming<JsBody>, TransportFailure> {
        let obj = Object::new();
        set(&obj, "method", &JsValue::from_str(request.method.as_str()));
        set(&obj, "url", &JsValue::from_str(&request.url));
        let headers = Array::new();
        for (k, v) in &request.headers {
            headers.push(&Array::of2(&JsValue::from_str(k), &JsValue::from_str(v)));
        }
        set(&obj, "headers", &headers);
        set(
            &obj,
            "streamsResponse",
            &JsValue::from_bool(request.streams_response),
        );
        // Kept alive until the answer is in: JS pulls the upload's pieces through it.
        let mut _next: Option<Closure<dyn FnMut() -> Promise>> = None;
        match request.body {
            OutgoingBody::Empty => set(&obj, "body", &JsValue::NULL),
            OutgoingBody::Bytes(bytes) => {
                set(&obj, "body", &Uint8Array::from(bytes.as_slice()).into())
            }
            OutgoingBody::Stream(stream) => {
                let len = stream.len();
                let stream = Rc::new(RefCell::new(Some(stream)));
                let next = Closure::<dyn FnMut() -> Promise>::new(move || {
                    let stream = stream.clone();
                    wasm_bindgen_futures::future_to_promise(async move {
                        // Taken out while a piece is awaited: pieces are asked for one at a time.
                        let taken = stream.borrow_mut().take();
                        let Some(mut pieces) = taken else {
                            return Err(js_sys::Error::new("a piece is already being read").into());
                        };
                        let piece = pieces.next().await;
                        *stream.borrow_mut() = Some(pieces);
                        match piece {
                            Some(Ok(bytes)) => Ok(Uint8Array::from(bytes.as_slice()).into()),
                            Some(Err(aborted)) => Err(js_sys::Error::new(&aborted.0).into()),
                            None => Ok(JsValue::NULL),
                        }
                    })
                });
                let s = Object::new();
                set(&s, "len", &JsValue::from(len as f64));
                set(&s, "next", next.as_ref());
                set(&obj, "body", &JsValue::NULL);
                set(&obj, "stream", &s);
                _next = Some(next);
            }
        }
        let answer = call(&self.host, "send", Some(&obj))
            .await
            .map_err(|e| network(message_of(&e)))?;
        if let Some(kind) = get(&answer, "failure").as_string() {
            let kind = match kind.as_str() {
                "corsBlocked" => FailureKind::CorsBlocked,
                "timeout" => FailureKind::Timeout,
                _ => FailureKind::Network,
            };
            let message = get(&answer, "message").as_string().unwrap_or_default();
            return Err(TransportFailure::new(kind, message));
        }
        let status = get(&answer, "status")
            .as_f64()
            .ok_or_else(|| network("the transport answered without a status"))?;
        let lines = get(&answer, "headers").as_string().unwrap_or_default();
        let headers = lines
            .split('\n')
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(Incoming {
            status: status as u16,
            headers,
            body: JsBody {
                reader: get(&answer, "body"),
            },
        })
    }
}
