//! Platforms as JSON values, in the member order Go's structs give them.

use crate::json::value::Value;
use crate::platform::Platform;

pub(crate) use crate::model::{platform_to_value as to_value, PLATFORM_ORDER};

/// Reads a platform value; `None` without both `os` and `architecture` strings.
pub(crate) fn from_value(v: &Value) -> Option<Platform> {
    let os = v.get("os")?.as_str()?;
    let architecture = v.get("architecture")?.as_str()?;
    let mut p = Platform::new(os, architecture);
    p.variant = v.get("variant").and_then(Value::as_str).map(str::to_owned);
    p.os_version = v
        .get("os.version")
        .and_then(Value::as_str)
        .map(str::to_owned);
    p.os_features = v
        .get("os.features")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Some(p)
}

/// The platform of an index entry.
pub(crate) fn entry_platform(entry: &Value) -> Option<Platform> {
    entry.get("platform").and_then(from_value)
}

/// An entry's annotation.
pub(crate) fn annotation<'a>(entry: &'a Value, key: &str) -> Option<&'a str> {
    entry.get("annotations")?.get(key)?.as_str()
}

/// True for buildkit attestation entries.
pub(crate) fn is_attestation(entry: &Value) -> bool {
    crate::model::is_attestation(annotation(entry, crate::model::REFERENCE_TYPE))
}

/// `requested` is satisfied by `candidate`: os and architecture equal after containerd's
/// normalization, and each optional field the request sets equal too (`os.features`: a subset).
/// This is the selection rule of `crane index filter --platform`, not containerd's pull matcher.
pub(crate) fn satisfies(requested: &Platform, candidate: &Platform) -> bool {
    let (r, c) = (requested.normalize(), candidate.normalize());
    r.os == c.os
        && r.architecture == c.architecture
        && (requested.variant.is_none() || r.variant == c.variant)
        && requested
            .os_version
            .as_ref()
            .map_or(true, |v| candidate.os_version.as_ref() == Some(v))
        && requested
            .os_features
            .iter()
            .all(|f| candidate.os_features.contains(f))
}
