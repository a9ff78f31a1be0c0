//! `createIndex`, `editIndex` and `diffIndexes`.

use crate::convert::{to_js, Input};
use crate::error::error_with_code;
use crate::read::{invalid, Obj};
use crate::types::{platform_member, read_platform, Diagnostic, PlatformInput};
use indexsmith::compose::{self, ComposeError};
pub use indexsmith_shapes::{Change, EntryDiff, IndexDiff};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// An index format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Oci,
    Docker,
}

impl From<Format> for compose::Format {
    fn from(f: Format) -> compose::Format {
        match f {
            Format::Oci => compose::Format::Oci,
            Format::Docker => compose::Format::Docker,
        }
    }
}

/// Output layout: `compact` (no whitespace, as crane and regctl write), `docker` (3-space indent,
/// as `docker manifest push` writes) or `tab`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    #[default]
    Compact,
    Docker,
    Tab,
}

impl From<Style> for indexsmith::json::write::Style {
    fn from(s: Style) -> Self {
        use indexsmith::json::write::Style as S;
        match s {
            Style::Compact => S::Compact,
            Style::Docker => S::DOCKER,
            Style::Tab => S::Tab,
        }
    }
}

/// A child manifest for an index: its exact bytes, optionally its config's bytes (the platform is
/// read from it), a platform that overrides the config's, and entry annotations.
#[derive(Clone, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ChildInput {
    #[tsify(type = "string | Uint8Array")]
    pub manifest: Vec<u8>,
    #[tsify(optional, type = "string | Uint8Array")]
    #[serde(default)]
    pub config: Option<Vec<u8>>,
    #[tsify(optional, type = "PlatformInput | string")]
    #[serde(default)]
    pub platform: Option<indexsmith::Platform>,
    #[tsify(optional, type = "Record<string, string>")]
    #[serde(default)]
    pub annotations: Option<Vec<(String, String)>>,
}

impl ChildInput {
    fn read(o: &Obj) -> Result<ChildInput, JsValue> {
        Ok(ChildInput {
            manifest: o.bytes("manifest")?.ok_or_else(|| o.missing("manifest"))?,
            config: o.bytes("config")?,
            platform: platform_member(o, "platform")?,
            annotations: o.string_map("annotations")?,
        })
    }
}

impl From<ChildInput> for compose::Child {
    fn from(c: ChildInput) -> compose::Child {
        let mut child = compose::Child::new(c.manifest);
        if let Some(config) = c.config {
            child = child.with_config(config);
        }
        if let Some(p) = c.platform {
            child = child.with_platform(p);
        }
        for (k, v) in c.annotations.unwrap_or_default() {
            child = child.with_annotation(k, v);
        }
        child
    }
}

const FORMATS: &[(&str, Format)] = &[("oci", Format::Oci), ("docker", Format::Docker)];
const STYLES: &[(&str, Style)] = &[
    ("compact", Style::Compact),
    ("docker", Style::Docker),
    ("tab", Style::Tab),
];
const PLATFORM_FIELDS: &[(&str, PlatformField)] = &[
    ("os", PlatformField::Os),
    ("architecture", PlatformField::Architecture),
    ("variant", PlatformField::Variant),
    ("osVersion", PlatformField::OsVersion),
    ("osFeatures", PlatformField::OsFeatures),
];

/// What `createIndex` builds.
#[derive(Clone, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CreateIndexRequest {
    #[tsify(optional)]
    #[serde(default)]
    pub format: Option<Format>,
    pub manifests: Vec<ChildInput>,
    #[tsify(optional, type = "Record<string, string>")]
    #[serde(default)]
    pub annotations: Option<Vec<(String, String)>>,
    #[tsify(optional)]
    #[serde(default)]
    pub style: Option<Style>,
}

/// Which entries an edit applies to: `{ index }`, `{ digest }` or `{ platform }` (entries whose
/// platform satisfies it; fields left out match anything).
#[derive(Clone, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum Selector {
    Index(usize),
    Digest(String),
    Platform(#[tsify(type = "PlatformInput | string")] indexsmith::Platform),
}

impl Selector {
    fn read(o: &Obj) -> Result<Selector, JsValue> {
        if let Some(i) = o.index("index")? {
            Ok(Selector::Index(i))
        } else if let Some(d) = o.string("digest")? {
            Ok(Selector::Digest(d))
        } else if let Some(p) = platform_member(o, "platform")? {
            Ok(Selector::Platform(p))
        } else {
            Err(invalid(
                &o.path_of("index"),
                "a selector needs `index`, `digest` or `platform`",
            ))
        }
    }
}

impl From<Selector> for compose::Selector {
    fn from(s: Selector) -> compose::Selector {
        match s {
            Selector::Index(i) => compose::Selector::Index(i),
            Selector::Digest(d) => compose::Selector::Digest(d),
            Selector::Platform(p) => compose::Selector::Platform(p),
        }
    }
}

/// One field of a platform, for `setPlatformField`.
#[derive(Clone, Copy, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum PlatformField {
    Os,
    Architecture,
    Variant,
    OsVersion,
    /// Comma-separated.
    OsFeatures,
}

impl From<PlatformField> for compose::PlatformField {
    fn from(f: PlatformField) -> compose::PlatformField {
        match f {
            PlatformField::Os => compose::PlatformField::Os,
            PlatformField::Architecture => compose::PlatformField::Architecture,
            PlatformField::Variant => compose::PlatformField::Variant,
            PlatformField::OsVersion => compose::PlatformField::OsVersion,
            PlatformField::OsFeatures => compose::PlatformField::OsFeatures,
        }
    }
}

/// An edit of an index, told by `op`. Edits apply in order; positions are 0-based.
///
/// Applied by `editIndex`; what each does is said on its type.
#[derive(Clone, Debug, Tsify)]
#[serde(untagged)]
pub enum Edit {
    Add(AddEdit),
    AddDescriptor(AddDescriptorEdit),
    Remove(RemoveEdit),
    Replace(ReplaceEdit),
    Move(MoveEdit),
    SetPlatform(SetPlatformEdit),
    SetPlatformField(SetPlatformFieldEdit),
    Annotate(AnnotateEdit),
    SetArtifactType(SetArtifactTypeEdit),
    SetSubject(SetSubjectEdit),
    Filter(FilterEdit),
    Convert(ConvertEdit),
}

/// `op: "add"`: adds the entry for a child manifest, at `position` or at the end.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct AddEdit {
    #[tsify(type = "string | Uint8Array")]
    pub manifest: Vec<u8>,
    #[tsify(optional, type = "string | Uint8Array")]
    #[serde(default)]
    pub config: Option<Vec<u8>>,
    #[tsify(optional, type = "PlatformInput | string")]
    #[serde(default)]
    pub platform: Option<PlatformInput>,
    #[tsify(optional, type = "Record<string, string>")]
    #[serde(default)]
    pub annotations: Option<Vec<(String, String)>>,
    #[tsify(optional)]
    #[serde(default)]
    pub position: Option<usize>,
    #[tsify(type = "\"add\"")]
    op: Op,
}

/// `op: "addDescriptor"`: adds an entry given as a descriptor (JSON text).
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct AddDescriptorEdit {
    pub descriptor: String,
    #[tsify(optional)]
    #[serde(default)]
    pub position: Option<usize>,
    #[tsify(type = "\"addDescriptor\"")]
    op: Op,
}

/// `op: "remove"`: removes the selected entries, and the attestation entries that describe them.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct RemoveEdit {
    pub select: Selector,
    #[tsify(type = "\"remove\"")]
    op: Op,
}

/// `op: "replace"`: replaces the entry at `index` with the entry for a child manifest, keeping
/// its annotations and platform unless given.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceEdit {
    pub index: usize,
    #[tsify(type = "string | Uint8Array")]
    pub manifest: Vec<u8>,
    #[tsify(optional, type = "string | Uint8Array")]
    #[serde(default)]
    pub config: Option<Vec<u8>>,
    #[tsify(optional, type = "PlatformInput | string")]
    #[serde(default)]
    pub platform: Option<PlatformInput>,
    #[tsify(optional, type = "Record<string, string>")]
    #[serde(default)]
    pub annotations: Option<Vec<(String, String)>>,
    #[tsify(type = "\"replace\"")]
    op: Op,
}

/// `op: "move"`: moves the entry at `from` to `to`.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct MoveEdit {
    pub from: usize,
    pub to: usize,
    #[tsify(type = "\"move\"")]
    op: Op,
}

/// `op: "setPlatform"`: sets the platform of an entry, or removes it with `null`.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct SetPlatformEdit {
    pub index: usize,
    #[tsify(type = "PlatformInput | string | null")]
    pub platform: Option<PlatformInput>,
    #[tsify(type = "\"setPlatform\"")]
    op: Op,
}

/// `op: "setPlatformField"`: sets one platform field of an entry, or removes it with `null`.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct SetPlatformFieldEdit {
    pub index: usize,
    pub field: PlatformField,
    pub value: Option<String>,
    #[tsify(type = "\"setPlatformField\"")]
    op: Op,
}

/// `op: "annotate"`: sets an annotation on the index (no `entry`) or on an entry; a `null` value
/// removes it.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct AnnotateEdit {
    #[tsify(optional, type = "number | null")]
    #[serde(default)]
    pub entry: Option<usize>,
    pub key: String,
    pub value: Option<String>,
    #[tsify(type = "\"annotate\"")]
    op: Op,
}

/// `op: "setArtifactType"`: sets the index's `artifactType` (OCI only), or removes it with `null`.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct SetArtifactTypeEdit {
    pub artifact_type: Option<String>,
    #[tsify(type = "\"setArtifactType\"")]
    op: Op,
}

/// `op: "setSubject"`: sets the index's `subject` (descriptor JSON text; OCI only), or removes it
/// with `null`.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct SetSubjectEdit {
    pub descriptor: Option<String>,
    #[tsify(type = "\"setSubject\"")]
    op: Op,
}

/// `op: "filter"`: keeps only the entries whose platform satisfies one of `platforms`
/// (attestations of kept entries stay with `keepAttestations`).
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct FilterEdit {
    #[tsify(type = "(PlatformInput | string)[]")]
    pub platforms: Vec<PlatformInput>,
    #[tsify(optional)]
    #[serde(default)]
    pub keep_attestations: bool,
    #[tsify(type = "\"filter\"")]
    op: Op,
}

/// `op: "convert"`: converts between an OCI index and a Docker manifest list; what is lost is
/// reported as diagnostics.
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
pub struct ConvertEdit {
    pub to: Format,
    #[tsify(type = "\"convert\"")]
    op: Op,
}

/// The `op` member of an edit: its TypeScript type is the edit's name.
#[derive(Clone, Copy, Debug)]
struct Op;

/// Reads one edit: its `op`, then the members that edit has.
fn edit_from_js(value: JsValue, i: u32) -> Result<compose::Edit, JsValue> {
    let o = Obj::new(value, format!("edits[{i}]"))?;
    let op = o.req_string("op")?;
    let child = || -> Result<compose::Child, JsValue> { ChildInput::read(&o).map(Into::into) };
    Ok(match op.as_str() {
        "add" => compose::Edit::Add { child: child()?, position: o.index("position")? },
        "addDescriptor" => compose::Edit::AddDescriptor { descriptor: o.req_string("descriptor")?, position: o.index("position")? },
        "remove" => {
            let select = o.object("select")?.ok_or_else(|| o.missing("select"))?;
            compose::Edit::Remove { selector: Selector::read(&select)?.into() }
        }
        "replace" => compose::Edit::Replace { index: o.req_index("index")?, child: child()? },
        "move" => compose::Edit::Move { from: o.req_index("from")?, to: o.req_index("to")? },
        "setPlatform" => compose::Edit::SetPlatform { index: o.req_index("index")?, platform: platform_member(&o, "platform")? },
        "setPlatformField" => compose::Edit::SetPlatformField {
            index: o.req_index("index")?,
            field: o.choice("field", PLATFORM_FIELDS)?.ok_or_else(|| o.missing("field"))?.into(),
            value: o.string("value")?,
        },
        "annotate" => compose::Edit::Annotate { entry: o.index("entry")?, key: o.req_string("key")?, value: o.string("value")? },
        "setArtifactType" => compose::Edit::SetArtifactType { artifact_type: o.string("artifactType")? },
        "setSubject" => compose::Edit::SetSubject { descriptor: o.string("descriptor")? },
        "filter" => {
            let list = o.array("platforms")?.ok_or_else(|| o.missing("platforms"))?;
            let mut platforms = Vec::new();
            for (j, p) in list.iter().enumerate() {
                platforms.push(read_platform(p, &format!("{}[{j}]", o.path_of("platforms")))?);
            }
            compose::Edit::Filter { platforms, keep_attestations: o.bool("keepAttestations")?.unwrap_or(false) }
        }
        "convert" => compose::Edit::Convert { to: o.choice("to", FORMATS)?.ok_or_else(|| o.missing("to"))?.into() },
        _ => {
            return Err(invalid(
                &o.path_of("op"),
                "expected one of add, addDescriptor, remove, replace, move, setPlatform, setPlatformField, annotate, setArtifactType, setSubject, filter, convert",
            ))
        }
    })
}

/// Reads the `edits` array.
fn edits_from_js(edits: JsValue) -> Result<Vec<compose::Edit>, JsValue> {
    let Some(array) = edits.dyn_ref::<js_sys::Array>() else {
        return Err(invalid("edits", "expected an array of edits"));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, e)| edit_from_js(e, i as u32))
        .collect()
}

/// Options of `editIndex`.
#[derive(Clone, Debug, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EditOptions {
    /// Re-lay the output out in this style; by default the input's layout is kept.
    #[tsify(optional)]
    #[serde(default)]
    pub style: Option<Style>,
}

/// A composed document: its exact text, digest, size and media type, and the diagnostics (the
/// loss report of the operation, then the validation of the result).
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct Composed {
    pub text: String,
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<compose::Composed> for Composed {
    fn from(c: compose::Composed) -> Composed {
        Composed {
            text: c.text(),
            digest: c.digest.to_string(),
            size: c.size,
            media_type: c.media_type,
            diagnostics: c.diagnostics.into_iter().map(Into::into).collect(),
        }
    }
}

/// A compose error as a JS `Error`: `code` is the core's stable code (`compose/…`); for an input
/// that is not an index, `diagnostics` says why.
pub(crate) fn compose_error(e: ComposeError) -> JsValue {
    let err = error_with_code(e.code(), e.to_string());
    if let ComposeError::NotAnIndex { diagnostics } = &e {
        let list: Vec<Diagnostic> = diagnostics.iter().cloned().map(Into::into).collect();
        if let Ok(v) = to_js(&list) {
            let _ = js_sys::Reflect::set(&err, &JsValue::from_str("diagnostics"), &v);
        }
    }
    err
}

/// Creates an index (OCI by default) from child manifests (`docker manifest create`).
#[wasm_bindgen(js_name = createIndex, unchecked_return_type = "Composed")]
pub fn create_index(
    #[wasm_bindgen(unchecked_param_type = "CreateIndexRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let o = Obj::new(request, "request")?;
    let format = o.choice("format", FORMATS)?.unwrap_or_default();
    let style = o.choice("style", STYLES)?.unwrap_or_default();
    let mut req = compose::CreateRequest::new(format.into()).style(style.into());
    let manifests = o
        .array("manifests")?
        .ok_or_else(|| o.missing("manifests"))?;
    for (i, c) in manifests.iter().enumerate() {
        req = req.child(ChildInput::read(&Obj::new(c, format!("request.manifests[{i}]"))?)?.into());
    }
    for (k, v) in o.string_map("annotations")?.unwrap_or_default() {
        req = req.annotation(k, v);
    }
    let composed = compose::create_index(&req).map_err(compose_error)?;
    to_js(&Composed::from(composed))
}

/// Applies edits, in order, to an index or manifest list. With no edits the input comes back
/// unchanged (same bytes, same digest).
#[wasm_bindgen(js_name = editIndex, unchecked_return_type = "Composed")]
pub fn edit_index(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Edit[]")] edits: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "EditOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&input)?;
    let edits = edits_from_js(edits)?;
    let style = match Obj::optional(options, "options")? {
        Some(o) => o.choice("style", STYLES)?,
        None => None,
    };
    let composed =
        compose::edit_index(input.bytes(), &edits, style.map(Into::into)).map_err(compose_error)?;
    to_js(&Composed::from(composed))
}

/// Entry-by-entry differences between two indexes, paired on platform.
#[wasm_bindgen(js_name = diffIndexes, unchecked_return_type = "IndexDiff")]
pub fn diff_indexes(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] b: JsValue,
) -> Result<JsValue, JsValue> {
    let (a, b) = (Input::from_js(&a)?, Input::from_js(&b)?);
    let diff = compose::diff_indexes(a.bytes(), b.bytes()).map_err(compose_error)?;
    to_js(&IndexDiff::from(diff))
}
