//! The values that cross the boundary, as JS sees them. `tsify` generates the TypeScript
//! declarations of the package from these types; the `From` impls only reshape core values.

use crate::read::Obj;
use tsify::Tsify;
use wasm_bindgen::JsValue;

pub use indexsmith_shapes::{
    Diagnostic, Kind, Platform, Position, Report, Severity, Span, Validation,
};

/// Options of `validate` and `validateDescriptor`.
#[derive(Clone, Debug, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOptions {
    /// The kind of document expected: used when the document has no `mediaType`, and checked
    /// against it when it has one.
    #[tsify(optional)]
    pub expect: Option<Kind>,
}

impl ValidateOptions {
    /// Reads the options; `undefined` and `null` are the defaults.
    pub fn read(value: JsValue) -> Result<ValidateOptions, JsValue> {
        const KINDS: &[(&str, Kind)] = &[
            ("oci-index", Kind::OciIndex),
            ("oci-manifest", Kind::OciManifest),
            ("docker-manifest-list", Kind::DockerManifestList),
            ("docker-manifest", Kind::DockerManifest),
        ];
        Ok(match Obj::optional(value, "options")? {
            Some(o) => ValidateOptions {
                expect: o.choice("expect", KINDS)?,
            },
            None => ValidateOptions::default(),
        })
    }
}

impl From<ValidateOptions> for indexsmith::ValidateOptions {
    fn from(o: ValidateOptions) -> indexsmith::ValidateOptions {
        let mut options = indexsmith::ValidateOptions::default();
        options.expect = o.expect.map(Into::into);
        options
    }
}

/// A digest algorithm `digest` computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum DigestAlgorithm {
    #[default]
    Sha256,
    Sha512,
}

/// A platform given by the caller: `os` and `architecture`, the rest optional (a `Platform`
/// result is one too).
#[derive(Clone, Debug, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PlatformInput {
    pub os: String,
    pub architecture: String,
    #[tsify(optional, type = "string | null")]
    #[serde(default)]
    pub variant: Option<String>,
    #[tsify(optional, type = "string | null")]
    #[serde(default)]
    pub os_version: Option<String>,
    #[tsify(optional, type = "string[] | null")]
    #[serde(default)]
    pub os_features: Option<Vec<String>>,
}

impl PlatformInput {
    pub fn read(o: &Obj) -> Result<PlatformInput, JsValue> {
        Ok(PlatformInput {
            os: o.req_string("os")?,
            architecture: o.req_string("architecture")?,
            variant: o.string("variant")?,
            os_version: o.string("osVersion")?,
            os_features: o.strings("osFeatures")?,
        })
    }
}

/// A platform given as a specifier (`linux/arm64/v8`, `windows(10.0.20348)/amd64`, read as
/// containerd's `Parse` reads it) or as a [`PlatformInput`] object.
pub fn read_platform(value: JsValue, path: &str) -> Result<indexsmith::Platform, JsValue> {
    match value.as_string() {
        Some(s) => indexsmith::platform::parse(&s)
            .map_err(|e| crate::error::error_with_code(e.code(), format!("{path}: {e}"))),
        None => Ok(PlatformInput::read(&Obj::new(value, path)?)?.into()),
    }
}

/// A platform member: see [`read_platform`].
pub fn platform_member(o: &Obj, key: &str) -> Result<Option<indexsmith::Platform>, JsValue> {
    o.get(key)
        .map(|v| read_platform(v, &o.path_of(key)))
        .transpose()
}

impl From<PlatformInput> for indexsmith::Platform {
    fn from(p: PlatformInput) -> indexsmith::Platform {
        let mut out = indexsmith::Platform::new(p.os, p.architecture);
        if let Some(v) = p.variant {
            out = out.with_variant(v);
        }
        if let Some(v) = p.os_version {
            out = out.with_os_version(v);
        }
        out.with_os_features(p.os_features.unwrap_or_default())
    }
}
