//! Which redirects of an upstream the proxy follows itself.
//!
//! Registries send blob downloads on to storage hosts (Docker Hub to a CDN, GHCR to
//! `pkg-containers.githubusercontent.com`); nothing else in the distribution API needs a redirect
//! followed. So the proxy follows redirects only for `GET`/`HEAD` of `/v2/<name>/blobs/<digest>`,
//! at most [`MAX_HOPS`] of them, and only to:
//!
//! - an HTTPS URL of a host that is not a loopback one;
//! - the registry itself (same scheme, host and port), under `/v2/`;
//! - a host the user named with `--proxy-allow-http`.
//!
//! Never to the server itself, whatever the scheme. Any other redirect is answered `502` with
//! the target named, not passed on to the browser.

use axum::http::Method;
use url::{Host, Url};

use super::upstream::{is_loopback, SchemePolicy};

/// How many redirects of one request are followed.
pub const MAX_HOPS: usize = 5;

/// Whether a request is a blob download: `GET` or `HEAD` of `/v2/<name>/blobs/<digest>`.
pub fn is_blob_download(method: &Method, path: &str) -> bool {
    if method != Method::GET && method != Method::HEAD {
        return false;
    }
    let Some(rest) = path.strip_prefix("/v2/") else {
        return false;
    };
    match rest.rsplit_once("/blobs/") {
        Some((name, digest)) => !name.is_empty() && !digest.is_empty() && !digest.contains('/'),
        None => false,
    }
}

/// Where redirects may go.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    schemes: SchemePolicy,
    /// The server's own port: a loopback URL on it is the server.
    server_port: u16,
}

/// Whether two URLs have the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

impl RedirectPolicy {
    pub fn new(schemes: SchemePolicy, server_port: u16) -> RedirectPolicy {
        RedirectPolicy {
            schemes,
            server_port,
        }
    }

    /// Whether a URL points at the server itself (a loopback host on its port).
    pub fn is_server(&self, url: &Url) -> bool {
        url.host().is_some_and(|h| is_loopback(&h))
            && url.port_or_known_default() == Some(self.server_port)
    }

    /// Whether the redirect from the request to `registry_url` on to `next` may be followed,
    /// after `hops` redirects already followed.
    pub fn allows(&self, registry_url: &Url, next: &Url, hops: usize) -> bool {
        if hops >= MAX_HOPS || self.is_server(next) || next.host().is_none() {
            return false;
        }
        if !next.username().is_empty() || next.password().is_some() {
            return false;
        }
        if same_origin(registry_url, next) {
            return next.path().starts_with("/v2/");
        }
        if self.schemes.is_named(next) {
            return matches!(next.scheme(), "http" | "https");
        }
        let loopback = next.host().is_some_and(|h| is_loopback(&h));
        let unspecified = matches!(next.host(), Some(Host::Ipv4(ip)) if ip.is_unspecified())
            || matches!(next.host(), Some(Host::Ipv6(ip)) if ip.is_unspecified());
        next.scheme() == "https" && !loopback && !unspecified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_downloads() {
        let cases = [
            ("blob get", Method::GET, "/v2/a/b/blobs/sha256:00", true),
            ("blob head", Method::HEAD, "/v2/a/blobs/sha256:00", true),
            ("upload", Method::GET, "/v2/a/blobs/uploads/x", false),
            ("upload start", Method::POST, "/v2/a/blobs/uploads/", false),
            (
                "blob delete",
                Method::DELETE,
                "/v2/a/blobs/sha256:00",
                false,
            ),
            ("manifest", Method::GET, "/v2/a/manifests/latest", false),
            ("no name", Method::GET, "/v2//blobs/sha256:00", false),
        ];
        for (name, method, path, expected) in cases {
            assert_eq!(is_blob_download(&method, path), expected, "{name}");
        }
    }

    #[test]
    fn redirect_targets() {
        let policy = RedirectPolicy::new(
            SchemePolicy::new(&["storage.lan:9000".to_string(), "localhost:7000".to_string()]),
            8080,
        );
        let local = Url::parse("http://127.0.0.1:5000/v2/a/blobs/sha256:00").expect("url");
        let remote = Url::parse("https://registry.example/v2/a/blobs/sha256:00").expect("url");
        let cases = [
            ("cdn", &remote, "https://cdn.example/blob?sig=1", 0, true),
            (
                "hop limit",
                &remote,
                "https://cdn.example/blob",
                MAX_HOPS,
                false,
            ),
            ("plain http", &remote, "http://cdn.example/blob", 0, false),
            (
                "https loopback",
                &remote,
                "https://127.0.0.1:9999/admin",
                0,
                false,
            ),
            (
                "https localhost",
                &remote,
                "https://localhost/admin",
                0,
                false,
            ),
            (
                "http loopback",
                &remote,
                "http://127.0.0.1:5000/v2/",
                0,
                false,
            ),
            (
                "the server",
                &local,
                "http://localhost:8080/proxy/x/v2/",
                0,
                false,
            ),
            (
                "the server over ipv6",
                &local,
                "http://[::1]:8080/proxy/x/v2/",
                0,
                false,
            ),
            (
                "registry itself",
                &local,
                "http://127.0.0.1:5000/v2/a/blobs/x",
                0,
                true,
            ),
            (
                "registry, outside /v2/",
                &local,
                "http://127.0.0.1:5000/debug/vars",
                0,
                false,
            ),
            (
                "other loopback port",
                &local,
                "http://127.0.0.1:5001/v2/x",
                0,
                false,
            ),
            (
                "named http host",
                &remote,
                "http://storage.lan:9000/b",
                0,
                true,
            ),
            (
                "named loopback host",
                &local,
                "http://localhost:7000/b",
                0,
                true,
            ),
            (
                "userinfo",
                &remote,
                "https://u:p@cdn.example/blob",
                0,
                false,
            ),
            ("unspecified", &remote, "https://0.0.0.0/blob", 0, false),
            ("ftp", &remote, "ftp://cdn.example/blob", 0, false),
        ];
        for (name, from, to, hops, expected) in cases {
            let to = Url::parse(to).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(policy.allows(from, &to, hops), expected, "{name}");
        }
    }
}
