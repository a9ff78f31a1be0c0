//! The registry of every stable code a caller can match on, in one place: the diagnostic codes
//! ([`Code`], with their default severity), and the codes of errors that end a call — thrown to
//! JavaScript, returned as `Err` in Rust, shown by the app — listed in [`ERROR_CODES`].
//!
//! Codes are stable: never renamed; a retired code stays listed, reserved. A code used anywhere
//! in the project (Rust, the npm package's JavaScript, the app) must be listed here: the test
//! `tests/codes.rs` reads the sources and fails on a code this registry does not know, and
//! `CODES.md`, the table users read, is generated from it.
//!
//! Two spellings coexist, by family: `area/name` for the core's own codes (diagnostics, parsers,
//! composition, resolution) and for what the app reports; `SCREAMING_SNAKE_CASE` for the registry
//! protocol, as the distribution spec spells its error codes (`MANIFEST_UNKNOWN`), with the codes
//! this project adds beside them (`TIMEOUT`, `TOO_LARGE`, …); and lower-case words for the npm
//! package's own errors (`invalid-input`: a document that is not a string or bytes, unlike the
//! registry's `INVALID_INPUT`, a request an operation refuses).

use crate::diagnostic::{Code, Severity};

/// Where a code comes from, which says how a caller meets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Family {
    /// A finding in a report (`Diagnostic.code`): data, never thrown.
    Diagnostic,
    /// A parser or a composition refused its input: `Err` in Rust, an `Error` with `code` in JS.
    Core,
    /// The verdict of pull resolution on one entry (`Candidate.reason`): data, never thrown.
    Resolve,
    /// A registry operation failed (`RegistryError.code`), in Rust, JS, the CLI and the app.
    Registry,
    /// The npm package refused a call or could not run it.
    Package,
    /// The app refused an action, or names a failure the registry error does not.
    App,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Diagnostic => "diagnostic",
            Family::Core => "core",
            Family::Resolve => "resolve",
            Family::Registry => "registry",
            Family::Package => "package",
            Family::App => "app",
        }
    }
}

/// One registered code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub family: Family,
    /// How bad it is: a diagnostic's default severity; `Error` for a failed call; `Info` for a
    /// resolution verdict.
    pub severity: Severity,
    pub description: &'static str,
}

const fn entry(
    code: &'static str,
    family: Family,
    severity: Severity,
    description: &'static str,
) -> CodeInfo {
    CodeInfo {
        code,
        family,
        severity,
        description,
    }
}

macro_rules! errors {
    ($family:ident, $severity:ident: $( $code:literal => $description:literal, )*) => {
        [ $( entry($code, Family::$family, Severity::$severity, $description), )* ]
    };
}

const PLATFORM: [CodeInfo; 9] = errors! { Core, Error:
    "platform/empty" => "An empty platform specifier.",
    "platform/wildcard" => "A `*` where a specifier needs a value.",
    "platform/invalid-os-component" => "The OS part (with its optional `(os.version)`) is malformed.",
    "platform/invalid-component" => "A part with characters a platform component cannot have.",
    "platform/invalid-escape" => "A bad escape in the `os.version` part.",
    "platform/too-many-components" => "More than `os/architecture/variant`.",
    "platform/unknown-os-or-architecture" => "A single part that is neither a known OS nor a known architecture.",
    "platform/invalid-os-version" => "An `os.version` that is not a version.",
    "platform/conflicting-os-version" => "Two different `os.version`s in one specifier.",
};

const REFERENCE: [CodeInfo; 9] = errors! { Core, Error:
    "reference/empty" => "An empty reference.",
    "reference/invalid-format" => "Not `[registry/]path[:tag][@digest]`.",
    "reference/name-contains-uppercase" => "A repository path with upper-case letters.",
    "reference/name-too-long" => "A repository name over 255 characters.",
    "reference/invalid-tag" => "A tag outside `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.",
    "reference/invalid-digest" => "A digest that does not parse.",
    "reference/unsupported-digest" => "A digest of an algorithm this client does not know.",
    "reference/identifier-not-name" => "A 64-hex identifier where a name was expected.",
    "reference/name-not-canonical" => "A name that normalization would change, where the canonical form is required.",
};

const COMPOSE: [CodeInfo; 8] = errors! { Core, Error:
    "compose/not-an-index" => "The document to edit is not an index or manifest list (the diagnostics say why).",
    "compose/entry-out-of-range" => "An entry position past the end of `manifests`.",
    "compose/entry-not-an-object" => "An edit of an entry of `manifests` that is not an object.",
    "compose/no-match" => "A selector that matches no entry.",
    "compose/invalid-child" => "A child manifest that cannot be an entry of an index.",
    "compose/invalid-config" => "A child's config that gives no platform.",
    "compose/invalid-platform-field" => "A platform field value that is not valid.",
    "compose/unsupported" => "An edit the target format cannot carry.",
};

const RESOLVE: [CodeInfo; 7] = errors! { Resolve, Info:
    "resolve/selected" => "The entry a pull selects.",
    "resolve/selected-without-platform" => "Selected although it has no platform: no entry's platform matches.",
    "resolve/outranked" => "It matches, but another entry is preferred.",
    "resolve/without-platform" => "No platform: kept after every matching entry.",
    "resolve/platform-mismatch" => "Its platform is not one the request runs.",
    "resolve/attestation" => "An attestation manifest (BuildKit provenance or SBOM).",
    "resolve/unknown-platform" => "Platform `unknown/unknown`, which BuildKit gives attestations.",
};

const REGISTRY: [CodeInfo; 23] = errors! { Registry, Error:
    "BLOB_UNKNOWN" => "Distribution spec: the blob is not in the repository.",
    "BLOB_UPLOAD_INVALID" => "Distribution spec: the upload was refused.",
    "BLOB_UPLOAD_UNKNOWN" => "Distribution spec: the upload session is unknown.",
    "DIGEST_INVALID" => "Distribution spec: the content does not match its digest.",
    "MANIFEST_BLOB_UNKNOWN" => "Distribution spec: a blob the manifest references is missing.",
    "MANIFEST_INVALID" => "Distribution spec: the registry refused the manifest.",
    "MANIFEST_UNKNOWN" => "Distribution spec: no such manifest (tag or digest).",
    "NAME_INVALID" => "Distribution spec: an invalid repository name.",
    "NAME_UNKNOWN" => "Distribution spec: no such repository.",
    "SIZE_INVALID" => "Distribution spec: the content does not have its announced size.",
    "UNAUTHORIZED" => "Distribution spec: credentials are needed, or were refused.",
    "DENIED" => "Distribution spec: the credentials do not allow this.",
    "UNSUPPORTED" => "Distribution spec: the registry does not support this.",
    "TOOMANYREQUESTS" => "Distribution spec: rate-limited; retryable.",
    "CORS_BLOCKED" => "The browser hid the answer: the registry sends no CORS headers for the page's origin.",
    "TIMEOUT" => "No answer in time; retryable.",
    "NETWORK" => "The registry could not be reached; retryable.",
    "NOT_A_REGISTRY" => "The address answered, but not as a registry API (an HTML page).",
    "DIGEST_MISMATCH" => "Content does not hash to the digest it was addressed by; nothing was accepted.",
    "UNEXPECTED_STATUS" => "An HTTP status the protocol does not allow at this step.",
    "INVALID_RESPONSE" => "An answer the protocol does not allow (no `Location`, a body that does not parse).",
    "INVALID_INPUT" => "The operation refuses the request (a nested index, a bad option, an unusable manifest).",
    "TOO_LARGE" => "A manifest or config over 4 MiB, refused before it was read whole.",
};

/// Codes registries send beside the spec's, which the client passes on as sent.
const REGISTRY_EXTRA: [CodeInfo; 1] = errors! { Registry, Error:
    "UNKNOWN" => "A registry's (or the proxy's) catch-all code; the message says more.",
};

const PACKAGE: [CodeInfo; 6] = errors! { Package, Error:
    "invalid-input" => "A document that is neither a string nor a `Uint8Array`.",
    "invalid-options" => "An options or request object, or an edit, without the documented shape.",
    "invalid-algorithm" => "`digest` with an algorithm other than `sha256` or `sha512`.",
    "uninitialized" => "A call before `init()` in a browser.",
    "load-failed" => "A WebAssembly module could not be loaded; `url` says from where.",
    "internal" => "A bug: the WebAssembly module trapped (it has been re-instantiated).",
};

const APP: [CodeInfo; 8] = errors! { App, Error:
    "CONNECTION_REFUSED" => "The proxy reached the host, but nothing listens on the port.",
    "HOST_NOT_FOUND" => "The proxy could not resolve the registry's host name.",
    "TLS" => "The TLS handshake with the registry failed (plain HTTP, or an untrusted certificate).",
    "inspect/platform-mismatch" => "An entry's platform differs from the one its image's config declares.",
    "inspect/no-repository" => "Inspecting entries needs the repository that holds them.",
    "copy/nothing-ticked" => "A copy of no platform.",
    "reference/digest" => "A push or copy target given by digest, where a tag is needed.",
    "compose/nested-index" => "An index given where an entry must be an image manifest.",
};

/// Every code that is not a diagnostic code, by family.
pub const ERROR_CODES: &[&[CodeInfo]] = &[
    &PLATFORM,
    &REFERENCE,
    &COMPOSE,
    &RESOLVE,
    &REGISTRY,
    &REGISTRY_EXTRA,
    &PACKAGE,
    &APP,
];

/// Every registered code: the diagnostic codes first, then [`ERROR_CODES`]. A code that is both
/// (a parser's error that validation also reports, such as `platform/missing-os`) is listed once,
/// as a diagnostic.
pub fn all() -> impl Iterator<Item = CodeInfo> {
    Code::ALL
        .iter()
        .map(|c| {
            entry(
                c.as_str(),
                Family::Diagnostic,
                c.default_severity(),
                c.description(),
            )
        })
        .chain(ERROR_CODES.iter().flat_map(|f| f.iter().copied()))
}

/// The registered code `code`.
pub fn lookup(code: &str) -> Option<CodeInfo> {
    all().find(|c| c.code == code)
}

/// The table of codes as Markdown (what `CODES.md` holds).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Codes\n\n\
         Every stable code of indexsmith, generated from its registry (`crates/indexsmith/src/codes.rs`,\n\
         with the diagnostic codes of `crates/indexsmith/src/diagnostic.rs`). Match on the code, never\n\
         on the message. Codes are never renamed; a retired code stays listed.\n\n\
         | code | family | severity | what |\n| --- | --- | --- | --- |\n",
    );
    for c in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            c.code,
            c.family.as_str(),
            c.severity.as_str(),
            c.description.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_code_is_listed_once_in_its_family_form() {
        let mut seen = HashSet::new();
        for c in all() {
            assert!(seen.insert(c.code), "{} is listed twice", c.code);
            let area_name = c.code.split_once('/').is_some_and(|(area, name)| {
                !area.is_empty()
                    && !name.is_empty()
                    && c.code
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"/-".contains(&b))
            });
            let screaming = c
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            let words = c.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
            let form = match c.family {
                Family::Diagnostic | Family::Core | Family::Resolve => area_name,
                Family::Registry => screaming,
                Family::Package => words,
                Family::App => area_name || screaming,
            };
            assert!(form, "{}: not in the form of its family", c.code);
            assert!(!c.description.is_empty(), "{}: no description", c.code);
        }
    }

    #[test]
    fn the_core_errors_are_registered() {
        let platform = ["", "*", "linux/amd64/v1/x", "linux", "amd64", "foo"]
            .iter()
            .filter_map(|s| crate::platform::parse(s).err())
            .map(|e| e.code());
        let reference = ["", "UPPER/case", "a:b:c", "a@sha256:x", "x@foo:1"]
            .iter()
            .filter_map(|s| s.parse::<crate::Reference>().err())
            .map(|e| e.code());
        let mut n = 0;
        for code in platform.chain(reference) {
            assert!(lookup(code).is_some(), "{code} is not registered");
            n += 1;
        }
        assert!(n >= 8, "the cases give errors");
    }
}
