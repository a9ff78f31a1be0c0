//! Seeding a real registry: every child and blob of both sample indexes is fetchable and has
//! the digest and size its descriptor says.

mod common;

use common::{client, header};
use indexsmith::digest::sha256;
use indexsmith::media_type::{DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST};
use indexsmith_serve::push::accept_manifests;
use indexsmith_serve::sample::PLATFORMS;
use indexsmith_serve::seed;
use serde_json::Value;

/// The digest of the sample OCI index. It changes only when the sample changes: a change
/// here without one there means the bytes are not deterministic.
const INDEX_DIGEST: &str =
    "sha256:562a041b5e19e85a3fe83b4584e7e460a0837a27fc5128b48b115c6526e46f85";

async fn get(url: &str, accept: bool) -> (String, String, Vec<u8>) {
    let mut request = client().get(url);
    if accept {
        request = request.header("accept", accept_manifests());
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(response.status(), 200, "{url}");
    let content_type = header(&response, "content-type");
    let digest = header(&response, "docker-content-digest");
    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    (content_type, digest, bytes.to_vec())
}

fn json(bytes: &[u8], what: &str) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Fetches a descriptor's target and checks its digest and size.
async fn fetch(
    base: &str,
    repository: &str,
    kind: &str,
    descriptor: &Value,
    what: &str,
) -> Vec<u8> {
    let digest = descriptor["digest"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: no digest"));
    let (content_type, _, bytes) = get(
        &format!("{base}v2/{repository}/{kind}/{digest}"),
        kind == "manifests",
    )
    .await;
    assert_eq!(sha256(&bytes).to_string(), digest, "{what}: digest");
    assert_eq!(
        Some(bytes.len() as u64),
        descriptor["size"].as_u64(),
        "{what}: size"
    );
    if kind == "manifests" {
        assert_eq!(
            Some(content_type.as_str()),
            descriptor["mediaType"].as_str(),
            "{what}: content type"
        );
    }
    bytes
}

#[tokio::test]
async fn seeded_indexes_are_complete_and_stable() {
    let registry = common::plain_registry().await;
    let seeded = seed::seed(client(), registry.url())
        .await
        .unwrap_or_else(|e| panic!("seed: {e}"));
    assert_eq!(seeded.index_digest.to_string(), INDEX_DIGEST);
    // Seeding again changes nothing.
    let again = seed::seed(client(), registry.url())
        .await
        .unwrap_or_else(|e| panic!("second seed: {e}"));
    assert_eq!(again.index_digest, seeded.index_digest);
    assert_eq!(again.docker_list_digest, seeded.docker_list_digest);

    let base = registry.url().to_string();
    let cases = [
        (
            "oci index",
            seed::INDEX_TAG,
            OCI_INDEX,
            OCI_MANIFEST,
            seeded.index_digest.to_string(),
        ),
        (
            "docker list",
            seed::DOCKER_LIST_TAG,
            DOCKER_LIST,
            DOCKER_MANIFEST,
            seeded.docker_list_digest.to_string(),
        ),
    ];
    for (name, tag, index_type, child_type, index_digest) in cases {
        let (content_type, digest, bytes) = get(
            &format!("{base}v2/{}/manifests/{tag}", seed::REPOSITORY),
            true,
        )
        .await;
        assert_eq!(content_type, index_type, "{name}");
        assert_eq!(digest, index_digest, "{name}");
        assert_eq!(sha256(&bytes).to_string(), index_digest, "{name}");
        let index = json(&bytes, name);
        let entries = index["manifests"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no manifests"));
        assert_eq!(entries.len(), PLATFORMS.len(), "{name}");
        for (entry, platform) in entries.iter().zip(PLATFORMS) {
            let what = format!("{name} {}", platform.name());
            assert_eq!(entry["mediaType"], child_type, "{what}");
            assert_eq!(entry["platform"]["os"], platform.os, "{what}");
            assert_eq!(
                entry["platform"]["architecture"], platform.architecture,
                "{what}"
            );
            assert_eq!(
                entry["platform"]["variant"].as_str(),
                platform.variant,
                "{what}"
            );
            assert_eq!(
                entry["platform"]["os.version"].as_str(),
                platform.os_version,
                "{what}"
            );
            let manifest = json(
                &fetch(&base, seed::REPOSITORY, "manifests", entry, &what).await,
                &what,
            );
            let config = json(
                &fetch(&base, seed::REPOSITORY, "blobs", &manifest["config"], &what).await,
                &what,
            );
            assert_eq!(config["os"], platform.os, "{what}: config os");
            assert_eq!(
                config["architecture"], platform.architecture,
                "{what}: config architecture"
            );
            assert_eq!(
                config["variant"].as_str(),
                platform.variant,
                "{what}: config variant"
            );
            assert_eq!(
                config["os.version"].as_str(),
                platform.os_version,
                "{what}: config os.version"
            );
            let layers = manifest["layers"]
                .as_array()
                .unwrap_or_else(|| panic!("{what}: no layers"));
            assert_eq!(layers.len(), 1, "{what}");
            let layer = fetch(&base, seed::REPOSITORY, "blobs", &layers[0], &what).await;
            let mut tar = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(layer.as_slice()),
                &mut tar,
            )
            .unwrap_or_else(|e| panic!("{what}: layer is not gzip: {e}"));
            assert_eq!(
                config["rootfs"]["diff_ids"][0],
                sha256(&tar).to_string(),
                "{what}: diff_id"
            );
        }
    }

    // Each platform image is tagged in both repositories, with the digest the index names.
    for (tag, digest) in &seeded.children {
        for repository in [seed::REPOSITORY, seed::PARTS_REPOSITORY] {
            let (content_type, got, _) =
                get(&format!("{base}v2/{repository}/manifests/{tag}"), true).await;
            assert_eq!(content_type, OCI_MANIFEST, "{repository}:{tag}");
            assert_eq!(got, digest.to_string(), "{repository}:{tag}");
        }
    }
}
