//! indexsmith: validate, inspect and compose multi-architecture container image indexes (OCI image
//! indexes and Docker manifest lists), with located diagnostics and digests of the exact bytes.
//!
//! The crate does no I/O and reads no clock; everything is values in, values out.

pub mod codes;
pub mod diagnostic;
pub mod digest;
pub mod media_type;
pub mod model;
pub mod platform;
pub mod reference;
pub mod resolve;

pub use diagnostic::{Code, Diagnostic, Position, Severity, Span};
pub use digest::{Algorithm, Digest, ParseDigestError};
pub use media_type::MediaType;
pub use model::Descriptor;
pub use platform::{ParsePlatformError, Platform};
pub use reference::{ParseReferenceError, Reference};
pub use resolve::{resolve, resolve_platform, Resolution};
pub mod json;
pub mod position;
pub mod text;
pub mod validate;

pub use validate::{
    validate, validate_descriptor, Kind, Report, ValidateOptions, MAX_DIAGNOSTICS_PER_CODE,
};
pub mod compose;
