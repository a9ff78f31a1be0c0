//! Platforms: `os`, `architecture`, `variant`, `os.version`, `os.features`.
//!
//! There are no host-dependent defaults anywhere in this module: a browser has no host.
//!
//! Semantics follow containerd's `platforms` package:
//! - [`parse`] / [`FromStr`](std::str::FromStr) / [`parse_with_defaults`]: specifiers such as
//!   `linux/arm64/v8`, `windows(10.0.17763)/amd64` or `windows/amd64:10.0.20348` (syntax in
//!   [`specifier`]).
//! - [`Platform::normalize`]: canonical values (`aarch64` → `arm64`, ...; table in [`normalize`]).
//! - [`Platform::format_all`] and `Display` (containerd `FormatAll` and `Format`).
//! - [`only`], [`only_strict`], [`ordered`], [`PlatformMatcher`]: which platforms a requested one
//!   runs, and which it prefers (rules in [`matcher`]).

use std::fmt;

pub mod matcher;
pub mod normalize;
pub mod specifier;
pub mod windows;

pub use matcher::{only, only_strict, ordered, MatchComparer, PlatformMatcher};
pub use normalize::{normalize_arch, normalize_os};
pub use specifier::{parse, parse_with_defaults, ParsePlatformError};

/// The platform of an image, as carried by an index entry or derived from an image config.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct Platform {
    /// REQUIRED. The operating system, with values of Go's `GOOS`.
    pub os: String,
    /// REQUIRED. The CPU architecture, with values of Go's `GOARCH`.
    pub architecture: String,
    /// OPTIONAL. The CPU variant, e.g. `v7` for ARMv7.
    pub variant: Option<String>,
    /// OPTIONAL. The operating system version, e.g. `10.0.20348.1366` on Windows.
    pub os_version: Option<String>,
    /// OPTIONAL. Required OS features, e.g. `win32k` on Windows.
    pub os_features: Vec<String>,
}

impl Platform {
    pub fn new(os: impl Into<String>, architecture: impl Into<String>) -> Self {
        Platform {
            os: os.into(),
            architecture: architecture.into(),
            ..Platform::default()
        }
    }

    pub fn with_variant(mut self, variant: impl Into<String>) -> Self {
        self.variant = Some(variant.into());
        self
    }

    pub fn with_os_version(mut self, os_version: impl Into<String>) -> Self {
        self.os_version = Some(os_version.into());
        self
    }

    pub fn with_os_features(mut self, features: Vec<String>) -> Self {
        self.os_features = features;
        self
    }
}

impl fmt::Display for Platform {
    /// `os/architecture[/variant]`, containerd's `Format`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// Values of Go's `GOOS` (`go tool dist list`), which the image-spec names as `os` values.
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// Values of Go's `GOARCH`, which the image-spec names as `architecture` values.
pub const KNOWN_ARCHITECTURES: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "arm64",
    "arm64be",
    "armbe",
    "loong64",
    "mips",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "mipsle",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

pub fn is_known_os(os: &str) -> bool {
    KNOWN_OS.contains(&os)
}

pub fn is_known_architecture(architecture: &str) -> bool {
    KNOWN_ARCHITECTURES.contains(&architecture)
}

/// The variants an architecture defines, or `None` when it defines none.
///
/// arm: v5–v8 (image-spec platform variants table). arm64: v8 and its point releases and v9.
/// amd64: the x86-64 microarchitecture levels v1–v4 (containerd's `GOAMD64`). riscv64: rva20u64,
/// rva22u64 (containerd). ppc64le: power8–power10. 386 and mips: the floating point ABIs Go knows.
pub fn known_variants(architecture: &str) -> Option<&'static [&'static str]> {
    Some(match architecture {
        "arm" => &["v5", "v6", "v7", "v8"],
        "arm64" => &[
            "v8", "v8.0", "v8.1", "v8.2", "v8.3", "v8.4", "v8.5", "v8.6", "v8.7", "v8.8", "v8.9",
            "v9", "v9.0", "v9.1", "v9.2", "v9.3", "v9.4", "v9.5",
        ],
        "amd64" => &["v1", "v2", "v3", "v4"],
        "riscv64" => &["rva20u64", "rva22u64", "rva23u64"],
        "ppc64le" | "ppc64" => &["power8", "power9", "power10"],
        "386" => &["sse2", "softfloat"],
        "mips" | "mipsle" | "mips64" | "mips64le" => &["hardfloat", "softfloat"],
        _ => return None,
    })
}
