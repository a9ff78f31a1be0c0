//! Attacks on the server, each as a test: a hostile registry on 127.0.0.1 (a small HTTP server
//! that answers what an attacker would), requests a page of another site could make, and a
//! second loopback service standing for what the attacker wants to reach on the user's machine.
//! The browser side of the same attacks is in `tests/e2e/security.test.mjs`.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Router;
use bytes::Bytes;
use common::{bare_client, client, header};
use futures_util::StreamExt;
use indexsmith_serve::proxy::challenge::auth_params;
use indexsmith_serve::server::{self, RunningServer};

/// A script a hostile registry hopes to run on the app's origin.
const SCRIPT_PAGE: &str =
    "<!doctype html><script>fetch('/proxy/127.0.0.1:5000/v2/_catalog')</script>";
/// After this many requests to `/v2/loop/` the hostile registry stops redirecting, so that a
/// server that follows the loop ends instead of exhausting the machine.
const LOOP_STOP: usize = 30;

/// What the hostile registry saw and where its loop points.
#[derive(Default)]
struct Seen {
    requests: Mutex<Vec<String>>,
    loop_target: Mutex<String>,
}

impl Seen {
    fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn query_param(request: &Request, name: &str) -> Option<String> {
    url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn answer(status: StatusCode, headers: &[(&str, &str)], body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            name.parse::<header::HeaderName>(),
            value.parse::<header::HeaderValue>(),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// The hostile registry: what it answers depends on the path (and `?realm=`, `?to=`).
async fn hostile(State(seen): State<Arc<Seen>>, request: Request) -> Response {
    let line = format!(
        "{} {}",
        request.method(),
        request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or_default()
    );
    let count = {
        let mut requests = seen.requests.lock().unwrap_or_else(|p| p.into_inner());
        requests.push(line);
        requests.len()
    };
    let path = request.uri().path().to_string();
    match path.as_str() {
        "/v2/html/manifests/latest" => answer(
            StatusCode::OK,
            &[("content-type", "text/html; charset=utf-8")],
            SCRIPT_PAGE,
        ),
        "/v2/svg/manifests/latest" => answer(
            StatusCode::OK,
            &[("content-type", "image/svg+xml")],
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        ),
        "/v2/basic/manifests/latest" => answer(
            StatusCode::UNAUTHORIZED,
            &[("www-authenticate", "Basic realm=\"hostile\"")],
            "",
        ),
        "/v2/realm/manifests/latest" => {
            let realm = query_param(&request, "realm").unwrap_or_default();
            let challenge = format!("Bearer realm=\"{realm}\",service=\"hostile\"");
            answer(
                StatusCode::UNAUTHORIZED,
                &[("www-authenticate", &challenge)],
                "",
            )
        }
        "/v2/redirect/manifests/latest" | "/v2/redirect/blobs/sha256:00" => {
            let to = query_param(&request, "to").unwrap_or_default();
            answer(StatusCode::TEMPORARY_REDIRECT, &[("location", &to)], "")
        }
        "/v2/loop/blobs/sha256:00" if count < LOOP_STOP => {
            let to = seen
                .loop_target
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            answer(StatusCode::TEMPORARY_REDIRECT, &[("location", &to)], "")
        }
        "/v2/big/manifests/sized" => answer(
            StatusCode::OK,
            &[("content-type", "application/vnd.oci.image.manifest.v1+json")],
            vec![b' '; 5 * 1024 * 1024],
        ),
        "/v2/big/manifests/endless" => {
            let chunks = futures_util::stream::repeat_with(|| {
                Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 64 * 1024]))
            })
            .take(200);
            answer(
                StatusCode::OK,
                &[("content-type", "application/vnd.oci.image.manifest.v1+json")],
                Body::from_stream(chunks),
            )
        }
        "/token" => answer(
            StatusCode::OK,
            &[("content-type", "application/json")],
            "{\"token\":\"t\"}",
        ),
        _ => answer(StatusCode::OK, &[("content-type", "text/plain")], "secret"),
    }
}

/// A server on a free port of 127.0.0.1, stopped when dropped.
struct Served {
    addr: SocketAddr,
    seen: Arc<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Served {
    fn host(&self) -> String {
        self.addr.to_string()
    }
}

async fn serve_hostile() -> Served {
    let seen = Arc::new(Seen::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let router = Router::new().fallback(hostile).with_state(seen.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Served { addr, seen, task }
}

fn no_dist() -> std::path::PathBuf {
    std::path::PathBuf::from("no-such-dist")
}

async fn get(url: &str) -> reqwest::Response {
    client()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

#[tokio::test]
async fn a_hostile_registry_cannot_serve_a_page_through_the_proxy() {
    let registry = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    for kind in ["html", "svg"] {
        let url = format!(
            "{}/proxy/{}/v2/{kind}/manifests/latest",
            server.url(),
            registry.host()
        );
        let response = get(&url).await;
        assert_eq!(response.status(), 200, "{kind}");
        assert_eq!(
            header(&response, "content-type"),
            "application/octet-stream",
            "{kind}: a renderable type reached the browser"
        );
        assert_eq!(
            header(&response, "content-security-policy"),
            "sandbox",
            "{kind}"
        );
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{kind}"
        );
    }
    // Refusals carry the same headers.
    let refused = bare_client()
        .get(format!("{}/proxy/{}/v2/x", server.url(), registry.host()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(header(&refused, "content-security-policy"), "sandbox");
}

#[tokio::test]
async fn requests_that_do_not_come_from_the_app_reach_no_upstream() {
    let registry = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let url = format!(
        "{}/proxy/{}/v2/x/manifests/y",
        server.url(),
        registry.host()
    );
    let own = server.url();
    struct Case {
        name: &'static str,
        method: reqwest::Method,
        proof: bool,
        headers: Vec<(&'static str, String)>,
    }
    let cases = [
        Case {
            name: "GET without the proof header (an <img>, a form, a no-cors fetch)",
            method: reqwest::Method::GET,
            proof: false,
            headers: vec![],
        },
        Case {
            name: "cross-site DELETE without the proof header",
            method: reqwest::Method::DELETE,
            proof: false,
            headers: vec![("origin", "http://evil.test".to_string())],
        },
        Case {
            name: "the app's own origin, but without the proof header",
            method: reqwest::Method::DELETE,
            proof: false,
            headers: vec![("origin", own.clone())],
        },
        Case {
            name: "cross-site POST with the proof header",
            method: reqwest::Method::POST,
            proof: true,
            headers: vec![("origin", "http://evil.test".to_string())],
        },
        Case {
            name: "another loopback origin",
            method: reqwest::Method::GET,
            proof: true,
            headers: vec![("origin", "http://127.0.0.1:1".to_string())],
        },
        Case {
            name: "a sandboxed page (origin null)",
            method: reqwest::Method::GET,
            proof: true,
            headers: vec![("origin", "null".to_string())],
        },
        Case {
            name: "an iframe",
            method: reqwest::Method::GET,
            proof: true,
            headers: vec![
                ("sec-fetch-mode", "navigate".to_string()),
                ("sec-fetch-dest", "iframe".to_string()),
            ],
        },
    ];
    for case in cases {
        let base = if case.proof { client() } else { bare_client() };
        let mut request = base.request(case.method.clone(), &url);
        for (name, value) in &case.headers {
            request = request.header(*name, value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(response.status(), 403, "{}", case.name);
        assert!(
            registry.seen.requests().is_empty(),
            "{}: the upstream saw {:?}",
            case.name,
            registry.seen.requests()
        );
    }
    // The app's request, for contrast.
    let response = client()
        .get(&url)
        .header("origin", &own)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    assert_eq!(registry.seen.requests().len(), 1);
}

#[tokio::test]
async fn token_realms_reach_only_the_realm_with_get_or_a_form() {
    let registry = serve_hostile().await;
    let victim = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let challenge_url = |realm: &str| {
        format!(
            "{}/proxy/{}/v2/realm/manifests/latest?realm={}",
            server.url(),
            registry.host(),
            url::form_urlencoded::byte_serialize(realm.as_bytes()).collect::<String>()
        )
    };
    let realm_of = |response: &reqwest::Response| {
        auth_params(&header(response, "www-authenticate"))
            .into_iter()
            .find(|p| p.name == "realm")
            .map(|p| p.value)
            .unwrap_or_default()
    };

    // A realm on a loopback service is learned (the registry is on loopback too) ...
    let realm = format!("http://{}/token", victim.host());
    let response = get(&challenge_url(&realm)).await;
    let proxied_realm = realm_of(&response);
    assert_eq!(
        proxied_realm,
        format!("{}/proxy-token/{}/token", server.url(), victim.host())
    );
    // ... and reached with GET, or with an OAuth2 form POST ...
    assert_eq!(get(&proxied_realm).await.status(), 200);
    let form = client()
        .post(&proxied_realm)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&service=hostile")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(form.status(), 200);
    let before = victim.seen.requests().len();
    // ... but not with another body, another method, or at another path of its host.
    struct Case {
        name: &'static str,
        method: reqwest::Method,
        url: String,
        content_type: &'static str,
        status: u16,
    }
    let cases = [
        Case {
            name: "POST with a JSON body",
            method: reqwest::Method::POST,
            url: proxied_realm.clone(),
            content_type: "application/json",
            status: 405,
        },
        Case {
            name: "PUT",
            method: reqwest::Method::PUT,
            url: proxied_realm.clone(),
            content_type: "application/octet-stream",
            status: 405,
        },
        Case {
            name: "DELETE",
            method: reqwest::Method::DELETE,
            url: proxied_realm.clone(),
            content_type: "text/plain",
            status: 405,
        },
        Case {
            name: "another path of the realm's host",
            method: reqwest::Method::GET,
            url: format!("{}/proxy-token/{}/admin", server.url(), victim.host()),
            content_type: "text/plain",
            status: 403,
        },
        Case {
            name: "a dot segment after the realm",
            method: reqwest::Method::GET,
            url: format!(
                "{}/proxy-token/{}/token/..%2fadmin",
                server.url(),
                victim.host()
            ),
            content_type: "text/plain",
            status: 403,
        },
    ];
    for case in cases {
        let response = client()
            .request(case.method.clone(), &case.url)
            .header("content-type", case.content_type)
            .body("{\"delete\":\"everything\"}")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(response.status().as_u16(), case.status, "{}", case.name);
    }
    assert_eq!(
        victim.seen.requests().len(),
        before,
        "the realm's host saw {:?}",
        victim.seen.requests()
    );

    // Realms that are not learned stay as the registry wrote them: the server itself, userinfo.
    for realm in [
        format!("{}/proxy/{}/v2/x", server.url(), victim.host()),
        format!("http://user:pw@{}/token", victim.host()),
    ] {
        let response = get(&challenge_url(&realm)).await;
        assert_eq!(
            realm_of(&response),
            realm,
            "{realm} was rewritten into the proxy"
        );
    }

    // A registry naming many realms forgets only its own: the first stays reachable.
    let flood = serve_hostile().await;
    for n in 0..100 {
        let url = format!(
            "{}/proxy/{}/v2/realm/manifests/latest?realm=http://127.0.0.1:1/t{n}",
            server.url(),
            flood.host()
        );
        get(&url).await;
    }
    assert_eq!(
        get(&proxied_realm).await.status(),
        200,
        "the realm was flushed from the table by another registry"
    );
}

#[tokio::test]
async fn redirects_reach_no_loopback_service_and_never_loop() {
    let registry = serve_hostile().await;
    let victim = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let through = |path: &str, to: &str| {
        format!(
            "{}/proxy/{}{path}?to={}",
            server.url(),
            registry.host(),
            url::form_urlencoded::byte_serialize(to.as_bytes()).collect::<String>()
        )
    };
    let cases = [
        (
            "manifest to another loopback service",
            "/v2/redirect/manifests/latest",
            format!("http://{}/admin", victim.host()),
        ),
        (
            "blob to another loopback service",
            "/v2/redirect/blobs/sha256:00",
            format!("http://{}/admin", victim.host()),
        ),
        (
            "blob to the registry, outside /v2/",
            "/v2/redirect/blobs/sha256:00",
            format!("http://{}/debug/vars", registry.host()),
        ),
        (
            "blob to an HTTPS loopback port",
            "/v2/redirect/blobs/sha256:00",
            format!("https://{}/admin", victim.host()),
        ),
    ];
    for (name, path, to) in cases {
        let response = get(&through(path, &to)).await;
        assert_eq!(response.status(), 502, "{name}");
        let body = response.text().await.unwrap_or_default();
        assert!(body.contains("does not follow"), "{name}: {body}");
    }
    assert!(
        victim.seen.requests().is_empty(),
        "the loopback service saw {:?}",
        victim.seen.requests()
    );
    assert!(
        !registry
            .seen
            .requests()
            .iter()
            .any(|r| r.contains("/debug/vars")),
        "the registry was asked outside /v2/: {:?}",
        registry.seen.requests()
    );

    // A registry that redirects back into the proxy gets one request, not a loop.
    let loop_server = serve_hostile().await;
    let loop_url = format!(
        "{}/proxy/{}/v2/loop/blobs/sha256:00",
        server.url(),
        loop_server.host()
    );
    *loop_server
        .seen
        .loop_target
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = loop_url.clone();
    let response = get(&loop_url).await;
    assert_eq!(response.status(), 502);
    assert_eq!(
        loop_server.seen.requests().len(),
        1,
        "the redirect back into the proxy was followed"
    );
}

/// Sends a request line as written (no client normalizes the path).
fn raw_get(addr: SocketAddr, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nIndexsmith-Proxy: 1\r\nConnection: close\r\n\r\n"
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .unwrap_or_else(|e| panic!("{e}"));
    answer
}

#[tokio::test]
async fn encoded_paths_do_not_leave_the_registry_api() {
    let registry = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let host = registry.host();
    let paths = [
        format!("/proxy/{host}/v2/..%2fdebug/vars"),
        format!("/proxy/{host}/v2/%2E%2E%2Fdebug/vars"),
        format!("/proxy/{host}/v2/x/%2e%2e/%2e%2e/debug/vars"),
        format!("/proxy/{host}/v2/%252e%252e/debug/vars"),
        format!("/proxy/{host}/v2/..%5cdebug/vars"),
        format!("/proxy/{host}/v2/x%0d%0aX-Injected:%201/manifests/y"),
    ];
    for path in paths {
        let addr = server.addr();
        let sent = path.clone();
        let answer = tokio::task::spawn_blocking(move || raw_get(addr, &sent))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(answer.starts_with("HTTP/1.1 403"), "{path}: {answer}");
    }
    assert!(
        registry.seen.requests().is_empty(),
        "the registry saw {:?}",
        registry.seen.requests()
    );
}

#[tokio::test]
async fn basic_challenges_cause_no_browser_prompt() {
    let registry = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let response = get(&format!(
        "{}/proxy/{}/v2/basic/manifests/latest",
        server.url(),
        registry.host()
    ))
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(&response, "www-authenticate"),
        "Indexsmith-Basic realm=\"hostile\""
    );
}

#[tokio::test]
async fn manifests_larger_than_the_limit_are_cut_off() {
    let registry = serve_hostile().await;
    let server = common::server(&no_dist()).await;
    let sized = get(&format!(
        "{}/proxy/{}/v2/big/manifests/sized",
        server.url(),
        registry.host()
    ))
    .await;
    assert_eq!(sized.status(), 502, "a 5 MiB manifest with its length");
    let refusal = sized.text().await.unwrap_or_default();
    assert!(
        refusal.contains(r#""code":"TOO_LARGE""#),
        "the refusal carries the clients' code for an answer over the limit: {refusal}"
    );
    let endless = get(&format!(
        "{}/proxy/{}/v2/big/manifests/endless",
        server.url(),
        registry.host()
    ))
    .await;
    let mut received = 0usize;
    let mut endless = endless;
    let outcome = loop {
        match endless.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    assert!(outcome.is_err(), "a 12.5 MiB manifest came through whole");
    assert!(received <= 4 * 1024 * 1024, "{received} bytes passed");
}

/// The server listening on every address, as `--listen 0.0.0.0` does.
async fn listening_everywhere(allow_hosts: &[&str]) -> RunningServer {
    let mut config = common::config(&no_dist());
    config.allow_hosts = allow_hosts.iter().map(|h| h.to_string()).collect();
    let addr: SocketAddr = "0.0.0.0:0".parse().unwrap_or_else(|e| panic!("{e}"));
    server::start(&config, addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn dns_rebinding_is_refused_in_every_listening_mode() {
    let registry = serve_hostile().await;
    for (mode, server) in [
        ("loopback", common::server(&no_dist()).await),
        ("every address", listening_everywhere(&["dev.test"]).await),
    ] {
        let port = server.addr().port();
        let url = format!("http://127.0.0.1:{port}/proxy/{}/v2/", registry.host());
        struct Case {
            name: &'static str,
            host: String,
            origin: Option<String>,
            status: u16,
        }
        let mut cases = vec![
            Case {
                name: "rebound name, same-origin request",
                host: format!("evil.test:{port}"),
                origin: Some(format!("http://evil.test:{port}")),
                status: 421,
            },
            Case {
                name: "rebound name, no origin",
                host: format!("evil.test:{port}"),
                origin: None,
                status: 421,
            },
            Case {
                name: "address, other origin",
                host: format!("127.0.0.1:{port}"),
                origin: Some(format!("http://evil.test:{port}")),
                status: 403,
            },
            Case {
                name: "address, own origin",
                host: format!("127.0.0.1:{port}"),
                origin: Some(format!("http://127.0.0.1:{port}")),
                status: 200,
            },
            Case {
                name: "localhost",
                host: format!("localhost:{port}"),
                origin: Some(format!("http://localhost:{port}")),
                status: 200,
            },
        ];
        if mode == "every address" {
            cases.push(Case {
                name: "a name given with --allow-host",
                host: format!("dev.test:{port}"),
                origin: Some(format!("http://dev.test:{port}")),
                status: 200,
            });
        }
        for case in cases {
            let mut request = client().get(&url).header("host", &case.host);
            if let Some(origin) = &case.origin {
                request = request.header("origin", origin);
            }
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{mode}, {}: {e}", case.name));
            assert_eq!(
                response.status().as_u16(),
                case.status,
                "{mode}, {}",
                case.name
            );
        }
        // The app itself is refused under a rebound name too.
        let page = client()
            .get(format!("http://127.0.0.1:{port}/"))
            .header("host", format!("evil.test:{port}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.status(), 421, "{mode}: the app");
    }
}

#[tokio::test]
async fn pages_of_the_app_carry_a_content_security_policy() {
    let dist = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let loader = "import init from '/app.js'; await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!doctype html><script type=\"module\">{loader}</script>"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let server = common::server(dist.path()).await;
    let page = get(&format!("{}/", server.url())).await;
    let csp = header(&page, "content-security-policy");
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader));
    for needle in [
        "default-src 'none'".to_string(),
        format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'"),
        "frame-ancestors 'none'".to_string(),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
    ] {
        assert!(csp.contains(&needle), "{needle} missing in {csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "referrer-policy"), "no-referrer");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");

    let embed = get(&format!("{}/?embed", server.url())).await;
    let csp = header(&embed, "content-security-policy");
    assert!(csp.ends_with("frame-ancestors *"), "{csp}");
    assert_eq!(header(&embed, "x-frame-options"), "");

    // A rebuild writes another loader: the policy follows it without a restart.
    let rebuilt = "import init from '/app-2.js'; await init();";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!doctype html><script type=\"module\">{rebuilt}</script>"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(rebuilt));
    let page = get(&format!("{}/some/route", server.url())).await;
    let csp = header(&page, "content-security-policy");
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
}
