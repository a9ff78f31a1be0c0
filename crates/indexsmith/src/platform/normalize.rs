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

/// containerd's `normalizeOS`: lowercase, `macos` → `darwin`. An empty OS stays empty.
pub fn normalize_os(os: &str) -> String {
    let os = os.to_ascii_lowercase();
    if os == "macos" {
        "darwin".to_owned()
    } else {
        os
    }
}

/// containerd's `normalizeArch`: the canonical architecture and variant (`None` for no variant).
pub fn normalize_arch(architecture: &str, variant: Option<&str>) -> (String, Option<String>) {
    let arch = architecture.to_ascii_lowercase();
    let variant = variant.unwrap_or("").to_ascii_lowercase();
    let (arch, variant): (&str, String) = match arch.as_str() {
        "i386" => ("386", String::new()),
        "x86_64" | "x86-64" | "amd64" => ("amd64", if variant == "v1" { String::new() } else { variant }),
        "aarch64" | "arm64" => (
            "arm64",
            match variant.as_str() {
                "8" | "v8" | "v8.0" => String::new(),
                "9" | "9.0" | "v9.0" => "v9".to_owned(),
                _ => variant,
            },
        ),
        "armhf" => ("arm", "v7".to_owned()),
        "armel" => ("arm", "v6".to_owned()),
        "arm" => (
            "arm",
            match variant.as_str() {
                "" | "7" => "v7".to_owned(),
                "5" | "6" | "8" => format!("v{variant}"),
                _ => variant,
            },
        ),
        _ => return (arch, non_empty(variant)),
    };
    (arch.to_owned(), non_empty(variant))
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
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
            ("riscv64 variant lowercased", "riscv64", "RVA22U64", "riscv64", "rva22u64"),
            ("unknown arch kept", "foo", "bar", "foo", "bar"),
        ];
        for (name, arch, variant, want_arch, want_variant) in cases {
            let v = if variant.is_empty() { None } else { Some(*variant) };
            let (a, got_variant) = normalize_arch(arch, v);
            assert_eq!(a, *want_arch, "{name}: architecture");
            assert_eq!(got_variant.as_deref().unwrap_or(""), *want_variant, "{name}: variant");
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
        assert_eq!(n.os_version.as_deref(), Some("10.0.17763.1"), "os.version is kept as is");
        assert_eq!(n.os_features, vec!["a".to_owned(), "win32k".to_owned()]);
        assert_eq!(n.normalize(), n, "normalize is idempotent");
    }
}
