//! Where an operation points: a [`Repository`] on a registry, and a [`ManifestRef`] (tag or digest).
//!
//! [`ImageRef`] parses the minimal `host[:port]/path[:tag][@digest]` form. Defaulting rules:
//!
//! - The first path component is the registry when it contains `.` or `:` or is `localhost`;
//!   otherwise the registry is `docker.io`. Adding `library/` to official Docker Hub images is the
//!   caller's job: `docker.io/ubuntu` is kept as written.
//! - With neither tag nor digest, the tag is `latest`. With a digest, the digest is what is fetched
//!   (and the tag is kept for display).
//!
//! Registry hosts map to API hosts: `docker.io` and `index.docker.io` are served by
//! `registry-1.docker.io`. Loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) are spoken to in
//! plain HTTP; every other host in HTTPS unless the session lists it as plain HTTP.

use indexsmith::digest::Digest;
use std::fmt;
use std::str::FromStr;

/// The registry that Docker uses for references without a registry.
pub const DOCKER_HUB: &str = "docker.io";
/// The host that serves Docker Hub's distribution API.
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";

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

/// The API host of a registry name.
pub fn api_host(registry: &str) -> &str {
    if registry.eq_ignore_ascii_case(DOCKER_HUB) || registry.eq_ignore_ascii_case("index.docker.io")
    {
        DOCKER_HUB_API
    } else {
        registry
    }
}

/// The host without its port (brackets of an IPv6 literal removed).
pub fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// `localhost`, any address in `127.0.0.0/8`, or `::1`.
pub fn is_loopback(authority: &str) -> bool {
    let host = host_name(authority);
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
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

impl From<Digest> for ManifestRef {
    fn from(d: Digest) -> Self {
        ManifestRef::Digest(d)
    }
}

/// Why an image reference was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseImageRefError {
    #[error("reference is empty")]
    Empty,
    #[error("repository path component {0:?} must match [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*")]
    InvalidPathComponent(String),
    #[error("tag {0:?} must match [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}")]
    InvalidTag(String),
    #[error("digest {input:?}: {source}")]
    InvalidDigest {
        input: String,
        source: indexsmith::digest::ParseDigestError,
    },
    #[error("registry {0:?} is not a valid host[:port]")]
    InvalidRegistry(String),
    #[error("repository name is longer than 255 characters")]
    NameTooLong,
}

/// A parsed `host[:port]/path[:tag][@digest]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct ImageRef {
    pub repository: Repository,
    pub tag: Option<String>,
    pub digest: Option<Digest>,
}

impl ImageRef {
    /// The digest when there is one, else the tag, else `latest`.
    pub fn manifest_ref(&self) -> ManifestRef {
        match (&self.digest, &self.tag) {
            (Some(d), _) => ManifestRef::Digest(d.clone()),
            (None, Some(t)) => ManifestRef::Tag(t.clone()),
            (None, None) => ManifestRef::Tag("latest".to_owned()),
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

fn valid_path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator: ".", "_", "__" or one or more "-".
        let start = i;
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || i >= b.len() || !alnum(b[i]) {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`.
pub fn is_valid_tag(s: &str) -> bool {
    let b = s.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

fn valid_registry(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix('[') {
        // [ipv6]:port
        return match rest.split_once(']') {
            Some((addr, port)) => {
                !addr.is_empty()
                    && addr
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
                    && (port.is_empty()
                        || port.strip_prefix(':').is_some_and(|p| {
                            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
                        }))
            }
            None => false,
        };
    }
    let (host, port) = match s.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    };
    let host_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    host_ok
        && port.map_or(true, |p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        })
}

impl FromStr for ImageRef {
    type Err = ParseImageRefError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseImageRefError::Empty);
        }
        let (rest, digest) = match s.split_once('@') {
            Some((rest, d)) => {
                let digest =
                    d.parse::<Digest>()
                        .map_err(|source| ParseImageRefError::InvalidDigest {
                            input: d.to_owned(),
                            source,
                        })?;
                (rest, Some(digest))
            }
            None => (s, None),
        };
        // The tag is after the last ':' that follows the last '/'.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(t) = tag {
            if !is_valid_tag(t) {
                return Err(ParseImageRefError::InvalidTag(t.to_owned()));
            }
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, path))
                if first.contains(['.', ':']) || first == "localhost" || first.starts_with('[') =>
            {
                (first.to_owned(), path)
            }
            _ => (DOCKER_HUB.to_owned(), name),
        };
        if !valid_registry(&registry) {
            return Err(ParseImageRefError::InvalidRegistry(registry));
        }
        for component in path.split('/') {
            if !valid_path_component(component) {
                return Err(ParseImageRefError::InvalidPathComponent(
                    component.to_owned(),
                ));
            }
        }
        if registry.len() + 1 + path.len() > 255 {
            return Err(ParseImageRefError::NameTooLong);
        }
        Ok(ImageRef {
            repository: Repository {
                registry,
                path: path.to_owned(),
            },
            tag: tag.map(str::to_owned),
            digest,
        })
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // case tables are tuples
mod tests {
    use super::*;

    const HEX: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    #[test]
    fn parses() {
        let d = format!("sha256:{HEX}");
        let cases: Vec<(&str, String, &str, &str, Option<&str>, Option<String>)> = vec![
            (
                "docker hub short",
                "alpine".into(),
                "docker.io",
                "alpine",
                None,
                None,
            ),
            (
                "docker hub tag",
                "library/alpine:3.20".into(),
                "docker.io",
                "library/alpine",
                Some("3.20"),
                None,
            ),
            (
                "host with port",
                "127.0.0.1:5000/a/b:v1".into(),
                "127.0.0.1:5000",
                "a/b",
                Some("v1"),
                None,
            ),
            (
                "localhost",
                "localhost/x".into(),
                "localhost",
                "x",
                None,
                None,
            ),
            (
                "tag and digest",
                format!("ghcr.io/o/r:v1@{d}"),
                "ghcr.io",
                "o/r",
                Some("v1"),
                Some(d.clone()),
            ),
            (
                "digest only",
                format!("[::1]:5000/r@{d}"),
                "[::1]:5000",
                "r",
                None,
                Some(d.clone()),
            ),
            (
                "separators",
                "r.io/a__b/c-d/e.f".into(),
                "r.io",
                "a__b/c-d/e.f",
                None,
                None,
            ),
        ];
        for (name, input, registry, path, tag, digest) in cases {
            let r: ImageRef = input.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(r.repository.registry, registry, "{name}");
            assert_eq!(r.repository.path, path, "{name}");
            assert_eq!(r.tag.as_deref(), tag, "{name}");
            assert_eq!(r.digest.as_ref().map(|d| d.to_string()), digest, "{name}");
            let again: ImageRef = r.to_string().parse().unwrap();
            assert_eq!(again, r, "{name}: round trip");
        }
    }

    #[test]
    fn refuses() {
        let cases = [
            ("empty", "", "Empty"),
            ("uppercase", "r.io/Alpine", "InvalidPathComponent"),
            ("double slash", "r.io/a//b", "InvalidPathComponent"),
            ("trailing dash", "r.io/a-", "InvalidPathComponent"),
            ("triple underscore", "r.io/a___b", "InvalidPathComponent"),
            ("bad tag", "r.io/a:-x", "InvalidTag"),
            ("bad digest", "r.io/a@sha256:abc", "InvalidDigest"),
            ("bad port", "r.io:x/a", "InvalidRegistry"),
            ("bad host", "-r.io/a", "InvalidRegistry"),
        ];
        for (name, input, expected) in cases {
            let err = input.parse::<ImageRef>().expect_err(name);
            assert!(format!("{err:?}").starts_with(expected), "{name}: {err:?}");
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
        ];
        for (name, input, expected) in cases {
            assert_eq!(is_loopback(input), expected, "{name}");
        }
        assert_eq!(
            Repository::new("docker.io", "library/alpine").api_host(),
            DOCKER_HUB_API
        );
        assert_eq!(Repository::new("ghcr.io", "a").api_host(), "ghcr.io");
        assert_eq!(host_name("[::1]:5000"), "::1");
    }

    #[test]
    fn manifest_ref_defaults_to_latest() {
        let r: ImageRef = "r.io/a".parse().unwrap();
        assert_eq!(r.manifest_ref(), ManifestRef::Tag("latest".into()));
    }
}
