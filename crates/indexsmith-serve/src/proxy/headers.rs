//! Which headers cross the proxy, and how `Location` and `Link` are rewritten.

use axum::http::{header, HeaderMap, HeaderName};
use url::Url;

/// Request headers forwarded upstream. Everything else (cookies, `Origin`, `Referer`, hop-by-hop
/// headers) stays here: the proxy passes the client's own `Authorization` and nothing more.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 8] = [
    header::ACCEPT,
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CONTENT_RANGE,
    header::RANGE,
    header::IF_NONE_MATCH,
    header::IF_MATCH,
];

/// The request headers to send upstream.
pub fn request_headers(incoming: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in FORWARDED_REQUEST_HEADERS {
        for value in incoming.get_all(&name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// Whether an upstream response header is dropped: hop-by-hop headers (RFC 9110 §7.6.1), the
/// upstream's own CORS headers (the proxy sets its own), and cookies (the proxy keeps no
/// credentials and gives none to the browser).
pub fn is_dropped_response_header(name: &HeaderName) -> bool {
    let n = name.as_str();
    matches!(
        n,
        "connection"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "set-cookie"
            | "set-cookie2"
            | "strict-transport-security"
            | "alt-svc"
    ) || n.starts_with("access-control-")
}

/// Where the proxy is and which registry a response came from.
#[derive(Debug, Clone)]
pub struct Rewrite<'a> {
    /// The proxy's own origin as the client reached it (`http://127.0.0.1:8080`).
    pub base: &'a str,
    /// The registry host segment of the proxy path (`docker.io`).
    pub named: &'a str,
    /// The registry's base URL (`https://registry-1.docker.io/`).
    pub upstream: &'a Url,
    /// The URL the response answers, for resolving relative references.
    pub request_url: &'a Url,
}

impl Rewrite<'_> {
    /// Rewrites a URI reference that points into the registry's `/v2/` API so that it points
    /// into the proxy; anything else is returned unchanged.
    pub fn uri(&self, reference: &str) -> String {
        let Ok(target) = self.request_url.join(reference.trim()) else {
            return reference.to_string();
        };
        let same_origin = target.scheme() == self.upstream.scheme()
            && target.host_str() == self.upstream.host_str()
            && target.port_or_known_default() == self.upstream.port_or_known_default();
        if !same_origin || !target.path().starts_with("/v2/") {
            return reference.to_string();
        }
        let mut out = format!("{}/proxy/{}{}", self.base, self.named, target.path());
        if let Some(query) = target.query() {
            out.push('?');
            out.push_str(query);
        }
        out
    }

    /// Rewrites every `<URI-reference>` of a `Link` header (RFC 8288).
    pub fn link(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(open) = rest.find('<') {
            let Some(close) = rest[open..].find('>') else {
                break;
            };
            out.push_str(&rest[..=open]);
            out.push_str(&self.uri(&rest[open + 1..open + close]));
            out.push('>');
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_rewriting() {
        let upstream = Url::parse("http://127.0.0.1:5000/").expect("valid");
        let request_url =
            Url::parse("http://127.0.0.1:5000/v2/sample/hello/blobs/uploads/").expect("valid");
        let rw = Rewrite {
            base: "http://127.0.0.1:8080",
            named: "127.0.0.1:5000",
            upstream: &upstream,
            request_url: &request_url,
        };
        let cases = [
            (
                "absolute upload URL",
                "http://127.0.0.1:5000/v2/sample/hello/blobs/uploads/abc?_state=xyz",
                "http://127.0.0.1:8080/proxy/127.0.0.1:5000/v2/sample/hello/blobs/uploads/abc?_state=xyz",
            ),
            (
                "absolute path",
                "/v2/sample/hello/blobs/uploads/abc?_state=x%3D",
                "http://127.0.0.1:8080/proxy/127.0.0.1:5000/v2/sample/hello/blobs/uploads/abc?_state=x%3D",
            ),
            ("relative path", "abc", "http://127.0.0.1:8080/proxy/127.0.0.1:5000/v2/sample/hello/blobs/uploads/abc"),
            ("other host kept", "https://storage.example/bucket/abc", "https://storage.example/bucket/abc"),
            ("other port kept", "http://127.0.0.1:5001/v2/x", "http://127.0.0.1:5001/v2/x"),
            ("outside /v2/ kept", "/other/path", "/other/path"),
        ];
        for (name, input, expected) in cases {
            assert_eq!(rw.uri(input), expected, "{name}");
        }
    }

    #[test]
    fn link_rewriting() {
        let upstream = Url::parse("https://registry-1.docker.io/").expect("valid");
        let request_url =
            Url::parse("https://registry-1.docker.io/v2/library/alpine/tags/list?n=2")
                .expect("valid");
        let rw = Rewrite {
            base: "http://localhost:8080",
            named: "docker.io",
            upstream: &upstream,
            request_url: &request_url,
        };
        let cases = [
            (
                "next page",
                r#"</v2/library/alpine/tags/list?last=3&n=2>; rel="next""#,
                r#"<http://localhost:8080/proxy/docker.io/v2/library/alpine/tags/list?last=3&n=2>; rel="next""#,
            ),
            ("no brackets", "rel=next", "rel=next"),
            ("unclosed", "</v2/x; rel=next", "</v2/x; rel=next"),
        ];
        for (name, input, expected) in cases {
            assert_eq!(rw.link(input), expected, "{name}");
        }
    }
}
