//! CORS for the proxy: which browser origins may call it, and the headers they may read.
//!
//! Allowed: the server's own origin (`http://` + the `Host` the request was sent to, which the
//! server has checked, see [`crate::host`]) and the origins named with `--cors-origin` (`*` allows
//! all). Other loopback origins are not: another program's page on `http://localhost:3000` is
//! another site.

use axum::http::{header, HeaderMap, HeaderValue};

/// Response headers the app must be able to read (distribution-spec and Docker extensions).
pub const EXPOSE_HEADERS: &str = "Docker-Content-Digest, Location, WWW-Authenticate, Link, Content-Range, Range, \
     Content-Length, Docker-Upload-UUID, Docker-Distribution-Api-Version, OCI-Subject, OCI-Filters-Applied";
/// Request headers the app may send.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Accept, Range, Content-Range, If-None-Match, If-Match, Indexsmith-Proxy";
/// Methods of the distribution API.
pub const ALLOW_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE";

#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    any: bool,
    extra: Vec<String>,
}

impl CorsPolicy {
    pub fn new(origins: &[String]) -> CorsPolicy {
        let any = origins.iter().any(|o| o.trim() == "*");
        let extra = origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
            .collect();
        CorsPolicy { any, extra }
    }

    /// Whether a request carrying `Origin: origin` may use the proxy. `own_host` is the `Host`
    /// the request was sent to: the server's own origin is always allowed.
    pub fn allows(&self, origin: &str, own_host: Option<&str>) -> bool {
        if self.any {
            return true;
        }
        let origin = origin.trim().to_ascii_lowercase();
        if self.extra.contains(&origin) {
            return true;
        }
        own_host.is_some_and(|host| origin == format!("http://{}", host.to_ascii_lowercase()))
    }

    /// Adds the headers of an actual (non-preflight) CORS response.
    pub fn decorate(&self, headers: &mut HeaderMap, origin: Option<&HeaderValue>) {
        let Some(origin) = origin else { return };
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }

    /// The headers of a preflight answer.
    pub fn preflight_headers(&self, origin: &HeaderValue) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_origins() {
        let default = CorsPolicy::new(&[]);
        let extra = CorsPolicy::new(&["https://app.example/".to_string()]);
        let any = CorsPolicy::new(&["*".to_string()]);
        let cases = [
            (
                "own origin",
                &default,
                "http://127.0.0.1:8080",
                Some("127.0.0.1:8080"),
                true,
            ),
            (
                "own origin by name",
                &default,
                "http://localhost:8080",
                Some("localhost:8080"),
                true,
            ),
            (
                "loopback origin on another port",
                &default,
                "http://127.0.0.1:3000",
                Some("127.0.0.1:8080"),
                false,
            ),
            (
                "localhost dev server, not named",
                &default,
                "http://localhost:5173",
                Some("localhost:8080"),
                false,
            ),
            (
                "ipv6 loopback, no host",
                &default,
                "http://[::1]:8080",
                None,
                false,
            ),
            ("remote site", &default, "https://evil.example", None, false),
            ("null origin", &default, "null", None, false),
            (
                "own origin on a LAN address",
                &default,
                "http://192.168.1.5:8080",
                Some("192.168.1.5:8080"),
                true,
            ),
            (
                "other LAN origin",
                &default,
                "http://192.168.1.6:8080",
                Some("192.168.1.5:8080"),
                false,
            ),
            (
                "extra origin, trailing slash in option",
                &extra,
                "https://app.example",
                None,
                true,
            ),
            (
                "extra policy, other site",
                &extra,
                "https://evil.example",
                None,
                false,
            ),
            ("any", &any, "https://evil.example", None, true),
        ];
        for (name, policy, origin, own, expected) in cases {
            assert_eq!(policy.allows(origin, own), expected, "{name}");
        }
    }
}
