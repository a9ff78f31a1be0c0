//! Platform matching and preference, as containerd's `platforms` package does it.
//!
//! Three notions, kept apart:
//!
//! - [`PlatformMatcher`] (containerd `NewMatcher`): one platform. A candidate matches when, after
//!   [normalization](Platform::normalize) of both, `os`, `architecture` and `variant` are equal,
//!   the candidate's `os.features` are a subset of the matcher's, and, for Windows, the
//!   candidate's `os.version` can run on the matcher's (see [`super::windows`]).
//! - [`only`] (containerd `Only`): the platform *and what it can also run*, in order of
//!   preference. `amd64/vN` also runs `amd64/vN-1` … `v1`, then `386`; `arm/vN` runs `arm/vN-1`
//!   … `v5`; `arm64/v8.x` runs `arm64/v8.x-1` … `v8`, `arm64/v9.x` runs `v9.x-1` … `v9`, then
//!   `v8.(x+5)` (at most `v8.9`) … `v8`; every `arm64` then runs `arm/v8` … `arm/v5`.
//! - [`only_strict`] (containerd `OnlyStrict`): the platform alone, still through normalization
//!   (so `linux/arm64` matches `linux/aarch64/v8`).
//!
//! Preference ([`MatchComparer::less`], containerd `orderedPlatformComparer.Less`): the candidate
//! matching an earlier platform of the list comes first; among candidates matching the same one,
//! the one with more `os.features` comes first; otherwise they are equal, and a stable sort keeps
//! index order, which is how containerd picks the first of equally good entries.

use super::windows::{os_version_matches, WindowsVersion};
use super::Platform;

/// Variant levels above this are not expanded into fallbacks (containerd would generate one
/// fallback per level, so `amd64/v1000000000` would hang). Real levels are single digits.
const MAX_EXPANDED_LEVEL: i64 = 64;

/// containerd's `NewMatcher`: equality after normalization, `os.features` subset, Windows
/// `os.version` compatibility.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformMatcher {
    platform: Platform,
    /// Set when the platform given was Windows: then `os.version` compatibility is checked and the
    /// candidate's `win32k` feature is ignored.
    windows: Option<WindowsVersion>,
}

impl PlatformMatcher {
    pub fn new(platform: &Platform) -> PlatformMatcher {
        // containerd looks at the OS as given, before normalization.
        let windows = (platform.os == "windows")
            .then(|| WindowsVersion::parse(platform.os_version.as_deref().unwrap_or("")));
        PlatformMatcher {
            platform: platform.normalize(),
            windows,
        }
    }

    /// The normalized platform this matcher compares against.
    pub fn platform(&self) -> &Platform {
        &self.platform
    }

    pub fn matches(&self, candidate: &Platform) -> bool {
        let mut normalized = candidate.normalize();
        if self.windows.is_some() {
            // containerd's windowsStripFeaturesMatcher: earlier versions did not look at
            // `win32k`, and Windows base images carry it, so a candidate's `win32k` is ignored.
            normalized.os_features.retain(|f| f != "win32k");
        }
        if normalized.os != self.platform.os
            || normalized.architecture != self.platform.architecture
            || normalized.variant != self.platform.variant
        {
            return false;
        }
        if let Some(requested) = &self.windows {
            if !os_version_matches(requested, candidate.os_version.as_deref()) {
                return false;
            }
        }
        // Both lists are sorted and deduplicated: a merge walk decides the subset.
        let mut have = self.platform.os_features.iter();
        normalized.os_features.iter().all(|f| have.any(|h| h == f))
    }
}

/// containerd's `MatchComparer` built by `Ordered`: matches any of its platforms and prefers them
/// in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchComparer {
    matchers: Vec<PlatformMatcher>,
}

/// containerd's `Only`: `platform` and everything it can also run, in order of preference.
pub fn only(platform: &Platform) -> MatchComparer {
    ordered(&preference_vector(&platform.normalize()))
}

/// containerd's `OnlyStrict`: `platform` alone (after normalization), no fallbacks.
pub fn only_strict(platform: &Platform) -> MatchComparer {
    ordered(&[platform.normalize()])
}

/// containerd's `Ordered`: any of `platforms`, preferred in the order given.
pub fn ordered(platforms: &[Platform]) -> MatchComparer {
    MatchComparer {
        matchers: platforms.iter().map(PlatformMatcher::new).collect(),
    }
}

impl MatchComparer {
    /// The platforms accepted, most preferred first (each normalized).
    pub fn preferences(&self) -> impl Iterator<Item = &Platform> + '_ {
        self.matchers.iter().map(PlatformMatcher::platform)
    }

    pub fn matches(&self, candidate: &Platform) -> bool {
        self.rank(candidate).is_some()
    }

    /// The position, in [`preferences`](Self::preferences), of the first platform `candidate`
    /// matches: 0 is an exact match. `None` when it matches none.
    pub fn rank(&self, candidate: &Platform) -> Option<usize> {
        self.matchers.iter().position(|m| m.matches(candidate))
    }

    /// containerd's `Less`: should `a` be preferred to `b`?
    pub fn less(&self, a: &Platform, b: &Platform) -> bool {
        for m in &self.matchers {
            let (am, bm) = (m.matches(a), m.matches(b));
            if am && !bm {
                return true;
            }
            if am || bm {
                // Both match: prefer the one with more features.
                return am && bm && a.os_features.len() > b.os_features.len();
            }
        }
        if !a.os_features.is_empty() || !b.os_features.is_empty() {
            let strip = |p: &Platform| Platform {
                os_features: Vec::new(),
                ..p.clone()
            };
            return self.less(&strip(a), &strip(b));
        }
        false
    }
}

/// Go's `strconv.Atoi` of a variant level with an optional `v` prefix removed.
fn level(variant: &str) -> Option<i64> {
    let digits = variant.strip_prefix('v').unwrap_or(variant);
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// containerd's `platformVector`: the platform followed by the ones it can also run.
fn preference_vector(platform: &Platform) -> Vec<Platform> {
    let like = |architecture: &str, variant: Option<String>| Platform {
        os: platform.os.clone(),
        architecture: architecture.to_owned(),
        variant,
        os_version: platform.os_version.clone(),
        os_features: platform.os_features.clone(),
    };
    let mut vector = vec![platform.clone()];
    let variant = platform.variant.as_deref().unwrap_or("");
    match platform.architecture.as_str() {
        "amd64" => {
            if let Some(n) = level(variant).filter(|&n| n > 1) {
                for k in (1..n.min(MAX_EXPANDED_LEVEL + 1)).rev() {
                    vector.push(like("amd64", Some(format!("v{k}"))));
                }
            }
            vector.push(like("386", None));
        }
        "arm" => {
            if let Some(n) = level(variant).filter(|&n| n > 5) {
                for k in (5..n.min(MAX_EXPANDED_LEVEL + 1)).rev() {
                    vector.push(like("arm", Some(format!("v{k}"))));
                }
            }
        }
        "arm64" => {
            let variant = if variant.is_empty() { "v8" } else { variant };
            let (major_part, minor_part) = match variant.split_once('.') {
                Some((major, minor)) => (major, Some(minor)),
                None => (variant, None),
            };
            if let Some(mut major) = level(major_part).filter(|&m| m >= 8) {
                // containerd only reads a minor from four-character variants such as `v8.2`.
                let mut minor = match minor_part {
                    Some(m) if variant.len() == 4 => {
                        level(m).filter(|_| !m.starts_with('v')).unwrap_or(0)
                    }
                    _ => 0,
                };
                let push_minors = |vector: &mut Vec<Platform>, major: i64, minor: i64| {
                    for m in (0..minor).rev() {
                        let v = if m == 0 {
                            format!("v{major}")
                        } else {
                            format!("v{major}.{m}")
                        };
                        vector.push(like("arm64", Some(v)));
                    }
                };
                if major == 9 {
                    push_minors(&mut vector, 9, minor);
                    // v9.0 diverged from v8.5: v9.x runs v8.(x+5), up to v8.9.
                    minor = (minor + 5).min(9);
                    major = 8;
                    vector.push(like("arm64", Some(format!("v8.{minor}"))));
                }
                push_minors(&mut vector, major, minor);
            }
            // Every arm64 runs 32-bit arm/v8 and below.
            let arm_variant = if variant.starts_with("v8.") || variant.starts_with("v9.") {
                "v8"
            } else {
                variant
            };
            vector.extend(preference_vector(&like(
                "arm",
                Some(arm_variant.to_owned()),
            )));
        }
        _ => {}
    }
    vector
}

#[cfg(test)]
mod tests;
