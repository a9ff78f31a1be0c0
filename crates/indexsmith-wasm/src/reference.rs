//! `parseReference`.

use crate::convert::to_js;
use crate::error::error_with_code;
use crate::read::Obj;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// Options of `parseReference`.
#[derive(Clone, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ParseReferenceOptions {
    /// Apply Docker's normalization (`ubuntu` → `docker.io/library/ubuntu`); default `true`.
    /// With `false` only the grammar applies and `domain` is `""` when absent.
    #[tsify(optional)]
    #[serde(default)]
    pub normalize: bool,
}

/// A parsed image reference.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    /// The registry host and optional port, e.g. `docker.io`, `localhost:5000`.
    pub domain: String,
    /// The repository path, e.g. `library/ubuntu`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `domain/path` (just `path` without a domain).
    pub name: String,
    /// The short form Docker shows, e.g. `ubuntu:24.04`.
    pub familiar: String,
    /// The full form, `name[:tag][@digest]`.
    pub string: String,
}

/// Parses an image reference (`github.com/distribution/reference`). Throws an `Error` whose
/// `code` is `reference/…` for an invalid one.
#[wasm_bindgen(js_name = parseReference, unchecked_return_type = "Reference")]
pub fn parse_reference(
    #[wasm_bindgen(unchecked_param_type = "string")] s: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ParseReferenceOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let s = crate::read::string_arg(&s, "s")?;
    let normalize = match Obj::optional(options, "options")? {
        Some(o) => o.bool("normalize")?.unwrap_or(true),
        None => true,
    };
    let parsed = if normalize {
        indexsmith::reference::parse_normalized(&s)
    } else {
        indexsmith::reference::parse_grammar(&s)
    };
    let r = parsed.map_err(|e| error_with_code(e.code(), e.to_string()))?;
    to_js(&Reference {
        name: r.name(),
        familiar: r.familiar_string(),
        string: r.to_string(),
        tag: r.tag.clone(),
        digest: r.digest.as_ref().map(ToString::to_string),
        domain: r.domain,
        path: r.path,
    })
}
