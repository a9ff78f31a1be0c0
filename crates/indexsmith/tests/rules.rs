//! One case per validation rule: a small document, the code it must raise, where, and how badly.

use indexsmith::{validate, validate_descriptor, Code, Kind, Severity, ValidateOptions};

const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

fn oci_index(manifests: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{manifests}]}}"#
    )
}

fn docker_list(manifests: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{manifests}]}}"#
    )
}

fn entry(media: &str, digest: &str, platform: &str) -> String {
    format!(r#"{{"mediaType":"{media}","digest":"{digest}","size":100,"platform":{platform}}}"#)
}

const OCI_M: &str = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_M: &str = "application/vnd.docker.distribution.manifest.v2+json";

fn oci_manifest(config: &str, layers: &str, extra: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_M}"{extra},"config":{config},"layers":[{layers}]}}"#
    )
}

fn config_desc() -> String {
    format!(
        r#"{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{D1}","size":7}}"#
    )
}

fn layer(media: &str) -> String {
    format!(r#"{{"mediaType":"{media}","digest":"{D2}","size":32}}"#)
}

struct Case {
    name: &'static str,
    input: String,
    code: Code,
    severity: Severity,
    pointer: &'static str,
}

fn case(
    name: &'static str,
    input: String,
    code: Code,
    severity: Severity,
    pointer: &'static str,
) -> Case {
    Case {
        name,
        input,
        code,
        severity,
        pointer,
    }
}

#[test]
fn each_rule_fires_where_it_should() {
    use Code::*;
    use Severity::*;
    let amd64 = r#"{"os":"linux","architecture":"amd64"}"#;
    let cases = vec![
        case("not an object", "[1]".into(), DocumentNotObject, Error, ""),
        case("unknown kind", r#"{"a":1}"#.into(), DocumentUnknownKind, Error, ""),
        case("unknown media type", r#"{"schemaVersion":2,"mediaType":"text/plain"}"#.into(), DocumentUnknownMediaType, Error, "/mediaType"),
        case("missing media type", r#"{"schemaVersion":2,"manifests":[]}"#.into(), DocumentMissingMediaType, Warning, ""),
        case(
            "index media type on a manifest",
            format!(r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":{},"layers":[]}}"#, config_desc()),
            DocumentMediaTypeMismatch,
            Error,
            "/mediaType",
        ),
        case("schema 1 signed", r#"{"schemaVersion":1,"name":"a","tag":"b","fsLayers":[],"signatures":[]}"#.into(), DocumentSchema1, Error, ""),
        case("schema 1 by media type", r#"{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}"#.into(), DocumentSchema1, Error, ""),
        case("artifact manifest", r#"{"mediaType":"application/vnd.oci.artifact.manifest.v1+json","artifactType":"a/b","blobs":[]}"#.into(), DocumentArtifactManifest, Error, ""),
        case("docker save", r#"[{"Config":"x.json","RepoTags":["a:b"],"Layers":["l.tar"]}]"#.into(), DocumentDockerSave, Error, ""),
        case("image config", r#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.into(), DocumentImageConfig, Warning, ""),
        case("missing schemaVersion", r#"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.into(), DocumentMissingSchemaVersion, Error, ""),
        case("schemaVersion 1 with manifests", r#"{"schemaVersion":3,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.into(), DocumentInvalidSchemaVersion, Error, "/schemaVersion"),
        case("schemaVersion as string", r#"{"schemaVersion":"2","mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.into(), DocumentInvalidSchemaVersion, Error, "/schemaVersion"),
        case("manifests not an array", r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":{}}"#.into(), SchemaWrongType, Error, "/manifests"),
        case("manifests missing", r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#.into(), SchemaMissingField, Error, ""),
        case("descriptor missing media type", oci_index(&format!(r#"{{"digest":"{D1}","size":1}}"#)), DescriptorMissingMediaType, Error, "/manifests/0"),
        case("descriptor bad media type", oci_index(&entry("application json", D1, amd64)), DescriptorInvalidMediaType, Error, "/manifests/0/mediaType"),
        case("descriptor missing digest", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","size":1}}"#)), DescriptorMissingDigest, Error, "/manifests/0"),
        case("digest without colon", oci_index(&entry(OCI_M, "sha256", amd64)), DescriptorInvalidDigest, Error, "/manifests/0/digest"),
        case("digest short", oci_index(&entry(OCI_M, "sha256:abc", amd64)), DescriptorInvalidDigestEncoding, Error, "/manifests/0/digest"),
        case("digest uppercase", oci_index(&entry(OCI_M, &D1.replace("sha256:1", "sha256:A"), amd64)), DescriptorInvalidDigestEncoding, Error, "/manifests/0/digest"),
        case("digest unregistered", oci_index(&entry(OCI_M, "blake3:abcdef", amd64)), DescriptorUnregisteredAlgorithm, Warning, "/manifests/0/digest"),
        case("size missing", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}"}}"#)), DescriptorMissingSize, Error, "/manifests/0"),
        case("size negative", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":-1}}"#)), DescriptorInvalidSize, Error, "/manifests/0/size"),
        case("size minus zero", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":-0}}"#)), DescriptorInvalidSize, Error, "/manifests/0/size"),
        case("size fraction", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":1.5}}"#)), DescriptorInvalidSize, Error, "/manifests/0/size"),
        case("size 1e400", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":1e400}}"#)), DescriptorInvalidSize, Error, "/manifests/0/size"),
        case("size 2^64", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":18446744073709551616}}"#)), DescriptorSizeOutOfRange, Error, "/manifests/0/size"),
        case("size string", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":"1"}}"#)), SchemaWrongType, Error, "/manifests/0/size"),
        case("url relative", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":1,"urls":["/x"]}}"#)), DescriptorInvalidUrl, Error, "/manifests/0/urls/0"),
        case("annotation number", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":1,"annotations":{{"a":1}}}}"#)), DescriptorAnnotationNotString, Error, "/manifests/0/annotations/a"),
        case("data not base64", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":2,"data":"e30"}}"#)), DescriptorInvalidData, Error, "/manifests/0/data"),
        case("data size mismatch", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{}","size":3,"data":"e30="}}"#, indexsmith::digest::EMPTY_JSON_SHA256)), DescriptorDataSizeMismatch, Error, "/manifests/0/data"),
        case("data digest mismatch", oci_index(&format!(r#"{{"mediaType":"{OCI_M}","digest":"{D1}","size":2,"data":"e30="}}"#)), DescriptorDataDigestMismatch, Error, "/manifests/0/data"),
        case("empty descriptor wrong size", oci_manifest(&format!(r#"{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{}","size":3}}"#, indexsmith::digest::EMPTY_JSON_SHA256), &layer("application/vnd.oci.image.layer.v1.tar"), r#","artifactType":"a/b""#), DescriptorEmptyMismatch, Warning, "/config"),
        case("artifactType invalid", oci_manifest(&config_desc(), &layer("application/vnd.oci.image.layer.v1.tar"), r#","artifactType":"nope""#), DescriptorInvalidArtifactType, Error, "/artifactType"),
        case("platform missing os", oci_index(&entry(OCI_M, D1, r#"{"architecture":"amd64"}"#)), PlatformMissingOs, Error, "/manifests/0/platform"),
        case("platform missing arch", oci_index(&entry(OCI_M, D1, r#"{"os":"linux"}"#)), PlatformMissingArchitecture, Error, "/manifests/0/platform"),
        case("unknown os", oci_index(&entry(OCI_M, D1, r#"{"os":"Linux","architecture":"amd64"}"#)), PlatformUnknownOs, Warning, "/manifests/0/platform/os"),
        case("unknown architecture", oci_index(&entry(OCI_M, D1, r#"{"os":"linux","architecture":"x86_64"}"#)), PlatformUnknownArchitecture, Warning, "/manifests/0/platform/architecture"),
        case("variant on s390x", oci_index(&entry(OCI_M, D1, r#"{"os":"linux","architecture":"s390x","variant":"v1"}"#)), PlatformUnexpectedVariant, Warning, "/manifests/0/platform/variant"),
        case("arm variant v9", oci_index(&entry(OCI_M, D1, r#"{"os":"linux","architecture":"arm","variant":"v9"}"#)), PlatformUnexpectedVariant, Warning, "/manifests/0/platform/variant"),
        case("os.version on linux", oci_index(&entry(OCI_M, D1, r#"{"os":"linux","architecture":"amd64","os.version":"5.4"}"#)), PlatformOsVersionNotWindows, Warning, "/manifests/0/platform/os.version"),
        case("features reserved", oci_index(&entry(OCI_M, D1, r#"{"os":"linux","architecture":"amd64","features":["sse4"]}"#)), PlatformReservedFeatures, Warning, "/manifests/0/platform/features"),
        case("os.features not strings", oci_index(&entry(OCI_M, D1, r#"{"os":"windows","architecture":"amd64","os.features":[1]}"#)), SchemaWrongType, Error, "/manifests/0/platform/os.features/0"),
        case("duplicate platform", oci_index(&format!("{},{}", entry(OCI_M, D1, amd64), entry(OCI_M, D2, amd64))), IndexDuplicatePlatform, Warning, "/manifests/1/platform"),
        case("arm64 v8 equals arm64", oci_index(&format!("{},{}", entry(OCI_M, D1, r#"{"os":"linux","architecture":"arm64"}"#), entry(OCI_M, D2, r#"{"os":"linux","architecture":"arm64","variant":"v8"}"#))), IndexDuplicatePlatform, Warning, "/manifests/1/platform"),
        case("docker list entry without platform", docker_list(&format!(r#"{{"mediaType":"{DOCKER_M}","digest":"{D1}","size":1}}"#)), IndexMissingPlatform, Error, "/manifests/0"),
        case("windows without os.version", oci_index(&format!("{},{}", entry(OCI_M, D1, r#"{"os":"windows","architecture":"amd64"}"#), entry(OCI_M, D2, r#"{"os":"windows","architecture":"amd64","os.features":["win32k"]}"#))), IndexWindowsWithoutOsVersion, Warning, "/manifests/0/platform"),
        case("oci child in docker list", docker_list(&entry(OCI_M, D1, amd64)), IndexChildMediaTypeMismatch, Warning, "/manifests/0/mediaType"),
        case("docker child in oci index", oci_index(&entry(DOCKER_M, D1, amd64)), IndexChildMediaTypeMismatch, Warning, "/manifests/0/mediaType"),
        case("nested index", oci_index(&format!(r#"{{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{D1}","size":1}}"#)), IndexNestedIndex, Info, "/manifests/0/mediaType"),
        case("non-manifest child", oci_index(&format!(r#"{{"mediaType":"application/vnd.in-toto+json","digest":"{D1}","size":1}}"#)), IndexUnknownChildMediaType, Info, "/manifests/0/mediaType"),
        case("annotations on docker list", docker_list(&entry(DOCKER_M, D1, amd64)).replacen("\"manifests\"", "\"annotations\":{\"a\":\"b\"},\"manifests\"", 1), IndexDockerListField, Warning, "/annotations"),
        case(
            "dangling attestation",
            oci_index(&format!(
                r#"{},{{"mediaType":"{OCI_M}","digest":"{D2}","size":5,"annotations":{{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:3333333333333333333333333333333333333333333333333333333333333333"}},"platform":{{"os":"unknown","architecture":"unknown"}}}}"#,
                entry(OCI_M, D1, amd64)
            )),
            IndexDanglingAttestation,
            Warning,
            "/manifests/1/annotations/vnd.docker.reference.digest",
        ),
        case("empty index", oci_index(""), IndexEmpty, Info, "/manifests"),
        case("empty layers", oci_manifest(&config_desc(), "", ""), ManifestEmptyLayers, Warning, "/layers"),
        case("non-distributable layer", oci_manifest(&config_desc(), &layer("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"), ""), ManifestNonDistributableLayer, Warning, "/layers/0/mediaType"),
        case("docker layer in oci manifest", oci_manifest(&config_desc(), &layer("application/vnd.docker.image.rootfs.diff.tar.gzip"), ""), ManifestLayerMediaTypeMismatch, Warning, "/layers/0/mediaType"),
        case(
            "empty config needs artifactType",
            oci_manifest(&format!(r#"{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{}","size":2}}"#, indexsmith::digest::EMPTY_JSON_SHA256), &layer("application/vnd.oci.empty.v1+json"), ""),
            ManifestMissingArtifactType,
            Error,
            "/config/mediaType",
        ),
        case(
            "docker manifest with oci config",
            format!(r#"{{"schemaVersion":2,"mediaType":"{DOCKER_M}","config":{},"layers":[{}]}}"#, config_desc(), layer("application/vnd.docker.image.rootfs.diff.tar.gzip")),
            ManifestConfigMediaType,
            Warning,
            "/config/mediaType",
        ),
        case(
            "docker manifest with subject",
            format!(r#"{{"schemaVersion":2,"mediaType":"{DOCKER_M}","subject":{},"config":{},"layers":[]}}"#, config_desc(), config_desc().replace("application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json")),
            ManifestDockerField,
            Warning,
            "/subject",
        ),
        case("duplicate key", r#"{"schemaVersion":2,"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.into(), JsonDuplicateKey, Error, "/schemaVersion"),
        case(
            "duplicate key spelled with an escape",
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annot\u0061tions":{},"annotations":{}}"#.into(),
            JsonDuplicateKey,
            Error,
            "/annotations",
        ),
        case(
            "key repeated a third time",
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"subject":1,"x":1,"subject":2,"subject":3}"#.into(),
            JsonDuplicateKey,
            Error,
            "/subject",
        ),
        case("trailing comma", "{\"schemaVersion\":2,}".into(), JsonTrailingComma, Error, ""),
        case("not json", "hello".into(), JsonSyntax, Error, ""),
        case("empty input", "".into(), JsonEmpty, Error, ""),
        case("deep nesting", "[".repeat(10_000), JsonTooDeep, Error, ""),
    ];
    let mut failures = Vec::new();
    for c in &cases {
        let report = validate(c.input.as_bytes(), &ValidateOptions::default());
        let hit = report.diagnostics.iter().find(|d| d.code == c.code);
        match hit {
            None => failures.push(format!(
                "{}: no {} in {:#?}",
                c.name, c.code, report.diagnostics
            )),
            Some(d) => {
                if d.severity != c.severity || d.pointer != c.pointer {
                    failures.push(format!(
                        "{}: {} {:?} at {:?}, expected {:?} at {:?}",
                        c.name, c.code, d.severity, d.pointer, c.severity, c.pointer
                    ));
                }
                if report.valid
                    == report
                        .diagnostics
                        .iter()
                        .any(|d| d.severity == Severity::Error)
                {
                    failures.push(format!("{}: valid disagrees with the diagnostics", c.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn expected_kind_is_used_and_checked() {
    let no_media_type = br#"{"schemaVersion":2,"manifests":[]}"#;
    let report = validate(
        no_media_type,
        &ValidateOptions::default().expect(Kind::DockerManifestList),
    );
    assert_eq!(report.kind, Some(Kind::DockerManifestList));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == Code::DocumentMissingMediaType && d.severity == Severity::Error));
    let with = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
    let report = validate(with, &ValidateOptions::default().expect(Kind::OciManifest));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == Code::DocumentMediaTypeMismatch));
}

#[test]
fn diagnostics_are_located_in_utf16() {
    // "é" is two UTF-8 bytes and one UTF-16 unit; "😀" is four bytes and two units.
    let text = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"annotations\":{\"é😀\":\"x\",\"k\":1},\"manifests\":[]}";
    let report = validate(text.as_bytes(), &ValidateOptions::default());
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::DescriptorAnnotationNotString)
        .unwrap();
    let byte_offset = text.find(":1}").unwrap() + 1;
    assert_eq!(d.span.start.offset as usize, byte_offset);
    assert_eq!(
        d.span.start.column as usize,
        text[..byte_offset].encode_utf16().count() + 1
    );
    assert_eq!(d.span.start.line, 1);
    assert_eq!(d.pointer, "/annotations/k");
}

#[test]
fn descriptors_validate_alone() {
    let good = format!(
        r#"{{"mediaType":"{OCI_M}","digest":"{}","size":2,"data":"e30="}}"#,
        indexsmith::digest::EMPTY_JSON_SHA256
    );
    let report = validate_descriptor(good.as_bytes(), &ValidateOptions::default());
    assert!(report.valid, "{:#?}", report.diagnostics);
    assert_eq!(report.kind, None);
    let bad = r#"{"mediaType":"x","digest":"sha256:1","size":-3}"#;
    let report = validate_descriptor(bad.as_bytes(), &ValidateOptions::default());
    let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![
            Code::DescriptorInvalidMediaType,
            Code::DescriptorInvalidDigestEncoding,
            Code::DescriptorInvalidSize
        ]
    );
}

#[test]
fn large_documents_warn_and_limits_hold() {
    let mut big = oci_index("").into_bytes();
    big.truncate(big.len() - 2);
    big.extend(std::iter::repeat(b' ').take(5 * 1024 * 1024));
    big.extend_from_slice(b"]}");
    let report = validate(&big, &ValidateOptions::default());
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == Code::DocumentExceedsRegistryLimit));
    assert!(report.valid);
    let limits = indexsmith::json::Limits {
        max_depth: 64,
        max_size: 1024,
    };
    let report = validate(&big, &ValidateOptions::default().with_limits(limits));
    assert_eq!(
        report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        vec![Code::JsonTooLarge]
    );
}
