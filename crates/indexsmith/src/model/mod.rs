//! The typed model of the documents: [`Descriptor`], the references of a manifest
//! ([`ManifestInfo`]), the platform of an image config ([`ImageConfig`]), and the annotations
//! that give an index entry a role ([`is_attestation`]).
//!
//! Reading is lenient, for clients that must get on with a document that [`validate`] may well
//! find fault with: unknown members are kept (a descriptor's `extra`) or ignored, a missing
//! `mediaType` takes the default the caller gives (OCI allows it to be absent), an empty
//! `variant` or `os.version` counts as absent, and a platform without `os` or `architecture` gets
//! empty strings. What a client cannot work with — a digest that does not parse, a size that is not
//! a non-negative integer, a member of the wrong JSON type — is a [`ModelError`] naming the JSON
//! pointer of the member. Nothing here panics on any input.
//!
//! Digests are always of the bytes received: nothing here re-serializes a document that was read.
//! The writers ([`Descriptor::to_value`], [`platform_to_value`]) are for new documents.
//!
//! [`validate`]: crate::validate()

mod config;
mod descriptor;
mod manifest;
mod platform;

pub use config::ImageConfig;
pub use descriptor::Descriptor;
pub use manifest::{ManifestContent, ManifestInfo};
pub use platform::{platform_from_value, platform_to_value, PLATFORM_ORDER};

use crate::json::value::Value;
use std::fmt;

/// The annotation BuildKit puts on the entries of an index that are not images of a platform.
pub const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
/// The value of [`REFERENCE_TYPE`] that marks an attestation manifest (provenance, SBOM).
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";
/// The annotation of an attestation entry: the digest of the entry it describes.
pub const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";

/// True when `reference_type`, the value of an entry's [`REFERENCE_TYPE`] annotation, marks a
/// BuildKit attestation manifest. The one test for it: every reader of entries asks this.
pub fn is_attestation(reference_type: Option<&str>) -> bool {
    reference_type == Some(ATTESTATION_MANIFEST)
}

/// A member the model cannot read, at `pointer` (RFC 6901).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    pub pointer: String,
    pub message: String,
}

impl ModelError {
    fn new(pointer: &str, message: impl Into<String>) -> ModelError {
        ModelError {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    fn wrong_type(pointer: &str, expected: &str, found: &Value) -> ModelError {
        ModelError::new(
            pointer,
            format!("expected {expected}, found {}", type_name(found)),
        )
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for ModelError {}

/// The JSON type of a value, as messages name it.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Member `key` of an object, as a string; absent and `null` are `None`.
fn opt_str<'v>(obj: &'v Value, key: &str, at: &str) -> Result<Option<&'v str>, ModelError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ModelError::wrong_type(
            &format!("{at}/{}", escape(key)),
            "a string",
            other,
        )),
    }
}

/// Member `key` of an object, as an array; absent and `null` are `None`.
fn opt_array<'v>(obj: &'v Value, key: &str, at: &str) -> Result<Option<&'v [Value]>, ModelError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(other) => Err(ModelError::wrong_type(
            &format!("{at}/{}", escape(key)),
            "an array",
            other,
        )),
    }
}

/// A reference token of RFC 6901 (`~` → `~0`, `/` → `~1`).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses JSON text into a value: `Err` with what is wrong when it is not JSON.
fn parse_json(bytes: &[u8]) -> Result<Value, ModelError> {
    crate::json::parse_value(bytes).map_err(|message| ModelError::new("", message))
}
