//! OCI image index ⇄ Docker manifest list, with a report of every field the target cannot carry.

use super::document::{
    IndexDocument, DOCKER_DESCRIPTOR_ORDER, DOCKER_LIST_ORDER, OCI_DESCRIPTOR_ORDER,
    OCI_INDEX_ORDER,
};
use super::Format;
use crate::diagnostic::{push_pointer_token, Code, Diagnostic};
use crate::json::value::Value;
use crate::media_type::MediaType;

/// Members each format's index can carry, and each format's entries.
fn allowed(format: Format) -> (&'static [&'static str], &'static [&'static str]) {
    match format {
        Format::Oci => (OCI_INDEX_ORDER, OCI_DESCRIPTOR_ORDER),
        // The schema 2 manifest list entry: mediaType, size, digest, platform (and urls for
        // foreign content).
        Format::Docker => (
            DOCKER_LIST_ORDER,
            &["mediaType", "size", "digest", "urls", "platform"],
        ),
    }
}

fn dropped(pointer: String, what: &str, to: Format) -> Diagnostic {
    let target = match to {
        Format::Oci => "an OCI image index",
        Format::Docker => "a Docker manifest list",
    };
    Diagnostic::new(
        Code::ConvertDroppedField,
        format!("{what} was dropped: {target} cannot carry it"),
    )
    .with_pointer(pointer)
}

/// Rewrites `members` in `order`, keeping only `allowed` keys; reports the others.
fn reorder(
    value: &mut Value,
    order: &[&str],
    allowed: &[&str],
    base: &str,
    to: Format,
    notes: &mut Vec<Diagnostic>,
) {
    let Some(members) = value.as_object_mut() else {
        return;
    };
    let taken = std::mem::take(members);
    let mut kept: Vec<(String, Value)> = Vec::with_capacity(taken.len());
    for (key, v) in taken {
        if allowed.contains(&key.as_str()) {
            kept.push((key, v));
        } else {
            let mut pointer = base.to_owned();
            push_pointer_token(&mut pointer, &key);
            notes.push(dropped(pointer, &format!("`{key}`"), to));
        }
    }
    kept.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    *members = kept;
}

pub(crate) fn convert(doc: &mut IndexDocument, to: Format, notes: &mut Vec<Diagnostic>) {
    if doc.format() == to {
        return;
    }
    let (top_allowed, entry_allowed) = allowed(to);
    let top_order = match to {
        Format::Oci => OCI_INDEX_ORDER,
        Format::Docker => DOCKER_LIST_ORDER,
    };
    let entry_order = match to {
        Format::Oci => OCI_DESCRIPTOR_ORDER,
        Format::Docker => DOCKER_DESCRIPTOR_ORDER,
    };
    let value = doc.value_mut();
    reorder(value, top_order, top_allowed, "", to, notes);
    value.set("mediaType", Value::string(to.media_type()));
    if let Some(m) = value.as_object_mut() {
        m.sort_by_key(|(k, _)| top_order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    }
    if let Some(entries) = value.get_mut("manifests").and_then(Value::as_array_mut) {
        for (i, entry) in entries.iter_mut().enumerate() {
            let base = format!("/manifests/{i}");
            reorder(entry, entry_order, entry_allowed, &base, to, notes);
            if let Some(platform) = entry.get_mut("platform") {
                if to == Format::Oci && platform.remove("features").is_some() {
                    notes.push(dropped(
                        format!("{base}/platform/features"),
                        "`platform.features`",
                        to,
                    ));
                }
            }
            let child_type = entry
                .get("mediaType")
                .and_then(Value::as_str)
                .map(MediaType::parse);
            if let Some(m) = child_type {
                let other_family = match to {
                    Format::Oci => m.is_docker(),
                    Format::Docker => m.is_oci(),
                };
                if other_family && (m.is_image() || m.is_index()) {
                    notes.push(
                        Diagnostic::new(Code::ConvertChildMediaType, format!("entry {i} still points at a {m} child: a list cannot change its children's bytes"))
                            .with_pointer(format!("{base}/mediaType"))
                            .with_help("re-push the child in the target format to match"),
                    );
                }
            }
        }
    }
    doc.set_format(to);
}
