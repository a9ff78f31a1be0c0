//! Windows `os.version` compatibility, as containerd's `platform_windows_compat.go` decides it.
//!
//! A Windows container image runs on a host when major and minor versions are equal and:
//! - the host build is older than Windows Server 2022 (20348): the builds are equal;
//! - otherwise the image build lies between the newest LTSC release *older than* the host build
//!   (or 20348 when there is none) and the host build, inclusive. The LTSC releases with a stable
//!   ABI are Windows Server 2022 (20348) and 2025 (26100).
//!
//! The revision (fourth number) never matters for matching.

/// A parsed `major.minor.build[.revision]` Windows version. Unparsable text gives the empty
/// version (all zero), exactly as containerd's `getWindowsOSVersion` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct WindowsVersion {
    pub major: u8,
    pub minor: u8,
    pub build: u16,
}

/// Windows Server 2022 (21H2 server).
pub const LTSC2022: u16 = 20348;
/// Windows Server 2025.
pub const LTSC2025: u16 = 26100;
/// The stable-ABI LTSC releases, ascending.
const COMPAT_LTSC_RELEASES: &[u16] = &[LTSC2022, LTSC2025];

/// Go's `strconv.ParseUint(s, 10, bits)`: ASCII digits only, no sign, no overflow.
fn parse_uint<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl WindowsVersion {
    /// containerd's `getWindowsOSVersion`: needs at least two dots; any part that does not fit
    /// (major and minor in 0..=255, build in 0..=65535) gives the empty version.
    pub fn parse(os_version: &str) -> WindowsVersion {
        if os_version.matches('.').count() < 2 {
            return WindowsVersion::default();
        }
        let mut parts = os_version.splitn(4, '.');
        let (Some(major), Some(minor), Some(build)) = (parts.next(), parts.next(), parts.next())
        else {
            return WindowsVersion::default();
        };
        match (
            parse_uint::<u8>(major),
            parse_uint::<u8>(minor),
            parse_uint::<u16>(build),
        ) {
            (Some(major), Some(minor), Some(build)) => WindowsVersion {
                major,
                minor,
                build,
            },
            _ => WindowsVersion::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == WindowsVersion::default()
    }

    /// containerd's `checkWindowsHostAndContainerCompat`: can a host of version `self` run a
    /// container image built for `image`?
    pub fn can_run(&self, image: &WindowsVersion) -> bool {
        if self.major != image.major || self.minor != image.minor {
            return false;
        }
        if self.build < LTSC2022 {
            return self.build == image.build;
        }
        let oldest = COMPAT_LTSC_RELEASES
            .iter()
            .rev()
            .find(|&&release| self.build > release)
            .copied()
            .unwrap_or(LTSC2022);
        oldest <= image.build && image.build <= self.build
    }
}

/// containerd's `windowsVersionMatcher.Match`: the requested `os.version` (the "host") against a
/// candidate's. An empty requested version, or a candidate without `os.version`, always matches.
pub fn os_version_matches(requested: &WindowsVersion, candidate: Option<&str>) -> bool {
    match candidate {
        None | Some("") => true,
        Some(_) if requested.is_empty() => true,
        Some(v) => requested.can_run(&WindowsVersion::parse(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let v = |major, minor, build| WindowsVersion {
            major,
            minor,
            build,
        };
        let cases: &[(&str, &str, WindowsVersion)] = &[
            ("three parts", "10.0.17763", v(10, 0, 17763)),
            ("revision ignored", "10.0.20348.1366", v(10, 0, 20348)),
            ("five parts", "10.0.20348.1.2", v(10, 0, 20348)),
            ("two parts", "10.0", WindowsVersion::default()),
            ("empty", "", WindowsVersion::default()),
            ("major overflow", "256.0.1", WindowsVersion::default()),
            ("build overflow", "10.0.65536", WindowsVersion::default()),
            ("build max", "10.0.65535", v(10, 0, 65535)),
            ("sign refused", "+10.0.1", WindowsVersion::default()),
            ("letters", "10.0.17763a", WindowsVersion::default()),
            ("empty build", "10.0.", WindowsVersion::default()),
            ("leading zeros", "010.00.017763", v(10, 0, 17763)),
        ];
        for (name, input, expected) in cases {
            assert_eq!(WindowsVersion::parse(input), *expected, "{name}");
        }
    }

    #[test]
    fn host_compatibility_table() {
        // (name, host, image, compatible)
        let cases: &[(&str, &str, &str, bool)] = &[
            (
                "ltsc2019 runs ltsc2019",
                "10.0.17763",
                "10.0.17763.5830",
                true,
            ),
            ("ltsc2019 refuses 1809+1", "10.0.17763", "10.0.17764", false),
            (
                "ltsc2019 refuses ltsc2022",
                "10.0.17763",
                "10.0.20348",
                false,
            ),
            (
                "ltsc2022 runs ltsc2022",
                "10.0.20348",
                "10.0.20348.2402",
                true,
            ),
            (
                "ltsc2022 refuses ltsc2019",
                "10.0.20348",
                "10.0.17763",
                false,
            ),
            ("ltsc2022 refuses newer", "10.0.20348", "10.0.22621", false),
            ("win11 22H2 runs ltsc2022", "10.0.22621", "10.0.20348", true),
            ("win11 22H2 runs itself", "10.0.22621", "10.0.22621", true),
            (
                "win11 22H2 refuses ltsc2019",
                "10.0.22621",
                "10.0.17763",
                false,
            ),
            ("23H2 runs ltsc2022", "10.0.25398", "10.0.20348", true),
            ("ltsc2025 runs ltsc2022", "10.0.26100", "10.0.20348", true),
            ("ltsc2025 runs itself", "10.0.26100", "10.0.26100.1", true),
            ("ltsc2025 refuses newer", "10.0.26100", "10.0.26200", false),
            (
                "after ltsc2025 refuses ltsc2022",
                "10.0.26200",
                "10.0.20348",
                false,
            ),
            (
                "after ltsc2025 runs ltsc2025",
                "10.0.26200",
                "10.0.26100",
                true,
            ),
            ("minor differs", "10.1.20348", "10.0.20348", false),
            ("major differs", "11.0.20348", "10.0.20348", false),
            ("unparsable image", "10.0.20348", "ltsc2022", false),
        ];
        for (name, host, image, compatible) in cases {
            let host = WindowsVersion::parse(host);
            assert_eq!(
                host.can_run(&WindowsVersion::parse(image)),
                *compatible,
                "{name}"
            );
        }
    }

    #[test]
    fn matcher_table() {
        let cases: &[(&str, &str, Option<&str>, bool)] = &[
            ("no candidate version", "10.0.17763", None, true),
            ("empty candidate version", "10.0.17763", Some(""), true),
            ("no requested version", "", Some("10.0.17763"), true),
            (
                "unparsable requested version matches all",
                "10.0",
                Some("10.0.17763"),
                true,
            ),
            ("compatible", "10.0.20348", Some("10.0.20348.1"), true),
            ("incompatible", "10.0.20348", Some("10.0.17763.1"), false),
        ];
        for (name, requested, candidate, expected) in cases {
            assert_eq!(
                os_version_matches(&WindowsVersion::parse(requested), *candidate),
                *expected,
                "{name}"
            );
        }
    }
}
