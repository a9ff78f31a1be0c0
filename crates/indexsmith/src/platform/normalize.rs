//! Canonical platform values, as containerd's `platforms.Normalize` computes them.
//!
//! | Input                  | Normalized     |
//! |------------------------|----------------|
//! | OS `macos` (any case)  | `darwin`       |
//! | `aarch64`              | `arm64`        |
//! | `arm64/8`, `arm64/v8`, `arm64/v8.0` | `arm64` (no variant) |
//! | `arm64/9`, `arm64/9.0`, `arm64/v9.0` | `arm64/v9` |
//! | `armhf`                | `arm/v7`       |
//! | `armel`                | `arm/v6`       |
//! | `arm` (no variant), `arm/7` | `arm/v7`  |
//! | `arm/5`, `arm/6`, `arm/8` | `arm/v5`, `arm/v6`, `arm/v8` |
//! | `i386`                 | `386` (variant dropped) |
//! | `x86_64`, `x86-64`     | `amd64`        |
//! | `amd64/v1`             | `amd64` (no variant) |
//!
//! OS, architecture and variant are lowercased first; `os.features` are sorted and deduplicated.
//!
//! One deliberate difference: containerd replaces an empty OS with the host's `GOOS`. There is no
//! host here, so an empty OS stays empty.

use super::Platform;

/// One normalized field, without allocating: a canonical spelling, or the input lowercased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    Canonical(&'static str),
    /// The input, to be read ASCII-lowercased.
    Lowered(&'a str),
}

impl<'a> Part<'a> {
    pub(crate) fn is_empty(self) -> bool {
        match self {
            Part::Canonical(s) | Part::Lowered(s) => s.is_empty(),
        }
    }

    /// The bytes of the normalized field.
    pub(crate) fn bytes(self) -> impl Iterator<Item = u8> + 'a {
        let (s, lower) = match self {
            Part::Canonical(s) => (s, false),
            Part::Lowered(s) => (s, true),
        };
        s.bytes()
            .map(move |b| if lower { b.to_ascii_lowercase() } else { b })
    }

    fn into_string(self) -> String {
        match self {
            Part::Canonical(s) => s.to_owned(),
            Part::Lowered(s) => s.to_ascii_lowercase(),
        }
    }
}

fn is_any(s: &str, names: &[&str]) -> bool {
    names.iter().any(|n| s.eq_ignore_ascii_case(n))
}

/// [`normalize_os`] without allocating.
pub(crate) fn normalize_os_part(os: &str) -> Part<'_> {
    if os.eq_ignore_ascii_case("macos") {
        Part::Canonical("darwin")
    } else {
        Part::Lowered(os)
    }
}

/// [`normalize_arch`] without allocating; an empty variant part means no variant.
pub(crate) fn normalize_arch_parts<'a>(
    architecture: &'a str,
    variant: &'a str,
) -> (Part<'a>, Part<'a>) {
    let lowered = Part::Lowered(variant);
    let none = Part::Canonical("");
    if is_any(architecture, &["i386"]) {
        (Part::Canonical("386"), none)
    } else if is_any(architecture, &["x86_64", "x86-64", "amd64"]) {
        (
            Part::Canonical("amd64"),
            if is_any(variant, &["v1"]) {
                none
            } else {
                lowered
            },
        )
    } else if is_any(architecture, &["aarch64", "arm64"]) {
        let variant = if is_any(variant, &["8", "v8", "v8.0"]) {
            none
        } else if is_any(variant, &["9", "9.0", "v9.0"]) {
            Part::Canonical("v9")
        } else {
            lowered
        };
        (Part::Canonical("arm64"), variant)
    } else if is_any(architecture, &["armhf"]) {
        (Part::Canonical("arm"), Part::Canonical("v7"))
    } else if is_any(architecture, &["armel"]) {
        (Part::Canonical("arm"), Part::Canonical("v6"))
    } else if is_any(architecture, &["arm"]) {
        let variant = match variant {
            "" | "7" => Part::Canonical("v7"),
            "5" => Part::Canonical("v5"),
            "6" => Part::Canonical("v6"),
            "8" => Part::Canonical("v8"),
            _ => lowered,
        };
        (Part::Canonical("arm"), variant)
    } else {
        (Part::Lowered(architecture), lowered)
    }
}

/// containerd's `normalizeOS`: lowercase, `macos` → `darwin`. An empty OS stays empty.
pub fn normalize_os(os: &str) -> String {
    normalize_os_part(os).into_string()
}

/// containerd's `normalizeArch`: the canonical architecture and variant (`None` for no variant).
pub fn normalize_arch(architecture: &str, variant: Option<&str>) -> (String, Option<String>) {
    let (arch, variant) = normalize_arch_parts(architecture, variant.unwrap_or(""));
    (
        arch.into_string(),
        (!variant.is_empty()).then(|| variant.into_string()),
    )
}

impl Platform {
    /// containerd's `Normalize`: the canonical form used for matching.
    ///
    /// Note that this differs from what [`parse`](super::parse) returns for two spellings, exactly
    /// as in containerd: parsing `linux/arm` leaves the variant empty while normalizing yields
    /// `v7`, and parsing `linux/arm64/v8` keeps `v8` while normalizing drops it.
    pub fn normalize(&self) -> Platform {
        let (architecture, variant) = normalize_arch(&self.architecture, self.variant.as_deref());
        let mut os_features = self.os_features.clone();
        os_features.sort();
        os_features.dedup();
        Platform {
            os: normalize_os(&self.os),
            architecture,
            variant,
            os_version: self.os_version.clone(),
            os_features,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_arch_table() {
        // (name, arch, variant, expected arch, expected variant)
        let cases: &[(&str, &str, &str, &str, &str)] = &[
            ("i386 drops variant", "i386", "sse2", "386", ""),
            ("x86_64", "x86_64", "", "amd64", ""),
            ("x86-64", "x86-64", "", "amd64", ""),
            ("X86_64 uppercase", "X86_64", "", "amd64", ""),
            ("amd64 v1 dropped", "amd64", "v1", "amd64", ""),
            ("amd64 V1 uppercase dropped", "amd64", "V1", "amd64", ""),
            ("amd64 v3 kept", "amd64", "v3", "amd64", "v3"),
            ("x86_64 v2 kept", "x86_64", "v2", "amd64", "v2"),
            ("aarch64", "aarch64", "", "arm64", ""),
            ("Aarch64 mixed case", "Aarch64", "", "arm64", ""),
            ("arm64 8", "arm64", "8", "arm64", ""),
            ("arm64 v8", "arm64", "v8", "arm64", ""),
            ("arm64 v8.0", "arm64", "v8.0", "arm64", ""),
            ("arm64 v8.2 kept", "arm64", "v8.2", "arm64", "v8.2"),
            ("arm64 9", "arm64", "9", "arm64", "v9"),
            ("arm64 9.0", "arm64", "9.0", "arm64", "v9"),
            ("arm64 v9.0", "arm64", "v9.0", "arm64", "v9"),
            ("arm64 v9", "arm64", "v9", "arm64", "v9"),
            ("armhf", "armhf", "", "arm", "v7"),
            ("armhf ignores variant", "armhf", "v5", "arm", "v7"),
            ("armel", "armel", "", "arm", "v6"),
            ("arm no variant", "arm", "", "arm", "v7"),
            ("arm 7", "arm", "7", "arm", "v7"),
            ("arm 5", "arm", "5", "arm", "v5"),
            ("arm 6", "arm", "6", "arm", "v6"),
            ("arm 8", "arm", "8", "arm", "v8"),
            ("arm v7", "arm", "v7", "arm", "v7"),
            ("arm 4 untouched", "arm", "4", "arm", "4"),
            ("ARM uppercase", "ARM", "V6", "arm", "v6"),
            ("s390x untouched", "s390x", "", "s390x", ""),
            (
                "riscv64 variant lowercased",
                "riscv64",
                "RVA22U64",
                "riscv64",
                "rva22u64",
            ),
            ("unknown arch kept", "foo", "bar", "foo", "bar"),
        ];
        for (name, arch, variant, want_arch, want_variant) in cases {
            let v = if variant.is_empty() {
                None
            } else {
                Some(*variant)
            };
            let (a, got_variant) = normalize_arch(arch, v);
            assert_eq!(a, *want_arch, "{name}: architecture");
            assert_eq!(
                got_variant.as_deref().unwrap_or(""),
                *want_variant,
                "{name}: variant"
            );
        }
    }

    #[test]
    fn normalize_os_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("macos", "macos", "darwin"),
            ("macOS mixed case", "macOS", "darwin"),
            ("Linux", "Linux", "linux"),
            ("WINDOWS", "WINDOWS", "windows"),
            ("empty stays empty (no host)", "", ""),
            ("unknown kept", "plan9", "plan9"),
        ];
        for (name, input, expected) in cases {
            assert_eq!(normalize_os(input), *expected, "{name}");
        }
    }

    #[test]
    fn normalize_sorts_and_dedups_features() {
        let p = Platform::new("Windows", "x86_64")
            .with_os_version("10.0.17763.1")
            .with_os_features(vec!["win32k".into(), "a".into(), "win32k".into()]);
        let n = p.normalize();
        assert_eq!(n.os, "windows");
        assert_eq!(n.architecture, "amd64");
        assert_eq!(
            n.os_version.as_deref(),
            Some("10.0.17763.1"),
            "os.version is kept as is"
        );
        assert_eq!(n.os_features, vec!["a".to_owned(), "win32k".to_owned()]);
        assert_eq!(n.normalize(), n, "normalize is idempotent");
    }
}
