//! Descriptor rules (image-spec `descriptor.md`): `mediaType`, `digest`, `size`, `urls`,
//! `annotations`, `data`, `artifactType`.

use super::context::Context;
use super::message::What;
use crate::diagnostic::Code;
use crate::digest::{Digest, ParseDigestError};
use crate::json::{Name, NodeId, NodeKind};
use crate::media_type::OCI_EMPTY;
use std::borrow::Cow;

/// What a descriptor validation learned, for the rules of the enclosing document.
/// Strings borrow the document's text where they can (no escapes): one index entry after another
/// would otherwise allocate them.
#[derive(Default)]
pub(crate) struct DescriptorFacts<'a> {
    pub media_type: Option<Cow<'a, str>>,
    /// The `mediaType` member, and whether its value is a media type.
    pub media_type_node: Option<NodeId>,
    pub media_type_valid: bool,
    /// The digest as written, when it parsed (parsed again into a [`Digest`] only by the rules
    /// that need one).
    pub digest_text: Option<Cow<'a, str>>,
    pub size: Option<i64>,
}

/// Checks the descriptor at `node`; `what` names it in messages (e.g. "manifests[2]").
pub(crate) fn check_descriptor<'a>(
    ctx: &mut Context<'_, 'a>,
    node: NodeId,
    what: impl Into<What>,
) -> DescriptorFacts<'a> {
    let what = what.into();
    let mut facts = DescriptorFacts::default();
    if !ctx.expect_kind(node, NodeKind::Object, what) {
        return facts;
    }
    let [media_type, digest, size, urls, annotations, artifact_type, data] = ctx.tree.get_named(
        node,
        [
            Name::MediaType,
            Name::Digest,
            Name::Size,
            Name::Urls,
            Name::Annotations,
            Name::ArtifactType,
            Name::Data,
        ],
    );
    ctx.required(
        media_type,
        node,
        "mediaType",
        Code::DescriptorMissingMediaType,
        what,
    );
    if let Some((n, media_type)) = ctx.string_value(media_type, "mediaType") {
        facts.media_type_valid = check_media_type(
            ctx,
            n,
            &media_type,
            Code::DescriptorInvalidMediaType,
            "mediaType",
        );
        facts.media_type_node = Some(n);
        facts.media_type = Some(media_type);
    }
    ctx.required(digest, node, "digest", Code::DescriptorMissingDigest, what);
    if let Some((n, digest)) = ctx.string_value(digest, "digest") {
        if check_digest(ctx, n, &digest) {
            facts.digest_text = Some(digest);
        }
    }
    if let Some(n) = ctx.required(size, node, "size", Code::DescriptorMissingSize, what) {
        facts.size = check_size(ctx, n);
    }
    if let Some(urls) = urls.filter(|&n| ctx.expect_kind(n, NodeKind::Array, "urls")) {
        let items: Vec<NodeId> = ctx.tree.elements(urls).collect();
        for item in items {
            if ctx.expect_kind(item, NodeKind::String, "urls[]") {
                let url = ctx.tree.str(item);
                if !is_absolute_uri(&url) {
                    ctx.report(
                        Code::DescriptorInvalidUrl,
                        item,
                        format!("{url:?} is not an absolute URI (RFC 3986)"),
                    );
                }
            }
        }
    }
    if let Some(annotations) = annotations {
        check_annotations(ctx, annotations);
    }
    if let Some((n, artifact_type)) = ctx.string_value(artifact_type, "artifactType") {
        check_media_type(
            ctx,
            n,
            &artifact_type,
            Code::DescriptorInvalidArtifactType,
            "artifactType",
        );
    }
    if let Some((n, data)) = ctx.string_value(data, "data") {
        check_data(ctx, n, &data, &facts);
    }
    if facts.media_type.as_deref() == Some(OCI_EMPTY) {
        let digest_ok = facts
            .digest_text
            .as_deref()
            .map_or(true, |d| d == crate::digest::EMPTY_JSON_SHA256);
        let size_ok = facts.size.map_or(true, |s| s == 2);
        if !digest_ok || !size_ok {
            let f = ctx.report(
                Code::DescriptorEmptyMismatch,
                node,
                "the empty descriptor's media type with a digest or size other than those of `{}`",
            );
            f.help = Some(
                format!(
                    "the empty descriptor has size 2 and digest {}",
                    crate::digest::EMPTY_JSON_SHA256
                )
                .into(),
            );
        }
    }
    facts
}

pub(crate) fn check_media_type(
    ctx: &mut Context<'_, '_>,
    node: NodeId,
    value: &str,
    code: Code,
    field: &str,
) -> bool {
    if ctx.is_valid_media_type(value) {
        return true;
    }
    let f = ctx.report(
        code,
        node,
        format!("`{field}` {value:?} is not a media type (type/subtype, RFC 6838)"),
    );
    if value.is_empty() {
        f.help = Some(
            "give the content's media type, e.g. application/vnd.oci.image.manifest.v1+json".into(),
        );
    } else if value.contains(';') {
        f.help = Some("parameters are not allowed here; drop everything from ';'".into());
    }
    false
}

/// Checks a digest; true when it parses.
pub(crate) fn check_digest(ctx: &mut Context<'_, '_>, node: NodeId, value: &str) -> bool {
    match crate::digest::parse_parts(value) {
        Ok((algorithm, _)) => {
            if !algorithm.is_registered() {
                let f = ctx.report(
                    Code::DescriptorUnregisteredAlgorithm,
                    node,
                    format!(
                        "digest algorithm {:?} is not registered; clients may refuse to verify it",
                        algorithm.as_str()
                    ),
                );
                f.help = Some("use sha256 (or sha512)".into());
            }
            true
        }
        Err(
            e @ (ParseDigestError::WrongLength { .. } | ParseDigestError::NotLowercaseHex { .. }),
        ) => {
            ctx.report(
                Code::DescriptorInvalidDigestEncoding,
                node,
                format!("invalid digest {value:?}: {e}"),
            );
            false
        }
        Err(e) => {
            let f = ctx.report(
                Code::DescriptorInvalidDigest,
                node,
                format!("invalid digest {value:?}: {e}"),
            );
            f.help = Some("a digest looks like sha256:<64 lowercase hex characters>".into());
            false
        }
    }
}

/// `size`: an integer in `0..=i64::MAX`, written without fraction or exponent.
pub(crate) fn check_size(ctx: &mut Context<'_, '_>, node: NodeId) -> Option<i64> {
    if !ctx.expect_kind(node, NodeKind::Number, "size") {
        return None;
    }
    let raw = ctx.tree.raw(node);
    // All digits is all ASCII, so the text is a str; it is copied only into a message.
    let digits = raw
        .iter()
        .all(u8::is_ascii_digit)
        .then(|| std::str::from_utf8(raw).ok())
        .flatten();
    let Some(digits) = digits else {
        let raw = String::from_utf8_lossy(raw);
        let f = ctx.report(
            Code::DescriptorInvalidSize,
            node,
            format!("size {raw} is not a non-negative integer"),
        );
        f.help = Some("size is the exact number of bytes of the content".into());
        return None;
    };
    match digits.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            ctx.report(
                Code::DescriptorSizeOutOfRange,
                node,
                format!("size {digits} is larger than the int64 maximum"),
            );
            None
        }
    }
}

pub(crate) fn check_annotations(ctx: &mut Context<'_, '_>, node: NodeId) {
    if !ctx.expect_kind(node, NodeKind::Object, "annotations") {
        return;
    }
    let tree = ctx.tree;
    for (key, value) in tree.members(node) {
        if tree.kind(value) != NodeKind::String {
            let name = tree.str(key);
            let kind = tree.kind(value).name();
            let f = ctx.report(
                Code::DescriptorAnnotationNotString,
                value,
                format!("annotation {name:?} has a {kind} value; annotation values are strings"),
            );
            f.help = Some("quote the value".into());
        }
    }
}

fn check_data(ctx: &mut Context<'_, '_>, node: NodeId, data: &str, facts: &DescriptorFacts<'_>) {
    let Some(bytes) = decode_base64(data) else {
        let f = ctx.report(
            Code::DescriptorInvalidData,
            node,
            "`data` is not padded base64 (RFC 4648 §4)",
        );
        f.help = Some("encode the content with standard base64, with '=' padding".into());
        return;
    };
    if let Some(size) = facts.size {
        if bytes.len() as i64 != size {
            ctx.report(
                Code::DescriptorDataSizeMismatch,
                node,
                format!(
                    "`data` decodes to {} bytes but `size` is {size}",
                    bytes.len()
                ),
            );
        }
    }
    if let Some(digest) = facts
        .digest_text
        .as_deref()
        .and_then(|d| d.parse::<Digest>().ok())
    {
        if digest.verify(&bytes) == Some(false) {
            let computed = crate::digest::compute(digest.algorithm(), &bytes)
                .map(|d| d.to_string())
                .unwrap_or_default();
            ctx.report(
                Code::DescriptorDataDigestMismatch,
                node,
                format!("`data` hashes to {computed}, not {digest}"),
            );
        }
    }
}

/// Decodes standard, padded base64; `None` for anything else.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    fn sextet(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let b = s.as_bytes();
    if b.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (i, quad) in b.chunks(4).enumerate() {
        let last = i == b.len() / 4 - 1;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        // Non-canonical encodings (stray bits in the padding) are rejected.
        match pad {
            1 if n & 0xFF != 0 => return None,
            2 if n & 0xFFFF != 0 => return None,
            _ => {}
        }
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// An absolute URI: `scheme ":" rest`, with no whitespace or control characters.
fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("", Some(b"")),
            ("e30=", Some(b"{}")),
            ("YQ==", Some(b"a")),
            ("YWI=", Some(b"ab")),
            ("YWJj", Some(b"abc")),
            ("YQ", None),
            ("YR==", None),
            ("Y===", None),
            ("YQ==YQ==", None),
            ("e30-", None),
            ("e3 0", None),
        ];
        for (input, expected) in cases {
            assert_eq!(decode_base64(input).as_deref(), *expected, "{input:?}");
        }
    }

    #[test]
    fn uris() {
        for (s, ok) in [
            ("https://example.com/x", true),
            ("urn:a", true),
            ("/relative", false),
            ("http:", false),
            ("ht tp://x", false),
            ("1http://x", false),
        ] {
            assert_eq!(is_absolute_uri(s), ok, "{s}");
        }
    }
}
