//! Which `Host` the server answers: a guard against DNS rebinding, in every listening mode.
//!
//! A page of another site can make its own name (`evil.example`) resolve to 127.0.0.1 and then
//! call the server as if it were its own origin. Browsers send the name they resolved in `Host`,
//! so the server answers only names that cannot be rebound:
//!
//! - IP addresses (`127.0.0.1`, `[::1]`, the address of `--listen`): a name nobody resolves;
//! - `localhost`, which browsers resolve to loopback themselves;
//! - names the user gave with `--allow-host`;
//!
//! each with the server's own port. Anything else gets `421 Misdirected Request`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::{Host, Url};

/// The names and the port the server answers to.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    port: u16,
    names: Vec<String>,
}

/// A `--allow-host` value as compared: lowercase, without a trailing dot.
fn normalize(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl HostPolicy {
    pub fn new(port: u16, allow_hosts: &[String]) -> HostPolicy {
        HostPolicy {
            port,
            names: allow_hosts.iter().map(|h| normalize(h)).collect(),
        }
    }

    /// Whether a `Host` header value names this server.
    pub fn allows(&self, host: &str) -> bool {
        let plain = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !plain {
            return false;
        }
        let Ok(url) = Url::parse(&format!("http://{host}/")) else {
            return false;
        };
        if url.port_or_known_default() != Some(self.port) {
            return false;
        }
        match url.host() {
            Some(Host::Ipv4(_) | Host::Ipv6(_)) => true,
            Some(Host::Domain(name)) => {
                let name = normalize(name);
                name == "localhost" || self.names.contains(&name)
            }
            None => false,
        }
    }

    /// Whether the request's `Host` names this server.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|h| self.allows(h))
    }
}

const MISDIRECTED: &str = "this server answers only requests addressed to an IP address, \
localhost, or a name given with --allow-host, on its own port\n";

/// Middleware: answers `421` to a request whose `Host` does not name the server.
pub async fn check(State(policy): State<HostPolicy>, request: Request, next: Next) -> Response {
    if policy.admits(request.headers()) {
        return next.run(request).await;
    }
    eprintln!(
        "refused {} {}: Host {:?} does not name this server (see --allow-host)",
        request.method(),
        request.uri().path(),
        request
            .headers()
            .get(header::HOST)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default()
    );
    (
        StatusCode::MISDIRECTED_REQUEST,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Body::from(MISDIRECTED),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_that_name_the_server() {
        let policy = HostPolicy::new(8080, &["Dev.Example.".to_string()]);
        let cases = [
            ("loopback ip", "127.0.0.1:8080", true),
            ("other loopback ip", "127.0.0.2:8080", true),
            ("ipv6 loopback", "[::1]:8080", true),
            ("lan address", "192.168.1.5:8080", true),
            ("localhost", "localhost:8080", true),
            ("localhost, upper case", "LOCALHOST:8080", true),
            ("allowed name", "dev.example:8080", true),
            ("rebound name", "evil.example:8080", false),
            ("subdomain of localhost", "evil.localhost:8080", false),
            ("other port", "127.0.0.1:8081", false),
            ("no port", "127.0.0.1", false),
            ("userinfo", "user@127.0.0.1:8080", false),
            ("path", "127.0.0.1:8080/x", false),
            ("empty", "", false),
        ];
        for (name, host, expected) in cases {
            assert_eq!(policy.allows(host), expected, "{name}");
        }
        let port_80 = HostPolicy::new(80, &[]);
        assert!(
            port_80.allows("localhost"),
            "the default port may be left out"
        );
        assert!(port_80.allows("localhost:80"));
    }
}
