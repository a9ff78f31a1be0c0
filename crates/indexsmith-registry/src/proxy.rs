//! A registry proxy as a session setting: where requests go when a page cannot reach registries
//! directly (no CORS), and how the proxy's rewriting of answers is undone.
//!
//! The proxy (`indexsmith-serve`) takes
//!
//! - `<base>/<registry-host>/v2/<rest>` for the registry API, and
//! - `<base>-token/<realm-host><realm-path>` for token realms,
//!
//! and rewrites the `Location`, `Link` and `WWW-Authenticate` values of answers to point back into
//! itself. The driver sends every request through [`Proxy::outbound`] and passes every answer
//! through [`Proxy::inbound`], so the operations only ever see the registries' own URLs: they keep
//! credentials scoped to the right host, and a realm the proxy rewrote is not prefixed twice.

use crate::reference::is_loopback;

/// A same-origin registry proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy's API prefix, absolute (`http://127.0.0.1:8080/proxy`) or a path (`/proxy`).
    base: String,
    /// The origin answers are rewritten with (`http://127.0.0.1:8080`), when known.
    origin: Option<String>,
    /// Headers every proxied request carries.
    headers: Vec<(String, String)>,
}

impl Proxy {
    /// A proxy at `base`: an absolute URL (`http://127.0.0.1:8080/proxy`), or a path (`/proxy`)
    /// on the page's own origin, which [`Proxy::with_origin`] then names.
    pub fn new(base: &str) -> Proxy {
        let base = base.trim().trim_end_matches('/').to_owned();
        let origin =
            crate::http::split_url(&base).map(|p| format!("{}://{}", p.scheme, p.authority));
        Proxy {
            base,
            origin,
            headers: Vec::new(),
        }
    }

    /// The origin the proxy writes into the URLs of its answers, for a proxy given as a path.
    pub fn with_origin(mut self, origin: &str) -> Proxy {
        self.origin = Some(origin.trim_end_matches('/').to_owned());
        self
    }

    /// A header every request through the proxy carries.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Proxy {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The path of the API prefix (`/proxy`), whether the base is absolute or not.
    fn path(&self) -> &str {
        match crate::http::split_url(&self.base) {
            Some(p) => p.rest,
            None => &self.base,
        }
    }

    /// Where a request for `url` goes: `<base>/<host>/v2/…` for the API, `<base>-token/<host>/…`
    /// for anything else (token realms). URLs already under the proxy are kept.
    pub fn outbound(&self, url: &str) -> String {
        if url.starts_with(&format!("{}/", self.base))
            || url.starts_with(&format!("{}-token/", self.base))
        {
            return url.to_owned();
        }
        let Some(parts) = crate::http::split_url(url) else {
            return url.to_owned();
        };
        let (authority, rest) = (parts.authority, parts.rest);
        if rest.starts_with("/v2/") || rest == "/v2" {
            format!("{}/{authority}{rest}", self.base)
        } else {
            let rest = if rest.starts_with('/') || rest.is_empty() {
                rest.to_owned()
            } else {
                format!("/{rest}")
            };
            format!("{}-token/{authority}{rest}", self.base)
        }
    }

    /// Undoes the proxy's rewriting of `Location`, `Link` and `WWW-Authenticate` values, so the
    /// operation sees the registry's own URLs. `scheme` says which scheme a host is spoken to
    /// with (the session's rule: plain HTTP for loopback and listed hosts).
    pub fn inbound(&self, headers: &mut [(String, String)], scheme: impl Fn(&str) -> &'static str) {
        for (name, value) in headers.iter_mut() {
            if name.eq_ignore_ascii_case("location") || name.eq_ignore_ascii_case("link") {
                *value = self.unproxied(value, &scheme);
            } else if name.eq_ignore_ascii_case("www-authenticate") {
                *value = unmasked_basic(&self.unproxied(value, &scheme));
            }
        }
    }

    /// One header value with every proxy URL in it turned back into the registry's URL.
    pub fn unproxied(&self, value: &str, scheme: impl Fn(&str) -> &'static str) -> String {
        let path = self.path();
        let mut prefixes = Vec::new();
        if let Some(origin) = &self.origin {
            prefixes.push(format!("{origin}{path}-token/"));
            prefixes.push(format!("{origin}{path}/"));
        }
        // Path-only references (`/proxy/host/v2/…`), where a URI starts: the value's start, or
        // after `<` (Link) or `"` (a quoted realm).
        let bare = [format!("{path}-token/"), format!("{path}/")];
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        let mut at_start = true;
        loop {
            let mut hit: Option<(usize, usize)> = prefixes
                .iter()
                .filter_map(|p| rest.find(p.as_str()).map(|i| (i, p.len())))
                .min_by_key(|(i, _)| *i);
            for p in &bare {
                for (i, _) in rest.match_indices(p.as_str()) {
                    let starts_uri = if i == 0 {
                        at_start
                    } else {
                        matches!(rest.as_bytes()[i - 1], b'<' | b'"')
                    };
                    if starts_uri && hit.map_or(true, |(j, _)| i < j) {
                        hit = Some((i, p.len()));
                    }
                }
            }
            let Some((at, len)) = hit else {
                out.push_str(rest);
                return out;
            };
            out.push_str(&rest[..at]);
            let after = &rest[at + len..];
            let end = after
                .find(|c: char| matches!(c, '/' | '"' | '>' | ',' | '?') || c.is_whitespace())
                .unwrap_or(after.len());
            let authority = &after[..end];
            out.push_str(scheme(authority));
            out.push_str("://");
            out.push_str(authority);
            rest = &after[end..];
            at_start = false;
        }
    }
}

/// The auth-scheme `indexsmith-serve` gives `Basic` challenges, so that browsers show no login
/// prompt of their own.
const MASKED_BASIC: &str = "Indexsmith-Basic";

/// A `WWW-Authenticate` value with the proxy's masked `Basic` scheme named `Basic` again (where a
/// challenge starts: at the start or after a comma; not inside a parameter value).
pub fn unmasked_basic(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest
        .to_ascii_lowercase()
        .find(&MASKED_BASIC.to_ascii_lowercase())
    {
        let before = rest[..at].trim_end();
        let starts_challenge = before.is_empty() || before.ends_with(',');
        out.push_str(&rest[..at]);
        out.push_str(if starts_challenge {
            "Basic"
        } else {
            &rest[at..at + MASKED_BASIC.len()]
        });
        rest = &rest[at + MASKED_BASIC.len()..];
    }
    out.push_str(rest);
    out
}

/// The scheme of a registry host: `http` for loopback hosts and those in `plain_http`, else
/// `https`.
pub(crate) fn scheme_of(host: &str, plain_http: &[String]) -> &'static str {
    let host = crate::reference::api_host(host);
    if is_loopback(host)
        || plain_http
            .iter()
            .any(|h| crate::reference::api_host(h).eq_ignore_ascii_case(host))
    {
        "http"
    } else {
        "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(host: &str) -> &'static str {
        scheme_of(host, &[])
    }

    #[test]
    fn requests_go_through_the_proxy() {
        let cases = [
            (
                "api",
                "/proxy",
                "http://127.0.0.1:5000/v2/sample/hello/manifests/latest",
                "/proxy/127.0.0.1:5000/v2/sample/hello/manifests/latest",
            ),
            (
                "query kept, trailing slash",
                "/proxy/",
                "https://ghcr.io/v2/a/b/tags/list?n=100&last=x",
                "/proxy/ghcr.io/v2/a/b/tags/list?n=100&last=x",
            ),
            (
                "token realm",
                "/proxy",
                "https://auth.docker.io/token?service=registry.docker.io",
                "/proxy-token/auth.docker.io/token?service=registry.docker.io",
            ),
            (
                "absolute base",
                "http://127.0.0.1:8080/proxy",
                "http://localhost:5000/v2/",
                "http://127.0.0.1:8080/proxy/localhost:5000/v2/",
            ),
            (
                "already proxied realm is not prefixed twice",
                "http://127.0.0.1:8080/proxy",
                "http://127.0.0.1:8080/proxy-token/127.0.0.1:5001/token?scope=x",
                "http://127.0.0.1:8080/proxy-token/127.0.0.1:5001/token?scope=x",
            ),
        ];
        for (name, base, url, expected) in cases {
            assert_eq!(Proxy::new(base).outbound(url), expected, "{name}");
        }
    }

    #[test]
    fn answers_are_unproxied() {
        let absolute = Proxy::new("http://127.0.0.1:8080/proxy");
        let path = Proxy::new("/proxy").with_origin("http://127.0.0.1:8080");
        let cases = [
            (
                "location",
                "http://127.0.0.1:8080/proxy/127.0.0.1:5000/v2/s/h/blobs/uploads/abc?_state=x",
                "http://127.0.0.1:5000/v2/s/h/blobs/uploads/abc?_state=x",
            ),
            (
                "path-only location",
                "/proxy/127.0.0.1:5000/v2/s/h/blobs/uploads/abc",
                "http://127.0.0.1:5000/v2/s/h/blobs/uploads/abc",
            ),
            (
                "link",
                "<http://127.0.0.1:8080/proxy/ghcr.io/v2/a/tags/list?last=b&n=1>; rel=\"next\"",
                "<https://ghcr.io/v2/a/tags/list?last=b&n=1>; rel=\"next\"",
            ),
            (
                "challenge",
                "Bearer realm=\"http://127.0.0.1:8080/proxy-token/auth.docker.io/token\",service=\"registry.docker.io\"",
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\"",
            ),
            (
                "loopback realm",
                "Bearer realm=\"http://127.0.0.1:8080/proxy-token/127.0.0.1:5001/token\"",
                "Bearer realm=\"http://127.0.0.1:5001/token\"",
            ),
            ("untouched", "/v2/s/h/blobs/uploads/abc", "/v2/s/h/blobs/uploads/abc"),
        ];
        for proxy in [&absolute, &path] {
            for (name, value, expected) in cases {
                assert_eq!(proxy.unproxied(value, scheme), expected, "{name}");
            }
        }
        for url in [
            "http://127.0.0.1:5000/v2/s/h/blobs/uploads/abc",
            "https://auth.docker.io/token?scope=repository%3Aa%3Apull",
        ] {
            assert_eq!(
                absolute.unproxied(&absolute.outbound(url), scheme),
                url,
                "round trip"
            );
        }
    }

    #[test]
    fn masked_basic_challenges_read_as_basic() {
        let cases = [
            (
                "masked",
                r#"Indexsmith-Basic realm="r""#,
                r#"Basic realm="r""#,
            ),
            (
                "after a bearer",
                r#"Bearer realm="x", Indexsmith-Basic realm="r""#,
                r#"Bearer realm="x", Basic realm="r""#,
            ),
            (
                "in a value, kept",
                r#"Bearer realm="Indexsmith-Basic""#,
                r#"Bearer realm="Indexsmith-Basic""#,
            ),
            (
                "bearer untouched",
                r#"Bearer realm="https://a/t""#,
                r#"Bearer realm="https://a/t""#,
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(unmasked_basic(value), expected, "{name}");
        }
    }

    #[test]
    fn listed_hosts_keep_plain_http() {
        let proxy = Proxy::new("http://127.0.0.1:8080/proxy");
        let plain = vec!["registry.lan:5000".to_owned()];
        assert_eq!(
            proxy.unproxied(
                "http://127.0.0.1:8080/proxy/registry.lan:5000/v2/a/blobs/uploads/u",
                |h| scheme_of(h, &plain)
            ),
            "http://registry.lan:5000/v2/a/blobs/uploads/u"
        );
    }
}
