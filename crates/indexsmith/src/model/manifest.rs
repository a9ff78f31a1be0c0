//! What a manifest points at: the children of an index, the config and layers of an image
//! manifest, its `subject`; what a registry client needs to walk a graph of manifests.

use super::descriptor::Descriptor;
use super::{opt_array, opt_str, parse_json, ModelError};
use crate::json::value::Value;
use crate::media_type::{OCI_CONFIG, OCI_MANIFEST};

/// The media type a layer without `mediaType` is read with.
const OCTET_STREAM: &str = "application/octet-stream";

/// What a manifest points at. (Both variants are short-lived read results; boxing buys nothing.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum ManifestContent {
    /// An OCI image index or a Docker manifest list.
    Index { manifests: Vec<Descriptor> },
    /// An OCI image manifest or a Docker schema 2 manifest.
    Image {
        config: Descriptor,
        layers: Vec<Descriptor>,
    },
}

/// A manifest's media type and references: an index's `manifests`, an image manifest's `config`
/// and `layers`, and the `subject` of either.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct ManifestInfo {
    /// The `mediaType` member, else the `Content-Type` the manifest was served with (without
    /// parameters), else empty.
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub content: ManifestContent,
    pub subject: Option<Descriptor>,
}

impl ManifestInfo {
    /// Reads a manifest's references. `content_type` is the `Content-Type` it was served with.
    /// A document with `manifests` is an index, else one with `config` an image manifest;
    /// anything else is an error. Errors name the JSON pointer of the member at fault.
    pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<ManifestInfo, ModelError> {
        let value = parse_json(bytes).map_err(|e| ModelError {
            message: format!("not a manifest: {}", e.message),
            ..e
        })?;
        ManifestInfo::from_value(&value, content_type)
    }

    /// [`ManifestInfo::parse`] of a value.
    pub fn from_value(v: &Value, content_type: Option<&str>) -> Result<ManifestInfo, ModelError> {
        if !matches!(v, Value::Object(_)) {
            return Err(ModelError::wrong_type("", "a manifest (an object)", v));
        }
        let served = content_type
            .map(|c| c.split(';').next().unwrap_or("").trim())
            .filter(|c| !c.is_empty());
        let media_type = opt_str(v, "mediaType", "")?
            .or(served)
            .unwrap_or_default()
            .to_owned();
        let list = |key: &str, default: &str| -> Result<Option<Vec<Descriptor>>, ModelError> {
            opt_array(v, key, "")?
                .map(|items| {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, d)| Descriptor::from_value(d, default, &format!("/{key}/{i}")))
                        .collect()
                })
                .transpose()
        };
        let one = |key: &str, default: &str| -> Result<Option<Descriptor>, ModelError> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(d) => Descriptor::from_value(d, default, &format!("/{key}")).map(Some),
            }
        };
        let content = match (list("manifests", OCI_MANIFEST)?, one("config", OCI_CONFIG)?) {
            (Some(manifests), _) => ManifestContent::Index { manifests },
            (None, Some(config)) => ManifestContent::Image {
                config,
                layers: list("layers", OCTET_STREAM)?.unwrap_or_default(),
            },
            (None, None) => {
                return Err(ModelError::new(
                    "",
                    "neither `manifests` (an index) nor `config` (an image manifest)",
                ))
            }
        };
        Ok(ManifestInfo {
            media_type,
            artifact_type: opt_str(v, "artifactType", "")?.map(str::to_owned),
            content,
            subject: one("subject", OCI_MANIFEST)?,
        })
    }

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
        let info = ManifestInfo::parse(index.as_bytes(), None).unwrap();
        assert!(info.is_index());
        assert_eq!(
            info.children()[0].platform.as_ref().unwrap().to_string(),
            "linux/arm/v7"
        );
        let image = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":3}},"layers":[{{"digest":"{D2}","size":5}}],"subject":{{"digest":"{D2}","size":9}}}}"#
        );
        let info = ManifestInfo::parse(
            image.as_bytes(),
            Some("application/vnd.oci.image.manifest.v1+json; charset=utf-8"),
        )
        .unwrap();
        assert_eq!(info.media_type, OCI_MANIFEST);
        assert_eq!(info.blobs().len(), 2);
        assert_eq!(info.blobs()[1].media_type.as_str(), OCTET_STREAM);
        assert_eq!(info.subject.unwrap().media_type.as_str(), OCI_MANIFEST);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let cases = [
            ("not json", "nope".to_owned(), "", "not a manifest"),
            ("not an object", "[1]".to_owned(), "", "an array"),
            (
                "neither",
                r#"{"schemaVersion":2}"#.to_owned(),
                "",
                "neither",
            ),
            (
                "bad digest",
                r#"{"manifests":[{"digest":"sha256:x","size":1}]}"#.to_owned(),
                "/manifests/0/digest",
                "",
            ),
            (
                "negative size",
                format!(r#"{{"config":{{"digest":"{D1}","size":-1}}}}"#),
                "/config/size",
                "-1",
            ),
            (
                "manifests not an array",
                r#"{"manifests":{}}"#.to_owned(),
                "/manifests",
                "an object",
            ),
            (
                "media type not a string",
                format!(r#"{{"mediaType":[],"config":{{"digest":"{D1}","size":1}}}}"#),
                "/mediaType",
                "an array",
            ),
        ];
        for (name, input, pointer, says) in cases {
            let err = ManifestInfo::parse(input.as_bytes(), None).expect_err(name);
            assert_eq!(err.pointer, pointer, "{name}");
            assert!(err.message.contains(says), "{name}: {err}");
        }
    }
}
