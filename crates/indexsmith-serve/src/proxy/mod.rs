//! The registry proxy: lets the browser app talk to registries that send no CORS headers.
//!
//! URL scheme (all on the server's own origin):
//!
//! - `/proxy/<registry-host>/v2/<rest>` forwards to `<scheme>://<registry-host>/v2/<rest>` with the
//!   same method, query, body and the client's `Authorization`. Only `/v2/` paths are forwarded.
//! - `/proxy-token/<realm-authority><realm-path>` forwards to a token realm, e.g.
//!   `/proxy-token/auth.docker.io/token?service=...&scope=...` to `https://auth.docker.io/token`.
//!   Only realms named in a `WWW-Authenticate` challenge that came through the proxy are
//!   forwarded; others get `403`.
//!
//! Challenges, `Location` and `Link` headers are rewritten to point back into the proxy, so a
//! client that follows them (token requests, `PATCH`/`PUT` of an upload, the next page of a tag
//! list) stays on the proxy. Bodies are streamed both ways. The proxy stores no credentials.

pub mod challenge;
pub mod cors;
pub mod headers;
pub mod log;
pub mod realms;
pub mod unreachable;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use url::Url;

use self::cors::CorsPolicy;
use self::headers::Rewrite;
use self::realms::Realms;
use self::upstream::{is_loopback, RegistryHost, SchemePolicy};

/// How many redirects of an upstream the proxy follows itself (e.g. a blob `GET` sent on to a
/// storage host). Credentials are not sent to another host.
const MAX_REDIRECTS: usize = 5;

/// Settings of the proxy.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Hosts that may be reached over plain HTTP besides loopback ones.
    pub allow_http: Vec<String>,
    /// Extra browser origins allowed to call the proxy.
    pub cors_origins: Vec<String>,
    /// The address the server listens on.
    pub listen: SocketAddr,
}

/// Shared state of the proxy handlers.
#[derive(Debug)]
pub struct Proxy {
    client: reqwest::Client,
    schemes: SchemePolicy,
    cors: CorsPolicy,
    realms: Realms,
    listen: SocketAddr,
}

/// Why the proxy builds the client: a TLS setup failure is the only way.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client of the proxy: {0}")]
pub struct ClientError(#[from] reqwest::Error);

impl Proxy {
    pub fn new(config: &ProxyConfig) -> Result<Proxy, ClientError> {
        let schemes = SchemePolicy::new(&config.allow_http);
        let redirect_schemes = schemes.clone();
        let client = reqwest::Client::builder()
            .user_agent(concat!("indexsmith-serve/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() > MAX_REDIRECTS
                    || !redirect_schemes.permits(attempt.url())
                {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .build()?;
        Ok(Proxy {
            client,
            schemes,
            cors: CorsPolicy::new(&config.cors_origins),
            realms: Realms::default(),
            listen: config.listen,
        })
    }
}

/// The routes of the proxy.
pub fn router(proxy: Arc<Proxy>) -> Router {
    Router::new()
        .route("/proxy", any(refuse_bare))
        .route("/proxy/", any(refuse_bare))
        .route("/proxy/{*rest}", any(registry_request))
        .route("/proxy-token/{*rest}", any(token_request))
        .with_state(proxy)
}

/// A distribution-spec error body.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "code": code, "message": message }] }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Why the proxy refused a request without forwarding it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the proxy forwards only registry API paths: /proxy/<registry-host>/v2/...")]
    NotRegistryApi,
    #[error("the proxy answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])")]
    NotLoopbackHost,
    #[error("this origin may not use the proxy (see --cors-origin)")]
    OriginNotAllowed,
    #[error(
        "unknown token realm: only realms named in a challenge the proxy has seen are forwarded"
    )]
    UnknownRealm,
    #[error("token realms take GET or POST")]
    TokenMethod,
    #[error(transparent)]
    InvalidHost(#[from] upstream::ParseHostError),
    #[error("invalid upstream URL: {0}")]
    InvalidUrl(String),
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::InvalidHost(_) | Refusal::InvalidUrl(_) => StatusCode::BAD_REQUEST,
            Refusal::TokenMethod => StatusCode::METHOD_NOT_ALLOWED,
            _ => StatusCode::FORBIDDEN,
        }
    }

    /// The distribution-spec error code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::InvalidHost(_) | Refusal::InvalidUrl(_) => "NAME_INVALID",
            Refusal::TokenMethod => "UNSUPPORTED",
            _ => "DENIED",
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.status(), self.code(), &self.to_string())
    }
}

/// Logs a refusal in one line and answers it.
fn refuse(request: &Request, refusal: Refusal) -> Response {
    eprintln!(
        "proxy refused {} {}: {refusal}",
        request.method(),
        request.uri().path()
    );
    refusal.into_response()
}

async fn refuse_bare() -> Response {
    Refusal::NotRegistryApi.into_response()
}

/// The `Host` the client addressed, if it is a plain `host[:port]`.
fn request_host(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    valid.then(|| host.to_string())
}

/// What to do with an admitted request.
enum Admission {
    /// Forward it; rewritten URLs start with this base (`http://127.0.0.1:8080`).
    Forward { own: String },
    /// Answered here (a preflight).
    Answered(Response),
}

/// Checks done before anything is forwarded: the request was addressed to a loopback name (no
/// DNS rebinding) when the server listens on loopback, and its origin may use the proxy.
/// Answers preflights.
fn admit(proxy: &Proxy, request: &Request) -> Result<Admission, Refusal> {
    let host = request_host(request.headers());
    if proxy.listen.ip().is_loopback() {
        let loopback = host
            .as_deref()
            .and_then(|h| Url::parse(&format!("http://{h}/")).ok())
            .is_some_and(|u| u.host().is_some_and(|h| is_loopback(&h)));
        if !loopback {
            return Err(Refusal::NotLoopbackHost);
        }
    }
    let origin = request.headers().get(header::ORIGIN);
    if let Some(origin) = origin {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| proxy.cors.allows(o, host.as_deref()));
        if !allowed {
            return Err(Refusal::OriginNotAllowed);
        }
    }
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Some(origin) = origin {
            *response.headers_mut() = proxy.cors.preflight_headers(origin);
        }
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(cors::ALLOW_METHODS));
        return Ok(Admission::Answered(response));
    }
    Ok(Admission::Forward {
        own: format!(
            "http://{}",
            host.unwrap_or_else(|| proxy.listen.to_string())
        ),
    })
}

/// Whether a path contains a `.` or `..` segment, percent-encoded or not.
fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".."
    })
}

/// The upstream request a `/proxy/...` path names.
struct Target {
    registry: RegistryHost,
    base: Url,
    url: Url,
}

fn registry_target(proxy: &Proxy, path: &str, query: Option<&str>) -> Result<Target, Refusal> {
    let rest = path.strip_prefix("/proxy/").unwrap_or(path);
    let (segment, api_path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, ""),
    };
    let segment = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    let registry = RegistryHost::parse(&segment)?;
    if !api_path.starts_with("/v2/") || has_dot_segment(api_path) {
        return Err(Refusal::NotRegistryApi);
    }
    let base = proxy
        .schemes
        .base_url(&registry)
        .ok_or_else(|| Refusal::InvalidUrl(registry.authority.clone()))?;
    let mut text = format!("{}{}", base.as_str().trim_end_matches('/'), api_path);
    if let Some(query) = query {
        text.push('?');
        text.push_str(query);
    }
    let url = Url::parse(&text).map_err(|e| Refusal::InvalidUrl(format!("{text}: {e}")))?;
    // The URL parser normalizes some paths; forward only what was asked, as written.
    if url.path() != api_path {
        return Err(Refusal::NotRegistryApi);
    }
    Ok(Target {
        registry,
        base,
        url,
    })
}

async fn registry_request(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let own = match admit(&proxy, &request) {
        Ok(Admission::Forward { own }) => own,
        Ok(Admission::Answered(response)) => return response,
        Err(refusal) => return refuse(&request, refusal),
    };
    let target = match registry_target(&proxy, request.uri().path(), request.uri().query()) {
        Ok(target) => target,
        Err(refusal) => return refuse(&request, refusal),
    };
    let origin = request.headers().get(header::ORIGIN).cloned();
    let url = target.url.clone();
    let rewrite = |upstream: &reqwest::Response, headers: &mut HeaderMap| {
        let rw = Rewrite {
            base: &own,
            named: &target.registry.named,
            upstream: &target.base,
            request_url: &url,
        };
        for name in [header::LOCATION, header::CONTENT_LOCATION] {
            if let Some(value) = upstream.headers().get(&name).and_then(|v| v.to_str().ok()) {
                if let Ok(value) = HeaderValue::from_str(&rw.uri(value)) {
                    headers.insert(name, value);
                }
            }
        }
        headers.remove(header::LINK);
        for value in upstream.headers().get_all(header::LINK) {
            let rewritten = value
                .to_str()
                .ok()
                .map(|v| rw.link(v))
                .and_then(|v| HeaderValue::from_str(&v).ok());
            headers.append(header::LINK, rewritten.unwrap_or_else(|| value.clone()));
        }
        headers.remove(header::WWW_AUTHENTICATE);
        for value in upstream.headers().get_all(header::WWW_AUTHENTICATE) {
            let rewritten = value
                .to_str()
                .ok()
                .map(|v| rewrite_challenge(&proxy, &own, v))
                .and_then(|v| HeaderValue::from_str(&v).ok());
            headers.append(
                header::WWW_AUTHENTICATE,
                rewritten.unwrap_or_else(|| value.clone()),
            );
        }
    };
    forward(&proxy, request, target.url.clone(), origin, rewrite).await
}

/// Rewrites the Bearer realms of a challenge into the proxy and learns them.
fn rewrite_challenge(proxy: &Proxy, own: &str, value: &str) -> String {
    challenge::rewrite_bearer_realms(value, |realm| {
        let url = Url::parse(realm).ok()?;
        if !proxy.schemes.permits(&url) {
            eprintln!("proxy: not forwarding token realm {realm}: plain HTTP to a non-loopback host (see --proxy-allow-http)");
            return None;
        }
        let key = proxy.realms.learn(&url)?;
        let mut rewritten = format!("{own}/proxy-token/{key}");
        if let Some(query) = url.query() {
            rewritten.push('?');
            rewritten.push_str(query);
        }
        Some(rewritten)
    })
}

async fn token_request(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match admit(&proxy, &request) {
        Ok(Admission::Forward { .. }) => {}
        Ok(Admission::Answered(response)) => return response,
        Err(refusal) => return refuse(&request, refusal),
    }
    if request.method() != Method::GET && request.method() != Method::POST {
        return refuse(&request, Refusal::TokenMethod);
    }
    let key = request
        .uri()
        .path()
        .strip_prefix("/proxy-token/")
        .unwrap_or_default();
    let Some(mut url) = proxy.realms.lookup(key) else {
        return refuse(&request, Refusal::UnknownRealm);
    };
    url.set_query(request.uri().query());
    let origin = request.headers().get(header::ORIGIN).cloned();
    forward(&proxy, request, url, origin, |_, _| {}).await
}

/// Sends the request upstream and streams the answer back.
async fn forward(
    proxy: &Proxy,
    request: Request,
    url: Url,
    origin: Option<HeaderValue>,
    rewrite: impl FnOnce(&reqwest::Response, &mut HeaderMap),
) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let mut builder = proxy
        .client
        .request(method.clone(), url.clone())
        .headers(headers::request_headers(request.headers()));
    let sent = Arc::new(AtomicU64::new(0));
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    if has_body {
        let stream = log::count(request.into_body().into_data_stream(), sent.clone());
        builder = builder.body(reqwest::Body::wrap_stream(stream));
    }
    let upstream = match builder.send().await {
        Ok(upstream) => upstream,
        Err(e) => {
            log::failed(method.as_str(), url.as_str(), start, &e.to_string());
            return error(
                StatusCode::BAD_GATEWAY,
                "UNKNOWN",
                &format!(
                    "proxy: {}{} could not be reached: {}",
                    url.host_str().unwrap_or_default(),
                    url.port().map(|p| format!(":{p}")).unwrap_or_default(),
                    unreachable::describe(&e)
                ),
            );
        }
    };
    let status = upstream.status();
    let mut headers = HeaderMap::new();
    for (name, value) in upstream.headers() {
        if !headers::is_dropped_response_header(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    rewrite(&upstream, &mut headers);
    proxy.cors.decorate(&mut headers, origin.as_ref());
    let final_url = (upstream.url() != &url).then(|| upstream.url().to_string());
    let bodiless = method == Method::HEAD
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let expected = if bodiless {
        Some(0)
    } else {
        upstream.content_length()
    };
    let entry = log::Entry {
        method: method.to_string(),
        url: url.to_string(),
        final_url,
        status: status.as_u16(),
        start,
        sent,
        expected,
    };
    let body = Body::from_stream(log::Logged::new(upstream.bytes_stream(), entry));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments() {
        let cases = [
            ("plain", "/v2/a/manifests/latest", false),
            ("dot dot", "/v2/../debug", true),
            ("encoded dot dot", "/v2/%2e%2E/debug", true),
            ("single dot", "/v2/./x", true),
            ("dots inside a name", "/v2/a..b/manifests/x", false),
        ];
        for (name, path, expected) in cases {
            assert_eq!(has_dot_segment(path), expected, "{name}");
        }
    }
}
