//! Platform specifiers: containerd's `Parse`, `Format` and `FormatAll`.
//!
//! Syntax (containerd `platforms.Parse`):
//!
//! ```text
//! specifier  ::= os-options | arch | os-options "/" arch [ "/" variant ]
//! os-options ::= os [ "(" [ os.version ] *( "+" os.feature ) ")" ]
//! os         ::= [A-Za-z0-9_-]+
//! os.version, os.feature ::= [A-Za-z0-9_.%-]      (percent-encoded; '%' '+' '(' ')' '/' must be)
//! arch, variant ::= [A-Za-z0-9_.-]+
//! ```
//!
//! Examples: `linux/amd64`, `linux/arm/v7`, `windows(10.0.17763)/amd64`,
//! `windows(10.0.17763+win32k)/amd64`, `linux(+gpu)/amd64`.
//!
//! The result is normalized the way containerd's `Parse` does it: OS and architecture lowercased
//! and canonicalized (`aarch64` → `arm64`, `x86_64` → `amd64`, `armel` → `arm/v6`, `macos` →
//! `darwin`, ...), a bare `arm` or `armhf` has no variant (v7 is implied), and `arm64` written with
//! an explicit variant of `v8` (or `8`, `v8.0`) keeps `v8`.
//!
//! **No host defaults.** containerd fills a missing architecture or OS from the machine it runs
//! on. Here a specifier with only an OS (`linux`) or only an architecture (`arm64`) is an error
//! ([`ParsePlatformError::MissingArchitecture`], [`ParsePlatformError::MissingOs`]) unless the
//! caller supplies the defaults through [`parse_with_defaults`].
//!
//! **Extension.** The form `os/arch[/variant]:os.version`, e.g. `windows/amd64:10.0.20348`, as
//! regclient and the indexsmith app write it, is also accepted; the part after the first `:` is the
//! `os.version` (characters `[A-Za-z0-9_.-]`, no percent decoding). It cannot be combined with an
//! `os.version` in parentheses.

use super::normalize::{normalize_arch, normalize_os};
use super::{is_known_architecture, Platform};
use std::str::FromStr;

/// The operating systems containerd's `Parse` recognizes when a specifier has a single component
/// (containerd `database.go`, `isKnownOS`). This is [`super::KNOWN_OS`] without `wasip1`: keeping
/// containerd's list keeps `Parse` results identical.
const CONTAINERD_KNOWN_OS: &[&str] = &[
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
    "windows",
    "zos",
];

/// Why a platform specifier was refused. Each variant has a stable [`code`](Self::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParsePlatformError {
    #[error("platform specifier is empty")]
    Empty,
    #[error("platform specifier {0:?}: wildcards are not supported")]
    Wildcard(String),
    #[error("{component:?} at byte {offset} is not a valid OS component: expected os[(os.version[+feature...])] with os matching [A-Za-z0-9_-]+")]
    InvalidOsComponent { component: String, offset: usize },
    #[error("{component:?} at byte {offset} is not a valid platform component: expected [A-Za-z0-9_.-]+")]
    InvalidComponent { component: String, offset: usize },
    #[error(
        "{value:?} at byte {offset} has an invalid percent escape (or does not decode to UTF-8)"
    )]
    InvalidEscape { value: String, offset: usize },
    #[error("platform specifier {0:?} has more than three '/'-separated components")]
    TooManyComponents(String),
    #[error("{0:?} is neither a known operating system nor a known architecture")]
    UnknownOsOrArchitecture(String),
    #[error("platform specifier {0:?} names only an operating system; give the architecture too (e.g. {0}/amd64)")]
    MissingArchitecture(String),
    #[error("platform specifier {0:?} names only an architecture; give the operating system too (e.g. linux/{0})")]
    MissingOs(String),
    #[error(
        "os.version {value:?} after ':' at byte {offset} is not valid: expected [A-Za-z0-9_.-]+"
    )]
    InvalidOsVersion { value: String, offset: usize },
    #[error("os.version given twice: in parentheses and after ':'")]
    ConflictingOsVersion,
}

impl ParsePlatformError {
    /// The stable `platform/...` code of this error.
    pub fn code(&self) -> &'static str {
        use ParsePlatformError::*;
        match self {
            Empty => "platform/empty",
            Wildcard(_) => "platform/wildcard",
            InvalidOsComponent { .. } => "platform/invalid-os-component",
            InvalidComponent { .. } => "platform/invalid-component",
            InvalidEscape { .. } => "platform/invalid-escape",
            TooManyComponents(_) => "platform/too-many-components",
            UnknownOsOrArchitecture(_) => "platform/unknown-os-or-architecture",
            MissingArchitecture(_) => "platform/missing-architecture",
            MissingOs(_) => "platform/missing-os",
            InvalidOsVersion { .. } => "platform/invalid-os-version",
            ConflictingOsVersion => "platform/conflicting-os-version",
        }
    }
}

/// Parses a specifier that names both OS and architecture (see the module docs).
pub fn parse(specifier: &str) -> Result<Platform, ParsePlatformError> {
    parse_inner(specifier, None)
}

/// Parses a specifier, filling a missing part from `defaults` the way containerd fills it from the
/// host: an OS-only specifier takes `defaults.architecture` (and `defaults.variant` only when that
/// architecture is `arm` and the variant is not `v7`, as containerd's `cpuVariant` logic does);
/// an architecture-only specifier takes `defaults.os`. Nothing else is taken from `defaults`.
pub fn parse_with_defaults(
    specifier: &str,
    defaults: &Platform,
) -> Result<Platform, ParsePlatformError> {
    parse_inner(specifier, Some(defaults))
}

impl FromStr for Platform {
    type Err = ParsePlatformError;

    /// [`parse`]: no defaults.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_component_char(b: u8) -> bool {
    is_name_char(b) || b == b'.'
}

fn is_option_char(b: u8) -> bool {
    is_component_char(b) || b == b'%'
}

struct OsComponent<'a> {
    name: &'a str,
    version: &'a str,
    /// Byte offset of the version inside the component.
    version_offset: usize,
    features: Vec<(&'a str, usize)>,
}

/// containerd's `osRe`: `^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$`.
fn split_os_component(part: &str) -> Option<OsComponent<'_>> {
    let name_len = part.bytes().take_while(|&b| is_name_char(b)).count();
    if name_len == 0 {
        return None;
    }
    let (name, rest) = part.split_at(name_len);
    if rest.is_empty() {
        return Some(OsComponent {
            name,
            version: "",
            version_offset: name_len,
            features: Vec::new(),
        });
    }
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    let mut pieces = inner.split('+');
    let version = pieces.next().unwrap_or("");
    if !version.bytes().all(is_option_char) {
        return None;
    }
    let mut offset = name_len + 1 + version.len() + 1;
    let mut features = Vec::new();
    for feature in pieces {
        if feature.is_empty() || !feature.bytes().all(is_option_char) {
            return None;
        }
        features.push((feature, offset));
        offset += feature.len() + 1;
    }
    Some(OsComponent {
        name,
        version,
        version_offset: name_len + 1,
        features,
    })
}

/// Go's `url.PathUnescape`, applied only when the value contains `%` (containerd
/// `decodeOSOption`). Decoded bytes that are not UTF-8 are refused.
fn decode_os_option(value: &str, offset: usize) -> Result<String, ParsePlatformError> {
    if !value.contains('%') {
        return Ok(value.to_owned());
    }
    let err = || ParsePlatformError::InvalidEscape {
        value: value.to_owned(),
        offset,
    };
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes
                .get(i + 1)
                .and_then(|b| (*b as char).to_digit(16))
                .ok_or_else(err)?;
            let lo = bytes
                .get(i + 2)
                .and_then(|b| (*b as char).to_digit(16))
                .ok_or_else(err)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| err())
}

/// Percent-encodes an `os.version` or `os.feature` for the parenthesized form.
///
/// containerd's `osOptionReplacer` escapes exactly `%` `+` `(` `)` `/`; for values made of those
/// and `[A-Za-z0-9_.-]` this gives the same text. Any other byte (a space, `:`, non-ASCII) is
/// escaped too, so that every value survives the round trip; containerd's decoder reads it back.
fn encode_os_option(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if is_component_char(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

fn parse_inner(
    specifier: &str,
    defaults: Option<&Platform>,
) -> Result<Platform, ParsePlatformError> {
    if specifier.is_empty() {
        return Err(ParsePlatformError::Empty);
    }
    if specifier.contains('*') {
        return Err(ParsePlatformError::Wildcard(specifier.to_owned()));
    }
    // The `os/arch:os.version` extension. No containerd component may contain ':'.
    let (spec, colon_version) = match specifier.find(':') {
        Some(i) => {
            let value = &specifier[i + 1..];
            if value.is_empty() || !value.bytes().all(is_component_char) {
                return Err(ParsePlatformError::InvalidOsVersion {
                    value: value.to_owned(),
                    offset: i + 1,
                });
            }
            (&specifier[..i], Some(value))
        }
        None => (specifier, None),
    };

    // containerd splits into at most four parts and validates each before counting them.
    let parts: Vec<&str> = spec.splitn(4, '/').collect();
    let mut platform = Platform::default();
    let mut offset = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let os =
                split_os_component(part).ok_or_else(|| ParsePlatformError::InvalidOsComponent {
                    component: (*part).to_owned(),
                    offset,
                })?;
            platform.os = normalize_os(os.name);
            let version = decode_os_option(os.version, offset + os.version_offset)?;
            platform.os_version = if version.is_empty() {
                None
            } else {
                Some(version)
            };
            for (feature, at) in os.features {
                let decoded = decode_os_option(feature, offset + at)?;
                if !decoded.is_empty() {
                    platform.os_features.push(decoded);
                }
            }
        } else if part.is_empty() || !part.bytes().all(is_component_char) {
            return Err(ParsePlatformError::InvalidComponent {
                component: (*part).to_owned(),
                offset,
            });
        }
        offset += part.len() + 1;
    }
    if let Some(v) = colon_version {
        if platform.os_version.is_some() {
            return Err(ParsePlatformError::ConflictingOsVersion);
        }
        platform.os_version = Some(v.to_owned());
    }

    match parts.len() {
        1 => {
            if CONTAINERD_KNOWN_OS.contains(&platform.os.as_str()) {
                let defaults = defaults
                    .ok_or_else(|| ParsePlatformError::MissingArchitecture(platform.os.clone()))?;
                platform.architecture = defaults.architecture.clone();
                platform.variant = match defaults.variant.as_deref() {
                    Some(v) if platform.architecture == "arm" && v != "v7" => Some(v.to_owned()),
                    _ => None,
                };
                return Ok(platform);
            }
            let (arch, variant) = normalize_arch(parts[0], None);
            if !is_known_architecture(&arch) {
                return Err(ParsePlatformError::UnknownOsOrArchitecture(
                    parts[0].to_owned(),
                ));
            }
            let defaults = defaults.ok_or_else(|| ParsePlatformError::MissingOs(arch.clone()))?;
            // Only `os` came from the component; `(version+features)` belong to an OS, which this
            // is not. containerd rejects such input above (the raw component is no architecture).
            platform.os = defaults.os.clone();
            platform.architecture = arch;
            platform.variant = variant.filter(|v| !(platform.architecture == "arm" && v == "v7"));
            Ok(platform)
        }
        2 => {
            let (arch, variant) = normalize_arch(parts[1], None);
            platform.variant = variant.filter(|v| !(arch == "arm" && v == "v7"));
            platform.architecture = arch;
            Ok(platform)
        }
        3 => {
            let (arch, variant) = normalize_arch(parts[1], Some(parts[2]));
            platform.variant = if arch == "arm64" && variant.is_none() {
                Some("v8".to_owned())
            } else {
                variant
            };
            platform.architecture = arch;
            Ok(platform)
        }
        _ => Err(ParsePlatformError::TooManyComponents(specifier.to_owned())),
    }
}

impl Platform {
    /// containerd's `FormatAll`: like `Display` (containerd's `Format`) but with `os.version` and
    /// `os.features` in parentheses after the OS, e.g. `windows(10.0.17763+win32k)/amd64`.
    /// Features are written sorted, without duplicates or empty ones; `%`, `+`, `(`, `)` and `/`
    /// inside the version and features are percent-encoded as containerd does, and so is any other
    /// character outside `[A-Za-z0-9_.-]` (containerd leaves those as they are, which its own
    /// parser then refuses). An empty OS formats as `unknown`.
    pub fn format_all(&self) -> String {
        if self.os.is_empty() {
            return "unknown".to_owned();
        }
        let version = encode_os_option(self.os_version.as_deref().unwrap_or(""));
        let mut features: Vec<&str> = self
            .os_features
            .iter()
            .map(String::as_str)
            .filter(|f| !f.is_empty())
            .collect();
        features.sort_unstable();
        features.dedup();
        let features: Vec<String> = features.into_iter().map(encode_os_option).collect();
        let mut out = self.os.clone();
        if !version.is_empty() || !features.is_empty() {
            out.push('(');
            out.push_str(&version);
            for f in &features {
                out.push('+');
                out.push_str(f);
            }
            out.push(')');
        }
        for part in [Some(self.architecture.as_str()), self.variant.as_deref()]
            .into_iter()
            .flatten()
        {
            if !part.is_empty() {
                out.push('/');
                out.push_str(part);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
