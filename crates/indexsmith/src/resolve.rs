//! Pull resolution: which entry of an image index a client pulls for a platform, and why.
//!
//! This follows what containerd does when it pulls an index for one platform
//! (`images.FilterPlatforms` followed by `images.LimitManifests(…, 1)`):
//!
//! 1. Entries whose platform the matcher accepts are kept, and so are entries *without* a
//!    platform (containerd keeps those too).
//! 2. The kept entries are sorted stably: entries with a platform by the matcher's preference
//!    ([`MatchComparer::less`]: earlier preference first, then more `os.features`), entries
//!    without a platform after all of them.
//! 3. The first one is pulled. Among equally preferred entries that is the first in index order.
//!
//! Before that, attestation entries are set aside: an entry annotated
//! `vnd.docker.reference.type: attestation-manifest` (BuildKit's provenance and SBOM manifests)
//! or with platform `unknown/unknown`. Docker skips them by the annotation; with containerd they
//! could only be chosen as platform-less fallbacks or for a request of `unknown/unknown`, neither
//! of which a user means.
//!
//! The matcher is containerd's default, [`only`] (a platform and what it can also run), or
//! [`only_strict`]. Entries are given as plain [`Entry`] values, so this module does not depend on
//! how an index was parsed.

use crate::platform::{only, only_strict, MatchComparer, Platform};
use std::cmp::Reverse;

pub use crate::model::{ATTESTATION_MANIFEST, REFERENCE_TYPE as ANNOTATION_REFERENCE_TYPE};

/// One entry (`manifests[i]`) of an index, as resolution needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub platform: Option<&'a Platform>,
    pub media_type: &'a str,
    /// The value of the entry's `vnd.docker.reference.type` annotation, if any.
    pub reference_type: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub fn new(platform: Option<&'a Platform>, media_type: &'a str) -> Entry<'a> {
        Entry {
            platform,
            media_type,
            reference_type: None,
        }
    }

    pub fn with_reference_type(mut self, reference_type: Option<&'a str>) -> Entry<'a> {
        self.reference_type = reference_type;
        self
    }

    /// Takes the `vnd.docker.reference.type` value from an entry's annotations.
    pub fn with_annotations<K, V>(
        mut self,
        annotations: impl IntoIterator<Item = (&'a K, &'a V)>,
    ) -> Entry<'a>
    where
        K: AsRef<str> + ?Sized + 'a,
        V: AsRef<str> + ?Sized + 'a,
    {
        self.reference_type = annotations
            .into_iter()
            .find(|(k, _)| k.as_ref() == ANNOTATION_REFERENCE_TYPE)
            .map(|(_, v)| v.as_ref());
        self
    }

    fn is_attestation(&self) -> bool {
        crate::model::is_attestation(self.reference_type)
    }
}

/// Why an entry was or was not pulled. Each variant has a stable [`code`](Self::code).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "camelCase"))]
#[non_exhaustive]
pub enum Reason {
    /// The best match: it matches `preference`, and no entry matches an earlier one.
    Selected { preference: Platform },
    /// No entry has a matching platform; this is the first entry without a platform, which
    /// containerd then pulls.
    SelectedWithoutPlatform,
    /// It matches `preference`, but entry `by` is preferred.
    Outranked { preference: Platform, by: usize },
    /// No platform: containerd keeps it, after every entry with a matching platform, so entry `by`
    /// is pulled instead.
    WithoutPlatform { by: usize },
    /// Its platform is not the requested one nor one the requested one can also run.
    Mismatch,
    /// An attestation manifest (`vnd.docker.reference.type: attestation-manifest`).
    Attestation,
    /// Platform `unknown/unknown`, which BuildKit uses for attestation manifests.
    UnknownPlatform,
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Selected { .. } => "resolve/selected",
            Reason::SelectedWithoutPlatform => "resolve/selected-without-platform",
            Reason::Outranked { .. } => "resolve/outranked",
            Reason::WithoutPlatform { .. } => "resolve/without-platform",
            Reason::Mismatch => "resolve/platform-mismatch",
            Reason::Attestation => "resolve/attestation",
            Reason::UnknownPlatform => "resolve/unknown-platform",
        }
    }
}

/// The verdict on one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct Candidate {
    /// Position in the index's `manifests`.
    pub index: usize,
    pub platform: Option<Platform>,
    /// True when the entry's platform matches the request (directly or as a fallback).
    pub matched: bool,
    /// Position in [`Resolution::preferences`] of the platform it matched: 0 is exact.
    pub rank: Option<usize>,
    pub reason: Reason,
    /// The reason in words.
    pub message: String,
}

/// Which entry a client pulls, with a verdict on every entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct Resolution {
    /// The platforms the request accepts, most preferred first.
    pub preferences: Vec<Platform>,
    /// The index of the entry pulled; `None` when nothing can be (containerd: "no match for
    /// platform in manifest").
    pub selected: Option<usize>,
    /// One verdict per entry, in index order.
    pub candidates: Vec<Candidate>,
}

/// Resolves `requested` with containerd's default matcher ([`only`]), or [`only_strict`].
pub fn resolve_platform(requested: &Platform, strict: bool, entries: &[Entry<'_>]) -> Resolution {
    let matcher = if strict {
        only_strict(requested)
    } else {
        only(requested)
    };
    resolve(&matcher, entries)
}

/// Resolves with any matcher (see the module docs for the rules).
pub fn resolve(matcher: &MatchComparer, entries: &[Entry<'_>]) -> Resolution {
    let preferences: Vec<Platform> = matcher.preferences().cloned().collect();

    enum Verdict {
        Attestation,
        Unknown,
        NoPlatform,
        Mismatch,
        Match(usize),
    }
    let verdicts: Vec<Verdict> = entries
        .iter()
        .map(|e| match e.platform {
            _ if e.is_attestation() => Verdict::Attestation,
            Some(p) if p.os == "unknown" && p.architecture == "unknown" => Verdict::Unknown,
            None => Verdict::NoPlatform,
            Some(p) => matcher.rank(p).map_or(Verdict::Mismatch, Verdict::Match),
        })
        .collect();

    // containerd's sort key for matched entries: preference, then more os.features, then index
    // order (the sort is stable).
    let best_match = verdicts
        .iter()
        .enumerate()
        .filter_map(|(i, v)| match v {
            Verdict::Match(rank) => {
                let features = entries[i].platform.map_or(0, |p| p.os_features.len());
                Some((*rank, Reverse(features), i))
            }
            _ => None,
        })
        .min()
        .map(|(_, _, i)| i);
    let first_without_platform = verdicts
        .iter()
        .position(|v| matches!(v, Verdict::NoPlatform));
    let selected = best_match.or(first_without_platform);

    let requested = preferences
        .first()
        .map(Platform::format_all)
        .unwrap_or_default();
    let candidates = verdicts
        .iter()
        .enumerate()
        .map(|(index, verdict)| {
            let platform = entries[index].platform;
            let (reason, rank) = match verdict {
                Verdict::Attestation => (Reason::Attestation, None),
                Verdict::Unknown => (Reason::UnknownPlatform, None),
                Verdict::Mismatch => (Reason::Mismatch, None),
                Verdict::NoPlatform => match selected {
                    Some(by) if by != index => (Reason::WithoutPlatform { by }, None),
                    _ => (Reason::SelectedWithoutPlatform, None),
                },
                Verdict::Match(rank) => {
                    let preference = preferences[*rank].clone();
                    match selected {
                        Some(by) if by != index => {
                            (Reason::Outranked { preference, by }, Some(*rank))
                        }
                        _ => (Reason::Selected { preference }, Some(*rank)),
                    }
                }
            };
            let message = describe(&reason, rank, platform, &requested, &preferences, matcher);
            Candidate {
                index,
                platform: platform.cloned(),
                matched: rank.is_some(),
                rank,
                reason,
                message,
            }
        })
        .collect();

    Resolution {
        preferences,
        selected,
        candidates,
    }
}

fn describe(
    reason: &Reason,
    rank: Option<usize>,
    platform: Option<&Platform>,
    requested: &str,
    preferences: &[Platform],
    matcher: &MatchComparer,
) -> String {
    let this = platform.map(Platform::format_all).unwrap_or_default();
    let how = |preference: &Platform| match rank {
        Some(0) => format!("{this} is the requested platform {requested}"),
        _ => format!(
            "{this} matches {}, which {requested} can also run",
            preference.format_all()
        ),
    };
    match reason {
        Reason::Selected { preference } => format!("pulled: {}", how(preference)),
        Reason::Outranked { preference, by } => format!("not pulled: {}, but entry {by} is preferred", how(preference)),
        Reason::SelectedWithoutPlatform => {
            "pulled: no entry has a matching platform, and containerd falls back to the first entry without one".to_owned()
        }
        Reason::WithoutPlatform { by } => {
            format!("not pulled: no platform; containerd orders such entries last, so entry {by} is pulled")
        }
        Reason::Attestation => "skipped: attestation manifest (vnd.docker.reference.type: attestation-manifest)".to_owned(),
        Reason::UnknownPlatform => "skipped: platform unknown/unknown marks an attestation manifest".to_owned(),
        Reason::Mismatch => {
            let Some(platform) = platform else { return String::new() };
            let normalized = platform.normalize();
            let same_triple = preferences.iter().find(|p| {
                p.os == normalized.os && p.architecture == normalized.architecture && p.variant == normalized.variant
            });
            match same_triple {
                Some(p) if matcher.matches(&Platform { os_version: None, ..platform.clone() })
                    && platform.os_version.is_some() =>
                {
                    format!(
                        "not pulled: os.version {} cannot run on {}",
                        platform.os_version.as_deref().unwrap_or(""),
                        p.format_all()
                    )
                }
                Some(p) => format!("not pulled: os.features of {this} are not all in those of {}", p.format_all()),
                None => {
                    let list: Vec<String> = preferences.iter().map(Platform::format_all).collect();
                    format!("not pulled: {this} is not one of {}", list.join(", "))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
