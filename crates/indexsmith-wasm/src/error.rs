//! Errors thrown to JS: an `Error` whose `code` property is one of [`ErrorCode`]'s strings.

use wasm_bindgen::JsValue;

/// The codes of the errors the bindings themselves throw (the core's parsers and composition
/// bring their own `platform/…`, `reference/…` and `compose/…` codes). Stable: never renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The input is neither a string nor a `Uint8Array`.
    InvalidInput,
    /// The options (or a request object) do not have the documented shape.
    InvalidOptions,
    /// A digest algorithm other than `sha256` or `sha512`.
    InvalidAlgorithm,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid-input",
            ErrorCode::InvalidOptions => "invalid-options",
            ErrorCode::InvalidAlgorithm => "invalid-algorithm",
        }
    }
}

/// A JS `Error` with `message` and a string `code` property.
pub fn error(code: ErrorCode, message: impl AsRef<str>) -> JsValue {
    error_with_code(code.as_str(), message)
}

/// A JS `Error` with a code from elsewhere (the core's stable error codes).
pub fn error_with_code(code: &str, message: impl AsRef<str>) -> JsValue {
    let e = js_sys::Error::new(message.as_ref());
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("code"), &JsValue::from_str(code));
    e.into()
}
