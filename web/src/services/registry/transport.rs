//! The registry driver's transport in the app: gloo-net's `fetch`, bodies read from the response
//! stream as they arrive. Browsers send request streams only over HTTP/2, so uploads come as
//! buffered chunks (`streams_uploads` is false), and `fetch` follows redirects itself (a page
//! cannot read a manual redirect's `Location`; the Fetch standard drops `Authorization` across
//! origins).

use indexsmith_registry::driver::{Incoming, Outgoing, OutgoingBody, ResponseBody, Transport};
use indexsmith_registry::{FailureKind, Method, TransportFailure};
use wasm_bindgen::{JsCast, JsValue};

pub struct WebTransport {
    /// The page's origin: requests elsewhere are cross-origin (a failure there is most likely
    /// CORS).
    origin: String,
}

impl WebTransport {
    pub fn new(origin: String) -> WebTransport {
        WebTransport { origin }
    }
}

/// A response body, read chunk by chunk through its stream's reader; cancelled when dropped.
pub struct WebBody {
    reader: Option<JsValue>,
}

fn network(message: impl Into<String>) -> TransportFailure {
    TransportFailure::new(FailureKind::Network, message)
}

fn member(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn call(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = member(target, name).dyn_into()?;
    f.call0(target)
}

impl ResponseBody for WebBody {
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TransportFailure> {
        let Some(reader) = &self.reader else {
            return Ok(None);
        };
        let promise: js_sys::Promise = call(reader, "read")
            .and_then(|p| p.dyn_into())
            .map_err(|_| network("the response body cannot be read"))?;
        let result = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| network(format!("reading the response: {e:?}")))?;
        if member(&result, "done").as_bool() == Some(true) {
            self.reader = None;
            return Ok(None);
        }
        Ok(Some(
            js_sys::Uint8Array::new(&member(&result, "value")).to_vec(),
        ))
    }
}

impl Drop for WebBody {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = call(&reader, "cancel");
        }
    }
}

impl Transport for WebTransport {
    type Body = WebBody;

    fn now(&self) -> u64 {
        (js_sys::Date::now() / 1000.0) as u64
    }

    async fn send(&self, request: Outgoing) -> Result<Incoming<WebBody>, TransportFailure> {
        use gloo_net::http::{Method as M, RequestBuilder};
        let method = match request.method {
            Method::Get => M::GET,
            Method::Head => M::HEAD,
            Method::Post => M::POST,
            Method::Put => M::PUT,
            Method::Patch => M::PATCH,
            Method::Delete => M::DELETE,
        };
        let mut builder = RequestBuilder::new(&request.url).method(method);
        for (k, v) in &request.headers {
            if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("host") {
                builder = builder.header(k, v);
            }
        }
        let built = match request.body {
            OutgoingBody::Bytes(bytes) => builder.body(js_sys::Uint8Array::from(bytes.as_slice())),
            // Not handed out: this transport does not stream uploads.
            OutgoingBody::Stream(_) => return Err(network("streamed uploads are not supported")),
            OutgoingBody::Empty => builder.build(),
        };
        let built = built.map_err(|e| network(e.to_string()))?;
        let cross_origin = !request.url.starts_with('/') && !request.url.starts_with(&self.origin);
        let response = built.send().await.map_err(|e| {
            let kind = if cross_origin {
                FailureKind::CorsBlocked
            } else {
                FailureKind::Network
            };
            TransportFailure::new(kind, e.to_string())
        })?;
        let headers = response.headers().entries().collect();
        let reader = match (request.method, response.body()) {
            (Method::Head, _) | (_, None) => None,
            (_, Some(stream)) => call(&stream, "getReader").ok(),
        };
        Ok(Incoming {
            status: response.status(),
            headers,
            body: WebBody { reader },
        })
    }
}
