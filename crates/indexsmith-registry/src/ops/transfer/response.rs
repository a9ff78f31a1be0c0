//! Answers from the registries, step by step: what each one means for its node or blob.

use super::*;

impl Transfer {
    pub(super) fn location(&self, response: &Response, url: &str) -> Result<String, RegistryError> {
        response
            .header("location")
            .and_then(|l| resolve_url(url, l))
            .ok_or_else(|| {
                RegistryError::invalid_response(
                    format!(
                        "the registry answered {} without a Location for the upload",
                        response.status
                    ),
                    response,
                    url,
                )
            })
    }

    pub(super) fn on_response(
        &mut self,
        session: &Session,
        tag: Tag,
        request: RequestId,
        url: &str,
        response: Response,
    ) -> Result<(), RegistryError> {
        match tag {
            Tag::SourceRoot => {
                let reference = self
                    .source_root
                    .clone()
                    .unwrap_or(ManifestRef::Tag(String::new()));
                let m = check_manifest(&response, &reference, url)?;
                self.events.push(Event::ManifestFetched {
                    digest: m.digest.clone(),
                    media_type: m.media_type.clone(),
                });
                self.add_root(session, m.digest, m.media_type, m.bytes);
            }
            Tag::NodeHead(n) => match response.status {
                200 => {
                    self.nodes[n].present = true;
                    self.events.push(Event::ManifestPresent {
                        digest: self.nodes[n].digest.clone(),
                    });
                    if n == 0 {
                        // The registry holds the root and therefore everything under it.
                        match (&self.tag, self.dry_run) {
                            (Some(_), false) => self.node_ready(session, 0),
                            _ => self.node_done(session, 0),
                        }
                    } else {
                        self.report.manifests_present += 1;
                        self.node_done(session, n);
                    }
                }
                404 => {
                    if self.nodes[n].bytes.is_some() {
                        self.expand(session, n);
                    } else {
                        self.look_in_next_source(session, n)?;
                    }
                }
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::HeadManifest,
                        url,
                    ))
                }
            },
            Tag::NodeGet(n) => {
                if response.status != 200 {
                    let e = RegistryError::from_response(&response, Action::FetchManifest, url);
                    let not_here = response.status == 404
                        || matches!(
                            e.kind,
                            ErrorKind::Registry(
                                ErrorCode::ManifestUnknown | ErrorCode::NameUnknown
                            )
                        );
                    if !not_here {
                        return Err(e);
                    }
                    self.nodes[n].tried += 1;
                    return self.look_in_next_source(session, n);
                }
                let m = check_manifest(
                    &response,
                    &ManifestRef::Digest(self.nodes[n].digest.clone()),
                    url,
                )?;
                self.events.push(Event::ManifestFetched {
                    digest: m.digest.clone(),
                    media_type: m.media_type.clone(),
                });
                let node = &mut self.nodes[n];
                node.source = node.candidates.get(node.tried).cloned();
                node.media_type = m.media_type;
                node.bytes = Some(m.bytes);
                self.expand(session, n);
            }
            Tag::NodePut(n) => {
                check_manifest_put(&response, &self.nodes[n].digest, url)?;
                self.report.manifests_pushed += 1;
                let tag = if n == 0 { self.tag.clone() } else { None };
                self.events.push(Event::ManifestPushed {
                    digest: self.nodes[n].digest.clone(),
                    tag,
                });
                self.node_done(session, n);
            }
            Tag::BlobHead(b) => match response.status {
                200 => {
                    self.blobs[b].decision = Some(BlobAction::Present);
                    self.report.blobs_present += 1;
                    self.events.push(Event::BlobPresent {
                        digest: self.blobs[b].digest.clone(),
                        size: self.blobs[b].size,
                    });
                    self.blob_done(session, b);
                }
                404 => self.blob_missing(session, b)?,
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::HeadBlob,
                        url,
                    ))
                }
            },
            Tag::BlobMount(b) => match response.status {
                201 => {
                    let from = self.blobs[b]
                        .source
                        .clone()
                        .unwrap_or_else(|| self.target.clone());
                    self.report.blobs_mounted += 1;
                    self.events.push(Event::BlobMounted {
                        digest: self.blobs[b].digest.clone(),
                        size: self.blobs[b].size,
                        from,
                    });
                    self.blob_done(session, b);
                }
                202 => {
                    let location = self.location(&response, url)?;
                    self.begin_copy(session, b, location)?;
                }
                _ => {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::MountBlob,
                        url,
                    ))
                }
            },
            Tag::BlobStart(b) => {
                if response.status != 202 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                let location = self.location(&response, url)?;
                self.begin_copy(session, b, location)?;
            }
            Tag::BlobGet(b) => {
                if response.status != 200 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::FetchBlob,
                        url,
                    ));
                }
                if let Some(len) = response
                    .header("content-length")
                    .and_then(|l| l.trim().parse::<u64>().ok())
                {
                    if len != self.blobs[b].size {
                        return Err(RegistryError::invalid_response(
                            format!(
                                "blob {} is {len} bytes at the source, but its descriptor says {}",
                                self.blobs[b].digest, self.blobs[b].size
                            ),
                            &response,
                            url,
                        ));
                    }
                }
                match response.body {
                    Body::Held => {
                        self.blobs[b].stream = Some(request);
                        self.streams.insert(request, b);
                    }
                    Body::Bytes(bytes) => {
                        if bytes.len() as u64 != self.blobs[b].size {
                            return Err(RegistryError::new(
                                ErrorKind::InvalidResponse,
                                format!(
                                    "blob {} arrived with {} bytes, its descriptor says {}",
                                    self.blobs[b].digest,
                                    bytes.len(),
                                    self.blobs[b].size
                                ),
                            ));
                        }
                        verify(&format!("blob from {url}"), &self.blobs[b].digest, &bytes)?;
                        self.blobs[b].hashed = bytes.len() as u64;
                        self.blobs[b].verified = true;
                        self.blobs[b].held = Some(bytes);
                    }
                    _ => {
                        return Err(RegistryError::new(
                            ErrorKind::InvalidResponse,
                            format!("blob {} arrived without a body", self.blobs[b].digest),
                        ))
                    }
                }
                self.send_next_chunk(session, b);
            }
            Tag::BlobChunk(b, end) => {
                if response.status != 202 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                if self.blobs[b].hashed < end {
                    return Err(self.unhashed(b));
                }
                if let Some(range) = response.header("range") {
                    let last = range
                        .trim()
                        .trim_start_matches("bytes=")
                        .split_once('-')
                        .and_then(|(_, e)| e.trim().parse::<u64>().ok());
                    if last.is_some_and(|l| l + 1 != end) {
                        return Err(RegistryError::invalid_response(
                            format!(
                                "the registry holds bytes up to {range}, expected 0-{}",
                                end - 1
                            ),
                            &response,
                            url,
                        ));
                    }
                }
                self.blobs[b].sent = end;
                self.blobs[b].location = Some(self.location(&response, url)?);
                self.events.push(Event::BlobProgress {
                    digest: self.blobs[b].digest.clone(),
                    sent: end,
                    total: self.blobs[b].size,
                });
                if end >= self.blobs[b].size {
                    if !self.blobs[b].verified {
                        return Err(self.unhashed(b));
                    }
                    self.close_upload(session, b, Body::Empty);
                } else {
                    self.send_next_chunk(session, b);
                }
            }
            // Answered after the transfer failed; never processed.
            Tag::BlobCancel => {}
            Tag::BlobPut(b) => {
                if response.status != 201 {
                    return Err(RegistryError::from_response(
                        &response,
                        Action::UploadBlob,
                        url,
                    ));
                }
                if !self.blobs[b].verified {
                    return Err(self.unhashed(b));
                }
                if let Some(returned) = response.header("docker-content-digest") {
                    if returned.trim() != self.blobs[b].digest.to_string() {
                        return Err(RegistryError::digest_mismatch(
                            "the uploaded blob, as stored by the registry,",
                            &self.blobs[b].digest.to_string(),
                            returned.trim(),
                        ));
                    }
                }
                let size = self.blobs[b].size;
                self.report.blobs_uploaded += 1;
                self.report.bytes_uploaded += size;
                if size > 0 && self.blobs[b].sent < size {
                    self.events.push(Event::BlobProgress {
                        digest: self.blobs[b].digest.clone(),
                        sent: size,
                        total: size,
                    });
                }
                self.events.push(Event::BlobUploaded {
                    digest: self.blobs[b].digest.clone(),
                    size,
                });
                self.blob_done(session, b);
                if size > 0 {
                    self.active_copies -= 1;
                    if let Some((next, location)) = self.waiting_copies.pop_front() {
                        self.begin_copy(session, next, location)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Child `n` is missing from the target: `GET` it by digest from the next candidate
    /// repository, or fail naming every repository that did not have it.
    pub(super) fn look_in_next_source(
        &mut self,
        session: &Session,
        n: usize,
    ) -> Result<(), RegistryError> {
        let node = &self.nodes[n];
        if let Some(source) = node.candidates.get(node.tried) {
            let call = manifest_get(
                session,
                source,
                &ManifestRef::Digest(node.digest.clone()),
                Method::Get,
            );
            self.engine.submit(Tag::NodeGet(n), call);
            return Ok(());
        }
        let message = if node.candidates.is_empty() {
            format!("child manifest {} is not in {}: push children first or give a source repository to mount from", node.digest, self.target)
        } else {
            let tried: Vec<String> = node.candidates.iter().map(ToString::to_string).collect();
            format!("child manifest {} is not in {} nor in any source repository (tried {}): add the repository that holds it to the sources", node.digest, self.target, tried.join(", "))
        };
        let mut e = RegistryError::new(ErrorKind::Registry(ErrorCode::ManifestUnknown), message);
        e.status = Some(404);
        Err(e)
    }
}
