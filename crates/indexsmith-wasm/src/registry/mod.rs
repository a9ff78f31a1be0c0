//! The registry operations of `indexsmith-registry`, bound for the npm package.
//!
//! Bindings only: a [`RegistryOperation`] holds a `Session` and one operation, made from the
//! call's references and options (`options.rs`); `run` drives it to its end with the registry
//! crate's driver over the package's JS transport (`transport.rs`, `js/registry.js`) and converts
//! the result (`dispatch.rs`). Results are shaped for the npm API and typed with `tsify`
//! (`results.rs`); the async functions themselves (`fetchManifest`, `inspect`, …) are in
//! `js/registry.js`.

mod dispatch;
mod options;
mod results;

pub use options::{RegistryAuth, RegistryOptions};
pub use results::*;

use indexsmith::compose;
use indexsmith_registry::ops::{CreateIndex, FetchManifest, Inspect, ListTags, Transfer};
use indexsmith_registry::{RegistryError, Session};
use wasm_bindgen::prelude::*;

/// The running operation. One per handle, and the handle lives in the heap already.
#[allow(clippy::large_enum_variant)]
enum Op {
    Fetch(FetchManifest),
    Inspect(Inspect),
    Tags(ListTags),
    Create(CreateIndex, compose::Format),
    Transfer(Transfer, TransferShape),
}

#[derive(Clone, Copy)]
enum TransferShape {
    Plan,
    Push,
    Copy,
}

/// One running registry operation and its session. Made by the `RegistryOperation.*`
/// constructors; driven by the package's JS functions, not meant to be used directly.
#[wasm_bindgen(skip_typescript)]
pub struct RegistryOperation {
    session: Session,
    op: Op,
}

fn registry_error(e: &RegistryError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(e.code()));
    set("status", e.status.map_or(JsValue::NULL, JsValue::from));
    set(
        "detail",
        e.detail.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    set(
        "url",
        e.url.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    set("retryable", JsValue::from_bool(e.is_retryable()));
    set(
        "retryAfter",
        e.retry_after
            .map_or(JsValue::NULL, |s| JsValue::from(s as f64)),
    );
    err.into()
}
