//! Diagnostics: what is wrong with a document, how bad it is, and exactly where.
//!
//! Every finding is data, never an `Err`. A [`Code`] is a stable `area/name` string from the one
//! registry below: tests and user interfaces match on codes, never on messages. Codes are never
//! renamed; a retired code stays reserved.
//!
//! Locations are given three ways: an RFC 6901 JSON pointer, a 1-based line and column (the
//! column counted in UTF-16 code units, as browser editors count), and UTF-8 byte offsets.

use std::fmt;

/// How much a finding matters. `Error` makes a document invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $text:literal, $severity:ident; )*) => {
        /// The registry of diagnostic codes. Each has a stable text form and a default severity.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable `area/name` form.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The severity a finding with this code has unless a rule says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// What the code means: its doc comment, on one line.
            pub fn description(self) -> &'static str {
                match self { $( Code::$variant => concat!($($doc),*).trim_start(), )* }
            }

            /// Looks a code up by its text form.
            pub fn from_str_exact(text: &str) -> Option<Code> {
                match text { $( $text => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    // JSON text.
    /// The input is empty or only whitespace.
    JsonEmpty = "json/empty", Error;
    /// A character that cannot start or continue a JSON value here.
    JsonSyntax = "json/syntax", Error;
    /// The input ends inside a value.
    JsonUnexpectedEnd = "json/unexpected-end", Error;
    /// A comma before `]` or `}`.
    JsonTrailingComma = "json/trailing-comma", Error;
    /// Something follows the top-level value.
    JsonTrailingContent = "json/trailing-content", Error;
    /// The same key twice in one object: parsers disagree on which value wins.
    JsonDuplicateKey = "json/duplicate-key", Error;
    /// Bytes that are not UTF-8.
    JsonInvalidUtf8 = "json/invalid-utf8", Error;
    /// A UTF-8 byte order mark, which JSON text must not begin with (RFC 8259 §8.1).
    JsonBom = "json/bom", Error;
    /// A raw control character (U+0000..U+001F) inside a string.
    JsonControlCharacter = "json/control-character", Error;
    /// A backslash escape JSON does not define.
    JsonInvalidEscape = "json/invalid-escape", Error;
    /// A `\u` escape of half a surrogate pair: decoders disagree on what it means.
    JsonLoneSurrogate = "json/lone-surrogate", Error;
    /// A number that does not follow the JSON number grammar.
    JsonInvalidNumber = "json/invalid-number", Error;
    /// Nesting deeper than the limit.
    JsonTooDeep = "json/too-deep", Error;
    /// Input larger than the limit.
    JsonTooLarge = "json/too-large", Error;

    // The document as a whole.
    /// The top-level value is not an object.
    DocumentNotObject = "document/not-object", Error;
    /// Neither `mediaType` nor the structure tells what the document is.
    DocumentUnknownKind = "document/unknown-kind", Error;
    /// No top-level `mediaType`: the kind was inferred from the structure.
    DocumentMissingMediaType = "document/missing-media-type", Warning;
    /// A top-level `mediaType` that is not one of the manifest types.
    DocumentUnknownMediaType = "document/unknown-media-type", Error;
    /// `mediaType` and structure (or the expected kind) disagree.
    DocumentMediaTypeMismatch = "document/media-type-mismatch", Error;
    /// A Docker image manifest schema 1 (signed or unsigned), no longer accepted by registries.
    DocumentSchema1 = "document/schema1", Error;
    /// The OCI artifact manifest, withdrawn before image-spec v1.1.
    DocumentArtifactManifest = "document/artifact-manifest", Error;
    /// The `manifest.json` of a `docker save` tarball, which is not a registry manifest.
    DocumentDockerSave = "document/docker-save", Error;
    /// A bare descriptor where a manifest was expected.
    DocumentDescriptor = "document/descriptor", Error;
    /// An image config, not a manifest.
    DocumentImageConfig = "document/image-config", Warning;
    /// `schemaVersion` is missing.
    DocumentMissingSchemaVersion = "document/missing-schema-version", Error;
    /// `schemaVersion` is not 2.
    DocumentInvalidSchemaVersion = "document/invalid-schema-version", Error;
    /// Larger than registries must accept (4 MiB); some will refuse it.
    DocumentExceedsRegistryLimit = "document/exceeds-registry-limit", Warning;
    /// More findings of one code than a report lists (the first 1,000 of each code, in document
    /// order): says how many more there are, where the first of them is.
    DocumentTooManyDiagnostics = "document/too-many-diagnostics", Info;

    // Any field.
    /// A field has the wrong JSON type.
    SchemaWrongType = "schema/wrong-type", Error;
    /// A required field is absent.
    SchemaMissingField = "schema/missing-field", Error;

    // Descriptors.
    /// A descriptor without `mediaType`.
    DescriptorMissingMediaType = "descriptor/missing-media-type", Error;
    /// A media type that does not follow RFC 6838's grammar.
    DescriptorInvalidMediaType = "descriptor/invalid-media-type", Error;
    /// A descriptor without `digest`.
    DescriptorMissingDigest = "descriptor/missing-digest", Error;
    /// A digest that does not follow the digest grammar.
    DescriptorInvalidDigest = "descriptor/invalid-digest", Error;
    /// A registered algorithm (sha256, sha384, sha512) with an encoded part of the wrong length or not lowercase hex.
    DescriptorInvalidDigestEncoding = "descriptor/invalid-digest-encoding", Error;
    /// An algorithm that fits the grammar but is not registered; clients may not verify it.
    DescriptorUnregisteredAlgorithm = "descriptor/unregistered-algorithm", Warning;
    /// A descriptor without `size`.
    DescriptorMissingSize = "descriptor/missing-size", Error;
    /// A size that is not a non-negative integer.
    DescriptorInvalidSize = "descriptor/invalid-size", Error;
    /// A size beyond the int64 range.
    DescriptorSizeOutOfRange = "descriptor/size-out-of-range", Error;
    /// A `urls` entry that is not an absolute URI.
    DescriptorInvalidUrl = "descriptor/invalid-url", Error;
    /// `data` that is not padded base64.
    DescriptorInvalidData = "descriptor/invalid-data", Error;
    /// Decoded `data` whose length is not `size`.
    DescriptorDataSizeMismatch = "descriptor/data-size-mismatch", Error;
    /// Decoded `data` whose digest is not `digest`.
    DescriptorDataDigestMismatch = "descriptor/data-digest-mismatch", Error;
    /// An annotation whose value is not a string.
    DescriptorAnnotationNotString = "descriptor/annotation-not-string", Error;
    /// The empty descriptor's media type with another digest or size.
    DescriptorEmptyMismatch = "descriptor/empty-mismatch", Warning;
    /// An `artifactType` that is not a valid media type.
    DescriptorInvalidArtifactType = "descriptor/invalid-artifact-type", Error;

    // Platforms.
    /// A platform without `os`.
    PlatformMissingOs = "platform/missing-os", Error;
    /// A platform without `architecture`.
    PlatformMissingArchitecture = "platform/missing-architecture", Error;
    /// An `os` value outside Go's GOOS list.
    PlatformUnknownOs = "platform/unknown-os", Warning;
    /// An `architecture` value outside Go's GOARCH list.
    PlatformUnknownArchitecture = "platform/unknown-architecture", Warning;
    /// A `variant` on an architecture that has none, or a variant it does not define.
    PlatformUnexpectedVariant = "platform/unexpected-variant", Warning;
    /// `os.version` on an OS other than windows.
    PlatformOsVersionNotWindows = "platform/os-version-not-windows", Warning;
    /// `features`, reserved by the OCI image-spec.
    PlatformReservedFeatures = "platform/reserved-features", Warning;

    // Indexes and manifest lists.
    /// Two entries with the same (normalized) platform: clients pull the first, never the second.
    IndexDuplicatePlatform = "index/duplicate-platform", Warning;
    /// A Docker manifest list entry without `platform`.
    IndexMissingPlatform = "index/missing-platform", Error;
    /// Several windows entries without `os.version`: clients cannot choose by build.
    IndexWindowsWithoutOsVersion = "index/windows-without-os-version", Warning;
    /// A child media type of the other family (OCI in a Docker list or Docker in an OCI index).
    IndexChildMediaTypeMismatch = "index/child-media-type-mismatch", Warning;
    /// A child that is itself an index.
    IndexNestedIndex = "index/nested-index", Info;
    /// A child whose media type is not a manifest type.
    IndexUnknownChildMediaType = "index/unknown-child-media-type", Info;
    /// A field that a Docker manifest list cannot carry.
    IndexDockerListField = "index/docker-list-field", Warning;
    /// An attestation entry whose `vnd.docker.reference.digest` names no entry of the index.
    IndexDanglingAttestation = "index/dangling-attestation", Warning;
    /// An index with no entries.
    IndexEmpty = "index/empty", Info;

    // Image manifests.
    /// `layers` is empty (the v1.1 prose says SHOULD have one; the JSON schema says MUST).
    ManifestEmptyLayers = "manifest/empty-layers", Warning;
    /// A non-distributable layer media type, deprecated since image-spec v1.1.
    ManifestNonDistributableLayer = "manifest/non-distributable-layer", Warning;
    /// A config media type that does not fit the manifest type.
    ManifestConfigMediaType = "manifest/config-media-type", Warning;
    /// A layer media type of the other family.
    ManifestLayerMediaTypeMismatch = "manifest/layer-media-type-mismatch", Warning;
    /// The config is the empty descriptor (or not an image config) and `artifactType` is absent.
    ManifestMissingArtifactType = "manifest/missing-artifact-type", Error;
    /// A field that a Docker image manifest cannot carry.
    ManifestDockerField = "manifest/docker-field", Warning;

    // Composition and conversion.
    /// A field the target format cannot carry, dropped by a conversion.
    ConvertDroppedField = "convert/dropped-field", Warning;
    /// A child keeps its media type of the other family after a conversion.
    ConvertChildMediaType = "convert/child-media-type", Warning;
    /// An entry added without a platform (no config and none given).
    ComposeMissingPlatform = "compose/missing-platform", Warning;
    /// An attestation entry dropped because the entry it describes was removed.
    ComposeDroppedAttestation = "compose/dropped-attestation", Info;
    /// A child manifest given to compose has problems of its own.
    ComposeChildInvalid = "compose/child-invalid", Warning;

    // Image configs.
    /// A config without `os` or `architecture`: no platform can be derived.
    ConfigMissingPlatform = "config/missing-platform", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A place in the text: 1-based line, 1-based column in UTF-16 code units, 0-based UTF-8 byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A range of text, `end` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// RFC 6901 JSON pointer to the value concerned (`""` is the whole document).
    pub pointer: String,
    pub span: Span,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and no location yet.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.default_severity(),
            code,
            message: message.into(),
            pointer: String::new(),
            span: Span::default(),
            help: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = span;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line of the start.
    pub fn line(&self) -> u32 {
        self.span.start.line
    }

    /// 1-based UTF-16 column of the start.
    pub fn column(&self) -> u32 {
        self.span.start.column
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} [{}] {}",
            self.span.start.line, self.span.start.column, self.severity, self.code, self.message
        )?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

/// True when no diagnostic is an error.
pub fn is_valid(diagnostics: &[Diagnostic]) -> bool {
    !diagnostics.iter().any(Diagnostic::is_error)
}

/// Appends one RFC 6901 reference token to `pointer`, escaping `~` and `/`.
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "duplicate code {text}");
            let (area, name) = text.split_once('/').expect("area/name");
            assert!(!area.is_empty() && !name.is_empty(), "{text}");
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/'),
                "{text}"
            );
            assert_eq!(Code::from_str_exact(text), Some(*code));
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let cases = [
            ("a", "/a"),
            ("a/b", "/a~1b"),
            ("m~n", "/m~0n"),
            ("", "/"),
            ("~/", "/~0~1"),
        ];
        for (token, expected) in cases {
            let mut p = String::new();
            push_pointer_token(&mut p, token);
            assert_eq!(p, expected, "token {token:?}");
        }
    }
}
