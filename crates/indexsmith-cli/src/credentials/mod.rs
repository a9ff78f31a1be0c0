//! Registry credentials as Docker keeps them (`docker login`, `crane auth login`, regctl):
//! `config.json` in `$DOCKER_CONFIG` or `~/.docker`, with `auths` entries (base64 `auth`, or
//! `username`/`password`, or `identitytoken`), and `credHelpers` / `credsStore` naming
//! `docker-credential-*` helper programs on `PATH`. Credentials are looked up per registry host
//! (`host[:port]`, the port part of the key) and are only ever given to that host.

pub mod config;
pub mod helper;

pub use config::ConfigFile;

/// What a registry is given to log in.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user name and a password (or a personal access token used as one).
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (`identitytoken`; a helper's user name `<token>`).
    IdentityToken(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::IdentityToken(_) => f.write_str("IdentityToken(***)"),
        }
    }
}

/// The key of a registry in `config.json`: Docker Hub keeps its historical URL, every other
/// registry its `host[:port]`.
pub fn config_key(registry: &str) -> String {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => {
            "https://index.docker.io/v1/".to_owned()
        }
        other => other.to_owned(),
    }
}

/// The `host[:port]` a `config.json` key names: the scheme and any path removed, as Docker reads
/// keys written by older clients (`https://host/v1/`).
pub fn key_host(key: &str) -> &str {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_hosts() {
        let cases = [
            (
                "registry.example:5000",
                "registry.example:5000",
                "registry.example:5000",
            ),
            (
                "docker.io",
                "https://index.docker.io/v1/",
                "index.docker.io",
            ),
            ("ghcr.io", "ghcr.io", "ghcr.io"),
        ];
        for (registry, key, host) in cases {
            assert_eq!(config_key(registry), key, "{registry}");
            assert_eq!(key_host(key), host, "{registry}");
        }
        assert_eq!(key_host("https://ghcr.io/v2/"), "ghcr.io");
        assert_eq!(key_host("http://127.0.0.1:5000"), "127.0.0.1:5000");
    }
}
