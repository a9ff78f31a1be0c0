//! The `--json` shapes. They are the npm package's result types (`Report`, `Resolution`,
//! `IndexDiff`, …, declared in `indexsmith.d.ts`): the same member names, camelCase, absent
//! values as `null`. `tests/json_shapes.rs` checks them against the package's declarations.

use serde::Serialize;
use serde_json::value::RawValue;

#[derive(Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
pub struct Diagnostic {
    pub severity: &'static str,
    pub code: String,
    pub message: String,
    pub pointer: String,
    pub line: u32,
    pub column: u32,
    pub span: Span,
    pub help: Option<String>,
}

impl From<&indexsmith::Diagnostic> for Diagnostic {
    fn from(d: &indexsmith::Diagnostic) -> Diagnostic {
        Diagnostic {
            severity: severity(d.severity),
            code: d.code.as_str().to_owned(),
            message: d.message.clone(),
            pointer: d.pointer.clone(),
            line: d.line(),
            column: d.column(),
            span: d.span.into(),
            help: d.help.clone(),
        }
    }
}

pub fn severity(s: indexsmith::Severity) -> &'static str {
    match s {
        indexsmith::Severity::Error => "error",
        indexsmith::Severity::Warning => "warning",
        indexsmith::Severity::Info => "info",
    }
}

/// `validate --format json`: the npm `Report` with the file it is about.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    pub file: String,
    pub valid: bool,
    pub kind: Option<&'static str>,
    pub media_type: Option<String>,
    pub digest: String,
    pub size: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(file: &str, report: &indexsmith::Report) -> FileReport {
        FileReport {
            file: file.to_owned(),
            valid: report.valid,
            kind: report.kind.map(|k| k.as_str()),
            media_type: report.media_type.clone(),
            digest: report.digest.to_string(),
            size: report.size,
            diagnostics: report.diagnostics.iter().map(Into::into).collect(),
        }
    }
}

/// A normalized platform, every member present.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub os_version: Option<String>,
    pub os_features: Vec<String>,
}

impl From<&indexsmith::Platform> for Platform {
    fn from(p: &indexsmith::Platform) -> Platform {
        Platform {
            os: p.os.clone(),
            architecture: p.architecture.clone(),
            variant: p.variant.clone(),
            os_version: p.os_version.clone(),
            os_features: p.os_features.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub index: usize,
    pub platform: Option<Platform>,
    pub matched: bool,
    pub rank: Option<usize>,
    pub reason: &'static str,
    pub message: String,
}

/// `resolve --json`: the npm `Resolution`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    /// The selected entry exactly as the index has it (compact), or `null`.
    pub selected: Option<Box<RawValue>>,
    pub selected_index: Option<usize>,
    pub preferences: Vec<Platform>,
    pub candidates: Vec<Candidate>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryDiff {
    pub key: String,
    pub change: &'static str,
    pub fields: Vec<String>,
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub a_digest: Option<String>,
    pub b_digest: Option<String>,
}

/// `diff --json`: the npm `IndexDiff`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexDiff {
    pub changed_fields: Vec<String>,
    pub entries: Vec<EntryDiff>,
}

impl From<&indexsmith::compose::IndexDiff> for IndexDiff {
    fn from(d: &indexsmith::compose::IndexDiff) -> IndexDiff {
        use indexsmith::compose::EntryChange;
        IndexDiff {
            changed_fields: d.changed_fields.clone(),
            entries: d
                .entries
                .iter()
                .map(|e| {
                    let (change, fields) = match &e.change {
                        EntryChange::Added => ("added", Vec::new()),
                        EntryChange::Removed => ("removed", Vec::new()),
                        EntryChange::Changed { fields } => ("changed", fields.clone()),
                        EntryChange::Unchanged => ("unchanged", Vec::new()),
                    };
                    EntryDiff {
                        key: e.key.clone(),
                        change,
                        fields,
                        a: e.a,
                        b: e.b,
                        a_digest: e.a_digest.clone(),
                        b_digest: e.b_digest.clone(),
                    }
                })
                .collect(),
        }
    }
}
