//! The registry proxy: lets the browser app talk to registries that send no CORS headers.
//!
//! URL scheme (all on the server's own origin):
//!
//! - `/proxy/<registry-host>/v2/<rest>` forwards to `<scheme>://<registry-host>/v2/<rest>` with the
//!   same method, query, body and the client's `Authorization`. Only `/v2/` paths are forwarded.
//! - `/proxy-token/<realm-authority><realm-path>` forwards to a token realm, e.g.
//!   `/proxy-token/auth.docker.io/token?service=...&scope=...` to `https://auth.docker.io/token`.
//!   Only realms named in a `WWW-Authenticate` challenge that came through the proxy are
//!   forwarded (see [`realms`]), with `GET`, or `POST` of an OAuth2 form; others get `403`.
//!
//! Challenges, `Location` and `Link` headers are rewritten to point back into the proxy, so a
//! client that follows them (token requests, `PATCH`/`PUT` of an upload, the next page of a tag
//! list) stays on the proxy. Bodies are streamed both ways. The proxy stores no credentials.
//!
//! Only the app may use it: every request carries the [`guard::PROOF_HEADER`], its `Origin` (when
//! it has one) is the server's own or a `--cors-origin`, and navigations are refused. Its answers
//! never become a page ([`answer`]). It reaches only registry API paths ([`paths`]), token realms
//! a registry named, and blob storage a registry redirected to ([`redirects`]).

pub mod answer;
pub mod challenge;
pub mod cors;
pub mod guard;
pub mod headers;
pub mod limit;
pub mod log;
pub mod paths;
pub mod realms;
pub mod redirects;
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
use self::guard::NotFromApp;
use self::headers::Rewrite;
use self::realms::Realms;
use self::redirects::RedirectPolicy;
use self::upstream::{is_loopback, RegistryHost, SchemePolicy};

/// How long the proxy waits for the next bytes of an upstream before giving up.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// Follows redirects (blob downloads only), within [`RedirectPolicy`].
    following: reqwest::Client,
    /// Follows no redirect.
    direct: reqwest::Client,
    schemes: SchemePolicy,
    redirects: RedirectPolicy,
    cors: CorsPolicy,
    realms: Realms,
    listen: SocketAddr,
}

/// Why the proxy builds the client: a TLS setup failure is the only way.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client of the proxy: {0}")]
pub struct ClientError(#[from] reqwest::Error);

/// How long an idle upstream connection is kept for reuse. Servers close idle keep-alive
/// connections on their own clock (Node's default is 5 s, and its `Keep-Alive: timeout=5` hint is
/// not read by the client): a request sent on a connection the server is closing at that moment
/// fails with a connection reset. Dropping idle connections first leaves no such moment with
/// servers that keep them 5 s or more.
const IDLE_CONNECTION: Duration = Duration::from_secs(4);

fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("indexsmith-serve/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(READ_TIMEOUT)
        .pool_idle_timeout(IDLE_CONNECTION)
}

impl Proxy {
    pub fn new(config: &ProxyConfig) -> Result<Proxy, ClientError> {
        let schemes = SchemePolicy::new(&config.allow_http);
        let redirects = RedirectPolicy::new(schemes.clone(), config.listen.port());
        let policy = redirects.clone();
        let following = client_builder()
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                let previous = attempt.previous();
                let allowed = previous.first().is_some_and(|first| {
                    policy.allows(first, attempt.url(), previous.len().saturating_sub(1))
                });
                if allowed {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build()?;
        let direct = client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Proxy {
            following,
            direct,
            schemes,
            redirects,
            cors: CorsPolicy::new(&config.cors_origins),
            realms: Realms::default(),
            listen: config.listen,
        })
    }
}

/// The routes of the proxy. Every answer, refusals included, is hardened ([`answer::harden`]).
pub fn router(proxy: Arc<Proxy>) -> Router {
    Router::new()
        .route("/proxy", any(refuse_bare))
        .route("/proxy/", any(refuse_bare))
        .route("/proxy/{*rest}", any(registry_request))
        .route("/proxy-token/{*rest}", any(token_request))
        .with_state(proxy)
        .layer(axum::middleware::map_response(
            |mut response: Response| async move {
                answer::harden(response.headers_mut());
                response
            },
        ))
}

/// A distribution-spec error body.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "code": code, "message": message }] }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// An error of the proxy's own about a request it admitted: with the CORS headers of its caller's
/// origin, so that a page of an allowed origin reads the error instead of a CORS failure.
fn failure(
    proxy: &Proxy,
    origin: Option<&HeaderValue>,
    status: StatusCode,
    code: &str,
    message: &str,
) -> Response {
    let mut response = error(status, code, message);
    proxy.cors.decorate(response.headers_mut(), origin);
    response
}

/// Why the proxy refused a request without forwarding it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the proxy forwards only registry API paths: /proxy/<registry-host>/v2/...")]
    NotRegistryApi,
    #[error("the proxy answers only the app: its requests carry the header Indexsmith-Proxy")]
    NoOriginProof,
    #[error("proxied answers are not pages: navigations and frames are refused")]
    Navigation,
    #[error("this origin may not use the proxy (see --cors-origin)")]
    OriginNotAllowed,
    #[error("the proxy does not forward to the server itself")]
    SelfTarget,
    #[error(
        "unknown token realm: only realms named in a challenge the proxy has seen are forwarded"
    )]
    UnknownRealm,
    #[error("token realms take GET, or POST of a form (application/x-www-form-urlencoded)")]
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

impl From<NotFromApp> for Refusal {
    fn from(reason: NotFromApp) -> Refusal {
        match reason {
            NotFromApp::NoProof => Refusal::NoOriginProof,
            NotFromApp::Navigation => Refusal::Navigation,
        }
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

/// The `Host` the client addressed, if it is a plain `host[:port]` (the server has checked that
/// it names the server, see [`crate::host`]).
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

/// Checks done before anything is forwarded: the request's origin may use the proxy, it carries
/// the app's proof header and is no navigation. Answers preflights (which cannot carry the
/// header) for allowed origins.
fn admit(proxy: &Proxy, request: &Request) -> Result<Admission, Refusal> {
    let host = request_host(request.headers());
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
    guard::check(request.headers())?;
    Ok(Admission::Forward {
        own: format!(
            "http://{}",
            host.unwrap_or_else(|| proxy.listen.to_string())
        ),
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
    if !api_path.starts_with("/v2/") || paths::check(api_path).is_err() {
        return Err(Refusal::NotRegistryApi);
    }
    let base = proxy
        .schemes
        .base_url(&registry)
        .ok_or_else(|| Refusal::InvalidUrl(registry.authority.clone()))?;
    if proxy.redirects.is_server(&base) {
        return Err(Refusal::SelfTarget);
    }
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
    let path = url.path().to_string();
    let follow = redirects::is_blob_download(request.method(), &path);
    let cap = (request.method() == Method::GET && limit::is_manifest(&path))
        .then_some(limit::MAX_MANIFEST_BYTES);
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
            let Ok(text) = value.to_str() else { continue };
            let rewritten = rewrite_challenge(&proxy, &own, &target.base, text);
            if let Ok(rewritten) = HeaderValue::from_str(&rewritten) {
                headers.append(header::WWW_AUTHENTICATE, rewritten);
            }
        }
    };
    let plan = Forwarding {
        url: target.url.clone(),
        origin,
        follow,
        cap,
        registry: Some(target.base.clone()),
        send_body: true,
    };
    forward(&proxy, request, plan, rewrite).await
}

/// Whether a realm named by the registry at `upstream` may be learned: a scheme the proxy may
/// use, not the server itself, and on loopback only when the registry is on loopback too (a
/// registry on the internet does not get to reach the user's machine).
fn realm_allowed(proxy: &Proxy, upstream: &Url, realm: &Url) -> Result<(), &'static str> {
    if !proxy.schemes.permits(realm) {
        return Err("plain HTTP to a non-loopback host (see --proxy-allow-http)");
    }
    if proxy.redirects.is_server(realm) {
        return Err("it is the server itself");
    }
    let loopback = |url: &Url| url.host().is_some_and(|h| is_loopback(&h));
    if loopback(realm) && !loopback(upstream) && !proxy.schemes.is_named(realm) {
        return Err("a loopback realm named by a registry that is not on loopback");
    }
    if realms::key(realm).is_none() {
        return Err("a realm with userinfo");
    }
    Ok(())
}

/// Rewrites the Bearer realms of a challenge into the proxy and learns them; masks `Basic`.
fn rewrite_challenge(proxy: &Proxy, own: &str, upstream: &Url, value: &str) -> String {
    let authority = upstream.authority().to_string();
    let rewritten = challenge::rewrite_bearer_realms(value, |realm| {
        let url = Url::parse(realm).ok()?;
        if let Err(reason) = realm_allowed(proxy, upstream, &url) {
            eprintln!("proxy: not forwarding token realm {realm}: {reason}");
            return None;
        }
        let key = proxy.realms.learn(&authority, &url)?;
        let mut rewritten = format!("{own}/proxy-token/{key}");
        if let Some(query) = url.query() {
            rewritten.push('?');
            rewritten.push_str(query);
        }
        Some(rewritten)
    });
    challenge::mask_basic(&rewritten)
}

/// Whether a request is the OAuth2 form `POST` of distribution's token spec.
fn is_form_post(request: &Request) -> bool {
    request.method() == Method::POST
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
}

async fn token_request(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match admit(&proxy, &request) {
        Ok(Admission::Forward { .. }) => {}
        Ok(Admission::Answered(response)) => return response,
        Err(refusal) => return refuse(&request, refusal),
    }
    let form = is_form_post(&request);
    if request.method() != Method::GET && !form {
        return refuse(&request, Refusal::TokenMethod);
    }
    let key = request
        .uri()
        .path()
        .strip_prefix("/proxy-token/")
        .unwrap_or_default();
    if paths::check(key).is_err() {
        return refuse(&request, Refusal::UnknownRealm);
    }
    let Some(mut url) = proxy.realms.lookup(key) else {
        return refuse(&request, Refusal::UnknownRealm);
    };
    url.set_query(request.uri().query());
    let plan = Forwarding {
        url,
        origin: request.headers().get(header::ORIGIN).cloned(),
        follow: false,
        cap: Some(limit::MAX_TOKEN_BYTES),
        registry: None,
        send_body: form,
    };
    forward(&proxy, request, plan, |_, _| {}).await
}

/// How one request is forwarded.
struct Forwarding {
    url: Url,
    origin: Option<HeaderValue>,
    /// Follow redirects (blob downloads).
    follow: bool,
    /// The most bytes the answer may have.
    cap: Option<u64>,
    /// The registry whose own `/v2/` URLs a redirect answered to the client may name (the
    /// client follows it through the proxy); `None` for token realms.
    registry: Option<Url>,
    /// Whether the request body goes upstream.
    send_body: bool,
}

/// Sends the request upstream and streams the answer back.
async fn forward(
    proxy: &Proxy,
    request: Request,
    plan: Forwarding,
    rewrite: impl FnOnce(&reqwest::Response, &mut HeaderMap),
) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let url = plan.url;
    let client = if plan.follow {
        &proxy.following
    } else {
        &proxy.direct
    };
    let mut builder = client
        .request(method.clone(), url.clone())
        .headers(headers::request_headers(request.headers()));
    let sent = Arc::new(AtomicU64::new(0));
    let has_body = request.headers().contains_key(header::TRANSFER_ENCODING)
        || request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    if has_body && plan.send_body {
        let stream = log::count(request.into_body().into_data_stream(), sent.clone());
        builder = builder.body(reqwest::Body::wrap_stream(stream));
    }
    let upstream = match builder.send().await {
        Ok(upstream) => upstream,
        Err(e) => {
            log::failed(method.as_str(), url.as_str(), start, &e.to_string());
            return failure(
                proxy,
                plan.origin.as_ref(),
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
    if status.is_redirection() {
        if let Some(location) = upstream.headers().get(header::LOCATION) {
            let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
            let target = upstream.url().join(location.trim()).ok();
            // Redirects the proxy would follow it has followed already; what is left for the
            // client is a redirect of a non-download request within the registry's API.
            let stays = !plan.follow
                && target
                    .as_ref()
                    .zip(plan.registry.as_ref())
                    .is_some_and(|(target, registry)| {
                        redirects::same_origin(target, registry)
                            && target.path().starts_with("/v2/")
                    });
            if !stays {
                log::failed(
                    method.as_str(),
                    url.as_str(),
                    start,
                    &format!("redirect to {location} not followed"),
                );
                return failure(
                    proxy,
                    plan.origin.as_ref(),
                    StatusCode::BAD_GATEWAY,
                    "UNKNOWN",
                    &format!(
                        "proxy: {} redirected to {location}, which the proxy does not follow \
                         (only blob downloads are followed, to HTTPS hosts or the registry itself)",
                        upstream.url()
                    ),
                );
            }
        }
    }
    let cap = plan.cap.unwrap_or(u64::MAX);
    if upstream.content_length().is_some_and(|n| n > cap) {
        log::failed(method.as_str(), url.as_str(), start, "answer too large");
        // The code the clients give an answer over their own limit, so that a manifest too large
        // reads the same with or without the proxy.
        return failure(
            proxy,
            plan.origin.as_ref(),
            StatusCode::BAD_GATEWAY,
            "TOO_LARGE",
            &format!("proxy: the answer of {url} is larger than {cap} bytes, its limit"),
        );
    }
    proxy.cors.decorate(&mut headers, plan.origin.as_ref());
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
    let capped = limit::Capped::new(upstream.bytes_stream(), cap);
    let body = Body::from_stream(log::Logged::new(capped, entry));
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy() -> Proxy {
        Proxy::new(&ProxyConfig {
            allow_http: Vec::new(),
            cors_origins: Vec::new(),
            listen: "127.0.0.1:8080".parse().expect("address"),
        })
        .expect("client")
    }

    #[test]
    fn realms_a_registry_may_name() {
        let proxy = proxy();
        let url = |s: &str| Url::parse(s).expect("url");
        let remote = url("https://registry.example/");
        let local = url("http://127.0.0.1:5000/");
        let cases = [
            ("https realm", &remote, "https://auth.example/token", true),
            (
                "loopback realm of a loopback registry",
                &local,
                "http://127.0.0.1:5001/token",
                true,
            ),
            (
                "loopback realm of a remote registry",
                &remote,
                "http://127.0.0.1:5001/token",
                false,
            ),
            (
                "https loopback realm of a remote one",
                &remote,
                "https://localhost/token",
                false,
            ),
            (
                "the server",
                &local,
                "http://localhost:8080/proxy/x/v2/",
                false,
            ),
            (
                "plain http remote realm",
                &remote,
                "http://auth.example/token",
                false,
            ),
            ("userinfo", &remote, "https://u:p@auth.example/token", false),
        ];
        for (name, upstream, realm, expected) in cases {
            assert_eq!(
                realm_allowed(&proxy, upstream, &url(realm)).is_ok(),
                expected,
                "{name}"
            );
        }
    }
}
