//! The sample multi-platform image, built byte for byte in code.
//!
//! Every child is a real image: a gzipped tar layer holding one text file that names the
//! platform, and an image config whose `rootfs.diff_ids` is the SHA-256 of the uncompressed tar.
//! Timestamps are fixed and JSON is written from structs in a fixed field order, so the digests
//! are the same on every run and machine.
//!
//! The same layers and configs make two indexes: an OCI image index of OCI image manifests, and a
//! Docker manifest list of Docker image manifests (schema 2).

use std::io::Write;

use indexsmith::digest::sha256;
use indexsmith::json::value::Value;
use indexsmith::json::write::{to_vec, Style};
use indexsmith::media_type::{
    DOCKER_CONFIG, DOCKER_LAYER, DOCKER_LIST, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST,
};
use indexsmith::model::Descriptor;
use indexsmith::{Digest, Platform};
use serde::Serialize;

/// Media type of an OCI gzip layer.
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// Seconds since the epoch of 2025-01-01T00:00:00Z: the time stamp of every file and history entry.
const EPOCH: u64 = 1_735_689_600;
const CREATED: &str = "2025-01-01T00:00:00Z";

/// A platform of the sample, with the tag its image gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SamplePlatform {
    pub os: &'static str,
    pub architecture: &'static str,
    pub variant: Option<&'static str>,
    pub os_version: Option<&'static str>,
    pub tag: &'static str,
}

impl SamplePlatform {
    /// `os/architecture[/variant]`.
    pub fn name(&self) -> String {
        match self.variant {
            Some(variant) => format!("{}/{}/{variant}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }

    /// The platform as an index entry carries it.
    pub fn platform(&self) -> Platform {
        let mut p = Platform::new(self.os, self.architecture);
        p.variant = self.variant.map(str::to_owned);
        p.os_version = self.os_version.map(str::to_owned);
        p
    }
}

/// The platforms of the sample image.
pub const PLATFORMS: [SamplePlatform; 4] = [
    SamplePlatform {
        os: "linux",
        architecture: "amd64",
        variant: None,
        os_version: None,
        tag: "amd64",
    },
    SamplePlatform {
        os: "linux",
        architecture: "arm64",
        variant: None,
        os_version: None,
        tag: "arm64",
    },
    SamplePlatform {
        os: "linux",
        architecture: "arm",
        variant: Some("v7"),
        os_version: None,
        tag: "armv7",
    },
    SamplePlatform {
        os: "windows",
        architecture: "amd64",
        variant: None,
        os_version: Some("10.0.20348.2582"),
        tag: "windows-amd64",
    },
];

/// Bytes with their digest and media type.
#[derive(Debug, Clone)]
pub struct Blob {
    pub media_type: &'static str,
    pub digest: Digest,
    pub bytes: Vec<u8>,
}

impl Blob {
    fn new(media_type: &'static str, bytes: Vec<u8>) -> Blob {
        Blob {
            media_type,
            digest: sha256(&bytes),
            bytes,
        }
    }

    fn descriptor(&self, media_type: &'static str) -> Descriptor {
        Descriptor::new(media_type, self.digest.clone(), self.bytes.len() as u64)
    }
}

/// One platform's image in both formats.
#[derive(Debug, Clone)]
pub struct SampleChild {
    pub platform: SamplePlatform,
    /// The gzipped tar layer.
    pub layer: Blob,
    /// SHA-256 of the uncompressed tar (the config's `rootfs.diff_ids[0]`).
    pub diff_id: Digest,
    pub config: Blob,
    /// OCI image manifest.
    pub oci_manifest: Blob,
    /// Docker image manifest, schema 2.
    pub docker_manifest: Blob,
}

/// The whole sample.
#[derive(Debug, Clone)]
pub struct Sample {
    pub children: Vec<SampleChild>,
    pub oci_index: Blob,
    pub docker_list: Blob,
}

/// An image manifest or an index, written as `serde_json::to_vec_pretty` writes it (the image-spec's
/// member order: `schemaVersion`, `mediaType`, then `config` and `layers`, or `manifests`).
fn document(media_type: &str, members: Vec<(&str, Value)>) -> Vec<u8> {
    let mut all = vec![
        ("schemaVersion".to_owned(), Value::int(2)),
        ("mediaType".to_owned(), Value::string(media_type)),
    ];
    all.extend(members.into_iter().map(|(k, v)| (k.to_owned(), v)));
    let mut bytes = to_vec(&Value::Object(all), Style::Indent(2));
    bytes.push(b'\n');
    bytes
}

fn manifest_json(media_type: &str, config: Descriptor, layers: Vec<Descriptor>) -> Vec<u8> {
    document(
        media_type,
        vec![
            ("config", config.to_value()),
            (
                "layers",
                Value::Array(layers.iter().map(Descriptor::to_value).collect()),
            ),
        ],
    )
}

fn index_json(media_type: &str, manifests: Vec<Descriptor>) -> Vec<u8> {
    document(
        media_type,
        vec![(
            "manifests",
            Value::Array(manifests.iter().map(Descriptor::to_value).collect()),
        )],
    )
}

#[derive(Serialize)]
struct ConfigJson {
    created: &'static str,
    architecture: &'static str,
    os: &'static str,
    #[serde(rename = "os.version", skip_serializing_if = "Option::is_none")]
    os_version: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
    config: ContainerConfig,
    rootfs: RootFs,
    history: Vec<History>,
}

#[derive(Serialize)]
struct ContainerConfig {
    #[serde(rename = "Labels")]
    labels: Labels,
}

#[derive(Serialize)]
struct Labels {
    #[serde(rename = "org.opencontainers.image.title")]
    title: &'static str,
    #[serde(rename = "org.opencontainers.image.description")]
    description: String,
}

#[derive(Serialize)]
struct RootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: Vec<String>,
}

#[derive(Serialize)]
struct History {
    created: &'static str,
    created_by: String,
    comment: &'static str,
}

/// Serializes a value; the types here serialize infallibly.
fn json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Where the file lives in the layer: Windows layers keep files under `Files/`.
fn file_path(platform: &SamplePlatform) -> &'static str {
    if platform.os == "windows" {
        "Files/hello.txt"
    } else {
        "hello"
    }
}

/// The uncompressed tar of a platform's layer.
fn layer_tar(platform: &SamplePlatform) -> std::io::Result<Vec<u8>> {
    let text = format!(
        "Hello from the indexsmith sample image for {}.\n",
        platform.name()
    );
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8], kind: tar::EntryType, mode: u32| {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(kind);
        header.set_path(path)?;
        header.set_size(data.len() as u64);
        header.set_mode(mode);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(EPOCH);
        header.set_username("root")?;
        header.set_groupname("root")?;
        header.set_cksum();
        builder.append(&header, data)
    };
    if platform.os == "windows" {
        add("Files/", &[], tar::EntryType::Directory, 0o755)?;
    }
    add(
        file_path(platform),
        text.as_bytes(),
        tar::EntryType::Regular,
        0o644,
    )?;
    builder.into_inner()
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn child(platform: SamplePlatform) -> std::io::Result<SampleChild> {
    let tar = layer_tar(&platform)?;
    let diff_id = sha256(&tar);
    let layer = Blob::new(OCI_LAYER_GZIP, gzip(&tar)?);
    let config = ConfigJson {
        created: CREATED,
        architecture: platform.architecture,
        os: platform.os,
        os_version: platform.os_version,
        variant: platform.variant,
        config: ContainerConfig {
            labels: Labels {
                title: "indexsmith sample",
                description: format!("Sample image for {}", platform.name()),
            },
        },
        rootfs: RootFs {
            kind: "layers",
            diff_ids: vec![diff_id.to_string()],
        },
        history: vec![History {
            created: CREATED,
            created_by: format!("ADD hello.txt /{}", file_path(&platform)),
            comment: "indexsmith sample",
        }],
    };
    let config = Blob::new(OCI_CONFIG, json(&config));
    let oci_manifest = Blob::new(
        OCI_MANIFEST,
        manifest_json(
            OCI_MANIFEST,
            config.descriptor(OCI_CONFIG),
            vec![layer.descriptor(OCI_LAYER_GZIP)],
        ),
    );
    let docker_manifest = Blob::new(
        DOCKER_MANIFEST,
        manifest_json(
            DOCKER_MANIFEST,
            config.descriptor(DOCKER_CONFIG),
            vec![layer.descriptor(DOCKER_LAYER)],
        ),
    );
    Ok(SampleChild {
        platform,
        layer,
        diff_id,
        config,
        oci_manifest,
        docker_manifest,
    })
}

impl Sample {
    /// Builds the sample.
    pub fn build() -> std::io::Result<Sample> {
        let children = PLATFORMS
            .into_iter()
            .map(child)
            .collect::<std::io::Result<Vec<_>>>()?;
        let entries = |pick: fn(&SampleChild) -> &Blob, media_type: &'static str| {
            children
                .iter()
                .map(|c| {
                    pick(c)
                        .descriptor(media_type)
                        .with_platform(Some(c.platform.platform()))
                })
                .collect::<Vec<_>>()
        };
        let oci_index = Blob::new(
            OCI_INDEX,
            index_json(OCI_INDEX, entries(|c| &c.oci_manifest, OCI_MANIFEST)),
        );
        let docker_list = Blob::new(
            DOCKER_LIST,
            index_json(
                DOCKER_LIST,
                entries(|c| &c.docker_manifest, DOCKER_MANIFEST),
            ),
        );
        Ok(Sample {
            children,
            oci_index,
            docker_list,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn build_is_deterministic() {
        let a = Sample::build().expect("sample builds");
        let b = Sample::build().expect("sample builds");
        assert_eq!(a.oci_index.bytes, b.oci_index.bytes);
        assert_eq!(a.docker_list.bytes, b.docker_list.bytes);
        for (x, y) in a.children.iter().zip(&b.children) {
            assert_eq!(x.layer.bytes, y.layer.bytes, "{}", x.platform.name());
        }
    }

    #[test]
    fn layers_unpack_to_their_diff_ids() {
        let sample = Sample::build().expect("sample builds");
        for child in &sample.children {
            let name = child.platform.name();
            let mut tar = Vec::new();
            flate2::read::GzDecoder::new(child.layer.bytes.as_slice())
                .read_to_end(&mut tar)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(sha256(&tar), child.diff_id, "{name}");
            let mut archive = tar::Archive::new(tar.as_slice());
            let mut found = None;
            for entry in archive.entries().unwrap_or_else(|e| panic!("{name}: {e}")) {
                let mut entry = entry.unwrap_or_else(|e| panic!("{name}: {e}"));
                let path = entry
                    .path()
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
                    .to_string_lossy()
                    .into_owned();
                if path == file_path(&child.platform) {
                    let mut text = String::new();
                    entry
                        .read_to_string(&mut text)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    found = Some(text);
                }
            }
            let text = found.unwrap_or_else(|| {
                panic!("{name}: no {} in the layer", file_path(&child.platform))
            });
            assert!(text.contains(&name), "{name}: file says {text:?}");
        }
    }

    #[test]
    fn configs_name_their_platform() {
        let sample = Sample::build().expect("sample builds");
        for child in &sample.children {
            let name = child.platform.name();
            let config: serde_json::Value = serde_json::from_slice(&child.config.bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(config["os"], child.platform.os, "{name}");
            assert_eq!(
                config["architecture"], child.platform.architecture,
                "{name}"
            );
            assert_eq!(config["variant"].as_str(), child.platform.variant, "{name}");
            assert_eq!(
                config["os.version"].as_str(),
                child.platform.os_version,
                "{name}"
            );
            assert_eq!(
                config["rootfs"]["diff_ids"][0],
                child.diff_id.to_string(),
                "{name}"
            );
        }
    }

    #[test]
    fn indexes_list_every_child_with_its_platform() {
        let sample = Sample::build().expect("sample builds");
        let cases = [
            ("oci index", &sample.oci_index, OCI_INDEX, OCI_MANIFEST),
            (
                "docker list",
                &sample.docker_list,
                DOCKER_LIST,
                DOCKER_MANIFEST,
            ),
        ];
        for (name, index, index_type, child_type) in cases {
            let value: serde_json::Value =
                serde_json::from_slice(&index.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(value["mediaType"], index_type, "{name}");
            let manifests = value["manifests"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no manifests"));
            assert_eq!(manifests.len(), PLATFORMS.len(), "{name}");
            for (entry, child) in manifests.iter().zip(&sample.children) {
                let blob = if index_type == OCI_INDEX {
                    &child.oci_manifest
                } else {
                    &child.docker_manifest
                };
                assert_eq!(entry["mediaType"], child_type, "{name}");
                assert_eq!(entry["digest"], blob.digest.to_string(), "{name}");
                assert_eq!(entry["size"], blob.bytes.len(), "{name}");
                assert_eq!(entry["platform"]["os"], child.platform.os, "{name}");
                assert_eq!(
                    entry["platform"]["os.version"].as_str(),
                    child.platform.os_version,
                    "{name}"
                );
            }
        }
    }
}
