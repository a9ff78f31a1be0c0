//! Serving the built app over real HTTP on 127.0.0.1.

mod common;

use std::io::Write;

use common::{client, header};

const INDEX: &str =
    "<!doctype html><title>indexsmith test app</title><script src=\"/app.js\"></script>";
const WASM: &[u8] = b"\0asm\x01\0\0\0";

/// A dist directory like trunk's output: HTML, JS (with a precompressed copy), CSS and wasm.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(dir.path().join(name), bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    write("index.html", INDEX.as_bytes());
    let js = "console.log('indexsmith');\n".repeat(40);
    write("app.js", js.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(js.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    write("app.js.gz", &gz.finish().unwrap_or_else(|e| panic!("{e}")));
    write("app_bg.wasm", WASM);
    write(
        "style.css",
        "body { margin: 0; color: #123456; }\n"
            .repeat(40)
            .as_bytes(),
    );
    dir
}

#[tokio::test]
async fn serves_files_with_their_content_types() {
    let dist = dist();
    let server = common::server(dist.path()).await;
    let cases = [
        ("index", "/", "text/html"),
        ("index by name", "/index.html", "text/html"),
        ("script", "/app.js", "text/javascript"),
        ("stylesheet", "/style.css", "text/css"),
        ("webassembly", "/app_bg.wasm", "application/wasm"),
    ];
    for (name, path, content_type) in cases {
        let response = client()
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 200, "{name}");
        assert!(
            header(&response, "content-type").starts_with(content_type),
            "{name}: {}",
            header(&response, "content-type")
        );
        let file = if path == "/" {
            "index.html"
        } else {
            &path[1..]
        };
        let expected =
            std::fs::read(dist.path().join(file)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let body = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(body.as_ref(), expected.as_slice(), "{name}");
    }
}

#[tokio::test]
async fn app_routes_fall_back_to_index_and_missing_assets_do_not() {
    let dist = dist();
    let server = common::server(dist.path()).await;
    struct Case {
        name: &'static str,
        path: &'static str,
        accept: &'static str,
        status: u16,
        index: bool,
    }
    let cases = [
        Case {
            name: "route",
            path: "/inspect/sample",
            accept: "*/*",
            status: 200,
            index: true,
        },
        Case {
            name: "deep route",
            path: "/a/b/c",
            accept: "*/*",
            status: 200,
            index: true,
        },
        Case {
            name: "navigation to a reference with a dot",
            path: "/inspect/docker.io/library/alpine:3.20",
            accept: "text/html,application/xhtml+xml",
            status: 200,
            index: true,
        },
        Case {
            name: "missing script",
            path: "/missing.js",
            accept: "*/*",
            status: 404,
            index: false,
        },
        Case {
            name: "missing wasm",
            path: "/pkg/missing.wasm",
            accept: "*/*",
            status: 404,
            index: false,
        },
    ];
    for case in cases {
        let response = client()
            .get(format!("{}{}", server.url(), case.path))
            .header("accept", case.accept)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(response.status().as_u16(), case.status, "{}", case.name);
        let body = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(body == INDEX, case.index, "{}: {body}", case.name);
    }
}

#[tokio::test]
async fn compresses_precompressed_and_on_the_fly() {
    let dist = dist();
    let server = common::server(dist.path()).await;
    let cases = [
        (
            "precompressed gzip",
            "/app.js",
            "gzip",
            "gzip",
            Some("app.js.gz"),
        ),
        ("on-the-fly brotli", "/style.css", "br", "br", None),
        (
            "identity when not asked",
            "/style.css",
            "identity",
            "",
            Some("style.css"),
        ),
    ];
    for (name, path, accept, encoding, file) in cases {
        let response = client()
            .get(format!("{}{path}", server.url()))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(header(&response, "content-encoding"), encoding, "{name}");
        let body = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(file) = file {
            let expected =
                std::fs::read(dist.path().join(file)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(body.as_ref(), expected.as_slice(), "{name}");
        } else {
            let original = std::fs::read(dist.path().join(&path[1..]))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                body.len() < original.len(),
                "{name}: {} bytes compressed, {} original",
                body.len(),
                original.len()
            );
        }
    }
}

#[tokio::test]
async fn without_a_built_app_a_page_says_so() {
    let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = common::server(&empty.path().join("dist")).await;
    for path in ["/", "/some/route"] {
        let response = client()
            .get(format!("{}{path}", server.url()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(response.status(), 200, "{path}");
        let body = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(body.contains("is not built"), "{path}: {body}");
    }
}

/// A reload revalidates the page: the 304's headers replace the kept page's, so they must carry
/// the same policy (the inline loader's hash), or the browser refuses the loader and shows nothing.
#[tokio::test]
async fn a_revalidated_page_keeps_its_policy() {
    let dist = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let page = "<!doctype html><title>t</title><script type=\"module\">import('/app.js')</script>";
    std::fs::write(dist.path().join("index.html"), page).unwrap_or_else(|e| panic!("{e}"));
    let server = common::server(dist.path()).await;
    let first = client()
        .get(format!("{}/", server.url()))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.status(), 200);
    let policy = header(&first, "content-security-policy");
    assert!(
        policy.contains("'sha256-"),
        "the page's policy allows its loader: {policy}"
    );
    let modified = header(&first, "last-modified");
    assert!(
        !modified.is_empty(),
        "the page has a Last-Modified to revalidate with"
    );

    let again = client()
        .get(format!("{}/", server.url()))
        .header("accept", "text/html")
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "content-security-policy"), policy);
}
