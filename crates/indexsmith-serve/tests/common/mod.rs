//! Helpers shared by the integration tests: a real registry and the server on free ports of
//! 127.0.0.1, both stopped when dropped (also when a test fails).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;

use indexsmith_serve::registry::{LocalRegistry, RegistryOptions};
use indexsmith_serve::server::{self, RunningServer, ServerConfig};

/// A registry without CORS headers, as remote registries are.
pub async fn plain_registry() -> LocalRegistry {
    LocalRegistry::start(&RegistryOptions::default())
        .await
        .unwrap_or_else(|e| panic!("registry did not start: {e}"))
}

/// The default configuration, serving `dist`.
pub fn config(dist: &Path) -> ServerConfig {
    ServerConfig {
        dist: dist.to_path_buf(),
        allow_http: Vec::new(),
        cors_origins: Vec::new(),
        allow_hosts: Vec::new(),
    }
}

/// The server on a free port, serving `dist`.
pub async fn server(dist: &Path) -> RunningServer {
    server_with(&config(dist)).await
}

/// The server on a free port of 127.0.0.1 with `config`.
pub async fn server_with(config: &ServerConfig) -> RunningServer {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}"));
    server::start(config, addr)
        .await
        .unwrap_or_else(|e| panic!("server did not start: {e}"))
}

/// A client that follows no redirects, so tests see what the server answers, and sends the
/// proxy's proof header as the app does.
pub fn client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        indexsmith_serve::proxy::guard::PROOF_HEADER,
        reqwest::header::HeaderValue::from_static(indexsmith_serve::proxy::guard::PROOF_VALUE),
    );
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// A client without the proof header: a page of another site, a tool that does not know it.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

/// A header as text, or "" when absent.
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}
