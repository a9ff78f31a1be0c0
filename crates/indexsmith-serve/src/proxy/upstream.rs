//! Which upstream a proxy path names, and over which scheme it is reached.
//!
//! A proxy path is `/proxy/<registry-host>/v2/...`. `<registry-host>` is a distribution
//! reference domain: a DNS name or IP address with an optional port (`ghcr.io`,
//! `127.0.0.1:5000`, `[::1]:5000`). Following `github.com/distribution/reference`, `docker.io`
//! (and the legacy `index.docker.io`) name Docker Hub, whose registry API lives at
//! `registry-1.docker.io`.
//!
//! Upstreams are reached over HTTPS. Plain HTTP is used for loopback hosts (`localhost`,
//! 127.0.0.0/8, `[::1]`), where local registries normally listen without TLS, and for hosts the
//! user named with `--proxy-allow-http`.

use url::{Host, Url};

/// The registry API host of Docker Hub (the core decides it, once).
pub use indexsmith::reference::DOCKER_HUB_REGISTRY_HOST as DOCKER_HUB_API_HOST;

/// Why a `<registry-host>` segment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseHostError {
    #[error("the registry host is empty")]
    Empty,
    #[error("the registry host {0:?} contains a character not allowed in a host name")]
    InvalidCharacter(String),
    #[error("the registry host {0:?} is not a valid host[:port]")]
    Invalid(String),
}

/// A registry named in a proxy path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryHost {
    /// The host as the client named it, lowercased (`docker.io`).
    pub named: String,
    /// The host the requests go to (`registry-1.docker.io`), with its port if one was given.
    pub authority: String,
}

impl RegistryHost {
    /// Parses a `<registry-host>` path segment (already percent-decoded).
    pub fn parse(segment: &str) -> Result<RegistryHost, ParseHostError> {
        if segment.is_empty() {
            return Err(ParseHostError::Empty);
        }
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_');
        if !segment.chars().all(allowed) {
            return Err(ParseHostError::InvalidCharacter(segment.to_string()));
        }
        let url = Url::parse(&format!("https://{segment}/"))
            .map_err(|_| ParseHostError::Invalid(segment.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| ParseHostError::Invalid(segment.to_string()))?;
        let named = match segment.rsplit_once(':') {
            // An explicit port stays as written, even 443.
            Some((_, port)) if !segment.ends_with(']') => {
                if port.is_empty() || port.parse::<u16>().is_err() {
                    return Err(ParseHostError::Invalid(segment.to_string()));
                }
                format!("{host}:{port}")
            }
            _ => host.to_string(),
        };
        let authority = indexsmith::reference::api_host(&named).to_owned();
        Ok(RegistryHost { named, authority })
    }
}

/// Whether a host is a loopback host: `localhost`, 127.0.0.0/8 or `::1`.
pub fn is_loopback(host: &Host<&str>) -> bool {
    indexsmith::reference::is_loopback(&host.to_string())
}

/// Decides the scheme used for an upstream.
#[derive(Debug, Clone, Default)]
pub struct SchemePolicy {
    /// Hosts (`host` or `host:port`, lowercased) that may be reached over plain HTTP.
    allow_http: Vec<String>,
}

impl SchemePolicy {
    pub fn new(allow_http: &[String]) -> SchemePolicy {
        SchemePolicy {
            allow_http: allow_http
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether the URL's host may be reached over plain HTTP.
    pub fn allows_http(&self, url: &Url) -> bool {
        let Some(host) = url.host() else { return false };
        is_loopback(&host) || self.is_named(url)
    }

    /// Whether the user named the URL's host (`host` or `host:port`) with `--proxy-allow-http`.
    pub fn is_named(&self, url: &Url) -> bool {
        let Some(host) = url.host() else { return false };
        let name = host.to_string().to_ascii_lowercase();
        let with_port = match url.port_or_known_default() {
            Some(port) => format!("{name}:{port}"),
            None => name.clone(),
        };
        self.allow_http
            .iter()
            .any(|h| *h == name || *h == with_port)
    }

    /// The base URL (`scheme://authority`) of a registry.
    pub fn base_url(&self, registry: &RegistryHost) -> Option<Url> {
        let http = Url::parse(&format!("http://{}/", registry.authority)).ok()?;
        if self.allows_http(&http) {
            Some(http)
        } else {
            Url::parse(&format!("https://{}/", registry.authority)).ok()
        }
    }

    /// Whether a URL named by an upstream (a token realm, a redirect) may be requested.
    pub fn permits(&self, url: &Url) -> bool {
        match url.scheme() {
            "https" => url.host().is_some(),
            "http" => self.allows_http(url),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_registry_host() {
        struct Case {
            name: &'static str,
            input: &'static str,
            named: &'static str,
            authority: &'static str,
        }
        let cases = [
            Case {
                name: "docker hub",
                input: "docker.io",
                named: "docker.io",
                authority: DOCKER_HUB_API_HOST,
            },
            Case {
                name: "legacy docker hub",
                input: "index.docker.io",
                named: "index.docker.io",
                authority: DOCKER_HUB_API_HOST,
            },
            Case {
                name: "ghcr",
                input: "ghcr.io",
                named: "ghcr.io",
                authority: "ghcr.io",
            },
            Case {
                name: "uppercase",
                input: "GHCR.io",
                named: "ghcr.io",
                authority: "ghcr.io",
            },
            Case {
                name: "ipv4 with port",
                input: "127.0.0.1:5000",
                named: "127.0.0.1:5000",
                authority: "127.0.0.1:5000",
            },
            Case {
                name: "ipv6 with port",
                input: "[::1]:5000",
                named: "[::1]:5000",
                authority: "[::1]:5000",
            },
            Case {
                name: "ipv6 without port",
                input: "[::1]",
                named: "[::1]",
                authority: "[::1]",
            },
            Case {
                name: "explicit 443 kept",
                input: "example.com:443",
                named: "example.com:443",
                authority: "example.com:443",
            },
            Case {
                name: "docker hub with port is not mapped",
                input: "docker.io:443",
                named: "docker.io:443",
                authority: "docker.io:443",
            },
        ];
        for case in cases {
            let host =
                RegistryHost::parse(case.input).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_eq!(host.named, case.named, "{}", case.name);
            assert_eq!(host.authority, case.authority, "{}", case.name);
        }
    }

    #[test]
    fn parse_registry_host_invalid() {
        let cases = [
            ("empty", ""),
            ("userinfo", "user@example.com"),
            ("path", "example.com/v2"),
            ("query", "example.com?x"),
            ("space", "exa mple.com"),
            ("empty port", "example.com:"),
            ("port too large", "example.com:70000"),
            ("not a port", "example.com:abc"),
            ("bad ipv6", "[::g]:5000"),
            ("backslash", "example.com\\x"),
        ];
        for (name, input) in cases {
            assert!(
                RegistryHost::parse(input).is_err(),
                "{name}: {input:?} was accepted"
            );
        }
    }

    #[test]
    fn scheme_choice() {
        let policy =
            SchemePolicy::new(&["registry.lan:5000".to_string(), "plain.example".to_string()]);
        let cases = [
            ("localhost", "localhost:5000", "http://localhost:5000/"),
            ("ipv4 loopback", "127.0.0.1:5000", "http://127.0.0.1:5000/"),
            ("other 127/8 address", "127.1.2.3", "http://127.1.2.3/"),
            ("ipv6 loopback", "[::1]:5000", "http://[::1]:5000/"),
            ("docker hub", "docker.io", "https://registry-1.docker.io/"),
            (
                "allowed host and port",
                "registry.lan:5000",
                "http://registry.lan:5000/",
            ),
            (
                "allowed host, other port",
                "registry.lan:5001",
                "https://registry.lan:5001/",
            ),
            (
                "allowed host, any port",
                "plain.example:8000",
                "http://plain.example:8000/",
            ),
            (
                "private address is not loopback",
                "10.0.0.1:5000",
                "https://10.0.0.1:5000/",
            ),
        ];
        for (name, input, expected) in cases {
            let host = RegistryHost::parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
            let url = policy
                .base_url(&host)
                .unwrap_or_else(|| panic!("{name}: no base URL"));
            assert_eq!(url.as_str(), expected, "{name}");
        }
    }

    #[test]
    fn permitted_urls() {
        let policy = SchemePolicy::new(&[]);
        let cases = [
            ("https realm", "https://auth.docker.io/token", true),
            ("http loopback realm", "http://127.0.0.1:5001/auth", true),
            ("http remote realm", "http://auth.example.com/token", false),
            ("ftp", "ftp://example.com/token", false),
        ];
        for (name, input, expected) in cases {
            let url = Url::parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(policy.permits(&url), expected, "{name}");
        }
    }
}
