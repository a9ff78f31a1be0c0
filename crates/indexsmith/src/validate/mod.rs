//! Validation: what a document is, and everything wrong with it, located.
//!
//! [`validate`] recognises the document kind from `mediaType` — or, where `mediaType` is absent
//! (OCI allows that), from its structure, with a `document/missing-media-type` warning — and then
//! applies the rules of the OCI image-spec v1.1 and Docker's image manifest v2 schema 2. Bad input
//! is never an `Err` and never a panic: every problem is a [`Diagnostic`].
//!
//! Where the spec's JSON schemas and its prose disagree, the prose wins: an image manifest with an
//! empty `layers` array gets the warning `manifest/empty-layers` (v1.1 says SHOULD), not an error
//! (the schema says `minItems: 1`).

mod config;
mod context;
mod descriptor;
mod detect;
mod index;
mod locate;
mod manifest;
mod message;
mod platform;

pub use detect::Kind;
pub use index::{ATTESTATION_MANIFEST, REFERENCE_DIGEST, REFERENCE_TYPE};
pub use locate::{DiagnosticRef, MAX_PER_CODE as MAX_DIAGNOSTICS_PER_CODE};

use crate::diagnostic::{is_valid, Code, Diagnostic};
use crate::digest::{self, Digest};
use crate::json::{self, Limits, Tree};
use crate::platform::Platform;
use context::Context;
use message::Text;

/// Registries must accept manifests up to this size (distribution-spec); larger ones may be refused.
pub const REGISTRY_MANIFEST_LIMIT: usize = 4 * 1024 * 1024;

/// How to validate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// The kind the caller expects: used when the document has no `mediaType`, and checked
    /// against it when it has one.
    pub expect: Option<Kind>,
    pub limits: Limits,
}

impl ValidateOptions {
    pub fn expect(mut self, kind: Kind) -> Self {
        self.expect = Some(kind);
        self
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// What validation found, without the digest (callers with a faster hasher add their own).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Validation {
    pub kind: Option<Kind>,
    /// The top-level `mediaType` as written, when it is a string.
    pub media_type: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    /// True exactly when no diagnostic is an error.
    pub fn is_valid(&self) -> bool {
        is_valid(&self.diagnostics)
    }
}

/// The full result for a document: what it is, its digest and size, and the diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    pub valid: bool,
    pub kind: Option<Kind>,
    pub media_type: Option<String>,
    /// SHA-256 of the exact input bytes.
    pub digest: Digest,
    pub size: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn from_validation(validation: Validation, digest: Digest, size: u64) -> Report {
        Report {
            valid: validation.is_valid(),
            kind: validation.kind,
            media_type: validation.media_type,
            digest,
            size,
            diagnostics: validation.diagnostics,
        }
    }
}

/// Validates a manifest, index or list, and digests the exact bytes.
pub fn validate(bytes: &[u8], options: &ValidateOptions) -> Report {
    Report::from_validation(
        validate_document(bytes, options),
        digest::sha256(bytes),
        bytes.len() as u64,
    )
}

/// Validates a bare descriptor (kind `None`), and digests the exact bytes.
pub fn validate_descriptor(bytes: &[u8], options: &ValidateOptions) -> Report {
    Report::from_validation(
        validate_descriptor_only(bytes, options),
        digest::sha256(bytes),
        bytes.len() as u64,
    )
}

/// What a validation found besides its diagnostics, when they were lent out one by one
/// ([`validate_document_with`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outline {
    pub kind: Option<Kind>,
    /// The top-level `mediaType` as written, when it is a string.
    pub media_type: Option<String>,
    /// True exactly when no diagnostic is an error.
    pub valid: bool,
}

/// Parses `bytes`, runs `check` on the tree, and lends every finding to `each`, located (at most
/// [`MAX_DIAGNOSTICS_PER_CODE`] of a code). Returns what `check` returned, and whether one of
/// them is an error.
fn run<T>(
    bytes: &[u8],
    limits: &Limits,
    check: impl FnOnce(&mut Context<'_, '_>) -> T,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) -> (Option<T>, bool) {
    let (tree, parse_findings) = json::parse_deferred(bytes, limits);
    let tree = tree.unwrap_or_else(|| Tree {
        text: bytes,
        text_str: None,
        has_cr: true,
        line_breaks: None,
        nodes: Vec::new(),
    });
    let mut out = None;
    let mut findings = Vec::new();
    if !tree.nodes.is_empty() {
        let mut ctx = Context::new(&tree);
        out = Some(check(&mut ctx));
        findings = ctx.findings;
    }
    if parse_findings.is_empty() && findings.is_empty() {
        return (out, false);
    }
    let any_error = locate::lend(&tree, parse_findings, findings, each);
    (out, any_error)
}

/// Validates a manifest, index or list without computing its digest.
pub fn validate_document(bytes: &[u8], options: &ValidateOptions) -> Validation {
    let mut diagnostics = Vec::new();
    let outline =
        validate_document_with(bytes, options, &mut |d| diagnostics.push(d.to_diagnostic()));
    Validation {
        kind: outline.kind,
        media_type: outline.media_type,
        diagnostics,
    }
}

/// [`validate_document`], lending each diagnostic to `each` in report order instead of
/// collecting owned ones: what a caller that writes the report somewhere else (the npm package
/// packs it for JavaScript) uses, so that messages and pointers are written once, straight
/// where they go.
pub fn validate_document_with(
    bytes: &[u8],
    options: &ValidateOptions,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) -> Outline {
    let check = |ctx: &mut Context<'_, '_>| check_document(ctx, options);
    validate_document_with_check(bytes, options, check, each)
}

/// [`validate_document_with`] with the checks given (the document's, perhaps reading more).
fn validate_document_with_check(
    bytes: &[u8],
    options: &ValidateOptions,
    check: impl FnOnce(&mut Context<'_, '_>) -> detect::Detected,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) -> Outline {
    if bytes.len() > REGISTRY_MANIFEST_LIMIT && bytes.len() <= options.limits.max_size {
        locate::lend_unlocated(
            Code::DocumentExceedsRegistryLimit,
            Text::Owned(format!(
                "the document is {} bytes; registries only have to accept manifests up to 4 MiB",
                bytes.len()
            )),
            Some(Text::Static(
                "split it, or check that the target registry accepts it",
            )),
            each,
        );
    }
    let (detected, any_error) = run(bytes, &options.limits, check, each);
    let (kind, media_type) = detected
        .map(|d| (d.kind, d.media_type))
        .unwrap_or((None, None));
    Outline {
        kind,
        media_type,
        valid: !any_error,
    }
}

/// Detects what the document is and runs that kind's checks.
fn check_document(ctx: &mut Context<'_, '_>, options: &ValidateOptions) -> detect::Detected {
    let detected = detect::detect(ctx, options.expect);
    if let Some(kind) = detected.kind {
        detect::check_schema_version(ctx, Tree::ROOT);
        match kind {
            Kind::OciIndex => index::check_index(ctx, Tree::ROOT, false),
            Kind::DockerManifestList => index::check_index(ctx, Tree::ROOT, true),
            Kind::OciManifest => manifest::check_manifest(ctx, Tree::ROOT, false),
            Kind::DockerManifest => manifest::check_manifest(ctx, Tree::ROOT, true),
        }
    } else if detected.is_config {
        config::check_config(ctx, Tree::ROOT);
    }
    detected
}

/// [`validate`], also giving the document's value as it was parsed for the validation (`None`
/// when it is not JSON): one parse for a caller that shows the document as well as its report
/// (the app, on every edit). The value is [`json::parse_value`]'s.
pub fn validate_and_read(
    bytes: &[u8],
    options: &ValidateOptions,
) -> (Report, Option<json::value::Value>) {
    let mut diagnostics = Vec::new();
    let mut value = None;
    let check = |ctx: &mut Context<'_, '_>| {
        value = Some(json::value::Value::from_tree(ctx.tree, Tree::ROOT));
        check_document(ctx, options)
    };
    let mut each = |d: &mut DiagnosticRef<'_>| diagnostics.push(d.to_diagnostic());
    let outline = validate_document_with_check(bytes, options, check, &mut each);
    let report = Report::from_validation(
        Validation {
            kind: outline.kind,
            media_type: outline.media_type,
            diagnostics,
        },
        digest::sha256(bytes),
        bytes.len() as u64,
    );
    (report, value)
}

/// Validates a bare descriptor without computing the digest.
pub fn validate_descriptor_only(bytes: &[u8], options: &ValidateOptions) -> Validation {
    let mut diagnostics = Vec::new();
    validate_descriptor_with(bytes, options, &mut |d| diagnostics.push(d.to_diagnostic()));
    Validation {
        kind: None,
        media_type: None,
        diagnostics,
    }
}

/// [`validate_descriptor_only`], lending each diagnostic to `each` (see
/// [`validate_document_with`]).
pub fn validate_descriptor_with(
    bytes: &[u8],
    options: &ValidateOptions,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) -> Outline {
    let check = |ctx: &mut Context<'_, '_>| {
        descriptor::check_descriptor(ctx, Tree::ROOT, "the descriptor");
        if let Some(p) = ctx.member(Tree::ROOT, "platform") {
            platform::check_platform(ctx, p, false, false);
        }
    };
    let (_, any_error) = run(bytes, &options.limits, check, each);
    Outline {
        kind: None,
        media_type: None,
        valid: !any_error,
    }
}

/// The platform an image config describes, with the findings of reading it.
pub fn platform_from_config(bytes: &[u8]) -> (Option<Platform>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let check = |ctx: &mut Context<'_, '_>| {
        if ctx.expect_kind(Tree::ROOT, crate::json::NodeKind::Object, "the config") {
            config::check_config(ctx, Tree::ROOT)
        } else {
            None
        }
    };
    let (platform, _) = run(bytes, &Limits::default(), check, &mut |d| {
        diagnostics.push(d.to_diagnostic())
    });
    (platform.flatten(), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_and_read_gives_validates_report_and_parse_values_value() {
        let cases: &[&[u8]] = &[
            br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
            br#"{"schemaVersion":2,"manifests":[{"mediaType":"x"}],"manifests":[1]}"#,
            br#"{"a": "\ud800", "b": [1, 2.5e3, null, true]}"#,
            br#"[1, 2"#,
            b"not json",
            b"",
            b"\xff\xfe{}",
        ];
        let options = ValidateOptions::default();
        for &bytes in cases {
            let (report, value) = validate_and_read(bytes, &options);
            assert_eq!(report, validate(bytes, &options), "{bytes:?}");
            assert_eq!(value, json::parse_value(bytes).ok(), "{bytes:?}");
        }
    }
}
