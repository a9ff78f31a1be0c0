//! `parsePlatform`, `formatPlatform`, the matchers, `comparePlatforms` and `resolvePlatform`.

use crate::compose::compose_error;
use crate::convert::{to_js, Input};
use crate::error::error_with_code;
use crate::read::Obj;
use crate::types::Platform;
use indexsmith::platform::{only, only_strict};
pub use indexsmith_shapes::Candidate;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use crate::types::read_platform as platform_from_js;

/// Parses a platform specifier the way containerd does, and normalizes it (`aarch64` → `arm64`,
/// `linux/arm` → `linux/arm/v7`, …). Throws an `Error` whose `code` is `platform/…`.
#[wasm_bindgen(js_name = parsePlatform, unchecked_return_type = "Platform")]
pub fn parse_platform(
    #[wasm_bindgen(unchecked_param_type = "string")] specifier: JsValue,
) -> Result<JsValue, JsValue> {
    let specifier = crate::read::string_arg(&specifier, "specifier")?;
    let p = indexsmith::platform::parse(&specifier)
        .map_err(|e| error_with_code(e.code(), e.to_string()))?;
    to_js(&Platform::from(p.normalize()))
}

/// Formats a platform as a specifier: `os[(os.version[+feature…])]/architecture[/variant]`
/// (containerd's `FormatAll`), which `parsePlatform` reads back.
#[wasm_bindgen(js_name = formatPlatform)]
pub fn format_platform(
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] platform: JsValue,
) -> Result<String, JsValue> {
    Ok(platform_from_js(platform, "platform")?.format_all())
}

/// Whether a pull for `requested` accepts an image for `candidate`: the same platform after
/// normalization, or one it can also run (containerd's `Only`: `linux/arm64` runs `linux/arm/v8`
/// down to `v5`, `linux/amd64` runs `linux/386`, …).
#[wasm_bindgen(js_name = platformMatches)]
pub fn platform_matches(
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] requested: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] candidate: JsValue,
) -> Result<bool, JsValue> {
    let (r, c) = (
        platform_from_js(requested, "requested")?,
        platform_from_js(candidate, "candidate")?,
    );
    Ok(only(&r).matches(&c))
}

/// Like `platformMatches` without the fallbacks: the same platform after normalization only
/// (containerd's `OnlyStrict`).
#[wasm_bindgen(js_name = platformMatchesStrict)]
pub fn platform_matches_strict(
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] requested: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] candidate: JsValue,
) -> Result<bool, JsValue> {
    let (r, c) = (
        platform_from_js(requested, "requested")?,
        platform_from_js(candidate, "candidate")?,
    );
    Ok(only_strict(&r).matches(&c))
}

/// Which of `a` and `b` a pull for `requested` prefers (containerd's `Only(requested).Less`):
/// negative when `a`, positive when `b`, 0 when neither. Usable as an `Array.prototype.sort`
/// comparator.
#[wasm_bindgen(js_name = comparePlatforms)]
pub fn compare_platforms(
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] requested: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] b: JsValue,
) -> Result<i32, JsValue> {
    let r = platform_from_js(requested, "requested")?;
    let (a, b) = (platform_from_js(a, "a")?, platform_from_js(b, "b")?);
    let m = only(&r);
    Ok(if m.less(&a, &b) {
        -1
    } else if m.less(&b, &a) {
        1
    } else {
        0
    })
}

/// Options of `resolvePlatform`.
#[derive(Clone, Debug, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ResolveOptions {
    /// Use containerd's `OnlyStrict` (no fallbacks such as `arm/v6` for `arm/v7`).
    #[tsify(optional)]
    #[serde(default)]
    pub strict: bool,
}

/// A platform as an index entry carries it (the member names of the image-spec).
#[derive(Clone, Debug, Tsify)]
#[allow(dead_code)]
pub struct DescriptorPlatform {
    os: String,
    architecture: String,
    #[tsify(optional)]
    variant: Option<String>,
    #[tsify(optional)]
    #[serde(rename = "os.version")]
    os_version: Option<String>,
    #[tsify(optional)]
    #[serde(rename = "os.features")]
    os_features: Option<Vec<String>>,
}

/// An index entry, exactly as the document has it (unknown members included).
#[derive(Clone, Debug, Tsify)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Descriptor {
    media_type: String,
    digest: String,
    size: u64,
    #[tsify(optional)]
    platform: Option<DescriptorPlatform>,
    #[tsify(optional, type = "Record<string, string>")]
    annotations: Option<()>,
    #[tsify(optional)]
    urls: Option<Vec<String>>,
    #[tsify(optional)]
    artifact_type: Option<String>,
    #[tsify(optional)]
    data: Option<String>,
}

/// Which entry a pull selects, with a verdict on every entry.
#[derive(Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    /// The selected entry as written in the index, or `null` when nothing matches.
    #[tsify(type = "Descriptor | null")]
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub selected: JsValue,
    /// Its position in `manifests`.
    pub selected_index: Option<usize>,
    /// The platforms the request accepts, most preferred first.
    pub preferences: Vec<Platform>,
    pub candidates: Vec<Candidate>,
}

/// Which entry of an index (or manifest list) a client pulls for `requested`, and why, entry by
/// entry (containerd's pull: `Only`, or `OnlyStrict` with `strict`).
#[wasm_bindgen(js_name = resolvePlatform, unchecked_return_type = "Resolution")]
pub fn resolve_platform(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] index: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlatformInput | string")] requested: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ResolveOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&index)?;
    let requested = platform_from_js(requested, "requested")?;
    let strict = match Obj::optional(options, "options")? {
        Some(o) => o.bool("strict")?.unwrap_or(false),
        None => false,
    };
    let bytes = input.bytes();
    let r = indexsmith::compose::resolve_index(bytes, &requested, strict).map_err(compose_error)?;
    // The selected entry, as written: re-read from the index the core just accepted.
    let selected = match r.selected {
        Some(i) => {
            let doc = indexsmith::compose::IndexDocument::parse(bytes).map_err(compose_error)?;
            let text = indexsmith::compose::to_bytes(&doc.entries()[i], Default::default());
            js_sys::JSON::parse(&String::from_utf8_lossy(&text)).unwrap_or(JsValue::NULL)
        }
        None => JsValue::NULL,
    };
    let out = Resolution {
        selected,
        selected_index: r.selected,
        preferences: r.preferences.into_iter().map(Into::into).collect(),
        candidates: r
            .candidates
            .into_iter()
            .map(|c| Candidate {
                index: c.index,
                platform: c.platform.map(Into::into),
                matched: c.matched,
                rank: c.rank,
                reason: c.reason.code().to_owned(),
                message: c.message,
            })
            .collect(),
    };
    to_js(&out)
}

/// The platform an image config describes, with the findings of reading it.
#[derive(Clone, Debug, Serialize, Tsify)]
#[tsify(missing_as_null)]
#[serde(rename_all = "camelCase")]
pub struct ConfigPlatform {
    /// `null` when the config has no usable `os` and `architecture`.
    pub platform: Option<Platform>,
    pub diagnostics: Vec<crate::types::Diagnostic>,
}

/// Reads the platform (`os`, `architecture`, `variant`, `os.version`, `os.features`) of an image
/// config blob, as `docker manifest create` takes it for an index entry. Never throws for a bad
/// config: the findings are diagnostics.
#[wasm_bindgen(js_name = platformFromConfig, unchecked_return_type = "ConfigPlatform")]
pub fn platform_from_config(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let input = Input::from_js(&config)?;
    let (platform, diagnostics) = indexsmith::validate::platform_from_config(input.bytes());
    to_js(&ConfigPlatform {
        platform: platform.map(Into::into),
        diagnostics: diagnostics.into_iter().map(Into::into).collect(),
    })
}
