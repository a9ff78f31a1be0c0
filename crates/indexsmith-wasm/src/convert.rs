//! Crossing the boundary: the shared serializer of results, and input bytes.

use crate::error::{error, ErrorCode};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::{JsCast, JsValue};

/// The one serializer of every result: maps as plain objects, absent values as `null`.
pub const SERIALIZER: Serializer = Serializer::new()
    .serialize_maps_as_objects(true)
    .serialize_missing_as_null(true);

/// Serializes a result. Our result types hold only strings, numbers below 2^53, bools, arrays and
/// maps, which always serialize; a failure would be a bug and is reported as `invalid-options`
/// rather than trapping.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&SERIALIZER)
        .map_err(|e| error(ErrorCode::InvalidOptions, e.to_string()))
}

/// The bytes of a `string | Uint8Array` input: a string as its UTF-8 encoding (an unpaired
/// surrogate becomes U+FFFD, as `TextEncoder` encodes it), a `Uint8Array` as is.
pub enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

impl Input {
    pub fn from_js(value: &JsValue) -> Result<Input, JsValue> {
        if let Some(s) = value.as_string() {
            Ok(Input::Text(s))
        } else if let Some(a) = value.dyn_ref::<js_sys::Uint8Array>() {
            Ok(Input::Bytes(a.to_vec()))
        } else {
            Err(error(
                ErrorCode::InvalidInput,
                "the input must be a string or a Uint8Array",
            ))
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            Input::Text(s) => s.as_bytes(),
            Input::Bytes(b) => b,
        }
    }
}
