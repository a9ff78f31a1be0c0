//! The texts of findings, written out only for the findings a report lists.
//!
//! A document can have findings by the hundred thousand, and a report lists the first 1,000 of
//! each code. A rule records what its message is made of — a static text, or one of the shapes
//! below with the values it names, which are found again in the tree — and the text is written
//! once, for a listed finding, straight where it goes: the `String` of a [`Diagnostic`], or the
//! packed report the npm package hands to JavaScript. A finding left out costs no formatting, and
//! a listed one no `String` of its own on the way.
//!
//! [`Diagnostic`]: crate::Diagnostic

use crate::json::{Name, NodeId, NodeKind, Tree};
use crate::text::{push_decimal, push_quoted};
use crate::Code;
use std::fmt;

/// What a message calls a value: a name (`"platform"`, `"the index"`) or an element of a list
/// (`manifests[2]`). Copied around freely; formatted only in a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    Name(&'static str),
    /// `list[index]`.
    Element(&'static str, u32),
}

impl From<&'static str> for What {
    fn from(name: &'static str) -> Self {
        What::Name(name)
    }
}

impl What {
    /// Appends the name, or `list[index]`.
    fn push_to(self, out: &mut String) {
        match self {
            What::Name(name) => out.push_str(name),
            What::Element(list, i) => {
                out.push_str(list);
                out.push('[');
                push_decimal(out, i);
                out.push(']');
            }
        }
    }
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.push_to(&mut out);
        f.write_str(&out)
    }
}

/// The text of a finding's message or help, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    Static(&'static str),
    Owned(String),
    /// "{what} has no `{key}`, which is REQUIRED".
    MissingMember {
        what: What,
        key: &'static str,
    },
    /// "add a `{key}` member" ("an" before a vowel).
    AddMember {
        key: &'static str,
    },
    /// "`{what}` must be an {expected}, not a {actual}".
    WrongType {
        what: What,
        expected: NodeKind,
        actual: NodeKind,
    },
    /// "platform {os/architecture[/variant]} already appears at manifests[{first}]; …", the
    /// platform read from the finding's node (a `platform` object).
    DuplicatePlatform {
        first: u32,
    },
    /// "`os.version` is only used for windows, but os is {os:?}", `os` read from the object
    /// holding the finding's node.
    OsVersionNotWindows,
    /// "attestation for {digest}, which is not an entry of this index", the digest being the
    /// finding's node.
    DanglingAttestation,
    /// A parser's finding with `code` (a duplicate key, a lone surrogate, a control character)
    /// spanning `start..end` of the text, from which its message is written.
    Parsed {
        code: Code,
        start: u32,
        end: u32,
    },
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Text::Static(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text::Owned(text)
    }
}

impl Text {
    /// Appends the text of a finding about `node` in `tree` to `out`.
    pub fn write(&self, tree: &Tree<'_>, node: Option<NodeId>, out: &mut String) {
        // Pieces are appended one by one: a report writes thousands of these, and the
        // formatter's machinery would cost more than the text.
        match self {
            Text::Static(s) => out.push_str(s),
            Text::Owned(s) => out.push_str(s),
            Text::MissingMember { what, key } => {
                what.push_to(out);
                out.push_str(" has no `");
                out.push_str(key);
                out.push_str("`, which is REQUIRED");
            }
            Text::AddMember { key } => {
                out.push_str("add ");
                out.push_str(article(key));
                out.push_str(" `");
                out.push_str(key);
                out.push_str("` member");
            }
            Text::WrongType {
                what,
                expected,
                actual,
            } => {
                let push_kind = |out: &mut String, kind: &NodeKind| {
                    out.push_str(article(kind.name()));
                    out.push(' ');
                    out.push_str(kind.name());
                };
                out.push('`');
                what.push_to(out);
                out.push_str("` must be ");
                push_kind(out, expected);
                out.push_str(", not ");
                push_kind(out, actual);
            }
            Text::DuplicatePlatform { first } => {
                out.push_str("platform ");
                if let Some(platform) = node {
                    write_platform(tree, platform, out);
                }
                out.push_str(" already appears at manifests[");
                push_decimal(out, *first);
                out.push_str("]; clients pull the first and never this one");
            }
            Text::OsVersionNotWindows => {
                let os = node
                    .map(|n| tree.node(n).parent)
                    .filter(|&p| p != crate::json::NONE)
                    .and_then(|p| tree.get_named(p, [Name::Os])[0])
                    .and_then(|os| string_at(tree, os));
                out.push_str("`os.version` is only used for windows, but os is ");
                push_quoted(out, os.as_deref().unwrap_or(""));
            }
            Text::Parsed { code, start, end } => {
                crate::json::write_deferred_message(*code, tree.text, *start, *end, out)
            }
            Text::DanglingAttestation => {
                out.push_str("attestation for ");
                if let Some(digest) = node.and_then(|n| string_at(tree, n)) {
                    out.push_str(&digest);
                }
                out.push_str(", which is not an entry of this index");
            }
        }
    }

    /// The text as a `String`.
    pub fn to_string_in(&self, tree: &Tree<'_>, node: Option<NodeId>) -> String {
        match self {
            Text::Static(s) => (*s).to_owned(),
            Text::Owned(s) => s.clone(),
            _ => {
                let mut out = String::new();
                self.write(tree, node, &mut out);
                out
            }
        }
    }
}

/// The content of a string node; `None` for another kind.
fn string_at<'a>(tree: &Tree<'a>, node: NodeId) -> Option<std::borrow::Cow<'a, str>> {
    (tree.kind(node) == NodeKind::String).then(|| tree.str(node))
}

/// `os/architecture[/variant]` of a platform object, as `Platform` formats it.
fn write_platform(tree: &Tree<'_>, platform: NodeId, out: &mut String) {
    let [os, architecture, variant] =
        tree.get_named(platform, [Name::Os, Name::Architecture, Name::Variant]);
    let text = |n: Option<NodeId>| n.and_then(|n| string_at(tree, n));
    out.push_str(text(os).as_deref().unwrap_or(""));
    out.push('/');
    out.push_str(text(architecture).as_deref().unwrap_or(""));
    if let Some(variant) = text(variant) {
        out.push('/');
        out.push_str(&variant);
    }
}

/// "a" or "an", for a JSON type name.
pub(crate) fn article(word: &str) -> &'static str {
    match word.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::{validate_document, ValidateOptions};
    use crate::Code;

    const OCI_M: &str = "application/vnd.oci.image.manifest.v1+json";

    fn index(manifests: &str) -> String {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{manifests}]}}"#
        )
    }

    fn entry(i: u32, platform: &str, annotations: &str) -> String {
        format!(
            r#"{{"mediaType":"{OCI_M}","digest":"sha256:{i:064x}","size":1,"platform":{platform}{annotations}}}"#
        )
    }

    /// The messages written from the tree read as they did when each was formatted on the spot:
    /// values decoded (escapes), quoted where the message quotes them.
    #[test]
    fn messages_written_from_the_tree() {
        let attestation = r#","annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:\u0061bc"}"#;
        let cases: &[(&str, String, Code, &str, Option<&str>)] = &[
            (
                "duplicate platform with a variant, escaped",
                index(&[
                    entry(1, r#"{"os":"linux","architecture":"arm","variant":"v7"}"#, ""),
                    entry(2, r#"{"os":"li\u006eux","architecture":"arm","variant":"v7"}"#, ""),
                ]
                .join(",")),
                Code::IndexDuplicatePlatform,
                "platform linux/arm/v7 already appears at manifests[0]; clients pull the first and never this one",
                Some("remove one entry, or tell them apart (variant, os.version, os.features)"),
            ),
            (
                "duplicate platform without a variant (one of the wrong type)",
                index(&[
                    entry(1, r#"{"os":"linux","architecture":"amd64"}"#, ""),
                    entry(2, r#"{"os":"linux","architecture":"amd64","variant":1}"#, ""),
                ]
                .join(",")),
                Code::IndexDuplicatePlatform,
                "platform linux/amd64 already appears at manifests[0]; clients pull the first and never this one",
                None,
            ),
            (
                "os.version off windows, the os quoted as Rust debug-quotes it",
                index(&entry(1, r#"{"os":"lin\"ux","architecture":"amd64","os.version":"1"}"#, "")),
                Code::PlatformOsVersionNotWindows,
                r#"`os.version` is only used for windows, but os is "lin\"ux""#,
                None,
            ),
            (
                "missing architecture",
                index(&entry(1, r#"{"os":"linux"}"#, "")),
                Code::PlatformMissingArchitecture,
                "platform has no `architecture`, which is REQUIRED",
                Some("add an `architecture` member"),
            ),
            (
                "missing size of an entry",
                index(r#"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}"#),
                Code::DescriptorMissingSize,
                "manifests[0] has no `size`, which is REQUIRED",
                Some("add a `size` member"),
            ),
            (
                "wrong type",
                index(&entry(1, "[]", "")),
                Code::SchemaWrongType,
                "`platform` must be an object, not an array",
                None,
            ),
            (
                "duplicate key, one of them escaped",
                r#"{"é":1,"\u00e9":2}"#.to_owned(),
                Code::JsonDuplicateKey,
                r#"duplicate key "é": parsers disagree on which value wins"#,
                Some("keep one of the members"),
            ),
            (
                "lone surrogate",
                r#"{"a":"x\udc0Ay"}"#.to_owned(),
                Code::JsonLoneSurrogate,
                r"\uDC0A is half of a surrogate pair with no other half",
                None,
            ),
            (
                "raw control character",
                "{\"a\":\"x\u{1f}\"}".to_owned(),
                Code::JsonControlCharacter,
                "raw control character U+001F in a string",
                Some("escape it as \\u00XX"),
            ),
            (
                "dangling attestation, the digest decoded",
                index(&entry(1, r#"{"os":"unknown","architecture":"unknown"}"#, attestation)),
                Code::IndexDanglingAttestation,
                "attestation for sha256:abc, which is not an entry of this index",
                Some("remove the attestation entry, or add back the image it describes"),
            ),
        ];
        for (name, input, code, message, help) in cases {
            // The parser's own findings read the same through `json::parse`.
            if code.as_str().starts_with("json/") {
                let (_, findings) =
                    crate::json::parse(input.as_bytes(), &crate::json::Limits::default());
                let f = findings.iter().find(|f| f.code == *code).expect("found");
                assert_eq!(f.message, *message, "{name}: json::parse");
            }
            let v = validate_document(input.as_bytes(), &ValidateOptions::default());
            let d = v
                .diagnostics
                .iter()
                .find(|d| d.code == *code)
                .unwrap_or_else(|| panic!("{name}: no {code} in {:?}", v.diagnostics));
            assert_eq!(d.message, *message, "{name}");
            if let Some(help) = help {
                assert_eq!(d.help.as_deref(), Some(*help), "{name}");
            }
        }
    }
}
