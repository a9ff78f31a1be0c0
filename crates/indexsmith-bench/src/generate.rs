//! The index generator.

use indexsmith::digest::sha256;
use std::fmt::Write;

/// The entry counts benchmarked per size.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// Platforms of the first image entries, as buildx publishes them.
const PLATFORMS: &[(&str, &str, Option<&str>)] = &[
    ("linux", "amd64", None),
    ("linux", "arm64", None),
    ("linux", "arm", Some("v7")),
    ("linux", "arm", Some("v6")),
    ("linux", "386", None),
    ("linux", "ppc64le", None),
    ("linux", "s390x", None),
    ("linux", "riscv64", None),
    ("linux", "mips64le", None),
    ("linux", "loong64", None),
    ("linux", "amd64", Some("v3")),
    ("freebsd", "amd64", None),
];

/// A deterministic sha256 digest for a label.
fn digest_of(label: &str) -> String {
    sha256(label.as_bytes()).to_string()
}

/// An OCI image index with `entries` manifests, pretty-printed with two spaces.
pub fn index(entries: usize) -> Vec<u8> {
    let mut out = String::with_capacity(entries * 470 + 512);
    out.push_str("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n  \"manifests\": [");
    let mut image = 0usize;
    let mut last_image_digest = String::new();
    for i in 0..entries {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        if i % 5 == 4 {
            attestation_entry(&mut out, i, &last_image_digest);
        } else {
            last_image_digest = image_entry(&mut out, i, image);
            image += 1;
        }
    }
    out.push_str("\n  ],\n  \"annotations\": {\n");
    let _ = write!(
        out,
        "    \"org.opencontainers.image.created\": \"2026-11-28T07:00:00Z\",\n    \"org.opencontainers.image.source\": \"https://github.com/example/multiarch-app\",\n    \"org.opencontainers.image.revision\": \"{}\"\n  }}\n}}\n",
        &digest_of("revision")[7..47]
    );
    out.into_bytes()
}

/// Writes image entry `i` (the `image`-th image) and returns its digest.
fn image_entry(out: &mut String, i: usize, image: usize) -> String {
    let digest = digest_of(&format!("image-manifest-{i}"));
    let size = 1_000 + (i * 37) % 3_000;
    let _ = write!(
        out,
        "    {{\n      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n      \"digest\": \"{digest}\",\n      \"size\": {size},\n      \"platform\": {{\n"
    );
    match PLATFORMS.get(image) {
        Some((os, architecture, variant)) => {
            let _ = write!(
                out,
                "        \"architecture\": \"{architecture}\",\n        \"os\": \"{os}\""
            );
            if let Some(v) = variant {
                let _ = write!(out, ",\n        \"variant\": \"{v}\"");
            }
        }
        None => {
            let build = image - PLATFORMS.len();
            let _ = write!(
                out,
                "        \"architecture\": \"amd64\",\n        \"os\": \"windows\",\n        \"os.version\": \"10.0.{}.{}\"",
                17763 + build / 4096,
                build % 4096
            );
        }
    }
    let _ = write!(
        out,
        "\n      }},\n      \"annotations\": {{\n        \"org.opencontainers.image.revision\": \"{}\"\n      }}\n    }}",
        &digest_of(&format!("revision-{i}"))[7..47],
    );
    digest
}

fn attestation_entry(out: &mut String, i: usize, subject: &str) {
    let digest = digest_of(&format!("attestation-manifest-{i}"));
    let size = 800 + (i * 13) % 600;
    let _ = write!(
        out,
        "    {{\n      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n      \"digest\": \"{digest}\",\n      \"size\": {size},\n      \"annotations\": {{\n        \"vnd.docker.reference.digest\": \"{subject}\",\n        \"vnd.docker.reference.type\": \"attestation-manifest\"\n      }},\n      \"platform\": {{\n        \"architecture\": \"unknown\",\n        \"os\": \"unknown\"\n      }}\n    }}"
    );
}

/// The smallest generated index of at least `bytes` bytes.
pub fn index_of_size(bytes: usize) -> Vec<u8> {
    // Entries average a little under 500 bytes; start below and grow.
    let mut entries = bytes / 500;
    loop {
        let doc = index(entries.max(1));
        if doc.len() >= bytes {
            return doc;
        }
        entries += (bytes - doc.len()) / 400 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexsmith::{validate, Kind, ValidateOptions};

    #[test]
    fn generated_indexes_are_valid_without_findings() {
        for entries in [1, 5, 10, 100, 1_000] {
            let doc = index(entries);
            let report = validate(&doc, &ValidateOptions::default());
            assert_eq!(report.kind, Some(Kind::OciIndex), "{entries} entries");
            assert!(
                report.diagnostics.is_empty(),
                "{entries} entries: {:#?}",
                report.diagnostics
            );
        }
    }

    #[test]
    fn generation_is_deterministic_and_sized() {
        assert_eq!(index(100), index(100));
        let ten_thousand = index(10_000);
        assert!(
            (4_200_000..4_800_000).contains(&ten_thousand.len()),
            "{} bytes",
            ten_thousand.len()
        );
        let entries = ten_thousand
            .windows(12)
            .filter(|w| w == b"\"mediaType\":")
            .count()
            - 1;
        assert_eq!(entries, 10_000);
        let attestations = ten_thousand
            .windows(20)
            .filter(|w| w == b"attestation-manifest")
            .count();
        assert_eq!(attestations, 2_000);
    }
}
