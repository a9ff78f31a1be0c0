//! Content digests: `algorithm ":" encoded`, as the OCI image-spec defines them.
//!
//! Grammar (image-spec `descriptor.md`):
//!
//! ```text
//! digest                ::= algorithm ":" encoded
//! algorithm             ::= algorithm-component (algorithm-separator algorithm-component)*
//! algorithm-component   ::= [a-z0-9]+
//! algorithm-separator   ::= [+._-]
//! encoded               ::= [a-zA-Z0-9=_-]+
//! ```
//!
//! The registered algorithms `sha256`, `sha384` and `sha512` additionally require lowercase hex of
//! exactly 64, 96 and 128 characters. Other algorithms that fit the grammar parse, and
//! [`Algorithm::is_registered`] tells callers to warn.
//!
//! Digests are always computed over exact bytes; nothing here re-serializes JSON.

use std::fmt;
use std::str::FromStr;

/// A digest algorithm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
    /// Fits the grammar, not registered.
    Other(String),
}

impl Algorithm {
    pub fn as_str(&self) -> &str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
            Algorithm::Other(s) => s,
        }
    }

    /// Length of the hex-encoded part for registered algorithms.
    pub fn encoded_len(&self) -> Option<usize> {
        match self {
            Algorithm::Sha256 => Some(64),
            Algorithm::Sha384 => Some(96),
            Algorithm::Sha512 => Some(128),
            Algorithm::Other(_) => None,
        }
    }

    pub fn is_registered(&self) -> bool {
        !matches!(self, Algorithm::Other(_))
    }

    fn from_name(name: &str) -> Algorithm {
        match name {
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            other => Algorithm::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a digest string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseDigestError {
    #[error("digest is empty")]
    Empty,
    #[error("digest has no ':' between algorithm and encoded part")]
    MissingSeparator,
    #[error("digest algorithm {0:?} does not match [a-z0-9]+([+._-][a-z0-9]+)*")]
    InvalidAlgorithm(String),
    #[error("digest encoded part {0:?} does not match [a-zA-Z0-9=_-]+")]
    InvalidEncoded(String),
    #[error("{algorithm} digest needs {expected} hex characters, found {found}")]
    WrongLength {
        algorithm: &'static str,
        expected: usize,
        found: usize,
    },
    #[error("{algorithm} digest must be lowercase hex")]
    NotLowercaseHex { algorithm: &'static str },
}

impl ParseDigestError {
    /// True for the errors specific to registered algorithms (the string fits the general grammar).
    pub fn is_encoding_error(&self) -> bool {
        matches!(
            self,
            ParseDigestError::WrongLength { .. } | ParseDigestError::NotLowercaseHex { .. }
        )
    }
}

/// A parsed, grammatical digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: Algorithm,
    encoded: String,
}

impl Digest {
    pub fn algorithm(&self) -> &Algorithm {
        &self.algorithm
    }

    /// The part after the colon.
    pub fn encoded(&self) -> &str {
        &self.encoded
    }

    /// True when `bytes` hash to this digest. Unregistered algorithms cannot be verified: `None`.
    pub fn verify(&self, bytes: &[u8]) -> Option<bool> {
        let computed = match self.algorithm {
            Algorithm::Sha256 => sha256(bytes),
            Algorithm::Sha384 => sha384(bytes),
            Algorithm::Sha512 => sha512(bytes),
            Algorithm::Other(_) => return None,
        };
        Some(computed == *self)
    }

    fn from_hex(algorithm: Algorithm, hash: &[u8]) -> Digest {
        Digest {
            algorithm,
            encoded: hex(hash),
        }
    }
}

fn is_algorithm_component_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn valid_algorithm(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() || !is_algorithm_component_char(bytes[0]) {
        return false;
    }
    let mut previous_separator = false;
    for &b in &bytes[1..] {
        if matches!(b, b'+' | b'.' | b'_' | b'-') {
            if previous_separator {
                return false;
            }
            previous_separator = true;
        } else if is_algorithm_component_char(b) {
            previous_separator = false;
        } else {
            return false;
        }
    }
    !previous_separator
}

/// Byte classes of the encoded part, as a table: every descriptor's digest is checked.
const ENCODED: u8 = 1;
const LOWER_HEX: u8 = 2;
static ENCODED_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'=' || b == b'_' || b == b'-' {
            t[c] |= ENCODED;
        }
        if b.is_ascii_digit() || (b >= b'a' && b <= b'f') {
            t[c] |= LOWER_HEX;
        }
        c += 1;
    }
    t
};

/// True when every byte of `s` is in `class` (and there is at least one).
fn all_in(s: &str, class: u8) -> bool {
    // Folding the classes of all bytes avoids a branch per byte.
    !s.is_empty()
        && s.bytes()
            .fold(class, |acc, b| acc & ENCODED_CLASS[b as usize])
            == class
}

fn valid_encoded(s: &str) -> bool {
    all_in(s, ENCODED)
}

impl FromStr for Digest {
    type Err = ParseDigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (algorithm, encoded) = parse_parts(s)?;
        Ok(Digest {
            algorithm,
            encoded: encoded.to_owned(),
        })
    }
}

/// Checks `s` as a digest and splits it into its algorithm and encoded part, without copying
/// the encoded part (validation checks one digest per descriptor).
pub(crate) fn parse_parts(s: &str) -> Result<(Algorithm, &str), ParseDigestError> {
    if s.is_empty() {
        return Err(ParseDigestError::Empty);
    }
    // The separator comes early (after "sha256"): a plain scan beats a general search.
    let colon = s
        .bytes()
        .position(|b| b == b':')
        .ok_or(ParseDigestError::MissingSeparator)?;
    let (algorithm, encoded) = (&s[..colon], &s[colon + 1..]);
    if !valid_algorithm(algorithm) {
        return Err(ParseDigestError::InvalidAlgorithm(algorithm.to_owned()));
    }
    let algorithm = Algorithm::from_name(algorithm);
    // Lowercase hex is a subset of the encoded grammar: registered digests, nearly all of
    // them, take one pass over the hex, and the grammar is checked only to name an error.
    let lower_hex = algorithm.is_registered() && all_in(encoded, LOWER_HEX);
    if !lower_hex && !valid_encoded(encoded) {
        return Err(ParseDigestError::InvalidEncoded(encoded.to_owned()));
    }
    if let Some(expected) = algorithm.encoded_len() {
        let name = match algorithm {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            _ => "sha512",
        };
        if !lower_hex {
            return Err(ParseDigestError::NotLowercaseHex { algorithm: name });
        }
        if encoded.len() != expected {
            return Err(ParseDigestError::WrongLength {
                algorithm: name,
                expected,
                found: encoded.len(),
            });
        }
    }
    Ok((algorithm, encoded))
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm, self.encoded)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// The bytes a hasher is fed at a time. WebAssembly engines run a function's first calls in
/// baseline code and swap in optimized code only from a later call on (V8: Liftoff, then
/// TurboFan; no replacement mid-call): fed the whole document at once, the block function runs
/// every block of it in baseline code, about 5× slower (3.3 MB: 170 ms instead of 35 ms in
/// Chromium). In slices, the optimized code takes over after the first few.
const HASH_SLICE: usize = 16 * 1024;

/// `bytes` through a fresh hasher, [`HASH_SLICE`] bytes a call.
fn hash_in_slices<D: sha2::Digest>(bytes: &[u8]) -> Vec<u8> {
    let mut hasher = D::new();
    for slice in bytes.chunks(HASH_SLICE) {
        hasher.update(slice);
    }
    hasher.finalize().to_vec()
}

/// SHA-256 of the exact bytes.
pub fn sha256(bytes: &[u8]) -> Digest {
    Digest::from_hex(Algorithm::Sha256, &hash_in_slices::<sha2::Sha256>(bytes))
}

/// SHA-384 of the exact bytes.
pub fn sha384(bytes: &[u8]) -> Digest {
    Digest::from_hex(Algorithm::Sha384, &hash_in_slices::<sha2::Sha384>(bytes))
}

/// SHA-512 of the exact bytes.
pub fn sha512(bytes: &[u8]) -> Digest {
    Digest::from_hex(Algorithm::Sha512, &hash_in_slices::<sha2::Sha512>(bytes))
}

/// The digest of `bytes` with a registered algorithm; `None` for unregistered ones.
pub fn compute(algorithm: &Algorithm, bytes: &[u8]) -> Option<Digest> {
    match algorithm {
        Algorithm::Sha256 => Some(sha256(bytes)),
        Algorithm::Sha384 => Some(sha384(bytes)),
        Algorithm::Sha512 => Some(sha512(bytes)),
        Algorithm::Other(_) => None,
    }
}

/// The digest of the empty JSON object `{}`: the OCI empty descriptor's digest.
pub const EMPTY_JSON_SHA256: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEX64: &str = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    #[test]
    fn hashing_in_slices_gives_the_one_shot_digest() {
        use sha2::Digest as _;
        for len in [
            0,
            1,
            HASH_SLICE - 1,
            HASH_SLICE,
            HASH_SLICE + 1,
            5 * HASH_SLICE + 17,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let cases = [
                (sha256(&bytes), hex(&sha2::Sha256::digest(&bytes))),
                (sha384(&bytes), hex(&sha2::Sha384::digest(&bytes))),
                (sha512(&bytes), hex(&sha2::Sha512::digest(&bytes))),
            ];
            for (digest, one_shot) in cases {
                assert_eq!(
                    digest.encoded(),
                    one_shot,
                    "{} of {len} bytes",
                    digest.algorithm()
                );
            }
        }
    }

    #[test]
    fn parse_accepts() {
        let cases: &[(&str, &str, bool)] = &[
            ("sha256", &format!("sha256:{HEX64}"), true),
            ("sha512", &format!("sha512:{}", "a".repeat(128)), true),
            ("sha384", &format!("sha384:{}", "0".repeat(96)), true),
            (
                "unregistered multihash",
                "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
                false,
            ),
            (
                "unregistered with separators",
                "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
                false,
            ),
            ("unregistered dotted", "a.b-c_d:XYZ=", false),
        ];
        for (name, input, registered) in cases {
            let d: Digest = input.parse().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(d.algorithm().is_registered(), *registered, "{name}");
            assert_eq!(d.to_string(), *input, "{name}: round trip");
        }
    }

    #[test]
    fn parse_rejects() {
        use ParseDigestError::*;
        let cases: &[(&str, &str, ParseDigestError)] = &[
            ("empty", "", Empty),
            ("no colon", HEX64, MissingSeparator),
            ("empty algorithm", ":abc", InvalidAlgorithm(String::new())),
            (
                "uppercase algorithm",
                "SHA256:abc",
                InvalidAlgorithm("SHA256".into()),
            ),
            (
                "leading separator",
                "+sha:abc",
                InvalidAlgorithm("+sha".into()),
            ),
            (
                "double separator",
                "sha..x:abc",
                InvalidAlgorithm("sha..x".into()),
            ),
            (
                "trailing separator",
                "sha-:abc",
                InvalidAlgorithm("sha-".into()),
            ),
            ("empty encoded", "sha256:", InvalidEncoded(String::new())),
            (
                "bad encoded char",
                "foo:ab/c",
                InvalidEncoded("ab/c".into()),
            ),
            (
                "short sha256",
                "sha256:abc",
                WrongLength {
                    algorithm: "sha256",
                    expected: 64,
                    found: 3,
                },
            ),
            (
                "long sha512",
                &format!("sha512:{}", "a".repeat(129)),
                WrongLength {
                    algorithm: "sha512",
                    expected: 128,
                    found: 129,
                },
            ),
            (
                "uppercase hex",
                &format!("sha256:{}", HEX64.to_uppercase()),
                NotLowercaseHex {
                    algorithm: "sha256",
                },
            ),
            (
                "not hex",
                &format!("sha256:{}", "g".repeat(64)),
                NotLowercaseHex {
                    algorithm: "sha256",
                },
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(input.parse::<Digest>().as_ref(), Err(expected), "{name}");
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(sha256(b"{}").to_string(), EMPTY_JSON_SHA256);
        assert_eq!(
            sha256(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(sha512(b"abc")
            .to_string()
            .starts_with("sha512:ddaf35a193617aba"));
        assert!(sha384(b"abc")
            .to_string()
            .starts_with("sha384:cb00753f45a35e8b"));
        let d: Digest = EMPTY_JSON_SHA256.parse().unwrap();
        assert_eq!(d.verify(b"{}"), Some(true));
        assert_eq!(d.verify(b"{ }"), Some(false));
        let other: Digest = "foo:bar".parse().unwrap();
        assert_eq!(other.verify(b"{}"), None);
    }

    proptest! {
        #[test]
        fn computed_digests_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            for d in [sha256(&bytes), sha384(&bytes), sha512(&bytes)] {
                let text = d.to_string();
                let parsed: Digest = text.parse().unwrap();
                prop_assert_eq!(&parsed, &d);
                prop_assert_eq!(parsed.verify(&bytes), Some(true));
            }
        }

        #[test]
        fn grammatical_strings_round_trip(
            alg in "[a-z0-9]{1,6}([+._-][a-z0-9]{1,6}){0,2}",
            enc in "[a-zA-Z0-9=_-]{1,80}",
        ) {
            let text = format!("{alg}:{enc}");
            match text.parse::<Digest>() {
                Ok(d) => prop_assert_eq!(d.to_string(), text),
                Err(e) => prop_assert!(e.is_encoding_error(), "{text}: {e}"),
            }
        }

        #[test]
        fn whatever_parses_formats_back_identically(s in "\\PC{0,100}") {
            if let Ok(d) = s.parse::<Digest>() {
                prop_assert_eq!(d.to_string(), s);
            }
        }
    }
}
