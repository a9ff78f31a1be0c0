//! Registry errors as the page shows them: classified (connection refused, host not found, TLS,
//! CORS, timeout, or the registry's own code), the code said once, the registry's message apart.

use crate::state::Failure;
use indexsmith_registry::{ErrorKind, RegistryError};

/// How the proxy names an upstream it could not reach (its message starts with the phrase after
/// `could not be reached: `), and the code the page gives each.
const PROXY_CAUSES: [(&str, &str, &str); 5] = [
    (
        "connection refused",
        "CONNECTION_REFUSED",
        "nothing listens there: check the port and that the registry is running",
    ),
    (
        "host not found",
        "HOST_NOT_FOUND",
        "the host name does not resolve: check its spelling",
    ),
    (
        "TLS failed",
        "TLS",
        "the TLS handshake failed: the registry may speak plain HTTP, or its certificate is not trusted",
    ),
    ("timed out", "TIMEOUT", "the registry did not answer in time; try again"),
    (
        "unreachable",
        "NETWORK",
        "the registry could not be reached; check the address",
    ),
];

/// The registry host named in a request URL, or in a proxy path (`/proxy/<host>/v2/…`).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut parts = rest.split('/');
    let first = parts.next().unwrap_or_default();
    if url.contains("/proxy/") {
        if let Some(host) = rest
            .split("/proxy/")
            .nth(1)
            .and_then(|r| r.split('/').next())
        {
            return host.to_owned();
        }
    }
    first.to_owned()
}

/// "MANIFEST_UNKNOWN while fetching a manifest: …" → "While fetching a manifest: …": the code is
/// shown on its own, once.
fn without_code(message: &str, code: &str) -> String {
    let rest = message
        .strip_prefix(code)
        .map(|r| r.trim_start_matches(':').trim_start())
        .unwrap_or(message);
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => message.to_owned(),
    }
}

/// The page's view of a registry error.
pub fn failure_of(e: &RegistryError) -> Failure {
    let host = e.url.as_deref().map(host_of).unwrap_or_default();
    if let (ErrorKind::Registry(_), Some(detail)) = (&e.kind, &e.detail) {
        if let Some(cause) = detail
            .strip_prefix("proxy: ")
            .and_then(|d| d.split_once(" could not be reached: "))
            .map(|(_, cause)| cause)
        {
            let (_, code, advice) = PROXY_CAUSES
                .iter()
                .find(|(phrase, _, _)| cause.starts_with(phrase))
                .unwrap_or(&PROXY_CAUSES[4]);
            return Failure::new(*code, format!("Could not reach {host}: {advice}."))
                .with_detail(cause)
                .retryable(true);
        }
    }
    let message = match &e.kind {
        ErrorKind::CorsBlocked => format!(
            "No readable answer from {host}: the registry is not running there, or it sends no CORS headers for this page. Turn the proxy on in the registry settings (⚙) to tell which."
        ),
        ErrorKind::Network => format!(
            "Could not reach {host}: check the address and that the registry is running."
        ),
        _ => without_code(&e.message, e.code()),
    };
    let mut failure = Failure::new(e.code(), message).retryable(
        e.is_retryable() || matches!(e.kind, ErrorKind::CorsBlocked | ErrorKind::Network),
    );
    failure.detail = e.detail.clone();
    failure
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        failure_of(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexsmith_registry::{Action, Response};

    fn answer(status: u16, body: &str) -> RegistryError {
        let response = Response::new(status)
            .with_header("content-type", "application/json")
            .with_body(body.as_bytes().to_vec());
        RegistryError::from_response(
            &response,
            Action::FetchManifest,
            "/proxy/127.0.0.1:5999/v2/sample/hello/manifests/latest",
        )
    }

    #[test]
    fn errors_are_classified_and_the_code_is_said_once() {
        // (case, error, code, message must contain, detail)
        let cases = [
            (
                "refused through the proxy",
                answer(
                    502,
                    r#"{"errors":[{"code":"UNKNOWN","message":"proxy: 127.0.0.1:5999 could not be reached: connection refused: error sending request: Connection refused (os error 111)"}]}"#,
                ),
                "CONNECTION_REFUSED",
                "Could not reach 127.0.0.1:5999",
                Some(
                    "connection refused: error sending request: Connection refused (os error 111)",
                ),
            ),
            (
                "dns through the proxy",
                answer(
                    502,
                    r#"{"errors":[{"code":"UNKNOWN","message":"proxy: nowhere.invalid could not be reached: host not found: dns error"}]}"#,
                ),
                "HOST_NOT_FOUND",
                "does not resolve",
                Some("host not found: dns error"),
            ),
            (
                "tls through the proxy",
                answer(
                    502,
                    r#"{"errors":[{"code":"UNKNOWN","message":"proxy: example.test could not be reached: TLS failed: invalid peer certificate"}]}"#,
                ),
                "TLS",
                "TLS handshake failed",
                Some("TLS failed: invalid peer certificate"),
            ),
            (
                "registry code",
                answer(
                    404,
                    r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
                ),
                "MANIFEST_UNKNOWN",
                "While fetching a manifest",
                Some("manifest unknown"),
            ),
            (
                "transport refusal in a browser",
                RegistryError::new(ErrorKind::CorsBlocked, "blocked")
                    .with_url("http://127.0.0.1:5999/v2/"),
                "CORS_BLOCKED",
                "No readable answer from 127.0.0.1:5999",
                None,
            ),
        ];
        for (name, error, code, contains, detail) in cases {
            let f = failure_of(&error);
            assert_eq!(f.code, code, "{name}");
            assert!(f.message.contains(contains), "{name}: {}", f.message);
            assert!(
                !f.message.contains(&format!("{code}: {code}")),
                "{name}: {}",
                f.message
            );
            assert!(
                !f.message.starts_with(code),
                "{name}: the code is shown once: {}",
                f.message
            );
            assert_eq!(f.detail.as_deref(), detail, "{name}");
        }
    }
}
