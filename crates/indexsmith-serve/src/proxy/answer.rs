//! Headers that keep a proxied answer from ever becoming a page on the app's origin.
//!
//! An upstream chooses its own `Content-Type`; a hostile one answers `text/html` with a script.
//! Every answer of the proxy therefore carries `Content-Security-Policy: sandbox` (a document made
//! from it gets an opaque origin and runs no script), `X-Content-Type-Options: nosniff`, and
//! `Cross-Origin-Resource-Policy: same-origin`; and a type a browser renders (HTML, XML, SVG,
//! scripts, ...) is replaced by `application/octet-stream`. Registry types (`application/json`,
//! `application/vnd.oci.*+json`, `application/octet-stream`, ...) pass unchanged.

use axum::http::{header, HeaderMap, HeaderValue};

/// The type given to an answer whose own type a browser could render.
pub const INERT_TYPE: &str = "application/octet-stream";

/// Whether a `Content-Type` value is one a browser only downloads or hands to script as data.
pub fn is_inert_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some(subtype) = essence.strip_prefix("application/") else {
        return essence == "text/plain";
    };
    if subtype.contains("xml") || subtype.contains("script") || subtype.contains("html") {
        return false;
    }
    matches!(
        subtype,
        "json" | "octet-stream" | "gzip" | "x-gzip" | "x-tar" | "zstd" | "problem+json"
    ) || subtype.starts_with("vnd.")
        || subtype.ends_with("+json")
}

/// Adds the headers every answer of the proxy carries, and makes its type inert.
pub fn harden(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    let renderable = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| !v.to_str().is_ok_and(is_inert_type));
    if renderable {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(INERT_TYPE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_and_renderable_types() {
        let cases = [
            ("oci index", "application/vnd.oci.image.index.v1+json", true),
            (
                "docker list",
                "application/vnd.docker.distribution.manifest.list.v2+json",
                true,
            ),
            ("json with charset", "application/json; charset=utf-8", true),
            ("blob", "application/octet-stream", true),
            ("layer", "application/vnd.oci.image.layer.v1.tar+gzip", true),
            ("plain text", "text/plain; charset=utf-8", true),
            ("html", "text/html", false),
            ("html, odd case", "Text/HTML;charset=utf-8", false),
            ("xhtml", "application/xhtml+xml", false),
            ("svg", "image/svg+xml", false),
            ("xml", "application/xml", false),
            ("vendor xml", "application/vnd.evil+xml", false),
            ("javascript", "application/javascript", false),
            ("text javascript", "text/javascript", false),
            ("pdf", "application/pdf", false),
            ("empty", "", false),
        ];
        for (name, value, expected) in cases {
            assert_eq!(is_inert_type(value), expected, "{name}");
        }
    }

    #[test]
    fn hardened_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        harden(&mut headers);
        assert_eq!(headers[header::CONTENT_TYPE], INERT_TYPE);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "sandbox");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let mut json = HeaderMap::new();
        json.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.oci.image.index.v1+json"),
        );
        harden(&mut json);
        assert_eq!(
            json[header::CONTENT_TYPE],
            "application/vnd.oci.image.index.v1+json"
        );
    }
}
