//! The member names the validator looks up, recognized once while parsing.
//!
//! Every key node carries the [`Name`] its decoded content spells, or none. Looking a member up
//! by name is then a comparison of two bytes instead of two strings, and so is telling whether
//! two known keys of an object repeat. Keys outside this list are compared as text.

/// A member name of the image-spec and distribution documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Name {
    MediaType = 1,
    Digest,
    Size,
    Urls,
    Annotations,
    ArtifactType,
    Data,
    Platform,
    Os,
    Architecture,
    Variant,
    OsVersion,
    OsFeatures,
    Features,
    SchemaVersion,
    Manifests,
    Config,
    Layers,
    Subject,
}

/// The id of a key that is not a [`Name`].
pub const UNNAMED: u8 = 0;

impl Name {
    pub const ALL: [Name; 19] = [
        Name::MediaType,
        Name::Digest,
        Name::Size,
        Name::Urls,
        Name::Annotations,
        Name::ArtifactType,
        Name::Data,
        Name::Platform,
        Name::Os,
        Name::Architecture,
        Name::Variant,
        Name::OsVersion,
        Name::OsFeatures,
        Name::Features,
        Name::SchemaVersion,
        Name::Manifests,
        Name::Config,
        Name::Layers,
        Name::Subject,
    ];

    /// The name of an id ([`UNNAMED`] and unknown ids have none).
    #[inline]
    pub fn from_id(id: u8) -> Option<Name> {
        Self::ALL.get(usize::from(id).checked_sub(1)?).copied()
    }

    /// The text the name spells (a JSON pointer token as it is: no `~` and no `/` in any).
    pub const fn as_str(self) -> &'static str {
        match self {
            Name::MediaType => "mediaType",
            Name::Digest => "digest",
            Name::Size => "size",
            Name::Urls => "urls",
            Name::Annotations => "annotations",
            Name::ArtifactType => "artifactType",
            Name::Data => "data",
            Name::Platform => "platform",
            Name::Os => "os",
            Name::Architecture => "architecture",
            Name::Variant => "variant",
            Name::OsVersion => "os.version",
            Name::OsFeatures => "os.features",
            Name::Features => "features",
            Name::SchemaVersion => "schemaVersion",
            Name::Manifests => "manifests",
            Name::Config => "config",
            Name::Layers => "layers",
            Name::Subject => "subject",
        }
    }

    /// The id of the name `content` spells ([`UNNAMED`] for any other text).
    #[inline]
    pub fn id_of(content: &[u8]) -> u8 {
        // Every name fits in 16 bytes: two integer comparisons a candidate.
        if content.len() > 16 {
            return UNNAMED;
        }
        let mut word = [0u8; 16];
        word[..content.len()].copy_from_slice(content);
        Self::id_of_words(words(&word), content.len())
    }

    /// [`Name::id_of`] for content read as two little-endian words, zero past its `len` bytes.
    #[inline]
    fn id_of_words(words: (u64, u64), len: usize) -> u8 {
        const fn w(s: &str) -> (u64, u64) {
            let b = s.as_bytes();
            let mut word = [0u8; 16];
            let mut i = 0;
            while i < b.len() {
                word[i] = b[i];
                i += 1;
            }
            let mut lo = 0u64;
            let mut hi = 0u64;
            let mut k = 8;
            while k > 0 {
                k -= 1;
                lo = (lo << 8) | word[k] as u64;
                hi = (hi << 8) | word[k + 8] as u64;
            }
            (lo, hi)
        }
        // Evaluated at compile time: a size-tuned build would call `w` in every guard.
        const OS: (u64, u64) = w("os");
        const SIZE: (u64, u64) = w("size");
        const URLS: (u64, u64) = w("urls");
        const DATA: (u64, u64) = w("data");
        const DIGEST: (u64, u64) = w("digest");
        const CONFIG: (u64, u64) = w("config");
        const LAYERS: (u64, u64) = w("layers");
        const VARIANT: (u64, u64) = w("variant");
        const SUBJECT: (u64, u64) = w("subject");
        const PLATFORM: (u64, u64) = w("platform");
        const FEATURES: (u64, u64) = w("features");
        const MEDIA_TYPE: (u64, u64) = w("mediaType");
        const MANIFESTS: (u64, u64) = w("manifests");
        const OS_VERSION: (u64, u64) = w("os.version");
        const ANNOTATIONS: (u64, u64) = w("annotations");
        const OS_FEATURES: (u64, u64) = w("os.features");
        const ARCHITECTURE: (u64, u64) = w("architecture");
        const ARTIFACT_TYPE: (u64, u64) = w("artifactType");
        const SCHEMA_VERSION: (u64, u64) = w("schemaVersion");
        // Grouped by length, the first thing that tells names apart.
        let name = match len {
            2 if words == OS => Name::Os,
            4 if words == SIZE => Name::Size,
            4 if words == URLS => Name::Urls,
            4 if words == DATA => Name::Data,
            6 if words == DIGEST => Name::Digest,
            6 if words == CONFIG => Name::Config,
            6 if words == LAYERS => Name::Layers,
            7 if words == VARIANT => Name::Variant,
            7 if words == SUBJECT => Name::Subject,
            8 if words == PLATFORM => Name::Platform,
            8 if words == FEATURES => Name::Features,
            9 if words == MEDIA_TYPE => Name::MediaType,
            9 if words == MANIFESTS => Name::Manifests,
            10 if words == OS_VERSION => Name::OsVersion,
            11 if words == ANNOTATIONS => Name::Annotations,
            11 if words == OS_FEATURES => Name::OsFeatures,
            12 if words == ARCHITECTURE => Name::Architecture,
            12 if words == ARTIFACT_TYPE => Name::ArtifactType,
            13 if words == SCHEMA_VERSION => Name::SchemaVersion,
            _ => return UNNAMED,
        };
        name as u8
    }

    /// The id of the name spelled by the `len` bytes at `at` in `text`, read as two words when
    /// sixteen bytes are there to read.
    #[inline(always)]
    pub(crate) fn id_in(text: &[u8], at: usize, len: usize) -> u8 {
        if len > 16 {
            return UNNAMED;
        }
        match text.get(at..at + 16) {
            Some(chunk) => {
                let mut word = [0u8; 16];
                word.copy_from_slice(chunk);
                let (lo, hi) = words(&word);
                let keep = |n: usize| {
                    if n >= 8 {
                        u64::MAX
                    } else {
                        (1u64 << (n * 8)) - 1
                    }
                };
                Self::id_of_words((lo & keep(len), hi & keep(len.saturating_sub(8))), len)
            }
            None => text.get(at..at + len).map_or(UNNAMED, Self::id_of),
        }
    }
}

/// Sixteen bytes as two little-endian words.
#[inline(always)]
fn words(b: &[u8; 16]) -> (u64, u64) {
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&b[..8]);
    hi.copy_from_slice(&b[8..]);
    (u64::from_le_bytes(lo), u64::from_le_bytes(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_recognized_and_nothing_else() {
        for name in Name::ALL {
            assert_eq!(
                Name::id_of(name.as_str().as_bytes()),
                name as u8,
                "{name:?}"
            );
            let text = format!("\"{}\": 1, \"padding to read a whole word\"", name.as_str());
            assert_eq!(
                Name::id_in(text.as_bytes(), 1, name.as_str().len()),
                name as u8,
                "{name:?} in a word"
            );
            let short = format!("\"{}\"", name.as_str());
            assert_eq!(
                Name::id_in(short.as_bytes(), 1, name.as_str().len()),
                name as u8,
                "{name:?} at the end"
            );
            assert_eq!(Name::from_id(name as u8), Some(name), "{name:?} by its id");
            assert!(
                !name.as_str().contains(['~', '/']),
                "{name:?} is a pointer token as it is"
            );
        }
        assert_eq!(Name::from_id(UNNAMED), None);
        assert_eq!(Name::from_id(Name::ALL.len() as u8 + 1), None);
        let others: &[&str] = &[
            "",
            "o",
            "OS",
            "os ",
            "osx",
            "mediatype",
            "mediaType2",
            "digest\0",
            "org.opencontainers.image.revision",
            "size\0\0\0\0\0\0\0\0\0\0\0\0\0",
        ];
        for other in others {
            assert_eq!(Name::id_of(other.as_bytes()), UNNAMED, "{other:?}");
        }
        // A prefix of a longer key is not the name.
        assert_eq!(
            Name::id_in(b"\"sizes\": 1, \"padding padding\"", 1, 5),
            UNNAMED
        );
        assert_eq!(
            Name::id_in(b"\"sizes\": 1, \"padding padding\"", 1, 4),
            Name::Size as u8
        );
    }
}
