use super::*;

fn platform(text: &str) -> Platform {
    let v = indexsmith::json::parse_value(text.as_bytes()).expect("platform JSON");
    platform_from_value(&v, "").expect("platform")
}

fn settings() -> RegistrySettings {
    RegistrySettings {
        proxy: "/proxy".into(),
        username: "user \"quoted\"".into(),
        password: "p\\ass\nword\u{1}é😀".into(),
    }
}

fn step(action: &str) -> PlanStep {
    PlanStep {
        digest: format!("sha256:{}", "a".repeat(64)),
        action: action.into(),
        detail: "linux/arm64 — 2 blob(s), 700 bytes mounted from 127.0.0.1:5000/a".into(),
    }
}

fn copy_plan() -> CopyPlan {
    CopyPlan {
        source: "127.0.0.1:5000/sample/hello:multi".into(),
        target: "127.0.0.1:5000/sample/copy:1".into(),
        bytes: Rc::new(br#"{"schemaVersion":2,"manifests":[{"a":"<&>\u2028"}]}"#.to_vec()),
        media_type: "application/vnd.oci.image.index.v1+json".into(),
        digest: format!("sha256:{}", "b".repeat(64)),
        entries: vec![CopyEntry {
            digest: format!("sha256:{}", "c".repeat(64)),
            platform: "linux/amd64".into(),
        }],
        kept: vec![format!("sha256:{}", "c".repeat(64))],
        steps: vec![step("copy"), step("push")],
    }
}

#[test]
fn every_request_crosses_and_comes_back_the_same() {
    let requests = [
        Request::Fetch {
            reference: "alpine".into(),
        },
        Request::Child {
            reference: "127.0.0.1:5000/a@sha256:00".into(),
        },
        Request::Push(PushRequest {
            push: false,
            reference: "127.0.0.1:5000/a:1".into(),
            sources: "127.0.0.1:5000/b, 127.0.0.1:5000/c".into(),
            text: "{\n   \"schemaVersion\": 2\n}\n".into(),
            media_type: "application/vnd.oci.image.index.v1+json".into(),
            digest: "sha256:0".into(),
        }),
        Request::Push(PushRequest {
            push: true,
            reference: "r".into(),
            sources: String::new(),
            text: "\u{2028}\t\"\\".into(),
            media_type: String::new(),
            digest: String::new(),
        }),
        Request::Inspect {
            repository: "127.0.0.1:5000/a".into(),
            digest: "sha256:1".into(),
            declared: Some(platform(
                r#"{"os":"windows","architecture":"amd64","os.version":"10.0.20348.1","os.features":["win32k"]}"#,
            )),
        },
        Request::Inspect {
            repository: "r".into(),
            digest: "d".into(),
            declared: None,
        },
        Request::Tags {
            repository: "127.0.0.1:5000/a".into(),
        },
        Request::PlanCopy {
            source: "s".into(),
            target: "t".into(),
            keep: None,
        },
        Request::PlanCopy {
            source: "s".into(),
            target: "t".into(),
            keep: Some(vec![]),
        },
        Request::Copy { plan: copy_plan() },
    ];
    for request in requests {
        let call = encode_call(&settings(), &request);
        assert_eq!(
            decode_call(&call),
            Ok((settings(), request.clone())),
            "{call}"
        );
    }
}

/// Encodes `value` as a result and decodes it again.
fn round_trip<T: Wire + PartialEq + std::fmt::Debug + Clone>(value: T) {
    let ok = Ok(value.clone());
    assert_eq!(decode_result::<T>(&encode_result(&ok)), ok);
}

#[test]
fn every_result_crosses_and_comes_back_the_same() {
    let fetched = Fetched {
        reference: "docker.io/library/alpine:latest".into(),
        repository: "docker.io/library/alpine".into(),
        text: "{\"a\":\"\u{0}\u{7f}é\"}".into(),
        digest: "sha256:2".into(),
    };
    round_trip(fetched.clone());
    round_trip(FetchedChild {
        fetched: fetched.clone(),
        platform: Some(platform(
            r#"{"os":"linux","architecture":"arm","variant":"v7"}"#,
        )),
    });
    round_trip(FetchedChild {
        fetched,
        platform: None,
    });
    round_trip(PushPlanView {
        digest: "sha256:3".into(),
        target: "t".into(),
        sources: String::new(),
        steps: vec![step("present"), step("mount")],
    });
    round_trip(Pushed {
        reference: "127.0.0.1:5000/a:1".into(),
        digest: "sha256:4".into(),
        verified: true,
    });
    round_trip(ChildDetails {
        reference: "r@d".into(),
        digest: "d".into(),
        media_type: "m".into(),
        config_digest: Some("c".into()),
        config_platform: None,
        created: Some("2024-01-01T00:00:00Z".into()),
        layers: vec![Layer {
            digest: "l".into(),
            media_type: "m".into(),
            size: u64::MAX,
        }],
        total_size: 9_007_199_254_740_993,
        children: vec![
            NestedChild {
                digest: "n".into(),
                media_type: "m".into(),
                platform: Some("linux/amd64".into()),
                size: 1,
                total_size: None,
            },
            NestedChild {
                digest: "n2".into(),
                media_type: "m".into(),
                platform: None,
                size: 0,
                total_size: Some(12),
            },
        ],
        findings: vec![Failure::new("platform/mismatch", "differs").with_detail("x")],
    });
    round_trip(ChildDetails::default());
    round_trip(TagListing {
        repository: "127.0.0.1:5000/a".into(),
        tags: vec![
            TagRow {
                tag: "1".into(),
                digest: "d".into(),
                media_type: "m".into(),
                platforms: Some(3),
                error: None,
            },
            TagRow {
                tag: "2".into(),
                digest: String::new(),
                media_type: String::new(),
                platforms: None,
                error: Some("MANIFEST_UNKNOWN".into()),
            },
        ],
    });
    round_trip(copy_plan());
}

#[test]
fn a_failure_crosses_with_every_field() {
    let failure = Failure::new("UNAUTHORIZED", "While getting a token: denied")
        .with_detail("the registry said \"no\"")
        .retryable(true);
    assert_eq!(
        decode_result::<Pushed>(&encode_result::<Pushed>(&Err(failure.clone()))),
        Err(failure)
    );
}

#[test]
fn malformed_messages_are_failures_not_panics() {
    let cases = [
        ("not JSON", "{"),
        ("empty", ""),
        ("neither ok nor err", r#"{"other":1}"#),
        ("ok of the wrong shape", r#"{"ok":{"reference":1}}"#),
        ("err of the wrong shape", r#"{"err":"x"}"#),
        (
            "a size that is not a number",
            r#"{"ok":{"digest":"d","mediaType":"m","size":"1"}}"#,
        ),
    ];
    for (name, text) in cases {
        let result = decode_result::<Layer>(text);
        assert_eq!(
            result.map_err(|f| f.code),
            Err("registry-module/malformed".to_owned()),
            "{name}"
        );
    }
    let calls = [
        (
            "unknown op",
            r#"{"settings":{"proxy":"","username":"","password":""},"request":{"op":"delete"}}"#,
        ),
        (
            "no settings",
            r#"{"request":{"op":"fetch","reference":"a"}}"#,
        ),
        (
            "a missing member",
            r#"{"settings":{"proxy":"","username":"","password":""},"request":{"op":"fetch"}}"#,
        ),
    ];
    for (name, text) in calls {
        assert_eq!(
            decode_call(text).map_err(|f| f.code),
            Err("registry-module/malformed".to_owned()),
            "{name}"
        );
    }
}
