//! Composition and editing, with real corpus documents as children.

use indexsmith::compose::{
    self, Child, ComposeError, CreateRequest, Edit, EntryChange, Format, PlatformField, Selector,
};
use indexsmith::json::write::Style;
use indexsmith::{digest, Code, Platform, Severity};
use proptest::prelude::*;
use serde_json::Value as J;

fn corpus(file: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/corpus")
            .join(file),
    )
    .unwrap()
}

fn json(bytes: &[u8]) -> J {
    serde_json::from_slice(bytes).unwrap()
}

fn errors(c: &compose::Composed) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

fn children() -> Vec<Child> {
    vec![
        Child::new(corpus("alpine-3.23.2-oci-manifest-amd64.json"))
            .with_config(corpus("alpine-3.23.2-config-amd64.json")),
        Child::new(corpus("regclient-oci-manifest-2layers.json"))
            .with_config(corpus("regclient-config-amd64-buildkit.json"))
            .with_platform(Platform::new("linux", "arm64")),
        Child::new(corpus("hello-world-2022-docker-v2-manifest-amd64.json"))
            .with_platform(Platform::new("linux", "arm").with_variant("v7")),
    ]
}

#[test]
fn create_takes_digest_size_and_type_from_child_bytes() {
    for format in [Format::Oci, Format::Docker] {
        let mut request = CreateRequest::new(format).style(Style::DOCKER);
        for c in children() {
            request = request.child(c);
        }
        let out = compose::create_index(&request).unwrap();
        let doc = json(&out.bytes);
        assert_eq!(out.digest, digest::sha256(&out.bytes), "{format}");
        assert_eq!(out.size as usize, out.bytes.len());
        assert_eq!(doc["mediaType"], format.media_type());
        let entries = doc["manifests"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        for (entry, child) in entries.iter().zip(children()) {
            assert_eq!(
                entry["digest"],
                digest::sha256(&child.manifest).to_string(),
                "{format}"
            );
            assert_eq!(entry["size"], child.manifest.len());
            assert_eq!(entry["mediaType"], json(&child.manifest)["mediaType"]);
        }
        assert_eq!(
            entries[0]["platform"],
            serde_json::json!({"architecture": "amd64", "os": "linux"}),
            "platform from the config"
        );
        assert_eq!(
            entries[1]["platform"]["architecture"], "arm64",
            "the caller's platform wins over the config"
        );
        assert_eq!(entries[2]["platform"]["variant"], "v7");
        let errs = errors(&out);
        assert!(errs.is_empty(), "{format}: {errs:?}");
        if format == Format::Docker {
            // OCI children in a Docker list are reported, as the validator reports them.
            assert!(out
                .diagnostics
                .iter()
                .any(|d| d.code == Code::IndexChildMediaTypeMismatch));
            assert!(String::from_utf8(out.bytes.clone())
                .unwrap()
                .starts_with("{\n   \"schemaVersion\": 2,\n   \"mediaType\""));
        }
    }
}

#[test]
fn create_refuses_a_config_of_another_image_and_non_manifests() {
    let wrong = Child::new(corpus("alpine-3.23.2-oci-manifest-amd64.json"))
        .with_config(corpus("regclient-config-amd64-buildkit.json"));
    let err = compose::create_index(&CreateRequest::new(Format::Oci).child(wrong)).unwrap_err();
    assert_eq!(err.code(), "compose/invalid-config");
    let not_manifest = Child::new(b"{\"hello\":1}".to_vec());
    let err =
        compose::create_index(&CreateRequest::new(Format::Oci).child(not_manifest)).unwrap_err();
    assert!(matches!(err, ComposeError::InvalidChild { index: 0, .. }));
    let no_platform = compose::create_index(&CreateRequest::new(Format::Docker).child(Child::new(
        corpus("hello-world-2022-docker-v2-manifest-amd64.json"),
    )))
    .unwrap();
    assert!(no_platform
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ComposeMissingPlatform && d.severity == Severity::Error));
}

#[test]
fn no_edits_give_back_the_exact_bytes() {
    for file in [
        "alpine-3.23.2-oci-index-attestations.json",
        "containerd-volume-ownership-manifest-list-windows.json",
        "regclient-ocilayout-index-nested.json",
        "image-spec-v1.0-index-example-no-mediatype.json",
    ] {
        let bytes = corpus(file);
        let out = compose::edit_index(&bytes, &[], None).unwrap();
        assert!(out.bytes == bytes, "{file}");
        assert_eq!(out.digest, digest::sha256(&bytes));
    }
}

#[test]
fn an_edit_and_its_undo_reproduce_the_input_in_its_own_style() {
    for file in [
        "image-spec-compat-dockerhub-manifest-list.json",
        "containerd-volume-ownership-manifest-list-windows.json",
        "alpine-3.23.2-oci-index-attestations.json",
        "regclient-v3-index-arm-variants.json",
    ] {
        let bytes = corpus(file);
        let out = compose::edit_index(
            &bytes,
            &[
                Edit::SetPlatformField {
                    index: 0,
                    field: PlatformField::OsVersion,
                    value: Some("10.0.1".into()),
                },
                Edit::SetPlatformField {
                    index: 0,
                    field: PlatformField::OsVersion,
                    value: None,
                },
            ],
            None,
        )
        .unwrap();
        assert!(out.bytes == bytes, "{file}:\n{}", out.text());
    }
}

#[test]
fn platform_fields_and_annotations() {
    let bytes = corpus("regclient-v3-index-arm-variants.json");
    let out = compose::edit_index(
        &bytes,
        &[
            Edit::SetPlatformField {
                index: 2,
                field: PlatformField::Variant,
                value: Some("v8".into()),
            },
            Edit::SetPlatformField {
                index: 0,
                field: PlatformField::OsFeatures,
                value: Some("a, b".into()),
            },
            Edit::SetPlatformField {
                index: 0,
                field: PlatformField::OsVersion,
                value: Some("1.2".into()),
            },
            Edit::Annotate {
                entry: Some(1),
                key: "org.example/é".into(),
                value: Some("<b>x</b>".into()),
            },
            Edit::Annotate {
                entry: None,
                key: "org.opencontainers.image.base.name".into(),
                value: None,
            },
        ],
        None,
    )
    .unwrap();
    let doc = json(&out.bytes);
    assert_eq!(doc["manifests"][2]["platform"]["variant"], "v8");
    // Go's struct order: architecture, os, os.version, os.features, variant.
    let p0: Vec<String> = doc["manifests"][0]["platform"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(p0, ["architecture", "os", "os.version", "os.features"]);
    assert_eq!(
        doc["manifests"][0]["platform"]["os.features"],
        serde_json::json!(["a", "b"])
    );
    assert_eq!(
        doc["manifests"][1]["annotations"]["org.example/é"],
        "<b>x</b>"
    );
    assert!(
        out.text().contains("\\u003cb\\u003ex\\u003c/b\\u003e"),
        "Go escaping of < and >"
    );
    assert!(doc["annotations"]
        .get("org.opencontainers.image.base.name")
        .is_none());
    assert!(
        doc["annotations"]
            .get("org.opencontainers.image.base.digest")
            .is_some(),
        "other annotations kept"
    );
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == Code::PlatformOsVersionNotWindows),
        "result is validated"
    );
    let err = compose::edit_index(
        &bytes,
        &[Edit::SetPlatformField {
            index: 0,
            field: PlatformField::Os,
            value: None,
        }],
        None,
    )
    .unwrap_err();
    assert_eq!(err.code(), "compose/invalid-platform-field");
    let err = compose::edit_index(&bytes, &[Edit::Move { from: 0, to: 9 }], None).unwrap_err();
    assert_eq!(err, ComposeError::EntryOutOfRange { index: 9, len: 4 });
}

#[test]
fn remove_and_filter_take_attestations_along() {
    let bytes = corpus("alpine-3.23.2-oci-index-attestations.json");
    let total = json(&bytes)["manifests"].as_array().unwrap().len();
    let out = compose::edit_index(
        &bytes,
        &[Edit::Remove {
            selector: Selector::Platform(Platform::new("linux", "arm")),
        }],
        None,
    )
    .unwrap();
    let after = json(&out.bytes)["manifests"].as_array().unwrap().len();
    assert_eq!(
        after,
        total - 4,
        "arm/v6 and arm/v7 with their attestations"
    );
    assert_eq!(
        out.diagnostics
            .iter()
            .filter(|d| d.code == Code::ComposeDroppedAttestation)
            .count(),
        2
    );
    assert!(errors(&out).is_empty());
    assert!(!out
        .diagnostics
        .iter()
        .any(|d| d.code == Code::IndexDanglingAttestation));

    let keep = vec![
        Platform::new("linux", "amd64"),
        Platform::new("linux", "arm64"),
    ];
    let out = compose::edit_index(
        &bytes,
        &[Edit::Filter {
            platforms: keep.clone(),
            keep_attestations: true,
        }],
        None,
    )
    .unwrap();
    let doc = json(&out.bytes);
    let platforms: Vec<String> = doc["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}/{}",
                e["platform"]["os"].as_str().unwrap(),
                e["platform"]["architecture"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        platforms,
        [
            "linux/amd64",
            "unknown/unknown",
            "linux/arm64",
            "unknown/unknown"
        ]
    );
    let out = compose::edit_index(
        &bytes,
        &[Edit::Filter {
            platforms: keep,
            keep_attestations: false,
        }],
        None,
    )
    .unwrap();
    assert_eq!(json(&out.bytes)["manifests"].as_array().unwrap().len(), 2);
    let err = compose::edit_index(
        &bytes,
        &[Edit::Remove {
            selector: Selector::Platform(Platform::new("windows", "amd64")),
        }],
        None,
    )
    .unwrap_err();
    assert_eq!(err.code(), "compose/no-match");
}

#[test]
fn edits_of_an_entry_that_is_not_an_object_are_errors_and_it_can_still_be_removed() {
    // Found by fuzzing edit_index: setting a platform field of a string entry panicked.
    let bytes = br#"{"schemaVersion":2,"manifests":["linux",null,[1]]}"#;
    let set_field = |index| Edit::SetPlatformField {
        index,
        field: PlatformField::OsVersion,
        value: Some("10.0.20348.1".into()),
    };
    let cases: Vec<(Edit, &str)> = vec![
        (set_field(0), "entry 0 is a string, not a descriptor object"),
        (set_field(1), "entry 1 is null, not a descriptor object"),
        (
            Edit::SetPlatform {
                index: 2,
                platform: Some(Platform::new("linux", "arm64")),
            },
            "entry 2 is an array, not a descriptor object",
        ),
        (
            Edit::Annotate {
                entry: Some(0),
                key: "org.opencontainers.image.title".into(),
                value: Some("x".into()),
            },
            "entry 0 is a string, not a descriptor object",
        ),
    ];
    for (edit, message) in cases {
        let err = compose::edit_index(bytes, std::slice::from_ref(&edit), None).unwrap_err();
        assert_eq!(err.code(), "compose/entry-not-an-object", "{edit:?}");
        assert!(err.to_string().starts_with(message), "{edit:?}: {err}");
    }
    let repaired = compose::edit_index(
        bytes,
        &[Edit::Remove {
            selector: Selector::Index(0),
        }],
        None,
    )
    .unwrap();
    assert_eq!(
        json(&repaired.bytes)["manifests"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn conversion_reports_every_lost_field() {
    let bytes = corpus("alpine-3.23.2-oci-index-attestations.json");
    let out = compose::edit_index(&bytes, &[Edit::Convert { to: Format::Docker }], None).unwrap();
    let doc = json(&out.bytes);
    assert_eq!(doc["mediaType"], Format::Docker.media_type());
    let lost: Vec<&str> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::ConvertDroppedField)
        .map(|d| d.pointer.as_str())
        .collect();
    let entries = doc["manifests"].as_array().unwrap().len();
    assert_eq!(lost.len(), entries, "every entry's annotations: {lost:?}");
    assert!(lost.contains(&"/manifests/0/annotations"));
    assert!(doc["manifests"][0].get("annotations").is_none());
    let order: Vec<String> = doc["manifests"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(order, ["mediaType", "size", "digest", "platform"]);
    assert!(out
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ConvertChildMediaType));

    // Docker → OCI → Docker gives the original bytes back: nothing is lost that way.
    let list = corpus("image-spec-compat-dockerhub-manifest-list.json");
    let oci = compose::edit_index(&list, &[Edit::Convert { to: Format::Oci }], None).unwrap();
    assert!(!oci
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ConvertDroppedField));
    let back =
        compose::edit_index(&oci.bytes, &[Edit::Convert { to: Format::Docker }], None).unwrap();
    assert!(back.bytes == list, "{}", back.text());
}

#[test]
fn docker_lists_refuse_oci_only_fields() {
    let list = corpus("image-spec-compat-dockerhub-manifest-list.json");
    for edit in [
        Edit::Annotate {
            entry: None,
            key: "a".into(),
            value: Some("b".into()),
        },
        Edit::SetArtifactType {
            artifact_type: Some("application/x".into()),
        },
        Edit::SetSubject {
            descriptor: Some("{}".into()),
        },
    ] {
        let err = compose::edit_index(&list, std::slice::from_ref(&edit), None).unwrap_err();
        assert_eq!(err.code(), "compose/unsupported", "{edit:?}");
    }
}

#[test]
fn diff_pairs_entries_by_platform() {
    let a = corpus("regclient-v3-index-arm-variants.json");
    let b = compose::edit_index(
        &a,
        &[
            Edit::Remove {
                selector: Selector::Index(3),
            },
            Edit::SetPlatformField {
                index: 0,
                field: PlatformField::OsVersion,
                value: Some("1".into()),
            },
            Edit::Annotate {
                entry: Some(1),
                key: "k".into(),
                value: Some("v".into()),
            },
        ],
        None,
    )
    .unwrap();
    let diff = compose::diff_indexes(&a, &b.bytes).unwrap();
    let rows: Vec<(String, EntryChange)> = diff
        .entries
        .iter()
        .map(|e| (e.key.clone(), e.change.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "linux/amd64 → linux/amd64:1".into(),
                EntryChange::Changed {
                    fields: vec!["platform".into()]
                }
            ),
            (
                "linux/arm64".into(),
                EntryChange::Changed {
                    fields: vec!["annotations".into()]
                }
            ),
            ("linux/arm/v7".into(), EntryChange::Unchanged),
            ("linux/arm/v6".into(), EntryChange::Removed),
        ]
    );
    let changes = |row: usize| -> Vec<(String, Option<String>, Option<String>)> {
        diff.entries[row]
            .changes
            .iter()
            .map(|c| (c.field.clone(), c.before.clone(), c.after.clone()))
            .collect()
    };
    assert_eq!(
        changes(0),
        vec![("platform.os.version".into(), None, Some("1".into()))],
        "a platform edit keeps the entry, with the field's before and after"
    );
    assert_eq!(
        changes(1),
        vec![("annotations[\"k\"]".into(), None, Some("v".into()))],
        "annotations one key at a time, with their values"
    );
    let err = compose::diff_indexes(b"{", &a).unwrap_err();
    assert_eq!(err.code(), "compose/not-an-index");
}

#[test]
fn diff_tells_repeated_platforms_apart_by_rank() {
    let entry = |d: char, p: &str| {
        format!(
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{}","size":1,"platform":{p}}}"#,
            d.to_string().repeat(64)
        )
    };
    let amd64 = r#"{"os":"linux","architecture":"amd64"}"#;
    let index = |entries: &[String]| {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{}]}}"#,
            entries.join(",")
        )
    };
    let a = index(&[entry('1', amd64), entry('2', amd64), entry('3', amd64)]);
    let b = index(&[entry('1', amd64), entry('2', amd64), entry('4', amd64)]);
    let diff = compose::diff_indexes(a.as_bytes(), b.as_bytes()).unwrap();
    let rows: Vec<(&str, bool)> = diff
        .entries
        .iter()
        .map(|e| (e.key.as_str(), e.change == EntryChange::Unchanged))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("linux/amd64", true),
            ("linux/amd64 #2", true),
            ("linux/amd64 #3", false)
        ]
    );
}

fn arb_platform() -> impl Strategy<Value = Platform> {
    (
        prop::sample::select(vec!["linux", "windows", "freebsd"]),
        prop::sample::select(vec!["amd64", "arm64", "arm", "s390x"]),
        prop::option::of(prop::sample::select(vec!["v6", "v7", "v8"])),
    )
        .prop_map(|(os, arch, variant)| {
            let p = Platform::new(os, arch);
            match variant {
                Some(v) => p.with_variant(v),
                None => p,
            }
        })
}

proptest! {
    /// Composed indexes keep every child digest, and a filter never leaves duplicates behind
    /// that were not in its input.
    #[test]
    fn composed_entries_keep_child_digests(platforms in prop::collection::vec(arb_platform(), 1..8), style in prop::sample::select(vec![Style::Compact, Style::DOCKER, Style::Indent(2)])) {
        let manifest = corpus("regclient-oci-manifest-2layers.json");
        let mut request = CreateRequest::new(Format::Oci).style(style);
        let mut digests = Vec::new();
        for (i, p) in platforms.iter().enumerate() {
            // Each child differs by a trailing space, so each has its own digest.
            let mut bytes = manifest.clone();
            bytes.extend(std::iter::repeat(b' ').take(i));
            digests.push(digest::sha256(&bytes).to_string());
            request = request.child(Child::new(bytes).with_platform(p.clone()));
        }
        let out = compose::create_index(&request).unwrap();
        let doc = json(&out.bytes);
        let got: Vec<String> = doc["manifests"].as_array().unwrap().iter().map(|e| e["digest"].as_str().unwrap().to_owned()).collect();
        prop_assert_eq!(&got, &digests);
        // The no-op edit is byte-identical, whatever the style.
        let same = compose::edit_index(&out.bytes, &[], None).unwrap();
        prop_assert!(same.bytes == out.bytes);
        // An edit and its undo are byte-identical too.
        let undone = compose::edit_index(&out.bytes, &[
            Edit::Annotate { entry: Some(0), key: "k".into(), value: Some("v".into()) },
            Edit::Annotate { entry: Some(0), key: "k".into(), value: None },
        ], None).unwrap();
        prop_assert!(undone.bytes == out.bytes);
    }
}

#[test]
fn resolution_on_a_real_index() {
    let bytes = corpus("regclient-v3-index-arm-variants.json");
    let cases = [
        ("linux/arm/v7", Some(2)),
        ("linux/arm64", Some(1)),
        ("linux/arm/v6", Some(3)),
        ("linux/amd64", Some(0)),
        ("windows/amd64", None),
        ("linux/arm/v8", Some(2)),
    ];
    for (requested, expected) in cases {
        let p: Platform = requested.parse().unwrap();
        let r = compose::resolve_index(&bytes, &p, false).unwrap();
        assert_eq!(r.selected, expected, "{requested}");
        assert_eq!(r.candidates.len(), 4, "{requested}");
    }
    let attested = corpus("alpine-3.23.2-oci-index-attestations.json");
    let r = compose::resolve_index(&attested, &"linux/amd64".parse().unwrap(), false).unwrap();
    assert_eq!(r.selected, Some(0));
    assert_eq!(r.candidates[1].reason.code(), "resolve/attestation");
}

/// A field's change in a diff: its name, the value before, the value after.
type FieldChange<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

#[test]
fn diff_keeps_an_entry_whose_platform_changed_as_changed() {
    let a = corpus("regclient-v3-index-arm-variants.json");
    // (name, edit, expected key, expected changes)
    let cases: Vec<(&str, Edit, &str, Vec<FieldChange>)> = vec![
        (
            "variant edited",
            Edit::SetPlatformField {
                index: 2,
                field: PlatformField::Variant,
                value: Some("v5".into()),
            },
            "linux/arm/v7 → linux/arm/v5",
            vec![("platform.variant", Some("v7"), Some("v5"))],
        ),
        (
            "variant cleared",
            Edit::SetPlatformField {
                index: 2,
                field: PlatformField::Variant,
                value: None,
            },
            "linux/arm/v7 → linux/arm",
            vec![("platform.variant", Some("v7"), None)],
        ),
    ];
    for (name, edit, key, expected) in cases {
        let b = compose::edit_index(&a, &[edit], None).unwrap();
        let diff = compose::diff_indexes(&a, &b.bytes).unwrap();
        let changed: Vec<_> = diff
            .entries
            .iter()
            .filter(|e| e.change != EntryChange::Unchanged)
            .collect();
        assert_eq!(
            changed.len(),
            1,
            "{name}: one changed row, no removal plus addition"
        );
        assert_eq!(changed[0].key, key, "{name}");
        assert_eq!(
            changed[0].a_digest, changed[0].b_digest,
            "{name}: same digest"
        );
        let got: Vec<_> = changed[0]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref()))
            .collect();
        assert_eq!(got, expected, "{name}");
    }
}
