//! WebAssembly bindings of the `indexsmith` core: the npm package `indexsmith`.
//!
//! Bindings only. Each export deserializes its input, calls the core and serializes the result
//! with the one shared serializer ([`convert::SERIALIZER`]): plain objects, camelCase keys,
//! `null` for absent values. A call that cannot be made (bad options, a value of the wrong type)
//! throws a JS `Error` with a string `code`; a bad *document* is never thrown, it is reported as
//! diagnostics. The TypeScript types are generated from the Rust types in [`types`] by `tsify`.

pub mod compose;
mod convert;
mod error;
mod packed;
pub mod platform;
mod read;
pub mod reference;
#[cfg(feature = "registry")]
pub mod registry;
#[cfg(feature = "registry")]
mod transport;
pub mod types;
pub mod validate;

pub use error::ErrorCode;
pub use validate::{
    digest, validate, validate_descriptor, validate_descriptor_document, validate_document,
};

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated.
#[wasm_bindgen(start, skip_typescript)]
fn start() {
    #[cfg(feature = "console_error_panic_hook")]
    console_error_panic_hook::set_once();
}

/// The version of the package (and of the core it was built from).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Traps the module on purpose, so that the tests of the JS entry points can check that a trap is
/// reported as an `internal` error and that the module is re-instantiated. Not part of the API:
/// the entry points do not export it.
#[doc(hidden)]
#[wasm_bindgen(js_name = abortForTest, skip_typescript)]
pub fn abort_for_test() {
    std::process::abort()
}
