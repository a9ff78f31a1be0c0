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

/// A descriptor as registry results give it (the npm `RegistryDescriptor`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryDescriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    pub platform: Option<Platform>,
    pub artifact_type: Option<String>,
    pub annotations: std::collections::BTreeMap<String, String>,
}

impl From<&indexsmith_registry::Descriptor> for RegistryDescriptor {
    fn from(d: &indexsmith_registry::Descriptor) -> Self {
        RegistryDescriptor {
            media_type: d.media_type.to_string(),
            digest: d.digest.to_string(),
            size: d.size,
            platform: d.platform.as_ref().map(Platform::from),
            artifact_type: d.artifact_type.clone(),
            annotations: d.annotations.clone(),
        }
    }
}

/// An inspected image manifest (the npm `InspectedManifest`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectedManifest {
    pub media_type: String,
    pub size: u64,
    pub layers: usize,
    pub layers_size: u64,
    pub total_size: u64,
    pub artifact_type: Option<String>,
}

/// One child of an inspected index (the npm `InspectedChild`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectedChild {
    pub descriptor: RegistryDescriptor,
    /// The platform the child's config declares, else the one the index declares.
    pub platform: Option<Platform>,
    pub manifest: Option<InspectedManifest>,
    pub config: Option<RegistryDescriptor>,
}

/// `inspect --json`: the npm `InspectResult`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectResult {
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    /// `index` or `image`.
    pub kind: &'static str,
    pub children: Vec<InspectedChild>,
}

fn summarize(
    s: &indexsmith_registry::ops::ImageSummary,
) -> (Option<Platform>, InspectedManifest, RegistryDescriptor) {
    (
        s.config_platform.as_ref().map(Platform::from),
        InspectedManifest {
            media_type: s.manifest.media_type.clone(),
            size: s.manifest.bytes.len() as u64,
            layers: s.layer_count,
            layers_size: s.layers_size,
            total_size: s.total_size,
            artifact_type: s.artifact_type.clone(),
        },
        RegistryDescriptor::from(&s.config),
    )
}

impl From<&indexsmith_registry::ops::Inspection> for InspectResult {
    fn from(i: &indexsmith_registry::ops::Inspection) -> Self {
        let mut children = Vec::new();
        if let Some(image) = &i.image {
            let descriptor = indexsmith_registry::Descriptor::new(
                i.manifest.media_type.clone(),
                i.manifest.digest.clone(),
                i.manifest.bytes.len() as u64,
            );
            let (platform, manifest, config) = summarize(image);
            children.push(InspectedChild {
                descriptor: RegistryDescriptor::from(&descriptor),
                platform,
                manifest: Some(manifest),
                config: Some(config),
            });
        }
        for c in &i.children {
            let declared = c.descriptor.platform.as_ref().map(Platform::from);
            let (platform, manifest, config) = match &c.image {
                Some(s) => {
                    let (p, m, cfg) = summarize(s);
                    (p.or(declared), Some(m), Some(cfg))
                }
                None => (declared, None, None),
            };
            children.push(InspectedChild {
                descriptor: RegistryDescriptor::from(&c.descriptor),
                platform,
                manifest,
                config,
            });
        }
        InspectResult {
            digest: i.manifest.digest.to_string(),
            media_type: i.manifest.media_type.clone(),
            size: i.manifest.bytes.len() as u64,
            kind: if i.image.is_some() { "image" } else { "index" },
            children,
        }
    }
}

/// One row of `tags --json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEntry {
    pub tag: String,
    pub digest: String,
    pub media_type: Option<String>,
}
