//! The result of validating a document: the report, its diagnostics, their spans.

use serde::Serialize;

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    OciIndex,
    OciManifest,
    DockerManifestList,
    DockerManifest,
}

impl From<indexsmith::Kind> for Kind {
    fn from(k: indexsmith::Kind) -> Kind {
        match k {
            indexsmith::Kind::OciIndex => Kind::OciIndex,
            indexsmith::Kind::OciManifest => Kind::OciManifest,
            indexsmith::Kind::DockerManifestList => Kind::DockerManifestList,
            indexsmith::Kind::DockerManifest => Kind::DockerManifest,
        }
    }
}

impl From<Kind> for indexsmith::Kind {
    fn from(k: Kind) -> indexsmith::Kind {
        match k {
            Kind::OciIndex => indexsmith::Kind::OciIndex,
            Kind::OciManifest => indexsmith::Kind::OciManifest,
            Kind::DockerManifestList => indexsmith::Kind::DockerManifestList,
            Kind::DockerManifest => indexsmith::Kind::DockerManifest,
        }
    }
}

/// How bad a finding is. `"error"` makes the document invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl From<indexsmith::Severity> for Severity {
    fn from(s: indexsmith::Severity) -> Severity {
        match s {
            indexsmith::Severity::Error => Severity::Error,
            indexsmith::Severity::Warning => Severity::Warning,
            indexsmith::Severity::Info => Severity::Info,
        }
    }
}

/// A place in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in UTF-16 code units (as JS strings count).
    pub column: u32,
    /// 0-based offset in UTF-8 bytes.
    pub offset: u32,
}

/// A range of text, `end` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl From<indexsmith::Span> for Span {
    fn from(s: indexsmith::Span) -> Span {
        let p = |p: indexsmith::Position| Position {
            line: p.line,
            column: p.column,
            offset: p.offset,
        };
        Span {
            start: p(s.start),
            end: p(s.end),
        }
    }
}

/// One finding, located.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable `area/name` code, e.g. `index/duplicate-platform`. Match on this, not on `message`.
    pub code: String,
    pub message: String,
    /// RFC 6901 JSON pointer to the value concerned (`""` is the whole document).
    pub pointer: String,
    /// The line of the start of `span`.
    pub line: u32,
    /// The column of the start of `span`, in UTF-16 code units.
    pub column: u32,
    pub span: Span,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

impl From<indexsmith::Diagnostic> for Diagnostic {
    fn from(d: indexsmith::Diagnostic) -> Diagnostic {
        Diagnostic {
            severity: d.severity.into(),
            code: d.code.as_str().to_owned(),
            line: d.line(),
            column: d.column(),
            message: d.message,
            pointer: d.pointer,
            span: d.span.into(),
            help: d.help,
        }
    }
}

/// The result of validating a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null, hashmap_as_object))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// True exactly when no diagnostic has severity `"error"`.
    pub valid: bool,
    /// What the document is (`null` when it cannot be told, and always for a descriptor).
    pub kind: Option<Kind>,
    /// The top-level `mediaType` as written, when it is a string.
    pub media_type: Option<String>,
    /// The SHA-256 digest of the exact input bytes (a string input: its UTF-8 encoding).
    pub digest: String,
    /// The number of input bytes.
    pub size: u64,
    pub diagnostics: Vec<Diagnostic>,
}

/// A report without digest and size, which the JS wrapper computes with the host's hasher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub valid: bool,
    pub kind: Option<Kind>,
    pub media_type: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<indexsmith::validate::Validation> for Validation {
    fn from(v: indexsmith::validate::Validation) -> Validation {
        Validation {
            valid: v.is_valid(),
            kind: v.kind.map(Into::into),
            media_type: v.media_type,
            diagnostics: v.diagnostics.into_iter().map(Into::into).collect(),
        }
    }
}

impl Report {
    pub fn new(v: Validation, digest: String, size: usize) -> Report {
        Report {
            valid: v.valid,
            kind: v.kind,
            media_type: v.media_type,
            digest,
            size: size as u64,
            diagnostics: v.diagnostics,
        }
    }
}
