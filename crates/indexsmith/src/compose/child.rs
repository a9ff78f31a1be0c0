//! A child manifest given as bytes, turned into the index entry that points at it.

use super::document::{set_in_order, DOCKER_DESCRIPTOR_ORDER, OCI_DESCRIPTOR_ORDER};
use super::platform_value;
use super::{ComposeError, Format};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::digest;
use crate::json::value::Value;
use crate::json::{self, Limits};
use crate::platform::Platform;
use crate::validate::{self, ValidateOptions};

/// A child manifest: its exact bytes, optionally its config's bytes, and what the caller says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Child {
    pub manifest: Vec<u8>,
    /// The config blob: the platform is read from it when `platform` is not given.
    pub config: Option<Vec<u8>>,
    /// Overrides the config's platform (`docker manifest annotate`).
    pub platform: Option<Platform>,
    pub annotations: Vec<(String, String)>,
}

impl Child {
    pub fn new(manifest: impl Into<Vec<u8>>) -> Self {
        Child {
            manifest: manifest.into(),
            ..Child::default()
        }
    }

    pub fn with_config(mut self, config: impl Into<Vec<u8>>) -> Self {
        self.config = Some(config.into());
        self
    }

    pub fn with_platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    pub fn with_annotation(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotations.push((key.into(), value.into()));
        self
    }

    /// The entry for this child in an index of `format`. `i` names the child in errors.
    pub(crate) fn to_descriptor(
        &self,
        i: usize,
        format: Format,
        notes: &mut Vec<Diagnostic>,
    ) -> Result<Value, ComposeError> {
        let validation = validate::validate_document(&self.manifest, &ValidateOptions::default());
        let Some(kind) = validation.kind else {
            let reason = validation
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map(|d| format!("{} at line {}, column {}", d.message, d.line(), d.column()))
                .unwrap_or_else(|| "unrecognised document".into());
            return Err(ComposeError::InvalidChild { index: i, reason });
        };
        let (tree, _) = json::parse(&self.manifest, &Limits::default());
        let child =
            tree.map(|t| Value::from_tree(&t, 0))
                .ok_or_else(|| ComposeError::InvalidChild {
                    index: i,
                    reason: "not JSON".into(),
                })?;
        if !validation.is_valid() {
            let first = validation
                .diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map(|d| format!("{} [{}]", d.message, d.code))
                .unwrap_or_default();
            notes.push(
                Diagnostic::new(
                    Code::ComposeChildInvalid,
                    format!("child {i} has errors of its own: {first}"),
                )
                .with_pointer(format!("/manifests/{i}")),
            );
        }
        let media_type = child
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or(kind.media_type())
            .to_owned();

        let mut platform = self.platform.clone();
        if platform.is_none() {
            if let Some(config) = &self.config {
                self.check_config_belongs(i, &child, config)?;
                let (p, _) = validate::platform_from_config(config);
                platform = Some(p.ok_or_else(|| ComposeError::InvalidConfig {
                    index: i,
                    reason: "the config has no os and architecture".into(),
                })?);
            }
        }
        let order = match format {
            Format::Oci => OCI_DESCRIPTOR_ORDER,
            Format::Docker => DOCKER_DESCRIPTOR_ORDER,
        };
        let mut entry = Value::object();
        set_in_order(&mut entry, "mediaType", Value::string(&media_type), order);
        set_in_order(
            &mut entry,
            "digest",
            Value::string(digest::sha256(&self.manifest).to_string()),
            order,
        );
        set_in_order(
            &mut entry,
            "size",
            Value::int(self.manifest.len() as i64),
            order,
        );
        if format == Format::Oci {
            if let Some(t) = child.get("artifactType").and_then(Value::as_str) {
                set_in_order(&mut entry, "artifactType", Value::string(t), order);
            }
        }
        if !self.annotations.is_empty() {
            if format == Format::Docker {
                notes.push(Diagnostic::new(Code::ConvertDroppedField, format!("a Docker manifest list entry cannot carry annotations; child {i}'s annotations were not written")).with_pointer(format!("/manifests/{i}")));
            } else {
                let members = self
                    .annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::string(v)))
                    .collect();
                set_in_order(&mut entry, "annotations", Value::Object(members), order);
            }
        }
        match platform {
            Some(p) => set_in_order(&mut entry, "platform", platform_value::to_value(&p), order),
            None if kind.is_index() => {}
            None => notes.push(
                Diagnostic::new(
                    Code::ComposeMissingPlatform,
                    format!(
                        "child {i} was added without a platform: give its config or a platform"
                    ),
                )
                .with_pointer(format!("/manifests/{i}"))
                .with_severity(if format == Format::Docker {
                    Severity::Error
                } else {
                    Severity::Warning
                }),
            ),
        }
        Ok(entry)
    }

    /// The config must be the one the manifest names: same digest.
    fn check_config_belongs(
        &self,
        i: usize,
        child: &Value,
        config: &[u8],
    ) -> Result<(), ComposeError> {
        let Some(expected) = child
            .get("config")
            .and_then(|c| c.get("digest"))
            .and_then(Value::as_str)
        else {
            return Err(ComposeError::InvalidConfig {
                index: i,
                reason: "the child is not an image manifest with a config".into(),
            });
        };
        let Ok(expected) = expected.parse::<digest::Digest>() else {
            return Err(ComposeError::InvalidConfig {
                index: i,
                reason: format!("the manifest's config digest {expected:?} is invalid"),
            });
        };
        if expected.verify(config) == Some(false) {
            let actual = digest::compute(expected.algorithm(), config)
                .map(|d| d.to_string())
                .unwrap_or_default();
            return Err(ComposeError::InvalidConfig {
                index: i,
                reason: format!(
                    "the config given hashes to {actual}, but the manifest names {expected}"
                ),
            });
        }
        Ok(())
    }
}
