//! Platform rules for index entries and image configs.

use super::context::Context;
use super::message::Text;
use crate::diagnostic::Code;
use crate::json::{Name, NodeId, NodeKind};
use crate::platform::{is_known_architecture, known_variants, Platform};
use std::borrow::Cow;
use std::fmt;

/// The platform fields of an entry as read, borrowing the document's text where they have no
/// escapes: an index checks one platform per entry.
#[derive(Debug)]
pub(crate) struct PlatformFields<'a> {
    pub os: Cow<'a, str>,
    pub architecture: Cow<'a, str>,
    pub variant: Option<Cow<'a, str>>,
    pub os_version: Option<Cow<'a, str>>,
    pub os_features: Vec<Cow<'a, str>>,
}

impl PlatformFields<'_> {
    pub fn into_platform(self) -> Platform {
        Platform {
            os: self.os.into_owned(),
            architecture: self.architecture.into_owned(),
            variant: self.variant.map(Cow::into_owned),
            os_version: self.os_version.map(Cow::into_owned),
            os_features: self.os_features.into_iter().map(Cow::into_owned).collect(),
        }
    }
}

impl fmt::Display for PlatformFields<'_> {
    /// `os/architecture[/variant]`, as [`Platform`] formats.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// Reads and checks the `platform` object of an index entry.
///
/// `lenient` skips the unknown-value lints (attestation entries use `unknown/unknown`).
/// `docker` says the entry is in a Docker list, where `features` is a defined field.
pub(crate) fn check_platform<'a>(
    ctx: &mut Context<'_, 'a>,
    node: NodeId,
    lenient: bool,
    docker: bool,
) -> Option<PlatformFields<'a>> {
    if !ctx.expect_kind(node, NodeKind::Object, "platform") {
        return None;
    }
    check_fields(ctx, node, lenient, docker)
}

/// The platform fields of an image config, which sit at its top level.
pub(crate) fn check_platform_fields(ctx: &mut Context<'_, '_>, node: NodeId) -> Option<Platform> {
    check_fields(ctx, node, false, true).map(PlatformFields::into_platform)
}

fn check_fields<'a>(
    ctx: &mut Context<'_, 'a>,
    node: NodeId,
    lenient: bool,
    docker: bool,
) -> Option<PlatformFields<'a>> {
    let [os, architecture, variant, os_version, os_features_node, features] = ctx.tree.get_named(
        node,
        [
            Name::Os,
            Name::Architecture,
            Name::Variant,
            Name::OsVersion,
            Name::OsFeatures,
            Name::Features,
        ],
    );
    let os = ctx
        .required(os, node, "os", Code::PlatformMissingOs, "platform")
        .and_then(|n| ctx.string_value(Some(n), "os"));
    let architecture = ctx
        .required(
            architecture,
            node,
            "architecture",
            Code::PlatformMissingArchitecture,
            "platform",
        )
        .and_then(|n| ctx.string_value(Some(n), "architecture"));
    let variant = ctx.string_value(variant, "variant");
    let os_version = ctx.string_value(os_version, "os.version");
    let mut os_features = Vec::new();
    if let Some(features) =
        os_features_node.filter(|&n| ctx.expect_kind(n, NodeKind::Array, "os.features"))
    {
        let tree = ctx.tree;
        for item in tree.elements(features) {
            if ctx.expect_kind(item, NodeKind::String, "os.features[]") {
                os_features.push(tree.str(item));
            }
        }
    }
    if !docker {
        if let Some(features) = features {
            ctx.report(
                Code::PlatformReservedFeatures,
                features,
                "`features` is reserved by the OCI image-spec and should not be set",
            );
        }
    }
    let (os_node, os) = os?;
    let (arch_node, architecture) = architecture?;
    let lenient = lenient || (os == "unknown" && architecture == "unknown");
    if !lenient {
        if !ctx.is_known_os(&os) {
            let f = ctx.report(
                Code::PlatformUnknownOs,
                os_node,
                format!("unknown os {os:?} (not a Go GOOS value)"),
            );
            f.help = suggest_os(&os).map(|s| format!("did you mean {s:?}?").into());
        }
        if !ctx.is_known_architecture(&architecture) {
            let f = ctx.report(
                Code::PlatformUnknownArchitecture,
                arch_node,
                format!("unknown architecture {architecture:?} (not a Go GOARCH value)"),
            );
            f.help =
                suggest_architecture(&architecture).map(|s| format!("did you mean {s}?").into());
        }
        if let Some((variant_node, variant)) = &variant {
            match known_variants(&architecture) {
                None if is_known_architecture(&architecture) => {
                    ctx.report(Code::PlatformUnexpectedVariant, *variant_node, format!("architecture {architecture:?} has no variants, but variant is {variant:?}"));
                }
                Some(list) if !list.contains(&variant.as_ref()) => {
                    let f = ctx.report(
                        Code::PlatformUnexpectedVariant,
                        *variant_node,
                        format!("{variant:?} is not a variant of {architecture:?}"),
                    );
                    f.help = Some(format!("known variants: {}", list.join(", ")).into());
                }
                _ => {}
            }
        }
        if let Some((version_node, _)) = &os_version {
            if os != "windows" {
                // `os` is written from the platform, only if the finding is listed.
                ctx.report(
                    Code::PlatformOsVersionNotWindows,
                    *version_node,
                    Text::OsVersionNotWindows,
                );
            }
        }
    }
    Some(PlatformFields {
        os,
        architecture,
        variant: variant.map(|(_, v)| v),
        os_version: os_version.map(|(_, v)| v),
        os_features,
    })
}

fn suggest_os(os: &str) -> Option<&'static str> {
    Some(match os.to_ascii_lowercase().as_str() {
        "linux" => "linux",
        "windows" | "win" | "win32" | "win64" => "windows",
        "macos" | "osx" | "mac" | "darwin" => "darwin",
        _ => return None,
    })
}

fn suggest_architecture(architecture: &str) -> Option<&'static str> {
    Some(match architecture.to_ascii_lowercase().as_str() {
        "x86_64" | "x86-64" | "amd64" | "x64" => "\"amd64\"",
        "aarch64" | "arm64" | "armv8" => "\"arm64\"",
        "armhf" | "armv7" | "armv7l" => "\"arm\" with variant \"v7\"",
        "armel" | "armv6" | "armv6l" => "\"arm\" with variant \"v6\"",
        "i386" | "i686" | "x86" => "\"386\"",
        _ => return None,
    })
}
