//! Entry-by-entry differences between two indexes, keyed on platform.

use super::document::IndexDocument;
use super::platform_value::{annotation, entry_platform, is_attestation};
use super::ComposeError;
use crate::json::value::Value;
use crate::json::write::Style;
use std::collections::HashMap;

/// What happened to one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryChange {
    Added,
    Removed,
    /// Same key; the listed fields differ (`digest`, `size`, `mediaType`, `platform`, `annotations`, …).
    Changed {
        fields: Vec<String>,
    },
    Unchanged,
}

/// One row of a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryDiff {
    /// The key the entries were paired on: the platform (`linux/arm/v7`, `windows/amd64:10.0.20348`),
    /// `attestation of <key>` for attestation entries, or the digest when there is no platform.
    pub key: String,
    pub change: EntryChange,
    /// Position in the first index.
    pub a: Option<usize>,
    /// Position in the second index.
    pub b: Option<usize>,
    pub a_digest: Option<String>,
    pub b_digest: Option<String>,
    /// Every changed value of a changed entry, before and after: platform fields and annotations
    /// one by one (`platform.variant`, `annotations["org.opencontainers.image.title"]`), other
    /// members whole (`digest`, `size`, …).
    pub changes: Vec<FieldChange>,
}

/// One value that differs between two paired entries. `None` is an absent value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The differences between two indexes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexDiff {
    /// Top-level members that differ (`mediaType`, `annotations`, `artifactType`, `subject`, …).
    pub changed_fields: Vec<String>,
    pub entries: Vec<EntryDiff>,
}

fn digest_of(entry: &Value) -> Option<String> {
    entry
        .get("digest")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn platform_key(entry: &Value) -> Option<String> {
    entry_platform(entry).map(|p| {
        let mut key = p.to_string();
        if let Some(v) = &p.os_version {
            key.push(':');
            key.push_str(v);
        }
        for f in &p.os_features {
            key.push('+');
            key.push_str(f);
        }
        key
    })
}

/// Keys for every entry; attestations are keyed by the key of the entry they describe.
fn keys(entries: &[Value]) -> Vec<String> {
    let base: Vec<Option<String>> = entries
        .iter()
        .map(|e| {
            if is_attestation(e) {
                None
            } else {
                platform_key(e)
            }
        })
        .collect();
    // The first entry with each digest, and how often each key has come: linear in the entries.
    let mut by_digest: HashMap<String, usize> = HashMap::new();
    for (j, e) in entries.iter().enumerate() {
        if let Some(d) = digest_of(e) {
            by_digest.entry(d).or_insert(j);
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<String> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let key = if is_attestation(e) {
            let subject = annotation(e, crate::validate::REFERENCE_DIGEST);
            let target = subject
                .and_then(|d| by_digest.get(d))
                .and_then(|&j| base[j].clone());
            format!(
                "attestation of {}",
                target
                    .or(subject.map(str::to_owned))
                    .unwrap_or_else(|| "?".into())
            )
        } else {
            base[i]
                .clone()
                .or_else(|| digest_of(e))
                .unwrap_or_else(|| format!("#{i}"))
        };
        // Repeated keys (duplicate platforms) are told apart by their rank.
        let rank = seen.entry(key.clone()).or_insert(0);
        *rank += 1;
        out.push(if *rank == 1 {
            key
        } else {
            format!("{key} #{rank}")
        });
    }
    out
}

fn changed_members(a: &Value, b: &Value, skip: &[&str]) -> Vec<String> {
    let mut fields = Vec::new();
    let empty = Vec::new();
    let am = a.as_object().unwrap_or(&empty);
    let bm = b.as_object().unwrap_or(&empty);
    for (k, v) in am {
        if !skip.contains(&k.as_str()) && b.get(k) != Some(v) {
            fields.push(k.clone());
        }
    }
    for (k, _) in bm {
        if !skip.contains(&k.as_str()) && a.get(k).is_none() {
            fields.push(k.clone());
        }
    }
    fields
}

/// A value as shown in a diff: strings as they are, anything else as compact JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => {
            String::from_utf8_lossy(&crate::json::write::to_vec(other, Style::Compact)).into_owned()
        }
    }
}

/// The values that differ between two entries, member by member; `platform` and `annotations`
/// are compared one field (one key) deeper so that each change has its own before and after.
fn field_changes(a: &Value, b: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    for member in changed_members(a, b, &[]) {
        let (va, vb) = (a.get(&member), b.get(&member));
        let nested = matches!(member.as_str(), "platform" | "annotations")
            && [va, vb]
                .iter()
                .all(|v| v.map_or(true, |v| v.as_object().is_some()));
        if !nested {
            out.push(FieldChange {
                field: member,
                before: va.map(shown),
                after: vb.map(shown),
            });
            continue;
        }
        let empty = Value::object();
        let (oa, ob) = (va.unwrap_or(&empty), vb.unwrap_or(&empty));
        for key in changed_members(oa, ob, &[]) {
            let field = if member == "annotations" {
                format!("annotations[{key:?}]")
            } else {
                format!("platform.{key}")
            };
            out.push(FieldChange {
                field,
                before: oa.get(&key).map(shown),
                after: ob.get(&key).map(shown),
            });
        }
    }
    out
}

/// Diffs two indexes (either format).
pub fn diff_indexes(a: &[u8], b: &[u8]) -> Result<IndexDiff, ComposeError> {
    let a = IndexDocument::parse(a)?;
    let b = IndexDocument::parse(b)?;
    let (ae, be) = (a.entries(), b.entries());
    let (ak, bk) = (keys(ae), keys(be));
    let mut entries = Vec::new();
    for (i, key) in ak.iter().enumerate() {
        match bk.iter().position(|k| k == key) {
            Some(j) => {
                let fields = changed_members(&ae[i], &be[j], &[]);
                let changes = field_changes(&ae[i], &be[j]);
                let change = if fields.is_empty() {
                    EntryChange::Unchanged
                } else {
                    EntryChange::Changed { fields }
                };
                entries.push(EntryDiff {
                    key: key.clone(),
                    change,
                    a: Some(i),
                    b: Some(j),
                    a_digest: digest_of(&ae[i]),
                    b_digest: digest_of(&be[j]),
                    changes,
                });
            }
            None => entries.push(EntryDiff {
                key: key.clone(),
                change: EntryChange::Removed,
                a: Some(i),
                b: None,
                a_digest: digest_of(&ae[i]),
                b_digest: None,
                changes: Vec::new(),
            }),
        }
    }
    for (j, key) in bk.iter().enumerate() {
        if ak.contains(key) {
            continue;
        }
        // An entry whose platform changed but whose digest did not is the same entry, changed
        // (`docker manifest annotate --variant`): pair it with a removed entry of that digest.
        let digest = digest_of(&be[j]);
        let removed = entries.iter().position(|e| {
            e.change == EntryChange::Removed && digest.is_some() && e.a_digest == digest
        });
        if let Some(r) = removed {
            let i = entries[r].a.unwrap_or_default();
            let before = std::mem::take(&mut entries[r].key);
            entries[r] = EntryDiff {
                key: format!("{before} → {key}"),
                change: EntryChange::Changed {
                    fields: changed_members(&ae[i], &be[j], &[]),
                },
                a: Some(i),
                b: Some(j),
                a_digest: digest_of(&ae[i]),
                b_digest: digest,
                changes: field_changes(&ae[i], &be[j]),
            };
            continue;
        }
        {
            entries.push(EntryDiff {
                key: key.clone(),
                change: EntryChange::Added,
                a: None,
                b: Some(j),
                a_digest: None,
                b_digest: digest_of(&be[j]),
                changes: Vec::new(),
            });
        }
    }
    Ok(IndexDiff {
        changed_fields: changed_members(a.value(), b.value(), &["manifests"]),
        entries,
    })
}
