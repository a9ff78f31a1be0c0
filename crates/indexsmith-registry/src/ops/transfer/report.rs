//! What a dry run found and what a push did.

use crate::reference::Repository;
use indexsmith::digest::Digest;
use indexsmith::platform::Platform;

/// What a dry run found for one blob.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum BlobAction {
    Present,
    Mount { from: Repository },
    Copy { from: Repository },
}

/// What a push would do for one manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum ChildAction {
    /// Already in the target repository.
    Present,
    /// Every blob is present; only the manifest is pushed.
    ManifestOnly,
    /// Missing blobs can all be mounted from this repository of the same registry.
    Mount { from: Repository },
    /// Some blob bytes must be copied from this repository.
    Copy { from: Repository },
}

/// The dry-run report for one manifest (a child of the index, or the image itself).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ChildPlan {
    pub digest: Digest,
    pub media_type: String,
    /// The platform the parent index declares for it.
    pub platform: Option<Platform>,
    pub action: ChildAction,
    /// The source repository the manifest was found in (the first of the sources that has it),
    /// where its missing blobs are mounted or copied from; for an image manifest pushed as the
    /// root, the first source. `None` when it is already in the target.
    pub source: Option<Repository>,
    /// Blobs the manifest references (counted when it is not present).
    pub blobs: usize,
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
    pub bytes_to_copy: u64,
}

/// The dry-run report of a push.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct PushPlan {
    pub digest: Digest,
    pub media_type: String,
    /// The root manifest is already in the target (the push would only set the tag).
    pub root_present: bool,
    pub children: Vec<ChildPlan>,
    /// Totals over distinct blobs.
    pub blobs_present: usize,
    pub blobs_to_mount: usize,
    pub blobs_to_copy: usize,
    pub bytes_to_mount: u64,
    pub bytes_to_copy: u64,
}

/// What a push did.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct PushReport {
    pub digest: Option<Digest>,
    pub tag: Option<String>,
    pub manifests_present: usize,
    pub manifests_pushed: usize,
    pub blobs_present: usize,
    pub blobs_mounted: usize,
    pub blobs_uploaded: usize,
    /// Blob bytes accepted by the target in uploads (0 when everything was mounted or present).
    pub bytes_uploaded: u64,
}

/// The output of a [`Transfer`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum TransferOutput {
    Plan(PushPlan),
    Pushed(PushReport),
}
