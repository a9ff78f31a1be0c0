//! Token authentication through the proxy, against a real registry configured with `auth.token`.
//!
//! No token server is packaged for Debian, so the test runs a small one: it signs real ES256
//! JSON Web Tokens with an `x5c` certificate the registry trusts, and records what it was sent.
//! The registry verifies those tokens itself.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{client, header};
use indexsmith_serve::proxy::challenge::auth_params;
use indexsmith_serve::registry::{LocalRegistry, RegistryOptions, TokenAuth};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

const SERVICE: &str = "indexsmith-test-registry";
const ISSUER: &str = "indexsmith-test-issuer";

/// What the token server was asked.
#[derive(Debug, Clone)]
struct Asked {
    authorization: String,
    query: std::collections::HashMap<String, String>,
}

struct Issuer {
    key: EcdsaKeyPair,
    cert_der: Vec<u8>,
    asked: Mutex<Vec<Asked>>,
}

impl Issuer {
    /// A signed token granting the actions of `scope` (`repository:<name>:<actions>`).
    fn token(&self, scope: &str) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let mut access = Vec::new();
        let mut parts = scope.splitn(3, ':');
        if let (Some(kind), Some(name), Some(actions)) = (parts.next(), parts.next(), parts.next())
        {
            access.push(json!({ "type": kind, "name": name, "actions": actions.split(',').collect::<Vec<_>>() }));
        }
        let header =
            json!({ "typ": "JWT", "alg": "ES256", "x5c": [STANDARD.encode(&self.cert_der)] });
        let claims = json!({
            "iss": ISSUER, "sub": "tester", "aud": SERVICE,
            "exp": now + 300, "nbf": now - 10, "iat": now - 10, "jti": format!("t{now}"),
            "access": access,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .unwrap_or_else(|e| panic!("sign: {e}"));
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        )
    }
}

async fn issue(
    State(issuer): State<Arc<Issuer>>,
    headers: HeaderMap,
    uri: Uri,
) -> ([(&'static str, &'static str); 1], String) {
    let query: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let token = issuer.token(query.get("scope").map(String::as_str).unwrap_or_default());
    issuer
        .asked
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Asked {
            authorization,
            query,
        });
    let body = json!({ "token": token, "access_token": token, "expires_in": 300 }).to_string();
    ([("content-type", "application/json")], body)
}

/// Stops the token server when dropped.
struct TokenServer {
    addr: SocketAddr,
    issuer: Arc<Issuer>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn token_server(dir: &std::path::Path) -> (TokenServer, std::path::PathBuf) {
    let key_pair = rcgen::KeyPair::generate().unwrap_or_else(|e| panic!("key: {e}"));
    let params = rcgen::CertificateParams::new(vec!["indexsmith-test-issuer".to_string()])
        .unwrap_or_else(|e| panic!("{e}"));
    let cert = params
        .self_signed(&key_pair)
        .unwrap_or_else(|e| panic!("certificate: {e}"));
    let bundle = dir.join("root.pem");
    std::fs::write(&bundle, cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    let key = EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &key_pair.serialize_der(),
        &SystemRandom::new(),
    )
    .unwrap_or_else(|e| panic!("key: {e}"));
    let issuer = Arc::new(Issuer {
        key,
        cert_der: cert.der().to_vec(),
        asked: Mutex::new(Vec::new()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let app = Router::new()
        .route("/token", get(issue))
        .with_state(issuer.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (TokenServer { addr, issuer, task }, bundle)
}

fn param(challenge: &str, name: &str) -> String {
    auth_params(challenge)
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.value)
        .unwrap_or_default()
}

#[tokio::test]
async fn token_flow_goes_through_the_proxy() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (tokens, bundle) = token_server(dir.path()).await;
    let upstream_realm = format!("http://{}/token", tokens.addr);
    let registry = LocalRegistry::start(&RegistryOptions {
        token_auth: Some(TokenAuth {
            realm: upstream_realm.clone(),
            service: SERVICE.to_string(),
            issuer: ISSUER.to_string(),
            root_cert_bundle: bundle,
        }),
        ..RegistryOptions::default()
    })
    .await
    .unwrap_or_else(|e| panic!("registry: {e}"));
    let server = common::server(std::path::Path::new("no-such-dist")).await;
    let proxy_base = format!("{}/proxy/{}", server.url(), registry.host());
    let manifest_url = format!("{proxy_base}/v2/secret/app/manifests/latest");

    // Before any challenge the token realm is unknown to the proxy.
    let realm_path = format!("{}/proxy-token/{}/token", server.url(), tokens.addr);
    let early = client()
        .get(&realm_path)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(early.status(), 403, "a realm not yet named in a challenge");

    // The challenge names the proxy's token path instead of the upstream realm.
    let challenged = client()
        .get(&manifest_url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(challenged.status(), 401);
    let challenge = header(&challenged, "www-authenticate");
    assert_eq!(
        param(&challenge, "realm"),
        realm_path,
        "challenge: {challenge}"
    );
    assert_eq!(param(&challenge, "service"), SERVICE);
    assert_eq!(param(&challenge, "scope"), "repository:secret/app:pull");
    assert!(
        !challenge.contains(&upstream_realm),
        "upstream realm leaked: {challenge}"
    );

    // The token request goes through the proxy, with the client's credentials.
    let token_response = client()
        .get(&realm_path)
        .query(&[
            ("service", SERVICE),
            ("scope", "repository:secret/app:pull,push"),
        ])
        .basic_auth("alice", Some("wonderland"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(token_response.status(), 200);
    let body: Value = serde_json::from_slice(&token_response.bytes().await.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    let token = body["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_string();
    let asked = tokens
        .issuer
        .asked
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    assert_eq!(asked.len(), 1, "token requests: {asked:?}");
    assert_eq!(
        asked[0].authorization,
        format!("Basic {}", STANDARD.encode("alice:wonderland"))
    );
    assert_eq!(
        asked[0].query.get("service").map(String::as_str),
        Some(SERVICE)
    );

    // The registry accepts the token sent through the proxy: the manifest is now merely
    // unknown, and an upload can start.
    let authorized = client()
        .get(&manifest_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        authorized.status(),
        404,
        "{}",
        authorized.text().await.unwrap_or_default()
    );
    let upload = client()
        .post(format!("{proxy_base}/v2/secret/app/blobs/uploads/"))
        .bearer_auth(&token)
        .header("content-length", "0")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(upload.status(), 202);
    assert!(
        header(&upload, "location").starts_with(&proxy_base),
        "location: {}",
        header(&upload, "location")
    );

    // Another realm on the same token server stays refused.
    let other = client()
        .get(format!(
            "{}/proxy-token/{}/other",
            server.url(),
            tokens.addr
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other.status(), 403);
}
