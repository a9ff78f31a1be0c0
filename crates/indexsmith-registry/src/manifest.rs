//! The few fields of manifests and image configs that the protocol needs: children of an index,
//! config and layers of an image manifest, and the platform in an image config.
//!
//! Parsing here is lenient on purpose (the core crate validates); the bytes themselves are never
//! re-serialized: digests are always of the bytes received.

use crate::media_type;
use indexsmith::digest::Digest;
use indexsmith::platform::Platform;
use std::collections::BTreeMap;

/// A content descriptor, as far as the protocol needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    pub platform: Option<Platform>,
    pub artifact_type: Option<String>,
    pub annotations: BTreeMap<String, String>,
}

impl Descriptor {
    pub fn new(media_type: impl Into<String>, digest: Digest, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.into(),
            digest,
            size,
            platform: None,
            artifact_type: None,
            annotations: BTreeMap::new(),
        }
    }
}

/// What a manifest points at. (Both variants are short-lived parse results; boxing buys nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum ManifestContent {
    /// An OCI image index or a Docker manifest list.
    Index { manifests: Vec<Descriptor> },
    /// An OCI image manifest or a Docker schema 2 manifest.
    Image {
        config: Descriptor,
        layers: Vec<Descriptor>,
    },
}

/// A manifest's media type and references.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ManifestInfo {
    /// The `mediaType` field, else the `Content-Type` it was served with.
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub content: ManifestContent,
    pub subject: Option<Descriptor>,
}

impl ManifestInfo {
    pub fn is_index(&self) -> bool {
        matches!(self.content, ManifestContent::Index { .. })
    }

    /// The blobs an image manifest references (config first, then layers); none for an index.
    pub fn blobs(&self) -> Vec<&Descriptor> {
        match &self.content {
            ManifestContent::Image { config, layers } => {
                std::iter::once(config).chain(layers).collect()
            }
            ManifestContent::Index { .. } => Vec::new(),
        }
    }

    /// The children of an index; none for an image manifest.
    pub fn children(&self) -> &[Descriptor] {
        match &self.content {
            ManifestContent::Index { manifests } => manifests,
            ManifestContent::Image { .. } => &[],
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDescriptor {
    media_type: Option<String>,
    digest: String,
    size: i64,
    platform: Option<RawPlatform>,
    artifact_type: Option<String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct RawPlatform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    variant: Option<String>,
    #[serde(rename = "os.version")]
    os_version: Option<String>,
    #[serde(rename = "os.features", default)]
    os_features: Vec<String>,
}

impl RawPlatform {
    fn into_platform(self) -> Platform {
        let mut p = Platform::new(self.os, self.architecture);
        p.variant = self.variant.filter(|v| !v.is_empty());
        p.os_version = self.os_version.filter(|v| !v.is_empty());
        p.os_features = self.os_features;
        p
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    media_type: Option<String>,
    artifact_type: Option<String>,
    manifests: Option<Vec<RawDescriptor>>,
    config: Option<RawDescriptor>,
    layers: Option<Vec<RawDescriptor>>,
    subject: Option<RawDescriptor>,
}

fn descriptor(raw: RawDescriptor, default_type: &str, at: &str) -> Result<Descriptor, String> {
    let digest = raw
        .digest
        .parse::<Digest>()
        .map_err(|e| format!("{at}/digest: {e}"))?;
    let size =
        u64::try_from(raw.size).map_err(|_| format!("{at}/size: negative size {}", raw.size))?;
    Ok(Descriptor {
        media_type: raw.media_type.unwrap_or_else(|| default_type.to_owned()),
        digest,
        size,
        platform: raw.platform.map(RawPlatform::into_platform),
        artifact_type: raw.artifact_type,
        annotations: raw.annotations,
    })
}

/// Reads a manifest's references. `content_type` is the `Content-Type` it was served with.
/// Errors name the JSON pointer of the offending field.
pub fn parse_manifest(bytes: &[u8], content_type: Option<&str>) -> Result<ManifestInfo, String> {
    let raw: RawManifest =
        serde_json::from_slice(bytes).map_err(|e| format!("not a manifest: {e}"))?;
    let served = content_type
        .map(|c| c.split(';').next().unwrap_or("").trim().to_owned())
        .filter(|c| !c.is_empty());
    let media_type = raw.media_type.clone().or(served).unwrap_or_default();
    let content = match (raw.manifests, raw.config) {
        (Some(manifests), _) => ManifestContent::Index {
            manifests: manifests
                .into_iter()
                .enumerate()
                .map(|(i, d)| descriptor(d, media_type::OCI_MANIFEST, &format!("/manifests/{i}")))
                .collect::<Result<_, _>>()?,
        },
        (None, Some(config)) => ManifestContent::Image {
            config: descriptor(config, media_type::OCI_CONFIG, "/config")?,
            layers: raw
                .layers
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, d)| descriptor(d, "application/octet-stream", &format!("/layers/{i}")))
                .collect::<Result<_, _>>()?,
        },
        (None, None) => {
            return Err(
                "neither `manifests` (an index) nor `config` (an image manifest)".to_owned(),
            )
        }
    };
    let subject = raw
        .subject
        .map(|s| descriptor(s, media_type::OCI_MANIFEST, "/subject"))
        .transpose()?;
    Ok(ManifestInfo {
        media_type,
        artifact_type: raw.artifact_type,
        content,
        subject,
    })
}

/// The platform of an image config (`os`, `architecture`, `variant`, `os.version`,
/// `os.features`); `None` when the config has no `os` or `architecture`.
pub fn config_platform(bytes: &[u8]) -> Option<Platform> {
    let raw: RawPlatform = serde_json::from_slice(bytes).ok()?;
    if raw.os.is_empty() || raw.architecture.is_empty() {
        return None;
    }
    Some(raw.into_platform())
}

/// The `created` date of an image config (RFC 3339 text, as written), when it has one.
pub fn config_created(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Created {
        created: Option<String>,
    }
    serde_json::from_slice::<Created>(bytes)
        .ok()?
        .created
        .filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    #[test]
    fn reads_manifests() {
        let index = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D1}","size":10,"platform":{{"os":"linux","architecture":"arm","variant":"v7"}}}}]}}"#
        );
        let info = parse_manifest(index.as_bytes(), None).unwrap();
        assert!(info.is_index());
        assert_eq!(
            info.children()[0].platform.as_ref().unwrap().to_string(),
            "linux/arm/v7"
        );
        let image = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":3}},"layers":[{{"mediaType":"x","digest":"{D2}","size":5}}]}}"#
        );
        let info = parse_manifest(
            image.as_bytes(),
            Some("application/vnd.oci.image.manifest.v1+json; charset=utf-8"),
        )
        .unwrap();
        assert_eq!(info.media_type, media_type::OCI_MANIFEST);
        assert_eq!(info.blobs().len(), 2);
    }

    #[test]
    fn refuses_bad_manifests() {
        let cases = [
            ("not json", "nope".to_owned(), "not a manifest"),
            ("neither", r#"{"schemaVersion":2}"#.to_owned(), "neither"),
            (
                "bad digest",
                r#"{"manifests":[{"digest":"sha256:x","size":1}]}"#.to_owned(),
                "/manifests/0/digest",
            ),
            (
                "negative size",
                format!(r#"{{"config":{{"digest":"{D1}","size":-1}}}}"#),
                "/config/size",
            ),
        ];
        for (name, input, expected) in cases {
            let err = parse_manifest(input.as_bytes(), None).expect_err(name);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }

    #[test]
    fn reads_config_platform() {
        let p = config_platform(br#"{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"],"rootfs":{}}"#).unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert_eq!(p.os_features, vec!["x".to_owned()]);
        assert_eq!(config_platform(br#"{"os":"linux"}"#), None);
    }
}

#[cfg(test)]
mod created_tests {
    use super::config_created;

    #[test]
    fn reads_the_created_date() {
        let cases: [(&str, &[u8], Option<&str>); 4] = [
            (
                "dated",
                br#"{"created":"2024-05-01T10:00:00Z","os":"linux"}"#,
                Some("2024-05-01T10:00:00Z"),
            ),
            ("undated", br#"{"os":"linux"}"#, None),
            ("empty", br#"{"created":""}"#, None),
            ("not json", b"{", None),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(config_created(bytes).as_deref(), expected, "{name}");
        }
    }
}
