//! The results of the registry functions as the npm API gives them (typed with `tsify`), and the
//! conversions from the registry crate's outputs.

use super::options::invalid_input;
use crate::convert::to_js;
use crate::types::{Diagnostic, Platform};
use indexsmith::compose;
use indexsmith_registry::ops::{ChildAction, PushPlan, PushReport};
use indexsmith_registry::Event;
pub use indexsmith_shapes::{InspectResult, InspectedChild, InspectedManifest, RegistryDescriptor};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

pub(super) fn fetched(m: indexsmith_registry::ops::Manifest) -> Result<JsValue, JsValue> {
    let obj = to_js(&FetchedManifestMeta {
        digest: m.digest.to_string(),
        media_type: m.media_type.clone(),
        size: m.bytes.len() as u64,
    })?;
    let _ = js_sys::Reflect::set(
        &obj,
        &JsValue::from_str("bytes"),
        &js_sys::Uint8Array::from(m.bytes.as_slice()),
    );
    Ok(obj)
}

pub(super) fn created(
    entries: Vec<indexsmith_registry::ops::IndexEntry>,
    format: compose::Format,
) -> Result<JsValue, JsValue> {
    let mut request = compose::CreateRequest::new(format);
    for (i, entry) in entries.into_iter().enumerate() {
        let Some(bytes) = entry.manifest else {
            return Err(invalid_input(format!(
                "reference {i} is an index; give the platform images it lists"
            )));
        };
        let mut child = compose::Child::new(bytes);
        if let Some(p) = entry.descriptor.platform {
            child = child.with_platform(p);
        }
        request = request.child(child);
    }
    let composed = compose::create_index(&request)
        .map_err(|e| crate::error::error_with_code(e.code(), e.to_string()))?;
    to_js(&CreatedIndex {
        text: composed.text(),
        digest: composed.digest.to_string(),
        size: composed.size,
        media_type: composed.media_type.clone(),
        diagnostics: composed.diagnostics.into_iter().map(Into::into).collect(),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FetchedManifestMeta {
    digest: String,
    media_type: String,
    size: u64,
}

/// A manifest fetched from a registry and verified against its digest.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct FetchedManifest {
    /// The exact bytes received.
    #[tsify(type = "Uint8Array")]
    pub bytes: (),
    /// The bytes as UTF-8 text.
    pub text: String,
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    /// `validate` of the bytes.
    pub report: crate::types::Report,
}

/// The result of `createIndexFromReferences`: the composed index.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CreatedIndex {
    pub text: String,
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// What a push does for one manifest: `present` (nothing), `mount` (blobs mounted from another
/// repository of the registry, then the manifest pushed) or `copy` (the manifest pushed, with the
/// blob bytes that are missing; `manifestOnly` says none are).
#[derive(Clone, Copy, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum PlanAction {
    Present,
    Mount,
    Copy,
}

/// The plan for one child.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PlannedChild {
    pub digest: String,
    pub media_type: String,
    /// The platform the index declares.
    pub platform: Option<Platform>,
    pub action: PlanAction,
    /// Every blob is already in the target: only the manifest itself is pushed.
    pub manifest_only: bool,
    /// The source repository the manifest was found in: the first of `sources` that has it
    /// (for an image manifest pushed as the root, the first source). `null` when the manifest is
    /// already in the target.
    pub source: Option<String>,
    /// The repository blobs are mounted or copied from (the `source`; `null` when no blob moves).
    pub from: Option<String>,
    /// Blobs the manifest references.
    pub blobs: usize,
    /// Blob bytes to copy (0 when present or mounted).
    pub bytes: u64,
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
}

/// The result of `planPush`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PlanResult {
    pub digest: String,
    pub media_type: String,
    /// The index itself is already in the target.
    pub root_present: bool,
    pub children: Vec<PlannedChild>,
    /// Totals over distinct blobs.
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
    pub bytes_to_copy: u64,
}

impl From<PushPlan> for PlanResult {
    fn from(p: PushPlan) -> Self {
        let children = p
            .children
            .into_iter()
            .map(|c| {
                let manifest_only = matches!(c.action, ChildAction::ManifestOnly);
                let (action, from) = match c.action {
                    ChildAction::Present => (PlanAction::Present, None),
                    ChildAction::ManifestOnly => (PlanAction::Copy, None),
                    ChildAction::Mount { from } => (PlanAction::Mount, Some(from.to_string())),
                    ChildAction::Copy { from } => (PlanAction::Copy, Some(from.to_string())),
                };
                PlannedChild {
                    digest: c.digest.to_string(),
                    media_type: c.media_type,
                    platform: c.platform.map(Into::into),
                    action,
                    manifest_only,
                    source: c.source.map(|r| r.to_string()),
                    from,
                    blobs: c.blobs,
                    bytes: c.bytes_to_copy,
                    blobs_present: c.blobs_present,
                    blobs_to_mount: c.blobs_to_mount,
                    blobs_to_copy: c.blobs_to_copy,
                    bytes_to_mount: c.bytes_to_mount,
                }
            })
            .collect();
        PlanResult {
            digest: p.digest.to_string(),
            media_type: p.media_type,
            root_present: p.root_present,
            children,
            blobs_present: p.blobs_present,
            blobs_to_mount: p.blobs_to_mount,
            blobs_to_copy: p.blobs_to_copy,
            bytes_to_mount: p.bytes_to_mount,
            bytes_to_copy: p.bytes_to_copy,
        }
    }
}

/// What a push or copy did.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PushReportResult {
    pub digest: Option<String>,
    pub tag: Option<String>,
    pub manifests_present: usize,
    pub manifests_pushed: usize,
    pub blobs_present: usize,
    pub blobs_mounted: usize,
    pub blobs_uploaded: usize,
    /// Blob bytes uploaded (0 when every blob was present or mounted).
    pub bytes_uploaded: u64,
}

impl From<PushReport> for PushReportResult {
    fn from(r: PushReport) -> Self {
        PushReportResult {
            digest: r.digest.map(|d| d.to_string()),
            tag: r.tag,
            manifests_present: r.manifests_present,
            manifests_pushed: r.manifests_pushed,
            blobs_present: r.blobs_present,
            blobs_mounted: r.blobs_mounted,
            blobs_uploaded: r.blobs_uploaded,
            bytes_uploaded: r.bytes_uploaded,
        }
    }
}

/// The result of `pushIndex`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    pub digest: String,
    /// The plan made before pushing.
    pub plan: PlanResult,
    /// What the push did.
    pub report: PushReportResult,
}

/// Blob counts of a copy.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CopiedBlobs {
    pub copied: usize,
    pub mounted: usize,
    /// Already in the target.
    pub skipped: usize,
}

/// The result of `copyImage`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct CopyResult {
    pub digest: Option<String>,
    /// Manifests pushed (index and children).
    pub manifests: usize,
    pub blobs: CopiedBlobs,
    /// Blob bytes uploaded.
    pub bytes: u64,
}

impl From<PushReport> for CopyResult {
    fn from(r: PushReport) -> Self {
        CopyResult {
            digest: r.digest.map(|d| d.to_string()),
            manifests: r.manifests_pushed,
            blobs: CopiedBlobs {
                copied: r.blobs_uploaded,
                mounted: r.blobs_mounted,
                skipped: r.blobs_present,
            },
            bytes: r.bytes_uploaded,
        }
    }
}

/// Progress of a registry operation, given to `onProgress`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RegistryEvent {
    ManifestFetched {
        digest: String,
        media_type: String,
    },
    ManifestPresent {
        digest: String,
    },
    ManifestPushed {
        digest: String,
        tag: Option<String>,
    },
    BlobPresent {
        digest: String,
        size: u64,
    },
    BlobMounted {
        digest: String,
        size: u64,
        from: String,
    },
    /// `sent` counts the blob's bytes accepted so far.
    BlobProgress {
        digest: String,
        sent: u64,
        total: u64,
    },
    BlobUploaded {
        digest: String,
        size: u64,
    },
}

impl From<Event> for RegistryEvent {
    fn from(e: Event) -> Self {
        match e {
            Event::ManifestFetched { digest, media_type } => RegistryEvent::ManifestFetched {
                digest: digest.to_string(),
                media_type,
            },
            Event::ManifestPresent { digest } => RegistryEvent::ManifestPresent {
                digest: digest.to_string(),
            },
            Event::ManifestPushed { digest, tag } => RegistryEvent::ManifestPushed {
                digest: digest.to_string(),
                tag,
            },
            Event::BlobPresent { digest, size } => RegistryEvent::BlobPresent {
                digest: digest.to_string(),
                size,
            },
            Event::BlobMounted { digest, size, from } => RegistryEvent::BlobMounted {
                digest: digest.to_string(),
                size,
                from: from.to_string(),
            },
            Event::BlobProgress {
                digest,
                sent,
                total,
            } => RegistryEvent::BlobProgress {
                digest: digest.to_string(),
                sent,
                total,
            },
            Event::BlobUploaded { digest, size } => RegistryEvent::BlobUploaded {
                digest: digest.to_string(),
                size,
            },
        }
    }
}
