//! The results of registry operations: descriptors and inspections.

use crate::Platform;
use indexsmith_registry::ops::Inspection;
use serde::Serialize;

/// A descriptor, as registry results give it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct RegistryDescriptor {
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    pub platform: Option<Platform>,
    pub artifact_type: Option<String>,
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub annotations: std::collections::BTreeMap<String, String>,
}

impl From<indexsmith_registry::Descriptor> for RegistryDescriptor {
    fn from(d: indexsmith_registry::Descriptor) -> Self {
        RegistryDescriptor {
            media_type: d.media_type.to_string(),
            digest: d.digest.to_string(),
            size: d.size,
            platform: d.platform.map(Into::into),
            artifact_type: d.artifact_type,
            annotations: d.annotations,
        }
    }
}

/// A child manifest of an inspected index (or the inspected image itself).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct InspectedManifest {
    pub media_type: String,
    pub size: u64,
    /// The number of layers.
    pub layers: usize,
    /// The sum of the layer sizes.
    pub layers_size: u64,
    /// Manifest, config and layers.
    pub total_size: u64,
    pub artifact_type: Option<String>,
}

/// One child of an inspected index.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct InspectedChild {
    /// The entry as the index has it.
    pub descriptor: RegistryDescriptor,
    /// The platform its config declares, else the one the index declares.
    pub platform: Option<Platform>,
    /// `null` for a nested index.
    pub manifest: Option<InspectedManifest>,
    /// The config descriptor (`null` for a nested index).
    pub config: Option<RegistryDescriptor>,
}

/// The result of `inspect`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[cfg_attr(feature = "tsify", tsify(missing_as_null))]
#[serde(rename_all = "camelCase")]
pub struct InspectResult {
    pub digest: String,
    pub media_type: String,
    pub size: u64,
    /// `"index"` or `"image"`.
    pub kind: String,
    /// One per entry of an index; for an image, the image itself (its descriptor has no platform).
    pub children: Vec<InspectedChild>,
}

impl From<Inspection> for InspectResult {
    fn from(i: Inspection) -> Self {
        let summarize = |s: indexsmith_registry::ops::ImageSummary| {
            (
                s.config_platform.map(Platform::from),
                InspectedManifest {
                    media_type: s.manifest.media_type.clone(),
                    size: s.manifest.bytes.len() as u64,
                    layers: s.layer_count,
                    layers_size: s.layers_size,
                    total_size: s.total_size,
                    artifact_type: s.artifact_type,
                },
                RegistryDescriptor::from(s.config),
            )
        };
        let kind = if i.image.is_some() { "image" } else { "index" };
        let mut children = Vec::new();
        if let Some(image) = i.image {
            let descriptor = indexsmith_registry::Descriptor::new(
                i.manifest.media_type.clone(),
                i.manifest.digest.clone(),
                i.manifest.bytes.len() as u64,
            );
            let (platform, manifest, config) = summarize(image);
            children.push(InspectedChild {
                descriptor: descriptor.into(),
                platform,
                manifest: Some(manifest),
                config: Some(config),
            });
        }
        for c in i.children {
            let declared = c.descriptor.platform.clone().map(Platform::from);
            let (platform, manifest, config) = match c.image {
                Some(s) => {
                    let (p, m, cfg) = summarize(s);
                    (p.or(declared), Some(m), Some(cfg))
                }
                None => (declared, None, None),
            };
            children.push(InspectedChild {
                descriptor: c.descriptor.into(),
                platform,
                manifest,
                config,
            });
        }
        InspectResult {
            digest: i.manifest.digest.to_string(),
            media_type: i.manifest.media_type.clone(),
            size: i.manifest.bytes.len() as u64,
            kind: kind.to_owned(),
            children,
        }
    }
}
