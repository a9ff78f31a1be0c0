//! Platforms in results, and pull resolution's verdict on an entry.

use serde::Serialize;

/// A platform, as results give it (normalized, every field present).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub os_version: Option<String>,
    pub os_features: Vec<String>,
}

impl From<indexsmith::Platform> for Platform {
    fn from(p: indexsmith::Platform) -> Platform {
        Platform {
            os: p.os,
            architecture: p.architecture,
            variant: p.variant,
            os_version: p.os_version,
            os_features: p.os_features,
        }
    }
}

/// The verdict on one entry.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Position in the index's `manifests`.
    pub index: usize,
    pub platform: Option<Platform>,
    /// True when the entry's platform is accepted (directly or as a fallback).
    pub matched: bool,
    /// Position in `preferences` of the platform it matched: 0 is exact.
    pub rank: Option<usize>,
    /// Why: `resolve/selected`, `resolve/selected-without-platform`, `resolve/outranked`,
    /// `resolve/without-platform`, `resolve/platform-mismatch`, `resolve/attestation`,
    /// `resolve/unknown-platform`.
    pub reason: String,
    /// The reason in words.
    pub message: String,
}
