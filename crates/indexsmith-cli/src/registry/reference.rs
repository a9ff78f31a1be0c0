//! Image references on the command line (`host[:port]/path[:tag][@digest]`), read with the
//! core's reference grammar: `alpine` is `docker.io/library/alpine`, as Docker reads it.

use indexsmith::reference::{self, Reference};
use indexsmith_registry::{ManifestRef, Repository};

use crate::error::CliError;

/// A parsed reference and the repository it names.
#[derive(Clone, Debug)]
pub struct Target {
    /// As the user wrote it, for messages.
    pub text: String,
    pub reference: Reference,
    pub repository: Repository,
}

impl Target {
    /// The registry, `host[:port]` as written (`docker.io` for Docker Hub).
    pub fn registry(&self) -> &str {
        &self.repository.registry
    }

    /// What to fetch: the digest when there is one, else the tag (`latest` by default).
    pub fn manifest_ref(&self) -> ManifestRef {
        ManifestRef::from(&self.reference)
    }

    /// The tag to push to: the one written, else none (a push by digest).
    pub fn tag(&self) -> Option<String> {
        self.reference.tag.clone()
    }
}

/// Parses a reference; a bad one is a usage error with the grammar's stable code.
pub fn parse(text: &str) -> Result<Target, CliError> {
    let reference = reference::parse_normalized(text)
        .map_err(|e| CliError::usage(format!("{}: {text}: {e}", e.code())))?;
    let repository = Repository::from(&reference);
    Ok(Target {
        text: text.to_owned(),
        reference,
        repository,
    })
}

/// Parses a repository (`host[:port]/path`; a tag or digest is refused).
pub fn parse_repository(text: &str) -> Result<Repository, CliError> {
    let target = parse(text)?;
    if target.reference.tag.is_some() || target.reference.digest.is_some() {
        return Err(CliError::usage(format!(
            "{text}: a repository has no tag or digest"
        )));
    }
    Ok(target.repository)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_repositories() {
        let cases = [
            ("127.0.0.1:5000/app:v1", "127.0.0.1:5000", "app", "v1"),
            ("localhost:5000/a/b", "localhost:5000", "a/b", "latest"),
            ("alpine", "docker.io", "library/alpine", "latest"),
            ("ghcr.io/o/app:1.0", "ghcr.io", "o/app", "1.0"),
        ];
        for (text, registry, path, wanted) in cases {
            let t = parse(text).unwrap();
            assert_eq!(t.registry(), registry, "{text}");
            assert_eq!(t.repository.path, path, "{text}");
            assert_eq!(t.manifest_ref(), ManifestRef::Tag(wanted.into()), "{text}");
        }
        assert!(parse("team/App").is_err());
        assert!(parse_repository("127.0.0.1:5000/app:v1").is_err());
    }
}
