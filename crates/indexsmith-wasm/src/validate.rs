//! `validate`, `validateDescriptor` and `digest`.

use crate::convert::{to_js, Input};
use crate::error::{error, ErrorCode};
use crate::types::{DigestAlgorithm, Report, ValidateOptions, Validation};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn report(input: &Input, validation: indexsmith::validate::Validation) -> Report {
    let bytes = input.bytes();
    Report::new(
        validation.into(),
        indexsmith::digest::sha256(bytes).to_string(),
        bytes.len(),
    )
}

/// Validates a manifest, index or manifest list. Never throws for a bad document (not even for
/// text that is not JSON): every problem is a diagnostic.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&input)?;
    let opts = ValidateOptions::read(options)?;
    let v = indexsmith::validate::validate_document(input.bytes(), &opts.into());
    to_js(&report(&input, v))
}

/// Validates a bare descriptor (`kind` is always `null`).
#[wasm_bindgen(js_name = validateDescriptor, unchecked_return_type = "Report")]
pub fn validate_descriptor(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&input)?;
    let opts = ValidateOptions::read(options)?;
    let v = indexsmith::validate::validate_descriptor_only(input.bytes(), &opts.into());
    to_js(&report(&input, v))
}

/// `validate` without digest and size, for hosts with a faster native hasher.
#[wasm_bindgen(js_name = validateDocument, skip_typescript)]
pub fn validate_document(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&input)?;
    let opts = ValidateOptions::read(options)?;
    let v: Validation = indexsmith::validate::validate_document(input.bytes(), &opts.into()).into();
    to_js(&v)
}

/// `validateDescriptor` without digest and size.
#[wasm_bindgen(js_name = validateDescriptorDocument, skip_typescript)]
pub fn validate_descriptor_document(input: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&input)?;
    let opts = ValidateOptions::read(options)?;
    let v: Validation =
        indexsmith::validate::validate_descriptor_only(input.bytes(), &opts.into()).into();
    to_js(&v)
}

thread_local! {
    /// The document of the next [`validate_input`] call, written by the entry points straight into
    /// the module's memory: no intermediate copy of the bytes on either side.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The words of the last [`validate_input`] call, which the entry points read in place.
    static PACKED: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// A packed report up to this many words keeps its buffer for the next call.
const KEPT_PACKED: usize = 1024 * 1024;

/// Inputs up to this size keep their buffer for the next call; a larger one is freed after use.
const KEPT_INPUT: usize = 8 * 1024 * 1024;

/// Makes the input buffer `len` bytes long and returns its address in the module's memory
/// (valid until the next call into the module). For the entry points, not part of the API.
#[doc(hidden)]
#[wasm_bindgen(js_name = inputBuffer, skip_typescript)]
pub fn input_buffer(len: usize) -> *mut u8 {
    INPUT.with(|b| {
        let mut b = b.borrow_mut();
        // The caller overwrites the bytes: only new room is zeroed.
        if b.len() < len {
            b.resize(len, 0);
        } else {
            b.truncate(len);
        }
        b.as_mut_ptr()
    })
}

/// The module's `WebAssembly.Memory`, in which [`input_buffer`] lies.
#[doc(hidden)]
#[wasm_bindgen(js_name = wasmMemory, skip_typescript)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The SHA-256 digest (`sha256:hex`) of the first `len` bytes of the input buffer, for hosts
/// without a synchronous native hasher.
#[doc(hidden)]
#[wasm_bindgen(js_name = inputDigest, skip_typescript)]
pub fn input_digest(len: usize) -> String {
    INPUT.with(|b| {
        let b = b.borrow();
        indexsmith::digest::sha256(&b[..len.min(b.len())]).to_string()
    })
}

/// `validateDocument` (or, with `descriptor`, `validateDescriptorDocument`) of the first `len`
/// bytes of the input buffer, packed (see [`crate::packed`]); returns the address of the packed
/// words in the module's memory (valid until the next call into the module), which the entry
/// points read in place and unpack into the `Report`'s plain objects: a long report is not
/// copied out first.
#[doc(hidden)]
#[wasm_bindgen(js_name = validateInput, skip_typescript)]
pub fn validate_input(
    len: usize,
    descriptor: bool,
    options: JsValue,
) -> Result<*const u32, JsValue> {
    let opts: indexsmith::ValidateOptions = ValidateOptions::read(options)?.into();
    let mut bytes = INPUT.with(|b| std::mem::take(&mut *b.borrow_mut()));
    bytes.truncate(len);
    let mut room = PACKED.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if room.capacity() > KEPT_PACKED {
        room = Vec::new();
    }
    let packed = crate::packed::pack(room, |each| {
        if descriptor {
            indexsmith::validate::validate_descriptor_with(&bytes, &opts, each)
        } else {
            indexsmith::validate::validate_document_with(&bytes, &opts, each)
        }
    });
    if bytes.capacity() <= KEPT_INPUT {
        INPUT.with(|b| *b.borrow_mut() = bytes);
    }
    let at = packed.as_ptr();
    PACKED.with(|p| *p.borrow_mut() = packed);
    Ok(at)
}

/// The digest (`algorithm:hex`) of the exact bytes of `input` (a string: its UTF-8 encoding).
#[wasm_bindgen]
pub fn digest(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "DigestAlgorithm")] algorithm: JsValue,
) -> Result<String, JsValue> {
    let input = Input::from_js(&input)?;
    let algorithm = if algorithm.is_undefined() || algorithm.is_null() {
        DigestAlgorithm::Sha256
    } else {
        match algorithm.as_string().as_deref() {
            Some("sha256") => DigestAlgorithm::Sha256,
            Some("sha512") => DigestAlgorithm::Sha512,
            _ => {
                return Err(error(
                    ErrorCode::InvalidAlgorithm,
                    "the digest algorithm must be \"sha256\" or \"sha512\"",
                ))
            }
        }
    };
    Ok(match algorithm {
        DigestAlgorithm::Sha256 => indexsmith::digest::sha256(input.bytes()),
        DigestAlgorithm::Sha512 => indexsmith::digest::sha512(input.bytes()),
    }
    .to_string())
}
