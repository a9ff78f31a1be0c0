use super::*;
use proptest::prelude::*;

const F64: &str = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

struct GrammarCase {
    input: String,
    domain: &'static str,
    name: String,
    tag: &'static str,
    digest: String,
}

fn ok(
    input: impl Into<String>,
    domain: &'static str,
    name: impl Into<String>,
    tag: &'static str,
    digest: impl Into<String>,
) -> GrammarCase {
    GrammarCase {
        input: input.into(),
        domain,
        name: name.into(),
        tag,
        digest: digest.into(),
    }
}

#[test]
fn grammar_accepts() {
    let sha = format!("sha256:{F64}");
    let sha512 = format!("sha512:{F64}{F64}");
    let cases = vec![
        ok("test_com", "", "test_com", "", ""),
        ok("test.com:tag", "", "test.com", "tag", ""),
        ok("test.com:5000", "", "test.com", "5000", ""),
        ok("test.com/repo:tag", "test.com", "test.com/repo", "tag", ""),
        ok("test:5000/repo", "test:5000", "test:5000/repo", "", ""),
        ok(
            "test:5000/repo:tag",
            "test:5000",
            "test:5000/repo",
            "tag",
            "",
        ),
        ok(
            format!("test:5000/repo@{sha}"),
            "test:5000",
            "test:5000/repo",
            "",
            sha.clone(),
        ),
        ok(
            format!("test:5000/repo:tag@{sha}"),
            "test:5000",
            "test:5000/repo",
            "tag",
            sha.clone(),
        ),
        ok("lowercase:Uppercase", "", "lowercase", "Uppercase", ""),
        ok(
            format!("{}a:tag-puts-this-over-max", "a/".repeat(127)),
            "a",
            format!("{}a", "a/".repeat(127)),
            "tag-puts-this-over-max",
            "",
        ),
        ok(
            "sub-dom1.foo.com/bar/baz/quux",
            "sub-dom1.foo.com",
            "sub-dom1.foo.com/bar/baz/quux",
            "",
            "",
        ),
        ok(
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
            "sub-dom1.foo.com",
            "sub-dom1.foo.com/bar/baz/quux",
            "some-long-tag",
            "",
        ),
        ok(
            "b.gcr.io/test.example.com/my-app:test.example.com",
            "b.gcr.io",
            "b.gcr.io/test.example.com/my-app",
            "test.example.com",
            "",
        ),
        ok(
            "xn--n3h.com/myimage:xn--n3h.com",
            "xn--n3h.com",
            "xn--n3h.com/myimage",
            "xn--n3h.com",
            "",
        ),
        ok(
            format!("xn--7o8h.com/myimage:xn--7o8h.com@{sha512}"),
            "xn--7o8h.com",
            "xn--7o8h.com/myimage",
            "xn--7o8h.com",
            sha512.clone(),
        ),
        ok("foo_bar.com:8080", "", "foo_bar.com", "8080", ""),
        ok("foo/foo_bar.com:8080", "foo", "foo/foo_bar.com", "8080", ""),
        ok("192.168.1.1", "", "192.168.1.1", "", ""),
        ok("192.168.1.1:tag", "", "192.168.1.1", "tag", ""),
        ok("192.168.1.1:5000", "", "192.168.1.1", "5000", ""),
        ok(
            "192.168.1.1/repo",
            "192.168.1.1",
            "192.168.1.1/repo",
            "",
            "",
        ),
        ok(
            "192.168.1.1:5000/repo",
            "192.168.1.1:5000",
            "192.168.1.1:5000/repo",
            "",
            "",
        ),
        ok(
            "192.168.1.1:5000/repo:5050",
            "192.168.1.1:5000",
            "192.168.1.1:5000/repo",
            "5050",
            "",
        ),
        ok(
            "[2001:db8::1]/repo",
            "[2001:db8::1]",
            "[2001:db8::1]/repo",
            "",
            "",
        ),
        ok(
            "[2001:db8:1:2:3:4:5:6]/repo:tag",
            "[2001:db8:1:2:3:4:5:6]",
            "[2001:db8:1:2:3:4:5:6]/repo",
            "tag",
            "",
        ),
        ok(
            "[2001:db8::1]:5000/repo",
            "[2001:db8::1]:5000",
            "[2001:db8::1]:5000/repo",
            "",
            "",
        ),
        ok(
            "[2001:db8::1]:5000/repo:tag",
            "[2001:db8::1]:5000",
            "[2001:db8::1]:5000/repo",
            "tag",
            "",
        ),
        ok(
            format!("[2001:db8::1]:5000/repo@{sha}"),
            "[2001:db8::1]:5000",
            "[2001:db8::1]:5000/repo",
            "",
            sha.clone(),
        ),
        ok(
            format!("[2001:db8::1]:5000/repo:tag@{sha}"),
            "[2001:db8::1]:5000",
            "[2001:db8::1]:5000/repo",
            "tag",
            sha.clone(),
        ),
        ok(
            "[2001:db8::]:5000/repo",
            "[2001:db8::]:5000",
            "[2001:db8::]:5000/repo",
            "",
            "",
        ),
        ok("[::1]:5000/repo", "[::1]:5000", "[::1]:5000/repo", "", ""),
        ok("Foo/bar", "Foo", "Foo/bar", "", ""),
        ok("foo/bar", "foo", "foo/bar", "", ""),
        ok(
            "localhost:5000/a__b/c---d/e.f_g",
            "localhost:5000",
            "localhost:5000/a__b/c---d/e.f_g",
            "",
            "",
        ),
        ok(
            format!("example.com/{}:tag", "a".repeat(255)),
            "example.com",
            format!("example.com/{}", "a".repeat(255)),
            "tag",
            "",
        ),
        ok(
            format!("{}a", "a/".repeat(128)),
            "a",
            format!("{}a", "a/".repeat(128)),
            "",
            "",
        ),
        ok(format!("r:{}", "T".repeat(128)), "", "r", "", ""),
    ];
    for mut case in cases {
        if case.input.starts_with("r:T") {
            // A 128-character tag is the longest allowed.
            let r = parse_grammar(&case.input).unwrap_or_else(|e| panic!("{}: {e}", case.input));
            assert_eq!(r.tag.as_deref().map(str::len), Some(128));
            continue;
        }
        let r = parse_grammar(&case.input).unwrap_or_else(|e| panic!("{}: {e}", case.input));
        assert_eq!(r.to_string(), case.input, "{}: round trip", case.input);
        assert_eq!(r.name(), case.name, "{}: name", case.input);
        assert_eq!(r.domain, case.domain, "{}: domain", case.input);
        assert_eq!(
            r.tag.as_deref().unwrap_or(""),
            case.tag,
            "{}: tag",
            case.input
        );
        let digest = r
            .digest
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert_eq!(
            digest,
            std::mem::take(&mut case.digest),
            "{}: digest",
            case.input
        );
    }
}

#[test]
fn grammar_rejects() {
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "reference/empty"),
        (":justtag".into(), "reference/invalid-format"),
        (format!("@sha256:{F64}"), "reference/invalid-format"),
        (
            "repo@sha256:ffffffffffffffffffffffffffffffffff".into(),
            "reference/invalid-digest",
        ),
        (
            format!("validname@invaliddigest:{F64}"),
            "reference/unsupported-digest",
        ),
        (
            format!("repo@sha256:{}", F64.to_uppercase()),
            "reference/invalid-digest",
        ),
        (format!("repo@SHA256:{F64}"), "reference/invalid-digest"),
        ("repo@sha256:abc".into(), "reference/invalid-digest"),
        ("Uppercase:tag".into(), "reference/name-contains-uppercase"),
        (
            "test:5000/Uppercase/lowercase:tag".into(),
            "reference/name-contains-uppercase",
        ),
        // The limit applies to the path, not to the domain (upstream since it checks repo.path).
        (
            format!("domain/{}:tag", "a".repeat(256)),
            "reference/name-too-long",
        ),
        ("aa/asdf$$^/aa".into(), "reference/invalid-format"),
        ("[2001:db8::1]".into(), "reference/invalid-format"),
        ("[2001:db8::1]:5000".into(), "reference/invalid-format"),
        ("[2001:db8::1]:tag".into(), "reference/invalid-format"),
        (
            "[fe80::1%eth0]:5000/repo".into(),
            "reference/invalid-format",
        ),
        (
            "[fe80::1%@invalidzone]:5000/repo".into(),
            "reference/invalid-format",
        ),
        ("repo:-tag".into(), "reference/invalid-tag"),
        (format!("repo:{}", "t".repeat(129)), "reference/invalid-tag"),
        ("repo:a:b".into(), "reference/invalid-format"),
        ("repo@a@b".into(), "reference/invalid-digest"),
        ("repo/".into(), "reference/invalid-format"),
        ("re po".into(), "reference/invalid-format"),
        ("caf\u{e9}".into(), "reference/invalid-format"),
    ];
    for (input, code) in cases {
        match parse_grammar(&input) {
            Ok(r) => panic!("{input:?}: parsed as {r:?}"),
            Err(e) => assert_eq!(e.code(), code, "{input:?}: {e}"),
        }
    }
}

#[test]
fn normalized_names_accept() {
    let names = [
        "docker/docker",
        "library/debian",
        "debian",
        "docker.io/docker/docker",
        "docker.io/library/debian",
        "docker.io/debian",
        "index.docker.io/docker/docker",
        "index.docker.io/library/debian",
        "index.docker.io/debian",
        "127.0.0.1:5000/docker/docker",
        "127.0.0.1:5000/library/debian",
        "127.0.0.1:5000/debian",
        "192.168.0.1",
        "192.168.0.1:80",
        "192.168.0.1:8/debian",
        "192.168.0.2:25000/debian",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "[fc00::1]:5000/docker",
        "[fc00::1]:5000/docker/docker",
        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "Docker/docker",
        "DOCKER/docker",
        "docker-rules/docker",
        "docker---rules/docker",
        "doc/docker",
        "d/docker",
        "jess/t",
        "dock__er/docker",
    ];
    for name in names {
        let r = parse_normalized(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            parse_normalized(&r.to_string()).as_ref(),
            Ok(&r),
            "{name}: normalized form is stable"
        );
        if name.ends_with("c1b3a") {
            // Upstream asymmetry: the familiar form of docker.io/<64 hex> is an image ID.
            assert_eq!(
                parse_normalized(&r.familiar_string()).map_err(|e| e.code()),
                Err("reference/identifier-not-name")
            );
        } else {
            assert_eq!(
                parse_normalized(&r.familiar_string()).as_ref(),
                Ok(&r),
                "{name}: familiar form parses back"
            );
        }
    }
}

#[test]
fn normalized_names_reject() {
    let too_long = "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker";
    let cases: &[(&str, &str)] = &[
        ("", "reference/empty"),
        (
            "https://github.com/docker/docker",
            "reference/invalid-format",
        ),
        ("docker/Docker", "reference/name-contains-uppercase"),
        ("-docker", "reference/invalid-format"),
        ("-docker/docker", "reference/invalid-format"),
        ("-docker.io/docker/docker", "reference/invalid-format"),
        ("docker///docker", "reference/invalid-format"),
        (
            "docker.io/docker/Docker",
            "reference/name-contains-uppercase",
        ),
        ("docker.io/docker///docker", "reference/invalid-format"),
        ("[fc00::1]", "reference/invalid-format"),
        ("[fc00::1]:5000", "reference/invalid-format"),
        ("fc00::1:5000/debian", "reference/invalid-format"),
        ("[fe80::1%eth0]:5000/debian", "reference/invalid-format"),
        (
            "[2001:db8:3:4::192.0.2.33]:5000/debian",
            "reference/invalid-format",
        ),
        (
            "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
            "reference/identifier-not-name",
        ),
        ("docker-/docker", "reference/invalid-format"),
        ("-docker-/docker", "reference/invalid-format"),
        ("____/____", "reference/invalid-format"),
        ("_docker/_docker", "reference/invalid-format"),
        ("dock..er/docker", "reference/invalid-format"),
        ("dock_.er/docker", "reference/invalid-format"),
        ("dock-.er/docker", "reference/invalid-format"),
        ("docker/", "reference/invalid-format"),
        (too_long, "reference/name-too-long"),
        ("Ubuntu", "reference/name-contains-uppercase"),
        ("ubuntu:", "reference/invalid-tag"),
        ("ubuntu@sha256:abc", "reference/invalid-digest"),
    ];
    for (input, code) in cases {
        match parse_normalized(input) {
            Ok(r) => panic!("{input:?}: parsed as {r:?}"),
            Err(e) => assert_eq!(e.code(), *code, "{input:?}: {e}"),
        }
    }
}

#[test]
fn repository_info() {
    // (path, familiar name, full name, other spelling, domain): upstream TestParseRepositoryInfo.
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "fooo/bar",
            "fooo/bar",
            "docker.io/fooo/bar",
            "index.docker.io/fooo/bar",
            "docker.io",
        ),
        (
            "library/ubuntu",
            "ubuntu",
            "docker.io/library/ubuntu",
            "library/ubuntu",
            "docker.io",
        ),
        (
            "nonlibrary/ubuntu",
            "nonlibrary/ubuntu",
            "docker.io/nonlibrary/ubuntu",
            "",
            "docker.io",
        ),
        (
            "other/library",
            "other/library",
            "docker.io/other/library",
            "",
            "docker.io",
        ),
        (
            "private/moonbase",
            "127.0.0.1:8000/private/moonbase",
            "127.0.0.1:8000/private/moonbase",
            "",
            "127.0.0.1:8000",
        ),
        (
            "privatebase",
            "127.0.0.1:8000/privatebase",
            "127.0.0.1:8000/privatebase",
            "",
            "127.0.0.1:8000",
        ),
        (
            "private/moonbase",
            "example.com/private/moonbase",
            "example.com/private/moonbase",
            "",
            "example.com",
        ),
        (
            "privatebase",
            "example.com/privatebase",
            "example.com/privatebase",
            "",
            "example.com",
        ),
        (
            "private/moonbase",
            "example.com:8000/private/moonbase",
            "example.com:8000/private/moonbase",
            "",
            "example.com:8000",
        ),
        (
            "privatebasee",
            "example.com:8000/privatebasee",
            "example.com:8000/privatebasee",
            "",
            "example.com:8000",
        ),
        (
            "library/ubuntu-12.04-base",
            "ubuntu-12.04-base",
            "docker.io/library/ubuntu-12.04-base",
            "index.docker.io/library/ubuntu-12.04-base",
            "docker.io",
        ),
        (
            "library/foo",
            "foo",
            "docker.io/library/foo",
            "docker.io/foo",
            "docker.io",
        ),
        (
            "library/foo/bar",
            "library/foo/bar",
            "docker.io/library/foo/bar",
            "",
            "docker.io",
        ),
        (
            "store/foo/bar",
            "store/foo/bar",
            "docker.io/store/foo/bar",
            "",
            "docker.io",
        ),
        ("bar", "Foo/bar", "Foo/bar", "", "Foo"),
        ("bar", "FOO/bar", "FOO/bar", "", "FOO"),
        ("foo", "localhost/foo", "localhost/foo", "", "localhost"),
        (
            "library/localhost",
            "localhost",
            "docker.io/library/localhost",
            "",
            "docker.io",
        ),
        ("x", "foo_bar.com/x", "foo_bar.com/x", "", ""),
    ];
    for (path, familiar, full, other, domain) in cases {
        for input in [*familiar, *full, *other]
            .into_iter()
            .filter(|s| !s.is_empty())
        {
            let r = parse_normalized(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            let case = format!("{input} (path {path})");
            assert_eq!(r.familiar_name(), *familiar, "{case}: familiar name");
            assert_eq!(r.to_string(), *full, "{case}: full name");
            assert_eq!(r.domain, *domain, "{case}: domain");
            let want_path = if domain.is_empty() { full } else { path };
            assert_eq!(r.path, *want_path, "{case}: path");
        }
    }
}

#[test]
fn normalized_split() {
    // upstream TestNormalizedSplitHostname
    let cases: &[(&str, &str, &str)] = &[
        ("test.com/foo", "test.com", "foo"),
        ("test_com/foo", "docker.io", "test_com/foo"),
        ("docker/migrator", "docker.io", "docker/migrator"),
        ("test.com:8080/foo", "test.com:8080", "foo"),
        ("test-com:8080/foo", "test-com:8080", "foo"),
        ("foo", "docker.io", "library/foo"),
        ("xn--n3h.com/foo", "xn--n3h.com", "foo"),
        ("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"),
        ("docker.io/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo/bar", "docker.io", "library/foo/bar"),
        ("localhost:5000/foo", "localhost:5000", "foo"),
        ("localhost:5000", "docker.io", "library/localhost"),
        ("[::1]:5000/foo", "[::1]:5000", "foo"),
    ];
    for (input, domain, path) in cases {
        let r = parse_normalized(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(
            (r.domain.as_str(), r.path.as_str()),
            (*domain, *path),
            "{input}"
        );
    }
}

#[test]
fn familiar_strings() {
    let d = format!("sha256:{F64}");
    // (input, normalized, familiar)
    let cases: Vec<(String, String, String)> = vec![
        (
            "ubuntu".into(),
            "docker.io/library/ubuntu".into(),
            "ubuntu".into(),
        ),
        (
            "ubuntu:24.04".into(),
            "docker.io/library/ubuntu:24.04".into(),
            "ubuntu:24.04".into(),
        ),
        (
            format!("busybox:latest@{d}"),
            format!("docker.io/library/busybox:latest@{d}"),
            format!("busybox:latest@{d}"),
        ),
        (
            format!("redis@{d}"),
            format!("docker.io/library/redis@{d}"),
            format!("redis@{d}"),
        ),
        (
            "dmcgowan/myapp:latest".into(),
            "docker.io/dmcgowan/myapp:latest".into(),
            "dmcgowan/myapp:latest".into(),
        ),
        (
            "index.docker.io/library/redis:7".into(),
            "docker.io/library/redis:7".into(),
            "redis:7".into(),
        ),
        (
            "ghcr.io/owner/repo:v1".into(),
            "ghcr.io/owner/repo:v1".into(),
            "ghcr.io/owner/repo:v1".into(),
        ),
        (
            "localhost:5000".into(),
            "docker.io/library/localhost:5000".into(),
            "localhost:5000".into(),
        ),
        (
            "192.168.0.1:80".into(),
            "docker.io/library/192.168.0.1:80".into(),
            "192.168.0.1:80".into(),
        ),
    ];
    for (input, normalized, familiar) in cases {
        let r: Reference = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(r.to_string(), normalized, "{input}: normalized");
        assert_eq!(r.familiar_string(), familiar, "{input}: familiar");
    }
}

#[test]
fn canonical_parse_table() {
    // upstream TestParseNamed: (input, domain and path, or the error code)
    type Expected = Result<(&'static str, &'static str), &'static str>;
    let cases: &[(&str, Expected)] = &[
        ("test.com/foo", Ok(("test.com", "foo"))),
        ("test:8080/foo", Ok(("test:8080", "foo"))),
        ("test_com/foo", Err("reference/name-not-canonical")),
        ("test.com", Err("reference/name-not-canonical")),
        ("foo", Err("reference/name-not-canonical")),
        ("library/foo", Err("reference/name-not-canonical")),
        ("docker.io/library/foo", Ok(("docker.io", "library/foo"))),
        ("docker.io/foo", Err("reference/name-not-canonical")),
    ];
    for (input, expected) in cases {
        let got = parse_canonical(input)
            .map(|r| (r.domain, r.path))
            .map_err(|e| e.code());
        let want = expected.map(|(d, p)| (d.to_owned(), p.to_owned()));
        assert_eq!(got, want, "{input}");
    }
}

#[test]
fn canonical_parse() {
    assert!(parse_canonical("docker.io/library/ubuntu:24.04").is_ok());
    let e = parse_canonical("ubuntu:24.04").expect_err("familiar form is not canonical");
    assert_eq!(e.code(), "reference/name-not-canonical");
    assert_eq!(
        e,
        ParseReferenceError::NameNotCanonical {
            given: "ubuntu:24.04".into(),
            canonical: "docker.io/library/ubuntu:24.04".into()
        }
    );
    assert_eq!(
        parse_canonical("index.docker.io/library/ubuntu").map_err(|e| e.code()),
        Err("reference/name-not-canonical")
    );
}

#[test]
fn registry_hosts_and_pull_targets() {
    let d = format!("sha256:{F64}");
    // (input, registry host, pull target)
    let cases: Vec<(String, Option<&str>, String)> = vec![
        (
            "ubuntu".into(),
            Some("registry-1.docker.io"),
            "tag latest".into(),
        ),
        (
            "index.docker.io/library/ubuntu:22.04".into(),
            Some("registry-1.docker.io"),
            "tag 22.04".into(),
        ),
        ("ghcr.io/o/r:v1".into(), Some("ghcr.io"), "tag v1".into()),
        (
            format!("localhost:5000/r:v1@{d}"),
            Some("localhost:5000"),
            format!("digest {d}"),
        ),
        (
            "[::1]:5000/r".into(),
            Some("[::1]:5000"),
            "tag latest".into(),
        ),
    ];
    for (input, host, target) in cases {
        let r = parse_normalized(&input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(r.registry_host(), host, "{input}: host");
        let got = match r.pull_target() {
            PullTarget::Tag(t) => format!("tag {t}"),
            PullTarget::Digest(d) => format!("digest {d}"),
        };
        assert_eq!(got, target, "{input}: pull target");
    }
    assert_eq!(
        parse_grammar("ubuntu").unwrap().registry_host(),
        None,
        "no domain, no host"
    );
    assert_eq!(
        parse_grammar("index.docker.io/x").unwrap().registry_host(),
        Some("registry-1.docker.io")
    );
}

#[test]
fn builders() {
    let r = parse_normalized("ubuntu").unwrap();
    assert_eq!(
        r.clone().with_default_tag().to_string(),
        "docker.io/library/ubuntu:latest"
    );
    let tagged = r.clone().with_tag("TAG5").unwrap();
    assert_eq!(tagged.to_string(), "docker.io/library/ubuntu:TAG5");
    assert_eq!(tagged.clone().with_default_tag(), tagged, "a tag is kept");
    assert_eq!(
        r.clone().with_tag("-foo").map_err(|e| e.code()),
        Err("reference/invalid-tag")
    );
    let digest: Digest = format!("sha256:{F64}").parse().unwrap();
    let pinned = r.with_digest(digest.clone());
    assert_eq!(
        pinned.clone().with_default_tag(),
        pinned,
        "a digest needs no tag"
    );
    assert_eq!(pinned.familiar_string(), format!("ubuntu@{digest}"));
}

fn arb_path_component() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,5}(([._]|__|-{1,3})[a-z0-9]{1,5}){0,2}"
}

fn arb_domain() -> impl Strategy<Value = String> {
    let name = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,4}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,4}[a-zA-Z0-9])?){0,2}";
    let ipv6 = "\\[[a-fA-F0-9:]{1,12}\\]";
    (prop_oneof![name, ipv6], prop::option::of(0u32..70000)).prop_map(|(host, port)| match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

fn arb_reference() -> impl Strategy<Value = Reference> {
    (
        prop::option::of(arb_domain()),
        prop::collection::vec(arb_path_component(), 1..4),
        prop::option::of("[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,20}"),
        prop::option::of(
            prop::sample::select(vec!["sha256", "sha384", "sha512"]).prop_flat_map(|alg| {
                let len = match alg {
                    "sha256" => 64,
                    "sha384" => 96,
                    _ => 128,
                };
                prop::string::string_regex(&format!("[a-f0-9]{{{len}}}"))
                    .unwrap()
                    .prop_map(move |hex| format!("{alg}:{hex}"))
            }),
        ),
    )
        .prop_map(|(domain, path, tag, digest)| Reference {
            domain: domain.unwrap_or_default(),
            path: path.join("/"),
            tag,
            digest: digest.map(|d| d.parse().unwrap()),
        })
}

proptest! {
    #[test]
    fn grammar_round_trip(r in arb_reference()) {
        let text = r.to_string();
        let parsed = parse_grammar(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(parsed.to_string(), text.clone());
        if !r.domain.is_empty() {
            // A domain written out is read back as the domain.
            prop_assert_eq!(parsed, r);
        }
    }

    #[test]
    fn normalized_round_trip(r in arb_reference()) {
        if let Ok(n) = parse_normalized(&r.to_string()) {
            prop_assert_eq!(parse_normalized(&n.to_string()), Ok(n.clone()));
            prop_assert_eq!(parse_normalized(&n.familiar_string()), Ok(n.clone()));
            prop_assert_eq!(parse_canonical(&n.to_string()), Ok(n.clone()));
            prop_assert!(!n.domain.is_empty() || n.path.contains('/'));
        }
    }

    #[test]
    fn arbitrary_input_never_panics(s in "\\PC{0,60}") {
        for result in [parse_grammar(&s), parse_normalized(&s)] {
            match result {
                Ok(r) => prop_assert!(r.path.len() <= PATH_MAX_LEN),
                Err(e) => prop_assert!(e.code().starts_with("reference/")),
            }
        }
    }

    #[test]
    fn reference_shaped_input_round_trips(s in "[a-zA-Z0-9._:/@\\[\\]-]{1,40}") {
        if let Ok(r) = parse_grammar(&s) {
            prop_assert_eq!(r.to_string(), s);
        }
    }
}
