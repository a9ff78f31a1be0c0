//! Errors of registry operations: the distribution spec's error codes, and what can go wrong
//! below them (transport, content, protocol).
//!
//! Every [`RegistryError`] has a stable [`RegistryError::code`] string to match on, the HTTP
//! status when there was one, [`RegistryError::is_retryable`], and a message that says what to do.

use crate::http::{FailureKind, Response};
use indexsmith::json::{self, value::Value, write::Style};
use std::fmt;

/// The error codes of the OCI distribution spec (`code` in an error body).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    /// A code outside the spec, kept as the registry sent it.
    Other(String),
}

impl ErrorCode {
    pub fn parse(s: &str) -> ErrorCode {
        match s {
            "BLOB_UNKNOWN" => ErrorCode::BlobUnknown,
            "BLOB_UPLOAD_INVALID" => ErrorCode::BlobUploadInvalid,
            "BLOB_UPLOAD_UNKNOWN" => ErrorCode::BlobUploadUnknown,
            "DIGEST_INVALID" => ErrorCode::DigestInvalid,
            "MANIFEST_BLOB_UNKNOWN" => ErrorCode::ManifestBlobUnknown,
            "MANIFEST_INVALID" => ErrorCode::ManifestInvalid,
            "MANIFEST_UNKNOWN" => ErrorCode::ManifestUnknown,
            "NAME_INVALID" => ErrorCode::NameInvalid,
            "NAME_UNKNOWN" => ErrorCode::NameUnknown,
            "SIZE_INVALID" => ErrorCode::SizeInvalid,
            "UNAUTHORIZED" => ErrorCode::Unauthorized,
            "DENIED" => ErrorCode::Denied,
            "UNSUPPORTED" => ErrorCode::Unsupported,
            "TOOMANYREQUESTS" => ErrorCode::TooManyRequests,
            other => ErrorCode::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::BlobUnknown => "BLOB_UNKNOWN",
            ErrorCode::BlobUploadInvalid => "BLOB_UPLOAD_INVALID",
            ErrorCode::BlobUploadUnknown => "BLOB_UPLOAD_UNKNOWN",
            ErrorCode::DigestInvalid => "DIGEST_INVALID",
            ErrorCode::ManifestBlobUnknown => "MANIFEST_BLOB_UNKNOWN",
            ErrorCode::ManifestInvalid => "MANIFEST_INVALID",
            ErrorCode::ManifestUnknown => "MANIFEST_UNKNOWN",
            ErrorCode::NameInvalid => "NAME_INVALID",
            ErrorCode::NameUnknown => "NAME_UNKNOWN",
            ErrorCode::SizeInvalid => "SIZE_INVALID",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Denied => "DENIED",
            ErrorCode::Unsupported => "UNSUPPORTED",
            ErrorCode::TooManyRequests => "TOOMANYREQUESTS",
            ErrorCode::Other(s) => s,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an operation was doing when it failed; it chooses the advice in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum Action {
    Ping,
    Token,
    FetchManifest,
    HeadManifest,
    PushManifest,
    FetchBlob,
    HeadBlob,
    MountBlob,
    UploadBlob,
    ListTags,
    Referrers,
}

impl Action {
    fn describe(self) -> &'static str {
        match self {
            Action::Ping => "checking the registry",
            Action::Token => "getting a token",
            Action::FetchManifest => "fetching a manifest",
            Action::HeadManifest => "checking a manifest",
            Action::PushManifest => "pushing a manifest",
            Action::FetchBlob => "fetching a blob",
            Action::HeadBlob => "checking a blob",
            Action::MountBlob => "mounting a blob",
            Action::UploadBlob => "uploading a blob",
            Action::ListTags => "listing tags",
            Action::Referrers => "listing referrers",
        }
    }
}

/// The kind of a [`RegistryError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The registry answered with a distribution error body.
    Registry(ErrorCode),
    /// The browser hid the response: the registry sends no CORS headers.
    CorsBlocked,
    Timeout,
    Network,
    /// The server answered, but not like a registry (an HTML page, a body that is not JSON).
    NotARegistry,
    /// Content did not hash to the digest it was addressed by or announced with.
    DigestMismatch {
        expected: String,
        actual: String,
    },
    /// A status the protocol does not allow at this step, without an error body.
    UnexpectedStatus,
    /// A response the protocol does not allow (missing `Location`, unparsable JSON).
    InvalidResponse,
    /// The caller asked for something this operation refuses (e.g. a nested index).
    InvalidInput,
    /// An answer larger than its limit (a manifest or config over 4 MiB), refused before it was
    /// read whole.
    TooLarge,
}

/// A failed registry operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryError {
    pub kind: ErrorKind,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// What happened and what to do, in plain language.
    pub message: String,
    /// The registry's own message or detail, when it sent one.
    pub detail: Option<String>,
    /// The request URL, when one was involved.
    pub url: Option<String>,
    /// Seconds to wait before trying again, from a `Retry-After` header in seconds.
    pub retry_after: Option<u64>,
}

impl RegistryError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RegistryError {
        RegistryError {
            kind,
            status: None,
            message: message.into(),
            detail: None,
            url: None,
            retry_after: None,
        }
    }

    pub fn with_status(mut self, status: u16) -> RegistryError {
        self.status = Some(status);
        self
    }

    pub fn with_url(mut self, url: impl Into<String>) -> RegistryError {
        self.url = Some(url.into());
        self
    }

    /// A stable code: the distribution code (`MANIFEST_UNKNOWN`, …) or one of `CORS_BLOCKED`,
    /// `TIMEOUT`, `NETWORK`, `NOT_A_REGISTRY`, `DIGEST_MISMATCH`, `UNEXPECTED_STATUS`,
    /// `INVALID_RESPONSE`, `INVALID_INPUT`, `TOO_LARGE`.
    pub fn code(&self) -> &str {
        match &self.kind {
            ErrorKind::Registry(c) => c.as_str(),
            ErrorKind::CorsBlocked => "CORS_BLOCKED",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Network => "NETWORK",
            ErrorKind::NotARegistry => "NOT_A_REGISTRY",
            ErrorKind::DigestMismatch { .. } => "DIGEST_MISMATCH",
            ErrorKind::UnexpectedStatus => "UNEXPECTED_STATUS",
            ErrorKind::InvalidResponse => "INVALID_RESPONSE",
            ErrorKind::InvalidInput => "INVALID_INPUT",
            ErrorKind::TooLarge => "TOO_LARGE",
        }
    }

    /// True when trying the same operation again later may succeed (ggcr's `Temporary()`):
    /// timeouts, network failures, 429 and 5xx answers.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Timeout | ErrorKind::Network => true,
            ErrorKind::Registry(ErrorCode::TooManyRequests) => true,
            ErrorKind::Registry(_) | ErrorKind::UnexpectedStatus => {
                matches!(self.status, Some(408 | 429 | 500 | 502 | 503 | 504))
            }
            _ => false,
        }
    }

    pub(crate) fn transport(kind: FailureKind, message: &str, url: &str) -> RegistryError {
        let (kind, text) = match kind {
            FailureKind::CorsBlocked => (
                ErrorKind::CorsBlocked,
                format!("the browser blocked the response from {url}: the registry does not send CORS headers for this page's origin; use a registry or proxy that allows it, or the command-line tools"),
            ),
            FailureKind::Timeout => (ErrorKind::Timeout, format!("no answer from {url} in time; try again")),
            FailureKind::Network => (
                ErrorKind::Network,
                format!("could not reach {url} ({message}); check the registry address and that it is running"),
            ),
            FailureKind::TooLarge => (
                ErrorKind::TooLarge,
                format!("{url} answered with more than a manifest may have ({message}); registries refuse manifests over 4 MiB, so this is not one: nothing more was read"),
            ),
        };
        let mut e = RegistryError::new(kind, text).with_url(url);
        if !message.is_empty() {
            e.detail = Some(message.to_owned());
        }
        e
    }

    pub(crate) fn digest_mismatch(what: &str, expected: &str, actual: &str) -> RegistryError {
        RegistryError::new(
            ErrorKind::DigestMismatch { expected: expected.to_owned(), actual: actual.to_owned() },
            format!("{what} hashes to {actual}, not {expected}: the content was altered or the registry is broken; nothing was accepted"),
        )
    }

    pub(crate) fn invalid_response(
        message: impl Into<String>,
        response: &Response,
        url: &str,
    ) -> RegistryError {
        RegistryError::new(ErrorKind::InvalidResponse, message)
            .with_status(response.status)
            .with_url(url)
    }

    /// Builds the error for a response that was not what `action` expected.
    pub fn from_response(response: &Response, action: Action, url: &str) -> RegistryError {
        let status = response.status;
        let body = response.body.bytes();
        let content_type = response
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let parsed = parse_error_body(body);
        let mut err = match parsed {
            Some((code, registry_message, detail)) => {
                let code = ErrorCode::parse(&code);
                let advice = advice(&code, action);
                let mut e = RegistryError::new(
                    ErrorKind::Registry(code.clone()),
                    format!("{} while {}: {}", code, action.describe(), advice),
                );
                e.detail = match (registry_message.is_empty(), detail) {
                    (false, Some(d)) => Some(format!("{registry_message} ({d})")),
                    (false, None) => Some(registry_message),
                    (true, d) => d,
                };
                e
            }
            None if content_type.contains("text/html") || looks_like_html(body) => RegistryError::new(
                ErrorKind::NotARegistry,
                format!("{url} answered {} with an HTML page while {}: this address is not an OCI registry API (check the host; Docker Hub's API is registry-1.docker.io)", status, action.describe()),
            ),
            None => {
                let code = match status {
                    401 => Some(ErrorCode::Unauthorized),
                    403 => Some(ErrorCode::Denied),
                    429 => Some(ErrorCode::TooManyRequests),
                    404 if matches!(action, Action::FetchManifest | Action::HeadManifest) => Some(ErrorCode::ManifestUnknown),
                    404 if matches!(action, Action::FetchBlob | Action::HeadBlob) => Some(ErrorCode::BlobUnknown),
                    _ => None,
                };
                match code {
                    Some(code) => {
                        let advice = advice(&code, action);
                        RegistryError::new(ErrorKind::Registry(code.clone()), format!("{} while {}: {}", code, action.describe(), advice))
                    }
                    None => RegistryError::new(
                        ErrorKind::UnexpectedStatus,
                        format!("unexpected HTTP {} while {}{}", status, action.describe(), if status >= 500 { "; the registry failed, try again" } else { "" }),
                    ),
                }
            }
        };
        err.status = Some(status);
        err.url = Some(url.to_owned());
        err.retry_after = response
            .header("retry-after")
            .and_then(|v| v.trim().parse().ok());
        err
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(d) = &self.detail {
            write!(f, " (registry said: {d})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RegistryError {}

/// `{ code, status, message, detail, url, retryable }`: what a UI or a JS caller needs.
#[cfg(feature = "serde")]
impl serde::Serialize for RegistryError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RegistryError", 7)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("detail", &self.detail)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("retryable", &self.is_retryable())?;
        st.serialize_field("retryAfter", &self.retry_after)?;
        st.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// The first error of a distribution error body: `(code, message, detail as JSON text)`.
pub fn parse_error_body(body: &[u8]) -> Option<(String, String, Option<String>)> {
    let value = json::parse_value(body).ok()?;
    let first = value.get("errors")?.as_array()?.first()?;
    let code = first.get("code")?.as_str()?.to_owned();
    let message = first
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let detail = match first.get("detail") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            Some(String::from_utf8_lossy(&json::write::to_vec(other, Style::Compact)).into_owned())
        }
    };
    Some((code, message, detail))
}

/// What to do about an error code during an action.
fn advice(code: &ErrorCode, action: Action) -> &'static str {
    match (code, action) {
        (ErrorCode::ManifestBlobUnknown, _) => {
            "a child manifest or blob is not in the target repository; push children first or give a source repository to mount from"
        }
        (ErrorCode::ManifestUnknown, Action::PushManifest) => {
            "a child manifest is not in the target repository; push children first or give a source repository to mount from"
        }
        (ErrorCode::ManifestUnknown, _) => "no manifest with this tag or digest in the repository; check the tag or digest",
        (ErrorCode::ManifestInvalid, _) => "the registry refused the manifest as invalid; validate it and check its media type",
        (ErrorCode::BlobUnknown, _) => "the blob is not in the repository; push it or mount it from a repository that has it",
        (ErrorCode::BlobUploadInvalid, _) | (ErrorCode::BlobUploadUnknown, _) => "the upload session was lost or rejected; start the push again",
        (ErrorCode::DigestInvalid, _) => "the registry computed a different digest for the content; the content was altered in transit",
        (ErrorCode::SizeInvalid, _) => "the content length does not match the descriptor's size",
        (ErrorCode::NameInvalid, _) => "the repository name is not valid on this registry",
        (ErrorCode::NameUnknown, _) => "the repository does not exist or you have no access to it; check its name and your credentials",
        (ErrorCode::Unauthorized, Action::Token) => "the token service refused the credentials; check the user name and password or token",
        (ErrorCode::Unauthorized, _) => "authentication is required or the credentials were refused; log in with valid credentials",
        (ErrorCode::Denied, _) => "the credentials are valid but not allowed to do this; ask for access to the repository",
        (ErrorCode::Unsupported, _) => "the registry does not support this operation",
        (ErrorCode::TooManyRequests, _) => "the registry is rate limiting you; wait and try again, or log in for a higher limit",
        (ErrorCode::Other(_), _) => "the registry reported an error outside the distribution spec",
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // case tables are tuples
mod tests {
    use super::*;

    #[test]
    fn parses_error_bodies() {
        let cases: &[(&str, u16, &str, &[u8], Action, &str, bool)] = &[
            ("manifest unknown", 404, "application/json", br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#, Action::FetchManifest, "MANIFEST_UNKNOWN", false),
            ("blob unknown on push", 400, "application/json", br#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#, Action::PushManifest, "MANIFEST_BLOB_UNKNOWN", false),
            ("rate limit", 429, "application/json", br#"{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}"#, Action::FetchManifest, "TOOMANYREQUESTS", true),
            ("unknown code", 400, "application/json", br#"{"errors":[{"code":"QUOTA_EXCEEDED"}]}"#, Action::UploadBlob, "QUOTA_EXCEEDED", false),
            ("html page", 404, "text/html", b"<!DOCTYPE html><html></html>", Action::FetchManifest, "NOT_A_REGISTRY", false),
            ("html without type", 200, "", b"  <html><body>hi", Action::FetchManifest, "NOT_A_REGISTRY", false),
            ("bare 404 manifest", 404, "text/plain", b"404 page not found", Action::FetchManifest, "MANIFEST_UNKNOWN", false),
            ("bare 401", 401, "", b"", Action::FetchBlob, "UNAUTHORIZED", false),
            ("bare 500", 500, "", b"", Action::PushManifest, "UNEXPECTED_STATUS", true),
            ("bare 400", 400, "", b"", Action::UploadBlob, "UNEXPECTED_STATUS", false),
        ];
        for (name, status, ct, body, action, code, retryable) in cases {
            let resp = Response::new(*status)
                .with_header("Content-Type", *ct)
                .with_body(body.to_vec());
            let e = RegistryError::from_response(&resp, *action, "http://r/v2/x");
            assert_eq!(e.code(), *code, "{name}");
            assert_eq!(e.is_retryable(), *retryable, "{name}");
            assert_eq!(e.status, Some(*status), "{name}");
        }
        // (body, the first error's code, message and detail as text)
        let bodies: &[(&[u8], Option<(&str, &str, Option<&str>)>)] = &[
            (
                br#"{"errors":[{"code":"A","message":"m","detail":{"Tag":"x"}}]}"#,
                Some(("A", "m", Some(r#"{"Tag":"x"}"#))),
            ),
            (
                br#"{"errors":[{"code":"A","detail":"text"},{"code":"B"}]}"#,
                Some(("A", "", Some("text"))),
            ),
            (
                br#"{"errors":[{"code":"A","message":null,"detail":null}]}"#,
                Some(("A", "", None)),
            ),
            (br#"{"errors":[{"message":"no code"}]}"#, None),
            (br#"{"errors":[]}"#, None),
            (br#"{"errors":{}}"#, None),
            (b"[1]", None),
            (b"not json", None),
        ];
        for (body, expected) in bodies {
            let parsed = parse_error_body(body);
            let parsed = parsed
                .as_ref()
                .map(|(c, m, d)| (c.as_str(), m.as_str(), d.as_deref()));
            assert_eq!(parsed, *expected, "{}", String::from_utf8_lossy(body));
        }
        let limited = Response::new(429).with_header("Retry-After", "30");
        assert_eq!(
            RegistryError::from_response(&limited, Action::FetchManifest, "u").retry_after,
            Some(30)
        );
        let dated = Response::new(503).with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(
            RegistryError::from_response(&dated, Action::FetchManifest, "u").retry_after,
            None
        );
    }

    #[test]
    fn advice_for_missing_children() {
        let resp = Response::new(400).with_body(br#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:00"}]}"#.to_vec());
        let e = RegistryError::from_response(&resp, Action::PushManifest, "u");
        assert!(
            e.message
                .contains("push children first or give a source repository to mount from"),
            "{}",
            e.message
        );
        assert_eq!(
            e.detail.as_deref(),
            Some("blob unknown to registry (sha256:00)")
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in [
            "BLOB_UNKNOWN",
            "BLOB_UPLOAD_INVALID",
            "BLOB_UPLOAD_UNKNOWN",
            "DIGEST_INVALID",
            "MANIFEST_BLOB_UNKNOWN",
            "MANIFEST_INVALID",
            "MANIFEST_UNKNOWN",
            "NAME_INVALID",
            "NAME_UNKNOWN",
            "SIZE_INVALID",
            "UNAUTHORIZED",
            "DENIED",
            "UNSUPPORTED",
            "TOOMANYREQUESTS",
            "X_Y",
        ] {
            assert_eq!(ErrorCode::parse(s).as_str(), s);
        }
        assert!(!matches!(ErrorCode::parse("DENIED"), ErrorCode::Other(_)));
    }
}
