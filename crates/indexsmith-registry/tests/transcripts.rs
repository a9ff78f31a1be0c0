//! Transcript tests of the sans-IO machines: recorded responses in, expected next request out.
//! No network, no clock, no sleeps.
#![allow(clippy::type_complexity, clippy::result_large_err)] // case tables are tuples

use indexsmith::digest::{sha256, Digest};
use indexsmith_registry::ops::{
    ChildAction, CreateIndex, FetchManifest, Inspect, ListReferrers, ListTags, NestedIndex,
    Transfer, TransferOutput, MANIFEST_ACCEPT,
};
use indexsmith_registry::{
    Body, Credentials, FailureKind, ManifestRef, Method, Operation, Repository, Request, Response,
    Session, SessionConfig, TransportFailure,
};
use std::collections::HashMap;

const NOW: u64 = 1_700_000_000;

/// What the next request must look like, and the answer it gets.
struct Step {
    method: Method,
    url: String,
    /// Headers that must be present with these values.
    has: Vec<(&'static str, String)>,
    /// Headers that must be absent.
    lacks: Vec<&'static str>,
    answer: Answer,
}

enum Answer {
    Respond(Response),
    /// A 200 whose body the driver holds for streaming.
    Held(Vec<u8>),
    Fail(FailureKind),
}

fn step(method: Method, url: impl Into<String>, answer: Answer) -> Step {
    Step {
        method,
        url: url.into(),
        has: Vec::new(),
        lacks: Vec::new(),
        answer,
    }
}

impl Step {
    fn has(mut self, name: &'static str, value: impl Into<String>) -> Step {
        self.has.push((name, value.into()));
        self
    }
    fn lacks(mut self, name: &'static str) -> Step {
        self.lacks.push(name);
        self
    }
}

fn ok(status: u16) -> Response {
    Response::new(status)
}

/// Runs an operation against a transcript. Requests may come in any order within what is
/// pending; each step takes the pending request that matches its method and URL. Returns the
/// output, the bodies sent (by URL), and the largest number of requests pending at once.
struct Run<T> {
    output: Result<T, indexsmith_registry::RegistryError>,
    sent: Vec<(Method, String, Vec<u8>)>,
    max_pending: usize,
    /// Requests handed out and not answered when the output came.
    pending: Vec<Request>,
}

fn run<O: Operation>(
    name: &str,
    session: &mut Session,
    op: &mut O,
    steps: Vec<Step>,
    now: u64,
) -> Run<O::Output> {
    run_with(name, session, op, steps, now, Hashing::Operation)
}

/// Who hashes streamed bytes: the operation (`handle_stream_data`), or the driver, which passes
/// lengths and then the digest it computed (`handle_stream_len`, `handle_stream_digest`).
#[derive(Clone, Copy, PartialEq)]
enum Hashing {
    Operation,
    Driver,
}

/// Passes one streamed chunk to the operation as a driver hashing with `hashing` does; `hashers`
/// keeps the driver's running hash per source.
fn pass_stream_chunk<O: Operation>(
    op: &mut O,
    hashing: Hashing,
    hashers: &mut HashMap<u64, Vec<u8>>,
    source: indexsmith_registry::RequestId,
    chunk: &[u8],
) -> Result<(), indexsmith_registry::RegistryError> {
    if hashing == Hashing::Operation {
        return op.handle_stream_data(source, chunk);
    }
    // The driver's hasher: here it keeps the bytes and hashes them at the end.
    let seen = hashers.entry(source.0).or_default();
    seen.extend_from_slice(chunk);
    if op.handle_stream_len(source, chunk.len() as u64)? {
        let expected = op
            .stream_digest(source)
            .expect("a digest for a streamed blob");
        assert_eq!(expected.algorithm().to_string(), "sha256");
        op.handle_stream_digest(source, &sha256(seen).to_string())?;
    }
    Ok(())
}

fn run_with<O: Operation>(
    name: &str,
    session: &mut Session,
    op: &mut O,
    steps: Vec<Step>,
    now: u64,
    hashing: Hashing,
) -> Run<O::Output> {
    let mut hashers: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut pending: Vec<Request> = Vec::new();
    let mut held: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut sent = Vec::new();
    let mut max_pending = 0;
    let mut steps = steps.into_iter().enumerate();
    loop {
        while let Some(r) = op.poll_request(session, now) {
            pending.push(r);
        }
        max_pending = max_pending.max(pending.len());
        if let Some(out) = op.poll_output() {
            let rest: Vec<String> = steps
                .map(|(i, s)| format!("step {i}: {} {}", s.method, s.url))
                .collect();
            assert!(
                rest.is_empty(),
                "{name}: finished with steps left: {rest:?}"
            );
            return Run {
                output: out,
                sent,
                max_pending,
                pending,
            };
        }
        let Some((i, s)) = steps.next() else {
            panic!(
                "{name}: transcript ended; pending: {:?}",
                pending
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.url))
                    .collect::<Vec<_>>()
            );
        };
        let Some(pos) = pending
            .iter()
            .position(|r| r.method == s.method && r.url == s.url)
        else {
            panic!(
                "{name}: step {i} expects {} {}; pending: {:?}",
                s.method,
                s.url,
                pending
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.url))
                    .collect::<Vec<_>>()
            );
        };
        let request = pending.remove(pos);
        for (h, v) in &s.has {
            assert_eq!(
                request.header(h),
                Some(v.as_str()),
                "{name}: step {i} header {h}"
            );
        }
        for h in &s.lacks {
            assert_eq!(
                request.header(h),
                None,
                "{name}: step {i} must not send {h}"
            );
        }
        let body = match &request.body {
            Body::Bytes(b) => b.clone(),
            Body::Stream {
                source,
                offset,
                len,
            } => {
                let bytes = held
                    .get(&source.0)
                    .unwrap_or_else(|| panic!("{name}: step {i} streams from unknown {source}"));
                let chunk = bytes[*offset as usize..(*offset + *len) as usize].to_vec();
                if let Err(e) = pass_stream_chunk(op, hashing, &mut hashers, *source, &chunk) {
                    // The request must not be sent; the operation has failed.
                    let out = op.poll_output().expect("output after a refused stream");
                    assert!(out.is_err(), "{name}: {e}");
                    return Run {
                        output: out,
                        sent,
                        max_pending,
                        pending,
                    };
                }
                chunk
            }
            _ => Vec::new(),
        };
        sent.push((request.method, request.url.clone(), body));
        match s.answer {
            Answer::Respond(r) => op.handle_response(session, request.id, r, now),
            Answer::Held(bytes) => {
                let len = bytes.len();
                held.insert(request.id.0, bytes);
                let r = Response {
                    status: 200,
                    headers: vec![("Content-Length".into(), len.to_string())],
                    body: Body::Held,
                };
                op.handle_response(session, request.id, r, now);
            }
            Answer::Fail(kind) => op.handle_failure(
                session,
                request.id,
                TransportFailure::new(kind, "refused"),
                now,
            ),
        }
    }
}

const REG: &str = "http://127.0.0.1:5000/v2";

fn repo(path: &str) -> Repository {
    Repository::new("127.0.0.1:5000", path)
}

fn image(config: &[u8], layers: &[&[u8]]) -> Vec<u8> {
    let layers: Vec<String> = layers
        .iter()
        .map(|l| format!(r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":{}}}"#, sha256(l), l.len()))
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{}]}}"#,
        sha256(config),
        config.len(),
        layers.join(",")
    )
    .into_bytes()
}

fn index(children: &[(&[u8], &str)]) -> Vec<u8> {
    let entries: Vec<String> = children
        .iter()
        .map(|(m, arch)| format!(r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"platform":{{"os":"linux","architecture":"{arch}"}}}}"#, sha256(m), m.len()))
        .collect();
    format!(r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#, entries.join(",")).into_bytes()
}

fn manifest_response(bytes: &[u8], media_type: &str) -> Response {
    ok(200)
        .with_header("Content-Type", media_type)
        .with_header("Docker-Content-Digest", sha256(bytes).to_string())
        .with_body(bytes.to_vec())
}

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

fn bearer_challenge(scope: &str) -> Response {
    ok(401).with_header(
        "WWW-Authenticate",
        format!(r#"Bearer realm="http://127.0.0.1:6000/token",service="reg",scope="{scope}""#),
    )
}

#[test]
fn fetch_manifest_transcripts() {
    let m = image(b"{}", &[b"layer"]);
    let d = sha256(&m);
    let mut other = m.clone();
    other.push(b' ');
    struct Case {
        name: &'static str,
        reference: ManifestRef,
        credentials: Option<Credentials>,
        steps: Vec<Step>,
        expect: Result<Digest, &'static str>,
    }
    let cases = vec![
        Case {
            name: "by tag, anonymous",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(manifest_response(&m, OCI_MANIFEST))).has("Accept", MANIFEST_ACCEPT).lacks("Authorization")],
            expect: Ok(d.clone()),
        },
        Case {
            name: "by tag, anonymous token",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(bearer_challenge("repository:a:pull"))),
                step(Method::Get, "http://127.0.0.1:6000/token?service=reg&scope=repository%3Aa%3Apull", Answer::Respond(ok(200).with_body(r#"{"access_token":"tok"}"#))).lacks("Authorization"),
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(manifest_response(&m, OCI_MANIFEST))).has("Authorization", "Bearer tok"),
            ],
            expect: Ok(d.clone()),
        },
        Case {
            name: "by tag, token with credentials to a loopback http realm",
            reference: ManifestRef::Tag("v1".into()),
            credentials: Some(Credentials::new("u", "p")),
            steps: vec![
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(bearer_challenge("repository:a:pull"))),
                step(Method::Get, "http://127.0.0.1:6000/token?service=reg&scope=repository%3Aa%3Apull", Answer::Respond(ok(200).with_body(r#"{"token":"tok2","expires_in":300}"#))).has("Authorization", "Basic dTpw"),
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(manifest_response(&m, OCI_MANIFEST))).has("Authorization", "Bearer tok2"),
            ],
            expect: Ok(d.clone()),
        },
        Case {
            name: "basic auth",
            reference: ManifestRef::Tag("v1".into()),
            credentials: Some(Credentials::new("u", "p")),
            steps: vec![
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(401).with_header("WWW-Authenticate", r#"Basic realm="Registry""#))),
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(manifest_response(&m, OCI_MANIFEST))).has("Authorization", "Basic dTpw"),
            ],
            expect: Ok(d.clone()),
        },
        Case {
            name: "basic auth, wrong password",
            reference: ManifestRef::Tag("v1".into()),
            credentials: Some(Credentials::new("u", "bad")),
            steps: vec![
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(401).with_header("WWW-Authenticate", r#"Basic realm="Registry""#))),
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(401).with_header("WWW-Authenticate", r#"Basic realm="Registry""#).with_body(r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#))),
            ],
            expect: Err("UNAUTHORIZED"),
        },
        Case {
            name: "basic challenge without credentials",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(401).with_header("WWW-Authenticate", r#"Basic realm="Registry""#)))],
            expect: Err("UNAUTHORIZED"),
        },
        Case {
            name: "token service refuses credentials",
            reference: ManifestRef::Tag("v1".into()),
            credentials: Some(Credentials::new("u", "bad")),
            steps: vec![
                step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(bearer_challenge("repository:a:pull"))),
                step(Method::Get, "http://127.0.0.1:6000/token?service=reg&scope=repository%3Aa%3Apull", Answer::Respond(ok(401))),
            ],
            expect: Err("UNAUTHORIZED"),
        },
        Case {
            name: "by digest, altered bytes",
            reference: ManifestRef::Digest(d.clone()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/{d}"), Answer::Respond(ok(200).with_header("Content-Type", OCI_MANIFEST).with_body(other.clone())))],
            expect: Err("DIGEST_MISMATCH"),
        },
        Case {
            name: "by tag, bytes differ from Docker-Content-Digest",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(200).with_header("Docker-Content-Digest", d.to_string()).with_body(other.clone())))],
            expect: Err("DIGEST_MISMATCH"),
        },
        Case {
            name: "manifest unknown",
            reference: ManifestRef::Tag("nope".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/nope"), Answer::Respond(ok(404).with_body(r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#)))],
            expect: Err("MANIFEST_UNKNOWN"),
        },
        Case {
            name: "an HTML page",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Respond(ok(200).with_header("Content-Type", "text/html; charset=utf-8").with_body("<!doctype html><p>hi")))],
            expect: Err("NOT_A_REGISTRY"),
        },
        Case {
            name: "connection refused",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Fail(FailureKind::Network))],
            expect: Err("NETWORK"),
        },
        Case {
            name: "timeout",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Fail(FailureKind::Timeout))],
            expect: Err("TIMEOUT"),
        },
        Case {
            name: "CORS blocked",
            reference: ManifestRef::Tag("v1".into()),
            credentials: None,
            steps: vec![step(Method::Get, format!("{REG}/a/manifests/v1"), Answer::Fail(FailureKind::CorsBlocked))],
            expect: Err("CORS_BLOCKED"),
        },
    ];
    for case in cases {
        let mut session = Session::new(SessionConfig::default());
        if let Some(c) = case.credentials {
            session.set_credentials("127.0.0.1:5000", c);
        }
        let mut op = FetchManifest::new(&session, &repo("a"), case.reference);
        let run = run(case.name, &mut session, &mut op, case.steps, NOW);
        match (run.output, case.expect) {
            (Ok(m), Ok(d)) => assert_eq!(m.digest, d, "{}", case.name),
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{}: {e}", case.name),
            (got, want) => panic!("{}: got {got:?}, want {want:?}", case.name),
        }
    }
}

#[test]
fn credentials_stay_with_their_hosts() {
    let m = image(b"{}", &[]);
    // An https registry whose realm is plain http: the token request goes without credentials.
    let mut session = Session::new(SessionConfig::default());
    session.set_credentials("registry.example", Credentials::new("u", "p"));
    let r = Repository::new("registry.example", "a");
    let mut op = FetchManifest::new(&session, &r, ManifestRef::Tag("v1".into()));
    let steps = vec![
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(ok(401).with_header(
                "WWW-Authenticate",
                r#"Bearer realm="http://auth.example/token",service="s""#,
            )),
        ),
        step(
            Method::Get,
            "http://auth.example/token?service=s&scope=repository%3Aa%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"t"}"#)),
        )
        .lacks("Authorization"),
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Bearer t"),
    ];
    assert!(run("http realm", &mut session, &mut op, steps, NOW)
        .output
        .is_ok());

    // An https realm gets them.
    let mut session = Session::new(SessionConfig::default());
    session.set_credentials("registry.example", Credentials::new("u", "p"));
    let mut op = FetchManifest::new(&session, &r, ManifestRef::Tag("v1".into()));
    let steps = vec![
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(ok(401).with_header(
                "WWW-Authenticate",
                r#"Bearer realm="https://auth.example/token",service="s""#,
            )),
        ),
        step(
            Method::Get,
            "https://auth.example/token?service=s&scope=repository%3Aa%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"t"}"#)),
        )
        .has("Authorization", "Basic dTpw"),
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Bearer t"),
    ];
    assert!(run("https realm", &mut session, &mut op, steps, NOW)
        .output
        .is_ok());

    // A redirect to another host gets no Authorization; the same host keeps it.
    let mut session = Session::new(SessionConfig::default());
    session.set_credentials("registry.example", Credentials::new("u", "p"));
    let mut op = Inspect::new(&session, &r, ManifestRef::Tag("v1".into()));
    let config = br#"{"os":"linux","architecture":"amd64"}"#;
    let m = image(config, &[]);
    let steps = vec![
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(ok(401).with_header("WWW-Authenticate", r#"Basic realm="r""#)),
        ),
        step(
            Method::Get,
            "https://registry.example/v2/a/manifests/v1",
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Basic dTpw"),
        step(
            Method::Get,
            format!("https://registry.example/v2/a/blobs/{}", sha256(config)),
            Answer::Respond(ok(307).with_header("Location", "https://cdn.example/blob?sig=1")),
        )
        .has("Authorization", "Basic dTpw"),
        step(
            Method::Get,
            "https://cdn.example/blob?sig=1",
            Answer::Respond(ok(200).with_body(config.to_vec())),
        )
        .lacks("Authorization"),
    ];
    let out = run("redirect", &mut session, &mut op, steps, NOW)
        .output
        .unwrap();
    assert_eq!(
        out.image.unwrap().config_platform.unwrap().to_string(),
        "linux/amd64"
    );

    // Docker Hub: docker.io is served by registry-1.docker.io over https.
    let mut session = Session::new(SessionConfig::default());
    let hub = Repository::new("docker.io", "library/alpine");
    let mut op = FetchManifest::new(&session, &hub, ManifestRef::Tag("3".into()));
    let m = image(b"{}", &[]);
    let steps = vec![step(
        Method::Get,
        "https://registry-1.docker.io/v2/library/alpine/manifests/3",
        Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
    )];
    assert!(run("docker hub", &mut session, &mut op, steps, NOW)
        .output
        .is_ok());
}

#[test]
fn tokens_are_cached_per_scope_until_expiry() {
    let m = image(b"{}", &[]);
    let mut session = Session::new(SessionConfig::default());
    let first = vec![
        step(
            Method::Get,
            format!("{REG}/a/manifests/v1"),
            Answer::Respond(bearer_challenge("repository:a:pull")),
        ),
        step(
            Method::Get,
            "http://127.0.0.1:6000/token?service=reg&scope=repository%3Aa%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"t1","expires_in":100}"#)),
        ),
        step(
            Method::Get,
            format!("{REG}/a/manifests/v1"),
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Bearer t1"),
    ];
    let mut op = FetchManifest::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
    assert!(run("first", &mut session, &mut op, first, NOW)
        .output
        .is_ok());
    assert_eq!(session.cached_tokens(), 1);

    // Same scope, still valid: the cached token goes out at once.
    let mut op = FetchManifest::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
    let again = vec![step(
        Method::Get,
        format!("{REG}/a/manifests/v1"),
        Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
    )
    .has("Authorization", "Bearer t1")];
    assert!(run("cached", &mut session, &mut op, again, NOW + 50)
        .output
        .is_ok());

    // Another scope: the registry is known to want tokens, so one is fetched before asking.
    let mut op = FetchManifest::new(&session, &repo("b"), ManifestRef::Tag("v1".into()));
    let other = vec![
        step(
            Method::Get,
            "http://127.0.0.1:6000/token?service=reg&scope=repository%3Ab%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"t2"}"#)),
        ),
        step(
            Method::Get,
            format!("{REG}/b/manifests/v1"),
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Bearer t2"),
    ];
    assert!(run("other scope", &mut session, &mut op, other, NOW + 50)
        .output
        .is_ok());

    // Expired: fetched again.
    let mut op = FetchManifest::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
    let expired = vec![
        step(
            Method::Get,
            "http://127.0.0.1:6000/token?service=reg&scope=repository%3Aa%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"t3"}"#)),
        ),
        step(
            Method::Get,
            format!("{REG}/a/manifests/v1"),
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        )
        .has("Authorization", "Bearer t3"),
    ];
    assert!(run("expired", &mut session, &mut op, expired, NOW + 200)
        .output
        .is_ok());
}

#[test]
fn tags_follow_link_pagination() {
    let mut session = Session::new(SessionConfig::default());
    let mut op = ListTags::new(&session, &repo("a"), Some(2));
    let steps = vec![
        step(
            Method::Get,
            format!("{REG}/a/tags/list?n=2"),
            Answer::Respond(
                ok(200)
                    .with_header("Link", r#"</v2/a/tags/list?n=2&last=b>; rel="next""#)
                    .with_body(r#"{"name":"a","tags":["a","b"]}"#),
            ),
        ),
        step(
            Method::Get,
            format!("{REG}/a/tags/list?n=2&last=b"),
            Answer::Respond(
                ok(200)
                    .with_header("Link", r#"</v2/a/tags/list?n=2&last=d>; rel="next""#)
                    .with_body(r#"{"name":"a","tags":["c","d"]}"#),
            ),
        ),
        step(
            Method::Get,
            format!("{REG}/a/tags/list?n=2&last=d"),
            Answer::Respond(ok(200).with_body(r#"{"name":"a","tags":["e"]}"#)),
        ),
    ];
    let tags = run("pages", &mut session, &mut op, steps, NOW)
        .output
        .unwrap();
    assert_eq!(tags, ["a", "b", "c", "d", "e"]);
    assert_eq!(op.pages(), 3);

    let mut op = ListTags::new(&session, &repo("a"), None);
    let steps = vec![step(
        Method::Get,
        format!("{REG}/a/tags/list"),
        Answer::Respond(
            ok(200)
                .with_header("Link", r#"</v2/a/tags/list>; rel="next""#)
                .with_body(r#"{"tags":["a"]}"#),
        ),
    )];
    let err = run("loop", &mut session, &mut op, steps, NOW)
        .output
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_RESPONSE");

    let mut op = ListTags::new(&session, &repo("a"), None);
    let steps = vec![step(Method::Get, format!("{REG}/a/tags/list"), Answer::Respond(ok(404).with_body(r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#)))];
    assert_eq!(
        run("unknown", &mut session, &mut op, steps, NOW)
            .output
            .unwrap_err()
            .code(),
        "NAME_UNKNOWN"
    );
}

#[test]
fn referrers_fall_back_to_the_tag_schema() {
    let subject = sha256(b"subject");
    let tag = format!("sha256-{}", subject.encoded());
    let artifact = image(b"{}", &[]);
    let referrers = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"artifactType":"application/vnd.example.sbom"}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":1,"artifactType":"application/vnd.example.sig"}}]}}"#,
        sha256(&artifact),
        artifact.len(),
        sha256(b"x")
    )
    .into_bytes();
    let cases: Vec<(&str, Option<&str>, Vec<Step>, usize, bool)> = vec![
        (
            "api",
            None,
            vec![step(
                Method::Get,
                format!("{REG}/a/referrers/{subject}"),
                Answer::Respond(
                    ok(200)
                        .with_header("Content-Type", OCI_INDEX)
                        .with_body(referrers.clone()),
                ),
            )
            .has("Accept", OCI_INDEX)],
            2,
            false,
        ),
        (
            "api, filter applied by the client",
            Some("application/vnd.example.sig"),
            vec![step(
                Method::Get,
                format!("{REG}/a/referrers/{subject}?artifactType=application%2Fvnd.example.sig"),
                Answer::Respond(ok(200).with_body(referrers.clone())),
            )],
            1,
            false,
        ),
        (
            "fallback tag",
            None,
            vec![
                step(
                    Method::Get,
                    format!("{REG}/a/referrers/{subject}"),
                    Answer::Respond(ok(404).with_body("404 page not found")),
                ),
                step(
                    Method::Get,
                    format!("{REG}/a/manifests/{tag}"),
                    Answer::Respond(manifest_response(&referrers, OCI_INDEX)),
                ),
            ],
            2,
            true,
        ),
        (
            "no fallback tag",
            None,
            vec![
                step(
                    Method::Get,
                    format!("{REG}/a/referrers/{subject}"),
                    Answer::Respond(ok(404)),
                ),
                step(
                    Method::Get,
                    format!("{REG}/a/manifests/{tag}"),
                    Answer::Respond(
                        ok(404).with_body(r#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#),
                    ),
                ),
            ],
            0,
            true,
        ),
    ];
    for (name, filter, steps, count, from_tag) in cases {
        let mut session = Session::new(SessionConfig::default());
        let mut op = ListReferrers::new(
            &session,
            &repo("a"),
            subject.clone(),
            filter.map(str::to_owned),
        );
        let out = run(name, &mut session, &mut op, steps, NOW)
            .output
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.descriptors.len(), count, "{name}");
        assert_eq!(out.from_tag_schema, from_tag, "{name}");
    }
}

#[test]
fn inspect_issues_child_requests_together() {
    let configs: Vec<Vec<u8>> = ["amd64", "arm64", "s390x", "ppc64le"]
        .iter()
        .map(|a| format!(r#"{{"os":"linux","architecture":"{a}"}}"#).into_bytes())
        .collect();
    let manifests: Vec<Vec<u8>> = configs
        .iter()
        .map(|c| image(c, &[b"l1", b"layer2"]))
        .collect();
    let idx = index(&[
        (&manifests[0], "amd64"),
        (&manifests[1], "arm64"),
        (&manifests[2], "s390x"),
        (&manifests[3], "ppc64le"),
    ]);
    let mut steps = vec![step(
        Method::Get,
        format!("{REG}/a/manifests/v1"),
        Answer::Respond(manifest_response(&idx, OCI_INDEX)),
    )];
    for m in &manifests {
        steps.push(step(
            Method::Get,
            format!("{REG}/a/manifests/{}", sha256(m)),
            Answer::Respond(manifest_response(m, OCI_MANIFEST)),
        ));
    }
    for c in &configs {
        steps.push(step(
            Method::Get,
            format!("{REG}/a/blobs/{}", sha256(c)),
            Answer::Respond(ok(200).with_body(c.clone())),
        ));
    }
    let mut session = Session::new(SessionConfig::default());
    let mut op = Inspect::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
    let run = run("inspect", &mut session, &mut op, steps, NOW);
    let out = run.output.unwrap();
    assert_eq!(
        run.max_pending, 4,
        "all four child manifests requested before any answer"
    );
    assert_eq!(out.children.len(), 4);
    let platforms: Vec<String> = out
        .children
        .iter()
        .map(|c| {
            c.image
                .as_ref()
                .unwrap()
                .config_platform
                .as_ref()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        platforms,
        ["linux/amd64", "linux/arm64", "linux/s390x", "linux/ppc64le"]
    );
    let first = out.children[0].image.as_ref().unwrap();
    assert_eq!((first.layer_count, first.layers_size), (2, 8));

    // A config that does not match its digest fails the inspect.
    let mut session = Session::new(SessionConfig::default());
    let mut op = Inspect::new(
        &session,
        &repo("a"),
        ManifestRef::Digest(sha256(&manifests[0])),
    );
    let steps = vec![
        step(
            Method::Get,
            format!("{REG}/a/manifests/{}", sha256(&manifests[0])),
            Answer::Respond(manifest_response(&manifests[0], OCI_MANIFEST)),
        ),
        step(
            Method::Get,
            format!("{REG}/a/blobs/{}", sha256(&configs[0])),
            Answer::Respond(ok(200).with_body(configs[1].clone())),
        ),
    ];
    let err = self::run("bad config", &mut session, &mut op, steps, NOW)
        .output
        .unwrap_err();
    assert_eq!(err.code(), "DIGEST_MISMATCH");
}

#[test]
fn inspect_requests_each_config_as_soon_as_its_child_arrives() {
    // Children answer in a given order (the rest still pending); after each answer the only new
    // request is that child's config, not held back until every child has answered. Configs then
    // answer in another order, and the result keeps index order.
    let arches = ["amd64", "arm64", "s390x"];
    let configs: Vec<Vec<u8>> = arches
        .iter()
        .map(|a| format!(r#"{{"os":"linux","architecture":"{a}"}}"#).into_bytes())
        .collect();
    let manifests: Vec<Vec<u8>> = configs.iter().map(|c| image(c, &[b"layer"])).collect();
    let idx = index(&[
        (&manifests[0], arches[0]),
        (&manifests[1], arches[1]),
        (&manifests[2], arches[2]),
    ]);
    let child_url = |i: usize| format!("{REG}/a/manifests/{}", sha256(&manifests[i]));
    let config_url = |i: usize| format!("{REG}/a/blobs/{}", sha256(&configs[i]));
    let cases: [(&str, [usize; 3], [usize; 3]); 3] = [
        ("in index order", [0, 1, 2], [0, 1, 2]),
        ("last child first", [2, 0, 1], [1, 2, 0]),
        ("reversed", [2, 1, 0], [0, 1, 2]),
    ];
    for (name, child_order, config_order) in cases {
        let mut session = Session::new(SessionConfig::default());
        let mut op = Inspect::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
        let poll = |op: &mut Inspect, session: &mut Session| {
            let mut out = Vec::new();
            while let Some(r) = op.poll_request(session, NOW) {
                out.push(r);
            }
            out
        };
        let root = poll(&mut op, &mut session);
        assert_eq!(
            root.iter().map(|r| r.url.clone()).collect::<Vec<_>>(),
            [format!("{REG}/a/manifests/v1")],
            "{name}: the index first"
        );
        op.handle_response(
            &mut session,
            root[0].id,
            manifest_response(&idx, OCI_INDEX),
            NOW,
        );
        let mut children = poll(&mut op, &mut session);
        assert_eq!(
            children.iter().map(|r| r.url.clone()).collect::<Vec<_>>(),
            (0..3).map(child_url).collect::<Vec<_>>(),
            "{name}: every child at once"
        );
        let mut config_requests = Vec::new();
        for (n, &i) in child_order.iter().enumerate() {
            let pos = children
                .iter()
                .position(|r| r.url == child_url(i))
                .unwrap_or_else(|| panic!("{name}: child {i} was requested"));
            let request = children.remove(pos);
            op.handle_response(
                &mut session,
                request.id,
                manifest_response(&manifests[i], OCI_MANIFEST),
                NOW,
            );
            let next = poll(&mut op, &mut session);
            assert_eq!(
                next.iter().map(|r| r.url.clone()).collect::<Vec<_>>(),
                [config_url(i)],
                "{name}: after child {i} (answer {n}), with {} children still pending, its config alone",
                children.len()
            );
            assert!(
                op.poll_output().is_none(),
                "{name}: not finished before the configs"
            );
            config_requests.push((i, next.into_iter().next().expect("one request")));
        }
        for &i in &config_order {
            let pos = config_requests
                .iter()
                .position(|(c, _)| *c == i)
                .expect("config requested");
            let (_, request) = config_requests.remove(pos);
            op.handle_response(
                &mut session,
                request.id,
                ok(200).with_body(configs[i].clone()),
                NOW,
            );
            assert!(
                poll(&mut op, &mut session).is_empty(),
                "{name}: nothing more to request after config {i}"
            );
        }
        let out = op
            .poll_output()
            .unwrap_or_else(|| panic!("{name}: finished"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let platforms: Vec<String> = out
            .children
            .iter()
            .map(|c| {
                c.image
                    .as_ref()
                    .unwrap()
                    .config_platform
                    .as_ref()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            platforms,
            ["linux/amd64", "linux/arm64", "linux/s390x"],
            "{name}: index order"
        );
    }
}

#[test]
fn create_index_reads_platforms_from_configs() {
    let config = br#"{"os":"linux","architecture":"arm","variant":"v7"}"#.to_vec();
    let m = image(&config, &[b"l"]);
    let other = image(br#"{"os":"linux","architecture":"amd64"}"#, &[]);
    let idx = index(&[(&other, "amd64")]);
    let sources = vec![
        (repo("a"), ManifestRef::Tag("arm".into())),
        (repo("b"), ManifestRef::Tag("multi".into())),
    ];
    let steps = || {
        vec![
            step(
                Method::Get,
                format!("{REG}/a/manifests/arm"),
                Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
            ),
            step(
                Method::Get,
                format!("{REG}/b/manifests/multi"),
                Answer::Respond(manifest_response(&idx, OCI_INDEX)),
            ),
            step(
                Method::Get,
                format!("{REG}/a/blobs/{}", sha256(&config)),
                Answer::Respond(ok(200).with_body(config.clone())),
            ),
        ]
    };
    let mut session = Session::new(SessionConfig::default());
    let mut op = CreateIndex::new(&session, sources.clone(), NestedIndex::Flatten);
    let entries = run("flatten", &mut session, &mut op, steps(), NOW)
        .output
        .unwrap();
    let got: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e.source.path.clone(),
                e.descriptor.digest.to_string(),
                e.descriptor.platform.as_ref().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a".into(), sha256(&m).to_string(), "linux/arm/v7".into()),
            ("b".into(), sha256(&other).to_string(), "linux/amd64".into())
        ]
    );
    assert_eq!(entries[0].descriptor.size, m.len() as u64);
    assert_eq!(
        entries[0].manifest.as_deref(),
        Some(m.as_slice()),
        "a referenced image keeps its exact bytes"
    );
    assert_eq!(
        entries[1].manifest, None,
        "a flattened child was not fetched"
    );

    let mut op = CreateIndex::new(&session, sources, NestedIndex::Refuse);
    let steps = vec![
        step(
            Method::Get,
            format!("{REG}/a/manifests/arm"),
            Answer::Respond(manifest_response(&m, OCI_MANIFEST)),
        ),
        step(
            Method::Get,
            format!("{REG}/b/manifests/multi"),
            Answer::Respond(manifest_response(&idx, OCI_INDEX)),
        ),
    ];
    assert_eq!(
        run("refuse", &mut session, &mut op, steps, NOW)
            .output
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
}

/// An index with one child in `src`, pushed to `dst` on the same registry.
struct Fixture {
    config: Vec<u8>,
    layer: Vec<u8>,
    child: Vec<u8>,
    index: Vec<u8>,
}

fn fixture() -> Fixture {
    let config = br#"{"os":"linux","architecture":"amd64"}"#.to_vec();
    let layer = b"0123456789".to_vec();
    let child = image(&config, &[&layer]);
    let index = index(&[(&child, "amd64")]);
    Fixture {
        config,
        layer,
        child,
        index,
    }
}

#[test]
fn push_mounts_then_pushes_children_then_the_index() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        f.index.clone(),
        OCI_INDEX,
        Some(repo("src")),
    );
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/src/manifests/{dc}"),
            Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{dconf}"),
            Answer::Respond(ok(200)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{dlayer}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Post,
            format!(
                "{REG}/dst/blobs/uploads/?mount={}&from=src",
                dlayer.to_string().replace(':', "%3A")
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(201).with_header("Docker-Content-Digest", dc.to_string())),
        )
        .has("Content-Type", OCI_MANIFEST),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/v1"),
            Answer::Respond(ok(201).with_header("Docker-Content-Digest", di.to_string())),
        )
        .has("Content-Type", OCI_INDEX),
    ];
    let run = run("mount", &mut session, &mut op, steps, NOW);
    let TransferOutput::Pushed(report) = run.output.unwrap() else {
        panic!("not a push")
    };
    assert_eq!(
        (
            report.blobs_present,
            report.blobs_mounted,
            report.blobs_uploaded,
            report.bytes_uploaded
        ),
        (1, 1, 0, 0)
    );
    assert_eq!((report.manifests_pushed, report.digest), (2, Some(di)));
    let mut events = Vec::new();
    while let Some(e) = op.poll_event() {
        events.push(e);
    }
    assert!(
        matches!(events.last(), Some(indexsmith_registry::Event::ManifestPushed { tag: Some(t), .. }) if t == "v1")
    );
}

#[test]
fn push_falls_back_to_a_streamed_copy() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let up = "http://127.0.0.1:5000/v2/dst/blobs/uploads/u1";
    let common = || {
        vec![
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{di}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Get,
                format!("{REG}/src/manifests/{dc}"),
                Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dconf}"),
                Answer::Respond(ok(200)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dlayer}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Post,
                format!(
                    "{REG}/dst/blobs/uploads/?mount={}&from=src",
                    dlayer.to_string().replace(':', "%3A")
                ),
                Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1")),
            ),
        ]
    };
    let digest_q = dlayer.to_string().replace(':', "%3A");

    // Monolithic: the blob fits in one chunk.
    let mut steps = common();
    steps.extend([
        step(
            Method::Get,
            format!("{REG}/src/blobs/{dlayer}"),
            Answer::Held(f.layer.clone()),
        ),
        step(
            Method::Put,
            format!("{up}?digest={digest_q}"),
            Answer::Respond(ok(201).with_header("Docker-Content-Digest", dlayer.to_string())),
        )
        .has("Content-Length", "10"),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/v1"),
            Answer::Respond(ok(201)),
        ),
    ]);
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        f.index.clone(),
        OCI_INDEX,
        Some(repo("src")),
    );
    let r = run("monolithic", &mut session, &mut op, steps, NOW);
    let TransferOutput::Pushed(report) = r.output.unwrap() else {
        panic!()
    };
    assert_eq!((report.blobs_uploaded, report.bytes_uploaded), (1, 10));
    assert!(r
        .sent
        .iter()
        .any(|(m, u, b)| *m == Method::Put && u.starts_with(up) && b == &f.layer));

    // Chunked: 4-byte chunks with Content-Range, each answered with the next Location.
    let mut steps = common();
    steps.extend([
        step(
            Method::Get,
            format!("{REG}/src/blobs/{dlayer}"),
            Answer::Held(f.layer.clone()),
        ),
        step(
            Method::Patch,
            up,
            Answer::Respond(
                ok(202)
                    .with_header("Location", "/v2/dst/blobs/uploads/u1?s=1")
                    .with_header("Range", "0-3"),
            ),
        )
        .has("Content-Range", "0-3")
        .has("Content-Length", "4"),
        step(
            Method::Patch,
            format!("{up}?s=1"),
            Answer::Respond(
                ok(202)
                    .with_header("Location", "/v2/dst/blobs/uploads/u1?s=2")
                    .with_header("Range", "0-7"),
            ),
        )
        .has("Content-Range", "4-7"),
        step(
            Method::Patch,
            format!("{up}?s=2"),
            Answer::Respond(
                ok(202)
                    .with_header("Location", "/v2/dst/blobs/uploads/u1?s=3")
                    .with_header("Range", "0-9"),
            ),
        )
        .has("Content-Range", "8-9")
        .has("Content-Length", "2"),
        step(
            Method::Put,
            format!("{up}?s=3&digest={digest_q}"),
            Answer::Respond(ok(201)),
        )
        .has("Content-Length", "0"),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/v1"),
            Answer::Respond(ok(201)),
        ),
    ]);
    let mut session = Session::new(SessionConfig::default().with_chunk_size(4));
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        f.index.clone(),
        OCI_INDEX,
        Some(repo("src")),
    );
    let r = run("chunked", &mut session, &mut op, steps, NOW);
    assert!(r.output.is_ok(), "{:?}", r.output);
    let chunks: Vec<usize> = r
        .sent
        .iter()
        .filter(|(m, _, _)| *m == Method::Patch)
        .map(|(_, _, b)| b.len())
        .collect();
    assert_eq!(chunks, [4, 4, 2]);

    // Altered bytes at the source: the last chunk is refused before it is sent, nothing is closed.
    let mut altered = f.layer.clone();
    altered[9] = b'X';
    let mut steps = common();
    steps.extend([
        step(
            Method::Get,
            format!("{REG}/src/blobs/{dlayer}"),
            Answer::Held(altered),
        ),
        step(
            Method::Patch,
            up,
            Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1?s=1")),
        ),
        step(
            Method::Patch,
            format!("{up}?s=1"),
            Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1?s=2")),
        ),
        step(Method::Patch, format!("{up}?s=2"), Answer::Respond(ok(202))),
    ]);
    let mut session = Session::new(SessionConfig::default().with_chunk_size(4));
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        f.index.clone(),
        OCI_INDEX,
        Some(repo("src")),
    );
    let r = run("altered", &mut session, &mut op, steps, NOW);
    assert_eq!(r.output.unwrap_err().code(), "DIGEST_MISMATCH");
    assert_eq!(
        r.sent
            .iter()
            .filter(|(m, _, _)| *m == Method::Patch)
            .count(),
        2,
        "the third chunk was not sent"
    );
}

#[test]
fn streamed_copies_are_verified_before_the_closing_put() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let up = "http://127.0.0.1:5000/v2/dst/blobs/uploads/u1";
    let digest_q = dlayer.to_string().replace(':', "%3A");
    let mut altered = f.layer.clone();
    altered[9] = b'X';
    let patch = |suffix: &str, next: &str, range: &str, len: &str| {
        step(
            Method::Patch,
            format!("{up}{suffix}"),
            Answer::Respond(
                ok(202)
                    .with_header("Location", format!("/v2/dst/blobs/uploads/u1{next}"))
                    .with_header(
                        "Range",
                        format!("0-{}", range.split('-').nth(1).unwrap_or("0")),
                    ),
            ),
        )
        .has("Content-Range", range)
        .has("Content-Length", len)
    };
    let close = |suffix: &str| {
        step(
            Method::Put,
            format!("{up}{suffix}&digest={digest_q}"),
            Answer::Respond(ok(201)),
        )
        .has("Content-Length", "0")
    };
    // (name, stream uploads, who hashes, layer at the source, upload steps, PATCH bodies sent, error)
    let cases: Vec<(
        &str,
        bool,
        Hashing,
        Vec<u8>,
        Vec<Step>,
        Vec<usize>,
        Option<&str>,
    )> = vec![
        (
            "one PATCH, the operation hashes",
            true,
            Hashing::Operation,
            f.layer.clone(),
            vec![patch("", "?s=1", "0-9", "10"), close("?s=1")],
            vec![10],
            None,
        ),
        (
            "one PATCH, the driver hashes",
            true,
            Hashing::Driver,
            f.layer.clone(),
            vec![patch("", "?s=1", "0-9", "10"), close("?s=1")],
            vec![10],
            None,
        ),
        (
            "4-byte ranges, the driver hashes",
            false,
            Hashing::Driver,
            f.layer.clone(),
            vec![
                patch("", "?s=1", "0-3", "4"),
                patch("?s=1", "?s=2", "4-7", "4"),
                patch("?s=2", "?s=3", "8-9", "2"),
                close("?s=3"),
            ],
            vec![4, 4, 2],
            None,
        ),
        // Altered bytes: the request carrying the last bytes is refused before it is sent (its
        // step is taken, never answered).
        (
            "one PATCH of altered bytes, the operation hashes",
            true,
            Hashing::Operation,
            altered.clone(),
            vec![patch("", "?s=1", "0-9", "10")],
            vec![],
            Some("DIGEST_MISMATCH"),
        ),
        (
            "one PATCH of altered bytes, the driver hashes",
            true,
            Hashing::Driver,
            altered.clone(),
            vec![patch("", "?s=1", "0-9", "10")],
            vec![],
            Some("DIGEST_MISMATCH"),
        ),
        (
            "4-byte ranges of altered bytes, the driver hashes",
            false,
            Hashing::Driver,
            altered.clone(),
            vec![
                patch("", "?s=1", "0-3", "4"),
                patch("?s=1", "?s=2", "4-7", "4"),
                patch("?s=2", "?s=3", "8-9", "2"),
            ],
            vec![4, 4],
            Some("DIGEST_MISMATCH"),
        ),
    ];
    for (name, stream_uploads, hashing, source_bytes, uploads, patches, error) in cases {
        let mut steps = vec![
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{di}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Get,
                format!("{REG}/src/manifests/{dc}"),
                Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dconf}"),
                Answer::Respond(ok(200)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dlayer}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Post,
                format!("{REG}/dst/blobs/uploads/?mount={digest_q}&from=src"),
                Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1")),
            ),
            step(
                Method::Get,
                format!("{REG}/src/blobs/{dlayer}"),
                Answer::Held(source_bytes),
            ),
        ];
        steps.extend(uploads);
        if error.is_none() {
            steps.push(step(
                Method::Put,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(201)),
            ));
            steps.push(step(
                Method::Put,
                format!("{REG}/dst/manifests/v1"),
                Answer::Respond(ok(201)),
            ));
        }
        let config = SessionConfig::default()
            .with_chunk_size(4)
            .with_stream_uploads(stream_uploads);
        let mut session = Session::new(config);
        let mut op = Transfer::push(
            &session,
            &repo("dst"),
            Some("v1".into()),
            f.index.clone(),
            OCI_INDEX,
            Some(repo("src")),
        );
        let r = run_with(name, &mut session, &mut op, steps, NOW, hashing);
        let sent: Vec<usize> = r
            .sent
            .iter()
            .filter(|(m, _, _)| *m == Method::Patch)
            .map(|(_, _, b)| b.len())
            .collect();
        assert_eq!(sent, patches, "{name}: PATCH bodies");
        match error {
            None => {
                let TransferOutput::Pushed(report) =
                    r.output.unwrap_or_else(|e| panic!("{name}: {e}"))
                else {
                    panic!("{name}: not a push report")
                };
                assert_eq!(
                    (report.blobs_uploaded, report.bytes_uploaded),
                    (1, 10),
                    "{name}"
                );
                let body: Vec<u8> = r
                    .sent
                    .iter()
                    .filter(|(m, _, _)| *m == Method::Patch)
                    .flat_map(|(_, _, b)| b.clone())
                    .collect();
                assert_eq!(body, f.layer, "{name}: the bytes uploaded");
            }
            Some(code) => {
                assert_eq!(
                    r.output.err().map(|e| e.code().to_owned()).as_deref(),
                    Some(code),
                    "{name}"
                );
                assert!(
                    !r.sent.iter().any(|(m, _, _)| *m == Method::Put),
                    "{name}: nothing may be closed or pushed after a mismatch ({u:?})",
                    u = r.sent.iter().map(|(_, u, _)| u).collect::<Vec<_>>()
                );
            }
        }
    }
}

#[test]
fn abandoned_uploads_are_cancelled() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let up = "http://127.0.0.1:5000/v2/dst/blobs/uploads/u1";
    let digest_q = dlayer.to_string().replace(':', "%3A");
    let mut altered = f.layer.clone();
    altered[0] ^= 1;
    let accepted = |next: &str| {
        Answer::Respond(ok(202).with_header("Location", format!("/v2/dst/blobs/uploads/u1{next}")))
    };
    // (name, stream uploads, layer at the source, steps after the layer's GET, the error, the DELETEs expected)
    let cases: Vec<(&str, bool, Vec<u8>, Vec<Step>, &str, Vec<String>)> = vec![
        (
            "a range answered 500",
            false,
            f.layer.clone(),
            vec![
                step(Method::Patch, up, accepted("?s=1")),
                step(Method::Patch, format!("{up}?s=1"), Answer::Respond(ok(500))),
            ],
            "UNEXPECTED_STATUS",
            vec![format!("{up}?s=1")],
        ),
        (
            "the source's bytes refused",
            true,
            altered,
            vec![step(Method::Patch, up, accepted("?s=1"))],
            "DIGEST_MISMATCH",
            vec![up.to_owned()],
        ),
        (
            "the closing PUT lost",
            true,
            f.layer.clone(),
            vec![
                step(Method::Patch, up, accepted("?s=1")),
                step(
                    Method::Put,
                    format!("{up}?s=1&digest={digest_q}"),
                    Answer::Fail(FailureKind::Network),
                ),
            ],
            "NETWORK",
            vec![format!("{up}?s=1")],
        ),
        (
            "a manifest refused after every blob was closed",
            true,
            f.layer.clone(),
            vec![
                step(Method::Patch, up, accepted("?s=1")),
                step(
                    Method::Put,
                    format!("{up}?s=1&digest={digest_q}"),
                    Answer::Respond(ok(201)),
                ),
                step(
                    Method::Put,
                    format!("{REG}/dst/manifests/{dc}"),
                    Answer::Respond(ok(500)),
                ),
            ],
            "UNEXPECTED_STATUS",
            vec![],
        ),
    ];
    for (name, stream_uploads, source_bytes, tail, code, deletes) in cases {
        let mut steps = vec![
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{di}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Get,
                format!("{REG}/src/manifests/{dc}"),
                Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dconf}"),
                Answer::Respond(ok(200)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{dlayer}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Post,
                format!("{REG}/dst/blobs/uploads/?mount={digest_q}&from=src"),
                Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1")),
            ),
            step(
                Method::Get,
                format!("{REG}/src/blobs/{dlayer}"),
                Answer::Held(source_bytes),
            ),
        ];
        steps.extend(tail);
        let mut session = Session::new(
            SessionConfig::default()
                .with_chunk_size(4)
                .with_stream_uploads(stream_uploads),
        );
        let mut op = Transfer::push(
            &session,
            &repo("dst"),
            Some("v1".into()),
            f.index.clone(),
            OCI_INDEX,
            Some(repo("src")),
        );
        let r = run_with(name, &mut session, &mut op, steps, NOW, Hashing::Driver);
        assert_eq!(
            r.output.err().map(|e| e.code().to_owned()).as_deref(),
            Some(code),
            "{name}"
        );
        let mut after = r.pending;
        while let Some(request) = op.poll_request(&mut session, NOW) {
            after.push(request);
        }
        let sent: Vec<String> = after
            .iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect();
        let expected: Vec<String> = deletes.iter().map(|u| format!("DELETE {u}")).collect();
        assert_eq!(sent, expected, "{name}: requests after the failure");
        // Their answers change nothing, and nothing else follows.
        for request in after {
            op.handle_response(&mut session, request.id, ok(204), NOW);
        }
        assert!(
            op.poll_request(&mut session, NOW).is_none(),
            "{name}: nothing after the DELETEs"
        );
        assert!(
            op.poll_output().is_none(),
            "{name}: the output was given once"
        );
    }
}

#[test]
fn driver_hashing_is_refused_when_out_of_order() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let digest_q = dlayer.to_string().replace(':', "%3A");
    // (name, what the driver does with the 10 bytes; the error expected)
    type Misuse = fn(
        &mut Transfer,
        indexsmith_registry::RequestId,
        &[u8],
    ) -> Result<(), indexsmith_registry::RegistryError>;
    let cases: Vec<(&str, Misuse, &str)> = vec![
        (
            "digest before the last bytes",
            |op, s, b| {
                op.handle_stream_len(s, 4)?;
                op.handle_stream_digest(s, &sha256(b).to_string())
            },
            "INVALID_INPUT",
        ),
        (
            "bytes then lengths",
            |op, s, b| {
                op.handle_stream_data(s, &b[..4])?;
                op.handle_stream_len(s, 6).map(|_| ())
            },
            "INVALID_INPUT",
        ),
        (
            "more bytes than the blob",
            |op, s, _| op.handle_stream_len(s, 11).map(|_| ()),
            "INVALID_RESPONSE",
        ),
        (
            "a digest of other bytes",
            |op, s, _| {
                op.handle_stream_len(s, 10)?;
                op.handle_stream_digest(s, &sha256(b"other").to_string())
            },
            "DIGEST_MISMATCH",
        ),
    ];
    for (name, misuse, code) in cases {
        let mut session = Session::new(
            SessionConfig::default()
                .with_stream_uploads(true)
                .with_chunk_size(4),
        );
        let mut op = Transfer::push(
            &session,
            &repo("dst"),
            Some("v1".into()),
            f.index.clone(),
            OCI_INDEX,
            Some(repo("src")),
        );
        let answers: Vec<(Method, String, Response)> = vec![
            (Method::Head, format!("{REG}/dst/manifests/{di}"), ok(404)),
            (Method::Head, format!("{REG}/dst/manifests/{dc}"), ok(404)),
            (
                Method::Get,
                format!("{REG}/src/manifests/{dc}"),
                manifest_response(&f.child, OCI_MANIFEST),
            ),
            (Method::Head, format!("{REG}/dst/blobs/{dconf}"), ok(200)),
            (Method::Head, format!("{REG}/dst/blobs/{dlayer}"), ok(404)),
            (
                Method::Post,
                format!("{REG}/dst/blobs/uploads/?mount={digest_q}&from=src"),
                ok(202).with_header("Location", "/v2/dst/blobs/uploads/u1"),
            ),
            (
                Method::Get,
                format!("{REG}/src/blobs/{dlayer}"),
                Response {
                    status: 200,
                    headers: vec![("Content-Length".into(), "10".into())],
                    body: Body::Held,
                },
            ),
        ];
        let mut pending: Vec<Request> = Vec::new();
        let mut source = None;
        for (method, url, answer) in answers {
            while let Some(r) = op.poll_request(&mut session, NOW) {
                pending.push(r);
            }
            let pos = pending
                .iter()
                .position(|r| r.method == method && r.url == url)
                .unwrap_or_else(|| panic!("{name}: no pending {method} {url}"));
            let request = pending.remove(pos);
            if method == Method::Get && url.contains("/blobs/") {
                source = Some(request.id);
            }
            op.handle_response(&mut session, request.id, answer, NOW);
        }
        let source = source.expect("the blob GET");
        assert_eq!(op.stream_digest(source), Some(dlayer.clone()), "{name}");
        let err = misuse(&mut op, source, &f.layer).expect_err(name);
        assert_eq!(err.code(), code, "{name}: {err}");
        assert_eq!(
            op.poll_output()
                .and_then(|o| o.err())
                .map(|e| e.code().to_owned())
                .as_deref(),
            Some(code),
            "{name}: the operation failed with it"
        );
    }
}

#[test]
fn push_failures_leave_the_tag_alone() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let cases: Vec<(&str, Response, &str, bool)> = vec![
        ("server error", ok(500), "UNEXPECTED_STATUS", true),
        (
            "missing blob",
            ok(400).with_body(r#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#),
            "MANIFEST_BLOB_UNKNOWN",
            false,
        ),
        ("digest changed by the registry", ok(201).with_header("Docker-Content-Digest", di.to_string()), "DIGEST_MISMATCH", false),
    ];
    for (name, answer, code, retryable) in cases {
        let steps = vec![
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{di}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Get,
                format!("{REG}/src/manifests/{dc}"),
                Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{}", sha256(&f.config)),
                Answer::Respond(ok(200)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/blobs/{}", sha256(&f.layer)),
                Answer::Respond(ok(200)),
            ),
            step(
                Method::Put,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(answer),
            ),
        ];
        let mut session = Session::new(SessionConfig::default());
        let mut op = Transfer::push(
            &session,
            &repo("dst"),
            Some("v1".into()),
            f.index.clone(),
            OCI_INDEX,
            Some(repo("src")),
        );
        let r = run(name, &mut session, &mut op, steps, NOW);
        let err = r.output.unwrap_err();
        assert_eq!(
            (err.code(), err.is_retryable()),
            (code, retryable),
            "{name}: {err}"
        );
        assert!(
            !r.sent
                .iter()
                .any(|(m, u, _)| *m == Method::Put && u.ends_with("/manifests/v1")),
            "{name}: the index was pushed"
        );
        if code == "MANIFEST_BLOB_UNKNOWN" {
            assert!(
                err.message
                    .contains("push children first or give a source repository to mount from"),
                "{}",
                err.message
            );
        }
    }
}

#[test]
fn plan_reports_present_mountable_and_copies() {
    let f = fixture();
    let other_config = br#"{"os":"linux","architecture":"arm64"}"#.to_vec();
    let other = image(&other_config, &[b"big layer bytes"]);
    let idx = index(&[(&f.child, "amd64"), (&other, "arm64")]);
    let (di, dc, dother) = (sha256(&idx), sha256(&f.child), sha256(&other));
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(200)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dother}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/src/manifests/{dother}"),
            Answer::Respond(manifest_response(&other, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&other_config)),
            Answer::Respond(ok(200)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(b"big layer bytes")),
            Answer::Respond(ok(404)),
        ),
    ];
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::plan(
        &session,
        &repo("dst"),
        Some("v1".into()),
        idx.clone(),
        OCI_INDEX,
        Some(repo("src")),
    );
    let r = run("plan, same registry", &mut session, &mut op, steps, NOW);
    assert!(
        r.sent
            .iter()
            .all(|(m, _, _)| matches!(m, Method::Head | Method::Get)),
        "a dry run only reads"
    );
    let TransferOutput::Plan(plan) = r.output.unwrap() else {
        panic!()
    };
    assert_eq!(plan.children.len(), 2);
    assert_eq!(plan.children[0].action, ChildAction::Present);
    assert_eq!(
        plan.children[1].action,
        ChildAction::Mount { from: repo("src") }
    );
    assert_eq!(
        (
            plan.children[1].blobs,
            plan.children[1].blobs_present,
            plan.children[1].blobs_to_mount,
            plan.children[1].bytes_to_mount
        ),
        (2, 1, 1, 15)
    );
    assert_eq!((plan.blobs_to_copy, plan.bytes_to_copy), (0, 0));

    // From another registry the same blob needs a copy.
    let far = Repository::new("127.0.0.2:5000", "src");
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(200)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dother}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("http://127.0.0.2:5000/v2/src/manifests/{dother}"),
            Answer::Respond(manifest_response(&other, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&other_config)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(b"big layer bytes")),
            Answer::Respond(ok(404)),
        ),
    ];
    let mut op = Transfer::plan(
        &session,
        &repo("dst"),
        Some("v1".into()),
        idx,
        OCI_INDEX,
        Some(far.clone()),
    );
    let TransferOutput::Plan(plan) = run("plan, other registry", &mut session, &mut op, steps, NOW)
        .output
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(plan.children[1].action, ChildAction::Copy { from: far });
    assert_eq!(
        (plan.blobs_to_copy, plan.bytes_to_copy),
        (2, other_config.len() as u64 + 15)
    );
}

#[test]
fn push_without_a_source_names_the_missing_child() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(404)),
        ),
    ];
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        f.index.clone(),
        OCI_INDEX,
        None,
    );
    let err = run("no source", &mut session, &mut op, steps, NOW)
        .output
        .unwrap_err();
    assert_eq!(err.code(), "MANIFEST_UNKNOWN");
    assert!(
        err.message.contains(&dc.to_string()) && err.message.contains("give a source repository"),
        "{}",
        err.message
    );
}

#[test]
fn copy_between_registries_skips_present_blobs() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let dst = Repository::new("127.0.0.2:5000", "dst");
    let far = "http://127.0.0.2:5000/v2/dst";
    let steps = vec![
        step(
            Method::Get,
            format!("{REG}/src/manifests/v1"),
            Answer::Respond(manifest_response(&f.index, OCI_INDEX)),
        ),
        step(
            Method::Head,
            format!("{far}/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{far}/manifests/{dc}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/src/manifests/{dc}"),
            Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{far}/blobs/{dconf}"),
            Answer::Respond(ok(200)),
        ),
        step(
            Method::Head,
            format!("{far}/blobs/{dlayer}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Post,
            format!("{far}/blobs/uploads/"),
            Answer::Respond(ok(202).with_header("Location", "/v2/dst/blobs/uploads/x")),
        ),
        step(
            Method::Get,
            format!("{REG}/src/blobs/{dlayer}"),
            Answer::Held(f.layer.clone()),
        ),
        step(
            Method::Put,
            format!(
                "{far}/blobs/uploads/x?digest={}",
                dlayer.to_string().replace(':', "%3A")
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{far}/manifests/{dc}"),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{far}/manifests/v2"),
            Answer::Respond(ok(201)),
        ),
    ];
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::copy(
        &session,
        &repo("src"),
        ManifestRef::Tag("v1".into()),
        &dst,
        Some("v2".into()),
    );
    let TransferOutput::Pushed(report) = run("copy", &mut session, &mut op, steps, NOW)
        .output
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (
            report.blobs_present,
            report.blobs_uploaded,
            report.bytes_uploaded,
            report.manifests_pushed
        ),
        (1, 1, 10, 2)
    );
}

#[test]
fn concurrent_calls_share_one_token_request() {
    let a = image(br#"{"os":"linux","architecture":"amd64"}"#, &[]);
    let b = image(br#"{"os":"linux","architecture":"arm64"}"#, &[]);
    let mut session = Session::new(SessionConfig::default());
    // Learn that the registry wants tokens.
    let mut op = FetchManifest::new(&session, &repo("x"), ManifestRef::Tag("v1".into()));
    let steps = vec![
        step(
            Method::Get,
            format!("{REG}/x/manifests/v1"),
            Answer::Respond(bearer_challenge("repository:x:pull")),
        ),
        step(
            Method::Get,
            "http://127.0.0.1:6000/token?service=reg&scope=repository%3Ax%3Apull",
            Answer::Respond(ok(200).with_body(r#"{"token":"tx"}"#)),
        ),
        step(
            Method::Get,
            format!("{REG}/x/manifests/v1"),
            Answer::Respond(manifest_response(&a, OCI_MANIFEST)),
        ),
    ];
    assert!(run("learn", &mut session, &mut op, steps, NOW)
        .output
        .is_ok());

    // Two references in one repository: one token request, both calls wait for it.
    let sources = vec![
        (repo("y"), ManifestRef::Digest(sha256(&a))),
        (repo("y"), ManifestRef::Digest(sha256(&b))),
    ];
    let mut op = CreateIndex::new(&session, sources, NestedIndex::Refuse);
    let first = op.poll_request(&mut session, NOW).expect("a token request");
    assert_eq!(
        first.url,
        "http://127.0.0.1:6000/token?service=reg&scope=repository%3Ay%3Apull"
    );
    assert_eq!(
        op.poll_request(&mut session, NOW),
        None,
        "the second call waits for the same token"
    );
    op.handle_response(
        &mut session,
        first.id,
        ok(200).with_body(r#"{"token":"ty"}"#),
        NOW,
    );
    let mut calls = Vec::new();
    while let Some(r) = op.poll_request(&mut session, NOW) {
        calls.push(r);
    }
    assert_eq!(calls.len(), 2);
    assert!(calls
        .iter()
        .all(|r| r.header("Authorization") == Some("Bearer ty")));
}

#[test]
fn redirects_are_bounded() {
    let mut session = Session::new(SessionConfig::default());
    let mut op = FetchManifest::new(&session, &repo("a"), ManifestRef::Tag("v1".into()));
    let mut steps = vec![step(
        Method::Get,
        format!("{REG}/a/manifests/v1"),
        Answer::Respond(ok(302).with_header("Location", "/v2/a/manifests/r0")),
    )];
    for i in 0..10 {
        steps.push(step(
            Method::Get,
            format!("{REG}/a/manifests/r{i}"),
            Answer::Respond(ok(302).with_header("Location", format!("/v2/a/manifests/r{}", i + 1))),
        ));
    }
    let err = run("redirect loop", &mut session, &mut op, steps, NOW)
        .output
        .unwrap_err();
    assert_eq!((err.code(), err.status), ("UNEXPECTED_STATUS", Some(302)));
}

#[test]
fn ping_and_head_transcripts() {
    use indexsmith_registry::ops::{HeadManifest, Ping};
    let m = image(b"{}", &[]);
    let d = sha256(&m);

    let mut session = Session::new(SessionConfig::default());
    session.set_credentials("127.0.0.1:5000", Credentials::new("u", "p"));
    let mut op = Ping::new(&session, "127.0.0.1:5000");
    let steps = vec![
        step(
            Method::Get,
            "http://127.0.0.1:5000/v2/",
            Answer::Respond(ok(401).with_header(
                "WWW-Authenticate",
                r#"Bearer realm="http://127.0.0.1:6000/token",service="reg""#,
            )),
        ),
        step(
            Method::Get,
            "http://127.0.0.1:6000/token?service=reg",
            Answer::Respond(ok(200).with_body(r#"{"token":"login"}"#)),
        )
        .has("Authorization", "Basic dTpw"),
        step(
            Method::Get,
            "http://127.0.0.1:5000/v2/",
            Answer::Respond(ok(200).with_header("Docker-Distribution-API-Version", "registry/2.0")),
        )
        .has("Authorization", "Bearer login"),
    ];
    let out = run("ping", &mut session, &mut op, steps, NOW)
        .output
        .unwrap();
    assert_eq!(out.api_version.as_deref(), Some("registry/2.0"));

    let mut session = Session::new(SessionConfig::default());
    let mut op = Ping::new(&session, "127.0.0.1:5000");
    let steps = vec![step(
        Method::Get,
        "http://127.0.0.1:5000/v2/",
        Answer::Respond(
            ok(200)
                .with_header("Content-Type", "text/html")
                .with_body("<html>"),
        ),
    )];
    assert_eq!(
        run("ping html", &mut session, &mut op, steps, NOW)
            .output
            .unwrap_err()
            .code(),
        "NOT_A_REGISTRY"
    );

    let cases: Vec<(&str, ManifestRef, Vec<Step>, Result<Digest, &str>)> = vec![
        (
            "head by tag",
            ManifestRef::Tag("v1".into()),
            vec![step(
                Method::Head,
                format!("{REG}/a/manifests/v1"),
                Answer::Respond(
                    ok(200)
                        .with_header("Docker-Content-Digest", d.to_string())
                        .with_header("Content-Length", "10"),
                ),
            )],
            Ok(d.clone()),
        ),
        (
            "head without digest falls back to a verified get",
            ManifestRef::Tag("v1".into()),
            vec![
                step(
                    Method::Head,
                    format!("{REG}/a/manifests/v1"),
                    Answer::Respond(ok(200)),
                ),
                step(
                    Method::Get,
                    format!("{REG}/a/manifests/v1"),
                    Answer::Respond(
                        ok(200)
                            .with_header("Content-Type", OCI_MANIFEST)
                            .with_body(m.clone()),
                    ),
                ),
            ],
            Ok(d.clone()),
        ),
        (
            "head by digest announcing another",
            ManifestRef::Digest(d.clone()),
            vec![step(
                Method::Head,
                format!("{REG}/a/manifests/{d}"),
                Answer::Respond(
                    ok(200).with_header("Docker-Content-Digest", sha256(b"x").to_string()),
                ),
            )],
            Err("DIGEST_MISMATCH"),
        ),
        (
            "head unknown",
            ManifestRef::Tag("v2".into()),
            vec![step(
                Method::Head,
                format!("{REG}/a/manifests/v2"),
                Answer::Respond(ok(404)),
            )],
            Err("MANIFEST_UNKNOWN"),
        ),
    ];
    for (name, reference, steps, expected) in cases {
        let mut session = Session::new(SessionConfig::default());
        let mut op = HeadManifest::new(&session, &repo("a"), reference);
        match (
            run(name, &mut session, &mut op, steps, NOW).output,
            expected,
        ) {
            (Ok(h), Ok(d)) => assert_eq!(h.digest, d, "{name}"),
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{name}"),
            (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
        }
    }
}

fn error_body(status: u16, code: &str) -> Response {
    ok(status)
        .with_header("Content-Type", "application/json")
        .with_body(format!(r#"{{"errors":[{{"code":"{code}","message":"x"}}]}}"#).into_bytes())
}

#[test]
fn plan_takes_each_missing_child_from_the_first_source_that_has_it() {
    let f = fixture();
    let (di, dc) = (sha256(&f.index), sha256(&f.child));
    let (dconf, dlayer) = (sha256(&f.config), sha256(&f.layer));
    let far = Repository::new("127.0.0.2:5000", "b");
    let far_url = "http://127.0.0.2:5000/v2/b";
    struct Case {
        name: &'static str,
        sources: Vec<Repository>,
        /// The answers of the sources to `GET <source>/manifests/<child>`, in the order asked.
        answers: Vec<(String, Response)>,
        /// The source the child comes from and the plan's action, or the error code and the
        /// repositories the message must name.
        expect: Result<(Repository, ChildAction), (&'static str, Vec<&'static str>)>,
    }
    let child = || manifest_response(&f.child, OCI_MANIFEST);
    let cases = vec![
        Case {
            name: "the first source has it",
            sources: vec![repo("a"), repo("b")],
            answers: vec![(format!("{REG}/a"), child())],
            expect: Ok((repo("a"), ChildAction::Mount { from: repo("a") })),
        },
        Case {
            name: "404 from the first, the second has it",
            sources: vec![repo("a"), repo("b")],
            answers: vec![(format!("{REG}/a"), ok(404)), (format!("{REG}/b"), child())],
            expect: Ok((repo("b"), ChildAction::Mount { from: repo("b") })),
        },
        Case {
            name: "MANIFEST_UNKNOWN from the first, the third has it",
            sources: vec![repo("a"), repo("b"), repo("c")],
            answers: vec![
                (format!("{REG}/a"), error_body(404, "MANIFEST_UNKNOWN")),
                (format!("{REG}/b"), error_body(404, "NAME_UNKNOWN")),
                (format!("{REG}/c"), child()),
            ],
            expect: Ok((repo("c"), ChildAction::Mount { from: repo("c") })),
        },
        Case {
            name: "NAME_UNKNOWN with another status still means not here",
            sources: vec![repo("a"), repo("b")],
            answers: vec![
                (format!("{REG}/a"), error_body(400, "NAME_UNKNOWN")),
                (format!("{REG}/b"), child()),
            ],
            expect: Ok((repo("b"), ChildAction::Mount { from: repo("b") })),
        },
        Case {
            name: "found on another registry: copied from there",
            sources: vec![repo("a"), far.clone()],
            answers: vec![(format!("{REG}/a"), ok(404)), (far_url.to_owned(), child())],
            expect: Ok((far.clone(), ChildAction::Copy { from: far.clone() })),
        },
        Case {
            name: "a source listed twice is asked once",
            sources: vec![repo("a"), repo("a"), repo("b")],
            answers: vec![(format!("{REG}/a"), ok(404)), (format!("{REG}/b"), child())],
            expect: Ok((repo("b"), ChildAction::Mount { from: repo("b") })),
        },
        Case {
            name: "no source has it",
            sources: vec![repo("a"), repo("b")],
            answers: vec![
                (format!("{REG}/a"), ok(404)),
                (format!("{REG}/b"), error_body(404, "MANIFEST_UNKNOWN")),
            ],
            expect: Err((
                "MANIFEST_UNKNOWN",
                vec!["127.0.0.1:5000/a", "127.0.0.1:5000/b"],
            )),
        },
        Case {
            name: "another error fails at once",
            sources: vec![repo("a"), repo("b")],
            answers: vec![(format!("{REG}/a"), ok(400))],
            expect: Err(("UNEXPECTED_STATUS", vec![])),
        },
        Case {
            name: "DENIED fails at once",
            sources: vec![repo("a"), repo("b")],
            answers: vec![(format!("{REG}/a"), error_body(400, "DENIED"))],
            expect: Err(("DENIED", vec![])),
        },
    ];
    for case in cases {
        let mut steps = vec![
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{di}"),
                Answer::Respond(ok(404)),
            ),
            step(
                Method::Head,
                format!("{REG}/dst/manifests/{dc}"),
                Answer::Respond(ok(404)),
            ),
        ];
        for (base, answer) in case.answers {
            steps.push(step(
                Method::Get,
                format!("{base}/manifests/{dc}"),
                Answer::Respond(answer),
            ));
        }
        if case.expect.is_ok() {
            steps.push(step(
                Method::Head,
                format!("{REG}/dst/blobs/{dconf}"),
                Answer::Respond(ok(200)),
            ));
            steps.push(step(
                Method::Head,
                format!("{REG}/dst/blobs/{dlayer}"),
                Answer::Respond(ok(404)),
            ));
        }
        let mut session = Session::new(SessionConfig::default());
        let mut op = Transfer::plan(
            &session,
            &repo("dst"),
            Some("v1".into()),
            f.index.clone(),
            OCI_INDEX,
            case.sources,
        );
        let output = run(case.name, &mut session, &mut op, steps, NOW).output;
        match (output, case.expect) {
            (Ok(TransferOutput::Plan(plan)), Ok((source, action))) => {
                let c = &plan.children[0];
                assert_eq!(c.source.as_ref(), Some(&source), "{}: source", case.name);
                assert_eq!(c.action, action, "{}: action", case.name);
                let (mounted, copied) = match action {
                    ChildAction::Copy { .. } => (0, 1),
                    _ => (1, 0),
                };
                assert_eq!(
                    (c.blobs, c.blobs_present, c.blobs_to_mount, c.blobs_to_copy),
                    (2, 1, mounted, copied),
                    "{}: blobs",
                    case.name
                );
                assert_eq!(
                    (c.bytes_to_mount, c.bytes_to_copy),
                    (10 * mounted as u64, 10 * copied as u64),
                    "{}: bytes",
                    case.name
                );
            }
            (Err(e), Err((code, named))) => {
                assert_eq!(e.code(), code, "{}: {}", case.name, e.message);
                for r in named {
                    assert!(
                        e.message.contains(r) && e.message.contains(&dc.to_string()),
                        "{}: the message names {r} and the child: {}",
                        case.name,
                        e.message
                    );
                }
            }
            (got, want) => panic!("{}: got {got:?}, want {want:?}", case.name),
        }
    }
}

#[test]
fn push_mounts_each_child_from_the_source_it_was_found_in() {
    // Two images in two repositories of one registry, an index of both pushed to a third.
    let (amd_config, arm_config) = (
        br#"{"architecture":"amd64","os":"linux"}"#.to_vec(),
        br#"{"architecture":"arm64","os":"linux"}"#.to_vec(),
    );
    let (amd_layer, arm_layer) = (b"amd64 layer".to_vec(), b"arm64 layer".to_vec());
    let amd = image(&amd_config, &[&amd_layer]);
    let arm = image(&arm_config, &[&arm_layer]);
    let idx = index(&[(&amd, "amd64"), (&arm, "arm64")]);
    let (di, damd, darm) = (sha256(&idx), sha256(&amd), sha256(&arm));
    let q = |d: Digest| d.to_string().replace(':', "%3A");
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{di}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{damd}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{darm}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/app-amd64/manifests/{damd}"),
            Answer::Respond(manifest_response(&amd, OCI_MANIFEST)),
        ),
        step(
            Method::Get,
            format!("{REG}/app-amd64/manifests/{darm}"),
            Answer::Respond(error_body(404, "MANIFEST_UNKNOWN")),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&amd_config)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&amd_layer)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/app-arm64/manifests/{darm}"),
            Answer::Respond(manifest_response(&arm, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&arm_config)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&arm_layer)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Post,
            format!(
                "{REG}/dst/blobs/uploads/?mount={}&from=app-amd64",
                q(sha256(&amd_config))
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Post,
            format!(
                "{REG}/dst/blobs/uploads/?mount={}&from=app-amd64",
                q(sha256(&amd_layer))
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Post,
            format!(
                "{REG}/dst/blobs/uploads/?mount={}&from=app-arm64",
                q(sha256(&arm_config))
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Post,
            format!(
                "{REG}/dst/blobs/uploads/?mount={}&from=app-arm64",
                q(sha256(&arm_layer))
            ),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/{damd}"),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/{darm}"),
            Answer::Respond(ok(201)),
        ),
        step(
            Method::Put,
            format!("{REG}/dst/manifests/v1"),
            Answer::Respond(ok(201)),
        )
        .has("Content-Type", OCI_INDEX),
    ];
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::push(
        &session,
        &repo("dst"),
        Some("v1".into()),
        idx,
        OCI_INDEX,
        vec![repo("app-amd64"), repo("app-arm64")],
    );
    let r = run("two sources", &mut session, &mut op, steps, NOW);
    let TransferOutput::Pushed(report) = r.output.unwrap() else {
        panic!("not a push")
    };
    assert_eq!(
        (
            report.manifests_pushed,
            report.blobs_mounted,
            report.blobs_uploaded
        ),
        (3, 4, 0)
    );
    let mut mounted_from = Vec::new();
    while let Some(e) = op.poll_event() {
        if let indexsmith_registry::Event::BlobMounted { digest, from, .. } = e {
            mounted_from.push((digest, from));
        }
    }
    mounted_from.sort_by_key(|(d, _)| d.to_string());
    let mut want = vec![
        (sha256(&amd_config), repo("app-amd64")),
        (sha256(&amd_layer), repo("app-amd64")),
        (sha256(&arm_config), repo("app-arm64")),
        (sha256(&arm_layer), repo("app-arm64")),
    ];
    want.sort_by_key(|(d, _)| d.to_string());
    assert_eq!(mounted_from, want);
}

#[test]
fn a_child_of_a_nested_index_is_looked_for_in_its_parents_repository_first() {
    let f = fixture();
    // root → nested index (in `b`) → image (in `b` too); the sources are `a` then `b`.
    let nested = f.index.clone();
    let root = format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{}","size":{}}}]}}"#,
        sha256(&nested),
        nested.len()
    )
    .into_bytes();
    let (dr, dn, dc) = (sha256(&root), sha256(&nested), sha256(&f.child));
    let steps = vec![
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dr}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dn}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/a/manifests/{dn}"),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Get,
            format!("{REG}/b/manifests/{dn}"),
            Answer::Respond(manifest_response(&nested, OCI_INDEX)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/manifests/{dc}"),
            Answer::Respond(ok(404)),
        ),
        // Not `a` first: the nested index came from `b`.
        step(
            Method::Get,
            format!("{REG}/b/manifests/{dc}"),
            Answer::Respond(manifest_response(&f.child, OCI_MANIFEST)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&f.config)),
            Answer::Respond(ok(404)),
        ),
        step(
            Method::Head,
            format!("{REG}/dst/blobs/{}", sha256(&f.layer)),
            Answer::Respond(ok(404)),
        ),
    ];
    let mut session = Session::new(SessionConfig::default());
    let mut op = Transfer::plan(
        &session,
        &repo("dst"),
        Some("v1".into()),
        root,
        OCI_INDEX,
        vec![repo("a"), repo("b")],
    );
    let TransferOutput::Plan(plan) = run("nested", &mut session, &mut op, steps, NOW)
        .output
        .unwrap()
    else {
        panic!("not a plan")
    };
    let by_digest: HashMap<String, (Option<Repository>, ChildAction)> = plan
        .children
        .iter()
        .map(|c| (c.digest.to_string(), (c.source.clone(), c.action.clone())))
        .collect();
    assert_eq!(
        by_digest.get(&dn.to_string()).map(|(s, _)| s.clone()),
        Some(Some(repo("b"))),
        "nested index"
    );
    assert_eq!(
        by_digest.get(&dc.to_string()),
        Some(&(Some(repo("b")), ChildAction::Mount { from: repo("b") })),
        "image"
    );
}
