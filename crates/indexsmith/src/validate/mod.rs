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
mod platform;

pub use detect::Kind;
pub use index::{ATTESTATION_MANIFEST, REFERENCE_DIGEST, REFERENCE_TYPE};
pub use locate::MAX_PER_CODE as MAX_DIAGNOSTICS_PER_CODE;

use crate::diagnostic::{is_valid, Code, Diagnostic};
use crate::digest::{self, Digest};
use crate::json::{self, Limits, Tree};
use crate::platform::Platform;
use crate::position::LineIndex;
use context::Context;

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

/// Parses `bytes`, runs `check` on the tree, and locates every finding (at most
/// [`MAX_DIAGNOSTICS_PER_CODE`] of a code).
fn run<T>(
    bytes: &[u8],
    limits: &Limits,
    check: impl FnOnce(&mut Context<'_, '_>) -> T,
) -> (Option<T>, Vec<Diagnostic>) {
    let (tree, parse_findings) = json::parse(bytes, limits);
    let tree = tree.unwrap_or_else(|| Tree {
        text: bytes,
        text_str: None,
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
        return (out, Vec::new());
    }
    (out, locate::diagnostics(&tree, parse_findings, findings))
}

/// Validates a manifest, index or list without computing its digest.
pub fn validate_document(bytes: &[u8], options: &ValidateOptions) -> Validation {
    let (detected, mut diagnostics) = run(bytes, &options.limits, |ctx| {
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
    });
    if bytes.len() > REGISTRY_MANIFEST_LIMIT && bytes.len() <= options.limits.max_size {
        let d = Diagnostic::new(
            Code::DocumentExceedsRegistryLimit,
            format!(
                "the document is {} bytes; registries only have to accept manifests up to 4 MiB",
                bytes.len()
            ),
        )
        .with_help("split it, or check that the target registry accepts it");
        diagnostics.insert(0, d.with_span(LineIndex::new(b"").span(0, 0)));
    }
    let (kind, media_type) = detected
        .map(|d| (d.kind, d.media_type))
        .unwrap_or((None, None));
    Validation {
        kind,
        media_type,
        diagnostics: finish(diagnostics),
    }
}

/// Validates a bare descriptor without computing the digest.
pub fn validate_descriptor_only(bytes: &[u8], options: &ValidateOptions) -> Validation {
    let (_, diagnostics) = run(bytes, &options.limits, |ctx| {
        descriptor::check_descriptor(ctx, Tree::ROOT, "the descriptor");
        if let Some(p) = ctx.member(Tree::ROOT, "platform") {
            platform::check_platform(ctx, p, false, false);
        }
    });
    Validation {
        kind: None,
        media_type: None,
        diagnostics: finish(diagnostics),
    }
}

/// The platform an image config describes, with the findings of reading it.
pub fn platform_from_config(bytes: &[u8]) -> (Option<Platform>, Vec<Diagnostic>) {
    let (platform, diagnostics) = run(bytes, &Limits::default(), |ctx| {
        if ctx.expect_kind(Tree::ROOT, crate::json::NodeKind::Object, "the config") {
            config::check_config(ctx, Tree::ROOT)
        } else {
            None
        }
    });
    (platform.flatten(), finish(diagnostics))
}

/// Positions with line 0 (not located in text) become 1:1.
fn finish(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in &mut diagnostics {
        if d.span.start.line == 0 {
            d.span.start.line = 1;
            d.span.start.column = 1;
        }
        if d.span.end.line == 0 {
            d.span.end = d.span.start;
        }
    }
    diagnostics
}
