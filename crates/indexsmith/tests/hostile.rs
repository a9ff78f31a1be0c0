//! Hostile input: every case gets a located diagnostic with a specific code, and no panic.
//!
//! "Located" is checked the same way for every case: each diagnostic's pointer resolves in the
//! parsed document (or is the root "" when the document did not parse), its span lies inside the
//! input, and its line and column are those of its byte offsets.

use indexsmith::json::{Document, Limits};
use indexsmith::position::LineIndex;
use indexsmith::{
    validate, validate_descriptor, Code, Diagnostic, Report, Severity, ValidateOptions,
};
use std::path::PathBuf;

fn corpus(file: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/corpus")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts the report invariants for `case`.
fn assert_located(case: &str, bytes: &[u8], report: &Report) {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert_eq!(
        report.valid,
        errors == 0,
        "{case}: valid must mean no error"
    );
    let (tree, _) = Document::parse(bytes, &Limits::default());
    let lines = LineIndex::new(bytes);
    for d in &report.diagnostics {
        match &tree {
            Some(t) => assert!(
                t.resolve_pointer(&d.pointer).is_some(),
                "{case}: pointer {:?} of {} does not resolve",
                d.pointer,
                d.code.as_str()
            ),
            None => assert_eq!(
                d.pointer,
                "",
                "{case}: {} on a document that did not parse",
                d.code.as_str()
            ),
        }
        for p in [d.span.start, d.span.end] {
            assert!(
                p.offset as usize <= bytes.len(),
                "{case}: {} offset {} past the end",
                d.code.as_str(),
                p.offset
            );
            assert_eq!(
                lines.position(p.offset),
                p,
                "{case}: {} line/column",
                d.code.as_str()
            );
        }
    }
}

fn find(report: &Report, code: Code) -> Option<&Diagnostic> {
    report.diagnostics.iter().find(|d| d.code == code)
}

/// Validates `bytes` and asserts a located diagnostic with `code`; returns the report.
fn expect(case: &str, bytes: &[u8], code: Code) -> Report {
    let report = validate(bytes, &ValidateOptions::default());
    assert_located(case, bytes, &report);
    assert!(
        find(&report, code).is_some(),
        "{case}: expected {}, got {:?}",
        code.as_str(),
        report
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>()
    );
    report
}

const INDEX: &str = r#"{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
      "size": 7143,
      "platform": { "architecture": "amd64", "os": "linux" },
      "annotations": { "org.opencontainers.image.title": "app" }
    }
  ]
}"#;

const MANIFEST: &str = r#"{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {
    "mediaType": "application/vnd.oci.image.config.v1+json",
    "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
    "size": 7023
  },
  "layers": [
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
      "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
      "size": 32654
    }
  ],
  "annotations": { "com.example.key1": "value1" }
}"#;

#[test]
fn the_base_documents_are_valid() {
    for (name, doc) in [("index", INDEX), ("manifest", MANIFEST)] {
        let report = validate(doc.as_bytes(), &ValidateOptions::default());
        assert!(
            report.valid && report.diagnostics.is_empty(),
            "{name}: {:#?}",
            report.diagnostics
        );
    }
}

#[test]
fn byte_level_hostility() {
    let big_key_object = {
        let mut s = String::from("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{");
        for i in 0..100_000 {
            s.push_str(&format!("\"k{i}\":\"v\","));
        }
        s.push_str("\"k7\":\"again\"}}");
        s.into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>, Code)> = vec![
        ("not json: word", b"hello".to_vec(), Code::JsonSyntax),
        (
            "not json: html",
            b"<html><body>404</body></html>".to_vec(),
            Code::JsonSyntax,
        ),
        (
            "not json: yaml",
            b"schemaVersion: 2\nmanifests: []\n".to_vec(),
            Code::JsonSyntax,
        ),
        ("empty", b"".to_vec(), Code::JsonEmpty),
        (
            // A lone \r is a line break: the finding after it is on line 2 (found by fuzzing).
            "an escaped carriage return",
            b"{\"schemaVersion\":2,\"a\":\"x\\\ry\"}".to_vec(),
            Code::JsonInvalidEscape,
        ),
        (
            "invalid utf-8 in a string",
            b"{\"schemaVersion\":2,\"a\":\"\xff\xfe\"}".to_vec(),
            Code::JsonInvalidUtf8,
        ),
        (
            "invalid utf-8 outside strings",
            b"{\"schemaVersion\":2}\xc3".to_vec(),
            Code::JsonInvalidUtf8,
        ),
        (
            "overlong utf-8",
            b"{\"a\":\"\xc0\xaf\"}".to_vec(),
            Code::JsonInvalidUtf8,
        ),
        (
            "utf-8 bom",
            [b"\xEF\xBB\xBF".as_slice(), INDEX.as_bytes()].concat(),
            Code::JsonBom,
        ),
        (
            "nul in a string",
            b"{\"schemaVersion\":2,\"mediaType\":\"a\x00b\"}".to_vec(),
            Code::JsonControlCharacter,
        ),
        (
            "nul after the document",
            [INDEX.as_bytes(), b"\x00"].concat(),
            Code::JsonTrailingContent,
        ),
        (
            "nul before the document",
            [b"\x00".as_slice(), INDEX.as_bytes()].concat(),
            Code::JsonSyntax,
        ),
        (
            "duplicate top-level key",
            INDEX
                .replacen(
                    "\"schemaVersion\": 2,",
                    "\"schemaVersion\": 2, \"schemaVersion\": 2,",
                    1,
                )
                .into_bytes(),
            Code::JsonDuplicateKey,
        ),
        (
            "duplicate key in an entry",
            INDEX
                .replacen("\"size\": 7143,", "\"size\": 7143, \"size\": 1,", 1)
                .into_bytes(),
            Code::JsonDuplicateKey,
        ),
        (
            // Found by fuzzing: a finding inside a member shadowed by a duplicate key.
            "finding inside a shadowed member",
            b"{\"schemaVersion\":2,\"layers\":{\"mediaType\":\"a\x01b\"},\"layers\":[]}".to_vec(),
            Code::JsonControlCharacter,
        ),
        (
            "duplicate key in a 100,000-member object",
            big_key_object,
            Code::JsonDuplicateKey,
        ),
        (
            "10,000 nested arrays",
            "[".repeat(10_000).into_bytes(),
            Code::JsonTooDeep,
        ),
        (
            "10,000 nested objects",
            "{\"a\":".repeat(10_000).into_bytes(),
            Code::JsonTooDeep,
        ),
        (
            "10,000 closed nested arrays",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            Code::JsonTooDeep,
        ),
        (
            "lone high surrogate",
            br#"{"schemaVersion":2,"annotations":{"a":"\ud800"}}"#.to_vec(),
            Code::JsonLoneSurrogate,
        ),
        (
            "lone low surrogate",
            br#"{"schemaVersion":2,"annotations":{"a":"x\udfffy"}}"#.to_vec(),
            Code::JsonLoneSurrogate,
        ),
        (
            "reversed surrogate pair",
            br#"{"a":"\ude00\ud83d"}"#.to_vec(),
            Code::JsonLoneSurrogate,
        ),
        (
            "lone surrogate in a key",
            br#"{"\ud800":1}"#.to_vec(),
            Code::JsonLoneSurrogate,
        ),
    ];
    for (name, bytes, code) in cases {
        expect(name, &bytes, code);
    }
}

#[test]
fn every_truncation_ends_in_a_located_unexpected_end() {
    for file in [
        "alpine-3.23.2-oci-index-attestations.json",
        "regclient-oci-manifest-2layers.json",
        "image-spec-v1.1-artifact-with-config.json",
    ] {
        let doc = corpus(file);
        let complete = doc.trim_ascii_end().len();
        for len in 0..complete {
            let prefix = &doc[..len];
            let case = format!("{file} cut at {len}");
            let report = validate(prefix, &ValidateOptions::default());
            assert_located(&case, prefix, &report);
            let code = if prefix.trim_ascii().is_empty() {
                Code::JsonEmpty
            } else {
                Code::JsonUnexpectedEnd
            };
            let d = find(&report, code).unwrap_or_else(|| {
                panic!(
                    "{case}: expected {}, got {:?}",
                    code.as_str(),
                    report.diagnostics
                )
            });
            assert_eq!(
                d.span.end.offset as usize, len,
                "{case}: the finding reaches the end of the input"
            );
            assert!(!report.valid, "{case}");
        }
    }
}

#[test]
fn a_50_mb_document() {
    // An index whose annotation holds a 50 MB string: parsed whole, valid, with the size warning.
    let doc = INDEX
        .replacen("\"app\"", &format!("\"{}\"", "a".repeat(50 * 1_000_000)), 1)
        .into_bytes();
    assert!(doc.len() > 50_000_000);
    let report = expect("50 MB annotation", &doc, Code::DocumentExceedsRegistryLimit);
    assert!(report.valid, "{:#?}", report.diagnostics);
    // Past the parser's 64 MiB limit, the input is refused whole.
    let huge = vec![b' '; 65 * 1024 * 1024];
    expect("65 MiB of spaces", &huge, Code::JsonTooLarge);
}

#[test]
fn hostile_numbers() {
    let cases: &[(&str, &str, &str, Code)] = &[
        (
            "size 1e400",
            "\"size\": 7143",
            "\"size\": 1e400",
            Code::DescriptorInvalidSize,
        ),
        (
            "size -0",
            "\"size\": 7143",
            "\"size\": -0",
            Code::DescriptorInvalidSize,
        ),
        (
            "size -1",
            "\"size\": 7143",
            "\"size\": -1",
            Code::DescriptorInvalidSize,
        ),
        (
            "size 7143.0",
            "\"size\": 7143",
            "\"size\": 7143.0",
            Code::DescriptorInvalidSize,
        ),
        (
            "size 2^63",
            "\"size\": 7143",
            "\"size\": 9223372036854775808",
            Code::DescriptorSizeOutOfRange,
        ),
        (
            "size 2^64",
            "\"size\": 7143",
            "\"size\": 18446744073709551616",
            Code::DescriptorSizeOutOfRange,
        ),
        (
            "size of 400 digits",
            "\"size\": 7143",
            &format!("\"size\": {}", "9".repeat(400)),
            Code::DescriptorSizeOutOfRange,
        ),
        (
            "schemaVersion 1e400",
            "\"schemaVersion\": 2",
            "\"schemaVersion\": 1e400",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            "schemaVersion -0",
            "\"schemaVersion\": 2",
            "\"schemaVersion\": -0",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            "schemaVersion 2.0",
            "\"schemaVersion\": 2",
            "\"schemaVersion\": 2.0",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            "schemaVersion 2e0",
            "\"schemaVersion\": 2",
            "\"schemaVersion\": 2e0",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            "schemaVersion 2^64",
            "\"schemaVersion\": 2",
            "\"schemaVersion\": 18446744073709551618",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            "leading zero",
            "\"size\": 7143",
            "\"size\": 07143",
            Code::JsonInvalidNumber,
        ),
        (
            "plus sign",
            "\"size\": 7143",
            "\"size\": +7143",
            Code::JsonSyntax,
        ),
        ("NaN", "\"size\": 7143", "\"size\": NaN", Code::JsonSyntax),
        (
            "Infinity",
            "\"size\": 7143",
            "\"size\": Infinity",
            Code::JsonSyntax,
        ),
        (
            "hex",
            "\"size\": 7143",
            "\"size\": 0x1BE7",
            Code::JsonSyntax,
        ),
    ];
    for (name, from, to, code) in cases {
        let doc = INDEX.replacen(from, to, 1);
        assert_ne!(doc, INDEX, "{name}: the replacement applies");
        let report = expect(name, doc.as_bytes(), *code);
        assert!(!report.valid, "{name}");
    }
}

/// A JSON value of each type, for replacing a field's value.
const VALUES: &[(&str, &str)] = &[
    ("null", "null"),
    ("boolean", "true"),
    ("number", "42"),
    ("string", "\"x\""),
    ("array", "[]"),
    ("object", "{}"),
];

/// Replaces the value of the member `key` in `doc` (the first occurrence at any depth).
fn replace_value(doc: &str, key: &str, value: &str) -> String {
    let (tree, _) = Document::parse(doc.as_bytes(), &Limits::default());
    let tree = tree.expect("the base document parses");
    let range = tree
        .find_member(key)
        .unwrap_or_else(|| panic!("no member {key}"));
    format!("{}{value}{}", &doc[..range.start], &doc[range.end..])
}

#[test]
fn wrong_types_in_every_field() {
    // (document, field, its type, where the diagnostic points, the code)
    let fields: &[(&str, &str, &str, &str, Code)] = &[
        (
            INDEX,
            "schemaVersion",
            "number",
            "/schemaVersion",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            INDEX,
            "manifests",
            "array",
            "/manifests",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "digest",
            "string",
            "/manifests/0/digest",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "size",
            "number",
            "/manifests/0/size",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "platform",
            "object",
            "/manifests/0/platform",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "architecture",
            "string",
            "/manifests/0/platform/architecture",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "os",
            "string",
            "/manifests/0/platform/os",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "annotations",
            "object",
            "/manifests/0/annotations",
            Code::SchemaWrongType,
        ),
        (
            INDEX,
            "org.opencontainers.image.title",
            "string",
            "/manifests/0/annotations/org.opencontainers.image.title",
            Code::DescriptorAnnotationNotString,
        ),
        (
            MANIFEST,
            "schemaVersion",
            "number",
            "/schemaVersion",
            Code::DocumentInvalidSchemaVersion,
        ),
        (
            MANIFEST,
            "config",
            "object",
            "/config",
            Code::SchemaWrongType,
        ),
        (
            MANIFEST,
            "digest",
            "string",
            "/config/digest",
            Code::SchemaWrongType,
        ),
        (
            MANIFEST,
            "size",
            "number",
            "/config/size",
            Code::SchemaWrongType,
        ),
        (
            MANIFEST,
            "layers",
            "array",
            "/layers",
            Code::SchemaWrongType,
        ),
        (
            MANIFEST,
            "annotations",
            "object",
            "/annotations",
            Code::SchemaWrongType,
        ),
        (
            MANIFEST,
            "com.example.key1",
            "string",
            "/annotations/com.example.key1",
            Code::DescriptorAnnotationNotString,
        ),
    ];
    for (doc, field, own, pointer, code) in fields {
        for (kind, value) in VALUES.iter().filter(|(k, _)| k != own) {
            let case = format!("{field} as {kind}");
            let bytes = replace_value(doc, field, value);
            let report = expect(&case, bytes.as_bytes(), *code);
            let d = find(&report, *code).expect("found above");
            assert_eq!(d.pointer, *pointer, "{case}");
            assert!(!report.valid, "{case}");
        }
    }
    // Entry `mediaType` fields: a wrong type at the entry, the config and the layer.
    for (doc, pointer) in [
        (INDEX, "/manifests/0/mediaType"),
        (MANIFEST, "/config/mediaType"),
    ] {
        for (kind, value) in VALUES.iter().filter(|(k, _)| *k != "string") {
            let case = format!("{pointer} as {kind}");
            let first_nested = doc
                .match_indices("\"mediaType\"")
                .nth(1)
                .expect("a nested mediaType")
                .0;
            let (head, tail) = doc.split_at(first_nested);
            let bytes = format!(
                "{head}{}",
                replace_value(&format!("{{{tail}"), "mediaType", value)[1..].to_owned()
            );
            let report = expect(&case, bytes.as_bytes(), Code::SchemaWrongType);
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.code == Code::SchemaWrongType && d.pointer == pointer),
                "{case}: {:#?}",
                report.diagnostics
            );
        }
    }
    // A top-level `mediaType` of another type is a wrong type; the kind comes from the members.
    for (kind, value) in VALUES.iter().filter(|(k, _)| *k != "string") {
        let bytes = replace_value(INDEX, "mediaType", value);
        let report = expect(
            &format!("top-level mediaType as {kind}"),
            bytes.as_bytes(),
            Code::SchemaWrongType,
        );
        assert_eq!(
            find(&report, Code::SchemaWrongType).map(|d| d.pointer.as_str()),
            Some("/mediaType"),
            "{kind}"
        );
    }
}

#[test]
fn documents_of_the_wrong_kind() {
    let cases: Vec<(&str, Vec<u8>, Code)> = vec![
        ("schema 1 unsigned", corpus("containers-image-v2s1-unsigned.json"), Code::DocumentSchema1),
        ("schema 1 by version", br#"{"schemaVersion":1,"name":"library/x","tag":"1","fsLayers":[]}"#.to_vec(), Code::DocumentSchema1),
        (
            "schema 1 signed media type",
            br#"{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}"#.to_vec(),
            Code::DocumentSchema1,
        ),
        ("unknown top-level media type", INDEX.replacen("application/vnd.oci.image.index.v1+json", "application/x-foo", 1).into_bytes(), Code::DocumentUnknownMediaType),
        ("unknown child media type", INDEX.replacen("application/vnd.oci.image.manifest.v1+json", "application/x-foo", 1).into_bytes(), Code::IndexUnknownChildMediaType),
        ("a top-level array", b"[1,2,3]".to_vec(), Code::DocumentNotObject),
        ("a top-level string", b"\"sha256:abc\"".to_vec(), Code::DocumentNotObject),
        ("an empty object", b"{}".to_vec(), Code::DocumentUnknownKind),
    ];
    for (name, bytes, code) in cases {
        expect(name, &bytes, code);
    }
    let descriptor = validate_descriptor(b"[]", &ValidateOptions::default());
    assert_located("descriptor as array", b"[]", &descriptor);
    assert!(
        find(&descriptor, Code::SchemaWrongType).is_some(),
        "{:?}",
        descriptor.diagnostics
    );
}
