//! Blob uploads: mount or copy a missing blob, stream it in chunks or whole, close or cancel the
//! upload session.

use super::*;

impl Transfer {
    /// Queues a `DELETE` of every upload session opened and not closed: those streaming and those
    /// waiting for a stream slot.
    pub(super) fn cancel_uploads(&mut self) {
        let mut open: Vec<String> = self
            .blobs
            .iter()
            .filter(|b| !b.done)
            .filter_map(|b| b.location.clone())
            .collect();
        open.extend(self.waiting_copies.drain(..).map(|(_, location)| location));
        for location in open {
            let call = Call::new(
                Action::UploadBlob,
                Method::Delete,
                location,
                self.target.api_host(),
                self.target_scope(),
            );
            self.engine.submit(Tag::BlobCancel, call);
            self.cancelling += 1;
        }
    }

    pub(super) fn unhashed(&self, b: usize) -> RegistryError {
        RegistryError::new(
            ErrorKind::InvalidInput,
            format!("the driver sent bytes of blob {} without passing them through handle_stream_data, so they were not verified", self.blobs[b].digest),
        )
    }

    pub(super) fn blob_missing(
        &mut self,
        session: &Session,
        b: usize,
    ) -> Result<(), RegistryError> {
        let Some(source) = self.blobs[b].source.clone() else {
            let mut e = RegistryError::new(
                ErrorKind::Registry(ErrorCode::BlobUnknown),
                format!("blob {} is not in {} and no source repository was given; give a source repository to mount or copy from", self.blobs[b].digest, self.target),
            );
            e.status = Some(404);
            return Err(e);
        };
        let mountable = source.same_registry(&self.target) && source != self.target;
        if self.dry_run {
            self.blobs[b].decision = Some(if mountable {
                BlobAction::Mount { from: source }
            } else {
                BlobAction::Copy { from: source }
            });
            self.blob_done(session, b);
            return Ok(());
        }
        if mountable {
            self.blobs[b].decision = Some(BlobAction::Mount {
                from: source.clone(),
            });
            self.engine.submit(
                Tag::BlobMount(b),
                blob_mount(session, &self.target, &self.blobs[b].digest, &source),
            );
        } else {
            self.blobs[b].decision = Some(BlobAction::Copy { from: source });
            let mut call = crate::ops::endpoints::upload_start(session, &self.target);
            call.scopes = self.target_scope();
            self.engine.submit(Tag::BlobStart(b), call);
        }
        Ok(())
    }

    /// Starts a blob copy into the upload session at `location`, or queues it until fewer than
    /// `max_streams` copies are streaming.
    pub(super) fn begin_copy(
        &mut self,
        session: &Session,
        b: usize,
        location: String,
    ) -> Result<(), RegistryError> {
        if self.blobs[b].size > 0 {
            if self.active_copies >= self.max_streams {
                self.waiting_copies.push_back((b, location));
                return Ok(());
            }
            self.active_copies += 1;
        }
        let blob = &mut self.blobs[b];
        blob.location = Some(location);
        blob.decision = Some(BlobAction::Copy {
            from: blob.source.clone().unwrap_or_else(|| self.target.clone()),
        });
        blob.hasher = Hasher::new(blob.digest.algorithm());
        if blob.hasher.is_none() {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "blob {} uses a digest algorithm this client cannot verify",
                    blob.digest
                ),
            ));
        }
        if blob.size == 0 {
            verify("an empty blob", &blob.digest.clone(), b"")?;
            blob.verified = true;
            self.close_upload(session, b, Body::Empty);
            return Ok(());
        }
        let Some(source) = blob.source.clone() else {
            return Ok(());
        };
        let call = blob_get(session, &source, &blob.digest).stream_response();
        self.engine.submit(Tag::BlobGet(b), call);
        Ok(())
    }

    pub(super) fn upload_call(&self, method: Method, url: String, body: Body) -> Call {
        Call::new(
            Action::UploadBlob,
            method,
            url,
            self.target.api_host(),
            self.target_scope(),
        )
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", body.len().to_string())
        .body(body)
    }

    /// The body for bytes `offset..offset+len` of blob `b`.
    pub(super) fn chunk_body(&self, b: usize, offset: u64, len: u64) -> Body {
        let blob = &self.blobs[b];
        match (&blob.held, blob.stream) {
            (Some(bytes), _) => {
                Body::Bytes(bytes[offset as usize..(offset + len) as usize].to_vec())
            }
            (None, Some(source)) => Body::Stream {
                source,
                offset,
                len,
            },
            (None, None) => Body::Empty,
        }
    }

    pub(super) fn send_next_chunk(&mut self, session: &Session, b: usize) {
        let _ = session;
        let (size, sent) = (self.blobs[b].size, self.blobs[b].sent);
        let Some(location) = self.blobs[b].location.clone() else {
            return;
        };
        if size <= self.chunk_size {
            // Monolithic: one PUT with the whole blob.
            let body = self.chunk_body(b, 0, size);
            let url = append_query(&location, &[("digest", &self.blobs[b].digest.to_string())]);
            let call = self.upload_call(Method::Put, url, body);
            self.engine.submit(Tag::BlobPut(b), call);
            return;
        }
        // A streaming driver sends the rest of the blob in one request, holding one network read.
        let range = if self.stream_uploads {
            size
        } else {
            self.chunk_size
        };
        let len = range.min(size - sent);
        let body = self.chunk_body(b, sent, len);
        let call = self
            .upload_call(Method::Patch, location, body)
            .header("Content-Range", format!("{}-{}", sent, sent + len - 1));
        self.engine.submit(Tag::BlobChunk(b, sent + len), call);
    }

    pub(super) fn close_upload(&mut self, session: &Session, b: usize, body: Body) {
        let _ = session;
        let Some(location) = self.blobs[b].location.clone() else {
            return;
        };
        let url = append_query(&location, &[("digest", &self.blobs[b].digest.to_string())]);
        let call = self.upload_call(Method::Put, url, body);
        self.engine.submit(Tag::BlobPut(b), call);
    }
}
