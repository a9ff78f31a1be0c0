//! Test support: a minimal HTTP client and server, registries on 127.0.0.1, a token service, a
//! blocking driver, and tiny images.
#![allow(dead_code, clippy::result_large_err)]

pub mod driver;
pub mod http;
pub mod images;
pub mod registry;
pub mod token;
