//! The `--json` shapes. They are the npm package's result types (`Report`, `Resolution`,
//! `IndexDiff`, …, declared in `indexsmith.d.ts`), shared with it through `indexsmith-shapes`:
//! the same member names, camelCase, absent values as `null`. `tests/json_shapes.rs` checks them
//! against the package's declarations. What only the command line prints is defined here.

use serde::Serialize;
use serde_json::value::RawValue;

pub use indexsmith_shapes::{Candidate, IndexDiff, InspectResult, Platform, Report};

/// `validate --format json`: the npm `Report` with the file it is about.
#[derive(Serialize)]
pub struct FileReport {
    pub file: String,
    #[serde(flatten)]
    pub report: Report,
}

impl FileReport {
    pub fn new(file: &str, report: &indexsmith::Report) -> FileReport {
        let validation = indexsmith_shapes::Validation {
            valid: report.valid,
            kind: report.kind.map(Into::into),
            media_type: report.media_type.clone(),
            diagnostics: report.diagnostics.iter().cloned().map(Into::into).collect(),
        };
        FileReport {
            file: file.to_owned(),
            report: Report::new(validation, report.digest.to_string(), report.size as usize),
        }
    }
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

/// One row of `tags --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEntry {
    pub tag: String,
    pub digest: String,
    pub media_type: Option<String>,
}
