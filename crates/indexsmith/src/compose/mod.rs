//! Composition and editing of indexes: `docker manifest create / annotate`, `crane index append /
//! filter`, `regctl index create` as pure functions. Values in, new document out, no I/O.
//!
//! Every function returns the new document's exact bytes with their digest and size, plus
//! diagnostics: the loss report of a conversion and the validation of the result. An edit keeps
//! untouched entries and unknown members as they were, in their order; new members land where the
//! specification's field order puts them. With no edits, the input bytes come back unchanged.

mod child;
mod convert;
mod diff;
mod document;
mod edit;
mod platform_value;

pub use child::Child;
pub use diff::{diff_indexes, EntryChange, EntryDiff, FieldChange, IndexDiff};
pub use document::IndexDocument;
pub use edit::{Edit, PlatformField, Selector};

use crate::diagnostic::Diagnostic;
use crate::digest::{self, Digest};
use crate::json::value::Value;
use crate::json::write::{self, Style};
use crate::validate::{self, ValidateOptions};
use std::fmt;

/// The two index formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `application/vnd.oci.image.index.v1+json`
    Oci,
    /// `application/vnd.docker.distribution.manifest.list.v2+json`
    Docker,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Oci => crate::media_type::OCI_INDEX,
            Format::Docker => crate::media_type::DOCKER_LIST,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Oci => "oci",
            Format::Docker => "docker",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A composed document: its exact bytes, their digest and size, and what to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Composed {
    pub bytes: Vec<u8>,
    pub digest: Digest,
    pub size: u64,
    pub media_type: String,
    /// The loss report and notes of the operation, then the validation of the result.
    pub diagnostics: Vec<Diagnostic>,
}

impl Composed {
    /// The bytes as text (composition always writes UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn finish(bytes: Vec<u8>, media_type: &str, mut notes: Vec<Diagnostic>) -> Composed {
        let validation = validate::validate_document(&bytes, &ValidateOptions::default());
        notes.extend(validation.diagnostics);
        Composed {
            digest: digest::sha256(&bytes),
            size: bytes.len() as u64,
            media_type: media_type.to_owned(),
            bytes,
            diagnostics: notes,
        }
    }
}

/// Why a composition could not be done. Problems of the *result* are diagnostics, not errors.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    #[error("the input is not an index or manifest list that can be edited")]
    NotAnIndex { diagnostics: Vec<Diagnostic> },
    #[error("entry {index} does not exist; the index has {len} entries")]
    EntryOutOfRange { index: usize, len: usize },
    #[error("entry {index} is {found}, not a descriptor object; remove it or replace it")]
    EntryNotAnObject { index: usize, found: &'static str },
    #[error("no entry matches {0}")]
    NoMatch(String),
    #[error("child {index} is not a manifest or index: {reason}")]
    InvalidChild { index: usize, reason: String },
    #[error("the config of child {index} cannot be used: {reason}")]
    InvalidConfig { index: usize, reason: String },
    #[error("invalid value for platform field `{field}`: {reason}")]
    InvalidPlatformField { field: &'static str, reason: String },
    #[error("{0}")]
    Unsupported(String),
}

impl ComposeError {
    /// A stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            ComposeError::NotAnIndex { .. } => "compose/not-an-index",
            ComposeError::EntryOutOfRange { .. } => "compose/entry-out-of-range",
            ComposeError::EntryNotAnObject { .. } => "compose/entry-not-an-object",
            ComposeError::NoMatch(_) => "compose/no-match",
            ComposeError::InvalidChild { .. } => "compose/invalid-child",
            ComposeError::InvalidConfig { .. } => "compose/invalid-config",
            ComposeError::InvalidPlatformField { .. } => "compose/invalid-platform-field",
            ComposeError::Unsupported(_) => "compose/unsupported",
        }
    }
}

/// What `create_index` needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateRequest {
    pub format: Option<Format>,
    pub manifests: Vec<Child>,
    /// Index annotations (OCI only; reported as lost for Docker).
    pub annotations: Vec<(String, String)>,
    pub style: Style,
}

impl CreateRequest {
    pub fn new(format: Format) -> Self {
        CreateRequest {
            format: Some(format),
            ..CreateRequest::default()
        }
    }

    pub fn child(mut self, child: Child) -> Self {
        self.manifests.push(child);
        self
    }

    pub fn annotation(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotations.push((key.into(), value.into()));
        self
    }

    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// Creates an index from child manifests given as bytes (`docker manifest create`): each entry's
/// digest, size and media type come from the child's bytes; its platform from the child's config
/// when given, else from the caller.
pub fn create_index(request: &CreateRequest) -> Result<Composed, ComposeError> {
    let format = request.format.unwrap_or(Format::Oci);
    let mut doc = IndexDocument::empty(format, request.style);
    let mut notes = Vec::new();
    for (i, child) in request.manifests.iter().enumerate() {
        let entry = child.to_descriptor(i, format, &mut notes)?;
        doc.entries_mut().push(entry);
    }
    for (key, value) in &request.annotations {
        edit::apply(
            &mut doc,
            &Edit::Annotate {
                entry: None,
                key: key.clone(),
                value: Some(value.clone()),
            },
            &mut notes,
        )?;
    }
    Ok(doc.compose(notes))
}

/// Applies `edits` in order to the index in `bytes`. The output keeps the input's layout unless
/// `style` says otherwise. With no edits and no style, the input bytes come back unchanged.
pub fn edit_index(
    bytes: &[u8],
    edits: &[Edit],
    style: Option<Style>,
) -> Result<Composed, ComposeError> {
    let mut doc = IndexDocument::parse(bytes)?;
    if edits.is_empty() && style.is_none() {
        let media_type = doc.format().media_type();
        return Ok(Composed::finish(bytes.to_vec(), media_type, Vec::new()));
    }
    if let Some(style) = style {
        doc.set_style(style);
    }
    let mut notes = Vec::new();
    for e in edits {
        edit::apply(&mut doc, e, &mut notes)?;
    }
    Ok(doc.compose(notes))
}

/// Serializes a value in a style (helper for callers that build values themselves).
pub fn to_bytes(value: &Value, style: Style) -> Vec<u8> {
    write::to_vec(value, style)
}

/// Which entry of the index in `bytes` a client pulls for `requested`, and why (containerd's
/// `Only` matcher, or `OnlyStrict` with `strict`).
pub fn resolve_index(
    bytes: &[u8],
    requested: &crate::Platform,
    strict: bool,
) -> Result<crate::Resolution, ComposeError> {
    let doc = IndexDocument::parse(bytes)?;
    let entries = doc.entries();
    let platforms: Vec<Option<crate::Platform>> =
        entries.iter().map(platform_value::entry_platform).collect();
    let media_types: Vec<&str> = entries
        .iter()
        .map(|e| e.get("mediaType").and_then(Value::as_str).unwrap_or(""))
        .collect();
    let reference_types: Vec<Option<&str>> = entries
        .iter()
        .map(|e| platform_value::annotation(e, crate::validate::REFERENCE_TYPE))
        .collect();
    let resolve_entries: Vec<crate::resolve::Entry<'_>> = (0..entries.len())
        .map(|i| {
            crate::resolve::Entry::new(platforms[i].as_ref(), media_types[i])
                .with_reference_type(reference_types[i])
        })
        .collect();
    Ok(crate::resolve::resolve_platform(
        requested,
        strict,
        &resolve_entries,
    ))
}
