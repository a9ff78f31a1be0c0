//! Rules for OCI image indexes (image-spec `image-index.md`) and Docker manifest lists (image
//! manifest v2 schema 2, "Manifest List"), with the lints users keep tripping over.

use super::context::Context;
use super::descriptor::{check_annotations, check_descriptor, check_media_type};
use super::message::{Text, What};
use super::platform::{check_platform, PlatformFields};
use crate::diagnostic::Code;
use crate::json::{Name, NodeId, NodeKind};
use crate::media_type::MediaType;
use crate::platform::normalize::{normalize_arch_parts, normalize_os_part, Part};
use std::borrow::Cow;

pub use crate::model::{ATTESTATION_MANIFEST, REFERENCE_DIGEST, REFERENCE_TYPE};

struct Entry<'a> {
    node: NodeId,
    digest: Option<Cow<'a, str>>,
    platform: Option<PlatformFields<'a>>,
    attestation: bool,
    reference_digest: Option<(NodeId, Cow<'a, str>)>,
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
            check_media_type(
                ctx,
                n,
                &t,
                Code::DescriptorInvalidArtifactType,
                "artifactType",
            );
        }
        if let Some(n) = ctx.member(root, "subject") {
            check_descriptor(ctx, n, "subject");
        }
    }
    let Some(manifests) = ctx.require(root, "manifests", Code::SchemaMissingField, "the index")
    else {
        return;
    };
    if !ctx.expect_kind(manifests, NodeKind::Array, "manifests") {
        return;
    }
    let tree = ctx.tree;
    let count = tree.node(manifests).len as usize;
    if count == 0 {
        ctx.report(Code::IndexEmpty, manifests, "the index has no entries");
    }
    let mut entries = Vec::with_capacity(count);
    for (i, node) in tree.elements(manifests).enumerate() {
        entries.push(check_entry(ctx, node, i, docker));
    }
    lint_duplicates(ctx, &entries);
    lint_windows(ctx, &entries);
    lint_attestations(ctx, &entries);
}

fn check_entry<'a>(ctx: &mut Context<'_, 'a>, node: NodeId, i: usize, docker: bool) -> Entry<'a> {
    let what = What::Element("manifests", i as u32);
    let facts = check_descriptor(ctx, node, what);
    let digest = facts.digest_text;
    let mut entry = Entry {
        node,
        digest,
        platform: None,
        attestation: false,
        reference_digest: None,
    };
    if ctx.tree.kind(node) != NodeKind::Object {
        return entry;
    }
    let [annotations, platform] = ctx
        .tree
        .get_named(node, [Name::Annotations, Name::Platform]);
    if let Some(annotations) = annotations.filter(|&n| ctx.tree.kind(n) == NodeKind::Object) {
        if let Some(t) = ctx.tree.get(annotations, REFERENCE_TYPE) {
            entry.attestation = ctx.tree.str_eq(t, ATTESTATION_MANIFEST);
        }
        if let Some(d) = ctx
            .tree
            .get(annotations, REFERENCE_DIGEST)
            .filter(|&d| ctx.tree.kind(d) == NodeKind::String)
        {
            entry.reference_digest = Some((d, ctx.tree.str(d)));
        }
    }
    if let (Some(media_type), Some(at), true) = (
        facts.media_type.as_deref(),
        facts.media_type_node,
        facts.media_type_valid,
    ) {
        check_child_media_type(ctx, at, media_type, docker);
    }
    match platform {
        Some(p) => entry.platform = check_platform(ctx, p, entry.attestation, docker),
        None if docker => {
            let f = ctx.report(
                Code::IndexMissingPlatform,
                node,
                format!(
                    "{what} has no `platform`; every entry of a Docker manifest list needs one"
                ),
            );
            f.help = Some("add \"platform\": {\"os\": …, \"architecture\": …}".into());
        }
        None => {}
    }
    if docker {
        for field in ["annotations", "artifactType", "data"] {
            if let Some(n) = ctx.member(node, field) {
                ctx.report(
                    Code::IndexDockerListField,
                    n,
                    format!("a Docker manifest list entry cannot carry `{field}`"),
                );
            }
        }
    }
    entry
}

/// Checks the media type of an entry; `at` is its `mediaType` member.
fn check_child_media_type(ctx: &mut Context<'_, '_>, at: NodeId, media_type: &str, docker: bool) {
    let media_type = MediaType::parse(media_type);
    if media_type.is_index() {
        ctx.report(
            Code::IndexNestedIndex,
            at,
            "this entry is itself an index; many clients do not descend into nested indexes",
        );
    }
    let known = media_type.is_index() || media_type.is_image();
    if known && docker && media_type.is_oci() {
        let f = ctx.report(
            Code::IndexChildMediaTypeMismatch,
            at,
            format!("an OCI child ({media_type}) in a Docker manifest list"),
        );
        f.help = Some("use an OCI image index for OCI children".into());
    } else if known && !docker && media_type.is_docker() {
        ctx.report(Code::IndexChildMediaTypeMismatch, at, format!("a Docker child ({media_type}) in an OCI image index; older clients may refuse the mix"));
    } else if !known {
        ctx.report(
            Code::IndexUnknownChildMediaType,
            at,
            format!(
                "{media_type} is not a manifest media type; clients pulling by platform skip it"
            ),
        );
    }
}

/// Appends the identity of a platform for duplicate detection to `key`: its containerd-normalized
/// form, so that `arm64` equals `arm64/v8` and `arm` equals `arm/v7`. Each field is preceded by
/// its length so that no two platforms share a key; `os.features` are sorted and deduplicated
/// (in `features`, a scratch list). Nothing is allocated per platform.
fn push_platform_key<'p>(
    key: &mut Vec<u8>,
    p: &'p PlatformFields<'_>,
    features: &mut Vec<&'p str>,
) {
    fn push(key: &mut Vec<u8>, part: Part<'_>) {
        let len = match part {
            Part::Canonical(s) | Part::Lowered(s) => s.len(),
        };
        key.extend_from_slice(&(len as u32).to_le_bytes());
        key.extend(part.bytes());
    }
    fn push_as_written(key: &mut Vec<u8>, s: &str) {
        key.extend_from_slice(&(s.len() as u32).to_le_bytes());
        key.extend_from_slice(s.as_bytes());
    }
    let (architecture, variant) =
        normalize_arch_parts(&p.architecture, p.variant.as_deref().unwrap_or(""));
    push(key, normalize_os_part(&p.os));
    push(key, architecture);
    push(key, variant);
    push_as_written(key, p.os_version.as_deref().unwrap_or(""));
    features.clear();
    features.extend(p.os_features.iter().map(|f| f.as_ref()));
    features.sort_unstable();
    features.dedup();
    for f in features.iter() {
        push_as_written(key, f);
    }
}

/// A 64-bit summary of `bytes` (FxHash's mixing) that orders keys before their bytes are compared.
/// Sorting stays n log n comparisons whatever the input: equal summaries only mean comparing
/// the bytes.
fn summary(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ crate::text::word(c)).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h
}

/// Entries whose normalized platforms are equal. The keys sit in one buffer and are sorted, not
/// hashed: no allocation per entry, and no input can make it slower than n log n.
fn lint_duplicates(ctx: &mut Context<'_, '_>, entries: &[Entry<'_>]) {
    let mut keys: Vec<u8> = Vec::new();
    // (summary, start, end, entry) of each key in `keys`.
    let mut spans: Vec<(u64, usize, usize, usize)> = Vec::new();
    let mut features = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let Some(p) = e.platform.as_ref().filter(|_| !e.attestation) else {
            continue;
        };
        if p.os == "unknown" && p.architecture == "unknown" {
            continue;
        }
        let start = keys.len();
        push_platform_key(&mut keys, p, &mut features);
        spans.push((summary(&keys[start..]), start, keys.len(), i));
    }
    spans.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| keys[a.1..a.2].cmp(&keys[b.1..b.2]))
            .then(a.3.cmp(&b.3))
    });
    // (entry, the first entry with its platform), in entry order.
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    let mut first = None;
    for (n, &(summary, start, end, i)) in spans.iter().enumerate() {
        let same = n > 0
            && spans[n - 1].0 == summary
            && keys[spans[n - 1].1..spans[n - 1].2] == keys[start..end];
        match (same, first) {
            (true, Some(f)) => duplicates.push((i, f)),
            _ => first = Some(i),
        }
    }
    duplicates.sort_unstable();
    for (i, first) in duplicates {
        let e = &entries[i];
        if e.platform.is_none() {
            continue;
        }
        // The platform is formatted from this node, only if the finding is listed.
        let at = ctx.member(e.node, "platform").unwrap_or(e.node);
        let first = first as u32;
        let f = ctx.report(
            Code::IndexDuplicatePlatform,
            at,
            Text::DuplicatePlatform { first },
        );
        f.help =
            Some("remove one entry, or tell them apart (variant, os.version, os.features)".into());
    }
}

fn lint_windows(ctx: &mut Context<'_, '_>, entries: &[Entry<'_>]) {
    let unversioned: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            e.platform
                .as_ref()
                .is_some_and(|p| p.os == "windows" && p.os_version.is_none())
        })
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
    if !entries
        .iter()
        .any(|e| e.attestation && e.reference_digest.is_some())
    {
        return;
    }
    // Sorted and searched rather than hashed: no input can make it slower than n log n.
    let mut digests: Vec<(u64, &str)> = entries
        .iter()
        .filter_map(|e| e.digest.as_deref())
        .map(|d| (summary(d.as_bytes()), d))
        .collect();
    digests.sort_unstable();
    for e in entries.iter().filter(|e| e.attestation) {
        if let Some((node, target)) = &e.reference_digest {
            if digests
                .binary_search(&(summary(target.as_bytes()), target.as_ref()))
                .is_err()
            {
                let f = ctx.report(
                    Code::IndexDanglingAttestation,
                    *node,
                    Text::DanglingAttestation,
                );
                f.help =
                    Some("remove the attestation entry, or add back the image it describes".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Spec<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a [&'a str],
    );

    fn fields<'a>(
        (os, architecture, variant, os_version, features): Spec<'a>,
    ) -> PlatformFields<'a> {
        PlatformFields {
            os: os.into(),
            architecture: architecture.into(),
            variant: variant.map(Cow::from),
            os_version: os_version.map(Cow::from),
            os_features: features.iter().map(|&f| Cow::from(f)).collect(),
        }
    }

    fn key(p: &PlatformFields<'_>) -> Vec<u8> {
        let mut key = Vec::new();
        push_platform_key(&mut key, p, &mut Vec::new());
        key
    }

    #[test]
    fn platform_keys_are_equal_exactly_when_the_normalized_platforms_are() {
        let none: &[&str] = &[];
        let cases: &[(Spec<'_>, Spec<'_>, bool)] = &[
            (
                ("linux", "arm64", None, None, none),
                ("linux", "arm64", Some("v8"), None, none),
                true,
            ),
            (
                ("linux", "aarch64", None, None, none),
                ("linux", "ARM64", Some("V8.0"), None, none),
                true,
            ),
            (
                ("linux", "arm", None, None, none),
                ("linux", "arm", Some("v7"), None, none),
                true,
            ),
            (
                ("linux", "armhf", None, None, none),
                ("linux", "arm", Some("7"), None, none),
                true,
            ),
            (
                ("linux", "arm", Some("6"), None, none),
                ("linux", "armel", None, None, none),
                true,
            ),
            (
                ("linux", "arm", Some("v6"), None, none),
                ("linux", "arm", Some("v7"), None, none),
                false,
            ),
            (
                ("linux", "arm64", Some("9"), None, none),
                ("linux", "arm64", Some("v9"), None, none),
                true,
            ),
            (
                ("linux", "amd64", Some("v1"), None, none),
                ("Linux", "x86_64", None, None, none),
                true,
            ),
            (
                ("linux", "amd64", Some("v2"), None, none),
                ("linux", "amd64", None, None, none),
                false,
            ),
            (
                ("linux", "i386", Some("x"), None, none),
                ("linux", "386", None, None, none),
                true,
            ),
            (
                ("MacOS", "arm64", None, None, none),
                ("darwin", "arm64", None, None, none),
                true,
            ),
            (
                ("linux", "riscv64", Some("RVA22"), None, none),
                ("linux", "riscv64", Some("rva22"), None, none),
                true,
            ),
            (
                ("windows", "amd64", None, Some("10.0.1"), none),
                ("windows", "amd64", None, Some("10.0.2"), none),
                false,
            ),
            (
                ("windows", "amd64", None, Some("A"), none),
                ("windows", "amd64", None, Some("a"), none),
                false,
            ),
            (
                ("windows", "amd64", None, None, &["b", "a", "a"]),
                ("windows", "amd64", None, None, &["a", "b"]),
                true,
            ),
            (
                ("windows", "amd64", None, None, &["a"]),
                ("windows", "amd64", None, None, none),
                false,
            ),
            // Field boundaries: the lengths keep fields apart.
            (
                ("linux", "amd64", None, None, &["x"]),
                ("linux", "amd64", None, Some("x"), none),
                false,
            ),
            (
                ("ab", "c", None, None, none),
                ("a", "bc", None, None, none),
                false,
            ),
        ];
        for (a, b, same) in cases {
            let (pa, pb) = (fields(*a), fields(*b));
            assert_eq!(key(&pa) == key(&pb), *same, "{a:?} vs {b:?}");
            // The keys agree with the owned normalization they replace.
            assert_eq!(
                pa.into_platform().normalize() == pb.into_platform().normalize(),
                *same,
                "normalize: {a:?} vs {b:?}"
            );
        }
    }
}
