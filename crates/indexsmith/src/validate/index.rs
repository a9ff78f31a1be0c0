//! Rules for OCI image indexes (image-spec `image-index.md`) and Docker manifest lists (image
//! manifest v2 schema 2, "Manifest List"), with the lints users keep tripping over.

use super::context::Context;
use super::descriptor::{check_annotations, check_descriptor, check_media_type};
use super::platform::check_platform;
use crate::diagnostic::Code;
use crate::json::{NodeId, NodeKind};
use crate::media_type::MediaType;
use crate::platform::Platform;
use std::borrow::Cow;

/// The annotation buildkit sets on attestation entries, and its value.
pub const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";
/// The annotation naming the digest of the entry an attestation describes.
pub const REFERENCE_DIGEST: &str = "vnd.docker.reference.digest";

struct Entry<'a> {
    node: NodeId,
    digest: Option<Cow<'a, str>>,
    platform: Option<Platform>,
    attestation: bool,
    reference_digest: Option<(NodeId, String)>,
}

pub(crate) fn check_index(ctx: &mut Context<'_, '_>, root: NodeId, docker: bool) {
    if docker {
        for field in ["annotations", "artifactType", "subject"] {
            if let Some(n) = ctx.member(root, field) {
                let f = ctx.report(Code::IndexDockerListField, n, format!("a Docker manifest list cannot carry `{field}`; registries and clients ignore or reject it"));
                f.help = Some("convert the list to an OCI image index to keep it".into());
            }
        }
    } else {
        if let Some(n) = ctx.member(root, "annotations") {
            check_annotations(ctx, n);
        }
        if let Some((n, t)) = ctx.string_member(root, "artifactType") {
            check_media_type(ctx, n, &t, Code::DescriptorInvalidArtifactType, "artifactType");
        }
        if let Some(n) = ctx.member(root, "subject") {
            check_descriptor(ctx, n, "subject");
        }
    }
    let Some(manifests) = ctx.require(root, "manifests", Code::SchemaMissingField, "the index") else { return };
    if !ctx.expect_kind(manifests, NodeKind::Array, "manifests") {
        return;
    }
    let nodes: Vec<NodeId> = ctx.tree.elements(manifests).collect();
    if nodes.is_empty() {
        ctx.report(Code::IndexEmpty, manifests, "the index has no entries");
    }
    let mut entries = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.into_iter().enumerate() {
        entries.push(check_entry(ctx, node, i, docker));
    }
    lint_duplicates(ctx, &entries);
    lint_windows(ctx, &entries);
    lint_attestations(ctx, &entries);
}

/// `manifests[i]` in messages, formatted only when a message is.
struct EntryName(usize);

impl std::fmt::Display for EntryName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "manifests[{}]", self.0)
    }
}

fn check_entry<'a>(ctx: &mut Context<'_, 'a>, node: NodeId, i: usize, docker: bool) -> Entry<'a> {
    let what = EntryName(i);
    let facts = check_descriptor(ctx, node, &what);
    let digest = facts.digest_text;
    let mut entry = Entry { node, digest, platform: None, attestation: false, reference_digest: None };
    if ctx.tree.kind(node) != NodeKind::Object {
        return entry;
    }
    let [annotations, platform] = ctx.tree.get_many(node, ["annotations", "platform"]);
    if let Some(annotations) = annotations.filter(|&n| ctx.tree.kind(n) == NodeKind::Object) {
        if let Some(t) = ctx.tree.get(annotations, REFERENCE_TYPE) {
            entry.attestation = ctx.tree.str_eq(t, ATTESTATION_MANIFEST);
        }
        if let Some(d) = ctx.tree.get(annotations, REFERENCE_DIGEST).filter(|&d| ctx.tree.kind(d) == NodeKind::String) {
            entry.reference_digest = Some((d, ctx.tree.str(d).into_owned()));
        }
    }
    if let Some(media_type) = facts.media_type.as_deref().filter(|m| crate::media_type::is_valid_media_type(m)) {
        check_child_media_type(ctx, node, media_type, docker);
    }
    match platform {
        Some(p) => entry.platform = check_platform(ctx, p, entry.attestation, docker),
        None if docker => {
            let f = ctx.report(Code::IndexMissingPlatform, node, format!("{what} has no `platform`; every entry of a Docker manifest list needs one"));
            f.help = Some("add \"platform\": {\"os\": …, \"architecture\": …}".into());
        }
        None => {}
    }
    if docker {
        for field in ["annotations", "artifactType", "data"] {
            if let Some(n) = ctx.member(node, field) {
                ctx.report(Code::IndexDockerListField, n, format!("a Docker manifest list entry cannot carry `{field}`"));
            }
        }
    }
    entry
}

fn check_child_media_type(ctx: &mut Context<'_, '_>, node: NodeId, media_type: &str, docker: bool) {
    let media_type = MediaType::parse(media_type);
    let at = ctx.member(node, "mediaType").unwrap_or(node);
    if media_type.is_index() {
        ctx.report(Code::IndexNestedIndex, at, "this entry is itself an index; many clients do not descend into nested indexes");
    }
    let known = media_type.is_index() || media_type.is_image();
    if known && docker && media_type.is_oci() {
        let f = ctx.report(Code::IndexChildMediaTypeMismatch, at, format!("an OCI child ({media_type}) in a Docker manifest list"));
        f.help = Some("use an OCI image index for OCI children".into());
    } else if known && !docker && media_type.is_docker() {
        ctx.report(Code::IndexChildMediaTypeMismatch, at, format!("a Docker child ({media_type}) in an OCI image index; older clients may refuse the mix"));
    } else if !known {
        ctx.report(Code::IndexUnknownChildMediaType, at, format!("{media_type} is not a manifest media type; clients pulling by platform skip it"));
    }
}

/// The identity of a platform for duplicate detection: its containerd-normalized form, so that
/// `arm64` equals `arm64/v8` and `arm` equals `arm/v7`.
///
/// One byte string, each field preceded by its length so that no two platforms share a key:
/// hashing one string costs a fraction of hashing five.
fn platform_key(p: &Platform) -> Vec<u8> {
    let p = p.normalize();
    let mut features: Vec<&str> = p.os_features.iter().map(String::as_str).collect();
    features.sort_unstable();
    let mut key = Vec::with_capacity(p.os.len() + p.architecture.len() + 48);
    let fields = [p.os.as_str(), p.architecture.as_str(), p.variant.as_deref().unwrap_or(""), p.os_version.as_deref().unwrap_or("")];
    for part in fields.into_iter().chain(features) {
        key.extend_from_slice(&(part.len() as u32).to_le_bytes());
        key.extend_from_slice(part.as_bytes());
    }
    key
}

fn lint_duplicates(ctx: &mut Context<'_, '_>, entries: &[Entry<'_>]) {
    let mut seen: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(p) = e.platform.as_ref().filter(|_| !e.attestation) else { continue };
        if p.os == "unknown" && p.architecture == "unknown" {
            continue;
        }
        match seen.entry(platform_key(p)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let at = ctx.member(e.node, "platform").unwrap_or(e.node);
                let f = ctx.report(Code::IndexDuplicatePlatform, at, format!("platform {p} already appears at manifests[{}]; clients pull the first and never this one", first.get()));
                f.help = Some("remove one entry, or tell them apart (variant, os.version, os.features)".into());
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
}

fn lint_windows(ctx: &mut Context<'_, '_>, entries: &[Entry<'_>]) {
    let unversioned: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.platform.as_ref().is_some_and(|p| p.os == "windows" && p.os_version.is_none()))
        .collect();
    if unversioned.len() > 1 {
        for e in unversioned {
            let at = ctx.member(e.node, "platform").unwrap_or(e.node);
            let f = ctx.report(Code::IndexWindowsWithoutOsVersion, at, "several windows entries without `os.version`: clients cannot choose the one matching their build");
            f.help = Some("set os.version, e.g. 10.0.20348.2582".into());
        }
    }
}

fn lint_attestations(ctx: &mut Context<'_, '_>, entries: &[Entry<'_>]) {
    if !entries.iter().any(|e| e.attestation && e.reference_digest.is_some()) {
        return;
    }
    let digests: std::collections::HashSet<&str> = entries.iter().filter_map(|e| e.digest.as_deref()).collect();
    for e in entries.iter().filter(|e| e.attestation) {
        if let Some((node, target)) = &e.reference_digest {
            if !digests.contains(target.as_str()) {
                let f = ctx.report(Code::IndexDanglingAttestation, *node, format!("attestation for {target}, which is not an entry of this index"));
                f.help = Some("remove the attestation entry, or add back the image it describes".into());
            }
        }
    }
}
