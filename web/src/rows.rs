//! The platform table's rows, read from a document's JSON value.

use indexsmith::json::value::Value;
use indexsmith::model::{is_attestation, REFERENCE_DIGEST, REFERENCE_TYPE};
use indexsmith::Platform;

/// One entry of `manifests`, as the table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Position in `manifests`.
    pub index: usize,
    pub media_type: String,
    pub digest: String,
    /// The `size` as written (it may be invalid).
    pub size: String,
    pub platform: Option<Platform>,
    pub annotations: Vec<(String, String)>,
    pub artifact_type: Option<String>,
    /// For a buildkit attestation entry, the digest of the entry it describes.
    pub attests: Option<String>,
}

impl Row {
    pub fn is_attestation(&self) -> bool {
        is_attestation(
            self.annotations
                .iter()
                .find(|(k, _)| k == REFERENCE_TYPE)
                .map(|(_, v)| v.as_str()),
        )
    }

    /// `sha256:0123456789ab` (algorithm and 12 hex characters).
    pub fn short_digest(&self) -> String {
        match self.digest.split_once(':') {
            Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
            None => self.digest.clone(),
        }
    }

    /// The platform as `os/arch[/variant]`, or `—` when the entry has none.
    pub fn platform_label(&self) -> String {
        self.platform
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into())
    }
}

/// The rows of an index or list (empty for anything else).
pub fn rows(value: &Value) -> Vec<Row> {
    let Some(manifests) = value.get("manifests").and_then(Value::as_array) else {
        return Vec::new();
    };
    manifests
        .iter()
        .enumerate()
        .map(|(index, entry)| row(index, entry))
        .collect()
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn row(index: usize, entry: &Value) -> Row {
    let annotations = string_map(entry.get("annotations"));
    let attests = annotations
        .iter()
        .find(|(k, _)| k == REFERENCE_DIGEST)
        .map(|(_, v)| v.clone());
    Row {
        index,
        media_type: text(entry.get("mediaType")),
        digest: text(entry.get("digest")),
        size: text(entry.get("size")),
        platform: entry.get("platform").and_then(platform),
        annotations,
        artifact_type: entry
            .get("artifactType")
            .and_then(Value::as_str)
            .map(str::to_owned),
        attests,
    }
}

/// A `platform` object read leniently: wrong types become empty strings, so the row still shows.
pub fn platform(v: &Value) -> Option<Platform> {
    v.as_object()?;
    let mut p = Platform::new(text(v.get("os")), text(v.get("architecture")));
    p.variant = v.get("variant").map(|x| text(Some(x)));
    p.os_version = v.get("os.version").map(|x| text(Some(x)));
    p.os_features = v
        .get("os.features")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|f| text(Some(f))).collect())
        .unwrap_or_default();
    Some(p)
}

/// The string members of an annotations object, in order.
pub fn string_map(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|members| {
            members
                .iter()
                .map(|(k, v)| (k.clone(), text(Some(v))))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a row passes the table's filter: every whitespace-separated term must occur in the
/// platform (`os/arch/variant`, `os.version`, features), the media type or the digest.
pub fn matches_filter(row: &Row, filter: &str) -> bool {
    if filter.trim().is_empty() {
        return true;
    }
    let mut haystack = String::new();
    if let Some(p) = &row.platform {
        haystack.push_str(&p.to_string());
        haystack.push(' ');
        haystack.push_str(p.os_version.as_deref().unwrap_or(""));
        for f in &p.os_features {
            haystack.push(' ');
            haystack.push_str(f);
        }
    }
    haystack.push(' ');
    haystack.push_str(&row.media_type);
    haystack.push(' ');
    haystack.push_str(&row.digest);
    if row.is_attestation() {
        haystack.push_str(" attestation");
    }
    let haystack = haystack.to_ascii_lowercase();
    filter
        .split_whitespace()
        .all(|term| haystack.contains(&term.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;
    fn value_of(text: &str) -> Value {
        indexsmith::json::parse_value(text.as_bytes()).expect("parses")
    }

    #[test]
    fn rows_of_the_examples() {
        // (example, platforms in order, attestation rows)
        let cases = [
            (
                examples::HELLO_WORLD_LIST,
                vec!["linux/amd64", "linux/arm64", "windows/amd64"],
                0,
            ),
            (examples::OCI_ATTESTATIONS, vec![], 0),
            (examples::WINDOWS_OS_VERSION, vec![], 0),
        ];
        for (example, platforms, _) in cases {
            let rows = rows(&value_of(example.text));
            let labels: Vec<String> = rows.iter().map(Row::platform_label).collect();
            if !platforms.is_empty() {
                assert_eq!(labels, platforms, "{}", example.id);
            }
            assert!(!rows.is_empty(), "{}: has rows", example.id);
            for r in &rows {
                assert!(
                    r.digest.starts_with("sha256:"),
                    "{}: row {} digest",
                    example.id,
                    r.index
                );
            }
        }
        let alpine = rows(&value_of(examples::OCI_ATTESTATIONS.text));
        let attestations = alpine.iter().filter(|r| r.is_attestation()).count();
        assert_eq!(
            attestations * 2,
            alpine.len(),
            "alpine: one attestation per image"
        );
        for a in alpine.iter().filter(|r| r.is_attestation()) {
            let target = a.attests.as_deref().expect("attestation names its subject");
            assert!(
                alpine.iter().any(|r| r.digest == target),
                "attested digest {target} is an entry"
            );
            assert_eq!(a.platform_label(), "unknown/unknown");
        }
        let windows = rows(&value_of(examples::WINDOWS_OS_VERSION.text));
        assert!(
            windows
                .iter()
                .any(|r| r.platform.as_ref().is_some_and(|p| p.os_version.is_some())),
            "windows rows carry os.version"
        );
    }

    #[test]
    fn filters() {
        let all = rows(&value_of(examples::HELLO_WORLD_LIST.text));
        let cases = [
            ("empty keeps all", "", 3),
            ("os", "windows", 1),
            ("os and arch", "linux amd64", 1),
            ("architecture", "arm64", 1),
            ("case-insensitive", "LINUX", 2),
            ("digest prefix", &all[1].digest[..15], 1),
            ("nothing", "s390x", 0),
        ];
        for (name, filter, expected) in cases {
            assert_eq!(
                all.iter().filter(|r| matches_filter(r, filter)).count(),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn short_digests() {
        let mut r = rows(&value_of(examples::HELLO_WORLD_LIST.text)).remove(0);
        assert_eq!(r.short_digest(), "sha256:83c7f9c92844");
        r.digest = "weird".into();
        assert_eq!(r.short_digest(), "weird");
    }
}
