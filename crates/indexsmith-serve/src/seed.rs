//! Seeding a registry with the sample image.
//!
//! - `sample/hello:latest`: the OCI image index; `sample/hello:latest-docker`: the Docker
//!   manifest list; `sample/hello:<tag>`: each platform's OCI image manifest.
//! - `sample/parts:<tag>`: the same platform images, their blobs mounted from `sample/hello`, so
//!   "create an index from references" and "push with cross-repository mount" can be tried.

use indexsmith::Digest;
use url::Url;

use futures_util::future::try_join_all;

use crate::push::{PushError, Pusher};
use crate::sample::{Sample, SampleChild};

/// Repository of the sample indexes.
pub const REPOSITORY: &str = "sample/hello";
/// Repository of the single-platform images only.
pub const PARTS_REPOSITORY: &str = "sample/parts";
/// Tag of the OCI image index.
pub const INDEX_TAG: &str = "latest";
/// Tag of the Docker manifest list.
pub const DOCKER_LIST_TAG: &str = "latest-docker";

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot build the sample image: {0}")]
    Build(#[from] std::io::Error),
    #[error("cannot push the sample image: {0}")]
    Push(#[from] PushError),
}

/// What was pushed.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub index_digest: Digest,
    pub docker_list_digest: Digest,
    /// `(tag, digest)` of each platform image.
    pub children: Vec<(String, Digest)>,
}

/// Pushes the sample into the registry at `base`.
pub async fn seed(client: reqwest::Client, base: Url) -> Result<Seeded, SeedError> {
    let sample = Sample::build()?;
    let pusher = Pusher::new(client, base);
    // Platforms are pushed side by side; the indexes go last, once every child is there.
    try_join_all(
        sample
            .children
            .iter()
            .map(|child| push_child(&pusher, child)),
    )
    .await?;
    pusher
        .put_manifest(REPOSITORY, INDEX_TAG, &sample.oci_index)
        .await?;
    pusher
        .put_manifest(REPOSITORY, DOCKER_LIST_TAG, &sample.docker_list)
        .await?;
    try_join_all(
        sample
            .children
            .iter()
            .map(|child| push_part(&pusher, child)),
    )
    .await?;
    Ok(Seeded {
        index_digest: sample.oci_index.digest.clone(),
        docker_list_digest: sample.docker_list.digest.clone(),
        children: sample
            .children
            .iter()
            .map(|c| (c.platform.tag.to_string(), c.oci_manifest.digest.clone()))
            .collect(),
    })
}

/// A platform's blobs and both of its manifests, into the sample repository.
async fn push_child(pusher: &Pusher, child: &SampleChild) -> Result<(), PushError> {
    pusher.push_blob(REPOSITORY, &child.layer).await?;
    pusher.push_blob(REPOSITORY, &child.config).await?;
    pusher
        .put_manifest(REPOSITORY, child.platform.tag, &child.oci_manifest)
        .await?;
    let docker_digest = child.docker_manifest.digest.to_string();
    pusher
        .put_manifest(REPOSITORY, &docker_digest, &child.docker_manifest)
        .await
}

/// A platform's image into the parts repository, its blobs mounted from the sample repository.
async fn push_part(pusher: &Pusher, child: &SampleChild) -> Result<(), PushError> {
    pusher
        .mount_blob(PARTS_REPOSITORY, REPOSITORY, &child.layer)
        .await?;
    pusher
        .mount_blob(PARTS_REPOSITORY, REPOSITORY, &child.config)
        .await?;
    pusher
        .put_manifest(PARTS_REPOSITORY, child.platform.tag, &child.oci_manifest)
        .await
}
