//! The core compiled to WebAssembly with plain exports (no bindings, no serialization), so that
//! `bench/wasm-core.mjs` can time exactly the code the native benchmarks time.
//!
//! The caller asks for an input buffer of `len` bytes with [`input`], writes the document into
//! the module's memory at the returned address, and calls one of the operations, which read the
//! buffer and return a number derived from the result (so nothing is optimized away).

use indexsmith::json::{Document, Limits};
use indexsmith::validate::validate_document;
use indexsmith::{validate, ValidateOptions};
use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes the input buffer `len` bytes long and returns its address in linear memory.
#[no_mangle]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        b.clear();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

fn with_input<T>(f: impl FnOnce(&[u8]) -> T) -> T {
    INPUT.with(|b| f(&b.borrow()))
}

/// Parse and validate, without the digest: the number of diagnostics.
#[no_mangle]
pub extern "C" fn validate_document_only() -> u32 {
    with_input(|bytes| {
        validate_document(bytes, &ValidateOptions::default())
            .diagnostics
            .len() as u32
    })
}

/// Parse, validate and digest: 1 when valid.
#[no_mangle]
pub extern "C" fn validate_with_digest() -> u32 {
    with_input(|bytes| u32::from(validate(bytes, &ValidateOptions::default()).valid))
}

/// Parse only: the number of nodes.
#[no_mangle]
pub extern "C" fn parse_only() -> u32 {
    with_input(|bytes| {
        Document::parse(bytes, &Limits::default())
            .0
            .map_or(0, |d| d.node_count() as u32)
    })
}

/// SHA-256 only: the first byte of the hex digest.
#[no_mangle]
pub extern "C" fn sha256_only() -> u32 {
    with_input(|bytes| u32::from(indexsmith::digest::sha256(bytes).encoded().as_bytes()[0]))
}
