//! Tiny images built by the tests and seeded with plain HTTP calls, independent of the code
//! under test.

use super::http::{self, headers};
use indexsmith::digest::{sha256, Digest};

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Deterministic bytes of `size` from a label.
pub fn bytes(label: &str, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size);
    let mut state = sha256(label.as_bytes()).encoded().as_bytes().to_vec();
    while out.len() < size {
        out.extend_from_slice(&state);
        state = sha256(&state).encoded().as_bytes().to_vec();
    }
    out.truncate(size);
    out
}

pub struct Image {
    pub config: Vec<u8>,
    pub layers: Vec<Vec<u8>>,
    pub manifest: Vec<u8>,
    pub digest: Digest,
    pub arch: String,
}

pub fn image(label: &str, arch: &str, layer_sizes: &[usize]) -> Image {
    let layers: Vec<Vec<u8>> = layer_sizes
        .iter()
        .enumerate()
        .map(|(i, s)| bytes(&format!("{label}-{arch}-{i}"), *s))
        .collect();
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| format!("\"{}\"", sha256(l)))
        .collect();
    let (os_arch, variant) = match arch.split_once('/') {
        Some((a, v)) => (a.to_owned(), Some(v.to_owned())),
        None => (arch.to_owned(), None),
    };
    let config = format!(
        r#"{{"architecture":"{os_arch}","os":"linux"{},"rootfs":{{"type":"layers","diff_ids":[{}]}},"config":{{"Labels":{{"label":"{label}"}}}}}}"#,
        variant.map(|v| format!(r#","variant":"{v}""#)).unwrap_or_default(),
        diff_ids.join(",")
    )
    .into_bytes();
    let layer_json: Vec<String> = layers.iter().map(|l| format!(r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{}}}"#, sha256(l), l.len())).collect();
    let manifest = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{}]}}"#,
        sha256(&config),
        config.len(),
        layer_json.join(",")
    )
    .into_bytes();
    Image {
        digest: sha256(&manifest),
        config,
        layers,
        manifest,
        arch: arch.to_owned(),
    }
}

/// An OCI index over images, platforms from their `arch` (`amd64`, `arm/v7`).
pub fn index(images: &[&Image]) -> Vec<u8> {
    let entries: Vec<String> = images
        .iter()
        .map(|i| {
            let (a, v) = match i.arch.split_once('/') {
                Some((a, v)) => (a, format!(r#","variant":"{v}""#)),
                None => (i.arch.as_str(), String::new()),
            };
            format!(r#"{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":{},"platform":{{"architecture":"{a}","os":"linux"{v}}}}}"#, i.digest, i.manifest.len())
        })
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
        entries.join(",")
    )
    .into_bytes()
}

/// Seeds content with raw distribution calls.
pub struct Seeder {
    pub host: String,
    /// An `Authorization` header value, for registries with basic auth.
    pub authorization: Option<String>,
}

impl Seeder {
    fn headers(&self, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut h = headers(extra);
        if let Some(a) = &self.authorization {
            h.push(("Authorization".into(), a.clone()));
        }
        h
    }

    pub fn blob(&self, repo: &str, bytes: &[u8]) -> Digest {
        let d = sha256(bytes);
        let start = http::send(
            "POST",
            &format!("http://{}/v2/{repo}/blobs/uploads/", self.host),
            &self.headers(&[]),
            &[],
        )
        .expect("start upload");
        assert_eq!(start.status, 202, "start upload in {repo}");
        let location = start
            .header("location")
            .expect("upload location")
            .to_owned();
        let location = if location.starts_with('/') {
            format!("http://{}{location}", self.host)
        } else {
            location
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        let put = http::send(
            "PUT",
            &format!(
                "{location}{sep}digest={}",
                d.to_string().replace(':', "%3A")
            ),
            &self.headers(&[("Content-Type", "application/octet-stream")]),
            bytes,
        )
        .expect("put blob");
        assert_eq!(put.status, 201, "put blob in {repo}");
        d
    }

    pub fn manifest(&self, repo: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        let r = http::send(
            "PUT",
            &format!("http://{}/v2/{repo}/manifests/{reference}", self.host),
            &self.headers(&[("Content-Type", media_type)]),
            bytes,
        )
        .expect("put manifest");
        let status = r.status;
        let body = r.bytes().unwrap_or_default();
        assert_eq!(
            status,
            201,
            "put manifest {repo}:{reference}: {}",
            String::from_utf8_lossy(&body)
        );
    }

    pub fn image(&self, repo: &str, image: &Image, tag: Option<&str>) {
        self.blob(repo, &image.config);
        for l in &image.layers {
            self.blob(repo, l);
        }
        self.manifest(
            repo,
            &tag.map(str::to_owned)
                .unwrap_or_else(|| image.digest.to_string()),
            OCI_MANIFEST,
            &image.manifest,
        );
    }

    /// Seeds images and an index over them tagged `tag`; returns the index bytes.
    pub fn index(&self, repo: &str, tag: &str, images: &[&Image]) -> Vec<u8> {
        for i in images {
            self.image(repo, i, None);
        }
        let idx = index(images);
        self.manifest(repo, tag, OCI_INDEX, &idx);
        idx
    }

    /// The status of `GET /v2/<repo>/manifests/<reference>` with the OCI types accepted.
    pub fn manifest_status(&self, repo: &str, reference: &str) -> u16 {
        let accept = format!("{OCI_INDEX}, {OCI_MANIFEST}");
        http::send(
            "GET",
            &format!("http://{}/v2/{repo}/manifests/{reference}", self.host),
            &self.headers(&[("Accept", &accept)]),
            &[],
        )
        .map(|r| r.status)
        .unwrap_or(0)
    }
}
