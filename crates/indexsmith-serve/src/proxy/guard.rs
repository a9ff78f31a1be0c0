//! Proof that a proxy request comes from the app, not from a page of another site.
//!
//! Every proxy and token request carries the header `Indexsmith-Proxy: 1`. A page of another
//! origin can send a custom header only with `fetch`, which makes the browser ask the proxy first
//! (a CORS preflight) and the proxy answers that only for the origins it allows. Forms, links,
//! frames, images and `no-cors` fetches cannot add the header, so none of them reaches an
//! upstream. Navigations (`Sec-Fetch-Mode: navigate`, a document or frame destination) are refused
//! even with the header: a proxied answer never becomes a page.

use axum::http::HeaderMap;

/// The request header the app sends with every proxy and token request.
pub const PROOF_HEADER: &str = "indexsmith-proxy";
/// Its value.
pub const PROOF_VALUE: &str = "1";

/// Why a request does not count as one of the app's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFromApp {
    /// The proof header is missing.
    NoProof,
    /// The browser is loading a page or a frame.
    Navigation,
}

/// `Sec-Fetch-Dest` values of requests that load a document.
const DOCUMENT_DESTINATIONS: [&str; 5] = ["document", "iframe", "frame", "embed", "object"];

/// Checks the proof header and refuses navigations.
pub fn check(headers: &HeaderMap) -> Result<(), NotFromApp> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if text("sec-fetch-mode").as_deref() == Some("navigate")
        || text("sec-fetch-dest").is_some_and(|d| DOCUMENT_DESTINATIONS.contains(&d.as_str()))
    {
        return Err(NotFromApp::Navigation);
    }
    if !headers.contains_key(PROOF_HEADER) {
        return Err(NotFromApp::NoProof);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    /// A case: its name, the request's headers, the verdict.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Result<(), NotFromApp>);

    #[test]
    fn requests_of_the_app_and_others() {
        let cases: [Case; 7] = [
            (
                "app fetch",
                &[(PROOF_HEADER, "1"), ("sec-fetch-mode", "cors")],
                Ok(()),
            ),
            (
                "tool without fetch metadata",
                &[(PROOF_HEADER, "1")],
                Ok(()),
            ),
            (
                "no proof",
                &[("sec-fetch-mode", "cors")],
                Err(NotFromApp::NoProof),
            ),
            (
                "form post",
                &[("sec-fetch-mode", "navigate")],
                Err(NotFromApp::Navigation),
            ),
            (
                "iframe, even with the header",
                &[(PROOF_HEADER, "1"), ("sec-fetch-dest", "iframe")],
                Err(NotFromApp::Navigation),
            ),
            (
                "top-level navigation",
                &[(PROOF_HEADER, "1"), ("sec-fetch-mode", "Navigate")],
                Err(NotFromApp::Navigation),
            ),
            (
                "image",
                &[("sec-fetch-dest", "image")],
                Err(NotFromApp::NoProof),
            ),
        ];
        for (name, headers, expected) in cases {
            let mut map = HeaderMap::new();
            for (k, v) in headers {
                map.insert(*k, HeaderValue::from_static(v));
            }
            assert_eq!(check(&map), expected, "{name}");
        }
    }
}
