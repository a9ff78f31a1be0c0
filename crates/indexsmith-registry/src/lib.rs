//! The OCI distribution protocol, sans-IO.
//!
//! Operations are state machines in the quinn-proto style: the driver asks for the next
//! [`Request`] with `poll_request(session, now)`, sends it however it can (browser `fetch`, a
//! blocking socket, an async client), and gives the answer back with
//! `handle_response(session, id, response, now)`. Several requests may be handed out before any
//! answer comes back: a driver sends them concurrently. Nothing here opens a socket, reads a
//! clock or sleeps; `now` is seconds since the Unix epoch, as the caller reads it.
//!
//! See the crate README for a driver loop.

// A `RegistryError` is returned once per failed operation, never in a hot loop; boxing it would
// cost every caller a deref for nothing.
#![allow(clippy::result_large_err)]

pub mod auth;
#[cfg(feature = "driver")]
pub mod driver;
mod engine;
pub mod error;
pub mod http;
pub mod manifest;
pub mod ops;
pub mod proxy;
pub mod reference;
pub mod session;

pub use indexsmith::media_type;

pub use auth::Credentials;
pub use error::{Action, ErrorCode, ErrorKind, RegistryError};
pub use http::{Body, FailureKind, Method, Request, RequestId, Response, TransportFailure};
pub use manifest::{Descriptor, ManifestContent, ManifestInfo};
pub use ops::{Event, Operation};
pub use proxy::Proxy;
pub use reference::{parse_target, ManifestRef, Reference, Repository};
pub use session::{Session, SessionConfig};
