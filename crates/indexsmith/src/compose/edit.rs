//! The edits an index accepts, and how each is applied.

use super::child::Child;
use super::document::{set_in_order, IndexDocument};
use super::platform_value::{self, entry_platform, is_attestation, satisfies, PLATFORM_ORDER};
use super::{convert, ComposeError, Format};
use crate::diagnostic::{Code, Diagnostic};
use crate::json::value::Value;
use crate::json::{self, Limits};
use crate::platform::Platform;

/// Which entries an edit applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// The entry at this position.
    Index(usize),
    /// Every entry with this digest.
    Digest(String),
    /// Every entry whose platform satisfies this one (fields left unset match anything).
    Platform(Platform),
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Selector::Index(i) => write!(f, "entry {i}"),
            Selector::Digest(d) => write!(f, "digest {d}"),
            Selector::Platform(p) => write!(f, "platform {p}"),
        }
    }
}

/// One field of a platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlatformField {
    Os,
    Architecture,
    Variant,
    OsVersion,
    /// A comma-separated list in [`Edit::SetPlatformField`].
    OsFeatures,
}

impl PlatformField {
    pub fn key(self) -> &'static str {
        match self {
            PlatformField::Os => "os",
            PlatformField::Architecture => "architecture",
            PlatformField::Variant => "variant",
            PlatformField::OsVersion => "os.version",
            PlatformField::OsFeatures => "os.features",
        }
    }

    pub fn parse(s: &str) -> Option<PlatformField> {
        Some(match s {
            "os" => PlatformField::Os,
            "architecture" | "arch" => PlatformField::Architecture,
            "variant" => PlatformField::Variant,
            "os.version" | "osVersion" => PlatformField::OsVersion,
            "os.features" | "osFeatures" => PlatformField::OsFeatures,
            _ => return None,
        })
    }
}

/// An edit of an index.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Edit {
    /// Adds the entry for a child manifest, at `position` or at the end.
    Add {
        child: Child,
        position: Option<usize>,
    },
    /// Adds an entry given as a descriptor (JSON text), at `position` or at the end.
    AddDescriptor {
        descriptor: String,
        position: Option<usize>,
    },
    /// Removes the selected entries, and the attestation entries that describe them.
    Remove { selector: Selector },
    /// Replaces the entry at `index` with the entry for `child`, keeping its annotations.
    Replace { index: usize, child: Child },
    /// Moves an entry.
    Move { from: usize, to: usize },
    /// Sets or, with `None`, removes the whole platform of an entry.
    SetPlatform {
        index: usize,
        platform: Option<Platform>,
    },
    /// Sets or clears one platform field (`docker manifest annotate --os/--arch/--variant/...`).
    SetPlatformField {
        index: usize,
        field: PlatformField,
        value: Option<String>,
    },
    /// Sets or, with `None`, removes an annotation on the index (`entry: None`) or an entry.
    Annotate {
        entry: Option<usize>,
        key: String,
        value: Option<String>,
    },
    /// Sets or removes the index's `artifactType` (OCI only).
    SetArtifactType { artifact_type: Option<String> },
    /// Sets (descriptor JSON) or removes the index's `subject` (OCI only).
    SetSubject { descriptor: Option<String> },
    /// Keeps only the entries whose platform satisfies one of `platforms` (`crane index filter`).
    /// Attestation entries stay when `keep_attestations` and the entry they describe stays.
    Filter {
        platforms: Vec<Platform>,
        keep_attestations: bool,
    },
    /// Converts between an OCI index and a Docker list, reporting every field that is lost.
    Convert { to: Format },
}

fn check_index(doc: &IndexDocument, index: usize) -> Result<(), ComposeError> {
    let len = doc.entries().len();
    if index >= len {
        return Err(ComposeError::EntryOutOfRange { index, len });
    }
    Ok(())
}

/// An entry whose members an edit changes must be an object (a descriptor). Other entries can
/// still be removed or moved, which is how such an index is repaired.
fn check_descriptor_entry(doc: &IndexDocument, index: usize) -> Result<(), ComposeError> {
    check_index(doc, index)?;
    match doc.entries()[index] {
        Value::Object(_) => Ok(()),
        ref other => Err(ComposeError::EntryNotAnObject {
            index,
            found: other.kind_name(),
        }),
    }
}

fn parse_value(text: &str, what: &str) -> Result<Value, ComposeError> {
    let (tree, findings) = json::parse(text.as_bytes(), &Limits::default());
    match tree {
        Some(t) if findings.is_empty() && t.kind(0) == json::NodeKind::Object => {
            Ok(Value::from_tree(&t, 0))
        }
        _ => Err(ComposeError::Unsupported(format!(
            "{what} must be a JSON object"
        ))),
    }
}

pub(crate) fn apply(
    doc: &mut IndexDocument,
    edit: &Edit,
    notes: &mut Vec<Diagnostic>,
) -> Result<(), ComposeError> {
    match edit {
        Edit::Add { child, position } => {
            let at = position
                .unwrap_or(doc.entries().len())
                .min(doc.entries().len());
            let entry = child.to_descriptor(at, doc.format(), notes)?;
            doc.entries_mut().insert(at, entry);
        }
        Edit::AddDescriptor {
            descriptor,
            position,
        } => {
            let entry = parse_value(descriptor, "the descriptor")?;
            let at = position
                .unwrap_or(doc.entries().len())
                .min(doc.entries().len());
            doc.entries_mut().insert(at, entry);
        }
        Edit::Remove { selector } => {
            let selected = select(doc, selector)?;
            remove_with_attestations(doc, &selected, notes);
        }
        Edit::Replace { index, child } => {
            check_index(doc, *index)?;
            let mut entry = child.to_descriptor(*index, doc.format(), notes)?;
            let old = doc.entries()[*index].clone();
            if entry.get("annotations").is_none() {
                if let Some(a) = old.get("annotations") {
                    set_in_order(&mut entry, "annotations", a.clone(), doc.descriptor_order());
                }
            }
            if entry.get("platform").is_none() {
                if let Some(p) = old.get("platform") {
                    set_in_order(&mut entry, "platform", p.clone(), doc.descriptor_order());
                }
            }
            doc.entries_mut()[*index] = entry;
        }
        Edit::Move { from, to } => {
            check_index(doc, *from)?;
            check_index(doc, *to)?;
            let entry = doc.entries_mut().remove(*from);
            doc.entries_mut().insert(*to, entry);
        }
        Edit::SetPlatform { index, platform } => {
            check_descriptor_entry(doc, *index)?;
            let order = doc.descriptor_order();
            let entry = &mut doc.entries_mut()[*index];
            match platform {
                Some(p) => set_in_order(entry, "platform", platform_value::to_value(p), order),
                None => {
                    entry.remove("platform");
                }
            }
        }
        Edit::SetPlatformField {
            index,
            field,
            value,
        } => {
            check_descriptor_entry(doc, *index)?;
            set_platform_field(doc, *index, *field, value.as_deref())?;
        }
        Edit::Annotate { entry, key, value } => {
            if key.is_empty() {
                return Err(ComposeError::Unsupported(
                    "an annotation key cannot be empty".into(),
                ));
            }
            if doc.format() == Format::Docker && value.is_some() {
                return Err(ComposeError::Unsupported("a Docker manifest list cannot carry annotations; convert it to an OCI index first".into()));
            }
            let (target, order) = match entry {
                Some(i) => {
                    check_descriptor_entry(doc, *i)?;
                    let order = doc.descriptor_order();
                    (&mut doc.entries_mut()[*i], order)
                }
                None => {
                    let order = doc.top_order();
                    (doc.value_mut(), order)
                }
            };
            annotate(target, key, value.as_deref(), order);
        }
        Edit::SetArtifactType { artifact_type } => {
            if doc.format() == Format::Docker && artifact_type.is_some() {
                return Err(ComposeError::Unsupported(
                    "a Docker manifest list cannot carry artifactType".into(),
                ));
            }
            let order = doc.top_order();
            match artifact_type {
                Some(t) => set_in_order(doc.value_mut(), "artifactType", Value::string(t), order),
                None => {
                    doc.value_mut().remove("artifactType");
                }
            }
        }
        Edit::SetSubject { descriptor } => {
            if doc.format() == Format::Docker && descriptor.is_some() {
                return Err(ComposeError::Unsupported(
                    "a Docker manifest list cannot carry a subject".into(),
                ));
            }
            let order = doc.top_order();
            match descriptor {
                Some(text) => {
                    let subject = parse_value(text, "the subject")?;
                    set_in_order(doc.value_mut(), "subject", subject, order);
                }
                None => {
                    doc.value_mut().remove("subject");
                }
            }
        }
        Edit::Filter {
            platforms,
            keep_attestations,
        } => {
            let drop: Vec<usize> = doc
                .entries()
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    if is_attestation(e) {
                        return !keep_attestations;
                    }
                    !entry_platform(e).is_some_and(|p| platforms.iter().any(|r| satisfies(r, &p)))
                })
                .map(|(i, _)| i)
                .collect();
            remove_with_attestations(doc, &drop, notes);
        }
        Edit::Convert { to } => convert::convert(doc, *to, notes),
    }
    Ok(())
}

/// Sets or removes `key` in the `annotations` of `target`, dropping an emptied map.
fn annotate(target: &mut Value, key: &str, value: Option<&str>, order: &[&str]) {
    match value {
        Some(v) => {
            if !matches!(target.get("annotations"), Some(Value::Object(_))) {
                set_in_order(target, "annotations", Value::object(), order);
            }
            if let Some(a) = target.get_mut("annotations") {
                a.set(key, Value::string(v));
            }
        }
        None => {
            if let Some(a) = target.get_mut("annotations") {
                a.remove(key);
                if a.as_object().is_some_and(Vec::is_empty) {
                    target.remove("annotations");
                }
            }
        }
    }
}

fn set_platform_field(
    doc: &mut IndexDocument,
    index: usize,
    field: PlatformField,
    value: Option<&str>,
) -> Result<(), ComposeError> {
    let key = field.key();
    if matches!(field, PlatformField::Os | PlatformField::Architecture)
        && value.map_or(true, str::is_empty)
    {
        return Err(ComposeError::InvalidPlatformField {
            field: key,
            reason: "it is REQUIRED and cannot be cleared".into(),
        });
    }
    if let Some(v) = value {
        if v.chars().any(|c| c.is_whitespace() || c.is_control())
            && field != PlatformField::OsFeatures
        {
            return Err(ComposeError::InvalidPlatformField {
                field: key,
                reason: format!("{v:?} contains whitespace"),
            });
        }
    }
    let descriptor_order = doc.descriptor_order();
    let entry = &mut doc.entries_mut()[index];
    if !matches!(entry.get("platform"), Some(Value::Object(_))) {
        if value.is_none() {
            return Ok(());
        }
        set_in_order(entry, "platform", Value::object(), descriptor_order);
    }
    let Some(platform) = entry.get_mut("platform") else {
        return Err(ComposeError::EntryNotAnObject {
            index,
            found: entry.kind_name(),
        });
    };
    let new_value = match (field, value) {
        (_, None)
        | (
            PlatformField::Variant | PlatformField::OsVersion | PlatformField::OsFeatures,
            Some(""),
        ) => None,
        (PlatformField::OsFeatures, Some(list)) => {
            let features: Vec<Value> = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Value::string)
                .collect();
            (!features.is_empty()).then_some(Value::Array(features))
        }
        (_, Some(v)) => Some(Value::string(v)),
    };
    match new_value {
        Some(v) => set_in_order(platform, key, v, PLATFORM_ORDER),
        None => {
            platform.remove(key);
        }
    }
    Ok(())
}

pub(crate) fn select(doc: &IndexDocument, selector: &Selector) -> Result<Vec<usize>, ComposeError> {
    let selected: Vec<usize> = match selector {
        Selector::Index(i) => {
            check_index(doc, *i)?;
            vec![*i]
        }
        Selector::Digest(d) => doc
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.get("digest").and_then(Value::as_str) == Some(d))
            .map(|(i, _)| i)
            .collect(),
        Selector::Platform(p) => doc
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                !is_attestation(e) && entry_platform(e).is_some_and(|c| satisfies(p, &c))
            })
            .map(|(i, _)| i)
            .collect(),
    };
    if selected.is_empty() {
        return Err(ComposeError::NoMatch(selector.to_string()));
    }
    Ok(selected)
}

/// Removes the entries at `positions` and every attestation entry that describes one of them.
fn remove_with_attestations(
    doc: &mut IndexDocument,
    positions: &[usize],
    notes: &mut Vec<Diagnostic>,
) {
    let removed_digests: Vec<String> = positions
        .iter()
        .filter_map(|&i| doc.entries().get(i))
        .filter_map(|e| e.get("digest").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut keep = Vec::with_capacity(doc.entries().len());
    for (i, entry) in doc.entries().iter().enumerate() {
        if positions.contains(&i) {
            continue;
        }
        if is_attestation(entry) {
            if let Some(subject) =
                platform_value::annotation(entry, crate::validate::REFERENCE_DIGEST)
            {
                if removed_digests.iter().any(|d| d == subject) {
                    notes.push(
                        Diagnostic::new(Code::ComposeDroppedAttestation, format!("removed the attestation entry for {subject}, whose image was removed"))
                            .with_pointer(format!("/manifests/{i}")),
                    );
                    continue;
                }
            }
        }
        keep.push(entry.clone());
    }
    *doc.entries_mut() = keep;
}
