//! Entry-by-entry differences between two indexes, keyed on platform.

use super::document::IndexDocument;
use super::platform_value::{annotation, entry_platform, is_attestation};
use super::ComposeError;
use crate::json::value::Value;
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
                });
            }
            None => entries.push(EntryDiff {
                key: key.clone(),
                change: EntryChange::Removed,
                a: Some(i),
                b: None,
                a_digest: digest_of(&ae[i]),
                b_digest: None,
            }),
        }
    }
    for (j, key) in bk.iter().enumerate() {
        if !ak.contains(key) {
            entries.push(EntryDiff {
                key: key.clone(),
                change: EntryChange::Added,
                a: None,
                b: Some(j),
                a_digest: None,
                b_digest: digest_of(&be[j]),
            });
        }
    }
    Ok(IndexDiff {
        changed_fields: changed_members(a.value(), b.value(), &["manifests"]),
        entries,
    })
}
