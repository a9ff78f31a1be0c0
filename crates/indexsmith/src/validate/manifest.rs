//! Rules for OCI image manifests (image-spec `manifest.md`, v1.1 artifacts included) and Docker
//! image manifests (v2 schema 2).

use super::context::Context;
use super::descriptor::{check_annotations, check_descriptor, check_media_type};
use super::message::What;
use crate::diagnostic::Code;
use crate::json::{NodeId, NodeKind};
use crate::media_type::{self, MediaType};

pub(crate) fn check_manifest(ctx: &mut Context<'_, '_>, root: NodeId, docker: bool) {
    let has_artifact_type = match ctx.string_member(root, "artifactType") {
        Some((n, t)) => {
            check_media_type(
                ctx,
                n,
                &t,
                Code::DescriptorInvalidArtifactType,
                "artifactType",
            );
            true
        }
        None => false,
    };
    if docker {
        for field in ["artifactType", "subject", "annotations"] {
            if let Some(n) = ctx.member(root, field) {
                let f = ctx.report(
                    Code::ManifestDockerField,
                    n,
                    format!("a Docker image manifest cannot carry `{field}`"),
                );
                f.help = Some("use an OCI image manifest to keep it".into());
            }
        }
    } else {
        if let Some(n) = ctx.member(root, "annotations") {
            check_annotations(ctx, n);
        }
        if let Some(n) = ctx.member(root, "subject") {
            check_descriptor(ctx, n, "subject");
        }
    }

    if let Some(config) = ctx.require(root, "config", Code::SchemaMissingField, "the manifest") {
        let facts = check_descriptor(ctx, config, "config");
        if let Some(config_type) = facts.media_type.as_deref() {
            let at = ctx.member(config, "mediaType").unwrap_or(config);
            if docker {
                if config_type != media_type::DOCKER_CONFIG
                    && config_type != media_type::DOCKER_PLUGIN_CONFIG
                {
                    ctx.report(
                        Code::ManifestConfigMediaType,
                        at,
                        format!(
                            "a Docker image manifest's config should be {}, not {config_type}",
                            media_type::DOCKER_CONFIG
                        ),
                    );
                }
            } else {
                if config_type == media_type::DOCKER_CONFIG {
                    ctx.report(Code::ManifestConfigMediaType, at, "a Docker config media type in an OCI manifest; use application/vnd.oci.image.config.v1+json");
                }
                if config_type == media_type::OCI_EMPTY && !has_artifact_type {
                    let f = ctx.report(
                        Code::ManifestMissingArtifactType,
                        at,
                        "the config is the empty descriptor, so `artifactType` MUST be set",
                    );
                    f.help = Some("set artifactType to the media type of the artifact".into());
                }
            }
        }
    }

    let Some(layers) = ctx.require(root, "layers", Code::SchemaMissingField, "the manifest") else {
        return;
    };
    if !ctx.expect_kind(layers, NodeKind::Array, "layers") {
        return;
    }
    let items: Vec<NodeId> = ctx.tree.elements(layers).collect();
    if items.is_empty() {
        let f = ctx.report(
            Code::ManifestEmptyLayers,
            layers,
            "`layers` is empty; image-spec v1.1 says it SHOULD have at least one entry (its JSON schema says MUST)",
        );
        f.help = Some(
            "for an artifact without content, use the empty descriptor as the one layer".into(),
        );
    }
    for (i, layer) in items.into_iter().enumerate() {
        let facts = check_descriptor(ctx, layer, What::Element("layers", i as u32));
        let Some(layer_type) = facts.media_type else {
            continue;
        };
        let at = ctx.member(layer, "mediaType").unwrap_or(layer);
        if media_type::is_non_distributable_layer(&layer_type) {
            let f = ctx.report(Code::ManifestNonDistributableLayer, at, format!("{layer_type} is a non-distributable layer type, deprecated since image-spec v1.1"));
            f.help = Some(
                "use the ordinary layer media type; registries may refuse or skip these layers"
                    .into(),
            );
        }
        let parsed = MediaType::parse(&layer_type);
        if docker && parsed.is_oci() {
            ctx.report(
                Code::ManifestLayerMediaTypeMismatch,
                at,
                format!("an OCI layer type ({layer_type}) in a Docker image manifest"),
            );
        } else if !docker && parsed.is_docker() {
            ctx.report(
                Code::ManifestLayerMediaTypeMismatch,
                at,
                format!("a Docker layer type ({layer_type}) in an OCI image manifest"),
            );
        }
    }
}
