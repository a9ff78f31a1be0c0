//! Blob bytes streamed from a source into an upload: counted, hashed (here or by the driver) and
//! verified against the blob's digest before the upload is closed.

use super::*;

impl Transfer {
    /// The blob streamed from `source`, with `len` more bytes counted, hashed by the driver or
    /// not: refuses bytes after the end, after the operation finished, and a change of hasher.
    fn streamed_blob(
        &mut self,
        source: RequestId,
        len: u64,
        by_driver: bool,
    ) -> Result<usize, RegistryError> {
        if self.finished {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                "the operation has already finished; do not send this request",
            ));
        }
        let Some(&b) = self.streams.get(&source) else {
            return Err(RegistryError::new(
                ErrorKind::InvalidInput,
                format!("no blob is being streamed from request {source}"),
            ));
        };
        let blob = &mut self.blobs[b];
        let e = if blob.hashed > 0 && blob.hashed_by_driver != by_driver {
            RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the driver changed how it hashes blob {} in the middle of its bytes",
                    blob.digest
                ),
            )
        } else if blob.hashed + len > blob.size {
            RegistryError::new(
                ErrorKind::InvalidResponse,
                format!(
                    "the source sent more than the {} bytes of blob {}",
                    blob.size, blob.digest
                ),
            )
        } else {
            blob.hashed_by_driver = by_driver;
            blob.hashed += len;
            return Ok(b);
        };
        self.fail(e.clone());
        Err(e)
    }

    /// `len` more bytes of a blob the driver hashes itself: true when they were the last.
    pub(super) fn count_streamed(
        &mut self,
        source: RequestId,
        len: u64,
    ) -> Result<bool, RegistryError> {
        let b = self.streamed_blob(source, len, true)?;
        Ok(self.blobs[b].hashed == self.blobs[b].size)
    }

    /// The digest the driver computed over a streamed blob: it must be the blob's, after all of
    /// its bytes.
    pub(super) fn check_streamed_digest(
        &mut self,
        source: RequestId,
        digest: &str,
    ) -> Result<(), RegistryError> {
        let b = self.streamed_blob(source, 0, true)?;
        let blob = &mut self.blobs[b];
        let e = if blob.hashed != blob.size {
            RegistryError::new(
                ErrorKind::InvalidInput,
                format!(
                    "the driver gave the digest of blob {} after {} of its {} bytes",
                    blob.digest, blob.hashed, blob.size
                ),
            )
        } else if digest != blob.digest.to_string() {
            RegistryError::digest_mismatch(
                &format!("blob {} as streamed from the source", blob.digest),
                &blob.digest.to_string(),
                digest,
            )
        } else {
            blob.verified = true;
            return Ok(());
        };
        self.fail(e.clone());
        Err(e)
    }

    /// Bytes of a streamed blob, hashed here; after the last, the digest must be the blob's.
    pub(super) fn hash_streamed(
        &mut self,
        source: RequestId,
        bytes: &[u8],
    ) -> Result<(), RegistryError> {
        let b = self.streamed_blob(source, bytes.len() as u64, false)?;
        let blob = &mut self.blobs[b];
        if let Some(h) = blob.hasher.as_mut() {
            h.update(bytes);
        }
        if blob.hashed == blob.size {
            let actual = blob.hasher.take().map(Hasher::finish).unwrap_or_default();
            if actual != blob.digest.to_string() {
                let e = RegistryError::digest_mismatch(
                    &format!("blob {} as streamed from the source", blob.digest),
                    &blob.digest.to_string(),
                    &actual,
                );
                self.fail(e.clone());
                return Err(e);
            }
            blob.verified = true;
        }
        Ok(())
    }
}
