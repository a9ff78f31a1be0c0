//! `validate`, `validateDescriptor` and `digest`.

use crate::convert::{to_js, Input};
use crate::error::{error, ErrorCode};
use crate::types::{DigestAlgorithm, Report, ValidateOptions, Validation};
use wasm_bindgen::prelude::*;

fn report(input: &Input, validation: indexsmith::validate::Validation) -> Report {
    let bytes = input.bytes();
    Report::new(validation.into(), indexsmith::digest::sha256(bytes).to_string(), bytes.len())
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
    let v: Validation = indexsmith::validate::validate_descriptor_only(input.bytes(), &opts.into()).into();
    to_js(&v)
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
            _ => return Err(error(ErrorCode::InvalidAlgorithm, "the digest algorithm must be \"sha256\" or \"sha512\"")),
        }
    };
    Ok(match algorithm {
        DigestAlgorithm::Sha256 => indexsmith::digest::sha256(input.bytes()),
        DigestAlgorithm::Sha512 => indexsmith::digest::sha512(input.bytes()),
    }
    .to_string())
}
