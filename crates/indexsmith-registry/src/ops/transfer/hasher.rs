//! Hashing blob bytes as they stream through, chunk by chunk.

use indexsmith::digest::Algorithm;
use sha2::Digest as _;

/// An incremental hash of a registered digest algorithm.
pub(super) enum Hasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(super) fn new(algorithm: &Algorithm) -> Option<Hasher> {
        match algorithm {
            Algorithm::Sha256 => Some(Hasher::Sha256(sha2::Sha256::new())),
            Algorithm::Sha384 => Some(Hasher::Sha384(sha2::Sha384::new())),
            Algorithm::Sha512 => Some(Hasher::Sha512(sha2::Sha512::new())),
            Algorithm::Other(_) => None,
        }
    }

    pub(super) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// `algorithm:hex`.
    pub(super) fn finish(self) -> String {
        let (name, out): (&str, Vec<u8>) = match self {
            Hasher::Sha256(h) => ("sha256", h.finalize().to_vec()),
            Hasher::Sha384(h) => ("sha384", h.finalize().to_vec()),
            Hasher::Sha512(h) => ("sha512", h.finalize().to_vec()),
        };
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        format!("{name}:{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexsmith::digest::compute;

    #[test]
    fn chunked_hash_equals_one_shot() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algorithm in [Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512] {
            for chunk in [1, 7, 64, 1000] {
                let mut h = Hasher::new(&algorithm).unwrap();
                for part in bytes.chunks(chunk) {
                    h.update(part);
                }
                let expected = compute(&algorithm, &bytes).unwrap().to_string();
                assert_eq!(h.finish(), expected, "{algorithm} in chunks of {chunk}");
            }
        }
        assert!(Hasher::new(&Algorithm::Other("blake3".into())).is_none());
    }
}
