//! State shared by every operation against a set of registries: options, credentials, what each
//! registry asked for in its challenges, and cached tokens.

use crate::auth::{BearerChallenge, Credentials, TokenCache};
use crate::proxy::{scheme_of, Proxy};
use crate::reference::{api_host, Repository};
use std::collections::HashMap;

/// Options of a [`Session`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionConfig {
    /// Registries (`host[:port]`) to speak plain HTTP to, besides loopback hosts.
    pub plain_http: Vec<String>,
    /// The largest upload chunk, in bytes: the most blob bytes a driver holds at a time. Blobs up
    /// to this size go up in one `PUT` (monolithic), larger ones in `PATCH` chunks.
    pub chunk_size: u64,
    /// The most requests an operation keeps in flight at once (browsers allow 6 per host).
    pub max_concurrent: usize,
    /// The most blob copies streaming at once. Each holds a download open while its upload
    /// proceeds; keeping this below `max_concurrent` leaves connections for the uploads when
    /// source and target share a host (browsers cap connections per host).
    pub max_streams: usize,
    /// The driver streams request bodies without holding them (Node): a blob larger than
    /// `chunk_size` then goes up in one `PATCH` of all its bytes (`Content-Range: 0-<size-1>`)
    /// instead of `chunk_size` ranges, and the closing `PUT ?digest=` follows once they were
    /// verified. Browsers send request streams only over HTTP/2, so their drivers leave this off.
    pub stream_uploads: bool,
    /// A registry proxy every request goes through (a page that cannot reach registries
    /// directly); the driver applies it and undoes its rewriting of answers.
    pub proxy: Option<Proxy>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            plain_http: Vec::new(),
            chunk_size: 4 * 1024 * 1024,
            max_concurrent: 6,
            max_streams: 2,
            stream_uploads: false,
            proxy: None,
        }
    }
}

impl SessionConfig {
    pub fn with_plain_http(mut self, registry: impl Into<String>) -> Self {
        self.plain_http.push(registry.into());
        self
    }

    pub fn with_chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }

    pub fn with_max_streams(mut self, n: usize) -> Self {
        self.max_streams = n.max(1);
        self
    }

    pub fn with_stream_uploads(mut self, on: bool) -> Self {
        self.stream_uploads = on;
        self
    }

    pub fn with_proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    pub fn with_max_concurrent(mut self, n: usize) -> Self {
        self.max_concurrent = n.max(1);
        self
    }
}

/// What a registry host asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostAuth {
    Basic,
    Bearer(BearerChallenge),
}

/// Shared state of the operations a driver runs. Holds credentials in memory only.
#[derive(Debug, Default)]
pub struct Session {
    pub config: SessionConfig,
    credentials: HashMap<String, Credentials>,
    /// Bearer tokens the caller holds, per API host.
    tokens_given: HashMap<String, String>,
    pub(crate) tokens: TokenCache,
    pub(crate) host_auth: HashMap<String, HostAuth>,
}

impl Session {
    pub fn new(config: SessionConfig) -> Session {
        Session {
            config,
            ..Session::default()
        }
    }

    /// Credentials for a registry (`host[:port]` as written in references, e.g. `docker.io`).
    /// They are sent only to that registry's API host and to the token realm it names.
    pub fn set_credentials(&mut self, registry: &str, credentials: Credentials) {
        self.credentials
            .insert(api_host(registry).to_ascii_lowercase(), credentials);
    }

    pub fn remove_credentials(&mut self, registry: &str) {
        let host = api_host(registry).to_ascii_lowercase();
        self.credentials.remove(&host);
        self.tokens_given.remove(&host);
    }

    /// A bearer token the registry issued (a personal access token), sent as
    /// `Authorization: Bearer …` to that registry's API host only, on every request that carries
    /// no other credentials. Never sent to a token realm, a redirect target or another registry.
    pub fn set_token(&mut self, registry: &str, token: impl Into<String>) {
        self.tokens_given
            .insert(api_host(registry).to_ascii_lowercase(), token.into());
    }

    pub(crate) fn credentials_for(&self, api_host: &str) -> Option<&Credentials> {
        self.credentials.get(&api_host.to_ascii_lowercase())
    }

    pub(crate) fn token_for(&self, api_host: &str) -> Option<&str> {
        self.tokens_given
            .get(&api_host.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// `http` for loopback hosts and those listed in [`SessionConfig::plain_http`], else `https`.
    pub fn scheme(&self, registry: &str) -> &'static str {
        scheme_of(registry, &self.config.plain_http)
    }

    /// The proxy requests go through, if any.
    pub fn proxy(&self) -> Option<&Proxy> {
        self.config.proxy.as_ref()
    }

    /// `scheme://api-host/v2/<path>`.
    pub fn repository_url(&self, repository: &Repository) -> String {
        format!(
            "{}://{}/v2/{}",
            self.scheme(&repository.registry),
            repository.api_host(),
            repository.path
        )
    }

    /// Forgets cached tokens (e.g. after credentials changed).
    pub fn clear_tokens(&mut self) {
        self.tokens = TokenCache::default();
        self.host_auth.clear();
    }

    /// How many tokens are cached.
    pub fn cached_tokens(&self) -> usize {
        self.tokens.len()
    }
}
