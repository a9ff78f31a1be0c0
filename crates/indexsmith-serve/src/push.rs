//! Pushing blobs and manifests with the distribution API (distribution-spec "Push"):
//! `POST /v2/<name>/blobs/uploads/` then `PUT <location>?digest=<digest>`, cross-repository
//! mounts with `?mount=<digest>&from=<repo>`, and `PUT /v2/<name>/manifests/<reference>` with the
//! manifest's media type as `Content-Type`.

use indexsmith::media_type::MANIFEST_TYPES;
use indexsmith::Digest;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Client, Method, StatusCode};
use url::Url;

use crate::sample::Blob;

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("{method} {url}: {source}")]
    Http {
        method: Method,
        url: String,
        source: reqwest::Error,
    },
    #[error("{method} {url} answered {status}: {body}")]
    Status {
        method: Method,
        url: String,
        status: StatusCode,
        body: String,
    },
    #[error("{method} {url}: {problem}")]
    Protocol {
        method: Method,
        url: String,
        problem: String,
    },
}

/// How a blob got into a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobOutcome {
    /// It was there already.
    Exists,
    /// Uploaded.
    Uploaded,
    /// Mounted from another repository.
    Mounted,
}

/// A client of one registry.
#[derive(Debug, Clone)]
pub struct Pusher {
    client: Client,
    base: Url,
}

/// The `Accept` header for manifests: every manifest type, OCI first.
pub fn accept_manifests() -> String {
    MANIFEST_TYPES.join(", ")
}

impl Pusher {
    /// A pusher to the registry at `base` (`http://127.0.0.1:5000/`).
    pub fn new(client: Client, base: Url) -> Pusher {
        Pusher { client, base }
    }

    fn url(&self, path: &str) -> Result<Url, PushError> {
        self.base.join(path).map_err(|e| PushError::Protocol {
            method: Method::GET,
            url: path.to_string(),
            problem: format!("invalid URL: {e}"),
        })
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, PushError> {
        build(self.client.request(method.clone(), url.clone()))
            .send()
            .await
            .map_err(|source| PushError::Http {
                method,
                url: url.to_string(),
                source,
            })
    }

    async fn expect(
        response: reqwest::Response,
        method: Method,
        expected: &[StatusCode],
    ) -> Result<reqwest::Response, PushError> {
        if expected.contains(&response.status()) {
            return Ok(response);
        }
        let url = response.url().to_string();
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        Err(PushError::Status {
            method,
            url,
            status,
            body,
        })
    }

    /// Whether the repository has the blob.
    pub async fn has_blob(&self, repository: &str, digest: &Digest) -> Result<bool, PushError> {
        let url = self.url(&format!("v2/{repository}/blobs/{digest}"))?;
        let response = self.send(Method::HEAD, url, |b| b).await?;
        match response.status() {
            StatusCode::OK => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Self::expect(response, Method::HEAD, &[])
                .await
                .map(|_| false),
        }
    }

    /// The upload location of a `202 Accepted`, resolved against the request.
    fn location(response: &reqwest::Response, method: Method) -> Result<Url, PushError> {
        let problem = |p: &str| PushError::Protocol {
            method: method.clone(),
            url: response.url().to_string(),
            problem: p.to_string(),
        };
        let location = response
            .headers()
            .get(LOCATION)
            .ok_or_else(|| problem("no Location header"))?;
        let location = location
            .to_str()
            .map_err(|_| problem("Location is not text"))?;
        response
            .url()
            .join(location)
            .map_err(|_| problem("Location is not a URL"))
    }

    /// Completes an upload at `location` with the whole blob in one `PUT`.
    async fn put_blob(&self, mut location: Url, blob: &Blob) -> Result<(), PushError> {
        location
            .query_pairs_mut()
            .append_pair("digest", &blob.digest.to_string());
        let bytes = blob.bytes.clone();
        let response = self
            .send(Method::PUT, location, |b| {
                b.header(CONTENT_TYPE, "application/octet-stream")
                    .header(CONTENT_LENGTH, bytes.len())
                    .body(bytes)
            })
            .await?;
        Self::expect(response, Method::PUT, &[StatusCode::CREATED])
            .await
            .map(|_| ())
    }

    /// Uploads a blob unless the repository has it.
    pub async fn push_blob(&self, repository: &str, blob: &Blob) -> Result<BlobOutcome, PushError> {
        if self.has_blob(repository, &blob.digest).await? {
            return Ok(BlobOutcome::Exists);
        }
        let url = self.url(&format!("v2/{repository}/blobs/uploads/"))?;
        let response = self
            .send(Method::POST, url, |b| b.header(CONTENT_LENGTH, 0))
            .await?;
        let response = Self::expect(response, Method::POST, &[StatusCode::ACCEPTED]).await?;
        let location = Self::location(&response, Method::POST)?;
        self.put_blob(location, blob).await?;
        Ok(BlobOutcome::Uploaded)
    }

    /// Mounts a blob from another repository of the same registry; uploads it when the
    /// registry does not mount (`202`).
    pub async fn mount_blob(
        &self,
        repository: &str,
        from: &str,
        blob: &Blob,
    ) -> Result<BlobOutcome, PushError> {
        if self.has_blob(repository, &blob.digest).await? {
            return Ok(BlobOutcome::Exists);
        }
        let mut url = self.url(&format!("v2/{repository}/blobs/uploads/"))?;
        url.query_pairs_mut()
            .append_pair("mount", &blob.digest.to_string())
            .append_pair("from", from);
        let response = self
            .send(Method::POST, url, |b| b.header(CONTENT_LENGTH, 0))
            .await?;
        let response = Self::expect(
            response,
            Method::POST,
            &[StatusCode::CREATED, StatusCode::ACCEPTED],
        )
        .await?;
        if response.status() == StatusCode::CREATED {
            return Ok(BlobOutcome::Mounted);
        }
        let location = Self::location(&response, Method::POST)?;
        self.put_blob(location, blob).await?;
        Ok(BlobOutcome::Uploaded)
    }

    /// Puts a manifest under a tag or its digest; checks the digest the registry computed.
    pub async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        manifest: &Blob,
    ) -> Result<(), PushError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}"))?;
        let bytes = manifest.bytes.clone();
        let media_type = manifest.media_type;
        let response = self
            .send(Method::PUT, url, |b| {
                b.header(CONTENT_TYPE, media_type).body(bytes)
            })
            .await?;
        let response = Self::expect(response, Method::PUT, &[StatusCode::CREATED]).await?;
        let returned = response
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok());
        if returned != Some(manifest.digest.to_string().as_str()) {
            return Err(PushError::Protocol {
                method: Method::PUT,
                url: response.url().to_string(),
                problem: format!(
                    "the registry computed digest {returned:?}, expected {}",
                    manifest.digest
                ),
            });
        }
        Ok(())
    }

    /// Gets a manifest's bytes and media type.
    pub async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<(String, Vec<u8>), PushError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}"))?;
        let response = self
            .send(Method::GET, url.clone(), |b| {
                b.header(ACCEPT, accept_manifests())
            })
            .await?;
        let response = Self::expect(response, Method::GET, &[StatusCode::OK]).await?;
        let media_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = response.bytes().await.map_err(|source| PushError::Http {
            method: Method::GET,
            url: url.to_string(),
            source,
        })?;
        Ok((media_type, bytes.to_vec()))
    }
}
