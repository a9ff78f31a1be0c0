//! Integration tests against the real CNCF distribution registry (`docker-registry`) on
//! 127.0.0.1, driven by the blocking driver in `support/`.
#![allow(clippy::result_large_err)]

mod support;

use indexsmith::digest::sha256;
use indexsmith_registry::ops::{
    ChildAction, CreateIndex, FetchManifest, HeadManifest, Inspect, ListReferrers, ListTags,
    NestedIndex, Ping, Transfer, TransferOutput,
};
use indexsmith_registry::{
    Credentials, Event, ManifestRef, Operation, Repository, Session, SessionConfig,
};
use std::sync::{Arc, Mutex};
use support::driver::Driver;
use support::http::{proxy, proxy_with, ServerRequest, ServerResponse};
use support::images::{image, index, Image, Seeder, OCI_INDEX, OCI_MANIFEST};
use support::registry::{Auth, Registry};
use support::token::{TokenService, ISSUER, SERVICE};

fn plain() -> (Registry, Seeder) {
    let r = Registry::start(Auth::None);
    let s = Seeder {
        host: r.host(),
        authorization: None,
    };
    (r, s)
}

fn three_images(label: &str) -> Vec<Image> {
    vec![
        image(label, "amd64", &[300, 40]),
        image(label, "arm64/v8", &[500]),
        image(label, "arm/v7", &[200, 10, 7]),
    ]
}

fn pushed(out: TransferOutput) -> indexsmith_registry::ops::PushReport {
    match out {
        TransferOutput::Pushed(r) => r,
        TransferOutput::Plan(p) => panic!("expected a push, got a plan: {p:?}"),
    }
}

#[test]
fn fetch_by_tag_and_by_digest() {
    let (reg, seed) = plain();
    let images = three_images("fetch");
    let refs: Vec<&Image> = images.iter().collect();
    let idx = seed.index("app", "v1", &refs);
    let repo = Repository::new(reg.host(), "app");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();

    let by_tag = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("v1".into()))
        })
        .unwrap();
    assert_eq!(
        (
            by_tag.digest.clone(),
            by_tag.media_type.as_str(),
            by_tag.bytes.clone()
        ),
        (sha256(&idx), OCI_INDEX, idx.clone())
    );

    let by_digest = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Digest(images[1].digest.clone()))
        })
        .unwrap();
    assert_eq!(
        (by_digest.media_type.as_str(), by_digest.bytes),
        (OCI_MANIFEST, images[1].manifest.clone())
    );

    let head = driver
        .go(&mut session, |s| {
            HeadManifest::new(s, &repo, ManifestRef::Tag("v1".into()))
        })
        .unwrap();
    assert_eq!(
        (head.digest, head.media_type.as_deref(), head.size),
        (sha256(&idx), Some(OCI_INDEX), Some(idx.len() as u64))
    );

    let missing = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("nope".into()))
        })
        .unwrap_err();
    assert_eq!(
        (missing.code(), missing.status),
        ("MANIFEST_UNKNOWN", Some(404))
    );
    let no_repo = driver
        .go(&mut session, |s| {
            ListTags::new(s, &Repository::new(reg.host(), "nothing/here"), None)
        })
        .unwrap_err();
    assert_eq!(no_repo.code(), "NAME_UNKNOWN");
}

#[test]
fn inspect_fetches_children_concurrently() {
    let (reg, seed) = plain();
    let arches = [
        "amd64", "arm64/v8", "arm/v7", "arm/v6", "386", "ppc64le", "s390x", "riscv64",
    ];
    let images: Vec<Image> = arches
        .iter()
        .map(|a| image("inspect", a, &[64, 32]))
        .collect();
    let refs: Vec<&Image> = images.iter().collect();
    seed.index("multi", "latest", &refs);
    let repo = Repository::new(reg.host(), "multi");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let mut op = Inspect::new(&session, &repo, ManifestRef::Tag("latest".into()));
    let out = driver.run(&mut session, &mut op).unwrap();
    assert_eq!(out.children.len(), 8);
    for (child, arch) in out.children.iter().zip(arches) {
        let summary = child.image.as_ref().unwrap();
        let platform = summary.config_platform.as_ref().unwrap();
        assert_eq!(platform.to_string(), format!("linux/{arch}"));
        assert_eq!((summary.layer_count, summary.layers_size), (2, 96));
        assert_eq!(
            child.descriptor.platform,
            Some(platform.clone()),
            "index platform agrees with the config for {arch}"
        );
    }
    assert_eq!(
        op.peak_in_flight(),
        6,
        "the session's concurrency limit was reached"
    );
    assert_eq!(
        driver.largest_batch, 6,
        "six child requests were handed out before any answer"
    );
    eprintln!(
        "figures: inspect of 8 children: {} requests, at most {} in flight",
        driver.log.len(),
        op.peak_in_flight()
    );
}

#[test]
fn tags_are_listed_across_pages() {
    let (reg, seed) = plain();
    let img = image("tags", "amd64", &[10]);
    let names = ["a", "b", "c", "d", "e"];
    for t in names {
        seed.image("tagged", &img, Some(t));
    }
    let repo = Repository::new(reg.host(), "tagged");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    // distribution 2.8 ignores `n` and answers with every tag in one page.
    let mut op = ListTags::new(&session, &repo, Some(2));
    let mut tags = driver.run(&mut session, &mut op).unwrap();
    tags.sort();
    assert_eq!(tags, names);
    assert_eq!(op.pages(), 1);

    // In front of it, a proxy pages the registry's real list as the spec says (`n`, `last`,
    // `Link: <…>; rel="next"`), as distribution 3 does.
    let upstream = reg.host();
    let port = proxy_with(
        reg.host(),
        Arc::new(move |req: &ServerRequest| {
            let (path, _) = req.target.split_once('?')?;
            if !path.ends_with("/tags/list") {
                return None;
            }
            let query = req.query();
            let n: usize = query.iter().find(|(k, _)| k == "n")?.1.parse().ok()?;
            let last = query
                .iter()
                .find(|(k, _)| k == "last")
                .map(|(_, v)| v.clone());
            let all = support::http::send("GET", &format!("http://{upstream}{path}"), &[], &[])
                .ok()?
                .bytes()
                .ok()?;
            let all: serde_json::Value = serde_json::from_slice(&all).ok()?;
            let mut tags: Vec<String> = all["tags"]
                .as_array()?
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect();
            tags.sort();
            let rest: Vec<String> = tags
                .into_iter()
                .filter(|t| last.as_ref().map_or(true, |l| t > l))
                .collect();
            let page: Vec<String> = rest.iter().take(n).cloned().collect();
            let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
            if rest.len() > n {
                headers.push((
                    "Link".into(),
                    format!(r#"<{path}?n={n}&last={}>; rel="next""#, page[n - 1]),
                ));
            }
            let body = serde_json::json!({ "name": "tagged", "tags": page })
                .to_string()
                .into_bytes();
            Some(ServerResponse {
                status: 200,
                headers,
                body,
            })
        }),
        Arc::new(|_: &ServerRequest, resp: ServerResponse| resp),
    );
    let paged = Repository::new(format!("127.0.0.1:{port}"), "tagged");
    let mut op = ListTags::new(&session, &paged, Some(2));
    let tags = driver.run(&mut session, &mut op).unwrap();
    assert_eq!(tags, names);
    assert_eq!(op.pages(), 3, "n=2 over five tags takes three pages");
}

/// Resolves references with CreateIndex and composes a minimal OCI index from the entries.
fn create_index(
    session: &mut Session,
    driver: &mut Driver,
    sources: Vec<(Repository, ManifestRef)>,
) -> (Vec<u8>, Vec<indexsmith_registry::ops::IndexEntry>) {
    let entries = driver
        .go(session, |s| {
            CreateIndex::new(s, sources, NestedIndex::Refuse)
        })
        .unwrap();
    let json: Vec<String> = entries
        .iter()
        .map(|e| {
            let p = e.descriptor.platform.as_ref().unwrap();
            let variant = p.variant.as_ref().map(|v| format!(r#","variant":"{v}""#)).unwrap_or_default();
            format!(r#"{{"mediaType":"{}","digest":"{}","size":{},"platform":{{"architecture":"{}","os":"{}"{variant}}}}}"#, e.descriptor.media_type, e.descriptor.digest, e.descriptor.size, p.architecture, p.os)
        })
        .collect();
    (
        format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
            json.join(",")
        )
        .into_bytes(),
        entries,
    )
}

#[test]
fn create_and_push_into_the_same_repository() {
    let (reg, seed) = plain();
    let images = three_images("same");
    for (i, img) in images.iter().enumerate() {
        seed.image("app", img, Some(&format!("arch{i}")));
    }
    let repo = Repository::new(reg.host(), "app");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let sources = (0..3)
        .map(|i| (repo.clone(), ManifestRef::Tag(format!("arch{i}"))))
        .collect();
    let (idx, entries) = create_index(&mut session, &mut driver, sources);
    let platforms: Vec<String> = entries
        .iter()
        .map(|e| e.descriptor.platform.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"]);

    let mut op = Transfer::push(
        &session,
        &repo,
        Some("multi".into()),
        idx.clone(),
        OCI_INDEX,
        Some(repo.clone()),
    );
    let report = pushed(driver.run(&mut session, &mut op).unwrap());
    assert_eq!(
        (
            report.manifests_present,
            report.manifests_pushed,
            report.bytes_uploaded
        ),
        (3, 1, 0)
    );
    assert_eq!(driver.blob_upload_bytes, 0);
    let back = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("multi".into()))
        })
        .unwrap();
    assert_eq!(back.digest, sha256(&idx));
}

#[test]
fn push_into_another_repository_mounts_every_blob() {
    let (reg, seed) = plain();
    let images = three_images("mount");
    for (i, img) in images.iter().enumerate() {
        seed.image("src", img, Some(&format!("arch{i}")));
    }
    let src = Repository::new(reg.host(), "src");
    let dst = Repository::new(reg.host(), "team/dst");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let sources = (0..3)
        .map(|i| (src.clone(), ManifestRef::Tag(format!("arch{i}"))))
        .collect();
    let (idx, _) = create_index(&mut session, &mut driver, sources);

    // The dry run first: every child mountable, nothing to copy.
    let plan = match driver
        .go(&mut session, |s| {
            Transfer::plan(
                s,
                &dst,
                Some("v1".into()),
                idx.clone(),
                OCI_INDEX,
                Some(src.clone()),
            )
        })
        .unwrap()
    {
        TransferOutput::Plan(p) => p,
        other => panic!("{other:?}"),
    };
    let blob_count: usize = images.iter().map(|i| 1 + i.layers.len()).sum();
    let blob_bytes: u64 = images
        .iter()
        .map(|i| (i.config.len() + i.layers.iter().map(Vec::len).sum::<usize>()) as u64)
        .sum();
    assert!(
        plan.children
            .iter()
            .all(|c| c.action == ChildAction::Mount { from: src.clone() }),
        "{plan:?}"
    );
    assert_eq!(
        (
            plan.blobs_to_mount,
            plan.bytes_to_mount,
            plan.blobs_to_copy,
            plan.bytes_to_copy
        ),
        (blob_count, blob_bytes, 0, 0)
    );
    assert_eq!(
        seed.manifest_status("team/dst", "v1"),
        404,
        "a dry run writes nothing"
    );

    let mut driver = Driver::new();
    let mut op = Transfer::push(
        &session,
        &dst,
        Some("v1".into()),
        idx.clone(),
        OCI_INDEX,
        Some(src.clone()),
    );
    let report = pushed(driver.run(&mut session, &mut op).unwrap());
    assert_eq!(
        (
            report.blobs_mounted,
            report.blobs_uploaded,
            report.bytes_uploaded,
            report.manifests_pushed
        ),
        (blob_count, 0, 0, 4)
    );
    assert_eq!(
        driver.blob_upload_bytes, 0,
        "no blob bytes were transferred"
    );
    eprintln!("figures: mount push of {blob_count} blobs ({blob_bytes} bytes) sent {} blob bytes in {} requests", driver.blob_upload_bytes, driver.log.len());
    let order = std::mem::take(&mut driver.events);
    assert!(
        matches!(order.last(), Some(Event::ManifestPushed { tag: Some(t), .. }) if t == "v1"),
        "the index goes last"
    );
    for img in &images {
        let pushed_at = order
            .iter()
            .position(
                |e| matches!(e, Event::ManifestPushed { digest, .. } if *digest == img.digest),
            )
            .unwrap();
        let blobs: Vec<_> = std::iter::once(&img.config)
            .chain(&img.layers)
            .map(|b| sha256(b))
            .collect();
        let mounted: Vec<usize> = order
            .iter()
            .enumerate()
            .filter(
                |(_, e)| matches!(e, Event::BlobMounted { digest, .. } if blobs.contains(digest)),
            )
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            mounted.len(),
            blobs.len(),
            "{}: every blob mounted",
            img.arch
        );
        assert!(
            mounted.iter().all(|&i| i < pushed_at),
            "{}: blobs before the manifest",
            img.arch
        );
    }
    assert_eq!(seed.manifest_status("team/dst", "v1"), 200);

    // Pushing again finds everything in place.
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::push(s, &dst, Some("v1".into()), idx, OCI_INDEX, Some(src))
            })
            .unwrap(),
    );
    assert_eq!(
        (
            report.manifests_pushed,
            report.blobs_mounted,
            report.manifests_present
        ),
        (1, 0, 0)
    );
}

#[test]
fn copy_to_a_second_registry_in_chunks() {
    let (reg1, seed1) = plain();
    let (reg2, seed2) = plain();
    let images = [
        image("copy", "amd64", &[5000, 1]),
        image("copy", "arm64/v8", &[2500]),
    ];
    let refs: Vec<&Image> = images.iter().collect();
    let idx = seed1.index("lib/app", "1.0", &refs);
    let src = Repository::new(reg1.host(), "lib/app");
    let dst = Repository::new(reg2.host(), "mirror/app");
    let chunk = 1024;
    let mut session = Session::new(SessionConfig::default().with_chunk_size(chunk));
    let mut driver = Driver::new();
    let mut op = Transfer::copy(
        &session,
        &src,
        ManifestRef::Tag("1.0".into()),
        &dst,
        Some("1.0".into()),
    );
    let report = pushed(driver.run(&mut session, &mut op).unwrap());
    let blob_bytes: u64 = images
        .iter()
        .map(|i| (i.config.len() + i.layers.iter().map(Vec::len).sum::<usize>()) as u64)
        .sum();
    assert_eq!(
        (
            report.blobs_uploaded,
            report.bytes_uploaded,
            report.manifests_pushed
        ),
        (5, blob_bytes, 3)
    );
    assert_eq!(driver.blob_upload_bytes, blob_bytes);
    assert!(
        driver.largest_body <= chunk.max(idx.len() as u64),
        "memory held is one chunk, not a layer: {}",
        driver.largest_body
    );
    assert!(
        (1..=2).contains(&driver.most_held_streams),
        "at most SessionConfig::max_streams downloads held open: {}",
        driver.most_held_streams
    );
    eprintln!("figures: copy uploaded {} blob bytes in {} requests; largest body held {} bytes; {} downloads held at most", driver.blob_upload_bytes, driver.log.len(), driver.largest_body, driver.most_held_streams);
    let patches = driver
        .log
        .iter()
        .filter(|(m, _, _)| *m == indexsmith_registry::Method::Patch)
        .count();
    assert_eq!(
        patches,
        5 + 3,
        "a 5000-byte layer in 5 chunks, a 2500-byte one in 3"
    );
    let back = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &dst, ManifestRef::Tag("1.0".into()))
        })
        .unwrap();
    assert_eq!(back.digest, sha256(&idx));
    assert_eq!(
        seed2.manifest_status("mirror/app", &images[0].digest.to_string()),
        200
    );

    // A second copy skips everything.
    let mut driver = Driver::new();
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::copy(
                    s,
                    &src,
                    ManifestRef::Tag("1.0".into()),
                    &dst,
                    Some("1.0".into()),
                )
            })
            .unwrap(),
    );
    assert_eq!((report.bytes_uploaded, report.manifests_pushed), (0, 1));
    assert_eq!(driver.blob_upload_bytes, 0);

    // The plan for a third registry path says copy.
    let other = Repository::new(reg2.host(), "other");
    let plan = match driver
        .go(&mut session, |s| {
            Transfer::plan(s, &other, None, idx, OCI_INDEX, Some(src))
        })
        .unwrap()
    {
        TransferOutput::Plan(p) => p,
        o => panic!("{o:?}"),
    };
    assert!(plan
        .children
        .iter()
        .all(|c| matches!(c.action, ChildAction::Copy { .. })));
    assert_eq!(plan.bytes_to_copy, blob_bytes);
}

#[test]
fn copy_with_stream_uploads_sends_each_blob_in_one_patch() {
    let (reg1, seed1) = plain();
    let (reg2, seed2) = plain();
    let images = [
        image("stream", "amd64", &[5000, 1]),
        image("stream", "arm64/v8", &[2500]),
    ];
    let refs: Vec<&Image> = images.iter().collect();
    let idx = seed1.index("lib/app", "1.0", &refs);
    let src = Repository::new(reg1.host(), "lib/app");
    let dst = Repository::new(reg2.host(), "mirror/app");
    let mut session = Session::new(
        SessionConfig::default()
            .with_chunk_size(1024)
            .with_stream_uploads(true),
    );
    let mut driver = Driver::new();
    let mut op = Transfer::copy(
        &session,
        &src,
        ManifestRef::Tag("1.0".into()),
        &dst,
        Some("1.0".into()),
    );
    let report = pushed(driver.run(&mut session, &mut op).unwrap());
    let blob_bytes: u64 = images
        .iter()
        .map(|i| (i.config.len() + i.layers.iter().map(Vec::len).sum::<usize>()) as u64)
        .sum();
    assert_eq!(
        (
            report.blobs_uploaded,
            report.bytes_uploaded,
            report.manifests_pushed
        ),
        (5, blob_bytes, 3)
    );
    let patches: Vec<&str> = driver
        .log
        .iter()
        .filter(|(m, _, _)| *m == indexsmith_registry::Method::Patch)
        .map(|(_, u, _)| u.as_str())
        .collect();
    assert_eq!(
        patches.len(),
        2,
        "the 5000- and 2500-byte layers in one PATCH each: {patches:?}"
    );
    let back = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &dst, ManifestRef::Tag("1.0".into()))
        })
        .unwrap();
    assert_eq!(back.digest, sha256(&idx));
    for img in &images {
        assert_eq!(
            seed2.manifest_status("mirror/app", &img.digest.to_string()),
            200
        );
    }
}

#[test]
fn basic_auth() {
    let reg = Registry::start(Auth::Basic {
        user: "alice".into(),
        password: "s3cret".into(),
    });
    let seed = Seeder {
        host: reg.host(),
        authorization: Some(Credentials::new("alice", "s3cret").basic_header()),
    };
    let img = image("basic", "amd64", &[20]);
    seed.image("private", &img, Some("v1"));
    let repo = Repository::new(reg.host(), "private");
    let mut driver = Driver::new();

    let mut session = Session::new(SessionConfig::default());
    let anonymous = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("v1".into()))
        })
        .unwrap_err();
    assert_eq!(
        (anonymous.code(), anonymous.status),
        ("UNAUTHORIZED", Some(401))
    );

    session.set_credentials(&reg.host(), Credentials::new("alice", "wrong"));
    let wrong = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("v1".into()))
        })
        .unwrap_err();
    assert_eq!(
        (wrong.code(), wrong.is_retryable()),
        ("UNAUTHORIZED", false)
    );

    session.set_credentials(&reg.host(), Credentials::new("alice", "s3cret"));
    let m = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &repo, ManifestRef::Tag("v1".into()))
        })
        .unwrap();
    assert_eq!(m.digest, img.digest);
    // Push an index over it with the same credentials.
    let idx = index(&[&img]);
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::push(
                    s,
                    &repo,
                    Some("multi".into()),
                    idx,
                    OCI_INDEX,
                    Some(repo.clone()),
                )
            })
            .unwrap(),
    );
    assert_eq!(report.manifests_pushed, 1);
}

#[test]
fn token_auth() {
    let tokens = TokenService::start("bob", "hunter2");
    let reg = Registry::start(Auth::Token {
        realm: tokens.realm(),
        service: SERVICE.into(),
        issuer: ISSUER.into(),
        cert: tokens.cert.clone(),
    });
    let (plain_reg, plain_seed) = plain();
    let images = three_images("token");
    let refs: Vec<&Image> = images.iter().collect();
    let idx = plain_seed.index("upstream", "v1", &refs);
    let upstream = Repository::new(plain_reg.host(), "upstream");
    let a = Repository::new(reg.host(), "org/a");
    let b = Repository::new(reg.host(), "org/b");
    let mut driver = Driver::new();

    // Anonymous: the token service grants nothing, the registry refuses.
    let mut anonymous = Session::new(SessionConfig::default());
    let err = driver
        .go(&mut anonymous, |s| {
            Transfer::copy(
                s,
                &upstream,
                ManifestRef::Tag("v1".into()),
                &a,
                Some("v1".into()),
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), "UNAUTHORIZED", "{err}");

    // A wrong password: the token service refuses.
    let mut wrong = Session::new(SessionConfig::default());
    wrong.set_credentials(&reg.host(), Credentials::new("bob", "nope"));
    let err = driver
        .go(&mut wrong, |s| {
            FetchManifest::new(s, &a, ManifestRef::Tag("v1".into()))
        })
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status),
        ("UNAUTHORIZED", Some(401)),
        "{err}"
    );

    let err = driver
        .go(&mut wrong, |s| Ping::new(s, &reg.host()))
        .unwrap_err();
    assert_eq!(
        err.code(),
        "UNAUTHORIZED",
        "a log-in check catches the wrong password: {err}"
    );

    // With credentials: copy in, fetch back, then push into a second repository by mounting.
    let mut session = Session::new(SessionConfig::default());
    session.set_credentials(&reg.host(), Credentials::new("bob", "hunter2"));
    let ping = driver
        .go(&mut session, |s| Ping::new(s, &reg.host()))
        .unwrap();
    assert_eq!(ping.api_version.as_deref(), Some("registry/2.0"));
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::copy(
                    s,
                    &upstream,
                    ManifestRef::Tag("v1".into()),
                    &a,
                    Some("v1".into()),
                )
            })
            .unwrap(),
    );
    assert_eq!(report.manifests_pushed, 4);
    let back = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &a, ManifestRef::Tag("v1".into()))
        })
        .unwrap();
    assert_eq!(back.digest, sha256(&idx));
    let before = tokens.requests.lock().unwrap().len();
    let again = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &a, ManifestRef::Tag("v1".into()))
        })
        .unwrap();
    assert_eq!(again.digest, back.digest);
    assert_eq!(
        tokens.requests.lock().unwrap().len(),
        before,
        "the cached token was reused"
    );

    let mut mount_driver = Driver::new();
    let report = pushed(
        mount_driver
            .go(&mut session, |s| {
                Transfer::push(s, &b, Some("v1".into()), idx, OCI_INDEX, Some(a.clone()))
            })
            .unwrap(),
    );
    assert_eq!((report.blobs_mounted, report.bytes_uploaded), (9, 0));
    assert_eq!(mount_driver.blob_upload_bytes, 0);
    let requests = tokens.requests.lock().unwrap().clone();
    assert!(
        requests.iter().any(|(auth, scopes)| *auth
            && scopes.contains(&"repository:org/b:pull,push".to_owned())
            && scopes.contains(&"repository:org/a:pull".to_owned())),
        "a mount asks for push on the target and pull on the source: {requests:?}"
    );
}

#[test]
fn a_registry_serving_altered_bytes_is_caught() {
    let (reg, seed) = plain();
    let images = [image("evil", "amd64", &[400])];
    let refs: Vec<&Image> = images.iter().collect();
    seed.index("app", "v1", &refs);
    let layer = sha256(&images[0].layers[0]).to_string();
    let child = images[0].digest.to_string();
    let fault = Arc::new(move |req: &ServerRequest, mut resp: ServerResponse| {
        if req.method == "GET"
            && (req.target.ends_with(&layer) || req.target.ends_with(&child))
            && !resp.body.is_empty()
        {
            let last = resp.body.len() - 1;
            resp.body[last] ^= 1;
        }
        resp
    });
    let port = proxy(reg.host(), fault);
    let evil = Repository::new(format!("127.0.0.1:{port}"), "app");
    let (reg2, seed2) = plain();
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();

    let err = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &evil, ManifestRef::Digest(images[0].digest.clone()))
        })
        .unwrap_err();
    assert_eq!(err.code(), "DIGEST_MISMATCH", "{err}");

    let err = driver
        .go(&mut session, |s| {
            Inspect::new(s, &evil, ManifestRef::Tag("v1".into()))
        })
        .unwrap_err();
    assert_eq!(err.code(), "DIGEST_MISMATCH", "{err}");

    // Copying: the child manifest is altered; and with a clean manifest, the layer is.
    let dst = Repository::new(reg2.host(), "copy");
    let err = driver
        .go(&mut session, |s| {
            Transfer::copy(
                s,
                &evil,
                ManifestRef::Tag("v1".into()),
                &dst,
                Some("v1".into()),
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), "DIGEST_MISMATCH", "{err}");
    assert_eq!(seed2.manifest_status("copy", "v1"), 404);

    let layer_only = sha256(&images[0].layers[0]).to_string();
    let port = proxy(
        reg.host(),
        Arc::new(move |req: &ServerRequest, mut resp: ServerResponse| {
            if req.method == "GET" && req.target.ends_with(&layer_only) && !resp.body.is_empty() {
                resp.body[0] ^= 1;
            }
            resp
        }),
    );
    let evil_blobs = Repository::new(format!("127.0.0.1:{port}"), "app");
    let mut driver = Driver::new();
    let err = driver
        .go(&mut session, |s| {
            Transfer::copy(
                s,
                &evil_blobs,
                ManifestRef::Tag("v1".into()),
                &dst,
                Some("v1".into()),
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), "DIGEST_MISMATCH", "{err}");
    assert_eq!(seed2.manifest_status("copy", "v1"), 404);
    assert_eq!(
        seed2.manifest_status("copy", &images[0].digest.to_string()),
        404,
        "the child was not pushed either"
    );
}

#[test]
fn a_server_error_mid_push_tags_nothing_and_a_retry_completes() {
    let (reg, seed) = plain();
    let images = three_images("flaky");
    for (i, img) in images.iter().enumerate() {
        seed.image("src", img, Some(&format!("arch{i}")));
    }
    let refs: Vec<&Image> = images.iter().collect();
    let idx = index(&refs);
    let failed_once = Arc::new(Mutex::new(false));
    let flag = failed_once.clone();
    let victim = images[1].digest.to_string();
    // The registry fails one child manifest PUT without storing it.
    let port = proxy_with(
        reg.host(),
        Arc::new(move |req: &ServerRequest| {
            let mut done = flag.lock().unwrap();
            if !*done && req.method == "PUT" && req.target.ends_with(&victim) {
                *done = true;
                return Some(ServerResponse {
                    status: 500,
                    headers: vec![],
                    body: b"boom".to_vec(),
                });
            }
            None
        }),
        Arc::new(|_: &ServerRequest, resp: ServerResponse| resp),
    );
    let via_proxy = format!("127.0.0.1:{port}");
    let src = Repository::new(via_proxy.clone(), "src");
    let dst = Repository::new(via_proxy, "dst");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let err = driver
        .go(&mut session, |s| {
            Transfer::push(
                s,
                &dst,
                Some("v1".into()),
                idx.clone(),
                OCI_INDEX,
                Some(src.clone()),
            )
        })
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status, err.is_retryable()),
        ("UNEXPECTED_STATUS", Some(500), true),
        "{err}"
    );
    assert!(*failed_once.lock().unwrap());
    assert_eq!(seed.manifest_status("dst", "v1"), 404, "nothing is tagged");

    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::push(
                    s,
                    &dst,
                    Some("v1".into()),
                    idx.clone(),
                    OCI_INDEX,
                    Some(src),
                )
            })
            .unwrap(),
    );
    // The children stored before the failure are found (the driver cancels what is in flight
    // when the push fails, so how many got there depends on timing); the failed one and the
    // index are pushed.
    assert_eq!(
        report.manifests_present + report.manifests_pushed,
        4,
        "{report:?}"
    );
    assert!(report.manifests_pushed >= 2, "{report:?}");
    assert!(report.blobs_present > 0, "{report:?}");
    assert_eq!(seed.manifest_status("dst", "v1"), 200);
}

#[test]
fn referrers_use_the_tag_schema_on_distribution_2_8() {
    let (reg, seed) = plain();
    let subject = image("subject", "amd64", &[10]);
    seed.image("app", &subject, Some("v1"));
    // An artifact manifest referring to the subject, and the fallback index tagged <alg>-<hex>.
    let empty = b"{}".to_vec();
    seed.blob("app", &empty);
    let sbom = b"sbom".to_vec();
    seed.blob("app", &sbom);
    let artifact = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","artifactType":"application/vnd.example.sbom","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{}","size":2}},"layers":[{{"mediaType":"text/plain","digest":"{}","size":4}}],"subject":{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":{}}}}}"#,
        sha256(&empty),
        sha256(&sbom),
        subject.digest,
        subject.manifest.len()
    );
    seed.manifest(
        "app",
        &sha256(artifact.as_bytes()).to_string(),
        OCI_MANIFEST,
        artifact.as_bytes(),
    );
    let fallback = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":{},"artifactType":"application/vnd.example.sbom"}}]}}"#,
        sha256(artifact.as_bytes()),
        artifact.len()
    );
    seed.manifest(
        "app",
        &format!("sha256-{}", subject.digest.encoded()),
        OCI_INDEX,
        fallback.as_bytes(),
    );
    let repo = Repository::new(reg.host(), "app");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let out = driver
        .go(&mut session, |s| {
            ListReferrers::new(s, &repo, subject.digest.clone(), None)
        })
        .unwrap();
    assert!(out.from_tag_schema);
    assert_eq!(out.descriptors.len(), 1);
    assert_eq!(out.descriptors[0].digest, sha256(artifact.as_bytes()));
    let none = driver
        .go(&mut session, |s| {
            ListReferrers::new(s, &repo, sha256(b"other"), None)
        })
        .unwrap();
    assert!(none.descriptors.is_empty());
}

#[test]
fn docker_manifest_lists_copy_with_their_media_types() {
    const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
    const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    let (reg1, seed1) = plain();
    let (reg2, _seed2) = plain();
    let mut children = Vec::new();
    for arch in ["amd64", "arm64"] {
        let config = format!(
            r#"{{"architecture":"{arch}","os":"linux","rootfs":{{"type":"layers","diff_ids":[]}}}}"#
        )
        .into_bytes();
        let layer = support::images::bytes(&format!("docker-{arch}"), 300);
        seed1.blob("d", &config);
        seed1.blob("d", &layer);
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"{DOCKER_MANIFEST}","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":300,"digest":"{}"}}]}}"#,
            config.len(),
            sha256(&config),
            sha256(&layer)
        );
        seed1.manifest(
            "d",
            &sha256(manifest.as_bytes()).to_string(),
            DOCKER_MANIFEST,
            manifest.as_bytes(),
        );
        children.push(format!(r#"{{"mediaType":"{DOCKER_MANIFEST}","size":{},"digest":"{}","platform":{{"architecture":"{arch}","os":"linux"}}}}"#, manifest.len(), sha256(manifest.as_bytes())));
    }
    let list = format!(
        r#"{{"schemaVersion":2,"mediaType":"{DOCKER_LIST}","manifests":[{}]}}"#,
        children.join(",")
    );
    seed1.manifest("d", "latest", DOCKER_LIST, list.as_bytes());
    let src = Repository::new(reg1.host(), "d");
    let dst = Repository::new(reg2.host(), "d");
    let mut session = Session::new(SessionConfig::default());
    let mut driver = Driver::new();
    let inspected = driver
        .go(&mut session, |s| {
            Inspect::new(s, &src, ManifestRef::Tag("latest".into()))
        })
        .unwrap();
    assert_eq!(inspected.manifest.media_type, DOCKER_LIST);
    let platforms: Vec<String> = inspected
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
    assert_eq!(platforms, ["linux/amd64", "linux/arm64"]);
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::copy(
                    s,
                    &src,
                    ManifestRef::Tag("latest".into()),
                    &dst,
                    Some("latest".into()),
                )
            })
            .unwrap(),
    );
    assert_eq!((report.manifests_pushed, report.blobs_uploaded), (3, 4));
    let back = driver
        .go(&mut session, |s| {
            FetchManifest::new(s, &dst, ManifestRef::Tag("latest".into()))
        })
        .unwrap();
    assert_eq!(
        (back.media_type.as_str(), back.bytes),
        (DOCKER_LIST, list.into_bytes())
    );
}

#[test]
fn a_failed_copy_cancels_the_upload_session_it_abandoned() {
    let (reg1, seed1) = plain();
    let (reg2, _seed2) = plain();
    let img = image("cancel", "amd64", &[5000]);
    seed1.image("src", &img, Some("v1"));
    let patches = Arc::new(Mutex::new(0));
    let count = patches.clone();
    // The target fails the second range of the layer's upload.
    let port = proxy_with(
        reg2.host(),
        Arc::new(move |req: &ServerRequest| {
            if req.method != "PATCH" {
                return None;
            }
            let mut n = count.lock().unwrap();
            *n += 1;
            (*n == 2).then(|| ServerResponse {
                status: 500,
                headers: vec![],
                body: b"boom".to_vec(),
            })
        }),
        Arc::new(|_: &ServerRequest, resp: ServerResponse| resp),
    );
    let src = Repository::new(reg1.host(), "src");
    let dst = Repository::new(format!("127.0.0.1:{port}"), "dst");
    let mut session = Session::new(SessionConfig::default().with_chunk_size(1024));
    let mut driver = Driver::new();
    let err = driver
        .go(&mut session, |s| {
            Transfer::copy(
                s,
                &src,
                ManifestRef::Tag("v1".into()),
                &dst,
                Some("v1".into()),
            )
        })
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status),
        ("UNEXPECTED_STATUS", Some(500)),
        "{err}"
    );
    let deletes: Vec<&(indexsmith_registry::Method, String, u16)> = driver
        .log
        .iter()
        .filter(|(m, _, _)| *m == indexsmith_registry::Method::Delete)
        .collect();
    // The failed upload's session, and the other blob's when it was open by then (timing).
    let opened = driver
        .log
        .iter()
        .filter(|(m, _, status)| *m == indexsmith_registry::Method::Post && *status == 202)
        .count();
    assert!(
        (1..=opened).contains(&deletes.len()),
        "{} sessions opened: {:?}",
        opened,
        driver.log
    );
    // The failed upload's session is cancelled. Another blob's upload may have finished on the
    // registry while the cancel was on its way: that DELETE then finds nothing (404), or, when
    // the registry had looked the session up just before the commit removed it, fails on the
    // registry's side (distribution answers 500 for that race).
    let session_of = |url: &str| url.split('?').next().unwrap_or_default().to_string();
    let failed = driver
        .log
        .iter()
        .find(|(m, _, status)| *m == indexsmith_registry::Method::Patch && *status == 500)
        .map(|(_, url, _)| session_of(url))
        .expect("the failed PATCH is in the log");
    assert!(
        deletes
            .iter()
            .any(|(_, url, status)| session_of(url) == failed && *status == 204),
        "the registry cancelled the failed session {failed}: {deletes:?}"
    );
    assert!(
        deletes
            .iter()
            .all(|(_, url, status)| url.contains("/v2/dst/blobs/uploads/")
                && (session_of(url) != failed || *status == 204)
                && matches!(*status, 204 | 404 | 500)),
        "only upload sessions of the target are cancelled: {deletes:?}"
    );
    assert_eq!(
        driver.log.last().map(|(m, _, _)| *m),
        Some(indexsmith_registry::Method::Delete),
        "nothing after the DELETE"
    );
}

/// Serves every request with a 200 MB "manifest", written 64 KiB at a time until the client
/// stops reading: with a `Content-Length`, or without one (the body ends when the connection
/// closes). Returns the port and the number of bytes written so far.
fn huge_manifest_server(announce_length: bool) -> (u16, Arc<Mutex<u64>>) {
    use std::io::{BufRead, BufReader, Write};
    const SIZE: u64 = 200 * 1024 * 1024;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let written = Arc::new(Mutex::new(0u64));
    let counter = written.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut w = stream;
                let length = if announce_length {
                    format!("Content-Length: {SIZE}\r\n")
                } else {
                    String::new()
                };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Type: {OCI_MANIFEST}\r\n{length}Connection: close\r\n\r\n");
                if w.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let piece = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < SIZE {
                    if w.write_all(&piece).is_err() {
                        return;
                    }
                    sent += piece.len() as u64;
                    *counter.lock().unwrap() += piece.len() as u64;
                }
            });
        }
    });
    (port, written)
}

#[test]
fn a_manifest_over_4_mib_is_refused_before_it_is_read_whole() {
    for announce_length in [true, false] {
        let (port, written) = huge_manifest_server(announce_length);
        let repo = Repository::new(format!("127.0.0.1:{port}"), "huge");
        let mut session = Session::new(SessionConfig::default());
        let mut driver = Driver::new();
        let err = driver
            .go(&mut session, |s| {
                FetchManifest::new(s, &repo, ManifestRef::Tag("latest".into()))
            })
            .unwrap_err();
        assert_eq!(
            err.code(),
            "TOO_LARGE",
            "length announced: {announce_length}: {err}"
        );
        assert!(
            driver.largest_body <= 5 * 1024 * 1024,
            "the limit and one network read at most; length announced: {announce_length}: held {} bytes",
            driver.largest_body
        );
        let sent = *written.lock().unwrap();
        assert!(
            sent < 64 * 1024 * 1024,
            "length announced: {announce_length}: the client stopped reading ({sent} bytes written)"
        );
        eprintln!("figures: 200 MB manifest (length announced: {announce_length}): refused with {}, {} bytes held, {sent} bytes written by the server", err.code(), driver.largest_body);
    }
}

#[test]
fn a_source_on_another_host_gets_none_of_the_targets_credentials() {
    let (source_reg, source_seed) = plain();
    let images = three_images("scoped");
    let refs: Vec<&Image> = images.iter().collect();
    let idx = source_seed.index("app", "v1", &refs);
    // Every Authorization header that reaches the source, through a recording proxy.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = seen.clone();
    let port = proxy_with(
        source_reg.host(),
        Arc::new(move |req: &ServerRequest| {
            if let Some(a) = req.header("authorization") {
                record
                    .lock()
                    .unwrap()
                    .push(format!("{} {}: {a}", req.method, req.target));
            }
            None
        }),
        Arc::new(|_: &ServerRequest, resp: ServerResponse| resp),
    );
    let target = Registry::start(Auth::Basic {
        user: "alice".into(),
        password: "s3cret".into(),
    });
    let source = Repository::new(format!("127.0.0.1:{port}"), "app");
    let dst = Repository::new(target.host(), "mirror/app");
    let mut session = Session::new(SessionConfig::default());
    session.set_credentials(&target.host(), Credentials::new("alice", "s3cret"));
    session.set_token(&target.host(), "target-token");
    let mut driver = Driver::new();
    let report = pushed(
        driver
            .go(&mut session, |s| {
                Transfer::push(
                    s,
                    &dst,
                    Some("v1".into()),
                    idx.clone(),
                    OCI_INDEX,
                    Some(source),
                )
            })
            .unwrap(),
    );
    assert_eq!(report.manifests_pushed, 4, "{report:?}");
    assert!(report.blobs_uploaded > 0, "{report:?}");
    let seen = seen.lock().unwrap();
    assert!(seen.is_empty(), "the source saw credentials: {seen:?}");
    assert!(
        driver
            .log
            .iter()
            .any(|(_, url, _)| url.contains(&format!("127.0.0.1:{port}"))),
        "the source was read through the recording proxy"
    );
}
