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

/// The findings densities benchmarked: findings per 100 entries (0 is the clean index).
pub const DENSITIES: [usize; 4] = [0, 1, 10, 80];

/// An OCI image index with `entries` manifests, pretty-printed with two spaces.
pub fn index(entries: usize) -> Vec<u8> {
    index_with_findings(entries, 0)
}

/// What is wrong with an entry of a generated index with findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Finding {
    /// The platform of the first image entry again (`index/duplicate-platform`).
    DuplicatePlatform,
    /// `os.version` on a Linux platform (`platform/os-version-not-windows`).
    OsVersionOnLinux,
    /// A platform without `architecture` (`platform/missing-architecture`).
    MissingArchitecture,
    /// An attestation of a digest that is not in the index (`index/dangling-attestation`).
    DanglingAttestation,
}

/// The finding of entry `i` at `per_100` findings per 100 entries: in each block of 100 entries,
/// the `per_100` whose rank (a permutation of the block, shifted from block to block) is lowest.
/// Attestation entries get dangling references, image entries the other findings in turn.
fn finding_of(i: usize, per_100: usize) -> Option<Finding> {
    let block = i / 100;
    let rank = (37 * i + 11 * block) % 100;
    if rank >= per_100 {
        return None;
    }
    Some(if is_attestation(i) {
        Finding::DanglingAttestation
    } else {
        match (block + rank) % 3 {
            // The first entry has no earlier platform to repeat.
            0 if i > 0 => Finding::DuplicatePlatform,
            0 | 1 => Finding::OsVersionOnLinux,
            _ => Finding::MissingArchitecture,
        }
    })
}

fn is_attestation(i: usize) -> bool {
    i % 5 == 4
}

/// The index of [`index`] with `per_100` findings per 100 entries (duplicate platforms,
/// `os.version` on Linux, platforms without architecture, attestations of missing digests), each
/// drawing one diagnostic. The same arguments always give the same bytes.
pub fn index_with_findings(entries: usize, per_100: usize) -> Vec<u8> {
    let mut out = String::with_capacity(entries * 470 + 512);
    out.push_str("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n  \"manifests\": [");
    let mut image = 0usize;
    let mut last_image_digest = String::new();
    let mut last_clean: Option<String> = None;
    for i in 0..entries {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        let finding = finding_of(i, per_100);
        if is_attestation(i) {
            let subject = match finding {
                Some(Finding::DanglingAttestation) => digest_of(&format!("missing-{i}")),
                _ => last_image_digest.clone(),
            };
            attestation_entry(&mut out, i, &subject);
        } else {
            let (digest, clean) = image_entry(&mut out, i, image, finding, last_clean.as_deref());
            last_image_digest = digest;
            if clean.is_some() {
                last_clean = clean;
            }
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

/// Writes image entry `i` (the `image`-th image), with `finding`, and returns its digest and,
/// when it has no finding, its platform's members as written. A duplicate platform repeats
/// `last_clean`, the last of those (without one yet, the entry gets `os.version` on Linux).
fn image_entry(
    out: &mut String,
    i: usize,
    image: usize,
    finding: Option<Finding>,
    last_clean: Option<&str>,
) -> (String, Option<String>) {
    let digest = digest_of(&format!("image-manifest-{i}"));
    let size = 1_000 + (i * 37) % 3_000;
    let _ = write!(
        out,
        "    {{\n      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n      \"digest\": \"{digest}\",\n      \"size\": {size},\n      \"platform\": {{\n"
    );
    let mut platform = String::new();
    let finding = match (finding, last_clean) {
        (Some(Finding::DuplicatePlatform), None) => Some(Finding::OsVersionOnLinux),
        (f, _) => f,
    };
    match (finding, PLATFORMS.get(image)) {
        (Some(Finding::DuplicatePlatform), _) => platform.push_str(last_clean.unwrap_or_default()),
        (Some(Finding::OsVersionOnLinux), _) => {
            let _ = write!(
                platform,
                "        \"architecture\": \"arm64\",\n        \"os\": \"linux\",\n        \"os.version\": \"6.1.{i}\""
            );
        }
        (Some(Finding::MissingArchitecture), _) => platform.push_str("        \"os\": \"linux\""),
        (_, Some((os, architecture, variant))) => {
            let _ = write!(
                platform,
                "        \"architecture\": \"{architecture}\",\n        \"os\": \"{os}\""
            );
            if let Some(v) = variant {
                let _ = write!(platform, ",\n        \"variant\": \"{v}\"");
            }
        }
        (_, None) => {
            let build = image - PLATFORMS.len();
            let _ = write!(
                platform,
                "        \"architecture\": \"amd64\",\n        \"os\": \"windows\",\n        \"os.version\": \"10.0.{}.{}\"",
                17763 + build / 4096,
                build % 4096
            );
        }
    }
    out.push_str(&platform);
    let _ = write!(
        out,
        "\n      }},\n      \"annotations\": {{\n        \"org.opencontainers.image.revision\": \"{}\"\n      }}\n    }}",
        &digest_of(&format!("revision-{i}"))[7..47],
    );
    (digest, finding.is_none().then_some(platform))
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
    fn indexes_with_findings_draw_one_diagnostic_each() {
        use indexsmith::Code;
        for (entries, per_100) in [(1_000, 1), (1_000, 10), (1_000, 80), (10_000, 10)] {
            let doc = index_with_findings(entries, per_100);
            let mut report = validate(&doc, &ValidateOptions::default());
            // 10,000 entries are more than the 4 MiB registries must accept: a warning of its own.
            report
                .diagnostics
                .retain(|d| d.code != Code::DocumentExceedsRegistryLimit);
            let count = |code: Code| report.diagnostics.iter().filter(|d| d.code == code).count();
            let total = entries * per_100 / 100;
            assert_eq!(
                report.diagnostics.len(),
                total,
                "{entries}/{per_100}: {:#?}",
                {
                    let mut codes: Vec<&str> =
                        report.diagnostics.iter().map(|d| d.code.as_str()).collect();
                    codes.dedup();
                    codes
                }
            );
            for code in [
                Code::IndexDuplicatePlatform,
                Code::PlatformOsVersionNotWindows,
                Code::PlatformMissingArchitecture,
                Code::IndexDanglingAttestation,
            ] {
                assert!(
                    count(code) >= total / 8,
                    "{entries}/{per_100}: {code} {}",
                    count(code)
                );
            }
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
