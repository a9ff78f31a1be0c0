//! The distribution spec's endpoints as calls, and the checks on their answers.

use crate::engine::Call;
use crate::error::{Action, ErrorKind, RegistryError};
use crate::http::{append_query, Body, Method, Response};
use crate::manifest::{parse_manifest, ManifestInfo};
use crate::media_type;
use crate::reference::{ManifestRef, Repository};
use crate::session::Session;
use indexsmith::digest::{compute, Digest};

/// The `Accept` header for manifests: the four manifest media types.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// `repository:<path>:pull`.
pub fn pull_scope(repository: &Repository) -> String {
    format!("repository:{}:pull", repository.path)
}

/// `repository:<path>:pull,push`.
pub fn push_scope(repository: &Repository) -> String {
    format!("repository:{}:pull,push", repository.path)
}

/// A manifest as received: exact bytes, their verified digest, and the media type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "camelCase")
)]
pub struct Manifest {
    pub digest: Digest,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

impl Manifest {
    /// The manifest's references.
    pub fn info(&self) -> Result<ManifestInfo, String> {
        parse_manifest(&self.bytes, Some(&self.media_type))
    }
}

pub(crate) fn manifest_get(
    session: &Session,
    repo: &Repository,
    reference: &ManifestRef,
    method: Method,
) -> Call {
    let url = format!("{}/manifests/{}", session.repository_url(repo), reference);
    let action = if method == Method::Head {
        Action::HeadManifest
    } else {
        Action::FetchManifest
    };
    Call::new(action, method, url, repo.api_host(), vec![pull_scope(repo)])
        .header("Accept", MANIFEST_ACCEPT)
}

pub(crate) fn manifest_put(
    session: &Session,
    repo: &Repository,
    reference: &str,
    media_type: &str,
    bytes: Vec<u8>,
) -> Call {
    let url = format!("{}/manifests/{}", session.repository_url(repo), reference);
    Call::new(
        Action::PushManifest,
        Method::Put,
        url,
        repo.api_host(),
        vec![push_scope(repo)],
    )
    .header("Content-Type", media_type)
    .body(Body::Bytes(bytes))
}

pub(crate) fn blob_get(session: &Session, repo: &Repository, digest: &Digest) -> Call {
    let url = format!("{}/blobs/{}", session.repository_url(repo), digest);
    Call::new(
        Action::FetchBlob,
        Method::Get,
        url,
        repo.api_host(),
        vec![pull_scope(repo)],
    )
}

pub(crate) fn blob_head(
    session: &Session,
    repo: &Repository,
    digest: &Digest,
    scopes: Vec<String>,
) -> Call {
    let url = format!("{}/blobs/{}", session.repository_url(repo), digest);
    Call::new(Action::HeadBlob, Method::Head, url, repo.api_host(), scopes)
}

/// `POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<source>`.
pub(crate) fn blob_mount(
    session: &Session,
    target: &Repository,
    digest: &Digest,
    from: &Repository,
) -> Call {
    let url = append_query(
        &format!("{}/blobs/uploads/", session.repository_url(target)),
        &[("mount", &digest.to_string()), ("from", &from.path)],
    );
    Call::new(
        Action::MountBlob,
        Method::Post,
        url,
        target.api_host(),
        vec![push_scope(target), pull_scope(from)],
    )
    .header("Content-Length", "0")
}

/// `POST /v2/<name>/blobs/uploads/`: opens an upload session.
pub(crate) fn upload_start(session: &Session, target: &Repository) -> Call {
    let url = format!("{}/blobs/uploads/", session.repository_url(target));
    Call::new(
        Action::UploadBlob,
        Method::Post,
        url,
        target.api_host(),
        vec![push_scope(target)],
    )
    .header("Content-Length", "0")
}

/// Hashes `bytes` with the algorithm of `expected` and compares. Unregistered algorithms cannot
/// be verified and are refused.
pub(crate) fn verify(what: &str, expected: &Digest, bytes: &[u8]) -> Result<(), RegistryError> {
    match compute(expected.algorithm(), bytes) {
        Some(actual) if actual == *expected => Ok(()),
        Some(actual) => Err(RegistryError::digest_mismatch(what, &expected.to_string(), &actual.to_string())),
        None => Err(RegistryError::new(
            ErrorKind::InvalidInput,
            format!("{what} is addressed with {expected}, whose algorithm this client cannot verify; use sha256 or sha512"),
        )),
    }
}

/// Checks a manifest GET answer: the bytes must hash to the digest asked for, or to the
/// `Docker-Content-Digest` the registry announced when fetched by tag.
pub(crate) fn check_manifest(
    response: &Response,
    reference: &ManifestRef,
    url: &str,
) -> Result<Manifest, RegistryError> {
    check_manifest_info(response, reference, url).map(|(manifest, _)| manifest)
}

/// [`check_manifest`], keeping the references it reads on the way (the same as
/// [`Manifest::info`] gives, without parsing the bytes a second time).
pub(crate) fn check_manifest_info(
    response: &Response,
    reference: &ManifestRef,
    url: &str,
) -> Result<(Manifest, ManifestInfo), RegistryError> {
    if response.status != 200 {
        return Err(RegistryError::from_response(
            response,
            Action::FetchManifest,
            url,
        ));
    }
    let bytes = response.body.bytes().to_vec();
    let content_type = response
        .header("content-type")
        .map(|c| c.split(';').next().unwrap_or("").trim().to_owned());
    if content_type
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("text/html"))
    {
        return Err(RegistryError::new(
            ErrorKind::NotARegistry,
            format!("{url} answered with an HTML page: this address is not an OCI registry API"),
        )
        .with_status(200)
        .with_url(url));
    }
    let announced = match response.header("docker-content-digest") {
        Some(h) => Some(h.trim().parse::<Digest>().map_err(|e| {
            RegistryError::invalid_response(
                format!("the registry sent an invalid Docker-Content-Digest {h:?}: {e}"),
                response,
                url,
            )
        })?),
        None => None,
    };
    let digest = match reference {
        ManifestRef::Digest(d) => {
            verify(
                &format!("the manifest fetched by digest from {url}"),
                d,
                &bytes,
            )?;
            d.clone()
        }
        ManifestRef::Tag(_) => match announced {
            Some(d) => {
                verify(&format!("the manifest from {url}"), &d, &bytes)?;
                d
            }
            None => indexsmith::digest::sha256(&bytes),
        },
    };
    let info = parse_manifest(&bytes, content_type.as_deref()).map_err(|e| {
        if bytes.iter().take(64).any(|&b| b == b'<') && indexsmith::json::parse_value(&bytes).is_err() {
            RegistryError::new(ErrorKind::NotARegistry, format!("{url} answered with something that is not JSON: this address is not an OCI registry API")).with_status(200).with_url(url)
        } else {
            RegistryError::invalid_response(format!("the manifest from {url} cannot be read: {e}"), response, url)
        }
    })?;
    let mut info = info;
    if info.media_type.is_empty() {
        info.media_type = content_type.unwrap_or_else(|| media_type::OCI_MANIFEST.to_owned());
    }
    Ok((
        Manifest {
            digest,
            media_type: info.media_type.clone(),
            bytes,
        },
        info,
    ))
}

/// Checks a manifest PUT answer: 201, and a returned `Docker-Content-Digest` equal to ours.
pub(crate) fn check_manifest_put(
    response: &Response,
    local: &Digest,
    url: &str,
) -> Result<(), RegistryError> {
    if response.status != 201 && response.status != 200 {
        return Err(RegistryError::from_response(
            response,
            Action::PushManifest,
            url,
        ));
    }
    if let Some(returned) = response.header("docker-content-digest") {
        if returned.trim() != local.to_string() {
            return Err(RegistryError::digest_mismatch(
                &format!("the manifest pushed to {url}, as stored by the registry,"),
                &local.to_string(),
                returned.trim(),
            )
            .with_status(response.status));
        }
    }
    Ok(())
}
