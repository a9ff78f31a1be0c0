//! The shared corpus of real documents: validity as stated, specific codes for the invalid ones,
//! stated digests reproduced, and the writer reproducing Go tools' bytes.

use indexsmith::json::{self, write};
use indexsmith::{validate, validate_descriptor, Code, Severity, ValidateOptions};
use serde_json::Value as J;
use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus")
}

fn entries() -> Vec<J> {
    let index = std::fs::read(corpus_dir().join("INDEX.json")).expect("INDEX.json");
    let index: J = serde_json::from_slice(&index).expect("INDEX.json parses");
    index["entries"].as_array().expect("entries").clone()
}

/// The code each invalid document must get.
const EXPECTED_ERRORS: &[(&str, Code)] = &[
    (
        "distribution-spec-manifest-list-trailing-comma.json",
        Code::JsonTrailingComma,
    ),
    ("containers-image-v2s1-unsigned.json", Code::DocumentSchema1),
    (
        "image-spec-rc-artifact-manifest-withdrawn.json",
        Code::DocumentArtifactManifest,
    ),
    (
        "invalid-image-spec-index-missing-digest.json",
        Code::DescriptorMissingDigest,
    ),
    (
        "invalid-image-spec-index-empty-mediatype.json",
        Code::DescriptorInvalidMediaType,
    ),
    (
        "invalid-image-spec-manifest-config-size-string.json",
        Code::SchemaWrongType,
    ),
    (
        "invalid-image-spec-manifest-config-digest-not-hex.json",
        Code::DescriptorInvalidDigestEncoding,
    ),
    (
        "ggcr-docker-save-manifest-not-registry.json",
        Code::DocumentDockerSave,
    ),
];

#[test]
fn corpus_validity_and_codes() {
    let entries = entries();
    assert!(entries.len() >= 40, "corpus has {} entries", entries.len());
    for e in &entries {
        let file = e["file"].as_str().unwrap();
        let bytes = std::fs::read(corpus_dir().join(file)).unwrap();
        let kind = e["kind"].as_str().unwrap();
        let report = if kind.starts_with("descriptor") {
            validate_descriptor(&bytes, &ValidateOptions::default())
        } else {
            validate(&bytes, &ValidateOptions::default())
        };
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if e["valid_expected"].as_bool().unwrap() {
            assert!(errors.is_empty(), "{file}: expected valid, got {errors:#?}");
            assert!(report.valid, "{file}");
            if kind.starts_with("image-config") {
                let (platform, _) = indexsmith::validate::platform_from_config(&bytes);
                assert!(platform.is_some(), "{file}: a platform from the config");
            } else if !kind.starts_with("descriptor") {
                let expected_kind = if kind.starts_with("oci-index") {
                    "oci-index"
                } else if kind.starts_with("oci-manifest") {
                    "oci-manifest"
                } else if kind.starts_with("docker-manifest-list") {
                    "docker-manifest-list"
                } else {
                    "docker-manifest"
                };
                assert_eq!(
                    report.kind.map(|k| k.as_str()),
                    Some(expected_kind),
                    "{file}"
                );
            }
        } else {
            assert!(!report.valid, "{file}: expected invalid");
            let (_, code) = EXPECTED_ERRORS
                .iter()
                .find(|(f, _)| *f == file)
                .unwrap_or_else(|| panic!("{file}: no expected code listed"));
            assert!(
                errors.iter().any(|d| d.code == *code),
                "{file}: expected {code}, got {errors:#?}"
            );
        }
        for d in &report.diagnostics {
            assert!(
                d.span.start.line >= 1 && d.span.start.column >= 1,
                "{file}: {d}"
            );
            assert!(
                d.span.start.offset as usize <= bytes.len()
                    && d.span.end.offset >= d.span.start.offset,
                "{file}: {d}"
            );
        }
    }
}

#[test]
fn corpus_digests_are_reproduced() {
    let mut checked = 0;
    for e in entries() {
        let file = e["file"].as_str().unwrap();
        let bytes = std::fs::read(corpus_dir().join(file)).unwrap();
        let report = validate(&bytes, &ValidateOptions::default());
        assert_eq!(report.size, bytes.len() as u64, "{file}");
        assert_eq!(
            Some(report.digest.to_string().as_str()),
            e["sha256_of_file"].as_str(),
            "{file}"
        );
        if let (Some(stated), Some(true)) =
            (e["stated_digest"].as_str(), e["digest_matches"].as_bool())
        {
            assert_eq!(report.digest.to_string(), stated, "{file}");
            checked += 1;
        }
    }
    assert!(checked >= 18, "only {checked} stated digests");
}

/// Documents written by Go tools come back byte-for-byte from the writer, in their style.
#[test]
fn writer_reproduces_go_output() {
    let expect_exact = [
        (
            "regclient-v3-index-arm-variants.json",
            write::Style::Compact,
        ),
        ("regclient-oci-manifest-2layers.json", write::Style::Compact),
        (
            "alpine-3.23.2-oci-index-attestations.json",
            write::Style::Indent(2),
        ),
        (
            "image-spec-compat-dockerhub-manifest-list.json",
            write::Style::Indent(3),
        ),
    ];
    for (file, style) in expect_exact {
        let bytes = std::fs::read(corpus_dir().join(file)).unwrap();
        let (doc, findings) = json::Document::parse(&bytes, &json::Limits::default());
        assert!(findings.is_empty(), "{file}");
        let value = doc.unwrap().value();
        let out = write::to_vec(&value, style);
        assert!(
            out == bytes,
            "{file}: writer output differs:\n{}",
            String::from_utf8_lossy(&out)
        );
    }
}
