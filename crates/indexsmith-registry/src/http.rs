//! The HTTP value model a driver carries between a state machine and the network.
//!
//! A state machine hands out [`Request`]s from `poll_request()` and takes [`Response`]s back in
//! `handle_response()`. It never opens a connection, reads a clock or sleeps.
//!
//! Bodies are either bytes or a [`Body::Stream`] marker: "send `len` bytes taken from the body of
//! the response to request `source`". A request made with [`Request::stream_response`] set asks the
//! driver to keep a 2xx response body unread, so that a later upload request can pipe it chunk by
//! chunk. The machine decides the chunk boundaries (and the `Content-Range` of each chunk); the
//! driver moves at most one chunk of bytes at a time, so memory does not grow with the blob size.

use std::fmt;

/// Identifies one request handed out by a state machine; its response must come back with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The HTTP methods the distribution spec uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "UPPERCASE")
)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request or response body.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "kind", content = "value", rename_all = "camelCase")
)]
pub enum Body {
    #[default]
    Empty,
    Bytes(Vec<u8>),
    /// Request bodies only: the next `len` bytes of the body of the response to `source`, which
    /// the driver kept unread because that request had [`Request::stream_response`] set.
    ///
    /// The driver must pass the bytes to the operation's `handle_stream_data(source, bytes)`
    /// before it sends them (the machine hashes them on the way through), and must not send the
    /// request when that call returns an error.
    Stream {
        source: RequestId,
        offset: u64,
        len: u64,
    },
    /// Response bodies only: the driver holds the body of this 2xx response for later
    /// [`Body::Stream`] requests.
    Held,
}

impl Body {
    /// The number of bytes this body carries, when known.
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty | Body::Held => 0,
            Body::Bytes(b) => b.len() as u64,
            Body::Stream { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of a buffered body; empty for the others.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::Bytes(b) => b,
            _ => &[],
        }
    }
}

/// An HTTP request for the driver to send. The driver must not follow redirects itself: the
/// machine does, so that credentials never follow a redirect to another host.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct Request {
    pub id: RequestId,
    pub method: Method,
    /// Absolute URL, `http://` or `https://`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Keep a 2xx response body unread and answer with [`Body::Held`]; other statuses come back
    /// buffered so that their error bodies can be read.
    pub stream_response: bool,
    /// The most bytes a buffered 2xx body may have (manifests and configs: 4 MiB, what
    /// registries accept). A driver refuses a longer answer before reading it whole, with
    /// [`FailureKind::TooLarge`].
    #[cfg_attr(feature = "serde", serde(default))]
    pub max_response_size: Option<u64>,
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An HTTP response given back to the machine.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = Body::Bytes(body.into());
        self
    }

    /// Adds headers given as `name:value` lines, each ended by `\n` (how a JS driver passes a
    /// fetch response's headers in one string: their names have no colon, their values no line
    /// break). A value keeps any colon after the first; a line without a colon is skipped.
    pub fn with_header_lines(mut self, lines: &str) -> Response {
        self.headers.extend(
            lines
                .split('\n')
                .filter_map(|line| line.split_once(':'))
                .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        self
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Every value of a header (case-insensitive), in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request got no HTTP response at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub enum FailureKind {
    /// The browser refused to expose the response (no CORS headers on the registry).
    CorsBlocked,
    /// The driver gave up waiting.
    Timeout,
    /// Connection refused, reset, DNS, TLS and the like.
    Network,
    /// The answer's body was larger than [`Request::max_response_size`]; the driver stopped
    /// reading it.
    TooLarge,
}

/// A request that got no HTTP response, as the driver saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct TransportFailure {
    pub kind: FailureKind,
    pub message: String,
}

impl TransportFailure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> TransportFailure {
        TransportFailure {
            kind,
            message: message.into(),
        }
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The parts of an absolute URL that the machine needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    /// `host[:port]`, as written.
    pub authority: &'a str,
    /// Path and query, starting with `/` (or empty).
    pub rest: &'a str,
}

/// Splits `scheme://authority/rest`; `None` for anything that is not an absolute http(s) URL.
pub fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    if authority.is_empty() {
        return None;
    }
    Some(UrlParts {
        scheme,
        authority,
        rest: &after[end..],
    })
}

/// Resolves a `Location` or `Link` target against the URL of the request it answered.
pub fn resolve_url(base: &str, target: &str) -> Option<String> {
    if split_url(target).is_some() {
        return Some(target.to_owned());
    }
    let parts = split_url(base)?;
    if let Some(rest) = target.strip_prefix("//") {
        return Some(format!("{}://{}", parts.scheme, rest));
    }
    if target.starts_with('/') {
        return Some(format!("{}://{}{}", parts.scheme, parts.authority, target));
    }
    // Relative path: replace the last segment of the base path.
    let path = parts.rest.split(['?', '#']).next().unwrap_or("");
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "/",
    };
    Some(format!(
        "{}://{}{}{}",
        parts.scheme, parts.authority, dir, target
    ))
}

/// Adds `name=value` query parameters to a URL that may already have a query.
pub fn append_query(url: &str, params: &[(&str, &str)]) -> String {
    let mut out = url.to_owned();
    for (name, value) in params {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_split_at_the_first_colon() {
        let cases = [
            ("none", "", vec![]),
            ("two", "content-type:application/json\ndocker-content-digest:sha256:abc\n", vec![("content-type", "application/json"), ("docker-content-digest", "sha256:abc")]),
            (
                "colons in the value",
                "www-authenticate:Bearer realm=\"http://127.0.0.1:6000/token\",service=\"s\"\nlocation:http://h:5000/v2/a\n",
                vec![("www-authenticate", "Bearer realm=\"http://127.0.0.1:6000/token\",service=\"s\""), ("location", "http://h:5000/v2/a")],
            ),
            ("empty value, no final line break", "x-empty:\nlink:</v2/a?n=1>; rel=\"next\"", vec![("x-empty", ""), ("link", "</v2/a?n=1>; rel=\"next\"")]),
        ];
        for (name, input, expected) in cases {
            let got = Response::new(200).with_header_lines(input).headers;
            let expected: Vec<(String, String)> = expected
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            assert_eq!(got, expected, "{name}");
        }
    }

    #[test]
    fn resolves_urls() {
        let cases = [
            (
                "absolute",
                "https://r.example/v2/a/blobs/uploads/",
                "https://s3.example/x?y=1",
                "https://s3.example/x?y=1",
            ),
            (
                "root relative",
                "https://r.example/v2/a/blobs/uploads/",
                "/v2/a/blobs/uploads/u1?_state=x",
                "https://r.example/v2/a/blobs/uploads/u1?_state=x",
            ),
            (
                "scheme relative",
                "http://127.0.0.1:5000/v2/",
                "//cdn.example/b",
                "http://cdn.example/b",
            ),
            (
                "path relative",
                "https://r.example/v2/a/tags/list?n=1",
                "list?n=1&last=b",
                "https://r.example/v2/a/tags/list?n=1&last=b",
            ),
        ];
        for (name, base, target, expected) in cases {
            assert_eq!(
                resolve_url(base, target).as_deref(),
                Some(expected),
                "{name}"
            );
        }
        assert_eq!(resolve_url("not a url", "/x"), None);
    }

    #[test]
    fn splits_urls() {
        let p = split_url("https://[::1]:5000/v2/?a=b").unwrap();
        assert_eq!(
            (p.scheme, p.authority, p.rest),
            ("https", "[::1]:5000", "/v2/?a=b")
        );
        assert_eq!(split_url("ftp://x/y"), None);
        assert_eq!(split_url("https:///y"), None);
    }

    #[test]
    fn encodes_queries() {
        assert_eq!(
            append_query(
                "https://a/token",
                &[("service", "reg.io"), ("scope", "repository:a/b:pull,push")]
            ),
            "https://a/token?service=reg.io&scope=repository%3Aa%2Fb%3Apull%2Cpush"
        );
        assert_eq!(
            append_query("https://a/t?x=1", &[("n", "2")]),
            "https://a/t?x=1&n=2"
        );
    }
}
