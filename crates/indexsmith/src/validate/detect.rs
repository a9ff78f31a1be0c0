//! What a document is: from `mediaType`, else from its structure.

use super::context::Context;
use crate::diagnostic::Code;
use crate::json::{NodeId, NodeKind, Tree};
use crate::media_type::{self, MediaType};
use std::fmt;

/// The documents indexsmith validates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    OciIndex,
    OciManifest,
    DockerManifestList,
    DockerManifest,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::OciIndex,
        Kind::OciManifest,
        Kind::DockerManifestList,
        Kind::DockerManifest,
    ];

    /// The stable name: `oci-index`, `oci-manifest`, `docker-manifest-list`, `docker-manifest`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OciIndex => "oci-index",
            Kind::OciManifest => "oci-manifest",
            Kind::DockerManifestList => "docker-manifest-list",
            Kind::DockerManifest => "docker-manifest",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Kind::OciIndex => media_type::OCI_INDEX,
            Kind::OciManifest => media_type::OCI_MANIFEST,
            Kind::DockerManifestList => media_type::DOCKER_LIST,
            Kind::DockerManifest => media_type::DOCKER_MANIFEST,
        }
    }

    pub fn from_media_type(m: &MediaType) -> Option<Kind> {
        Some(match m {
            MediaType::OciIndex => Kind::OciIndex,
            MediaType::OciManifest => Kind::OciManifest,
            MediaType::DockerManifestList => Kind::DockerManifestList,
            MediaType::DockerManifest => Kind::DockerManifest,
            _ => return None,
        })
    }

    pub fn is_index(self) -> bool {
        matches!(self, Kind::OciIndex | Kind::DockerManifestList)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) struct Detected {
    pub kind: Option<Kind>,
    pub media_type: Option<String>,
    /// An image config (not a manifest): validated for its platform only.
    pub is_config: bool,
}

/// The shape of a document, judged from its members alone.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Index,
    Manifest,
    Schema1,
    ArtifactManifest,
    Config,
    Descriptor,
    Unknown,
}

fn shape(ctx: &Context<'_, '_>, root: NodeId) -> Shape {
    let has = |k: &str| ctx.member(root, k).is_some();
    let schema_version_1 = ctx
        .member(root, "schemaVersion")
        .is_some_and(|n| ctx.tree.raw(n) == b"1");
    if has("fsLayers") || has("signatures") || schema_version_1 {
        Shape::Schema1
    } else if has("manifests") {
        Shape::Index
    } else if has("blobs") && !has("layers") {
        Shape::ArtifactManifest
    } else if has("rootfs") || (has("architecture") && has("os") && !has("layers")) {
        Shape::Config
    } else if has("config") || has("layers") {
        Shape::Manifest
    } else if has("digest") && has("size") && !has("schemaVersion") {
        Shape::Descriptor
    } else {
        Shape::Unknown
    }
}

pub(crate) fn detect(ctx: &mut Context<'_, '_>, expect: Option<Kind>) -> Detected {
    let root = Tree::ROOT;
    let mut detected = Detected {
        kind: None,
        media_type: None,
        is_config: false,
    };
    match ctx.tree.kind(root) {
        NodeKind::Object => {}
        NodeKind::Array if is_docker_save(ctx, root) => {
            let f = ctx.report(
                Code::DocumentDockerSave,
                root,
                "this is the manifest.json of a `docker save` tarball, not a registry manifest",
            );
            f.help = Some("push the image with `docker push` (or `skopeo copy docker-archive:…`) and use the manifest the registry serves".into());
            return detected;
        }
        other => {
            ctx.report(
                Code::DocumentNotObject,
                root,
                format!(
                    "a manifest is a JSON object, not {} {}",
                    super::message::article(other.name()),
                    other.name()
                ),
            );
            return detected;
        }
    }
    let shape = shape(ctx, root);
    let media_type = ctx.string_member(root, "mediaType");
    detected.media_type = media_type.as_ref().map(|(_, m)| m.to_string());

    if shape == Shape::Schema1
        || media_type.as_ref().is_some_and(|(_, m)| {
            m == media_type::DOCKER_SCHEMA1 || m == media_type::DOCKER_SCHEMA1_SIGNED
        })
    {
        let signed = ctx.member(root, "signatures").is_some();
        let f = ctx.report(
            Code::DocumentSchema1,
            root,
            format!("this is a Docker image manifest schema 1 ({}), which registries and clients no longer accept", if signed { "signed" } else { "unsigned" }),
        );
        f.help = Some("rebuild or re-push the image to get a schema 2 or OCI manifest (e.g. `skopeo copy --format v2s2`)".into());
        return detected;
    }
    if shape == Shape::ArtifactManifest
        || media_type
            .as_ref()
            .is_some_and(|(_, m)| m == media_type::OCI_ARTIFACT_MANIFEST)
    {
        let f = ctx.report(Code::DocumentArtifactManifest, root, "the OCI artifact manifest was withdrawn before image-spec v1.1 and is not supported by registries");
        f.help = Some(
            "use an image manifest with `artifactType` and the empty config descriptor instead"
                .into(),
        );
        return detected;
    }

    if shape == Shape::Descriptor {
        let f = ctx.report(
            Code::DocumentDescriptor,
            root,
            "this is a descriptor, not a manifest",
        );
        f.help = Some("validate it as a descriptor".into());
        return detected;
    }
    match media_type {
        Some((node, m)) => {
            let parsed = MediaType::parse(&m);
            match Kind::from_media_type(&parsed) {
                Some(kind) => {
                    detected.kind = Some(kind);
                    if let Some(expected) = expect.filter(|e| *e != kind) {
                        ctx.report(
                            Code::DocumentMediaTypeMismatch,
                            node,
                            format!("expected {expected}, but `mediaType` says {kind}"),
                        );
                    }
                    let fits = match shape {
                        Shape::Index => kind.is_index(),
                        Shape::Manifest => !kind.is_index(),
                        _ => true,
                    };
                    if !fits {
                        let f = ctx.report(
                            Code::DocumentMediaTypeMismatch,
                            node,
                            format!(
                                "`mediaType` says {kind}, but the document has the members of {}",
                                if kind.is_index() {
                                    "an image manifest"
                                } else {
                                    "an index"
                                }
                            ),
                        );
                        f.help = Some("fix `mediaType` or the document".into());
                    }
                }
                None if matches!(parsed, MediaType::OciConfig | MediaType::DockerConfig) => {
                    ctx.report(
                        Code::DocumentImageConfig,
                        node,
                        "this is an image config, not a manifest",
                    );
                    detected.is_config = true;
                }
                None => {
                    let f = ctx.report(
                        Code::DocumentUnknownMediaType,
                        node,
                        format!("unknown manifest media type {m:?}"),
                    );
                    f.help = Some(
                        format!(
                            "a manifest's mediaType is one of {}",
                            media_type::MANIFEST_TYPES.join(", ")
                        )
                        .into(),
                    );
                }
            }
        }
        None => {
            let inferred = match shape {
                Shape::Index => Some(expect.filter(|k| k.is_index()).unwrap_or(Kind::OciIndex)),
                Shape::Manifest => Some(
                    expect
                        .filter(|k| !k.is_index())
                        .unwrap_or(Kind::OciManifest),
                ),
                Shape::Config => {
                    ctx.report(
                        Code::DocumentImageConfig,
                        root,
                        "this is an image config, not a manifest",
                    );
                    detected.is_config = true;
                    None
                }
                _ => None,
            };
            match inferred {
                Some(kind) => {
                    if let Some(expected) = expect.filter(|e| *e != kind) {
                        ctx.report(
                            Code::DocumentMediaTypeMismatch,
                            root,
                            format!(
                                "expected {expected}, but the document has the members of {kind}"
                            ),
                        );
                    }
                    // Docker's types always carry mediaType; for OCI's it is a SHOULD.
                    let docker = matches!(kind, Kind::DockerManifest | Kind::DockerManifestList);
                    let message = if docker {
                        format!("{kind} requires a top-level `mediaType`")
                    } else {
                        format!("no top-level `mediaType`; read as {kind} from its structure")
                    };
                    let f = ctx.report(Code::DocumentMissingMediaType, root, message);
                    if docker {
                        f.severity = crate::Severity::Error;
                    }
                    f.help = Some(format!("add \"mediaType\": \"{}\"", kind.media_type()).into());
                    detected.kind = Some(kind);
                }
                None if !detected.is_config && ctx.member(root, "mediaType").is_none() => {
                    let f = ctx.report(
                        Code::DocumentUnknownKind,
                        root,
                        "neither `mediaType` nor the members tell what this document is",
                    );
                    f.help = Some(
                        "an index has `manifests`, an image manifest has `config` and `layers`"
                            .into(),
                    );
                }
                None => {}
            }
        }
    }
    detected
}

pub(crate) fn check_schema_version(ctx: &mut Context<'_, '_>, root: NodeId) {
    let Some(node) = ctx.require(
        root,
        "schemaVersion",
        Code::DocumentMissingSchemaVersion,
        "the document",
    ) else {
        return;
    };
    if ctx.tree.raw(node) != b"2" {
        let raw = String::from_utf8_lossy(ctx.tree.raw(node)).into_owned();
        let f = ctx.report(
            Code::DocumentInvalidSchemaVersion,
            node,
            format!("`schemaVersion` must be 2, not {raw}"),
        );
        f.help = Some("write \"schemaVersion\": 2 (a number)".into());
    }
}

/// `docker save`'s manifest.json: an array of objects with `Config`, `RepoTags`, `Layers`.
fn is_docker_save(ctx: &Context<'_, '_>, root: NodeId) -> bool {
    ctx.tree.elements(root).next().is_some_and(|first| {
        ctx.tree.kind(first) == NodeKind::Object
            && ctx.tree.get(first, "Config").is_some()
            && ctx.tree.get(first, "Layers").is_some()
    })
}
