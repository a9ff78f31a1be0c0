//! The few fields of manifests and image configs that the protocol needs: children of an index,
//! config and layers of an image manifest, and the platform in an image config. The model is the
//! core's ([`indexsmith::model`]); this module gives it the protocol's error strings.
//!
//! Reading is lenient on purpose (the core validates); the bytes themselves are never
//! re-serialized: digests are always of the bytes received.

use indexsmith::model::ImageConfig;
use indexsmith::platform::Platform;

pub use indexsmith::model::{Descriptor, ManifestContent, ManifestInfo};

/// Reads a manifest's references. `content_type` is the `Content-Type` it was served with.
/// Errors name the JSON pointer of the offending field.
pub fn parse_manifest(bytes: &[u8], content_type: Option<&str>) -> Result<ManifestInfo, String> {
    ManifestInfo::parse(bytes, content_type).map_err(|e| e.to_string())
}

/// The platform of an image config (`os`, `architecture`, `variant`, `os.version`,
/// `os.features`); `None` when the config has no `os` or `architecture`, or cannot be read.
pub fn config_platform(bytes: &[u8]) -> Option<Platform> {
    ImageConfig::parse(bytes).ok()?.platform
}

/// The `created` date of an image config (RFC 3339 text, as written), when it has one.
pub fn config_created(bytes: &[u8]) -> Option<String> {
    ImageConfig::parse(bytes).ok()?.created
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    #[test]
    fn refuses_bad_manifests() {
        let cases = [
            ("not json", "nope".to_owned(), "not a manifest"),
            ("neither", r#"{"schemaVersion":2}"#.to_owned(), "neither"),
            (
                "bad digest",
                r#"{"manifests":[{"digest":"sha256:x","size":1}]}"#.to_owned(),
                "/manifests/0/digest",
            ),
            (
                "negative size",
                format!(r#"{{"config":{{"digest":"{D1}","size":-1}}}}"#),
                "/config/size",
            ),
        ];
        for (name, input, expected) in cases {
            let err = parse_manifest(input.as_bytes(), None).expect_err(name);
            assert!(err.contains(expected), "{name}: {err}");
        }
    }

    #[test]
    fn reads_config_platform() {
        let p = config_platform(br#"{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"],"rootfs":{}}"#).unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert_eq!(p.os_features, vec!["x".to_owned()]);
        assert_eq!(config_platform(br#"{"os":"linux"}"#), None);
    }
}

#[cfg(test)]
mod created_tests {
    use super::config_created;

    #[test]
    fn reads_the_created_date() {
        let cases: [(&str, &[u8], Option<&str>); 4] = [
            (
                "dated",
                br#"{"created":"2024-05-01T10:00:00Z","os":"linux"}"#,
                Some("2024-05-01T10:00:00Z"),
            ),
            ("undated", br#"{"os":"linux"}"#, None),
            ("empty", br#"{"created":""}"#, None),
            ("not json", b"{", None),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(config_created(bytes).as_deref(), expected, "{name}");
        }
    }
}
