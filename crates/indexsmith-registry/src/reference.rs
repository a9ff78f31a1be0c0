//! Where an operation points: a [`Repository`] on a registry, and a [`ManifestRef`] (tag or digest).
//!
//! References are parsed by the core (`indexsmith::reference`, the grammar of
//! `distribution/reference` with its stable `reference/*` codes): `alpine`, `docker.io/alpine`
//! and `index.docker.io/library/alpine` all name `docker.io/library/alpine`, served by
//! `registry-1.docker.io`. `Repository::from(&reference)` and `ManifestRef::from(&reference)`
//! turn one into an operation's target; the tag is `latest` when there is neither tag nor digest.
//!
//! Loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) are spoken to in plain HTTP; every other
//! host in HTTPS unless the session lists it as plain HTTP.

use indexsmith::digest::Digest;
use indexsmith::reference::PullTarget;
pub use indexsmith::reference::{api_host, host_name, is_loopback, ParseReferenceError, Reference};
use std::fmt;

/// A repository on a registry: the target of every operation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct Repository {
    /// `host[:port]`, as the user wrote it (e.g. `docker.io`, `127.0.0.1:5000`).
    pub registry: String,
    /// The repository name, e.g. `library/alpine`.
    pub path: String,
}

impl Repository {
    pub fn new(registry: impl Into<String>, path: impl Into<String>) -> Repository {
        Repository {
            registry: registry.into(),
            path: path.into(),
        }
    }

    /// The `host[:port]` that serves the API (`docker.io` → `registry-1.docker.io`).
    pub fn api_host(&self) -> &str {
        api_host(&self.registry)
    }

    /// True when both repositories live on the same registry, so blobs can be mounted between them.
    pub fn same_registry(&self, other: &Repository) -> bool {
        self.api_host().eq_ignore_ascii_case(other.api_host())
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.path)
    }
}

/// What to fetch from a repository: a tag or a digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub enum ManifestRef {
    Tag(String),
    Digest(Digest),
}

impl ManifestRef {
    pub fn digest(&self) -> Option<&Digest> {
        match self {
            ManifestRef::Digest(d) => Some(d),
            ManifestRef::Tag(_) => None,
        }
    }
}

impl fmt::Display for ManifestRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestRef::Tag(t) => f.write_str(t),
            ManifestRef::Digest(d) => write!(f, "{d}"),
        }
    }
}

impl From<&Reference> for Repository {
    /// The repository a reference names: its domain (`docker.io` for Docker Hub, as normalized)
    /// and path (`library/alpine`).
    fn from(reference: &Reference) -> Repository {
        Repository::new(reference.domain.clone(), reference.path.clone())
    }
}

impl From<&Reference> for ManifestRef {
    /// What a pull fetches: the digest when there is one, else the tag, `latest` by default.
    fn from(reference: &Reference) -> ManifestRef {
        match reference.pull_target() {
            PullTarget::Digest(d) => ManifestRef::Digest(d.clone()),
            PullTarget::Tag(t) => ManifestRef::Tag(t.to_owned()),
        }
    }
}

/// Parses a reference the way Docker does (`alpine` is `docker.io/library/alpine`) into a
/// repository and what to fetch from it (`latest` by default).
pub fn parse_target(reference: &str) -> Result<(Repository, ManifestRef), ParseReferenceError> {
    let reference: Reference = reference.trim().parse()?;
    Ok((Repository::from(&reference), ManifestRef::from(&reference)))
}

impl From<Digest> for ManifestRef {
    fn from(d: Digest) -> Self {
        ManifestRef::Digest(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_their_targets() {
        let hex = "a".repeat(64);
        let cases = [
            (
                "short name",
                "alpine".to_owned(),
                "docker.io",
                "library/alpine",
                "latest",
            ),
            (
                "docker.io without library/",
                "docker.io/alpine".to_owned(),
                "docker.io",
                "library/alpine",
                "latest",
            ),
            (
                "legacy domain",
                "index.docker.io/library/alpine:3".to_owned(),
                "docker.io",
                "library/alpine",
                "3",
            ),
            (
                "tag",
                "ubuntu:24.04".to_owned(),
                "docker.io",
                "library/ubuntu",
                "24.04",
            ),
            (
                "user repo",
                "sample/hello".to_owned(),
                "docker.io",
                "sample/hello",
                "latest",
            ),
            (
                "loopback",
                "127.0.0.1:5000/sample/hello:multi".to_owned(),
                "127.0.0.1:5000",
                "sample/hello",
                "multi",
            ),
            (
                "digest wins",
                format!("ghcr.io/o/r:1@sha256:{hex}"),
                "ghcr.io",
                "o/r",
                &*format!("sha256:{hex}"),
            ),
        ];
        for (name, input, registry, path, target) in &cases {
            let (repo, what) = parse_target(input).expect(name);
            assert_eq!(
                (repo.registry.as_str(), repo.path.as_str(), what.to_string()),
                (*registry, *path, target.to_string()),
                "{name}"
            );
        }
        assert_eq!(
            parse_target("docker.io/alpine").unwrap().0.api_host(),
            "registry-1.docker.io"
        );
    }

    #[test]
    fn bad_references_keep_the_core_codes() {
        let cases = [
            ("empty", "", "reference/empty"),
            (
                "uppercase",
                "registry.example/UPPER",
                "reference/name-contains-uppercase",
            ),
            ("bad tag", "a:-x", "reference/invalid-tag"),
        ];
        for (name, input, code) in cases {
            assert_eq!(
                parse_target(input).map_err(|e| e.code()).err(),
                Some(code),
                "{name}"
            );
        }
    }

    #[test]
    fn hosts() {
        let cases = [
            ("localhost", "localhost:5000", true),
            ("127 net", "127.1.2.3", true),
            ("v6", "[::1]:443", true),
            ("not 127", "128.0.0.1", false),
            ("dns", "registry.example", false),
            ("bad octet", "127.0.0.300", false),
            ("too many octets", "127.0.0.1.5", false),
        ];
        for (name, input, expected) in cases {
            assert_eq!(is_loopback(input), expected, "{name}");
        }
        assert_eq!(
            Repository::new("docker.io", "library/alpine").api_host(),
            "registry-1.docker.io"
        );
        assert_eq!(Repository::new("ghcr.io", "a").api_host(), "ghcr.io");
        assert_eq!(host_name("[::1]:5000"), "::1");
    }
}
