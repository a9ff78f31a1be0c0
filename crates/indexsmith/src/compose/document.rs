//! An index opened for editing: its value, format and layout.

use super::{ComposeError, Composed, Format};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::value::Value;
use crate::json::write::{self, Style};
use crate::json::{self, Limits};
use crate::validate::{self, Kind, ValidateOptions};

/// Member order of an OCI index (image-spec `specs-go/v1/index.go`).
pub(crate) const OCI_INDEX_ORDER: &[&str] = &[
    "schemaVersion",
    "mediaType",
    "artifactType",
    "manifests",
    "subject",
    "annotations",
];
/// Member order of a Docker manifest list.
pub(crate) const DOCKER_LIST_ORDER: &[&str] = &["schemaVersion", "mediaType", "manifests"];
/// Member order of an OCI descriptor (image-spec `specs-go/v1/descriptor.go`).
pub(crate) const OCI_DESCRIPTOR_ORDER: &[&str] = &[
    "mediaType",
    "digest",
    "size",
    "urls",
    "annotations",
    "data",
    "platform",
    "artifactType",
];
/// Member order of a Docker manifest list entry.
pub(crate) const DOCKER_DESCRIPTOR_ORDER: &[&str] = &[
    "mediaType",
    "size",
    "digest",
    "urls",
    "annotations",
    "platform",
];

/// Inserts `key` into `object` at the place `order` gives it, or replaces it in place.
pub(crate) fn set_in_order(object: &mut Value, key: &str, value: Value, order: &[&str]) {
    let after: Vec<&str> = order
        .iter()
        .skip_while(|k| **k != key)
        .skip(1)
        .copied()
        .collect();
    object.set_ordered(key, value, &after);
}

#[derive(Clone, Debug)]
pub struct IndexDocument {
    value: Value,
    format: Format,
    style: Style,
}

impl IndexDocument {
    pub fn empty(format: Format, style: Style) -> Self {
        let value = Value::Object(vec![
            ("schemaVersion".into(), Value::int(2)),
            ("mediaType".into(), Value::string(format.media_type())),
            ("manifests".into(), Value::Array(Vec::new())),
        ]);
        IndexDocument {
            value,
            format,
            style,
        }
    }

    /// Opens `bytes` for editing. JSON errors, or a document that is not an index, refuse it.
    pub fn parse(bytes: &[u8]) -> Result<Self, ComposeError> {
        let validation = validate::validate_document(bytes, &ValidateOptions::default());
        let blocking: Vec<Diagnostic> = validation
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error && d.code.as_str().starts_with("json/"))
            .cloned()
            .collect();
        let format = match validation.kind {
            Some(Kind::OciIndex) => Format::Oci,
            Some(Kind::DockerManifestList) => Format::Docker,
            _ => {
                return Err(ComposeError::NotAnIndex {
                    diagnostics: validation.diagnostics,
                })
            }
        };
        if !blocking.is_empty() {
            return Err(ComposeError::NotAnIndex {
                diagnostics: blocking,
            });
        }
        let (tree, _) = json::parse(bytes, &Limits::default());
        let tree = tree.ok_or_else(|| ComposeError::NotAnIndex {
            diagnostics: validation.diagnostics.clone(),
        })?;
        let value = Value::from_tree(&tree, 0);
        if !matches!(value.get("manifests"), Some(Value::Array(_))) {
            return Err(ComposeError::NotAnIndex {
                diagnostics: validation.diagnostics,
            });
        }
        Ok(IndexDocument {
            value,
            format,
            style: write::detect_style(bytes),
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn style(&self) -> Style {
        self.style
    }

    pub fn set_style(&mut self, style: Style) {
        self.style = style;
    }

    pub(crate) fn set_format(&mut self, format: Format) {
        self.format = format;
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    pub(crate) fn value_mut(&mut self) -> &mut Value {
        &mut self.value
    }

    pub fn entries(&self) -> &[Value] {
        self.value
            .get("manifests")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The positions of the entries `selector` picks, in index order (the rule every edit uses:
    /// a platform selects the non-attestation entries that satisfy it). An empty pick is an error.
    pub fn select(&self, selector: &super::Selector) -> Result<Vec<usize>, ComposeError> {
        super::edit::select(self, selector)
    }

    pub(crate) fn entries_mut(&mut self) -> &mut Vec<Value> {
        if !matches!(self.value.get("manifests"), Some(Value::Array(_))) {
            self.value.set("manifests", Value::Array(Vec::new()));
        }
        self.value
            .get_mut("manifests")
            .and_then(Value::as_array_mut)
            .expect("manifests is an array")
    }

    pub(crate) fn descriptor_order(&self) -> &'static [&'static str] {
        match self.format {
            Format::Oci => OCI_DESCRIPTOR_ORDER,
            Format::Docker => DOCKER_DESCRIPTOR_ORDER,
        }
    }

    pub(crate) fn top_order(&self) -> &'static [&'static str] {
        match self.format {
            Format::Oci => OCI_INDEX_ORDER,
            Format::Docker => DOCKER_LIST_ORDER,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        write::to_vec(&self.value, self.style)
    }

    pub(crate) fn compose(&self, notes: Vec<Diagnostic>) -> Composed {
        Composed::finish(self.to_bytes(), self.format.media_type(), notes)
    }
}
