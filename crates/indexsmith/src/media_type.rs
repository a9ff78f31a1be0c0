//! Media types of the OCI image-spec and Docker's image manifest v2 schema 2.
//!
//! [`MediaType`] is an open enum: every string parses, known ones get their own variant, and
//! [`MediaType::Other`] keeps the rest as given. [`is_valid_media_type`] checks RFC 6838's grammar,
//! which the image-spec requires of every `mediaType` and `artifactType`.

use std::fmt;

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// The OCI artifact manifest, withdrawn before image-spec v1.1 was released.
pub const OCI_ARTIFACT_MANIFEST: &str = "application/vnd.oci.artifact.manifest.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
pub const DOCKER_FOREIGN_LAYER: &str = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
pub const DOCKER_PLUGIN_CONFIG: &str = "application/vnd.docker.plugin.v1+json";

/// The four manifest media types a registry client must accept, in `Accept` order.
pub const MANIFEST_TYPES: [&str; 4] = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

/// A media type, known or not.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MediaType {
    OciIndex,
    OciManifest,
    OciConfig,
    OciEmpty,
    OciArtifactManifest,
    DockerManifestList,
    DockerManifest,
    DockerSchema1,
    DockerSchema1Signed,
    DockerConfig,
    Other(String),
}

impl MediaType {
    pub fn parse(s: &str) -> MediaType {
        match s {
            OCI_INDEX => MediaType::OciIndex,
            OCI_MANIFEST => MediaType::OciManifest,
            OCI_CONFIG => MediaType::OciConfig,
            OCI_EMPTY => MediaType::OciEmpty,
            OCI_ARTIFACT_MANIFEST => MediaType::OciArtifactManifest,
            DOCKER_LIST => MediaType::DockerManifestList,
            DOCKER_MANIFEST => MediaType::DockerManifest,
            DOCKER_SCHEMA1 => MediaType::DockerSchema1,
            DOCKER_SCHEMA1_SIGNED => MediaType::DockerSchema1Signed,
            DOCKER_CONFIG => MediaType::DockerConfig,
            other => MediaType::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            MediaType::OciIndex => OCI_INDEX,
            MediaType::OciManifest => OCI_MANIFEST,
            MediaType::OciConfig => OCI_CONFIG,
            MediaType::OciEmpty => OCI_EMPTY,
            MediaType::OciArtifactManifest => OCI_ARTIFACT_MANIFEST,
            MediaType::DockerManifestList => DOCKER_LIST,
            MediaType::DockerManifest => DOCKER_MANIFEST,
            MediaType::DockerSchema1 => DOCKER_SCHEMA1,
            MediaType::DockerSchema1Signed => DOCKER_SCHEMA1_SIGNED,
            MediaType::DockerConfig => DOCKER_CONFIG,
            MediaType::Other(s) => s,
        }
    }

    /// An index or a manifest list.
    pub fn is_index(&self) -> bool {
        matches!(self, MediaType::OciIndex | MediaType::DockerManifestList)
    }

    /// An image manifest (OCI or Docker schema 2).
    pub fn is_image(&self) -> bool {
        matches!(self, MediaType::OciManifest | MediaType::DockerManifest)
    }

    /// Docker's own media types (`application/vnd.docker.*`).
    pub fn is_docker(&self) -> bool {
        self.as_str().starts_with("application/vnd.docker.")
    }

    /// The OCI image-spec's media types (`application/vnd.oci.*`).
    pub fn is_oci(&self) -> bool {
        self.as_str().starts_with("application/vnd.oci.")
    }
}

impl From<&str> for MediaType {
    fn from(s: &str) -> MediaType {
        MediaType::parse(s)
    }
}

impl From<String> for MediaType {
    fn from(s: String) -> MediaType {
        MediaType::parse(&s)
    }
}

impl PartialEq<str> for MediaType {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for MediaType {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MediaType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `restricted-name` of RFC 6838 §4.2: 1 to 127 characters, starting alphanumeric, then
/// alphanumerics and `!#$&-^_.+`.
fn valid_restricted_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 127
        && b[0].is_ascii_alphanumeric()
        && b[1..].iter().all(|&c| RESTRICTED_NAME_CHAR[c as usize])
}

/// The bytes of `restricted-name-chars`, as a table: media types are checked for every descriptor.
static RESTRICTED_NAME_CHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'-' | b'^' | b'_' | b'.' | b'+'
            );
        c += 1;
    }
    t
};

/// True when `s` is `type "/" subtype` per RFC 6838 (parameters are not allowed in a
/// descriptor's `mediaType`).
pub fn is_valid_media_type(s: &str) -> bool {
    // The slash comes early (after "application"): a plain scan beats a general search.
    match s.bytes().position(|b| b == b'/') {
        Some(i) => valid_restricted_name(&s[..i]) && valid_restricted_name(&s[i + 1..]),
        None => false,
    }
}

/// Layer media types that mark non-distributable content, deprecated by image-spec v1.1.
pub fn is_non_distributable_layer(s: &str) -> bool {
    s.starts_with("application/vnd.oci.image.layer.nondistributable.") || s == DOCKER_FOREIGN_LAYER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_types_round_trip() {
        for s in [
            OCI_INDEX,
            OCI_MANIFEST,
            OCI_CONFIG,
            OCI_EMPTY,
            OCI_ARTIFACT_MANIFEST,
            DOCKER_LIST,
            DOCKER_MANIFEST,
            DOCKER_SCHEMA1,
            DOCKER_SCHEMA1_SIGNED,
            DOCKER_CONFIG,
            "application/x-custom",
        ] {
            let m = MediaType::parse(s);
            assert_eq!(m.as_str(), s);
            assert_eq!(MediaType::parse(m.as_str()), m);
        }
        assert!(matches!(
            MediaType::parse("application/x-custom"),
            MediaType::Other(_)
        ));
    }

    #[test]
    fn grammar() {
        let cases = [
            ("oci index", OCI_INDEX, true),
            ("vendor tree", "application/vnd.in-toto+json", true),
            ("empty", "", false),
            ("no subtype", "application", false),
            ("empty subtype", "application/", false),
            ("parameters", "application/json; charset=utf-8", false),
            ("space", "application/ json", false),
            ("two slashes", "a/b/c", false),
            ("leading dot", "application/.json", false),
        ];
        for (name, input, expected) in cases {
            assert_eq!(is_valid_media_type(input), expected, "{name}");
        }
    }

    #[test]
    fn families() {
        assert!(MediaType::OciIndex.is_index() && MediaType::DockerManifestList.is_index());
        assert!(MediaType::OciManifest.is_image() && !MediaType::OciIndex.is_image());
        assert!(MediaType::DockerManifest.is_docker() && !MediaType::DockerManifest.is_oci());
        assert!(is_non_distributable_layer(
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
        ));
        assert!(is_non_distributable_layer(DOCKER_FOREIGN_LAYER));
        assert!(!is_non_distributable_layer(DOCKER_LAYER));
    }
}
