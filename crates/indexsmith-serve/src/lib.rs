//! indexsmith-serve: serves the indexsmith app, proxies container registries for it, and runs a
//! local registry seeded with a multi-platform sample image.

pub mod app;
pub mod cli;
pub mod host;
pub mod page_policy;
pub mod proxy;
pub mod push;
pub mod registry;
pub mod run;
pub mod sample;
pub mod seed;
pub mod server;
