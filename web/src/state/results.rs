//! What registry calls bring back for the page: tag listings, child details, copy plans.

use super::{Failure, PlanStep, Remote};
use std::rc::Rc;

/// One tag of a repository, with what it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagRow {
    pub tag: String,
    /// Empty when the manifest could not be read (see `error`).
    pub digest: String,
    pub media_type: String,
    /// Entries with a platform (attestations left out) for an index; 1 for an image.
    pub platforms: Option<usize>,
    pub error: Option<String>,
}

/// A repository's tags, sorted by tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagListing {
    /// The repository, written in full (`registry/name`).
    pub repository: String,
    pub tags: Vec<TagRow>,
}

/// A layer of an image manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub digest: String,
    pub media_type: String,
    pub size: u64,
}

/// A child of a nested index, as the details of that index list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedChild {
    pub digest: String,
    pub media_type: String,
    pub platform: Option<String>,
    pub size: u64,
    /// Manifest + config + layers, when the child is an image.
    pub total_size: Option<u64>,
}

/// An inspected child manifest: `docker manifest inspect -v` for one entry.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ChildDetails {
    /// `repository@digest` it was read from.
    pub reference: String,
    pub digest: String,
    pub media_type: String,
    pub config_digest: Option<String>,
    /// `os/architecture/variant` as the config declares it.
    pub config_platform: Option<String>,
    pub created: Option<String>,
    pub layers: Vec<Layer>,
    /// Manifest + config + layers.
    pub total_size: u64,
    /// The children of a nested index.
    pub children: Vec<NestedChild>,
    /// Findings: the config's platform disagreeing with the index's, and the like.
    pub findings: Vec<Failure>,
}

/// The child being inspected, by its row in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    pub index: usize,
    pub digest: String,
    pub details: Remote<ChildDetails>,
}

/// A plan for pushing the current document, and what it was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushPlanView {
    /// The digest of the document the plan was made for: a plan for other bytes is stale.
    pub digest: String,
    pub target: String,
    pub sources: String,
    pub steps: Vec<PlanStep>,
}

/// One entry of the source of a copy, to tick or untick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyEntry {
    pub digest: String,
    pub platform: String,
}

/// A planned copy: the source's bytes (filtered to the ticked platforms), where they go, and what
/// the target already has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyPlan {
    pub source: String,
    pub target: String,
    /// The manifest that will be pushed (the source's bytes, or the filtered index).
    pub bytes: Rc<Vec<u8>>,
    pub media_type: String,
    pub digest: String,
    /// Every entry of the source index (empty for an image), and the digests the plan keeps.
    pub entries: Vec<CopyEntry>,
    pub kept: Vec<String>,
    pub steps: Vec<PlanStep>,
}
