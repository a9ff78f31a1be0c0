//! The registry proxy against a real registry (`docker-registry` on 127.0.0.1, without CORS
//! headers, as remote registries are).

mod common;

use std::io::{Read, Write};

use common::{client, header};
use indexsmith::digest::sha256;
use indexsmith_serve::push::accept_manifests;
use indexsmith_serve::seed;

fn no_dist() -> std::path::PathBuf {
    std::path::PathBuf::from("no-such-dist")
}

#[tokio::test]
async fn manifest_through_the_proxy_is_the_same_as_direct_and_gets_cors() {
    let registry = common::plain_registry().await;
    let seeded = seed::seed(client(), registry.url())
        .await
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let server = common::server(&no_dist()).await;
    let origin = server.url();
    let direct_url = format!(
        "{}v2/{}/manifests/{}",
        registry.url(),
        seed::REPOSITORY,
        seed::INDEX_TAG
    );
    let proxy_url = format!(
        "{}/proxy/{}/v2/{}/manifests/{}",
        server.url(),
        registry.host(),
        seed::REPOSITORY,
        seed::INDEX_TAG
    );

    let direct = client()
        .get(&direct_url)
        .header("accept", accept_manifests())
        .header("origin", &origin)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(direct.status(), 200);
    assert_eq!(
        header(&direct, "access-control-allow-origin"),
        "",
        "the test registry must not send CORS headers"
    );
    let direct_digest = header(&direct, "docker-content-digest");
    let direct_type = header(&direct, "content-type");
    let direct_bytes = direct.bytes().await.unwrap_or_else(|e| panic!("{e}"));

    let proxied = client()
        .get(&proxy_url)
        .header("accept", accept_manifests())
        .header("origin", &origin)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(proxied.status(), 200);
    assert_eq!(header(&proxied, "access-control-allow-origin"), origin);
    let exposed = header(&proxied, "access-control-expose-headers");
    for name in [
        "Docker-Content-Digest",
        "Location",
        "WWW-Authenticate",
        "Link",
        "Content-Range",
        "Range",
    ] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed}");
    }
    assert_eq!(header(&proxied, "docker-content-digest"), direct_digest);
    assert_eq!(header(&proxied, "content-type"), direct_type);
    assert_eq!(
        header(&proxied, "content-length"),
        direct_bytes.len().to_string()
    );
    let proxied_bytes = proxied.bytes().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(proxied_bytes, direct_bytes);
    assert_eq!(sha256(&proxied_bytes), seeded.index_digest);
    assert_eq!(direct_digest, seeded.index_digest.to_string());

    // HEAD keeps the length and digest headers without a body.
    let head = client()
        .head(&proxy_url)
        .header("accept", accept_manifests())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.status(), 200);
    assert_eq!(header(&head, "docker-content-digest"), direct_digest);
    assert_eq!(
        header(&head, "content-length"),
        direct_bytes.len().to_string()
    );

    // A registry error comes through with its status and body.
    let missing = client()
        .get(format!(
            "{}/proxy/{}/v2/{}/manifests/nope",
            server.url(),
            registry.host(),
            seed::REPOSITORY
        ))
        .header("accept", accept_manifests())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(missing.status(), 404);
    assert!(missing
        .text()
        .await
        .unwrap_or_default()
        .contains("MANIFEST_UNKNOWN"));
}

#[tokio::test]
async fn preflights_are_answered_by_the_proxy() {
    let registry = common::plain_registry().await;
    let server = common::server(&no_dist()).await;
    let origin = server.url();
    let url = format!(
        "{}/proxy/{}/v2/sample/x/blobs/uploads/",
        server.url(),
        registry.host()
    );
    let response = client()
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", &origin)
        .header("access-control-request-method", "PUT")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "access-control-allow-origin"), origin);
    let methods = header(&response, "access-control-allow-methods");
    for method in ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{method} not allowed: {methods}");
    }
    let headers = header(&response, "access-control-allow-headers").to_ascii_lowercase();
    for name in [
        "authorization",
        "content-type",
        "accept",
        "range",
        "content-range",
        "indexsmith-proxy",
    ] {
        assert!(headers.contains(name), "{name} not allowed: {headers}");
    }
}

/// Sends a request with a raw request line, so the path is not normalized by a client.
fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
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
async fn refuses_what_it_must_not_forward() {
    let registry = common::plain_registry().await;
    let server = common::server(&no_dist()).await;
    let host = registry.host();
    struct Case {
        name: &'static str,
        path: String,
        headers: Vec<(&'static str, &'static str)>,
        status: u16,
    }
    let cases = [
        Case {
            name: "not a /v2/ path",
            path: format!("/proxy/{host}/debug/vars"),
            headers: vec![],
            status: 403,
        },
        Case {
            name: "no path after the host",
            path: format!("/proxy/{host}"),
            headers: vec![],
            status: 403,
        },
        Case {
            name: "bare prefix",
            path: "/proxy/".to_string(),
            headers: vec![],
            status: 403,
        },
        Case {
            name: "v2 without slash",
            path: format!("/proxy/{host}/v2"),
            headers: vec![],
            status: 403,
        },
        Case {
            name: "unknown token realm",
            path: format!("/proxy-token/{host}/token"),
            headers: vec![],
            status: 403,
        },
        Case {
            name: "invalid registry host",
            path: "/proxy/user@host/v2/".to_string(),
            headers: vec![],
            status: 400,
        },
        Case {
            name: "origin of another site",
            path: format!("/proxy/{host}/v2/"),
            headers: vec![("origin", "https://evil.example")],
            status: 403,
        },
        Case {
            name: "host of another site (DNS rebinding)",
            path: format!("/proxy/{host}/v2/"),
            headers: vec![("host", "evil.example")],
            status: 421,
        },
        Case {
            name: "allowed request, for contrast",
            path: format!("/proxy/{host}/v2/"),
            headers: vec![],
            status: 200,
        },
    ];
    for case in cases {
        let mut request = client().get(format!("{}{}", server.url(), case.path));
        for (name, value) in &case.headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(response.status().as_u16(), case.status, "{}", case.name);
        if case.status == 403 {
            let body = response.text().await.unwrap_or_default();
            assert!(body.contains("DENIED"), "{}: {body}", case.name);
        }
    }
    // Dot segments would leave /v2/ once the upstream URL is normalized.
    for path in [
        format!("/proxy/{host}/v2/../debug/vars"),
        format!("/proxy/{host}/v2/%2e%2e/debug/vars"),
    ] {
        let addr = server.addr();
        let answer = tokio::task::spawn_blocking(move || raw_get(addr, &path))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(answer.starts_with("HTTP/1.1 403"), "dot segments: {answer}");
    }
}

/// Deterministic bytes that do not compress.
fn blob_bytes(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

#[tokio::test]
async fn push_through_the_proxy_follows_rewritten_locations() {
    let registry = common::plain_registry().await;
    let server = common::server(&no_dist()).await;
    let origin = server.url();
    let proxy_base = format!("{}/proxy/{}", server.url(), registry.host());
    let repository = "pushed/through-proxy";
    let first = blob_bytes(3 * 1024 * 1024 + 17);
    let second = blob_bytes(1024 * 1024);
    let whole: Vec<u8> = first.iter().chain(&second).copied().collect();
    let digest = sha256(&whole);

    // Start an upload.
    let started = client()
        .post(format!("{proxy_base}/v2/{repository}/blobs/uploads/"))
        .header("origin", &origin)
        .header("content-length", "0")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(started.status(), 202);
    let location = header(&started, "location");
    assert!(
        location.starts_with(&format!("{proxy_base}/v2/{repository}/blobs/uploads/")),
        "location not rewritten: {location}"
    );

    // Send the first chunk with PATCH to the rewritten location.
    let patched = client()
        .patch(&location)
        .header("origin", &origin)
        .header("content-type", "application/octet-stream")
        .header("content-range", format!("0-{}", first.len() - 1))
        .header("content-length", first.len().to_string())
        .body(first.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        patched.status(),
        202,
        "{}",
        patched.text().await.unwrap_or_default()
    );
    let location = header(&patched, "location");
    assert!(
        location.starts_with(&proxy_base),
        "location not rewritten: {location}"
    );
    assert_eq!(header(&patched, "range"), format!("0-{}", first.len() - 1));

    // Close it with PUT carrying the rest and the digest.
    let separator = if location.contains('?') { '&' } else { '?' };
    let put = client()
        .put(format!("{location}{separator}digest={digest}"))
        .header("origin", &origin)
        .header("content-type", "application/octet-stream")
        .header("content-length", second.len().to_string())
        .body(second.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(put.status(), 201);
    assert_eq!(header(&put, "docker-content-digest"), digest.to_string());
    assert!(
        header(&put, "location").starts_with(&proxy_base),
        "blob location not rewritten: {}",
        header(&put, "location")
    );

    // The registry has exactly those bytes.
    let direct = client()
        .get(format!("{}v2/{repository}/blobs/{digest}", registry.url()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(direct.status(), 200);
    let stored = direct.bytes().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored.len(), whole.len());
    assert_eq!(sha256(&stored), digest);

    // And the blob comes back through the proxy in full, or in part with Range.
    let whole_back = client()
        .get(format!("{proxy_base}/v2/{repository}/blobs/{digest}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(whole_back.status(), 200);
    assert_eq!(
        sha256(&whole_back.bytes().await.unwrap_or_default()),
        digest
    );
    let part = client()
        .get(format!("{proxy_base}/v2/{repository}/blobs/{digest}"))
        .header("range", "bytes=10-19")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.bytes().await.unwrap_or_default().as_ref(),
        &whole[10..20]
    );
}

#[tokio::test]
async fn catalog_pages_link_back_into_the_proxy() {
    let registry = common::plain_registry().await;
    seed::seed(client(), registry.url())
        .await
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let server = common::server(&no_dist()).await;
    let proxy_base = format!("{}/proxy/{}", server.url(), registry.host());
    let response = client()
        .get(format!("{proxy_base}/v2/_catalog?n=1"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), 200);
    let link = header(&response, "link");
    assert!(
        link.starts_with(&format!("<{proxy_base}/v2/_catalog?")),
        "link: {link}"
    );
    assert!(link.ends_with("rel=\"next\""), "link: {link}");
    let next = &link[1..link.find('>').unwrap_or(1)];
    let page = client()
        .get(next)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), 200, "next page {next}");
    let page: serde_json::Value = serde_json::from_slice(&page.bytes().await.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        page["repositories"],
        serde_json::json!([seed::PARTS_REPOSITORY]),
        "second page"
    );
}
