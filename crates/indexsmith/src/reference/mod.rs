//! Image references: `[domain/]path[:tag][@digest]`, with the semantics of
//! `github.com/distribution/reference`.
//!
//! Two parsers:
//!
//! - [`parse_grammar`] (upstream `Parse`): the grammar only (see [`grammar`]). The domain is the
//!   text before the first `/` whenever that is a syntactically valid domain, so `foo/bar` has
//!   domain `foo`; it is empty when there is no such text (`ubuntu`).
//! - [`parse_normalized`] (upstream `ParseNormalizedNamed`, also [`FromStr`]): Docker's
//!   normalization. The first `/`-separated component is a domain only if it is `localhost`,
//!   contains `.` or `:`, or contains an uppercase letter; otherwise the reference is on Docker
//!   Hub (`docker.io`). `index.docker.io` becomes `docker.io`, and a one-component Docker Hub path
//!   gets `library/`:
//!
//! | Input                       | Normalized                          | Familiar            |
//! |-----------------------------|-------------------------------------|---------------------|
//! | `ubuntu`                    | `docker.io/library/ubuntu`          | `ubuntu`            |
//! | `ubuntu:24.04`              | `docker.io/library/ubuntu:24.04`    | `ubuntu:24.04`      |
//! | `docker.io/ubuntu`          | `docker.io/library/ubuntu`          | `ubuntu`            |
//! | `index.docker.io/foo/bar`   | `docker.io/foo/bar`                 | `foo/bar`           |
//! | `library/foo/bar`           | `docker.io/library/foo/bar`         | `library/foo/bar`   |
//! | `localhost/foo`             | `localhost/foo`                     | `localhost/foo`     |
//! | `localhost:5000`            | `docker.io/library/localhost:5000`  | `localhost:5000`    |
//! | `ghcr.io/o/r@sha256:…`      | `ghcr.io/o/r@sha256:…`              | same                |
//!
//! No default tag is added by parsing; [`Reference::with_default_tag`] adds `latest` as a pull
//! does. The registry that serves Docker Hub is `registry-1.docker.io`
//! ([`Reference::registry_host`]).
//!
//! Limits: the path (the name without the domain) is at most 255 characters, as upstream checks
//! it; a tag is at most 128 characters. A digest must use a registered algorithm (`sha256`,
//! `sha384`, `sha512`) with lowercase hex of the right length.

pub mod grammar;

use crate::digest::{Digest, ParseDigestError};
use std::fmt;
use std::str::FromStr;

/// The longest path (name without domain) upstream accepts.
pub const PATH_MAX_LEN: usize = 255;
/// Docker Hub's domain in normalized names.
pub const DOCKER_HUB_DOMAIN: &str = "docker.io";
/// Docker Hub's legacy domain, normalized to [`DOCKER_HUB_DOMAIN`].
pub const DOCKER_HUB_LEGACY_DOMAIN: &str = "index.docker.io";
/// The host that serves the registry API for Docker Hub.
pub const DOCKER_HUB_REGISTRY_HOST: &str = "registry-1.docker.io";
/// The namespace of Docker Hub's official images.
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// The tag a pull uses when a reference has neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";

/// Why a reference string was refused. Each variant has a stable [`code`](Self::code).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseReferenceError {
    #[error("reference is empty")]
    Empty,
    #[error("invalid reference format: {0:?} is not [domain/]path[:tag][@digest]")]
    InvalidFormat(String),
    #[error("invalid reference format: repository name {0:?} must be lowercase")]
    NameContainsUppercase(String),
    #[error("repository path is {length} characters; at most 255 are allowed")]
    NameTooLong { length: usize },
    #[error("invalid tag {0:?}: expected [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}")]
    InvalidTag(String),
    #[error("invalid digest {digest:?}: {reason}")]
    InvalidDigest { digest: String, reason: String },
    #[error("unsupported digest algorithm {0:?}: expected sha256, sha384 or sha512")]
    UnsupportedDigest(String),
    #[error("invalid repository name {0:?}: a 64-character hexadecimal string is an image ID, not a name")]
    IdentifierNotName(String),
    #[error("reference {given:?} is not canonical; the canonical form is {canonical:?}")]
    NameNotCanonical { given: String, canonical: String },
}

impl ParseReferenceError {
    /// The stable `reference/...` code of this error.
    pub fn code(&self) -> &'static str {
        use ParseReferenceError::*;
        match self {
            Empty => "reference/empty",
            InvalidFormat(_) => "reference/invalid-format",
            NameContainsUppercase(_) => "reference/name-contains-uppercase",
            NameTooLong { .. } => "reference/name-too-long",
            InvalidTag(_) => "reference/invalid-tag",
            InvalidDigest { .. } => "reference/invalid-digest",
            UnsupportedDigest(_) => "reference/unsupported-digest",
            IdentifierNotName(_) => "reference/identifier-not-name",
            NameNotCanonical { .. } => "reference/name-not-canonical",
        }
    }
}

/// A parsed image reference.
///
/// `domain` is empty only for references from [`parse_grammar`] without a domain (and for
/// normalized ones whose first component looked like a domain but is not one, e.g.
/// `foo_bar.com/x`, which upstream keeps as a path).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Reference {
    /// The registry host and optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`.
    pub domain: String,
    /// The repository path within the registry, e.g. `library/ubuntu`.
    pub path: String,
    /// The tag, e.g. `24.04`.
    pub tag: Option<String>,
    /// The manifest digest.
    pub digest: Option<Digest>,
}

/// upstream `Parse`: the grammar, no normalization.
pub fn parse_grammar(s: &str) -> Result<Reference, ParseReferenceError> {
    if s.is_empty() {
        return Err(ParseReferenceError::Empty);
    }
    let matched = match grammar::match_reference(s) {
        Ok(m) => m,
        Err(mismatch) => {
            let lower = s.to_ascii_lowercase();
            if lower != s && grammar::match_reference(&lower).is_ok() {
                return Err(ParseReferenceError::NameContainsUppercase(s.to_owned()));
            }
            return Err(match mismatch {
                grammar::Mismatch::Name => ParseReferenceError::InvalidFormat(s.to_owned()),
                grammar::Mismatch::Tag(tag) => ParseReferenceError::InvalidTag(tag.to_owned()),
                grammar::Mismatch::Digest(d) => ParseReferenceError::InvalidDigest {
                    digest: d.to_owned(),
                    reason: "expected algorithm:hex with at least 32 hex characters".to_owned(),
                },
            });
        }
    };
    if matched.path.len() > PATH_MAX_LEN {
        return Err(ParseReferenceError::NameTooLong {
            length: matched.path.len(),
        });
    }
    let digest = matched.digest.map(parse_digest).transpose()?;
    Ok(Reference {
        domain: matched.domain.to_owned(),
        path: matched.path.to_owned(),
        tag: matched.tag.map(str::to_owned),
        digest,
    })
}

/// go-digest's `Parse` as upstream applies it: a registered algorithm, lowercase hex of the
/// right length.
fn parse_digest(text: &str) -> Result<Digest, ParseReferenceError> {
    let digest: Digest =
        text.parse()
            .map_err(|e: ParseDigestError| ParseReferenceError::InvalidDigest {
                digest: text.to_owned(),
                reason: e.to_string(),
            })?;
    if !digest.algorithm().is_registered() {
        return Err(ParseReferenceError::UnsupportedDigest(
            digest.algorithm().as_str().to_owned(),
        ));
    }
    Ok(digest)
}

/// upstream `splitDockerDomain`: the domain and the remainder (path, tag, digest).
fn split_docker_domain(s: &str) -> (String, String) {
    let Some((maybe_domain, rest)) = s.split_once('/') else {
        return (
            DOCKER_HUB_DOMAIN.to_owned(),
            format!("{OFFICIAL_REPO_PREFIX}{s}"),
        );
    };
    let (domain, remainder) = if maybe_domain == "localhost" {
        (maybe_domain, rest)
    } else if maybe_domain == DOCKER_HUB_LEGACY_DOMAIN {
        (DOCKER_HUB_DOMAIN, rest)
    } else if maybe_domain.contains(['.', ':'])
        || maybe_domain.bytes().any(|b| b.is_ascii_uppercase())
    {
        // Upstream asks whether lowercasing changes the component. Only the ASCII letters are
        // compared here: a component with any other letter is invalid both as a domain and as a
        // path, so either reading rejects it (and Unicode's case tables stay out of the module).
        (maybe_domain, rest)
    } else {
        (DOCKER_HUB_DOMAIN, s)
    };
    if domain == DOCKER_HUB_DOMAIN && !remainder.contains('/') {
        return (
            domain.to_owned(),
            format!("{OFFICIAL_REPO_PREFIX}{remainder}"),
        );
    }
    (domain.to_owned(), remainder.to_owned())
}

/// upstream `ParseNormalizedNamed`: Docker's normalization (see the module docs).
pub fn parse_normalized(s: &str) -> Result<Reference, ParseReferenceError> {
    if s.is_empty() {
        return Err(ParseReferenceError::Empty);
    }
    if grammar::is_identifier(s) {
        return Err(ParseReferenceError::IdentifierNotName(s.to_owned()));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote = remainder.split(':').next().unwrap_or("");
    if remote.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(ParseReferenceError::NameContainsUppercase(
            remote.to_owned(),
        ));
    }
    parse_grammar(&format!("{domain}/{remainder}")).map_err(|e| match e {
        // Report the text the caller wrote, not the text with the domain prepended.
        ParseReferenceError::InvalidFormat(_) => ParseReferenceError::InvalidFormat(s.to_owned()),
        ParseReferenceError::NameContainsUppercase(_) => {
            ParseReferenceError::NameContainsUppercase(s.to_owned())
        }
        other => other,
    })
}

/// upstream `ParseNamed`: [`parse_normalized`], and the input must already be the canonical
/// (fully qualified) form.
pub fn parse_canonical(s: &str) -> Result<Reference, ParseReferenceError> {
    let reference = parse_normalized(s)?;
    let canonical = reference.to_string();
    if canonical != s {
        return Err(ParseReferenceError::NameNotCanonical {
            given: s.to_owned(),
            canonical,
        });
    }
    Ok(reference)
}

impl FromStr for Reference {
    type Err = ParseReferenceError;

    /// [`parse_normalized`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_normalized(s)
    }
}

impl Reference {
    /// `domain/path`, or `path` when there is no domain (upstream `Name`).
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The domain and path of the short form: Docker Hub's domain dropped, and `library/` too
    /// when nothing else is nested below it (upstream `familiarizeName`).
    fn familiar_parts(&self) -> (&str, &str) {
        if self.domain != DOCKER_HUB_DOMAIN {
            return (&self.domain, &self.path);
        }
        match self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
            Some(rest) if !rest.contains('/') => ("", rest),
            _ => ("", &self.path),
        }
    }

    /// The short name Docker shows, e.g. `ubuntu` for `docker.io/library/ubuntu` (upstream
    /// `FamiliarName`).
    pub fn familiar_name(&self) -> String {
        match self.familiar_parts() {
            ("", path) => path.to_owned(),
            (domain, path) => format!("{domain}/{path}"),
        }
    }

    /// The short form with tag and digest, e.g. `ubuntu:24.04` (upstream `FamiliarString`).
    pub fn familiar_string(&self) -> String {
        let mut out = self.familiar_name();
        self.write_suffix(&mut out);
        out
    }

    fn write_suffix(&self, out: &mut String) {
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(&digest.to_string());
        }
    }

    /// The host to send registry API requests to: `registry-1.docker.io` for Docker Hub
    /// (`docker.io` or `index.docker.io`), the domain otherwise, `None` when there is no domain.
    pub fn registry_host(&self) -> Option<&str> {
        match self.domain.as_str() {
            "" => None,
            domain => Some(api_host(domain)),
        }
    }

    /// The same reference with tag `latest` when it has neither tag nor digest (upstream
    /// `TagNameOnly`).
    pub fn with_default_tag(mut self) -> Reference {
        if self.tag.is_none() && self.digest.is_none() {
            self.tag = Some(DEFAULT_TAG.to_owned());
        }
        self
    }

    /// What a pull fetches: the digest when there is one (a tag next to it is ignored, as
    /// upstream `ParseDockerRef` drops it), else the tag, `latest` by default.
    pub fn pull_target(&self) -> PullTarget<'_> {
        match (&self.digest, &self.tag) {
            (Some(d), _) => PullTarget::Digest(d),
            (None, Some(t)) => PullTarget::Tag(t),
            (None, None) => PullTarget::Tag(DEFAULT_TAG),
        }
    }

    /// The same reference with `tag` (upstream `WithTag`).
    pub fn with_tag(mut self, tag: &str) -> Result<Reference, ParseReferenceError> {
        if !grammar::is_tag(tag) {
            return Err(ParseReferenceError::InvalidTag(tag.to_owned()));
        }
        self.tag = Some(tag.to_owned());
        Ok(self)
    }

    /// The same reference with `digest` (upstream `WithDigest`).
    pub fn with_digest(mut self, digest: Digest) -> Reference {
        self.digest = Some(digest);
        self
    }
}

/// The manifest a pull asks the registry for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullTarget<'a> {
    Tag(&'a str),
    Digest(&'a Digest),
}

/// The host that serves the registry API of a domain: `registry-1.docker.io` for Docker Hub
/// (`docker.io` or `index.docker.io`, any case), the domain itself otherwise. The one place
/// where Docker Hub's API host is decided.
pub fn api_host(domain: &str) -> &str {
    if domain.eq_ignore_ascii_case(DOCKER_HUB_DOMAIN)
        || domain.eq_ignore_ascii_case(DOCKER_HUB_LEGACY_DOMAIN)
    {
        DOCKER_HUB_REGISTRY_HOST
    } else {
        domain
    }
}

/// The host of a `host[:port]` authority, without its port (and without the brackets of an IPv6
/// literal).
pub fn host_name(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// True for a loopback `host[:port]`: `localhost`, any address in `127.0.0.0/8`, or `::1`.
/// Registries on loopback are spoken to in plain HTTP.
pub fn is_loopback(authority: &str) -> bool {
    let host = host_name(authority);
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let mut octets = 0;
    for (i, octet) in host.split('.').enumerate() {
        let valid = !octet.is_empty()
            && octet.len() <= 3
            && octet.bytes().all(|b| b.is_ascii_digit())
            && octet.parse::<u16>().is_ok_and(|n| n <= 255);
        if !valid || (i == 0 && octet != "127") {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

impl fmt::Display for Reference {
    /// `name[:tag][@digest]` (upstream `String`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = self.name();
        self.write_suffix(&mut out);
        f.write_str(&out)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests;
